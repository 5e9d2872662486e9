"""The skeleton of a territorial diagnostic on the trainee's own CPTS (« Mon territoire »).

The coordinator *élabore* the diagnostic of their territory: :func:`diagnostic_skeleton`
turns a real territory (:class:`~cpts_training.territory.france.RealTerritory`) or the
case study (:class:`~cpts_training.territory.case_study.Territory`) into a
:class:`DiagnosticSkeleton`, one row per commune with its population. The trainee fills:

- the head counts of professionals per commune and profession (:data:`DIAGNOSTIC_PROFESSIONS`:
  general practitioners, then :data:`~cpts_training.territory.resources.PROFESSIONS`),
  checked by :func:`require_counts` (French numbers such as « 3 » are read; a negative or
  non-whole count, a text that is not a number or an unknown commune is refused, naming
  the row and the column). An empty cell counts 0; a profession left wholly empty is
  « non renseignée » and left out of the densities;
- the partner structures (type among :data:`~cpts_training.territory.resources.
  STRUCTURE_TYPES`, name, commune), checked by :func:`require_structures`;
- their priorities and a synthesis.

:func:`diagnostic_document` gathers them in a :class:`DiagnosticDocument`: title, territory
(communes, population, ACI size, source), densities per profession for 10 000 inhabitants
next to the national reference where there is one
(:func:`~cpts_training.territory.density.compare_to_reference`), structures by type,
priorities and synthesis. It shows itself in a notebook and is written as an HTML page
(Jinja2, every text escaped) and a Word document (python-docx).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from cpts_training.budget.aci import aci_size
from cpts_training.dates import fr_date
from cpts_training.documents import a4_docx, require_target, save_docx, save_pair
from cpts_training.errors import InputError
from cpts_training.formatting import NumberFormatError, format_number_fr, read_typed_number
from cpts_training.territory.case_study import Territory
from cpts_training.territory.density import compare_to_reference, density, reference_densities
from cpts_training.territory.france import POSITION_SOURCE, RealTerritory, fold_name
from cpts_training.territory.resources import PROFESSIONS, STRUCTURE_TYPES
from cpts_training.territory.size import population_date, size_thresholds

DIAGNOSTIC_PROFESSIONS: dict[str, str] = {"medecins_generalistes": "Médecins généralistes"}
DIAGNOSTIC_PROFESSIONS.update(PROFESSIONS)
"""Count columns of the diagnostic, with their French labels: general practitioners
(the profession with a national reference density), then the other professions."""

COMMUNE = "code_commune"
STRUCTURE_FIELDS: tuple[str, ...] = ("type", "nom", "code_commune")
"""Columns of the partner structures table (:func:`require_structures` adds ``commune``)."""

REFERENCE_AREA = "france"
PER = 10_000

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
TEMPLATE = "diagnostic.html.j2"


# --------------------------------------------------------------------------------------
# The skeleton
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagnosticSkeleton:
    """The territory a diagnostic is about: one row per commune, before any count.

    ``communes`` has the columns ``code_commune``, ``commune``, ``population`` (int),
    ``latitude`` and ``longitude`` (degrees WGS 84, NaN where unknown), in the territory's
    order; ``aci_size`` is its ACI size (1–4), ``source_label`` where the populations come
    from, ``notice`` a warning printed at the foot (the case study says its values are
    invented), ``position_source`` where the positions come from.
    """

    name: str
    communes: pd.DataFrame = field(repr=False)
    population: int
    aci_size: int
    source_label: str
    notice: str = ""
    position_source: str = ""

    @property
    def codes(self) -> list[str]:
        """The communes' INSEE codes, in order."""
        return [str(code) for code in self.communes[COMMUNE]]

    def commune_name(self, code: str) -> str:
        """« Lunel (34145) »."""
        row = self.communes[self.communes[COMMUNE] == code]
        return f"{row['commune'].iloc[0]} ({code})" if len(row) else str(code)

    def counts_template(self) -> pd.DataFrame:
        """The table a trainee fills: ``code_commune``, ``commune``, ``population`` and
        one empty column per profession of :data:`DIAGNOSTIC_PROFESSIONS`."""
        table = self.communes[[COMMUNE, "commune", "population"]].copy()
        for column in DIAGNOSTIC_PROFESSIONS:  # text or numbers may be written there
            table[column] = pd.Series([""] * len(table), index=table.index, dtype=object)
        return table

    def structures_template(self) -> pd.DataFrame:
        """An empty table of partner structures (:data:`STRUCTURE_FIELDS`)."""
        return pd.DataFrame({column: pd.Series([], dtype=str) for column in STRUCTURE_FIELDS})


