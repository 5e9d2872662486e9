"""Real territories: the communes of France, their population and a CPTS's ACI size.

The package ships every current, inhabited commune of France (``data/france/
communes.csv.gz``, 34 963 rows) with its INSEE code, name, population municipale,
département, région and EPCI à fiscalité propre, built by
``scripts/build_france_communes.py`` from the npm package
``@etalab/decoupage-administratif`` 6.0.0: INSEE populations légales 2023, in force on
1 January 2026, COG 2026, DGCL EPCI 2026 (``data/france/source.yaml`` holds the source,
vintage, licence and the choices made). Paris, Lyon and Marseille are one commune each;
arrondissements municipaux, communes déléguées and associées are not listed.

Each commune also has a position (``latitude``, ``longitude``, WGS 84 decimal degrees,
4 decimals at most) to show it on a map: the centroid of its contour in IGN ADMIN EXPRESS
COG 2018 (through gregoiredavid/france-geojson; a commune merged since is the union of
its 2018 parts), moved inside the contour when it falls outside; for the 3 communes
restored since 2018, the centre of the bounding box of its 2024 contour (Base Adresse
Nationale's ``geo.json``, Etalab « contours administratifs »). It is neither the
chef-lieu nor the mairie. The 4 communes restored in the Cantal in 2025 (15031, 15035,
15047, 15171) and the 88 of the collectivités d'outre-mer (whose only contours are not
under the Licence Ouverte) have none (``NaN``). ``source.yaml`` (``position``) holds the
sources, commits, licences and counts.

- :func:`load_france_communes` gives the whole table (cached; a copy each call);
- :func:`search_communes` finds the communes whose name holds a text (to read a code);
- :func:`describe_territory` turns a list of communes (INSEE codes or names) and/or EPCI
  (SIREN codes or names) into a :class:`RealTerritory`: its communes, its population and
  its ACI size under the dated thresholds of ``aci/seuils_population``
  (:func:`cpts_training.budget.aci.aci_size`); :meth:`RealTerritory.positions` gives its
  communes' positions for a map.

Names are matched with accents, case, hyphens and apostrophes folded (« saint etienne »
finds Saint-Étienne); a name several communes share is refused with the candidates and
their INSEE codes. Every bad input raises a French :class:`~cpts_training.errors.InputError`;
a damaged data file raises :class:`~cpts_training.errors.DataError`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.budget.aci import aci_size
from cpts_training.columns import Column, declare_columns
from cpts_training.dates import MONTHS_FR, to_date
from cpts_training.display import french_table
from cpts_training.errors import DataError, InputError
from cpts_training.formatting import format_number_fr
from cpts_training.paths import DATA_DIR
from cpts_training.readers import read_yaml
from cpts_training.territory.size import size_thresholds

FRANCE_DIR: Path = DATA_DIR / "france"
"""Directory of the communes of France and their ``source.yaml``."""

COMMUNES_FILE: Path = FRANCE_DIR / "communes.csv.gz"
SOURCE_FILE: Path = FRANCE_DIR / "source.yaml"

FRANCE_COLUMNS = declare_columns(
    Column("code_insee", "Code INSEE"),
    Column("commune", "Commune"),
    Column("population", "Population municipale", "habitants"),
    Column("departement", "Département"),
    Column("departement_nom", "Nom du département"),
    Column("region", "Région"),
    Column("region_nom", "Nom de la région"),
    Column("epci", "EPCI (SIREN)"),
    Column("epci_nom", "EPCI"),
    Column("latitude", "Latitude (WGS 84)", "degrés"),
    Column("longitude", "Longitude (WGS 84)", "degrés"),
)
"""Columns of :func:`load_france_communes` and of :attr:`RealTerritory.communes`."""

COLUMNS: tuple[str, ...] = tuple(FRANCE_COLUMNS)

POSITION_COLUMNS: tuple[str, ...] = (
    "code_insee",
    "commune",
    "population",
    "latitude",
    "longitude",
)
"""Columns of :meth:`RealTerritory.positions`."""

POSITION_SOURCE = (
    "Position de chaque commune : centre de son contour (IGN ADMIN EXPRESS COG 2018, "
    "Licence Ouverte), ni la mairie ni le chef-lieu."
)
"""The source of the positions, in French, to print under a map."""

_RANGES = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}

MAX_LISTED = 15
"""At most this many candidates or communes are spelled out in a message."""

_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_SIREN = re.compile(r"^[0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`]+")


# --------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------


@functools.cache
def _communes() -> pd.DataFrame:
    try:
        table = pd.read_csv(
            COMMUNES_FILE, dtype=str, keep_default_na=False, compression="gzip", encoding="utf-8"
        )
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise DataError(
            f"Le fichier des communes de France {COMMUNES_FILE} est illisible ({error}). "
            "Réinstallez le paquet cpts-training ou relancez scripts/build_france_communes.py."
        ) from error
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise DataError(
            f"Le fichier {COMMUNES_FILE} n'a pas les colonnes {', '.join(missing)}. "
            "Relancez scripts/build_france_communes.py."
        )
    population = pd.to_numeric(table["population"], errors="coerce")
    bad = table.index[population.isna() | (population < 0)]
    if len(bad):
        row = int(bad[0])
        raise DataError(
            f"Le fichier {COMMUNES_FILE}, ligne {row + 2} : population « "
            f"{table['population'].iloc[row]!s} » invalide. "
            "Relancez scripts/build_france_communes.py."
        )
    duplicated = table["code_insee"][table["code_insee"].duplicated()]
    if len(duplicated):
        raise DataError(
            f"Le fichier {COMMUNES_FILE} contient deux fois le code INSEE "
            f"{duplicated.iloc[0]}. Relancez scripts/build_france_communes.py."
        )
    table = table[list(COLUMNS)].copy()
    table["population"] = population.astype("int64")
    for column, (low, high) in _RANGES.items():
        text = table[column]
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = table.index[(values.isna() & (text != "")) | (values < low) | (values > high)]
        if len(bad):
            row = int(bad[0])
            raise DataError(
                f"Le fichier {COMMUNES_FILE}, ligne {row + 2} : {column} « {text.iloc[row]} » "
                "invalide. Relancez scripts/build_france_communes.py."
            )
        table[column] = values.astype("float64")
    if not (table["latitude"].isna() == table["longitude"].isna()).all():
        raise DataError(
            f"Le fichier {COMMUNES_FILE} a une latitude sans longitude (ou l'inverse). "
            "Relancez scripts/build_france_communes.py."
        )
    return table


def load_france_communes() -> pd.DataFrame:
    """Every current, inhabited commune of France, one row per commune (a fresh copy).

    Columns :data:`COLUMNS`: ``code_insee``, ``commune``, ``population`` (population
    municipale, int), ``departement`` and ``departement_nom``, ``region`` and
    ``region_nom``, ``epci`` (SIREN, empty for a commune in no EPCI), ``epci_nom``,
    ``latitude`` and ``longitude`` (float, WGS 84 decimal degrees, north and east: the
    centre of the commune's contour, see the module's docstring; ``NaN`` for the 4
    communes without a position). The other columns are text (INSEE codes keep their
    leading zero).

    Raises:
        DataError: if the shipped file is missing or damaged.
    """
    return _communes().copy()


@functools.cache
def france_source() -> dict[str, Any]:
    """The metadata of the shipped file (``data/france/source.yaml``): source, vintage,
    licence, choices, row count."""
    metadata = read_yaml(SOURCE_FILE)
    if not isinstance(metadata, dict) or "source" not in metadata or "population" not in metadata:
        raise DataError(
            f"Le fichier {SOURCE_FILE} doit contenir « source » et « population ». "
            "Relancez scripts/build_france_communes.py."
        )
    return metadata


def source_label() -> str:
    """Where the populations come from, in words a trainee reads: « INSEE, populations
    légales 2023 (en vigueur au 1er janvier 2026), liste des communes d'Etalab (2026) ».

    The npm package and its version, which a trainee need not know, stay in
    :func:`france_source` (``source.package``, ``source.version``).
    """
    source = france_source()
    population = source["population"]
    in_force = population_in_force()
    day = "1er" if in_force.day == 1 else str(in_force.day)
    return (
        f"INSEE, populations légales {population['vintage']} (en vigueur au {day} "
        f"{MONTHS_FR[in_force.month - 1]} {in_force.year}), liste des communes d'Etalab "
        f"({source['cog_vintage']})"
    )


def population_in_force() -> dt.date:
    """Date from which the shipped populations légales are in force (1 January 2026)."""
    return to_date(france_source()["population"]["in_force"], "La date d'entrée en vigueur")


# --------------------------------------------------------------------------------------
# Matching names and codes
# --------------------------------------------------------------------------------------


def fold_name(text: str) -> str:
    """``text`` without accents or case, hyphens and apostrophes read as spaces:
    ``fold_name("L'Haÿ-les-Roses")`` gives ``"l hay les roses"``."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


