"""Matplotlib figures that display themselves in a notebook, without pyplot.

Charts are built on :class:`CourseFigure`, a plain matplotlib ``Figure`` that
IPython shows as a PNG when it is the result of a cell: no global pyplot state,
no figure to close, and the same output in JupyterLab and in the book.
"""

from __future__ import annotations

import io

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