def diagnostic_skeleton(territory: RealTerritory | Territory) -> DiagnosticSkeleton:
    """The skeleton of the diagnostic of ``territory`` (a real one or the case study).

    Raises :class:`InputError` (French) when ``territory`` is neither.
    """
    if isinstance(territory, RealTerritory):
        table = territory.communes
        communes = pd.DataFrame(
            {
                COMMUNE: table["code_insee"].astype(str),
                "commune": table["commune"].astype(str),
                "population": table["population"].astype("int64"),
                "latitude": table["latitude"].astype(float),
                "longitude": table["longitude"].astype(float),
            }
        ).reset_index(drop=True)
        label = ", ".join(communes["commune"].head(3))
        if len(communes) > 3:
            label += f" et {len(communes) - 3} autres communes"
        return DiagnosticSkeleton(
            name=label,
            communes=communes,
            population=territory.population,
            aci_size=territory.aci_size,
            source_label=territory.source_label,
            position_source=POSITION_SOURCE,
        )
    if isinstance(territory, Territory):
        table = territory.communes
        communes = pd.DataFrame(
            {
                COMMUNE: table["code_commune"].astype(str),
                "commune": table["commune"].astype(str),
                "population": table["population"].astype("int64"),
                "latitude": table["latitude"].astype(float),
                "longitude": table["longitude"].astype(float),
            }
        ).reset_index(drop=True)
        day = population_date(territory)
        size_thresholds(day)  # a date outside the parameters fails here, in French
        fictional = "Cas d'étude fictif" if territory.fictional else "Cas d'étude"
        return DiagnosticSkeleton(
            name=territory.name,
            communes=communes,
            population=territory.population,
            aci_size=aci_size(territory.population, day),
            source_label=f"{fictional} : {territory.name}",
            notice=str(territory.metadata.get("warning", "")).strip(),
            position_source=f"{fictional} : positions inventées.",
        )
    raise InputError(
        "Le diagnostic part d'un territoire : donnez le résultat de describe_territory(...) "
        f"ou du cas d'étude (load_territory()), pas « {type(territory).__name__} »."
    )


def _skeleton(value: Any) -> DiagnosticSkeleton:
    if isinstance(value, DiagnosticSkeleton):
        return value
    return diagnostic_skeleton(value)


# --------------------------------------------------------------------------------------
# The trainee's counts and structures
# --------------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _count(value: Any, where: str) -> int:
    """A whole number ≥ 0 from a number or a French-typed text (empty → 0)."""
    if _is_empty(value):
        return 0
    if isinstance(value, bool):
        raise InputError(f"{where} : « {value} » n'est pas un nombre. Saisissez un effectif.")
    if isinstance(value, str):
        try:
            typed = read_typed_number(value)
        except NumberFormatError as error:
            raise InputError(f"{where} : {error}") from None
        if typed.unit:
            raise InputError(
                f"{where} : « {value.strip()} » porte l'unité « {typed.unit} » ; un effectif "
                "est un nombre de personnes, sans unité (par exemple 3)."
            )
        number = float(typed.value)
    elif isinstance(value, numbers.Real):
        number = float(value)
    else:
        raise InputError(f"{where} : « {value!r} » n'est pas un nombre. Saisissez un effectif.")
    if not math.isfinite(number):
        raise InputError(f"{where} : « {value} » n'est pas un nombre. Saisissez un effectif.")
    shown = format_number_fr(number, 0 if number.is_integer() else 2)
    if number < 0:
        raise InputError(
            f"{where} : {shown} est négatif ; un effectif est un nombre de personnes, 0 ou plus."
        )
    if not number.is_integer():
        raise InputError(
            f"{where} : {shown} n'est pas un nombre entier ; comptez des personnes (ou des "
            "officines), pas des équivalents temps plein."
        )
    return int(number)


def _find_code(value: Any, skeleton: DiagnosticSkeleton) -> str | None:
    """The code of the skeleton's commune ``value`` names (code or name), or None."""
    text = str(value).strip()
    if text in skeleton.codes:
        return text
    folded = fold_name(text)
    matches = [
        code
        for code, name in zip(skeleton.codes, skeleton.communes["commune"], strict=True)
        if fold_name(str(name)) == folded
    ]
    return matches[0] if len(matches) == 1 else None


