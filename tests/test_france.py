"""The communes of France shipped with the package, real territories, and the build script.

Expected values were read by hand in ``@etalab/decoupage-administratif`` 6.0.0
(``npm pack @etalab/decoupage-administratif@6.0.0``, file ``data/communes.json``, field
``population`` of the record of type ``commune-actuelle``; ``data/epci.json``, field
``membres``), never computed with the code under test. Known places of communes (their
hôtel de ville, to the nearest 0.0001°) are public facts checked against a map, compared
with a great-circle distance written here. No test runs npm or the network: they read the
shipped file, and the script's functions run on a tiny fake package, fake contours and a
fake ``geo.json``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import math
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
    POSITION_COLUMNS,
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
    # about 475 kB without the positions, about 710 kB with them (4 decimals)
    assert COMMUNES_FILE.stat().st_size < 1_000_000


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
        "INSEE, populations légales 2023 (en vigueur au 1er janvier 2026), liste des "
        "communes d'Etalab (2026)"
    )
    assert "@etalab" not in source_label()  # a package name means nothing to a trainee
    table = load_france_communes()
    assert source["rows"] == len(table)
    assert source["population_total"] == int(table["population"].sum())


# --------------------------------------------------------------------------------------
# Positions in the shipped file
# --------------------------------------------------------------------------------------

RESTORED_IN_CANTAL = {"15031", "15035", "15047", "15171"}
COLLECTIVITES_OUTRE_MER = ("975", "977", "978", "986", "987", "988")
"""No position shipped: their only source is not under the Licence Ouverte."""


def _without_position_expected(table: pd.DataFrame) -> set[str]:
    overseas = table["departement"].isin(COLLECTIVITES_OUTRE_MER)
    return RESTORED_IN_CANTAL | set(table.loc[overseas, "code_insee"])


"""Communes restored in 2025 from Neussargues en Pinatelle: in neither source, no position."""

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS 84 points, on a sphere of 6 371 km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def test_haversine_by_hand() -> None:
    # One degree of latitude: 6 371 × π / 180 = 111.19 km.
    assert haversine_km(45, 3, 46, 3) == pytest.approx(111.19, abs=0.01)
    # One degree of longitude on the equator: the same.
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(43.6, 1.44, 43.6, 1.44) == 0


def test_positions_are_floats_and_codes_unique() -> None:
    table = load_france_communes()
    assert table["latitude"].dtype == "float64"
    assert table["longitude"].dtype == "float64"
    assert not table["code_insee"].duplicated().any()
    without = set(table.loc[table["latitude"].isna(), "code_insee"])
    # The 4 communes restored in the Cantal in 2025 and the 88 of the collectivités
    # d'outre-mer (2 + 1 + 1 in the Atlantic, 3 + 48 + 33 in the Pacific: 88).
    assert without == _without_position_expected(table)
    assert len(without) == 92
    assert (table["latitude"].isna() == table["longitude"].isna()).all()
    # 4 decimals at most (about 11 m).
    located = table.dropna(subset=["latitude"])
    assert ((located["latitude"] * 10_000).round(6) % 1 == 0).all()
    assert ((located["longitude"] * 10_000).round(6) % 1 == 0).all()


def test_metropolitan_communes_are_in_metropolitan_france() -> None:
    table = load_france_communes()
    metropole = table[table["departement"].str.len() == 2]  # 01–95, 2A, 2B
    located = metropole[~metropole["code_insee"].isin(RESTORED_IN_CANTAL)]
    assert len(located) == len(metropole) - 4
    assert located["latitude"].between(41.0, 51.2).all()
    assert located["longitude"].between(-5.3, 9.7).all()
    corse = located[located["departement"].isin(["2A", "2B"])]
    assert corse["latitude"].between(41.3, 43.1).all()
    assert corse["longitude"].between(8.5, 9.6).all()


@pytest.mark.parametrize(
    ("departement", "latitudes", "longitudes"),
    [
        ("971", (15.8, 16.55), (-61.85, -61.0)),  # Guadeloupe
        ("972", (14.35, 14.9), (-61.25, -60.8)),  # Martinique
        ("973", (2.1, 5.8), (-54.7, -51.6)),  # Guyane
        ("974", (-21.4, -20.85), (55.2, 55.85)),  # La Réunion
        ("976", (-13.05, -12.6), (45.0, 45.35)),  # Mayotte
    ],
)
def test_overseas_communes_are_in_their_territory(
    departement: str, latitudes: tuple[float, float], longitudes: tuple[float, float]
) -> None:
    table = load_france_communes()
    communes = table[table["departement"] == departement]
    assert len(communes) > 0
    assert communes["latitude"].between(*latitudes).all()
    assert communes["longitude"].between(*longitudes).all()


@pytest.mark.parametrize(
    ("code", "latitude", "longitude"),
    [
        ("31555", 43.6045, 1.4440),  # Toulouse, Capitole
        ("75056", 48.8566, 2.3522),  # Paris, Hôtel de Ville
        ("29019", 48.3904, -4.4861),  # Brest, hôtel de ville
        ("34172", 43.6108, 3.8767),  # Montpellier, place de la Comédie
        ("67482", 48.5734, 7.7521),  # Strasbourg, cathédrale
        ("59350", 50.6292, 3.0573),  # Lille, Grand-Place
        ("69123", 45.7640, 4.8357),  # Lyon, Bellecour
        ("2A004", 41.9192, 8.7386),  # Ajaccio, hôtel de ville
        ("97120", 16.2411, -61.5331),  # Pointe-à-Pitre
        ("97209", 14.6161, -61.0588),  # Fort-de-France
        ("97302", 4.9224, -52.3135),  # Cayenne (its offshore islets do not pull it to sea)
        ("97611", -12.7806, 45.2279),  # Mamoudzou
    ],
)
def test_known_communes_are_at_their_place(code: str, latitude: float, longitude: float) -> None:
    row = commune(code)
    assert haversine_km(row["latitude"], row["longitude"], latitude, longitude) < 5


def test_the_metadata_counts_the_positions() -> None:
    position = france_source()["position"]
    table = load_france_communes()
    assert position["rows_with_position"] == int(table["latitude"].notna().sum())
    expected = _without_position_expected(table)
    assert position["rows_without_position"] == len(expected)
    assert {item.split()[0] for item in position["without_position"]} == expected
    assert position["contours"]["rows"] + position["fallback"]["rows"] == len(table) - len(expected)
    assert "ODbL" in position["fallback"]["licence"]  # said, and not used
    assert "Licence Ouverte" in position["contours"]["licence"]
    assert position["contours"]["commit"] == "5d34ee6d0140c29f785fdb047d9329f1aab58833"
    assert position["fallback"]["git_blob"] == "3adfe7a77087d2570b0c75253e92256dbe007713"


def test_a_territory_gives_its_positions() -> None:
    territory = describe_territory(["31555", "29019", "15031"])
    positions = territory.positions()
    assert tuple(positions.columns) == POSITION_COLUMNS
    assert list(positions["code_insee"]) == ["15031", "29019", "31555"]
    assert positions["population"].dtype == "int64"
    assert math.isnan(positions.loc[0, "latitude"])  # Celles, restored in 2025
    toulouse = positions.loc[2]
    assert haversine_km(toulouse["latitude"], toulouse["longitude"], 43.6045, 1.4440) < 5
    positions.loc[2, "latitude"] = 0.0
    assert territory.positions().loc[2, "latitude"] != 0.0  # a copy each call


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
    assert "populations légales 2023 (en vigueur au 1er janvier 2026)" in text
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
     "region": "84", "population": 250, "anciensCodes": ["01005"]},
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


def square(west: float, south: float, east: float, north: float) -> list[list[float]]:
    """A closed ring, counterclockwise, of (longitude, latitude) points."""
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# 2018 contours: Alpha, a square 5.0–5.2 E × 46.0–46.2 N (centroid 46.1 N, 5.1 E); Bêta,
# 5.2–5.4 E, and 01005, 5.4–5.6 E, merged into Bêta since (its « anciensCodes »): their
# union, 5.2–5.6 E × 46.0–46.2 N, has its centroid at 46.1 N, 5.4 E. Gamma and
# Saint-Barthélemy have no 2018 contour.
FAKE_CONTOURS_FEATURES = [
    {"properties": {"code": "01001", "nom": "Alpha"},
     "geometry": {"type": "Polygon", "coordinates": [square(5.0, 46.0, 5.2, 46.2)]}},
    {"properties": {"code": "01002", "nom": "Bêta"},
     "geometry": {"type": "MultiPolygon", "coordinates": [[square(5.2, 46.0, 5.4, 46.2)]]}},
    {"properties": {"code": "01005", "nom": "Bêta-Ancienne"},
     "geometry": {"type": "Polygon", "coordinates": [square(5.4, 46.0, 5.6, 46.2)]}},
]  # fmt: skip
# geo.json: Saint-Barthélemy's bounding box centre (longitude first); nothing for Gamma.
FAKE_GEO = {
    "97701": {"center": [-62.85, 17.92], "bbox": [-62.91, 17.878, -62.789, 17.961],
              "nom": "Saint-Barthélemy"},
    "02001": {"center": [3.5, 49.5], "bbox": [3.4, 49.4, 3.6, 49.6], "nom": "Ailleurs"},
}  # fmt: skip


def fake_contours(script: ModuleType) -> dict[str, Any]:
    return {
        str(f["properties"]["code"]): script.contour_polygons(f["geometry"])
        for f in FAKE_CONTOURS_FEATURES
    }


def fake_located(script: ModuleType) -> dict[str, Any]:
    kept = script.current_communes(FAKE_COMMUNES)
    return script.commune_positions(kept, fake_contours(script), FAKE_GEO)


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
    located = fake_located(script)
    rows = script.build_rows(FAKE_COMMUNES, FAKE_EPCI, FAKE_DEPARTEMENTS, FAKE_REGIONS, located)
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
        "latitude": 46.1,
        "longitude": 5.1,
    }
    assert (rows[1]["latitude"], rows[1]["longitude"]) == (46.1, 5.4)  # Bêta + 01005
    assert (rows[2]["epci"], rows[2]["epci_nom"]) == ("", "")  # Gamma: in no EPCI
    assert (rows[2]["latitude"], rows[2]["longitude"]) == ("", "")  # Gamma: no position
    # Saint-Barthélemy is in geo.json, but a collectivité d'outre-mer takes no position
    # from it (its contours there are not under the Licence Ouverte).
    assert (rows[3]["latitude"], rows[3]["longitude"]) == ("", "")
    # A collectivité d'outre-mer is its own « région »: its name is the collectivité's.
    assert rows[3]["region_nom"] == "Saint-Barthélemy"
    stray = [{"code": "200000003", "nom": "CC Y", "membres": [{"code": "01004"}]}]
    with pytest.raises(script.BuildError, match="absents"):
        script.build_rows(FAKE_COMMUNES, stray, FAKE_DEPARTEMENTS, FAKE_REGIONS, located)


def test_csv_bytes_and_source_yaml(script: ModuleType) -> None:
    located = fake_located(script)
    rows = script.build_rows(FAKE_COMMUNES, FAKE_EPCI, FAKE_DEPARTEMENTS, FAKE_REGIONS, located)
    data = script.csv_bytes(rows)
    assert data == script.csv_bytes(rows)  # reproducible (no time stamp in the gzip)
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    assert lines[0] == ",".join(script.COLUMNS)
    assert lines[2] == (
        "01002,Bêta,250,01,Ain,84,Auvergne-Rhône-Alpes,200000001,CC Alpha-Bêta,46.1,5.4"
    )
    assert lines[3] == "01003,Gamma,7,01,Ain,84,Auvergne-Rhône-Alpes,,,,"
    metadata = yaml.safe_load(script.source_yaml(rows, located))
    assert metadata["rows"] == 4
    assert metadata["population_total"] == 100 + 250 + 7 + 10660  # = 11 017
    assert metadata["epci_count"] == 1
    assert metadata["source"]["version"] == "6.0.0"
    assert metadata["population"]["in_force"] == dt.date(2026, 1, 1)
    position = metadata["position"]
    assert position["rows_with_position"] == 2
    assert position["rows_without_position"] == 2
    assert position["without_position"] == [
        "01003 Gamma (Ain)",
        "97701 Saint-Barthélemy (Saint-Barthélemy)",
    ]
    assert position["contours"]["rows"] == 2
    assert position["fallback"]["rows"] == 0
    assert position["fallback"]["from_former_code"] == {}


def test_contour_polygons(script: ModuleType) -> None:
    polygon = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]]}
    assert script.contour_polygons(polygon) == [[[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]]]
    multi = {"type": "MultiPolygon", "coordinates": [[square(0, 0, 1, 1)], [square(2, 2, 3, 3)]]}
    assert len(script.contour_polygons(multi)) == 2
    with pytest.raises(script.BuildError, match="Point"):
        script.contour_polygons({"type": "Point", "coordinates": [0, 0]})


def rings(*rings: list[list[float]]) -> list[list[tuple[float, float]]]:
    return [[(float(x), float(y)) for x, y in ring] for ring in rings]


def test_centroid_by_hand(script: ModuleType) -> None:
    # A 2 × 2 square: its centre, whichever way its ring turns.
    assert script.centroid([rings(square(0, 0, 2, 2))]) == pytest.approx((1, 1))
    assert script.centroid([rings(square(0, 0, 2, 2)[::-1])]) == pytest.approx((1, 1))
    # A 4 × 4 square (area 16, centre (2, 2)) with a 1 × 1 hole at (1.5, 1.5):
    # x = y = (16 × 2 - 1 × 1.5) / 15 = 30.5 / 15.
    holed = [rings(square(0, 0, 4, 4), square(1, 1, 2, 2))]
    assert script.centroid(holed) == pytest.approx((30.5 / 15, 30.5 / 15))
    # Two 1 × 1 squares side by side, as two polygons: the centre of the 2 × 1 rectangle.
    pair = [rings(square(0, 0, 1, 1)), rings(square(1, 0, 2, 1))]
    assert script.centroid(pair) == pytest.approx((1, 0.5))
    with pytest.raises(script.BuildError, match="aire nulle"):
        script.centroid([rings([[0, 0], [1, 1], [2, 2], [0, 0]])])


def test_point_on_surface_moves_an_outside_centroid_inside(script: ModuleType) -> None:
    # A « U » : the 5 × 3 rectangle (area 15, centre (2.5, 1.5)) less the notch
    # 1–3 × 1–3 (area 4, centre (2, 2)): area 11, centroid
    # x = (15 × 2.5 - 4 × 2) / 11 = 29.5 / 11 ≈ 2.68, y = (15 × 1.5 - 4 × 2) / 11 = 14.5 / 11
    # ≈ 1.32, in the notch, outside. The parallel y = 14.5 / 11 is inside on 0–1 and
    # 3–5: the middle of the widest, (4, 14.5 / 11).
    u_shape = [rings([[0, 0], [5, 0], [5, 3], [3, 3], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]])]
    assert script.centroid(u_shape) == pytest.approx((29.5 / 11, 14.5 / 11))
    assert not script.inside(u_shape, 29.5 / 11, 14.5 / 11)
    assert script.point_on_surface(u_shape) == pytest.approx((4, 14.5 / 11))
    # A centroid inside is kept.
    assert script.point_on_surface([rings(square(0, 0, 2, 2))]) == pytest.approx((1, 1))
    # Two squares sharing an edge: the shared edge is inside their union.
    pair = [rings(square(0, 0, 1, 1)), rings(square(1, 0, 2, 1))]
    assert script.point_on_surface(pair) == pytest.approx((1, 0.5))
    assert script.inside(pair, 0.5, 0.5)
    assert not script.inside(pair, 2.5, 0.5)
    assert not script.inside([rings(square(0, 0, 4, 4), square(1, 1, 3, 3))], 2, 2)  # hole


def test_geo_positions(script: ModuleType) -> None:
    assert script.geo_positions(FAKE_GEO) == {"97701": (17.92, -62.85), "02001": (49.5, 3.5)}
    for bad, message in [
        ({"center": [1.0]}, "mal formé"),
        ({"bbox": [0, 0, 1, 1]}, "mal formé"),
        ({"center": ["1", 2]}, "non numérique"),
        ({"center": [float("nan"), 2]}, "non numérique"),
        ({"center": [2, 95]}, "hors des bornes"),
    ]:
        with pytest.raises(script.BuildError, match=message):
            script.geo_positions({"01001": bad})


def test_commune_positions_rules(script: ModuleType) -> None:
    contours = fake_contours(script)
    located = fake_located(script)
    assert located["01001"] == ((pytest.approx(46.1), pytest.approx(5.1)), "contours", ("01001",))
    assert located["01002"].codes == ("01002", "01005")
    assert "97701" not in located  # a collectivité d'outre-mer: no fallback (licence)
    assert "01003" not in located  # Gamma: in neither source
    # Not in the contours nor under its code in geo.json: a former code geo.json holds.
    geo = {
        "09001": {"center": [1.0, 43.0], "nom": "Nouvelle"},
        "09002": {"center": [1.5, 43.5], "nom": "Autre"},
        "09003": {"center": [2.0, 44.0], "nom": "Encore"},
    }
    new = {"code": "09009", "nom": "Nouvelle", "anciensCodes": ["09002", "09001"]}
    # two former codes held: the one named like the commune
    assert script.commune_positions([new], {}, geo)["09009"].codes == ("09001",)
    one = {"code": "09008", "nom": "Seule", "anciensCodes": ["09003", "09004"]}
    assert script.commune_positions([one], {}, geo)["09008"].position == (44.0, 2.0)
    both = {"code": "09007", "nom": "Sans nom commun", "anciensCodes": ["09002", "09003"]}
    assert script.commune_positions([both], {}, geo) == {}  # ambiguous: no position
    # The contours win over geo.json.
    alpha = {"code": "01001", "nom": "Alpha"}
    also_in_geo = {"01001": {"center": [0.0, 0.0], "nom": "Alpha"}}
    assert script.commune_positions([alpha], contours, also_in_geo)["01001"].origin == "contours"


def test_git_blob_sha1_and_read_geo(script: ModuleType, tmp_path: Path) -> None:
    # git hash-object of an empty file, and of « hello world\n »:
    assert script.git_blob_sha1(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    assert script.git_blob_sha1(b"hello world\n") == "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"
    path = tmp_path / "geo.json"
    path.write_text(json.dumps(FAKE_GEO), encoding="utf-8")
    with pytest.raises(script.BuildError, match="blob git"):
        script.read_geo(path)


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


def write_fake_contours(root: Path) -> Path:
    departements = root / "departements"
    (departements / "01-ain").mkdir(parents=True)
    content = {"type": "FeatureCollection", "features": FAKE_CONTOURS_FEATURES}
    path = departements / "01-ain" / "communes-01-ain.geojson"
    path.write_text(json.dumps(content), encoding="utf-8")
    return departements


def test_main_on_an_unpacked_package(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = write_fake_package(tmp_path)
    contours = write_fake_contours(tmp_path)
    geo = tmp_path / "geo.json"
    geo.write_text(json.dumps(FAKE_GEO), encoding="utf-8")
    monkeypatch.setattr(script, "GEO_BLOB", script.git_blob_sha1(geo.read_bytes()))
    output = tmp_path / "out"
    arguments = ["--package-dir", str(package), "--contours-dir", str(contours)]
    arguments += ["--geo-file", str(geo), "--output-dir", str(output)]
    assert script.main(arguments) == 0
    table = pd.read_csv(output / "communes.csv.gz", dtype=str, keep_default_na=False)
    assert list(table["code_insee"]) == ["01001", "01002", "01003", "97701"]
    assert list(table["latitude"]) == ["46.1", "46.1", "", ""]
    assert list(table["longitude"]) == ["5.1", "5.4", "", ""]
    metadata = yaml.safe_load((output / "source.yaml").read_text(encoding="utf-8"))
    assert metadata["rows"] == 4
    assert metadata["position"]["rows_with_position"] == 2


def test_another_package_version_is_refused(script: ModuleType, tmp_path: Path) -> None:
    package = write_fake_package(tmp_path, version="5.3.0")
    with pytest.raises(script.BuildError, match="5.3.0"):
        script.build(package, tmp_path / "departements", tmp_path / "geo.json", tmp_path / "out")


def test_missing_or_duplicated_contours_are_refused(script: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(script.BuildError, match="aucun fichier"):
        script.read_contours(tmp_path)
    departements = write_fake_contours(tmp_path)
    assert set(script.read_contours(departements)) == {"01001", "01002", "01005"}
    twice = {"type": "FeatureCollection", "features": FAKE_CONTOURS_FEATURES[:1]}
    (departements / "01-ain" / "communes-01-bis.geojson").write_text(
        json.dumps(twice), encoding="utf-8"
    )
    with pytest.raises(script.BuildError, match="deux fois"):
        script.read_contours(departements)


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


def test_every_commune_to_fix_is_named_at_once() -> None:
    with pytest.raises(InputError) as error:
        describe_territory(["Figeac", "Fons", "Xyzville", "34145", "Lunel"])
    message = str(error.value)
    assert message.startswith("3 communes sont à corriger")
    assert "Plusieurs communes s'appellent « Fons »" in message
    assert "« Xyzville »" in message
    assert "« Lunel »" in message and "déjà donnée" in message
