"""Static maps of the territory: a choropleth of a value per commune, partner structures.

Drawn offline with matplotlib from the commune outlines of ``communes.geojson`` (see
:mod:`.resources`): no map tiles, no GIS library. Longitudes are scaled by the cosine
of the mean latitude so that the map keeps its proportions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from matplotlib import colormaps, patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from cpts_training.errors import InputError
from cpts_training.figures import BOOK_FIGURE_WIDTH_IN, MIN_FONT_PT, CourseFigure, fit_title
from cpts_training.formatting import format_decimal_fr
from cpts_training.territory.case_study import load_territory
from cpts_training.territory.resources import load_polygons
from cpts_training.validation import require_frame

LABEL_FONT_SIZE = MIN_FONT_PT
"""Font size (points) of commune names and legend entries: readable when projected."""

MISSING_COLOUR = "#e0e0e0"
COLOUR_MAP = "YlOrRd"

STRUCTURE_STYLES: dict[str, tuple[str, str]] = {
    "centre hospitalier": ("P", "#b71c1c"),
    "hôpital de proximité": ("P", "#ef6c00"),
    "clinique": ("P", "#6a1b9a"),
    "EHPAD": ("s", "#1565c0"),
    "HAD": ("D", "#00838f"),
    "SSIAD": ("D", "#2e7d32"),
    "SAAD": ("D", "#9e9d24"),
    "MSP": ("o", "#283593"),
    "centre de santé": ("o", "#00695c"),
    "DAC": ("^", "#4e342e"),
    "CLS": ("*", "#37474f"),
    "CMP": ("v", "#ad1457"),
    "PMI": ("v", "#5d4037"),
    "CCAS": ("h", "#455a64"),
    "CLIC": ("h", "#6d4c41"),
}
"""Marker and colour of each structure type (others: a grey ``X``)."""

STRUCTURE_LABELS: dict[str, str] = {
    "centre hospitalier": "Centre hospitalier",
    "hôpital de proximité": "Hôpital de proximité",
    "clinique": "Clinique",
    "EHPAD": "EHPAD",
    "HAD": "Hospitalisation à domicile (HAD)",
    "SSIAD": "Soins infirmiers à domicile (SSIAD)",
    "SAAD": "Aide à domicile (SAAD)",
    "MSP": "Maison de santé (MSP)",
    "centre de santé": "Centre de santé",
    "DAC": "Dispositif d'appui à la coordination (DAC)",
    "CLS": "Contrat local de santé (CLS)",
    "CMP": "Centre médico-psychologique (CMP)",
    "PMI": "Protection maternelle et infantile (PMI)",
    "CCAS": "Centre communal d'action sociale (CCAS)",
    "CLIC": "Centre local d'information (CLIC)",
}
"""French legend label of each structure type."""

_OTHER_STYLE = ("X", "#616161")
_OFFSET_DEGREES = 0.012
"""Distance (degrees of latitude, about 1.3 km) between a commune's centre and its markers."""


def require_map_values(
    values_by_commune: Mapping[str, float] | pd.Series, codes: list[str]
) -> pd.Series:
    """The values per commune as floats; an empty value (``None``, NaN) stays NaN.

    Raises:
        InputError: a commune not in ``codes``, or a value that is not a number.
    """
    values = pd.Series(
        dict(values_by_commune) if isinstance(values_by_commune, Mapping) else (values_by_commune),
        dtype="object",
    )
    unknown = [str(code) for code in values.index if code not in set(codes)]
    if unknown:
        raise InputError(
            f"Carte : la ou les commune(s) {', '.join(unknown)} ne sont pas dans le territoire. "
            f"Utilisez les codes de communes.csv ({', '.join(codes)})."
        )
    empty = values.isna()
    numeric = pd.to_numeric(values.where(~empty), errors="coerce")
    bad = [
        str(code)
        for code in values.index
        if not empty[code] and not math.isfinite(float(numeric[code]))
    ]
    if bad:
        raise InputError(
            f"Carte : la valeur de la commune {bad[0]} (« {values[bad[0]]} ») n'est pas un "
            "nombre. Donnez un nombre par commune, ou retirez la commune pour la laisser en gris."
        )
    return numeric.astype("float64")


NO_VALUE_COLOUR = "#f5f5f5"
NO_VALUE_LABEL = "Sans valeur (—)"


