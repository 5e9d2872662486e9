"""The interactive maps (ipyleaflet) built from the shipped data, without a browser."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cpts_training.errors import InputError
from cpts_training.territory import load_structures
from cpts_training.territory.maps import plot_resource_map
from cpts_training.territory.widgets.leaflet_map import (
    communes_without_position,
    interactive_communes_map,
    interactive_resource_map,
    structures_legend,
)


def _layers(leaflet_map, kind: str) -> list:
    return [layer for layer in leaflet_map.layers if type(layer).__name__ == kind]


def test_resource_map_draws_every_commune_and_every_structure() -> None:
    structures = load_structures()
    leaflet_map = interactive_resource_map({"AUB01": 3.0, "AUB02": 5.0}, structures)
    (outlines,) = _layers(leaflet_map, "GeoJSON")
    features = outlines.data["features"]
    assert len(features) == 18
    colours = {f["properties"]["code_commune"]: f["properties"]["couleur"] for f in features}
    # The smallest value takes the light end of YlOrRd, the largest the dark end.
    assert colours["AUB01"] == "#ffffcc" and colours["AUB02"] == "#800026"
    assert colours["AUB03"] == "#e0e0e0"
    structure_layer = next(
        g for g in _layers(leaflet_map, "LayerGroup") if g.name == "Structures partenaires"
    )
    assert len(structure_layer.layers) == len(structures)
    assert all(marker.popup is not None for marker in structure_layer.layers)
    assert _layers(leaflet_map, "TileLayer")[0].base
    zoom = next(c for c in leaflet_map.controls if type(c).__name__ == "ZoomControl")
    assert (zoom.zoom_in_title, zoom.zoom_out_title) == ("Zoomer", "Dézoomer")
    legend = next(c for c in leaflet_map.controls if type(c).__name__ == "LegendControl")
    # The legend holds the 5 colour steps and the grey of the communes left out, not the
    # structure types (listed under the map): it stays smaller than the map.
    assert len(legend.legend) == 6


def test_resource_map_without_tiles_keeps_everything_else() -> None:
    leaflet_map = interactive_resource_map({"AUB01": 3.0}, basemap=False)
    assert _layers(leaflet_map, "TileLayer") == []
    assert len(_layers(leaflet_map, "GeoJSON")[0].data["features"]) == 18


def test_hovering_a_commune_shows_its_value() -> None:
    leaflet_map = interactive_resource_map({"AUB01": 12.25}, value_label="Densité")
    (outlines,) = _layers(leaflet_map, "GeoJSON")
    info = next(c for c in leaflet_map.controls if type(c).__name__ == "WidgetControl").widget
    feature = next(
        f for f in outlines.data["features"] if f["properties"]["code_commune"] == "AUB01"
    )
    outlines._hover_callbacks(feature=feature)
    assert "Castelnau-d'Aubrenne" in info.value and "12,3" in info.value


def test_bad_values_are_refused_in_french_on_both_maps() -> None:
    for draw in (interactive_resource_map, plot_resource_map):
        with pytest.raises(InputError, match="AUB99"):
            draw({"AUB99": 1.0})
        with pytest.raises(InputError, match="n'est pas un nombre"):
            draw({"AUB01": "beaucoup"})


def test_static_map_legend_names_unselected_and_empty_communes() -> None:
    figure = plot_resource_map(
        {"AUB01": 1.0, "AUB17": math.nan}, absent_label="Commune non sélectionnée"
    )
    labels = [t.get_text() for t in figure.legends[0].texts]
    assert "Commune non sélectionnée" in labels and "Sans valeur (—)" in labels
    figure.clear()


REAL = pd.DataFrame(
    {
        "code_insee": ["31555", "31069", "99999"],
        "commune": ["Toulouse", "Blagnac", "Sans position"],
        "population": [504_078, 26_142, 100],
        "latitude": [43.6045, 43.6375, math.nan],
        "longitude": [1.4440, 1.3900, math.nan],
    }
)


def _circles(leaflet_map) -> dict[str, dict]:
    (layer,) = [g for g in _layers(leaflet_map, "GeoJSON") if g.name == "Communes"]
    return {f["properties"]["commune"]: f for f in layer.data["features"]}


def test_real_communes_map_sizes_circles_by_population() -> None:
    leaflet_map = interactive_communes_map(REAL, basemap=False)
    circles = _circles(leaflet_map)
    assert list(circles) == ["Toulouse", "Blagnac"]
    # radius = 4 + 22 × √(population / largest): 26 for Toulouse, 4 + 22 × √0,0519 = 9 for Blagnac.
    radius = {name: f["properties"]["style"]["radius"] for name, f in circles.items()}
    assert radius == {"Toulouse": 26, "Blagnac": 9}
    assert communes_without_position(REAL) == ["Sans position (99999)"]


def test_hovering_a_real_commune_shows_its_name_and_population() -> None:
    leaflet_map = interactive_communes_map(REAL, basemap=False)
    (layer,) = [g for g in _layers(leaflet_map, "GeoJSON") if g.name == "Communes"]
    info = next(c for c in leaflet_map.controls if type(c).__name__ == "WidgetControl").widget
    layer._hover_callbacks(feature=_circles(leaflet_map)["Blagnac"])
    assert "Blagnac" in info.value and "31069" in info.value and "26\u202f142" in info.value


def test_real_communes_map_frames_every_commune() -> None:
    leaflet_map = interactive_communes_map(REAL, basemap=False)
    # Centred on the middle of the extent, not on the mean: (43,6045 + 43,6375) / 2.
    assert leaflet_map.center == [pytest.approx(43.621), pytest.approx(1.417)]
    # 0,054° of longitude × 256 × 2^z / 360 must fit in 60 % of 760 px: z = 13 at most.
    assert leaflet_map.zoom == 13


def test_real_communes_map_draws_the_trainee_structures() -> None:
    structures = pd.DataFrame(
        {"nom": ["MSP des Ponts"], "type": ["MSP"], "code_commune": ["31069"]}
    )
    leaflet_map = interactive_communes_map(REAL, structures, basemap=False)
    (group,) = [g for g in _layers(leaflet_map, "LayerGroup") if g.name == "Structures partenaires"]
    assert "MSP des Ponts" in group.layers[0].popup.value
    assert "Maison de santé (MSP)" in structures_legend(structures)
    with pytest.raises(InputError, match="absente du territoire"):
        interactive_communes_map(REAL, structures.assign(code_commune="99998"), basemap=False)


def test_real_communes_map_refuses_tables_it_cannot_draw() -> None:
    with pytest.raises(InputError, match="latitude"):
        interactive_communes_map(REAL.drop(columns="latitude"))
    with pytest.raises(InputError, match="aucune commune n'a de position"):
        interactive_communes_map(REAL.iloc[2:])
