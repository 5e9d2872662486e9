"""Reading time of a course notebook: the words a trainee reads, at a stated pace.

The syllabus states each module's duration as the reading time (words of the
Markdown cells, at :data:`WORDS_PER_MINUTE` for technical French) plus the time its
activities took when tried as a new trainee would; this module counts the first part.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

WORDS_PER_MINUTE = 150
"""Reading pace assumed for technical French (words a minute)."""

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ’'-]+")
_MARKUP = re.compile(r"(<[^>]+>|\(https?://[^)]*\)|[*_`#>|]+)")


@dataclass(frozen=True)
class ReadingTime:
    """Words of a notebook's Markdown cells and the minutes to read them."""

    words: int
    minutes: int

    def __str__(self) -> str:
        return f"{self.words} mots, soit environ {self.minutes} min de lecture"


def count_words(text: str) -> int:
    """Words of a Markdown text, markup, links and table rules left out."""
    return len(_WORD.findall(_MARKUP.sub(" ", text)))


def reading_time(notebook: Path | str) -> ReadingTime:
    """Words of the Markdown cells of ``notebook`` and the minutes (rounded up) to read
    them at :data:`WORDS_PER_MINUTE`."""
    # Imported here: nbformat loads jsonschema's format checkers (about 3 s), which a
    # trainee's kernel would pay at its first cell for nothing.
    import nbformat

    node = nbformat.read(str(notebook), as_version=4)
    words = sum(count_words(c.source) for c in node.cells if c.cell_type == "markdown")
    return ReadingTime(words, math.ceil(words / WORDS_PER_MINUTE))
