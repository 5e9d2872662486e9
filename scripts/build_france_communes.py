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

Usage, from the repository root (needs ``npm`` and the network)::

    python scripts/build_france_communes.py
    python scripts/build_france_communes.py --package-dir /tmp/package   # already unpacked

The functions are pure (JSON lists in, rows out) and unit-tested in ``tests/test_france.py``
on a tiny fake package; the tests never run npm.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

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
)
"""Columns of the shipped file, in this order."""

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


def build_rows(
    communes: Iterable[Mapping[str, Any]],
    epcis: Iterable[Mapping[str, Any]],
    departements: Iterable[Mapping[str, Any]],
    regions: Iterable[Mapping[str, Any]],
) -> list[dict[str, str | int]]:
    """One row per current inhabited commune, with the columns of :data:`COLUMNS`.

    ``epci`` and ``epci_nom`` are empty for a commune in no EPCI (a few islands and the
    collectivités d'outre-mer). Every EPCI member must be a kept commune.
    """
    kept = current_communes(communes)
    membership = epci_by_commune(epcis)
    departement_names = {str(d["code"]): str(d["nom"]) for d in departements}
    region_names = {str(r["code"]): str(r["nom"]) for r in regions}
    codes = {str(c["code"]) for c in kept}
    strays = sorted(set(membership) - codes)
    if strays:
        raise BuildError(f"membres d'EPCI absents des communes actuelles : {strays[:10]}")
    rows: list[dict[str, str | int]] = []
    for commune in kept:
        code = str(commune["code"])
        departement, region = str(commune["departement"]), str(commune["region"])
        if departement not in departement_names:
            raise BuildError(f"département {departement} inconnu (commune {code})")
        siren, epci_name = membership.get(code, ("", ""))
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
            }
        )
    return rows


def csv_bytes(rows: Sequence[Mapping[str, str | int]]) -> bytes:
    """The rows as UTF-8 CSV (« , » separator, header line), gzip-compressed, reproducible."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def source_yaml(rows: Sequence[Mapping[str, str | int]]) -> str:
    """The metadata file shipped next to the data (source, vintage, licence, choices)."""
    total = sum(int(row["population"]) for row in rows)
    epcis = len({row["epci"] for row in rows if row["epci"]})
    return f"""\
# Written by scripts/build_france_communes.py: do not edit by hand, run the script again.
description: >-
  Communes de France (communes actuelles habitées) avec leur code INSEE, leur population
  municipale, leur département, leur région et leur EPCI à fiscalité propre.
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


def build(package_dir: Path, output_dir: Path = OUTPUT_DIR) -> list[dict[str, str | int]]:
    """Write the data file and its ``source.yaml`` into ``output_dir``; the rows written."""
    files = read_package(package_dir)
    rows = build_rows(files["communes"], files["epci"], files["departements"], files["regions"])
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / DATA_FILENAME).write_bytes(csv_bytes(rows))
    (output_dir / SOURCE_FILENAME).write_text(source_yaml(rows), encoding="utf-8")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help="paquet npm déjà décompressé")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.package_dir or download_package(Path(tmp))
        rows = build(package_dir, args.output_dir)
    total = sum(int(row["population"]) for row in rows)
    print(f"{len(rows)} communes, {total} habitants -> {args.output_dir / DATA_FILENAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
