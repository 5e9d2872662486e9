"""The fictional territory's resources: professionals, structures, travel times, outlines.

Expected totals are read off the committed files by hand (arithmetic in comments); the
error tests write a bad copy of the embedded territory to ``tmp_path``.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from cpts_training.errors import DataError
from cpts_training.readers import read_yaml
from cpts_training.territory.case_study import DEFAULT_TERRITORY_DIR, load_communes
from cpts_training.territory.resources import (
    GP_TOTAL_COLUMN,
    load_polygons,
    load_professionals,
    load_structures,
    load_travel_times,
)

CODES = [f"AUB{n:02d}" for n in range(1, 19)]


@pytest.fixture()
def territory_copy(tmp_path: Path) -> Path:
    """A copy of the embedded territory directory, to spoil one file at a time."""
    folder = tmp_path / "territoire"
    shutil.copytree(DEFAULT_TERRITORY_DIR, folder)
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- embedded files


def test_every_resource_file_is_declared_fictional_in_french() -> None:
    metadata = read_yaml(DEFAULT_TERRITORY_DIR / "ressources.yaml")
    assert metadata["fictional"] is True
    assert metadata["warning"].startswith("Données fictives créées pour la formation")
    assert set(metadata["files"]) == {
        "professionnels.csv",
        "structures.csv",
        "temps_trajet.csv",
        "communes.geojson",
    }
    geojson = json.loads((DEFAULT_TERRITORY_DIR / "communes.geojson").read_text("utf-8"))
    assert geojson["fictional"] is True
    assert geojson["warning"].startswith("Territoire fictif créé pour la formation")


def test_professionals_totals() -> None:
    pros = load_professionals()
    assert list(pros.index) == CODES
    # GPs per commune: 15+6+4+3+2+2+2+1+1+1+0+1+0+0+1+0+0+0 = 39
    assert int(pros[GP_TOTAL_COLUMN].sum()) == 39
    # By age band, summed down the columns of professionnels.csv.
    assert int(pros["mg_moins_40"].sum()) == 5  # 2+1+1+1
    assert int(pros["mg_40_49"].sum()) == 9  # 3+2+1+1+1+1
    assert int(pros["mg_50_59"].sum()) == 11  # 4+2+1+1+1+1+1
    assert int(pros["mg_60_plus"].sum()) == 14  # 6+1+2+1+1+1+1+1
    assert int(pros.loc["AUB01", "mg_60_plus"]) == 6  # the bourg-centre's ageing GPs
    assert int(pros.loc["AUB01", GP_TOTAL_COLUMN]) == 15  # 2+3+4+6
    assert int(pros["infirmiers"].sum()) == 92
    assert int(pros["masseurs_kinesitherapeutes"].sum()) == 43
    assert int(pros["sages_femmes"].sum()) == 5  # 3+1+1
    assert int(pros["chirurgiens_dentistes"].sum()) == 21  # 10+3+2+2+1+1+1+1
    assert int(pros["pharmacies"].sum()) == 17  # 4+2+2+1×9
    without_gp = sorted(pros.index[pros[GP_TOTAL_COLUMN] == 0])
    assert without_gp == ["AUB11", "AUB13", "AUB14", "AUB16", "AUB17", "AUB18"]


def test_gp_density_is_below_the_national_one() -> None:
    # 39 GPs for 52 886 inhabitants: 39 / 52 886 × 100 000 = 73.7 per 100 000, under the
    # 149 per 100 000 of all French GPs in 2022 (domain facts §3.4), as for a rural CPTS.
    population = int(load_communes(DEFAULT_TERRITORY_DIR / "communes.csv")["population"].sum())
    density = 39 / population * 100_000
    assert population == 52_886
    assert density == pytest.approx(73.74, abs=0.01)


def test_structures() -> None:
    structures = load_structures()
    assert len(structures) == 16
    assert list(structures["identifiant"]) == [f"S{n:02d}" for n in range(1, 17)]
    counts = structures["type"].value_counts()
    assert counts["EHPAD"] == 3
    assert counts["MSP"] == 2
    assert counts["CCAS"] == 2
    assert set(structures["code_commune"]) <= set(CODES)
    assert structures.loc[0, "nom"] == "Centre hospitalier du Val d'Aubrenne"
    # A description holding « ; » is read whole (quoted in the file).
    assert "; porte d'entrée" in structures.loc[1, "description"]


def test_travel_times_follow_the_rule() -> None:
    times = load_travel_times()
    assert list(times.index) == CODES and list(times.columns) == CODES
    assert (times.to_numpy() == times.to_numpy().T).all()
    # AUB01 (43.7421 N, 3.0862 E) → AUB02 (43.6884 N, 3.2137 E):
    # north 0.0537° × 111.195 km = 5.97 km; east 0.1275° × 111.195 × cos 43.715° = 10.25 km;
    # √(5.97² + 10.25²) = 11.86 km; × 1.4 ÷ 40 km/h × 60 = 24.9 → 25 minutes.
    assert times.loc["AUB01", "AUB02"] == 25
    assert times.loc["AUB02", "AUB01"] == 25


def test_travel_times_to_the_bourg_agree_with_communes_csv() -> None:
    communes = load_communes(DEFAULT_TERRITORY_DIR / "communes.csv").set_index("code_commune")
    times = load_travel_times()
    gaps = (times["AUB01"] - communes["distance_bourg_min"]).abs()
    # Peyrolac (AUB09): 34 by the rule, 29 in communes.csv; every other gap is smaller.
    assert gaps.max() == 5
    assert gaps.idxmax() == "AUB09"


def _inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_polygons_contain_their_commune_centre() -> None:
    polygons = load_polygons()
    communes = load_communes(DEFAULT_TERRITORY_DIR / "communes.csv")
    assert list(polygons) == CODES
    for row in communes.itertuples():
        ring = polygons[str(row.code_commune)]
        assert ring[0] == ring[-1]
        assert _inside((float(row.longitude), float(row.latitude)), ring), row.code_commune


def test_polygons_areas_are_of_the_right_order() -> None:
    # Shoelace area in a local flat projection: 1° of latitude ≈ 111.2 km, 1° of longitude
    # ≈ 111.2 × cos 43.78° ≈ 80.3 km. The outlines only roughly follow superficie_km2.
    total = 0.0
    for ring in load_polygons().values():
        xs = [lon * 111.2 * math.cos(math.radians(43.78)) for lon, _ in ring]
        ys = [lat * 111.2 for _, lat in ring]
        total += 0.5 * abs(sum(xs[i] * ys[i + 1] - xs[i + 1] * ys[i] for i in range(len(ring) - 1)))
    # superficie_km2 adds up to 607.7 km² (41.6 + 33.2 + … + 52.3); the cells cover the same
    # order of magnitude (the build script prints 614.6 km²).
    assert 550 < total < 700


def test_committed_geography_is_what_the_script_builds(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "scripts" / "build_case_territory.py"
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert "AUB09      29                 34   +5" in run.stdout  # the largest gap, documented
    for name in ("communes.geojson", "temps_trajet.csv"):
        assert (tmp_path / name).read_bytes() == (DEFAULT_TERRITORY_DIR / name).read_bytes()


# ---------------------------------------------------------------- bad copies


def test_duplicate_commune_in_professionals(territory_copy: Path) -> None:
    _replace(territory_copy / "professionnels.csv", "AUB02,1,2,2,1", "AUB01,1,2,2,1")
    with pytest.raises(
        DataError,
        match=r"professionnels\.csv, ligne 3, colonne « code_commune » : la valeur « AUB01 » "
        "apparaît plusieurs fois",
    ):
        load_professionals(territory_copy)


def test_unknown_commune_in_professionals(territory_copy: Path) -> None:
    _replace(territory_copy / "professionnels.csv", "AUB05,", "AUB99,")
    with pytest.raises(
        DataError,
        match=r"professionnels\.csv, ligne 6, colonne « code_commune » : la commune « AUB99 » "
        r"n'est pas dans communes\.csv",
    ):
        load_professionals(territory_copy)


def test_commune_without_its_professionals_row(territory_copy: Path) -> None:
    path = territory_copy / "professionnels.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"aucune ligne pour la ou les commune\(s\) AUB18"):
        load_professionals(territory_copy)


def test_negative_count(territory_copy: Path) -> None:
    _replace(territory_copy / "professionnels.csv", "AUB03,0,1,1,2,9", "AUB03,0,1,1,2,-9")
    with pytest.raises(
        DataError,
        match=r"professionnels\.csv, ligne 4, colonne « infirmiers » : la valeur -9 est négative",
    ):
        load_professionals(territory_copy)


def test_missing_column_in_professionals(territory_copy: Path) -> None:
    path = territory_copy / "professionnels.csv"
    _replace(path, ",sages_femmes,", ",sagesfemmes,")
    with pytest.raises(
        DataError, match=r"professionnels\.csv, ligne 1 : colonne\(s\) manquante\(s\) sages_femmes"
    ):
        load_professionals(territory_copy)


def test_missing_column_in_structures(territory_copy: Path) -> None:
    _replace(territory_copy / "structures.csv", ";type;", ";categorie;")
    with pytest.raises(DataError, match=r"structures\.csv, ligne 1 : colonne\(s\) manquante"):
        load_structures(territory_copy)


def test_unknown_commune_in_structures(territory_copy: Path) -> None:
    _replace(territory_copy / "structures.csv", "EHPAD;AUB13;", "EHPAD;AUB31;")
    with pytest.raises(
        DataError,
        match=r"structures\.csv, ligne 6, colonne « code_commune » : la commune « AUB31 »",
    ):
        load_structures(territory_copy)


def test_unknown_structure_type(territory_copy: Path) -> None:
    _replace(territory_copy / "structures.csv", ";SSIAD;AUB04;", ";SIAD;AUB04;")
    with pytest.raises(DataError, match=r"structures\.csv, ligne 8, colonne « type »"):
        load_structures(territory_copy)


def test_duplicate_structure_identifier(territory_copy: Path) -> None:
    _replace(territory_copy / "structures.csv", "S02;", "S01;")
    with pytest.raises(DataError, match=r"structures\.csv, ligne 3, colonne « identifiant »"):
        load_structures(territory_copy)


def _rewrite_matrix(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    edit(rows)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def test_non_square_matrix(territory_copy: Path) -> None:
    # Drop the last column (AUB18) of every line.
    _rewrite_matrix(territory_copy / "temps_trajet.csv", lambda rows: [r.pop() for r in rows])
    with pytest.raises(
        DataError,
        match=r"temps_trajet\.csv : la matrice doit être carrée.*colonne\(s\) manquante\(s\) : "
        "AUB18",
    ):
        load_travel_times(territory_copy)


def test_matrix_missing_a_row(territory_copy: Path) -> None:
    _rewrite_matrix(territory_copy / "temps_trajet.csv", lambda rows: rows.pop(5))
    with pytest.raises(DataError, match=r"ligne\(s\) manquante\(s\) : AUB05"):
        load_travel_times(territory_copy)


def test_matrix_unknown_column(territory_copy: Path) -> None:
    _replace(territory_copy / "temps_trajet.csv", ",AUB07,", ",AUB70,")
    with pytest.raises(
        DataError, match=r"temps_trajet\.csv, ligne 1 : la colonne « AUB70 » n'est pas un code"
    ):
        load_travel_times(territory_copy)


def test_matrix_negative_time(territory_copy: Path) -> None:
    _replace(territory_copy / "temps_trajet.csv", "AUB01,0,25,", "AUB01,0,-25,")
    with pytest.raises(
        DataError, match=r"temps_trajet\.csv, ligne 2, colonne « AUB02 » : la valeur -25"
    ):
        load_travel_times(territory_copy)


def test_matrix_non_zero_diagonal(territory_copy: Path) -> None:
    _replace(territory_copy / "temps_trajet.csv", "AUB01,0,25,", "AUB01,3,25,")
    with pytest.raises(
        DataError,
        match=r"temps_trajet\.csv, ligne 2, colonne « AUB01 » : .*Saisissez 0 sur la diagonale",
    ):
        load_travel_times(territory_copy)


def test_matrix_not_symmetric(territory_copy: Path) -> None:
    # AUB01 → AUB02 becomes 30 while AUB02 → AUB01 stays 25: a gap of 5 > 2 minutes.
    _replace(territory_copy / "temps_trajet.csv", "AUB01,0,25,", "AUB01,0,30,")
    with pytest.raises(
        DataError,
        match=r"ligne 2, colonne « AUB02 » : AUB01 → AUB02 prend 30 minute\(s\) mais "
        r"AUB02 → AUB01 \(ligne 3, colonne « AUB01 »\) en prend 25",
    ):
        load_travel_times(territory_copy)


def test_matrix_small_asymmetry_is_accepted(territory_copy: Path) -> None:
    _replace(territory_copy / "temps_trajet.csv", "AUB01,0,25,", "AUB01,0,26,")
    assert load_travel_times(territory_copy).loc["AUB01", "AUB02"] == 26


def _edit_geojson(folder: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = folder / "communes.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_polygon_unknown_commune(territory_copy: Path) -> None:
    def edit(data):  # type: ignore[no-untyped-def]
        data["features"][2]["properties"]["code_commune"] = "AUB42"

    _edit_geojson(territory_copy, edit)
    with pytest.raises(
        DataError, match=r"communes\.geojson, commune n° 3 .*« AUB42 », absent de communes\.csv"
    ):
        load_polygons(territory_copy)


def test_polygon_duplicate_commune(territory_copy: Path) -> None:
    def edit(data):  # type: ignore[no-untyped-def]
        data["features"][1]["properties"]["code_commune"] = "AUB01"

    _edit_geojson(territory_copy, edit)
    with pytest.raises(DataError, match=r"commune n° 2 .*« AUB01 » a déjà un polygone"):
        load_polygons(territory_copy)


def test_polygon_missing_commune(territory_copy: Path) -> None:
    _edit_geojson(territory_copy, lambda data: data["features"].pop())
    with pytest.raises(DataError, match=r"aucun polygone pour la ou les commune\(s\) AUB18"):
        load_polygons(territory_copy)


def test_polygon_in_lambert_coordinates(territory_copy: Path) -> None:
    def edit(data):  # type: ignore[no-untyped-def]
        data["features"][0]["geometry"]["coordinates"][0][1] = [725000.0, 6290000.0]

    _edit_geojson(territory_copy, edit)
    with pytest.raises(DataError, match=r"commune n° 1 .*hors d'Occitanie.*Lambert 93"):
        load_polygons(territory_copy)


def test_polygon_file_not_json(territory_copy: Path) -> None:
    (territory_copy / "communes.geojson").write_text('{"type": ', encoding="utf-8")
    with pytest.raises(
        DataError, match=r"communes\.geojson, ligne 1 : le fichier n'est pas du JSON"
    ):
        load_polygons(territory_copy)


def test_missing_file(territory_copy: Path) -> None:
    (territory_copy / "structures.csv").unlink()
    with pytest.raises(DataError, match=r"structures\.csv : fichier introuvable"):
        load_structures(territory_copy)


# ---------------------------------------------------------------- map


def _gp_per_10_000() -> dict[str, float]:
    pros = load_professionals()
    communes = load_communes(DEFAULT_TERRITORY_DIR / "communes.csv").set_index("code_commune")
    return {
        code: float(pros.loc[code, GP_TOTAL_COLUMN]) / float(communes.loc[code, "population"])
        for code in CODES
    }


def test_resource_map_draws_every_commune_and_structure() -> None:
    from matplotlib.collections import PolyCollection

    from cpts_training.figures import CourseFigure
    from cpts_training.territory.maps import plot_resource_map

    figure = plot_resource_map(
        _gp_per_10_000(), load_structures(), value_label="Médecins pour 10 000 habitants"
    )
    assert isinstance(figure, CourseFigure)
    axis = figure.axes[0]
    assert axis.get_title() == "Carte du territoire — CPTS de la Vallée de l'Aubrenne (fictive)"
    (cells,) = [c for c in axis.collections if isinstance(c, PolyCollection)]
    assert len(cells.get_paths()) == 18
    assert len(axis.lines) == 16  # one marker per structure
    names = {t.get_text(): t.get_fontsize() for t in axis.texts}
    assert "Castelnau-d'Aubrenne" in names and len(names) == 18
    assert min(names.values()) >= 9
    (legend,) = figure.legends
    entries = [t.get_text() for t in legend.get_texts()]
    assert legend.get_title().get_text() == "Structures partenaires"
    assert entries[:3] == ["Centre hospitalier", "Hôpital de proximité", "EHPAD"]
    assert "Contrat local de santé (CLS)" in entries and len(entries) == 12  # 12 types
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 9
    assert "Médecins pour 10 000 habitants" in [a.get_ylabel() for a in figure.axes]
    assert any("fictives" in t.get_text() for t in figure.texts)
    assert figure._repr_png_().startswith(b"\x89PNG")


def test_resource_map_greys_a_commune_left_out() -> None:
    from cpts_training.territory.maps import MISSING_COLOUR, plot_resource_map

    values = _gp_per_10_000()
    del values["AUB18"]
    figure = plot_resource_map(values, title="Sans Caussanel")
    assert figure.axes[0].get_title() == "Sans Caussanel"
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["Non renseigné"]
    from matplotlib.colors import to_rgba

    colours = figure.axes[0].collections[0].get_facecolors()
    assert tuple(colours[17]) == to_rgba(MISSING_COLOUR)  # AUB18 is the 18th cell


def test_resource_map_refuses_an_unknown_commune_or_a_text() -> None:
    from cpts_training.errors import InputError
    from cpts_training.territory.maps import plot_resource_map

    with pytest.raises(InputError, match="AUB77 ne sont pas dans le territoire"):
        plot_resource_map({"AUB77": 1.0})
    with pytest.raises(InputError, match="commune AUB02 \\(« beaucoup »\\) n'est pas un nombre"):
        plot_resource_map({"AUB01": 1.0, "AUB02": "beaucoup"})  # type: ignore[dict-item]