def commune_colours(values: pd.Series, codes: list[str]) -> tuple[dict[str, str], Normalize]:
    """The fill colour (``#rrggbb``) of each commune of ``codes`` and the colour scale.

    A commune with a value takes its colour on the ``YlOrRd`` scale from the smallest to
    the largest value; a commune with an empty value (NaN) takes :data:`NO_VALUE_COLOUR`;
    a commune absent from ``values`` takes :data:`MISSING_COLOUR`. Shared by the static
    map and the interactive one so that both read alike.
    """
    known = values.dropna()
    low = float(known.min()) if len(known) else 0.0
    high = float(known.max()) if len(known) else 1.0
    if low == high:
        low, high = low - 1, high + 1
    norm = Normalize(vmin=low, vmax=high)
    cmap = colormaps[COLOUR_MAP]
    colours: dict[str, str] = {}
    for code in codes:
        if code not in values.index:
            colours[code] = MISSING_COLOUR
        elif math.isnan(values[code]):
            colours[code] = NO_VALUE_COLOUR
        else:
            colours[code] = to_hex(cmap(norm(values[code])))
    return colours, norm


def plot_resource_map(
    values_by_commune: Mapping[str, float] | pd.Series,
    structures: pd.DataFrame | None = None,
    title: str | None = None,
    *,
    value_label: str = "Valeur",
    absent_label: str = "Non renseigné",
    directory: Path | None = None,
) -> Figure:
    """A choropleth map of one value per commune, with partner structures as markers.

    Args:
        values_by_commune: a number per ``code_commune`` (dict or Series); communes left
            out are drawn in grey and listed as ``absent_label`` in the legend; a commune
            given with an empty value (``None`` or NaN: no GP, say) is drawn hatched and
            listed as « Sans valeur (—) ».
        structures: partner structures (as returned by
            :func:`~cpts_training.territory.resources.load_structures`), drawn near the
            centre of their commune, one marker style per ``type``; ``None`` for none.
        title: the map's title (default: « Carte du territoire — <name> »).
        value_label: the label of the colour bar (e.g. « Médecins pour 10 000 habitants »).
        absent_label: the legend of the communes left out (« Commune non sélectionnée »
            for a selection).
        directory: the territory directory (default: the embedded fictional territory).

    Returns:
        a :class:`~cpts_training.figures.CourseFigure`, displayed by a notebook.

    Raises:
        InputError: a commune code not in the territory, or a value that is not a number.
        DataError: a territory file is missing or fails its check.
    """
    territory = load_territory(directory)
    polygons = load_polygons(directory)
    communes = territory.communes
    centres = {
        str(code): (float(lon), float(lat))
        for code, lon, lat in zip(
            communes["code_commune"], communes["longitude"], communes["latitude"], strict=True
        )
    }
    names = dict(
        zip(communes["code_commune"].astype(str), communes["commune"].astype(str), strict=True)
    )
    codes = list(polygons)
    values = require_map_values(values_by_commune, codes)
    scale = math.cos(math.radians(float(communes["latitude"].mean())))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return lon * scale, lat

    figure = CourseFigure(figsize=(BOOK_FIGURE_WIDTH_IN, 9.4))
    axis = figure.subplots()
    colours, norm = commune_colours(values, codes)
    shapes = [[xy(lon, lat) for lon, lat in polygons[code]] for code in codes]
    axis.add_collection(
        PolyCollection(
            shapes, facecolors=[colours[c] for c in codes], edgecolors="#424242", linewidths=0.8
        )
    )
    no_value = [
        shapes[k]
        for k, code in enumerate(codes)
        if code in values.index and math.isnan(values[code])
    ]
    if no_value:
        axis.add_collection(
            PolyCollection(
                no_value, facecolors="none", edgecolors="#9e9e9e", hatch="///", linewidths=0
            )
        )
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    labels = {
        code: axis.annotate(
            names[code],
            xy(*centres[code]),
            xytext=(0, 0),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=LABEL_FONT_SIZE,
            path_effects=halo,
            zorder=4,
        )
        for code in codes
    }
    axis.autoscale_view()
    axis.set_aspect("equal")
    axis.set_axis_off()
    fit_title(axis, title or f"Carte du territoire — {territory.name}", fontsize=MIN_FONT_PT)

    mappable = ScalarMappable(norm=norm, cmap=colormaps[COLOUR_MAP])
    # The colour bar sits in the empty upper right corner (the territory runs from north-west
    # to south-east), so that the map keeps the figure's whole width.
    bar = figure.colorbar(mappable, cax=figure.add_axes((0.8, 0.64, 0.03, 0.27)))
    bar.set_label(value_label, fontsize=LABEL_FONT_SIZE)
    bar.ax.tick_params(labelsize=LABEL_FONT_SIZE)
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_decimal_fr(v)))
    bar.ax.yaxis.set_major_locator(MaxNLocator(nbins=4))

    handles: list[Patch | Line2D] = []
    if any(code not in values.index for code in codes):
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="#424242", label=absent_label))
    if no_value:
        handles.append(
            Patch(facecolor=NO_VALUE_COLOUR, edgecolor="#9e9e9e", hatch="///", label=NO_VALUE_LABEL)
        )
    if structures is not None and len(structures):
        handles += _draw_structures(axis, structures, centres, xy)
    if handles:
        figure.legend(
            handles=handles,
            title="Structures partenaires" if structures is not None else None,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.03),
            ncol=1,
            fontsize=LABEL_FONT_SIZE,
            title_fontsize=LABEL_FONT_SIZE,
            frameon=False,
        )
    if territory.fictional:
        figure.text(
            0.01,
            0.005,
            "Données fictives créées pour la formation",
            fontsize=LABEL_FONT_SIZE,
            color="#616161",
            va="bottom",
        )
    figure.subplots_adjust(left=0.01, right=0.99, top=0.96, bottom=0.33 if handles else 0.04)
    population = communes.set_index(communes["code_commune"].astype(str))["population"]
    _spread_labels(figure, [labels[c] for c in sorted(codes, key=lambda c: -population.get(c, 0))])
    return figure


