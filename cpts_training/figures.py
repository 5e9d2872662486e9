"""Matplotlib figures that display themselves in a notebook, without pyplot.

Charts are built on :class:`CourseFigure`, a plain matplotlib ``Figure`` that
IPython shows as a PNG when it is the result of a cell: no global pyplot state,
no figure to close, and the same output in JupyterLab and in the book.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def figure_png(figure: Figure, dpi: int = 100) -> bytes:
    """PNG bytes of ``figure``, drawn on an Agg canvas at ``dpi``."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class CourseFigure(Figure):
    """A ``Figure`` with a PNG representation for IPython (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        return figure_png(self)


FIGURE_DPI = 100
"""Resolution of the PNG a notebook shows (and the book publishes), in dots per inch."""

PHONE_CONTENT_PX = 342
"""Width of a figure in the book's text column on a 390 px wide phone (measured: 342 px)."""

DESKTOP_CONTENT_PX = 605
"""Width of the book's text column at 1280 px with the page's table of contents (measured)."""

MIN_LABEL_PX = 9.0
"""Smallest legible text of a chart once the book scales it to the text column, in px."""

BOOK_FIGURE_WIDTH_IN = 5.4
"""Width of a course chart, in inches: at :data:`FIGURE_DPI` it is 540 px, shown at its own
size on a computer and scaled by 342 / 540 on a phone."""

MIN_FONT_PT = 10.5
"""Smallest font of a course chart: 10,5 pt at 100 dpi is 14,6 px, 9,2 px on a phone."""


def displayed_text_px(font_pt: float, figure_width_in: float, content_px: float) -> float:
    """Height in CSS px of a ``font_pt`` text of a chart ``figure_width_in`` inches wide,
    once the book shows it in a text column ``content_px`` wide (never enlarged).

    Raises :class:`ValueError` for a width that is not positive.
    """
    if figure_width_in <= 0 or content_px <= 0:
        raise ValueError("figure_width_in and content_px must be positive")
    native_px = font_pt * FIGURE_DPI / 72
    return native_px * min(1.0, content_px / (figure_width_in * FIGURE_DPI))


def smallest_text_px(figure: Figure, content_px: float = PHONE_CONTENT_PX) -> float:
    """Smallest displayed size (CSS px) of the visible, non-empty texts of ``figure``
    (titles, tick labels, legends, annotations) in a ``content_px`` wide column."""
    from matplotlib.text import Text

    FigureCanvasAgg(figure).draw()
    hidden = {  # tick labels of an axes drawn without its axis (a map)
        id(label)
        for axes in figure.axes
        if not axes.axison
        for axis in (axes.xaxis, axes.yaxis)
        for label in axis.get_ticklabels(which="both")
    }
    sizes = [
        float(text.get_fontsize())
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip() and id(text) not in hidden
    ]
    if not sizes:
        return float("inf")
    return displayed_text_px(min(sizes), float(figure.get_figwidth()), content_px)


def fit_title(axis: Axes, text: str, fontsize: float = 11.0, width_fraction: float = 1.0) -> None:
    """Set ``text`` as the title of ``axis``, wrapped on words so that each line, measured
    at ``fontsize``, fits ``width_fraction`` of the figure's width (no title runs past the
    image). Give the share of the width the axes keep, e.g. 0.55 when long tick labels
    take the rest (a title is centred on its axes)."""
    from matplotlib.font_manager import FontProperties

    figure = axis.get_figure(root=True)
    if not isinstance(figure, Figure):
        axis.set_title(text, fontsize=fontsize)
        return
    renderer = FigureCanvasAgg(figure).get_renderer()
    font = FontProperties(size=fontsize)
    limit = width_fraction * float(figure.bbox.width)

    def fits(line: str) -> bool:
        width, _height, _descent = renderer.get_text_width_height_descent(line, font, False)
        return bool(width <= limit)

    lines = [text]
    for characters in range(len(text), 9, -1):
        lines = textwrap.wrap(text, characters)
        if all(fits(line) for line in lines):
            break
    axis.set_title("\n".join(lines), fontsize=fontsize)
