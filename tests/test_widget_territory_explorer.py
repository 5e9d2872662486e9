"""TerritoryExplorer driven as a trainee drives it (values computed by hand from the files).

From ``data/territoire/communes.csv`` and ``professionnels.csv``:
AUB01 Castelnau-d'Aubrenne, 14 384 inhabitants (0-14: 2 273, 15-29: 2 186, 30-44: 2 373,
45-59: 2 776, 60-74: 3 222, 75+: 1 554), GPs 2 + 3 + 4 + 6 = 15 (6 aged 60+), 28 nurses;
AUB02 Labastide-d'Aubrenne, 5 917 inhabitants, GPs 1 + 2 + 2 + 1 = 6. AUB17 and AUB18
have no GP. The shortest travel time between two different communes is 5 minutes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from cpts_training.territory.case_study import DEFAULT_TERRITORY_DIR
from cpts_training.territory.widgets.explorer import (
    ACCESSIBILITY,
    AGED_75,
    CHART_TAB,
    DENSITY,
    GP_60,
    INTERACTIVE_TAB,
    MAP_TAB,
    PYRAMID_TAB,
    TERRITORY_ROW,
    TerritoryExplorer,
)

GP_DENSITY = "Médecins généralistes pour 10 000 habitants"
ACCESS = "Accessibilité (médecins pour 100 000 habitants standardisés)"
ALL_CODES = [f"AUB{n:02d}" for n in range(1, 19)]


@pytest.fixture(scope="module")
def shared() -> TerritoryExplorer:
    explorer = TerritoryExplorer.from_case_study()
    explorer.figures.selected_index = None  # no figure drawn unless a test opens a tab
    return explorer


@pytest.fixture
def explorer(shared: TerritoryExplorer) -> Iterator[TerritoryExplorer]:
    shared.figures.selected_index = None
    shared.communes.value = tuple(ALL_CODES)
    shared.indicator_choice.value = DENSITY
    shared.profession.value = "medecins_generalistes"
    shared.catchment.value = "20"
    shared.threshold.value = ""
    yield shared


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_default_view_every_commune_density_of_gps(explorer: TerritoryExplorer) -> None:
    table = explorer.table
    assert table is not None
    assert explorer.selected == ALL_CODES
    assert explorer.indicator == DENSITY
    assert list(table.index) == [*ALL_CODES, TERRITORY_ROW]
    assert explorer.value_column == GP_DENSITY
    # 15 GPs × 10 000 / 14 384 inhabitants = 10,428…
    assert table.loc["AUB01", GP_DENSITY] == pytest.approx(15 * 10_000 / 14_384)
    # Territory row: every GP of the file over every inhabitant (sums of the files' columns).
    communes = pd.read_csv(DEFAULT_TERRITORY_DIR / "communes.csv")
    pros = pd.read_csv(DEFAULT_TERRITORY_DIR / "professionnels.csv")
    gps = pros[["mg_moins_40", "mg_40_49", "mg_50_59", "mg_60_plus"]].to_numpy().sum()
    assert table.loc[TERRITORY_ROW, GP_DENSITY] == pytest.approx(
        gps * 10_000 / communes["population"].sum()
    )
    # The national GP density (14,9 per 10 000 in 2022) is the chart's reference line.
    assert explorer.reference is not None
    assert explorer.reference[1] == pytest.approx(14.9)
    assert explorer.error == ""
    assert "10,4" in plain(explorer.table_view.value)
    assert "Ensemble du territoire" in explorer.table_view.value


def test_two_communes_give_two_rows_and_the_territory(explorer: TerritoryExplorer) -> None:
    whole = explorer.table
    assert whole is not None
    explorer.communes.value = ("AUB02", "AUB01")
    table = explorer.table
    assert table is not None
    assert explorer.selected == ["AUB01", "AUB02"]
    assert list(table.index) == ["AUB01", "AUB02", TERRITORY_ROW]
    # 6 GPs × 10 000 / 5 917 inhabitants = 10,140…
    assert table.loc["AUB02", GP_DENSITY] == pytest.approx(6 * 10_000 / 5_917)
    # The territory row stays the whole territory's.
    assert table.loc[TERRITORY_ROW, GP_DENSITY] == whole.loc[TERRITORY_ROW, GP_DENSITY]
    explorer.all_button.click()
    assert explorer.selected == ALL_CODES


def test_no_commune_selected_is_a_french_message(explorer: TerritoryExplorer) -> None:
    explorer.communes.value = ()
    assert explorer.table is None
    assert "Aucune commune sélectionnée" in explorer.error
    assert "Tout le territoire" in explorer.message.value
    assert explorer.table_view.value == ""
    explorer.communes.value = ("AUB03",)
    assert explorer.error == ""
    assert explorer.table is not None


def test_other_profession_has_no_national_reference(explorer: TerritoryExplorer) -> None:
    explorer.profession.value = "infirmiers"
    table = explorer.table
    assert table is not None
    # 28 nurses × 10 000 / 14 384 = 19,466…
    assert table.loc["AUB01", "Infirmiers pour 10 000 habitants"] == pytest.approx(
        28 * 10_000 / 14_384
    )
    assert explorer.reference is None
    assert "Pas de densité nationale de référence" in explorer.message.value


def test_accessibility_follows_the_catchment(explorer: TerritoryExplorer) -> None:
    explorer.indicator_choice.value = ACCESSIBILITY
    assert explorer.profession.layout.display == "none"
    assert explorer.catchment.layout.display is None
    assert "pas leur activité" in explorer.note.value or "non leur activité" in explorer.note.value
    explorer.catchment.value = "30"
    wide = explorer.table
    explorer.catchment.value = "10"
    narrow = explorer.table
    assert wide is not None and narrow is not None
    assert not wide[ACCESS].drop(TERRITORY_ROW).equals(narrow[ACCESS].drop(TERRITORY_ROW))
    # Within 1 minute each commune reaches only itself (weight 1 at 0 min):
    # A = 15 GPs / standardised demand × 100 000, with demand
    # 0,9×2 273 + 0,7×2 186 + 0,8×2 373 + 1,0×2 776 + 1,3×3 222 + 1,8×1 554 = 15 236,1.
    explorer.catchment.value = "1"
    alone = explorer.table
    assert alone is not None
    assert alone.loc["AUB01", ACCESS] == pytest.approx(15 / 15_236.1 * 100_000)
    assert alone.loc["AUB17", ACCESS] == 0


def test_catchment_not_a_number_is_refused_in_french(explorer: TerritoryExplorer) -> None:
    explorer.indicator_choice.value = ACCESSIBILITY
    explorer.catchment.value = "abc"
    assert explorer.table is None
    assert explorer.error.startswith("Temps d'accès maximal")
    assert "abc" in explorer.error
    assert "Traceback" not in explorer.message.value
    explorer.catchment.value = "0"
    assert "saisissez un temps positif" in explorer.error
    explorer.catchment.value = "25,5"
    assert explorer.error == ""


def test_threshold_is_the_trainees_choice(explorer: TerritoryExplorer) -> None:
    explorer.indicator_choice.value = ACCESSIBILITY
    table = explorer.table
    assert table is not None
    assert "Sous le seuil" not in table.columns  # empty field: nothing flagged
    assert explorer.reference is None
    explorer.threshold.value = "50"
    table = explorer.table
    assert table is not None
    assert list(table["Sous le seuil"]) == list(table[ACCESS] < 50)
    assert explorer.reference == ("Votre seuil : 50", 50.0)
    assert "Sous le seuil" in explorer.table_view.value
    explorer.threshold.value = "cinquante"
    assert explorer.error.startswith("Seuil choisi")


def test_share_of_people_aged_75_and_of_gps_aged_60(explorer: TerritoryExplorer) -> None:
    explorer.communes.value = ("AUB01", "AUB17")
    explorer.indicator_choice.value = AGED_75
    table = explorer.table
    assert table is not None
    # 1 554 / 14 384 = 10,80 %
    assert table.loc["AUB01", "Part des 75 ans et plus (%)"] == pytest.approx(100 * 1_554 / 14_384)
    explorer.indicator_choice.value = GP_60
    table = explorer.table
    assert table is not None
    # 6 of 15 GPs aged 60+ = 40 %; AUB17 has no GP: no share, shown « — ».
    assert table.loc["AUB01", "Part des 60 ans et plus (%)"] == pytest.approx(40.0)
    assert pd.isna(table.loc["AUB17", "Part des 60 ans et plus (%)"])
    assert "—" in explorer.table_view.value


def test_only_the_open_figure_is_drawn(explorer: TerritoryExplorer) -> None:
    explorer.communes.value = ("AUB01", "AUB02", "AUB03")
    explorer.map_image.value = b""
    explorer.chart_image.value = b""
    explorer.figures.selected_index = CHART_TAB
    assert bytes(explorer.chart_image.value).startswith(b"\x89PNG")
    assert bytes(explorer.map_image.value) == b""
    explorer.figures.selected_index = MAP_TAB
    drawn = bytes(explorer.map_image.value)
    assert drawn.startswith(b"\x89PNG")
    explorer.show_structures.value = False
    assert bytes(explorer.map_image.value).startswith(b"\x89PNG")
    assert bytes(explorer.map_image.value) != drawn
    explorer.show_structures.value = True


def test_interactive_map_follows_the_indicator_and_the_selection(
    explorer: TerritoryExplorer,
) -> None:
    explorer.communes.value = ("AUB01", "AUB17")
    explorer.indicator_choice.value = GP_60
    explorer.figures.selected_index = INTERACTIVE_TAB
    toggle, framed = explorer.interactive_map.children
    assert toggle is explorer.show_structures
    leaflet_map = framed.children[0]
    outlines = next(layer for layer in leaflet_map.layers if type(layer).__name__ == "GeoJSON")
    shown = {
        f["properties"]["code_commune"]: f["properties"]["valeur"]
        for f in outlines.data["features"]
    }
    # 6 of 15 GPs aged 60+ in AUB01 = 40,0 %; AUB17 has no GP; the others are not selected.
    assert shown["AUB01"] == "40,0"
    assert shown["AUB17"] == "—"
    assert shown["AUB02"] == "Commune non sélectionnée"
    legend = next(c for c in leaflet_map.controls if type(c).__name__ == "LegendControl")
    assert "Commune non sélectionnée" in legend.legend and "Sans valeur (—)" in legend.legend
    explorer.communes.value = ("AUB01",)
    _, framed = explorer.interactive_map.children
    outlines = next(
        layer for layer in framed.children[0].layers if type(layer).__name__ == "GeoJSON"
    )
    assert [f["properties"]["valeur"] for f in outlines.data["features"]].count("40,0") == 1
    assert "Sans connexion Internet" in framed.children[1].value
    explorer.figures.selected_index = None


def test_age_pyramid_tab_follows_the_selection(explorer: TerritoryExplorer) -> None:
    explorer.communes.value = ("AUB01",)
    explorer.pyramid_image.value = b""
    explorer.figures.selected_index = PYRAMID_TAB
    one = bytes(explorer.pyramid_image.value)
    assert one.startswith(b"\x89PNG")
    explorer.communes.value = ("AUB01", "AUB02")
    assert bytes(explorer.pyramid_image.value).startswith(b"\x89PNG")
    assert bytes(explorer.pyramid_image.value) != one
    explorer.figures.selected_index = None
