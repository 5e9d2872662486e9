"""Build ``cpts_training/data/france/communes.csv.gz`` from ``@etalab/decoupage-administratif``.

Source: the npm package ``@etalab/decoupage-administratif`` (Etalab / data.gouv.fr,
https://github.com/datagouv/decoupage-administratif), version :data:`PACKAGE_VERSION`,
the package's 2026 vintage (its README, « Millésimes et versions de package »):

- communes and their département and région: INSEE, Code officiel géographique (COG) 2026;
- population: INSEE, populations légales 2023 (population municipale, ``PMUN``), in force
  on 1 January 2026 (README « Population légale », INSEE page 8680726; the package's
  build sets ``commune.population = populationMunicipale``); Mayotte: INSEE 2017 census;
  collectivités d'outre-mer: their own INSEE census;
- EPCI (à fiscalité propre) and their member communes: DGCL, « epcicom2026 ».

Choices (written to ``source.yaml`` with the data):

- only the communes of type ``commune-actuelle`` are kept: arrondissements municipaux,
  communes déléguées and communes associées are parts of a current commune and would be
  counted twice (Paris, Lyon and Marseille appear once, with the sum of their
  arrondissements, as the package computes it);
- the uninhabited « communes » of the TAAF and Clipperton, which have no population, are
  left out;
- the population of an EPCI is the sum of its member communes' populations from
  ``communes.json`` (the ``populationMunicipale`` of ``epci.json`` is the DGCL's, of an
  earlier vintage, and is not shipped).

Data licence: Licence Ouverte / Open Licence (README « Licence »); package code: MIT.

Positions (``latitude``, ``longitude``, WGS 84 degrees, at most 4 decimals, about 11 m):

- mainly the centroid of the commune's contour in IGN ADMIN EXPRESS COG 2018, through the
  GeoJSON files of https://github.com/gregoiredavid/france-geojson at commit
  :data:`CONTOURS_COMMIT` (``departements/*/communes-*.geojson``: ADMIN EXPRESS COG 2018
  contours, WGS 84, 5 decimals, simplified by Mapshaper « visvalingam weighted » at 25 %;
  its README « Sources », « Licence »). A commune made since 2018 by merging communes
  (its ``anciensCodes`` in the package) gets the centroid of the union of their 2018
  contours. When the centroid falls outside the contour (a crescent, an archipelago), the
  point is moved inside: to the middle of the widest stretch, inside the contour, of the
  parallel through the centroid. Licence Ouverte (ADMIN EXPRESS); no code of that
  repository is used;
- for the communes the 2018 files do not cover (the collectivités d'outre-mer, which
  ADMIN EXPRESS did not hold then, and communes unknown in 2018): the file ``geo.json``
  of the Base Adresse Nationale's https://github.com/BaseAdresseNationale/ban-plateforme
  at commit :data:`GEO_COMMIT` (the last commit that changed it, 22 May 2024; git blob
  :data:`GEO_BLOB`, checked). Its ``scripts/build-geo.cjs`` (same commit) reads Etalab's
  « contours administratifs » 2024 (:data:`GEO_CONTOURS_URL`, communes simplified at
  100 m) and stores the centre of each commune's bounding box, rounded to 0.001° (about
  110 m). A commune absent under its code takes the centre of one of its former codes:
  the one ``geo.json`` names like the commune, else the only one it holds. Licence: see
  :data:`GEO_LICENCE`;
- else no position (empty ``latitude`` and ``longitude``): the 4 communes of the Cantal
  restored in 2025 (merged in 2017 into Neussargues en Pinatelle, so in neither source).

Territories are as in 2018: a commune whose boundary moved since (other than by merging)
keeps its 2018 contour, and so does a commune some of whose former communes were restored
since (Neussargues-Moissac 15141, Troarn 14712, Essarts-en-Bocage 85084: their point is
the centroid of their larger 2018 territory).

Usage, from the repository root (needs ``npm`` and the network)::

    python scripts/build_france_communes.py
    python scripts/build_france_communes.py --package-dir /tmp/package   # already unpacked
    python scripts/build_france_communes.py --contours-dir /tmp/france-geojson/departements \\
        --geo-file /tmp/geo.json                                          # already fetched

The functions are pure (JSON lists in, rows out) and unit-tested in ``tests/test_france.py``
on a tiny fake package, fake contours and a fake ``geo.json``; the tests never run npm or
the network.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

PACKAGE_NAME = "@etalab/decoupage-administratif"
PACKAGE_VERSION = "6.0.0"
PACKAGE_URL = "https://www.npmjs.com/package/@etalab/decoupage-administratif/v/6.0.0"
REPOSITORY_URL = "https://github.com/datagouv/decoupage-administratif"
POPULATION_VINTAGE = 2023
"""Year of the INSEE populations légales in ``communes.json`` (population municipale)."""
POPULATION_IN_FORCE = "2026-01-01"
"""Date from which those populations légales are in force (decree of December 2025)."""
POPULATION_URL = "https://www.insee.fr/fr/statistiques/8680726?sommaire=8681011"
COG_VINTAGE = 2026
EPCI_VINTAGE = 2026
LICENCE = "Licence Ouverte / Open Licence (Etalab) pour les données ; code du paquet : MIT"

CONTOURS_REPOSITORY = "gregoiredavid/france-geojson"
CONTOURS_COMMIT = "5d34ee6d0140c29f785fdb047d9329f1aab58833"
"""Commit of the 2018 contours (16 October 2018; the communes files date from 1 August 2018)."""
CONTOURS_DATE = "2018-10-16"
CONTOURS_VINTAGE = 2018
CONTOURS_ARCHIVE = f"https://codeload.github.com/{CONTOURS_REPOSITORY}/tar.gz/{CONTOURS_COMMIT}"
CONTOURS_PAGE = f"https://github.com/{CONTOURS_REPOSITORY}/tree/{CONTOURS_COMMIT}/departements"
CONTOURS_GLOB = "*/communes-*.geojson"
CONTOURS_LICENCE = "Licence Ouverte / Open Licence (Etalab), IGN ADMIN EXPRESS COG 2018"
GEO_REPOSITORY = "BaseAdresseNationale/ban-plateforme"
GEO_COMMIT = "56e8eafa6f3f2717e1f18f0ece187cf4157e871b"
"""Commit of ``geo.json`` used: the last one that changed the file (22 May 2024)."""
GEO_DATE = "2024-05-22"
GEO_BLOB = "3adfe7a77087d2570b0c75253e92256dbe007713"
"""Git blob SHA-1 of ``geo.json`` at :data:`GEO_COMMIT` (checked before use)."""
GEO_URL = f"https://raw.githubusercontent.com/{GEO_REPOSITORY}/{GEO_COMMIT}/geo.json"
GEO_PAGE = f"https://github.com/{GEO_REPOSITORY}/blob/{GEO_COMMIT}/geo.json"
GEO_SCRIPT = f"https://github.com/{GEO_REPOSITORY}/blob/{GEO_COMMIT}/scripts/build-geo.cjs"
GEO_CONTOURS_VINTAGE = 2024
GEO_CONTOURS_URL = (
    "http://etalab-datasets.geo.data.gouv.fr/contours-administratifs/2024/geojson/"
    "communes-100m.geojson.gz"
)
GEO_CONTOURS_REPOSITORY = "https://github.com/datagouv/contours-administratifs"
GEO_PRECISION = 0.001
"""Rounding of the positions in ``geo.json`` (degrees, about 110 m)."""
GEO_LICENCE = (
    "Licence Ouverte / Open Licence (Etalab) pour les contours administratifs Etalab issus "
    "d'IGN ADMIN EXPRESS COG (seules ces positions sont reprises : celles des collectivités "
    "d'outre-mer, tirées de contours OpenStreetMap sous ODbL ou de données de leurs "
    "gouvernements, ne le sont pas) ; code du dépôt : MIT (non utilisé)"
)
NO_FALLBACK_DEPARTEMENTS = frozenset({"975", "977", "978", "986", "987", "988"})
"""Collectivités d'outre-mer: their contours behind ``geo.json`` are OpenStreetMap's (ODbL)
or their governments', not under the Licence Ouverte; the shipped file takes no position
from them (those communes have none: the ACI CPTS, a contract of the assurance maladie, is
not signed there, save perhaps Saint-Martin and Saint-Barthélemy)."""

COORDINATE_DECIMALS = 4
"""Decimals written for a latitude or longitude (0.0001° is about 11 m)."""

CURRENT = "commune-actuelle"

COLUMNS = (
    "code_insee",
    "commune",
    "population",
    "departement",
    "departement_nom",
    "region",
    "region_nom",
    "epci",
    "epci_nom",
    "latitude",
    "longitude",
)
"""Columns of the shipped file, in this order."""

Row = dict[str, str | int | float]
Position = tuple[float, float]
"""(latitude, longitude) in WGS 84 degrees."""

REPOSITORY = Path(__file__).resolve().parents[1]
OUTPUT_DIR = REPOSITORY / "cpts_training" / "data" / "france"
DATA_FILENAME = "communes.csv.gz"
SOURCE_FILENAME = "source.yaml"


class BuildError(RuntimeError):
    """The package's data does not look as expected: stop rather than ship it."""