LABEL_SHIFTS_PT: tuple[tuple[float, float], ...] = tuple(
    (dx, dy)
    for dy in (0, -7, 7, -12, 12, -17, 17, -22, 22)
    for dx in (0, -14, 14, -24, 24)
    if (dx, dy) != (0, 0)
)
"""Offsets (points) tried, in order, to move a commune name off a name already written."""


def _spread_labels(figure: Figure, labels: list[Annotation]) -> None:
    """Move each label (the most populated commune first) by the first offset of
    :data:`LABEL_SHIFTS_PT` that keeps it off the labels already placed; a label that no
    offset frees stays on its commune's centre."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # places the axes (equal aspect) before the labels are measured
    renderer = canvas.get_renderer()
    placed: list[Bbox] = []
    for label in labels:
        box = label.get_window_extent(renderer)
        if any(box.overlaps(other) for other in placed):
            for dx, dy in LABEL_SHIFTS_PT:
                label.xyann = (dx, dy)
                moved = label.get_window_extent(renderer)
                if not any(moved.overlaps(other) for other in placed):
                    box = moved
                    break
            else:
                label.xyann = (0, 0)
        placed.append(box)


def structure_positions(
    structures: pd.DataFrame, centres: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """Where to draw each partner structure: on a small ring around its commune's centre.

    The case study places a structure in a commune, not at an address: markers are spread
    on a ring of about 1,3 km (wider beyond three structures) starting below the centre,
    where the commune's name is written. Returns ``structures`` with two more columns,
    ``longitude`` and ``latitude`` (degrees, WGS84).

    Raises:
        InputError: a structure whose ``code_commune`` is not in ``centres``.
    """
    placed = structures.copy()
    placed["longitude"] = math.nan
    placed["latitude"] = math.nan
    for code, group in structures.groupby("code_commune", sort=False):
        if code not in centres:
            raise InputError(
                f"Carte : la structure « {group['nom'].iloc[0]} » est dans la commune {code}, "
                "absente du territoire. Corrigez son code_commune."
            )
        lon, lat = centres[str(code)]
        ring = _OFFSET_DEGREES * (1.0 if len(group) <= 3 else 1.3)
        scale_lon = math.cos(math.radians(lat))
        for k, index in enumerate(group.index):
            angle = -math.pi / 2 + 2 * math.pi * k / len(group)
            placed.loc[index, "longitude"] = lon + ring * math.cos(angle) / scale_lon
            placed.loc[index, "latitude"] = lat + ring * math.sin(angle)
    return placed


def structure_style(kind: str) -> tuple[str, str, str]:
    """Marker (matplotlib), colour and French legend label of a structure type."""
    marker, colour = STRUCTURE_STYLES.get(kind, _OTHER_STYLE)
    return marker, colour, STRUCTURE_LABELS.get(kind, kind)


def _draw_structures(
    axis: Axes,
    structures: pd.DataFrame,
    centres: Mapping[str, tuple[float, float]],
    xy: Callable[[float, float], tuple[float, float]],
) -> list[Line2D]:
    """Draw each structure near its commune's centre; return one legend entry per type."""
    handles: dict[str, Line2D] = {}
    for _, structure in structure_positions(structures, centres).iterrows():
        kind = str(structure["type"])
        marker, colour, label = structure_style(kind)
        point = xy(structure["longitude"], structure["latitude"])
        axis.plot(
            *point,
            marker=marker,
            color=colour,
            markeredgecolor="white",
            markersize=9,
            linestyle="none",
            zorder=3,
        )
        if kind not in handles:
            handles[kind] = Line2D(
                [],
                [],
                marker=marker,
                color=colour,
                markeredgecolor="white",
                markersize=9,
                linestyle="none",
                label=label,
            )
    order = list(STRUCTURE_STYLES)
    return [handles[k] for k in sorted(handles, key=lambda k: order.index(k) if k in order else 99)]


