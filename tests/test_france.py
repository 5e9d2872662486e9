"""The communes of France shipped with the package, real territories, and the build script.

Expected values were read by hand in ``@etalab/decoupage-administratif`` 6.0.0
(``npm pack @etalab/decoupage-administratif@6.0.0``, file ``data/communes.json``, field
``population`` of the record of type ``commune-actuelle``; ``data/epci.json``, field
``membres``), never computed with the code under test. No test runs npm or the network:
they read the shipped file, and the script's functions run on a tiny fake package.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
import yaml

from cpts_training.errors import InputError
from cpts_training.territory.france import (
    COLUMNS,
    COMMUNES_FILE,
    RealTerritory,
    describe_territory,
    fold_name,
    france_source,
    load_france_communes,
    population_in_force,
    search_communes,
    source_label,
)

REPOSITORY = Path(__file__).resolve().parents[1]
SCRIPT = REPOSITORY / "scripts" / "build_france_communes.py"


def commune(code: str) -> dict[str, Any]:
    table = load_france_communes()
    (row,) = table[table["code_insee"] == code].to_dict("records")
    return row


# --------------------------------------------------------------------------------------
# The shipped file
# --------------------------------------------------------------------------------------


def test_the_file_holds_every_current_inhabited_commune() -> None:
    table = load_france_communes()
    # communes.json 6.0.0: 34 969 records of type « commune-actuelle », 6 of them without
    # population (98411–98415 TAAF, 98901 Clipperton): 34 969 - 6 = 34 963.
    assert len(table) == 34_963
    assert 34_900 <= len(table) <= 35_000
    assert tuple(table.columns) == COLUMNS
    assert table["code_insee"].is_unique
    assert table["population"].dtype == "int64"
    assert (table["population"] >= 0).all()


def test_the_file_is_small_and_inside_the_package() -> None:
    assert COMMUNES_FILE.is_relative_to(REPOSITORY / "cpts_training")
    assert COMMUNES_FILE.stat().st_size < 600_000


@pytest.mark.parametrize(
    ("code", "name", "population", "departement", "region", "epci"),
    [
        # communes.json: {"code": "01001", "nom": "L'Abergement-Clémenciat",
        # "departement": "01", "region": "84", "population": 860}; epci.json: member of
        # CC de la Dombes (200069193).
        ("01001", "L'Abergement-Clémenciat", 860, "01", "84", "200069193"),
        # communes.json: {"code": "34172", "nom": "Montpellier", "departement": "34",
        # "region": "76", "population": 310240}; Montpellier Méditerranée Métropole.
        ("34172", "Montpellier", 310_240, "34", "76", "243400017"),
        # communes.json: Paris 75056, population 2103778, the sum of the 20
        # arrondissements municipaux 75101–75120 (the package adds them up).
        ("75056", "Paris", 2_103_778, "75", "11", "200054781"),
        # communes.json: {"code": "2A004", "nom": "Ajaccio", "departement": "2A",
        # "region": "94", "population": 76320}; CA du Pays Ajaccien.
        ("2A004", "Ajaccio", 76_320, "2A", "94", "242010056"),
    ],
)
def test_real_communes_read_by_hand(
    code: str, name: str, population: int, departement: str, region: str, epci: str
) -> None:
    row = commune(code)
    assert row["commune"] == name
    assert row["population"] == population
    assert row["departement"] == departement
    assert row["region"] == region
    assert row["epci"] == epci


def test_paris_lyon_marseille_appear_once_without_arrondissements() -> None:
    table = load_france_communes()
    assert (table["commune"] == "Paris").sum() == 1
    assert (table["commune"] == "Lyon").sum() == 1
    assert (table["commune"] == "Marseille").sum() == 1
    # Arrondissements municipaux (75101, 69381, 13201…) are not current communes.
    assert not table["code_insee"].isin(["75101", "69381", "13201"]).any()


def test_a_copy_each_call() -> None:
    first = load_france_communes()
    first.loc[0, "population"] = -1
    assert load_france_communes().loc[0, "population"] == 860  # 01001, see above


def test_the_metadata_states_source_vintage_and_licence() -> None:
    source = france_source()
    assert source["source"]["version"] == "6.0.0"
    assert source["population"]["vintage"] == 2023
    assert population_in_force() == dt.date(2026, 1, 1)
    assert "Licence Ouverte" in source["licence"]
    assert source_label() == (
        "INSEE, populations légales 2023 (en vigueur au 1er janvier 2026) via "
        "@etalab/decoupage-administratif 6.0.0"
    )
    table = load_france_communes()
    assert source["rows"] == len(table)
    assert source["population_total"] == int(table["population"].sum())


# --------------------------------------------------------------------------------------
# describe_territory
# --------------------------------------------------------------------------------------


def test_three_communes_by_code_and_name_and_their_aci_size() -> None:
    territory = describe_territory(["34145", "lunel viel", "MAUGUIO"])
    assert isinstance(territory, RealTerritory)
    # communes.json: Lunel 34145 = 26 623, Lunel-Viel 34146 = 4 507, Mauguio 34154 = 16 522
    # 26 623 + 4 507 + 16 522 = 47 652, from 40 000 to under 80 000: ACI size 2.
    assert territory.population == 47_652
    assert territory.aci_size == 2
    assert list(territory.communes["code_insee"]) == ["34145", "34146", "34154"]
    assert territory.at == dt.date(2026, 1, 1)
    assert territory.thresholds == (40_000, 80_000, 175_000)
    assert territory.source_label.startswith("INSEE, populations légales 2023")


def test_an_epci_totals_its_communes() -> None:
    territory = describe_territory(epci="CA Lunel Agglo")
    # epci.json, 243400520 « CA Lunel Agglo », 14 membres; their populations in
    # communes.json: Boisseron 2 185, Campagne 318, Galargues 752, Garrigues 236,
    # Lunel 26 623, Lunel-Viel 4 507, Marsillargues 6 988, Entre-Vignes 2 200,
    # Saint-Just 3 293, Saint-Nazaire-de-Pézan 625, Saint-Sériès 972, Saturargues 1 022,
    # Saussines 1 001, Villetelle 1 768: total 52 490, ACI size 2.
    assert len(territory.communes) == 14
    assert territory.population == 52_490
    assert territory.aci_size == 2
    assert territory.epci == ("243400520",)
    by_siren = describe_territory(epci="243400520")
    assert by_siren.population == 52_490
    table = load_france_communes()
    assert by_siren.population == int(table.loc[table["epci"] == "243400520", "population"].sum())


def test_an_epci_plus_a_commune() -> None:
    territory = describe_territory(["Mauguio"], epci=["243400520"])
    # 52 490 (CA Lunel Agglo) + 16 522 (Mauguio) = 69 012
    assert territory.population == 69_012
    assert len(territory.communes) == 15


def test_a_big_city_is_size_4_and_thresholds_follow_the_date() -> None:
    # Montpellier 310 240 >= 175 000
    assert describe_territory(["34172"]).aci_size == 4
    assert describe_territory(["34172"], at="2020-06-01").at == dt.date(2020, 6, 1)


def test_french_text_and_html() -> None:
    territory = describe_territory(["34145", "34146", "34154"])
    text = str(territory)
    assert "3 communes" in text
    assert "47\u202f652 habitants" in text
    assert "Taille ACI : 2" in text
    assert "Hérault (34)" in text
    assert "@etalab/decoupage-administratif 6.0.0" in text
    page = territory._repr_html_()
    assert "Mauguio" in page and "Taille ACI : 2" in page
    assert "<script" not in page


@pytest.mark.parametrize("name", ["Sainte-Colombe", "sainte colombe", "SAINTE-COLOMBE"])
def test_an_ambiguous_name_is_refused_with_its_candidates(name: str) -> None:
    with pytest.raises(InputError) as caught:
        describe_territory([name])
    message = str(caught.value)
    assert "Plusieurs communes s'appellent" in message
    # Two of them, read in communes.json: Sainte-Colombe 77404 (Seine-et-Marne) and
    # 89339 (Yonne).
    assert "Sainte-Colombe (Seine-et-Marne, code INSEE 77404)" in message
    assert "Sainte-Colombe (Yonne, code INSEE 89339)" in message
    assert "code INSEE" in message


def test_saint_martin_lists_the_collectivite_too() -> None:
    with pytest.raises(InputError, match="97801"):
        describe_territory(["Saint-Martin"])


def test_the_code_of_an_ambiguous_name_is_accepted() -> None:
    # communes.json: Sainte-Colombe 89339 (Yonne)
    assert describe_territory(["89339"]).communes.loc[0, "departement_nom"] == "Yonne"


@pytest.mark.parametrize(
    ("communes", "expected"),
    [
        (["99999"], "Le code INSEE « 99999 » ne correspond à aucune commune"),
        (["1001"], "« 01001 »"),
        ([1001], '"01001"'),
        ([None], "n'est pas un texte"),
        ([""], "est vide"),
        (["Montpelier"], "Vouliez-vous dire : Montpellier (Hérault, code INSEE 34172)"),
        (["Lunel", "34145"], "La commune « 34145 »"),
        ("Lunel", "doit être une liste entre crochets"),
        (34145, "doit être une liste entre crochets"),
        ([], "liste vide"),
    ],
)
def test_bad_communes_get_a_french_error(communes: Any, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        describe_territory(communes)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("epci", "expected"),
    [
        ("123456789", "Le code SIREN « 123456789 »"),
        ("Montpellier", "Vouliez-vous dire : Montpellier Méditerranée Métropole"),
        # epci.json: two « CC des Quatre Rivières », 247000623 and 247400666.
        ("CC des Quatre Rivières", "247400666"),
        (["243400520", "CA Lunel Agglo"], "donné deux fois"),
        ([], "liste vide"),
    ],
)
def test_bad_epci_get_a_french_error(epci: Any, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        describe_territory(epci=epci)
    assert expected in str(caught.value)


def test_nothing_asked_or_a_commune_twice_through_its_epci() -> None:
    with pytest.raises(InputError, match="Indiquez les communes"):
        describe_territory()
    with pytest.raises(InputError, match="déjà donnée par l'EPCI"):
        describe_territory(["Lunel"], epci="CA Lunel Agglo")
    with pytest.raises(InputError):
        describe_territory(["Lunel"], at="pas une date")


def test_fold_name() -> None:
    assert fold_name("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold_name("  Saint-Étienne ") == "saint etienne"
    assert fold_name("Œuilly") == "oeuilly"


# --------------------------------------------------------------------------------------
# The build script, on a tiny fake package
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_france_communes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_france_communes"] = module
    spec.loader.exec_module(module)
    return module


FAKE_COMMUNES = [
    {"code": "01001", "nom": "Alpha", "type": "commune-actuelle", "departement": "01",
     "region": "84", "population": 100},
    {"code": "01002", "nom": "Bêta", "type": "commune-actuelle", "departement": "01",
     "region": "84", "population": 250},
    {"code": "01003", "nom": "Gamma", "type": "commune-actuelle", "departement": "01",
     "region": "84", "population": 7},
    {"code": "01004", "nom": "Alpha-Ancienne", "type": "commune-deleguee", "departement": "01",
     "region": "84", "population": 40, "chefLieu": "01001"},
    {"code": "75101", "nom": "Paris 1er", "type": "arrondissement-municipal",
     "departement": "75", "region": "11", "population": 16000},
    {"code": "98412", "nom": "Archipel", "type": "commune-actuelle", "departement": "984",
     "region": "984"},
    {"code": "97701", "nom": "Saint-Barthélemy", "type": "commune-actuelle",
     "departement": "977", "region": "977", "population": 10660},
]  # fmt: skip
FAKE_EPCI = [
    {"code": "200000001", "nom": "CC Alpha-Bêta", "membres": [{"code": "01001"}, {"code": "01002"}]}
]
FAKE_DEPARTEMENTS = [
    {"code": "01", "nom": "Ain"},
    {"code": "977", "nom": "Saint-Barthélemy"},
    {"code": "984", "nom": "TAAF"},
]
FAKE_REGIONS = [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}]


def test_current_communes_keeps_inhabited_current_ones(script: ModuleType) -> None:
    kept = script.current_communes(FAKE_COMMUNES)
    # the commune déléguée, the arrondissement and the uninhabited 98412 are left out
    assert [c["code"] for c in kept] == ["01001", "01002", "01003", "97701"]
    with pytest.raises(script.BuildError, match="deux fois"):
        script.current_communes([FAKE_COMMUNES[0], FAKE_COMMUNES[0]])
    with pytest.raises(script.BuildError, match="population invalide"):
        script.current_communes([{**FAKE_COMMUNES[0], "population": -3}])


def test_epci_membership(script: ModuleType) -> None:
    assert script.epci_by_commune(FAKE_EPCI) == {
        "01001": ("200000001", "CC Alpha-Bêta"),
        "01002": ("200000001", "CC Alpha-Bêta"),
    }
    twice = [*FAKE_EPCI, {"code": "200000002", "nom": "CC X", "membres": [{"code": "01002"}]}]
    with pytest.raises(script.BuildError, match="deux EPCI"):
        script.epci_by_commune(twice)


def test_build_rows(script: ModuleType) -> None:
    rows = script.build_rows(FAKE_COMMUNES, FAKE_EPCI, FAKE_DEPARTEMENTS, FAKE_REGIONS)
    assert rows[0] == {
        "code_insee": "01001",
        "commune": "Alpha",
        "population": 100,
        "departement": "01",
        "departement_nom": "Ain",
        "region": "84",
        "region_nom": "Auvergne-Rhône-Alpes",
        "epci": "200000001",
        "epci_nom": "CC Alpha-Bêta",
    }
    assert (rows[2]["epci"], rows[2]["epci_nom"]) == ("", "")  # Gamma: in no EPCI
    # A collectivité d'outre-mer is its own « région »: its name is the collectivité's.
    assert rows[3]["region_nom"] == "Saint-Barthélemy"
    stray = [{"code": "200000003", "nom": "CC Y", "membres": [{"code": "01004"}]}]
    with pytest.raises(script.BuildError, match="absents"):
        script.build_rows(FAKE_COMMUNES, stray, FAKE_DEPARTEMENTS, FAKE_REGIONS)


def test_csv_bytes_and_source_yaml(script: ModuleType) -> None:
    rows = script.build_rows(FAKE_COMMUNES, FAKE_EPCI, FAKE_DEPARTEMENTS, FAKE_REGIONS)
    data = script.csv_bytes(rows)
    assert data == script.csv_bytes(rows)  # reproducible (no time stamp in the gzip)
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    assert lines[0] == ",".join(script.COLUMNS)
    assert lines[2] == "01002,Bêta,250,01,Ain,84,Auvergne-Rhône-Alpes,200000001,CC Alpha-Bêta"
    metadata = yaml.safe_load(script.source_yaml(rows))
    assert metadata["rows"] == 4
    assert metadata["population_total"] == 100 + 250 + 7 + 10660  # = 11 017
    assert metadata["epci_count"] == 1
    assert metadata["source"]["version"] == "6.0.0"
    assert metadata["population"]["in_force"] == dt.date(2026, 1, 1)


def write_fake_package(root: Path, version: str = "6.0.0") -> Path:
    package = root / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    for name, content in {
        "communes": FAKE_COMMUNES,
        "epci": FAKE_EPCI,
        "departements": FAKE_DEPARTEMENTS,
        "regions": FAKE_REGIONS,
    }.items():
        (package / "data" / f"{name}.json").write_text(json.dumps(content), encoding="utf-8")
    return package


def test_main_on_an_unpacked_package(script: ModuleType, tmp_path: Path) -> None:
    package = write_fake_package(tmp_path)
    output = tmp_path / "out"
    assert script.main(["--package-dir", str(package), "--output-dir", str(output)]) == 0
    table = pd.read_csv(output / "communes.csv.gz", dtype=str)
    assert list(table["code_insee"]) == ["01001", "01002", "01003", "97701"]
    assert yaml.safe_load((output / "source.yaml").read_text(encoding="utf-8"))["rows"] == 4


def test_another_package_version_is_refused(script: ModuleType, tmp_path: Path) -> None:
    package = write_fake_package(tmp_path, version="5.3.0")
    with pytest.raises(script.BuildError, match="5.3.0"):
        script.build(package, tmp_path / "out")


def test_search_communes() -> None:
    found = search_communes("sainte colombe", departement="89")
    # communes.json, Yonne (89), names holding « Colombe »: Sainte-Colombe 89339 and
    # Treigny-Perreuse-Sainte-Colombe 89420 (communes actuelles); Sainte-Colombe-sur-Loing
    # 89340 is a commune déléguée (of 89420), not listed.
    assert list(found["code_insee"]) == ["89339", "89420"]
    assert "Montpellier" in set(search_communes("MONTPELLIER")["commune"])
    with pytest.raises(InputError, match="département « 999 »"):
        search_communes("Colombe", departement="999")
    with pytest.raises(InputError, match="vide"):
        search_communes(" ")


def test_a_code_with_a_space_is_read() -> None:
    assert describe_territory(["34 172"]).population == 310_240  # Montpellier, see above