def require_counts(table: pd.DataFrame, skeleton: Any) -> pd.DataFrame:
    """Check the head counts a trainee filled and return them as whole numbers.

    ``table`` has a ``code_commune`` column (a code or the name of a commune of
    ``skeleton``, which may be a :class:`DiagnosticSkeleton` or a territory) and columns
    named after :data:`DIAGNOSTIC_PROFESSIONS` (other columns, such as ``commune`` or
    ``population``, are ignored). A cell is a number or a French-typed text (« 3 »);
    empty means 0. Returns one row per commune of the skeleton, in its order
    (``code_commune`` then the professions with at least one filled cell, ``int64``; a
    commune without a row counts 0).

    Raises:
        InputError: not a table, no ``code_commune`` column or no profession column,
            an unknown or repeated commune, or a cell that is not a whole number ≥ 0
            (the message names the row, the commune and the profession).
    """
    frame = _skeleton(skeleton)
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            "Les effectifs doivent être un tableau (DataFrame) avec une colonne code_commune "
            f"et une colonne par profession ; reçu : {type(table).__name__}."
        )
    if COMMUNE not in table.columns:
        raise InputError(
            "Tableau des effectifs : il manque la colonne « code_commune » (le code INSEE de "
            "chaque commune). Partez de skeleton.counts_template()."
        )
    professions = [c for c in DIAGNOSTIC_PROFESSIONS if c in table.columns]
    if not professions:
        raise InputError(
            "Tableau des effectifs : aucune colonne de profession. Colonnes attendues : "
            f"{', '.join(DIAGNOSTIC_PROFESSIONS)}."
        )
    values: dict[str, dict[str, int]] = {}
    filled: set[str] = set()
    for position, (_, row) in enumerate(table.iterrows(), start=1):
        code = _find_code(row[COMMUNE], frame)
        if code is None:
            raise InputError(
                f"Tableau des effectifs, ligne {position}, colonne « code_commune » : la "
                f"commune « {row[COMMUNE]} » n'est pas dans le territoire. Communes du "
                f"territoire : {', '.join(frame.commune_name(c) for c in frame.codes[:15])}"
                f"{' …' if len(frame.codes) > 15 else ''}."
            )
        if code in values:
            raise InputError(
                f"Tableau des effectifs, ligne {position} : la commune "
                f"{frame.commune_name(code)} a déjà une ligne ; gardez-en une seule."
            )
        values[code] = {}
        for column in professions:
            cell = row[column]
            where = (
                f"Tableau des effectifs, ligne {position} ({frame.commune_name(code)}), "
                f"colonne « {DIAGNOSTIC_PROFESSIONS[column]} »"
            )
            values[code][column] = _count(cell, where)
            if not _is_empty(cell):
                filled.add(column)
    kept = [c for c in professions if c in filled]
    out = pd.DataFrame({COMMUNE: frame.codes})
    for column in kept:
        out[column] = [values.get(code, {}).get(column, 0) for code in frame.codes]
        out[column] = out[column].astype("int64")
    return out


