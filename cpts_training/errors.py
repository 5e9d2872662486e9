"""Errors raised by the library, with messages written in French for trainees.

Every error says what is wrong and how to fix it. Notebooks and the CLI catch
:class:`CPTSError` and show the message alone, without a traceback.
"""

from __future__ import annotations


class CPTSError(ValueError):
    """Base class of the errors a trainee or trainer may see.

    The message is French, names what is wrong (file, row, field, value) and
    says how to fix it.
    """


class DataError(CPTSError):
    """A data file or a table does not match its expected schema."""


class InputError(CPTSError):
    """A value entered by a trainee is invalid (negative amount, rate above 100 %...)."""