@functools.cache
def _by_name() -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for position, name in enumerate(_communes()["commune"]):
        index.setdefault(fold_name(name), []).append(position)
    return index


@functools.cache
def _by_code() -> dict[str, int]:
    return {code: position for position, code in enumerate(_communes()["code_insee"])}


@functools.cache
def _epci_names() -> dict[str, dict[str, str]]:
    """Folded EPCI name -> {SIREN: name}."""
    table = _communes()
    names: dict[str, dict[str, str]] = {}
    for siren, name in zip(table["epci"], table["epci_nom"], strict=True):
        if siren:
            names.setdefault(fold_name(name), {})[siren] = name
    return names


def _describe(position: int) -> str:
    row = _communes().iloc[position]
    return f"{row['commune']} ({row['departement_nom']}, code INSEE {row['code_insee']})"


def _listing(items: Sequence[str]) -> str:
    shown = "\n".join(f"  - {item}" for item in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += f"\n  - … et {len(items) - MAX_LISTED} autres"
    return shown


def _epci_suggestions(folded: str) -> str:
    index = _epci_names()
    close = [key for key in index if folded in key][:5] or difflib.get_close_matches(
        folded, list(index), n=5, cutoff=0.8
    )
    names = [name for key in close for name in index[key].values()]
    return f" Vouliez-vous dire : {', '.join(names[:5])} ?" if names else ""


def _quoted(value: float, example: str) -> str:
    if isinstance(value, int) and 0 <= value < 100_000:
        return f'"{value:05d}"'
    return example


def _require_text(value: object, what: str, example: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise InputError(
            f"{what} « {value} » est un nombre : écrivez-le entre guillemets, comme un texte "
            f"(par exemple {_quoted(value, example)}), pour garder le zéro du début d'un "
            "code."
        )
    if not isinstance(value, str):
        raise InputError(
            f"{what} « {value!r} » n'est pas un texte : écrivez un code ou un nom entre "
            f"guillemets (par exemple {example})."
        )
    if not value.strip():
        raise InputError(f"{what} est vide : écrivez un code ou un nom entre guillemets.")
    return value.strip()


def find_commune(value: str) -> int:
    """Position in :func:`load_france_communes` of the commune an INSEE code or name names.

    Raises:
        InputError: for an unknown code or name, or a name several communes share (the
            message lists them with their département and INSEE code).
    """
    text = _require_text(value, "La commune", '"34172"')
    code = text.upper().replace(" ", "")
    if _CODE.match(code):
        if code in _by_code():
            return _by_code()[code]
        raise InputError(
            f"Le code INSEE « {text} » ne correspond à aucune commune actuelle "
            f"({source_label()}). Vérifiez-le sur la fiche de la commune (insee.fr) : "
            "une commune fusionnée a le code de sa commune nouvelle."
        )
    if re.fullmatch(r"[0-9]{4}", code):
        raise InputError(
            f"Le code INSEE « {text} » n'a que 4 chiffres : un code INSEE en a 5 ; écrivez le "
            f"zéro du début entre guillemets (« 0{code} »)."
        )
    folded = fold_name(text)
    positions = _by_name().get(folded, [])
    if not positions:
        raise InputError(
            f"Aucune commune ne s'appelle « {text} » ({source_label()})."
            f"{_suggestions_for_commune(folded)} Vérifiez l'orthographe ou donnez son code INSEE ; "
            "une ancienne commune fusionnée se cherche sous le nom de sa commune nouvelle "
            "(sa fiche sur insee.fr la donne)."
        )
    if len(positions) > 1:
        raise InputError(
            f"Plusieurs communes s'appellent « {text} » :\n"
            f"{_listing([_describe(p) for p in positions])}\n"
            "Donnez le code INSEE de la bonne commune à la place de son nom."
        )
    return positions[0]


def search_communes(text: str, departement: str | None = None) -> pd.DataFrame:
    """The communes whose name holds ``text`` (accents and case folded), by INSEE code.

    ``departement`` (« 34 », « 2A ») keeps that département's only. A trainee finds here
    the INSEE code of a commune whose name several communes share.

    Raises:
        InputError: if ``text`` is not a text or is empty.
    """
    folded = fold_name(_require_text(text, "Le texte cherché", '"Colombe"'))
    table = _communes()
    mask = table["commune"].map(fold_name).str.contains(folded, regex=False)
    if departement is not None:
        code = _require_text(departement, "Le département", '"34"').upper()
        if code not in set(table["departement"]):
            raise InputError(
                f"Le département « {departement} » n'existe pas : écrivez son code, "
                'par exemple "34", "2A" ou "974".'
            )
        mask &= table["departement"] == code
    return table[mask].reset_index(drop=True)


def _suggestions_for_commune(folded: str) -> str:
    index = _by_name()
    close = difflib.get_close_matches(folded, list(index), n=5, cutoff=0.85)
    names = [_describe(p) for key in close for p in index[key]]
    return f" Vouliez-vous dire : {', '.join(names[:5])} ?" if names else ""


def find_epci(value: str) -> str:
    """SIREN code of the EPCI a SIREN code or a name names.

    Raises:
        InputError: for an unknown code or name, or a name two EPCI share.
    """
    text = _require_text(value, "L'EPCI", '"243400017"')
    siren = text.replace(" ", "")
    table = _communes()
    if _SIREN.match(siren):
        if not (table["epci"] == siren).any():
            raise InputError(
                f"Le code SIREN « {text} » ne correspond à aucun EPCI à fiscalité propre "
                f"({source_label()}). Vérifiez-le sur banatic.interieur.gouv.fr ou donnez le "
                "nom de l'EPCI."
            )
        return siren
    folded = fold_name(text)
    matches = _epci_names().get(folded, {})
    if not matches:
        raise InputError(
            f"Aucun EPCI ne s'appelle « {text} ».{_epci_suggestions(folded)} "
            "Écrivez son nom exact (par exemple « Montpellier Méditerranée Métropole » ou "
            "« CA Lunel Agglo ») ou son code SIREN (9 chiffres)."
        )
    if len(matches) > 1:
        described = []
        for code, name in sorted(matches.items()):
            departements = sorted(set(table.loc[table["epci"] == code, "departement_nom"]))
            described.append(f"{name} ({', '.join(departements)}, SIREN {code})")
        raise InputError(
            f"Plusieurs EPCI s'appellent « {text} » :\n{_listing(described)}\n"
            "Donnez le code SIREN du bon EPCI à la place de son nom."
        )
    return next(iter(matches))


# --------------------------------------------------------------------------------------
# A real territory
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RealTerritory:
    """The communes a real CPTS covers, their population and its ACI size.

    ``communes`` has the columns of :data:`COLUMNS`, one row per commune, sorted by INSEE
    code; ``population`` is their total population municipale; ``aci_size`` (1–4) the
    size under the thresholds in force on ``at``; ``epci`` the SIREN codes asked for.
    """

    communes: pd.DataFrame = field(repr=False)
    population: int
    aci_size: int
    at: dt.date
    thresholds: tuple[int, ...]
    source_label: str
    epci: tuple[str, ...] = ()

    def positions(self) -> pd.DataFrame:
        """The communes' positions, to put them on a map (a fresh copy).

        One row per commune, sorted by INSEE code, columns :data:`POSITION_COLUMNS`:
        ``code_insee``, ``commune``, ``population`` (population municipale, int),
        ``latitude`` and ``longitude`` (float, WGS 84 decimal degrees: the centre of the
        commune's contour, IGN ADMIN EXPRESS COG 2018, else the Base Adresse Nationale's
        2024 bounding box centre; ``NaN`` for a commune without a position, see
        ``source.yaml``). :data:`POSITION_SOURCE` says it in French under a map.
        """
        return self.communes[list(POSITION_COLUMNS)].reset_index(drop=True).copy()

    def _lines(self) -> list[str]:
        table = self.communes
        departements = (
            table.drop_duplicates("departement")
            .apply(lambda row: f"{row['departement_nom']} ({row['departement']})", axis=1)
            .tolist()
        )
        bounds = ", ".join(format_number_fr(b) for b in self.thresholds)
        lines = [
            f"{len(table)} commune{'s' if len(table) > 1 else ''}, "
            f"{format_number_fr(self.population)} habitants (population municipale)",
            f"Taille ACI : {self.aci_size} (seuils de population en vigueur au "
            f"{self.at.day:02d}/{self.at.month:02d}/{self.at.year} : {bounds} habitants)",
            f"Département{'s' if len(departements) > 1 else ''} : {', '.join(departements)}",
        ]
        if self.epci:
            names = [
                f"{table.loc[table['epci'] == code, 'epci_nom'].iloc[0]} (SIREN {code})"
                for code in self.epci
            ]
            lines.append(f"EPCI : {', '.join(names)}")
        lines.append(f"Source : {self.source_label}")
        return lines

    def __str__(self) -> str:
        shown = self.communes.head(MAX_LISTED)
        listed = [
            f"  - {name} ({code}) : {format_number_fr(int(population))} hab."
            for code, name, population in zip(
                shown["code_insee"], shown["commune"], shown["population"], strict=True
            )
        ]
        if len(self.communes) > MAX_LISTED:
            listed.append(f"  - … et {len(self.communes) - MAX_LISTED} autres communes")
        return "\n".join(["Territoire réel de la CPTS", *self._lines(), "Communes :", *listed])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self._lines())
        shown = self.communes.head(MAX_LISTED)
        table = french_table(
            shown, ["code_insee", "commune", "population", "departement_nom", "epci_nom"]
        ).to_html()
        more = (
            f"<p><em>… et {len(self.communes) - MAX_LISTED} autres communes "
            "(tableau complet : <code>.communes</code>)</em></p>"
            if len(self.communes) > MAX_LISTED
            else ""
        )
        return f"<h4>Territoire réel de la CPTS</h4><ul>{items}</ul>{table}{more}"


def _as_list(value: object, what: str, example: str) -> list[object]:
    if isinstance(value, str):
        raise InputError(
            f"{what} doit être une liste entre crochets, même pour un seul élément : "
            f"[{example}] et non « {value} »."
        )
    if not isinstance(value, list | tuple):
        raise InputError(
            f"{what} doit être une liste entre crochets (par exemple [{example}]), "
            f"pas « {value!r} »."
        )
    if not value:
        raise InputError(
            f"{what} est une liste vide : indiquez au moins un élément (par exemple [{example}])."
        )
    return list(value)


def describe_territory(
    communes: Sequence[str] | None = None,
    epci: str | Sequence[str] | None = None,
    at: dt.date | str | None = None,
) -> RealTerritory:
    """The real territory made of ``communes`` and of the communes of ``epci``.

    Args:
        communes: a list of INSEE codes (« 34172 », « 2A004 ») or names (« Lunel »,
            matched without accents or case), each commune once.
        epci: the SIREN code or name of an EPCI, or a list of them; its communes are
            added to ``communes`` (a commune given both ways is refused as a duplicate).
        at: date of the ACI thresholds (default: the date the populations are in force,
            1 January 2026).

    Raises:
        InputError: no commune and no EPCI, an argument that is not a list, an empty list,
            an unknown or ambiguous name or code, a commune given twice, a bad date. The
            unknown, ambiguous and repeated communes are all named in one message.
    """
    if communes is None and epci is None:
        raise InputError(
            'Indiquez les communes de la CPTS (communes=["34145", "Lunel"]) ou son EPCI '
            '(epci="CA Lunel Agglo"), ou les deux.'
        )
    day = population_in_force() if at is None else to_date(at, "La date des seuils ACI")
    chosen: dict[int, str] = {}
    sirens: list[str] = []
    if epci is not None:
        asked = [epci] if isinstance(epci, str) else _as_list(epci, "epci", '"243400520"')
        table = _communes()
        for value in asked:
            siren = find_epci(value)  # type: ignore[arg-type]
            if siren in sirens:
                raise InputError(f"L'EPCI « {value} » est donné deux fois : gardez-le une fois.")
            sirens.append(siren)
            for position in table.index[table["epci"] == siren]:
                chosen[int(position)] = f"l'EPCI « {value} »"
    if communes is not None:
        # Every commune is looked up before any error is shown, so that a trainee fixes
        # all the unknown and ambiguous names in one go.
        problems: list[str] = []
        for value in _as_list(communes, "communes", '"34145", "Lunel"'):
            try:
                position = find_commune(value)  # type: ignore[arg-type]
            except InputError as error:
                problems.append(str(error))
                continue
            if position in chosen:
                problems.append(
                    f"La commune « {value} » – {_describe(position)} – est déjà donnée par "
                    f"{chosen[position]} : ne la mettez qu'une fois."
                )
                continue
            chosen[position] = f"« {value} »"
        if len(problems) == 1:
            raise InputError(problems[0])
        if problems:
            raise InputError(
                f"{len(problems)} communes sont à corriger :\n"
                + "\n".join(f"{n}. {text}" for n, text in enumerate(problems, start=1))
            )
    rows = _communes().iloc[sorted(chosen)].reset_index(drop=True)
    population = int(rows["population"].sum())
    return RealTerritory(
        communes=rows,
        population=population,
        aci_size=aci_size(population, day),
        at=day,
        thresholds=tuple(size_thresholds(day)),
        source_label=source_label(),
        epci=tuple(sirens),
    )
