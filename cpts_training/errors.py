"""Errors raised by the library, with messages written in French for trainees.

Every error says what is wrong and how to fix it. In a notebook, IPython shows a
:class:`CPTSError` as its message alone, without a traceback (``_render_traceback_``);
the command line does the same.
"""

from __future__ import annotations


class CPTSError(ValueError):
    """Base class of the errors a trainee or trainer may see.

    The message is French, names what is wrong (file, row, field, value) and
    says how to fix it.
    """

    def _render_traceback_(self) -> list[str]:
        """What IPython shows in a notebook: the French message, without a traceback."""
        return [f"Erreur : {self}"]


class DataError(CPTSError):
    """A data file or a table does not match its expected schema."""


class InputError(CPTSError):
    """A value entered by a trainee is invalid (negative amount, rate above 100 %...)."""