def require_structures(structures: Any, skeleton: Any) -> pd.DataFrame:
    """Check the partner structures a trainee listed.

    ``structures`` is a table (or a list of dicts or of ``(type, nom, commune)`` triples)
    with the columns :data:`STRUCTURE_FIELDS`; the commune is a code or a name of the
    territory's communes. Rows whose three cells are empty are dropped. Returns
    ``type``, ``nom``, ``code_commune`` and ``commune`` (the name).

    Raises:
        InputError: a type not in :data:`STRUCTURE_TYPES`, an empty name, an unknown
            commune (the message names the row).
    """
    frame = _skeleton(skeleton)
    if structures is None:
        rows: list[Any] = []
    elif isinstance(structures, pd.DataFrame):
        missing = [c for c in STRUCTURE_FIELDS if c not in structures.columns]
        if missing:
            raise InputError(
                f"Structures partenaires : colonne(s) manquante(s) {', '.join(missing)} ; "
                f"colonnes attendues : {', '.join(STRUCTURE_FIELDS)}."
            )
        rows = structures[list(STRUCTURE_FIELDS)].to_dict("records")
    elif isinstance(structures, list | tuple):
        rows = list(structures)
    else:
        raise InputError(
            "Les structures partenaires sont une liste, par exemple "
            '[("EHPAD", "EHPAD Les Oliviers", "34145")].'
        )
    types = {fold_name(t): t for t in STRUCTURE_TYPES}
    out = []
    for position, item in enumerate(rows, start=1):
        if isinstance(item, Mapping):
            cells = [item.get(c, "") for c in STRUCTURE_FIELDS]
        elif isinstance(item, list | tuple) and len(item) == 3:
            cells = list(item)
        else:
            raise InputError(
                f"Structure partenaire n° {position} : donnez son type, son nom et sa commune, "
                f'par exemple ("EHPAD", "EHPAD Les Oliviers", "34145").'
            )
        kind, name, commune = ("" if _is_empty(c) else str(c).strip() for c in cells)
        if not (kind or name or commune):
            continue
        where = f"Structure partenaire n° {position}"
        if fold_name(kind) not in types:
            raise InputError(
                f"{where}, colonne « type » : « {kind} » n'est pas un type connu. Types "
                f"possibles : {', '.join(STRUCTURE_TYPES)}."
            )
        if not name:
            raise InputError(f"{where}, colonne « nom » : le nom est vide ; écrivez-le.")
        if not commune:
            raise InputError(f"{where} ({name}), colonne « commune » : choisissez sa commune.")
        code = _find_code(commune, frame)
        if code is None:
            raise InputError(
                f"{where} ({name}), colonne « commune » : « {commune} » n'est pas une commune "
                "du territoire ; choisissez-en une de la liste."
            )
        name_of = frame.communes.loc[frame.communes[COMMUNE] == code, "commune"].iloc[0]
        out.append((types[fold_name(kind)], name, code, str(name_of)))
    return pd.DataFrame(out, columns=[*STRUCTURE_FIELDS, "commune"])


# --------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DensityRow:
    """One profession's line of the diagnostic, formatted in French."""

    profession: str
    effectif: str
    densite: str
    reference: str
    ecart: str


