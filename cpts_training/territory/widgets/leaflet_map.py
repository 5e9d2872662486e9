"""Interactive maps (ipyleaflet): the resource map of the case study and the trainee's communes.

They show the same things as the static maps of :mod:`cpts_training.territory.maps`
(same colours, same structure markers) on a map one can zoom and move, with the name and
value of a commune under the mouse. **Without Internet** the OpenStreetMap background
(tiles) does not load: everything else is drawn by the map itself from the shipped data
(outlines, colours, names, markers, legend), so the map stays readable on a grey
background, and the caption under it says so. Where ipyleaflet is not installed (an
environment without the course's dependencies), :func:`leaflet_available` is false and
the forms keep to the static map.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.formatting import format_decimal_fr, format_number_fr
from cpts_training.territory.case_study import load_territory
from cpts_training.territory.maps import (
    commune_colours,
    require_map_values,
    split_by_position,
    structure_positions,
    structure_style,
)
from cpts_training.territory.resources import load_polygons

OFFLINE_NOTE = (
    "Carte interactive : faites glisser pour vous déplacer, « + » et « − » pour zoomer, "
    "survolez une commune pour lire sa valeur, cliquez sur un marqueur pour le nom de la "
    "structure. Sans connexion Internet, le fond de carte OpenStreetMap reste gris : les "
    "communes, leurs couleurs et les structures s'affichent quand même."
)
"""Caption under the interactive resource map."""

COMMUNES_NOTE = (
    "Carte interactive : faites glisser pour vous déplacer, « + » et « − » pour zoomer, "
    "survolez un cercle pour lire le nom et la population de la commune, cliquez sur un "
    "marqueur pour le nom de la structure. Sans connexion Internet, le fond de carte "
    "OpenStreetMap reste gris : vos communes et vos structures s'affichent quand même."
)
"""Caption under the interactive map of the trainee's communes."""

BASEMAP_NAME = "Fond OpenStreetMap (Internet)"
OSM_ATTRIBUTION = "© contributeurs OpenStreetMap"
LEGEND_STEPS = 5
"""Number of colour steps shown in the legend of a value."""

REAL_COMMUNE_COLOUR = "#1565c0"


def _text(value: object) -> str:
    """``value`` as HTML text (``<``, ``>`` and ``&`` escaped; quotes kept as typed)."""
    return html.escape(str(value), quote=False)


def leaflet_available() -> bool:
    """Whether ipyleaflet can be imported (it is a dependency of the course)."""
    try:
        import ipyleaflet  # noqa: F401
    except ImportError:
        return False
    return True


def _base_map(latitudes: pd.Series, longitudes: pd.Series, basemap: bool) -> Any:
    """A map framing every point (centred on their extent, with a margin), French zoom
    buttons, and the OpenStreetMap tiles as background when ``basemap`` (or none)."""
    import ipyleaflet

    layers: tuple[Any, ...] = ()
    if basemap:
        tiles = ipyleaflet.TileLayer(
            url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            attribution=OSM_ATTRIBUTION,
            name=BASEMAP_NAME,
            max_zoom=18,
            base=True,
        )
        layers = (tiles,)
    center = (
        (float(latitudes.min()) + float(latitudes.max())) / 2,
        (float(longitudes.min()) + float(longitudes.max())) / 2,
    )
    figure = ipyleaflet.Map(
        center=center,
        zoom=_zoom_for(latitudes, longitudes),
        layers=layers,
        scroll_wheel_zoom=False,
        zoom_control=False,
        attribution_control=False,
        layout=widgets.Layout(width="100%", max_width="760px", height=f"{MAP_HEIGHT_PX}px"),
    )
    figure.add(
        ipyleaflet.ZoomControl(
            position="topleft", zoom_in_title="Zoomer", zoom_out_title="Dézoomer"
        )
    )
    figure.add(ipyleaflet.AttributionControl(position="bottomright", prefix="Leaflet"))
    figure.add(ipyleaflet.ScaleControl(position="bottomleft", imperial=False))
    return figure


MAP_HEIGHT_PX = 520
MAP_WIDTH_PX = 760


