"""Errors raised by the library, with messages written in French for trainees.

Every error says what is wrong and how to fix it. In a notebook, IPython shows a
:class:`CPTSError` as its message alone, without a traceback (``_render_traceback_``);
the command line does the same.
"""

from __future__ import annotations

import errno


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


_SYSTEM_REASONS = {
    errno.ENOENT: "introuvable",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "opération non permise",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EEXIST: "existe déjà",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "support en lecture seule",
    errno.ENOTEMPTY: "dossier non vide",
}


def system_error(error: OSError) -> CPTSError:
    """A French :class:`CPTSError` for a file-system error (path, reason, what to check)."""
    reason = _SYSTEM_REASONS.get(error.errno or 0, error.strerror or "erreur du système")
    place = " ou ".join(str(p) for p in (error.filename, error.filename2) if p) or "un fichier"
    return CPTSError(
        f"Opération impossible sur {place} : {reason}. Vérifiez le chemin indiqué, qu'il "
        "désigne bien un dossier ou un fichier selon la commande, et vos droits d'écriture."
    )