@dataclass(frozen=True)
class DiagnosticDocument:
    """The diagnostic a coordinator can hand over; see :func:`diagnostic_document`."""

    title: str
    cpts_name: str
    skeleton: DiagnosticSkeleton
    counts: pd.DataFrame = field(repr=False)
    structures: pd.DataFrame = field(repr=False)
    densities: tuple[DensityRow, ...]
    reference_note: str
    missing_professions: tuple[str, ...]
    priorities: tuple[str, ...]
    synthesis: str
    map_png: bytes | None = field(default=None, repr=False)
    """The map of the communes and partners (PNG), ``None`` when no commune has a position."""
    established: dt.date = field(default_factory=dt.date.today)
    """The day the diagnostic was drawn up (printed under the title)."""

    def territory_lines(self) -> list[tuple[str, str]]:
        """``(label, value)`` lines of the territory, formatted."""
        s = self.skeleton
        return [
            ("Établi le", fr_date(self.established)),
            ("Communes", str(len(s.communes))),
            ("Population municipale", f"{format_number_fr(s.population)} habitants"),
            ("Taille ACI", str(s.aci_size)),
            ("Source des populations", s.source_label),
        ]

    def commune_rows(self) -> list[tuple[str, str, str]]:
        """``(commune, code INSEE, population)`` per commune."""
        return [
            (str(name), str(code), format_number_fr(int(pop)))
            for code, name, pop in zip(
                self.skeleton.communes[COMMUNE],
                self.skeleton.communes["commune"],
                self.skeleton.communes["population"],
                strict=True,
            )
        ]

    def structures_by_type(self) -> list[tuple[str, list[str]]]:
        """``(type, ["nom (commune)", …])`` in the order of :data:`STRUCTURE_TYPES`."""
        groups = []
        for kind in STRUCTURE_TYPES:
            part = self.structures[self.structures["type"] == kind]
            if len(part):
                groups.append(
                    (
                        f"{kind} ({len(part)})",
                        [f"{n} ({c})" for n, c in zip(part["nom"], part["commune"], strict=True)],
                    )
                )
        return groups

    def _context(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "cpts_name": self.cpts_name,
            "territory": self.territory_lines(),
            "communes": self.commune_rows(),
            "densities": list(self.densities),
            "reference_note": self.reference_note,
            "missing": list(self.missing_professions),
            "structures": self.structures_by_type(),
            "priorities": list(self.priorities),
            "synthesis": [p for p in self.synthesis.split("\n") if p.strip()],
            "notice": self.skeleton.notice,
            "map": base64.b64encode(self.map_png).decode("ascii") if self.map_png else "",
            "map_caption": self.map_caption(),
        }

    def map_caption(self) -> str:
        """The French caption under the map: what the circles are, where positions come from."""
        return (
            "Cercles : communes, surface proportionnelle à la population ; marqueurs : "
            f"structures partenaires, autour de leur commune. {self.skeleton.position_source}"
        ).strip()

    def to_html(self) -> str:
        """A complete HTML page (French, UTF-8); every text escaped."""
        return _render(standalone=True, **self._context())

    def _repr_html_(self) -> str:
        return _render(standalone=False, **self._context())

    def to_docx(self, path: Path | str, overwrite: bool = False) -> Path:
        """Write the diagnostic as a Word document and return its path.

        Raises :class:`InputError` (French) when the name does not end in ``.docx``, the
        folder does not exist, or the file exists and ``overwrite`` is false.
        """
        target = require_target(path, ".docx", overwrite)
        return save_docx(self._document(), target)

    def save(self, folder: Path | str, stem: str, overwrite: bool = False) -> tuple[Path, Path]:
        """Write ``stem.html`` and ``stem.docx`` in ``folder`` (created when its parent
        exists, as ``mes_documents``); return both paths. Nothing is written when one of
        them exists and ``overwrite`` is false (French :class:`InputError`)."""
        return save_pair(
            folder,
            stem,
            self.to_html,
            lambda path: self.to_docx(path, overwrite=True),
            overwrite,
            example="diagnostic_territorial",
        )

    def _document(self) -> Any:
        from docx.shared import Cm

        document = a4_docx(self.title, margin_cm=1.8, font_pt=10, title_pt=18)
        document.add_heading(self.title, level=0)
        document.add_heading("Le territoire", level=2)
        for label, value in self.territory_lines():
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{label} : ")
            paragraph.add_run(value).bold = True
        _docx_table(document, ("Commune", "Code INSEE", "Population"), self.commune_rows())
        if self.map_png:
            document.add_picture(io.BytesIO(self.map_png), width=Cm(14))
            document.add_paragraph(self.map_caption()).runs[0].italic = True
        document.add_heading("Offre de soins : densités pour 10 000 habitants", level=2)
        if self.densities:
            _docx_table(
                document,
                ("Profession", "Effectif", "Densité du territoire", "Référence France", "Écart"),
                [
                    (d.profession, d.effectif, d.densite, d.reference, d.ecart)
                    for d in self.densities
                ],
            )
            document.add_paragraph(self.reference_note).runs[0].italic = True
        if self.missing_professions:
            document.add_paragraph(
                f"Non renseignées : {', '.join(self.missing_professions)}."
            ).runs[0].italic = True
        document.add_heading("Structures partenaires", level=2)
        groups = self.structures_by_type()
        if not groups:
            document.add_paragraph("Aucune structure renseignée.").runs[0].italic = True
        for kind, names in groups:
            document.add_paragraph(kind).runs[0].bold = True
            for name in names:
                document.add_paragraph(name, style="List Bullet")
        document.add_heading("Priorités", level=2)
        if not self.priorities:
            document.add_paragraph("Aucune priorité renseignée.").runs[0].italic = True
        for priority in self.priorities:
            document.add_paragraph(priority, style="List Number")
        document.add_heading("Synthèse", level=2)
        texts = [line.strip() for line in self.synthesis.split("\n") if line.strip()]
        if not texts:
            document.add_paragraph("Aucune synthèse rédigée.").runs[0].italic = True
        for text in texts:
            document.add_paragraph(text)
        if self.skeleton.notice:
            document.add_paragraph(self.skeleton.notice).runs[0].italic = True
        return document