POINT_COLUMNS: tuple[str, ...] = ("code_commune", "commune", "population", "latitude", "longitude")
"""Columns of the table :func:`plot_commune_points` draws."""

POINT_COLOUR = "#1565c0"
MAX_NAMED_POINTS = 25
"""Above this many communes only the most populated ones are named (names would overlap)."""


def split_by_position(
    points: pd.DataFrame, columns: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The communes of ``points`` with a position, and those without (empty latitude or
    longitude), after checking that ``points`` has ``columns``.

    Raises:
        InputError: a missing column, or no commune with a position.
    """
    table = require_frame(points, "Carte des communes", columns)
    unknown = table["latitude"].isna() | table["longitude"].isna()
    if unknown.all():
        raise InputError(
            "Carte des communes : aucune commune n'a de position connue ; la carte ne peut "
            "pas être dessinée. Vérifiez les codes INSEE."
        )
    return table[~unknown], table[unknown]


def plot_commune_points(
    points: pd.DataFrame,
    structures: pd.DataFrame | None = None,
    title: str = "Les communes du territoire",
    *,
    source: str = "",
) -> Figure:
    """The communes of any territory as circles at their position, sized by population.

    For a territory that has positions but no outlines (a real territory described from
    the communes of France): one circle per commune, its area proportional to the
    population, its name above it (the :data:`MAX_NAMED_POINTS` most populated), and the
    partner structures as markers on a ring around their commune, as on
    :func:`plot_resource_map`.

    Args:
        points: one row per commune, columns :data:`POINT_COLUMNS` (latitude and
            longitude in degrees WGS 84; a commune with an empty position is left out and
            named under the map).
        structures: partner structures with ``nom``, ``type`` and ``code_commune``
            (a commune of ``points``), or ``None``.
        title: the map's title.
        source: where the positions come from, printed under the map.

    Raises:
        InputError: a missing column, no commune with a position, or a structure in a
            commune without position.
    """
    placed, lacking = split_by_position(points, POINT_COLUMNS)
    scale = math.cos(math.radians(float(placed["latitude"].mean())))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return lon * scale, lat

    figure = CourseFigure(figsize=(8, 7.5))
    axis = figure.subplots()
    largest = float(placed["population"].max()) or 1.0
    x = placed["longitude"].astype(float) * scale
    y = placed["latitude"].astype(float)
    sizes = 30 + 900 * placed["population"].astype(float) / largest
    axis.scatter(x, y, s=sizes, color=POINT_COLOUR, alpha=0.45, edgecolors="#0d47a1", zorder=2)
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    named = placed["population"].astype(float).nlargest(MAX_NAMED_POINTS).index
    for index in named:
        # Written just above the circle: its radius in points is √(area) / 2.
        axis.annotate(
            str(placed.loc[index, "commune"]),
            (float(x[index]), float(y[index])),
            xytext=(0, math.sqrt(float(sizes[index])) / 2 + 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=LABEL_FONT_SIZE - 1,
            path_effects=halo,
            zorder=4,
        )
    handles: list[Patch | Line2D] = [
        Line2D(
            [],
            [],
            marker="o",
            color=POINT_COLOUR,
            alpha=0.45,
            markersize=10,
            linestyle="none",
            label="Commune (surface du cercle ∝ population)",
        )
    ]
    if structures is not None and len(structures):
        centres = {
            str(code): (float(lon), float(lat))
            for code, lon, lat in zip(
                placed["code_commune"], placed["longitude"], placed["latitude"], strict=True
            )
        }
        handles += _draw_structures(axis, structures, centres, xy)
    span_x = float(x.max() - x.min()) or 0.05
    span_y = float(y.max() - y.min()) or 0.05
    margin = 0.12 * max(span_x, span_y)
    axis.set_xlim(float(x.min()) - margin, float(x.max()) + margin)
    axis.set_ylim(float(y.min()) - margin, float(y.max()) + margin)
    axis.set_aspect("equal")
    axis.set_xticks([])
    axis.set_yticks([])
    for side in axis.spines.values():
        side.set_color("#bdbdbd")
    axis.set_title(title, fontsize=12)
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=2,
        fontsize=LABEL_FONT_SIZE,
        frameon=False,
    )
    notes = [source] if source else []
    if len(lacking):
        notes.append(
            "Sans position connue, non placées : "
            + ", ".join(
                f"{n} ({c})"
                for n, c in zip(lacking["commune"], lacking["code_commune"], strict=True)
            )
            + "."
        )
    if notes:
        figure.text(0.01, 0.005, "\n".join(notes), fontsize=7, color="#616161", wrap=True)
    figure.subplots_adjust(left=0.03, right=0.97, top=0.93, bottom=0.14)
    return figure