def current_communes(communes: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The current communes with a population, sorted by INSEE code.

    Keeps type ``commune-actuelle``; leaves out the ones without a ``population`` (the
    uninhabited TAAF districts and Clipperton). A code seen twice is an error.
    """
    kept: dict[str, Mapping[str, Any]] = {}
    for commune in communes:
        if commune.get("type") != CURRENT or commune.get("population") is None:
            continue
        code = str(commune["code"])
        if code in kept:
            raise BuildError(f"code INSEE {code} présent deux fois parmi les communes actuelles")
        population = commune["population"]
        if isinstance(population, bool) or not isinstance(population, int) or population < 0:
            raise BuildError(f"population invalide pour {code} : {population!r}")
        kept[code] = commune
    return [kept[code] for code in sorted(kept)]


def epci_by_commune(epcis: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """INSEE code of each member commune -> (SIREN of its EPCI, name of the EPCI).

    A commune listed in two EPCI is an error (an EPCI à fiscalité propre covers each
    commune at most once).
    """
    membership: dict[str, tuple[str, str]] = {}
    for epci in epcis:
        siren, name = str(epci["code"]), str(epci["nom"])
        for member in epci["membres"]:
            code = str(member["code"])
            if code in membership:
                raise BuildError(
                    f"commune {code} membre de deux EPCI : {membership[code][0]} et {siren}"
                )
            membership[code] = (siren, name)
    return membership


Ring = list[tuple[float, float]]
"""A closed ring of (longitude, latitude) points (the last point repeats the first)."""
Polygon = list[Ring]
"""An exterior ring then its holes."""


class Located(NamedTuple):
    """A commune's position and where it comes from."""

    position: Position
    origin: str
    """:data:`FROM_CONTOURS` or :data:`FROM_GEO`."""
    codes: tuple[str, ...]
    """The codes read: the 2018 communes making up the commune, or the ``geo.json`` key."""


FROM_CONTOURS = "contours"
FROM_GEO = "geo"


def contour_polygons(geometry: Mapping[str, Any]) -> list[Polygon]:
    """The polygons of a GeoJSON ``Polygon`` or ``MultiPolygon`` geometry."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        parts = [coordinates]
    elif kind == "MultiPolygon":
        parts = list(coordinates or ())
    else:
        raise BuildError(f"géométrie {kind!r} inattendue (Polygon ou MultiPolygon attendu)")
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in part] for part in parts]


def _ring_moments(ring: Ring) -> tuple[float, float, float]:
    """(area, area × x̄, area × ȳ) of a ring, unsigned (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    sign = 1.0 if area >= 0 else -1.0
    return sign * area / 2, sign * cx / 6, sign * cy / 6


def centroid(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """(x, y) centroid of the area of ``polygons`` (holes taken out).

    Computed in plain longitude and latitude: the centroid is preserved by the nearly
    affine map from degrees to metres over a commune's extent.
    """
    area = cx = cy = 0.0
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            a, mx, my = _ring_moments(ring)
            sign = 1.0 if index == 0 else -1.0
            area, cx, cy = area + sign * a, cx + sign * mx, cy + sign * my
    if area <= 0:
        raise BuildError("contour d'aire nulle")
    return cx / area, cy / area


def _crossings(ring: Ring, y: float) -> list[float]:
    """x of the points where the horizontal line at ``y`` crosses ``ring``'s edges."""
    found = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y):
            found.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return found


def _intervals(polygons: Sequence[Polygon], y: float) -> list[tuple[float, float]]:
    """The stretches of the line at ``y`` inside ``polygons``, merged, west to east."""
    pieces = []
    for polygon in polygons:
        xs = sorted(x for ring in polygon for x in _crossings(ring, y))
        pieces += list(zip(xs[::2], xs[1::2], strict=True))
    merged: list[tuple[float, float]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1] + 1e-9:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def inside(polygons: Sequence[Polygon], x: float, y: float) -> bool:
    """Whether (x, y) is inside one of ``polygons`` (even-odd rule within each)."""
    return any(
        sum(c > x for ring in polygon for c in _crossings(ring, y)) % 2 == 1 for polygon in polygons
    )


def point_on_surface(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """The centroid of ``polygons`` if it is inside them, else the middle of the widest
    stretch inside them of the parallel through the centroid (or, if that parallel misses
    them, through the middle of the largest polygon's latitudes)."""
    x, y = centroid(polygons)
    if inside(polygons, x, y):
        return x, y
    stretches = _intervals(polygons, y)
    if not stretches:
        largest = max(polygons, key=lambda polygon: _ring_moments(polygon[0])[0])
        ys = [point[1] for point in largest[0]]
        y = (min(ys) + max(ys)) / 2
        stretches = _intervals(polygons, y)
    if not stretches:
        raise BuildError("aucun point intérieur trouvé")
    start, end = max(stretches, key=lambda stretch: stretch[1] - stretch[0])
    return (start + end) / 2, y


def geo_positions(geo: Mapping[str, Any]) -> dict[str, Position]:
    """Code -> (latitude, longitude) of each ``center`` in ``geo.json``.

    ``geo.json`` maps a code to ``{"center": [longitude, latitude], "bbox": [west, south,
    east, north], "nom": name}`` (GeoJSON order, longitude first). A centre that is not two
    finite numbers within the WGS 84 ranges is an error.
    """
    positions: dict[str, Position] = {}
    for code, entry in geo.items():
        center = entry.get("center") if isinstance(entry, Mapping) else None
        if not isinstance(center, list | tuple) or len(center) != 2:
            raise BuildError(f"centre absent ou mal formé pour {code} : {center!r}")
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in center
        ):
            raise BuildError(f"centre non numérique pour {code} : {center!r}")
        longitude, latitude = float(center[0]), float(center[1])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise BuildError(f"centre hors des bornes WGS 84 pour {code} : {center!r}")
        positions[str(code)] = (latitude, longitude)
    return positions


def commune_positions(
    communes: Iterable[Mapping[str, Any]],
    contours: Mapping[str, Sequence[Polygon]],
    geo: Mapping[str, Any],
) -> dict[str, Located]:
    """INSEE code -> :class:`Located`, for the ``communes`` that get a position.

    1. From the 2018 contours: the commune's territory is the union of the 2018 contours of
       its code and of its former codes (``anciensCodes``: communes merged into it since);
       its position is :func:`point_on_surface` of that union.
    2. Else from ``geo.json``: the centre under the commune's code; else under one of its
       former codes: the one ``geo.json`` names like the commune, else the only one it
       holds; never for a commune of :data:`NO_FALLBACK_DEPARTEMENTS` (licence).
    3. Else no position: the commune is left out.
    """
    positions = geo_positions(geo)
    located: dict[str, Located] = {}
    for commune in communes:
        code = str(commune["code"])
        former = [str(c) for c in commune.get("anciensCodes", ()) if str(c) != code]
        parts = [c for c in [code, *former] if c in contours]
        if parts:
            x, y = point_on_surface([p for c in parts for p in contours[c]])
            located[code] = Located((y, x), FROM_CONTOURS, tuple(parts))
            continue
        if str(commune.get("departement", "")) in NO_FALLBACK_DEPARTEMENTS:
            continue
        if code in positions:
            located[code] = Located(positions[code], FROM_GEO, (code,))
            continue
        held = [c for c in former if c in positions]
        same_name = [c for c in held if geo[c].get("nom") == commune["nom"]]
        candidates = same_name or held
        if len(candidates) == 1:
            located[code] = Located(positions[candidates[0]], FROM_GEO, (candidates[0],))
    return located


def _coordinate(value: float) -> float:
    return round(value, COORDINATE_DECIMALS)


def build_rows(
    communes: Iterable[Mapping[str, Any]],
    epcis: Iterable[Mapping[str, Any]],
    departements: Iterable[Mapping[str, Any]],
    regions: Iterable[Mapping[str, Any]],
    located: Mapping[str, Located],
) -> list[Row]:
    """One row per current inhabited commune, with the columns of :data:`COLUMNS`.

    ``epci`` and ``epci_nom`` are empty for a commune in no EPCI (a few islands and the
    collectivités d'outre-mer). Every EPCI member must be a kept commune. ``latitude`` and
    ``longitude`` come from ``located`` (:func:`commune_positions`), rounded to
    :data:`COORDINATE_DECIMALS` decimals; both are empty for a commune it does not hold.
    """
    kept = current_communes(communes)
    membership = epci_by_commune(epcis)
    departement_names = {str(d["code"]): str(d["nom"]) for d in departements}
    region_names = {str(r["code"]): str(r["nom"]) for r in regions}
    codes = {str(c["code"]) for c in kept}
    strays = sorted(set(membership) - codes)
    if strays:
        raise BuildError(f"membres d'EPCI absents des communes actuelles : {strays[:10]}")
    rows: list[Row] = []
    for commune in kept:
        code = str(commune["code"])
        departement, region = str(commune["departement"]), str(commune["region"])
        if departement not in departement_names:
            raise BuildError(f"département {departement} inconnu (commune {code})")
        siren, epci_name = membership.get(code, ("", ""))
        latitude: float | str = ""
        longitude: float | str = ""
        if code in located:
            lat, lon = located[code].position
            latitude, longitude = _coordinate(lat), _coordinate(lon)
        rows.append(
            {
                "code_insee": code,
                "commune": str(commune["nom"]),
                "population": int(commune["population"]),
                "departement": departement,
                "departement_nom": departement_names[departement],
                "region": region,
                # A collectivité d'outre-mer's « région » is its own code, not a region.
                "region_nom": region_names.get(region, departement_names[departement]),
                "epci": siren,
                "epci_nom": epci_name,
                "latitude": latitude,
                "longitude": longitude,
            }
        )
    return rows


def csv_bytes(rows: Sequence[Mapping[str, str | int | float]]) -> bytes:
    """The rows as UTF-8 CSV (« , » separator, header line), gzip-compressed, reproducible."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def source_yaml(
    rows: Sequence[Mapping[str, str | int | float]], located: Mapping[str, Located]
) -> str:
    """The metadata file shipped next to the data (source, vintage, licence, choices)."""
    total = sum(int(row["population"]) for row in rows)
    epcis = len({row["epci"] for row in rows if row["epci"]})
    codes = [str(row["code_insee"]) for row in rows]
    missing = [row for row in rows if row["latitude"] == ""]
    from_contours = [c for c in codes if c in located and located[c].origin == FROM_CONTOURS]
    merged = [c for c in from_contours if len(located[c].codes) > 1]
    from_geo = [c for c in codes if c in located and located[c].origin == FROM_GEO]
    renamed = {c: located[c].codes[0] for c in from_geo if located[c].codes[0] != c}
    without = "".join(
        f'\n    - "{row["code_insee"]} {row["commune"]} ({row["departement_nom"]})"'
        for row in missing
    )
    from_former = "".join(f'\n      "{code}": "{former}"' for code, former in renamed.items())
    return f"""\
# Written by scripts/build_france_communes.py: do not edit by hand, run the script again.
description: >-
  Communes de France (communes actuelles habitées) avec leur code INSEE, leur population
  municipale, leur département, leur région, leur EPCI à fiscalité propre et la position
  (latitude, longitude) du centre de leur contour.
source:
  label: "INSEE, populations légales {POPULATION_VINTAGE} (en vigueur au \
{_french_date(POPULATION_IN_FORCE)}) via {PACKAGE_NAME} {PACKAGE_VERSION}"
  package: "{PACKAGE_NAME}"
  version: "{PACKAGE_VERSION}"
  url: "{PACKAGE_URL}"
  repository: "{REPOSITORY_URL}"
  files: [data/communes.json, data/epci.json, data/departements.json, data/regions.json]
population:
  definition: population municipale (INSEE, PMUN)
  vintage: {POPULATION_VINTAGE}
  in_force: {POPULATION_IN_FORCE}
  url: "{POPULATION_URL}"
  exceptions: >-
    Mayotte : recensement INSEE 2017 ; collectivités d'outre-mer : leur propre recensement
    (sources du paquet).
cog_vintage: {COG_VINTAGE}
epci:
  source: DGCL, liste et composition des EPCI à fiscalité propre (epcicom{EPCI_VINTAGE})
  population: somme des populations municipales de ses communes (même millésime)
licence: "{LICENCE}"
choices:
  - >-
    Seules les communes de type « commune-actuelle » : arrondissements municipaux,
    communes déléguées et associées sont des parties d'une commune actuelle (Paris, Lyon
    et Marseille figurent une seule fois, avec la somme de leurs arrondissements).
  - >-
    Les « communes » inhabitées des TAAF et Clipperton, sans population, sont omises.
  - >-
    Une commune hors EPCI (quelques îles, collectivités d'outre-mer) a un EPCI vide.
position:
  columns: [latitude, longitude]
  coordinates: WGS 84, degrés décimaux (latitude nord, longitude est), 4 décimales au plus
  definition: >-
    Centre (centroïde) du contour de la commune, ramené à l'intérieur du contour quand il
    tombe dehors (commune en croissant, archipel) ; pour les communes hors de ces
    contours, centre du rectangle englobant leur contour. Ce n'est ni le chef-lieu ni la
    mairie : un point pour situer la commune sur une carte.
  contours:
    label: "IGN ADMIN EXPRESS COG {CONTOURS_VINTAGE}, via {CONTOURS_REPOSITORY}"
    vintage: {CONTOURS_VINTAGE}
    repository: "https://github.com/{CONTOURS_REPOSITORY}"
    commit: "{CONTOURS_COMMIT}"
    date: {CONTOURS_DATE}
    files: "departements/{CONTOURS_GLOB}"
    url: "{CONTOURS_PAGE}"
    simplification: >-
      Mapshaper, « visvalingam weighted » à 25 %, coordonnées à 5 décimales (README du dépôt).
    licence: "{CONTOURS_LICENCE}"
    rows: {len(from_contours)}
    merged_since: >-
      {len(merged)} communes formées depuis {CONTOURS_VINTAGE} par fusion : leur contour est
      l'union des contours {CONTOURS_VINTAGE} de leur code et de leurs anciens codes
      (« anciensCodes » de {PACKAGE_NAME} {PACKAGE_VERSION}).
  fallback:
    label: "Base Adresse Nationale, geo.json (contours administratifs Etalab \
{GEO_CONTOURS_VINTAGE})"
    used_for: >-
      Communes absentes des contours {CONTOURS_VINTAGE} (collectivités d'outre-mer, communes
      inconnues en {CONTOURS_VINTAGE}) : centre du rectangle englobant leur contour
      {GEO_CONTOURS_VINTAGE} (simplifié à 100 m), arrondi à 0,001° (environ 110 m) ; sous
      leur code, sinon sous l'un de leurs anciens codes (celui que le fichier nomme comme
      la commune, sinon le seul qu'il contient).
    repository: "https://github.com/{GEO_REPOSITORY}"
    file: geo.json
    commit: "{GEO_COMMIT}"
    date: {GEO_DATE}
    git_blob: "{GEO_BLOB}"
    url: "{GEO_PAGE}"
    script: "{GEO_SCRIPT}"
    contours: "{GEO_CONTOURS_URL}"
    contours_repository: "{GEO_CONTOURS_REPOSITORY}"
    licence: "{GEO_LICENCE}"
    rows: {len(from_geo)}
    from_former_code:{from_former or " {}"}
  limits: >-
    Territoires de {CONTOURS_VINTAGE} : une limite communale modifiée depuis autrement que par
    une fusion n'est pas suivie ; une commune dont d'anciennes communes ont été rétablies
    depuis (Neussargues-Moissac 15141, Troarn 14712, Essarts-en-Bocage 85084) garde son
    contour {CONTOURS_VINTAGE}, plus grand. Une commune sans position a une latitude et une
    longitude vides.
  rows_with_position: {len(rows) - len(missing)}
  rows_without_position: {len(missing)}
  without_position:{without or " []"}
rows: {len(rows)}
epci_count: {epcis}
population_total: {total}
verified: true
"""


def _french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août")
    months += ("septembre", "octobre", "novembre", "décembre")
    return f"{int(day)}{'er' if day == '01' else ''} {months[int(month) - 1]} {year}"


def read_package(package_dir: Path) -> dict[str, list[Mapping[str, Any]]]:
    """The four JSON files of an unpacked package directory (``package/``)."""
    data = package_dir / "data"
    version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    if version != PACKAGE_VERSION:
        raise BuildError(f"version {version} du paquet, {PACKAGE_VERSION} attendue")
    return {
        name: json.loads((data / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("communes", "epci", "departements", "regions")
    }


def download_package(workdir: Path) -> Path:
    """``npm pack`` the pinned version into ``workdir`` and unpack it; its ``package/``."""
    spec = f"{PACKAGE_NAME}@{PACKAGE_VERSION}"
    subprocess.run(["npm", "pack", spec], cwd=workdir, check=True, capture_output=True)
    (archive,) = workdir.glob("*.tgz")
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def git_blob_sha1(data: bytes) -> str:
    """The SHA-1 git gives ``data`` as a blob (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def read_geo(path: Path) -> dict[str, Any]:
    """``geo.json`` read from ``path``, once its git blob SHA-1 is :data:`GEO_BLOB`."""
    data = path.read_bytes()
    blob = git_blob_sha1(data)
    if blob != GEO_BLOB:
        raise BuildError(f"{path} : blob git {blob}, {GEO_BLOB} attendu ({GEO_PAGE})")
    geo = json.loads(data)
    if not isinstance(geo, dict):
        raise BuildError(f"{path} : un objet JSON (code -> centre) était attendu")
    return geo


def read_contours(directory: Path) -> dict[str, list[Polygon]]:
    """INSEE code -> polygons, from the ``communes-*.geojson`` files of ``directory``
    (the ``departements`` folder of france-geojson). A code seen twice is an error."""
    contours: dict[str, list[Polygon]] = {}
    files = sorted(directory.glob(CONTOURS_GLOB))
    if not files:
        raise BuildError(f"aucun fichier {CONTOURS_GLOB} dans {directory}")
    for path in files:
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            code = str(feature["properties"]["code"])
            if code in contours:
                raise BuildError(f"code {code} présent deux fois dans les contours ({path.name})")
            contours[code] = contour_polygons(feature["geometry"])
    return contours


def download_contours(workdir: Path) -> Path:
    """The ``departements`` folder of france-geojson at :data:`CONTOURS_COMMIT`, unpacked
    into ``workdir`` (communes files only); its path."""
    archive = workdir / "france-geojson.tar.gz"
    with urllib.request.urlopen(CONTOURS_ARCHIVE, timeout=600) as response:  # noqa: S310
        archive.write_bytes(response.read())
    with tarfile.open(archive) as tar:
        members = [
            m for m in tar.getmembers() if "/departements/" in m.name and "/communes-" in m.name
        ]
        tar.extractall(workdir, members=members, filter="data")
    (top,) = {m.name.split("/")[0] for m in members}
    return workdir / top / "departements"


def download_geo(workdir: Path) -> Path:
    """``geo.json`` at :data:`GEO_COMMIT`, downloaded into ``workdir``; its path."""
    path = workdir / "geo.json"
    with urllib.request.urlopen(GEO_URL, timeout=120) as response:  # noqa: S310 (fixed URL)
        path.write_bytes(response.read())
    return path


def build(
    package_dir: Path, contours_dir: Path, geo_file: Path, output_dir: Path = OUTPUT_DIR
) -> list[Row]:
    """Write the data file and its ``source.yaml`` into ``output_dir``; the rows written."""
    files = read_package(package_dir)
    contours = read_contours(contours_dir)
    geo = read_geo(geo_file)
    located = commune_positions(current_communes(files["communes"]), contours, geo)
    rows = build_rows(
        files["communes"], files["epci"], files["departements"], files["regions"], located
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / DATA_FILENAME).write_bytes(csv_bytes(rows))
    (output_dir / SOURCE_FILENAME).write_text(source_yaml(rows, located), encoding="utf-8")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help="paquet npm déjà décompressé")
    parser.add_argument(
        "--contours-dir", type=Path, help="dossier departements de france-geojson déjà extrait"
    )
    parser.add_argument("--geo-file", type=Path, help="geo.json déjà téléchargé")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.package_dir or download_package(Path(tmp))
        contours_dir = args.contours_dir or download_contours(Path(tmp))
        geo_file = args.geo_file or download_geo(Path(tmp))
        rows = build(package_dir, contours_dir, geo_file, args.output_dir)
    total = sum(int(row["population"]) for row in rows)
    located = sum(1 for row in rows if row["latitude"] != "")
    print(
        f"{len(rows)} communes, {total} habitants, {located} positions "
        f"-> {args.output_dir / DATA_FILENAME}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