def diagnostic_document(
    skeleton: Any,
    counts: pd.DataFrame,
    structures: Any = None,
    priorities: Sequence[str] | str = (),
    synthesis: str = "",
    cpts_name: str = "",
) -> DiagnosticDocument:
    """Build the diagnostic of ``skeleton`` (or of a territory) from the trainee's work.

    ``counts``: see :func:`require_counts`; ``structures``: see :func:`require_structures`;
    ``priorities``: French sentences (one per item, or a text with one per line; empty
    ones dropped); ``synthesis``: a French text; ``cpts_name``: the CPTS's name (title
    « Diagnostic territorial — {cpts_name} »).

    Densities are computed for 10 000 inhabitants over the whole territory; the
    professions with a national reference (general practitioners) are compared to it.

    Raises :class:`InputError` for an empty ``cpts_name``, a priority or synthesis that is
    not text, and the errors of :func:`require_counts` and :func:`require_structures`.
    """
    frame = _skeleton(skeleton)
    if not isinstance(cpts_name, str) or not cpts_name.strip():
        raise InputError(
            "Nommez la CPTS (champ « Nom de la CPTS » ou paramètre cpts_name), par exemple "
            "« CPTS du Pays de Lunel »."
        )
    checked = require_counts(counts, frame)
    partners = require_structures(structures, frame)
    if isinstance(priorities, str):
        priorities = priorities.split("\n")
    kept = []
    for position, priority in enumerate(priorities, start=1):
        if not isinstance(priority, str):
            raise InputError(
                f"La priorité n° {position} vaut « {priority} » : écrivez-la comme un texte."
            )
        if priority.strip():
            kept.append(priority.strip())
    if not isinstance(synthesis, str):
        raise InputError("La synthèse doit être un texte (entre guillemets).")
    professions = [c for c in checked.columns if c != COMMUNE]
    rows: list[DensityRow] = []
    note = ""
    if professions:
        population = frame.communes[[COMMUNE, "population"]]
        territory = density(checked, population, PER).iloc[-1]
        references = reference_densities(REFERENCE_AREA)
        compared = [p for p in professions if p in set(references["profession"])]
        comparison = (
            compare_to_reference(
                checked[[COMMUNE, *compared]], population, REFERENCE_AREA
            ).set_index("profession")
            if compared
            else None
        )
        for column in professions:
            reference = ecart = "—"
            if comparison is not None and column in comparison.index:
                line: dict[Any, Any] = comparison.loc[column].to_dict()
                reference = format_number_fr(float(line["densite_reference"]), 1)
                ecart = _signed(float(line["ecart"]))
            rows.append(
                DensityRow(
                    DIAGNOSTIC_PROFESSIONS[column],
                    format_number_fr(int(checked[column].sum())),
                    format_number_fr(float(territory[column]), 1),
                    reference,
                    ecart,
                )
            )
        checked_flag = "" if bool(references["verifie"].iloc[0]) else " (valeur à vérifier)"
        note = (
            "Densité = effectif ÷ population municipale × 10 000. Référence France "
            f"{references['date'].iloc[0].year}, tous modes d'exercice{checked_flag} — "
            f"{references['source'].iloc[0]}. « — » : pas de référence nationale dans le cours."
        )
    missing = tuple(
        DIAGNOSTIC_PROFESSIONS[c] for c in DIAGNOSTIC_PROFESSIONS if c not in professions
    )
    return DiagnosticDocument(
        map_png=_map_png(frame, partners, cpts_name.strip()),
        title=f"Diagnostic territorial — {cpts_name.strip()}",
        cpts_name=cpts_name.strip(),
        skeleton=frame,
        counts=checked,
        structures=partners,
        densities=tuple(rows),
        reference_note=note,
        missing_professions=missing,
        priorities=tuple(kept),
        synthesis=synthesis.strip(),
    )


def _map_png(skeleton: DiagnosticSkeleton, structures: pd.DataFrame, name: str) -> bytes | None:
    """The map of the diagnostic (:func:`~cpts_training.territory.maps.plot_commune_points`)
    as PNG, or ``None`` when no commune has a position."""
    if skeleton.communes["latitude"].isna().all():
        return None
    # Imported here: matplotlib is loaded only when a document is built.
    from cpts_training.figures import figure_png
    from cpts_training.territory.maps import plot_commune_points

    figure = plot_commune_points(
        skeleton.communes, structures if len(structures) else None, f"Les communes — {name}"
    )
    try:
        return figure_png(figure)
    finally:
        figure.clear()


def _signed(value: float) -> str:
    text = format_number_fr(abs(value), 1)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def _render(**context: Any) -> str:
    page = _TEMPLATES.get_template(TEMPLATE).render(**context)
    return page.replace("&#39;", "'")  # no text goes into a single-quoted attribute


def _docx_table(document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    grid = document.add_table(rows=1 + len(rows), cols=len(headers))
    grid.style = "Table Grid"
    for j, header in enumerate(headers):
        cell = grid.cell(0, j)
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            grid.cell(i, j).text = text