def _zoom_for(latitudes: pd.Series, longitudes: pd.Series) -> int:
    """The largest zoom at which every point fits with a margin of about a fifth of the map.

    At zoom ``z`` the world is ``256 · 2^z`` pixels wide over 360° of longitude; a degree
    of latitude takes about ``1 / cos(latitude)`` times more pixels than one of longitude
    (Web Mercator). The points must fit in 60 % of the map's width and height, leaving room
    for the circles and the names.
    """
    middle = math.radians((float(latitudes.min()) + float(latitudes.max())) / 2)
    width_deg = max(float(longitudes.max() - longitudes.min()), 0.01)
    height_deg = max(float(latitudes.max() - latitudes.min()), 0.01) / math.cos(middle)
    fits = [
        math.log2(0.6 * pixels * 360 / (256 * span))
        for pixels, span in ((MAP_WIDTH_PX, width_deg), (MAP_HEIGHT_PX, height_deg))
    ]
    return int(max(4, min(13, math.floor(min(fits)))))


def _legend(values: pd.Series) -> dict[str, str]:
    """Legend entries ``label → colour`` for a value, from its smallest to its largest."""
    known = values.dropna()
    if known.empty:
        return {}
    low, high = float(known.min()), float(known.max())
    steps = (
        [low]
        if low == high
        else [low + (high - low) * k / (LEGEND_STEPS - 1) for k in range(LEGEND_STEPS)]
    )
    probe = pd.Series(steps, index=[f"v{k}" for k in range(len(steps))])
    colours, _ = commune_colours(pd.concat([probe]), list(probe.index))
    return {format_decimal_fr(round(v, 1)): colours[f"v{k}"] for k, v in enumerate(steps)}


def interactive_resource_map(
    values_by_commune: Mapping[str, float] | pd.Series,
    structures: pd.DataFrame | None = None,
    *,
    value_label: str = "Valeur",
    absent_label: str = "Non renseigné",
    legend_title: str = "Valeur",
    directory: Path | None = None,
    basemap: bool = True,
) -> Any:
    """The resource map as an ipyleaflet ``Map``: communes coloured by a value, partners.

    Args:
        values_by_commune: a number per ``code_commune``; absent communes are grey
            (``absent_label``), an empty value (NaN) is « Sans valeur (—) », as on
            :func:`~cpts_training.territory.maps.plot_resource_map`.
        structures: partner structures (``load_structures()``) drawn as circle markers
            with their name and type in a popup; ``None`` for none.
        value_label: what the value is, shown in the legend and under the mouse.
        absent_label: legend of the communes left out.
        legend_title: the short title of the colour legend (the full ``value_label`` is
            shown under the mouse).
        directory: the territory directory (default: the embedded fictional territory).
        basemap: add the OpenStreetMap tiles as a base layer (they need Internet; the
            map reads the same without them).

    Returns:
        an ``ipyleaflet.Map`` (layers: optional tiles, one ``GeoJSON`` of the communes,
        the names as ``DivIcon`` markers, a ``LayerGroup`` « Structures partenaires »;
        controls: French zoom buttons, a scale, the colour legend and an information box
        under the mouse). The structure types are listed under the map by
        :func:`structures_legend`, not on it, so that the map stays visible.

    Raises:
        InputError: a commune not in the territory or a value that is not a number.
        DataError: a territory file is missing or fails its check.
    """
    import ipyleaflet

    territory = load_territory(directory)
    polygons = load_polygons(directory)
    communes = territory.communes
    codes = list(polygons)
    values = require_map_values(values_by_commune, codes)
    colours, _ = commune_colours(values, codes)
    names = dict(
        zip(communes["code_commune"].astype(str), communes["commune"].astype(str), strict=True)
    )
    centres = {
        str(code): (float(lon), float(lat))
        for code, lon, lat in zip(
            communes["code_commune"], communes["longitude"], communes["latitude"], strict=True
        )
    }

    def shown(code: str) -> str:
        if code not in values.index:
            return absent_label
        value = values[code]
        return "—" if math.isnan(value) else format_number_fr(value, 1)

    features = [
        {
            "type": "Feature",
            "properties": {
                "code_commune": code,
                "commune": names[code],
                "valeur": shown(code),
                "couleur": colours[code],
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[list(p) for p in polygons[code]] + [list(polygons[code][0])]],
            },
        }
        for code in codes
    ]
    outlines = ipyleaflet.GeoJSON(
        data={"type": "FeatureCollection", "features": features},
        style={"color": "#424242", "weight": 1, "fillOpacity": 0.85},
        hover_style={"weight": 3, "color": "#000000"},
        style_callback=lambda feature: {"fillColor": feature["properties"]["couleur"]},
        name="Communes",
    )
    outer = pd.DataFrame([point for code in codes for point in polygons[code]])
    figure = _base_map(outer[1], outer[0], basemap)
    figure.add(outlines)
    figure.add(_names_layer(names, centres))

    info = widgets.HTML(f"<b>{_text(value_label)}</b><br>Survolez une commune.")

    def on_hover(feature: dict[str, Any], **_: Any) -> None:
        props = feature["properties"]
        info.value = (
            f"<b>{_text(props['commune'])}</b><br>{_text(value_label)} : {_text(props['valeur'])}"
        )

    outlines.on_hover(on_hover)
    figure.add(ipyleaflet.WidgetControl(widget=info, position="topright"))

    legend = _legend(values)
    if any(code not in values.index for code in codes):
        legend[absent_label] = colours[next(c for c in codes if c not in values.index)]
    if values.isna().any():
        legend["Sans valeur (—)"] = colours[
            next(c for c in codes if c in values.index and math.isnan(values[c]))
        ]
    if structures is not None and len(structures):
        figure.add(_structures_layer(structures, centres))
    if legend:
        figure.add(ipyleaflet.LegendControl(legend, title=legend_title, position="bottomright"))
    return figure


