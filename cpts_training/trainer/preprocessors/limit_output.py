"""Cut a copy's huge outputs before they reach the gradebook, the feedback or a disk.

nbgrader's ``LimitOutput`` keeps at most ``max_lines`` lines of printed text, but a
single line of 50 MB (``print("x" * 50_000_000)``), or a huge value shown as a cell's
result, passes through whole. :class:`LimitOutputSize` also keeps at most
``max_chars`` characters of each text output (printed text, a result's text or
HTML), and replaces an image over ``max_image_bytes`` with a French note.
"""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import LimitOutput
from traitlets import Integer

from cpts_training.formatting import format_decimal_fr

TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


class LimitOutputSize(LimitOutput):
    """nbgrader's ``LimitOutput``, plus a cap on the characters of each output."""

    max_chars = Integer(
        100_000, help="Maximum number of characters of each text output (-1: no limit)."
    ).tag(config=True)
    max_image_bytes = Integer(
        5_000_000, help="Maximum size of each image, base64 included (-1: no limit)."
    ).tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> Any:
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type != "code" or self.max_chars == -1:
            return cell, resources
        for output in cell.outputs:
            if output.output_type == "stream":
                output.text = self._cut(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                for mime, value in list(output.get("data", {}).items()):
                    if mime in TEXT_TYPES and isinstance(value, str):
                        output.data[mime] = self._cut(value)
                    elif (
                        self.max_image_bytes != -1
                        and isinstance(value, str)
                        and len(value) > self.max_image_bytes
                    ):
                        del output.data[mime]
                        output.data.setdefault("text/plain", "[image trop lourde, retirée]")
        return cell, resources

    def _cut(self, text: Any) -> Any:
        if not isinstance(text, str) or len(text) <= self.max_chars:
            return text
        total = format_decimal_fr(len(text), 0)
        return f"{text[: self.max_chars]}\n… sortie tronquée ({total} caractères au total)"