def _names_layer(
    names: Mapping[str, str], centres: Mapping[str, tuple[float, float]], *, above: bool = False
) -> Any:
    """The communes' names written at their centre, or just above it when ``above`` (beside
    a circle), as markers that cannot be moved."""
    import ipyleaflet

    labels = [
        ipyleaflet.Marker(
            location=(lat, lon),
            draggable=False,
            keyboard=False,
            icon=ipyleaflet.DivIcon(
                html=(
                    "<span style='font-size:11px;font-weight:600;white-space:nowrap;"
                    "text-shadow:0 0 3px #fff,0 0 3px #fff'>"
                    f"{_text(names[code])}</span>"
                ),
                icon_size=[0, 0],
                icon_anchor=[0, 30] if above else [0, 0],
            ),
            title=names[code],
        )
        for code, (lon, lat) in centres.items()
    ]
    return ipyleaflet.LayerGroup(layers=labels, name="Noms des communes")


def _structures_layer(structures: pd.DataFrame, centres: Mapping[str, tuple[float, float]]) -> Any:
    """One circle marker per structure, coloured by type, with a popup (name, type)."""
    import ipyleaflet

    markers = []
    for _, row in structure_positions(structures, centres).iterrows():
        _, colour, label = structure_style(str(row["type"]))
        marker = ipyleaflet.CircleMarker(
            location=(float(row["latitude"]), float(row["longitude"])),
            radius=7,
            color="#ffffff",
            weight=2,
            fill_color=colour,
            fill_opacity=1.0,
            name=str(row["nom"]),
        )
        marker.popup = widgets.HTML(f"<b>{_text(row['nom'])}</b><br>{_text(label)}")
        markers.append(marker)
    return ipyleaflet.LayerGroup(layers=markers, name="Structures partenaires")


REAL_COMMUNE_COLUMNS: tuple[str, ...] = (
    "code_insee",
    "commune",
    "population",
    "latitude",
    "longitude",
)
"""Columns of the table :func:`interactive_communes_map` draws."""

MAX_NAMED_COMMUNES = 40
"""Above this many communes, names are read under the mouse only (they would overlap)."""


def circle_radius(population: float, largest: float) -> int:
    """Radius in pixels of a commune's circle: its area grows with the population.

    ``4 + 22 × √(population / largest)``, rounded down: 26 px for the largest commune.
    """
    return int(4 + 22 * math.sqrt(population / largest)) if largest > 0 else 4


def interactive_communes_map(
    communes: pd.DataFrame, structures: pd.DataFrame | None = None, *, basemap: bool = True
) -> Any:
    """The trainee's real communes as circles on an ipyleaflet map, sized by population.

    Args:
        communes: one row per commune with :data:`REAL_COMMUNE_COLUMNS` (the table of a
            described real territory: INSEE code, name, population, latitude and
            longitude in degrees WGS 84); a commune without position is left out (see
            :func:`communes_without_position`).
        structures: the trainee's partner structures (``nom``, ``type``,
            ``code_commune`` an INSEE code of ``communes``), drawn around their commune
            with a popup; ``None`` for none.
        basemap: add the OpenStreetMap tiles (they need Internet; the circles, names and
            structures are drawn without them).

    Returns:
        an ``ipyleaflet.Map``: one ``GeoJSON`` layer of points drawn as circles (radius
        :func:`circle_radius`, in ``properties.style.radius``), whose name, INSEE code and
        population show in a box under the mouse; the names written beside them up to
        :data:`MAX_NAMED_COMMUNES` communes; the structures as circle markers.

    Raises:
        InputError: a missing column, no commune with a position, or a structure in a
            commune without position.
    """
    import ipyleaflet

    placed, _ = split_by_position(communes, REAL_COMMUNE_COLUMNS)
    figure = _base_map(placed["latitude"], placed["longitude"], basemap)
    largest = float(placed["population"].max())
    features = [
        {
            "type": "Feature",
            "properties": {
                "code_insee": str(row["code_insee"]),
                "commune": str(row["commune"]),
                "habitants": format_number_fr(float(row["population"])),
                "style": {"radius": circle_radius(float(row["population"]), largest)},
            },
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            },
        }
        for _, row in placed.iterrows()
    ]
    circles = ipyleaflet.GeoJSON(
        data={"type": "FeatureCollection", "features": features},
        point_style={
            "color": "#0d47a1",
            "weight": 1,
            "fillColor": REAL_COMMUNE_COLOUR,
            "fillOpacity": 0.55,
        },
        hover_style={"weight": 3, "fillOpacity": 0.8},
        name="Communes",
    )
    info = widgets.HTML("Survolez un cercle : le nom et la population de la commune.")

    def on_hover(feature: dict[str, Any], **_: Any) -> None:
        props = feature["properties"]
        info.value = (
            f"<b>{_text(props['commune'])}</b> ({_text(props['code_insee'])})<br>"
            f"{_text(props['habitants'])} habitants"
        )

    circles.on_hover(on_hover)
    figure.add(circles)
    figure.add(ipyleaflet.WidgetControl(widget=info, position="topright"))
    centres = {
        str(code): (float(lon), float(lat))
        for code, lon, lat in zip(
            placed["code_insee"], placed["longitude"], placed["latitude"], strict=True
        )
    }
    if len(placed) <= MAX_NAMED_COMMUNES:
        names = dict(
            zip(placed["code_insee"].astype(str), placed["commune"].astype(str), strict=True)
        )
        figure.add(_names_layer(names, centres, above=True))
    if structures is not None and len(structures):
        figure.add(_structures_layer(structures, centres))
    return figure


def structures_legend(structures: pd.DataFrame | None) -> str:
    """The structure types drawn on a map, as a French HTML legend to put under it."""
    if structures is None or not len(structures):
        return ""
    items = []
    for kind in dict.fromkeys(structures["type"].astype(str)):
        _, colour, label = structure_style(kind)
        items.append(
            f"<span style='white-space:nowrap;margin-right:1em'><span style='display:inline-"
            f"block;width:0.8em;height:0.8em;border-radius:50%;background:{colour};"
            f"margin-right:0.3em'></span>{_text(label)}</span>"
        )
    return "<div style='max-width:760px;font-size:0.9em'>" + " ".join(items) + "</div>"


def communes_without_position(communes: pd.DataFrame) -> list[str]:
    """Names (with INSEE code) of the communes of the table that have no position."""
    lacking = communes[communes["latitude"].isna() | communes["longitude"].isna()]
    return [
        f"{name} ({code})"
        for name, code in zip(lacking["commune"], lacking["code_insee"], strict=True)
    ]


def with_caption(figure: Any, note: str = OFFLINE_NOTE, legend: str = "") -> widgets.VBox:
    """The map with a legend (HTML, e.g. :func:`structures_legend`) and ``note`` under it."""
    caption = widgets.HTML(
        f"{legend}<p style='font-size:0.9em;color:#424242;max-width:760px'>{note}</p>"
    )
    return widgets.VBox([figure, caption])
