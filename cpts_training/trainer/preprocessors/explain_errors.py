"""Python errors in the feedback replaced by French explanations, without traceback."""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from cpts_training.french_kernel import EXPLANATION_STARTS

_UNANSWERED = (
    "Réponse non complétée : remplacez les lignes « VOTRE RÉPONSE ICI » par votre calcul, "
    "puis exécutez la cellule."
)
_GENERIC_ERRORS = {
    "NotImplementedError": _UNANSWERED,
    "TypeError": (
        "Opération impossible avec ce type de valeur (par exemple un texte à la place d'un "
        "nombre, ou une fonction appelée avec de mauvais arguments) : vérifiez ce que "
        "contiennent vos variables."
    ),
    "ValueError": (
        "Valeur inattendue (par exemple un texte qui ne peut pas être converti en nombre) : "
        "vérifiez les valeurs utilisées dans votre calcul."
    ),
    "SyntaxError": (
        "Le code de cette cellule est mal écrit (parenthèse, crochet ou guillemet non fermé, "
        "virgule ou deux-points manquant…) : relisez-le ligne par ligne."
    ),
    "IndentationError": (
        "Le décalage en début de ligne (indentation) n'est pas correct : les lignes d'un même "
        "bloc doivent commencer au même niveau."
    ),
    "ZeroDivisionError": (
        "Division par zéro : le nombre par lequel vous divisez vaut 0. Vérifiez les valeurs "
        "utilisées dans votre calcul."
    ),
    "IndexError": (
        "Position hors limites : vous demandez un élément qui n'existe pas dans la liste ou "
        "le tableau."
    ),
    "ModuleNotFoundError": "Module introuvable : vérifiez le nom du module importé.",
    "ImportError": "Import impossible : vérifiez le nom de ce que vous importez.",
    "FileNotFoundError": "Fichier introuvable : vérifiez son nom et son emplacement.",
    "CellTimeoutError": (
        "Cette cellule a dépassé le temps maximal d'exécution et a été arrêtée : vérifiez "
        "qu'elle ne contient pas de boucle sans fin ou de calcul très long."
    ),
    "DeadKernelError": (
        "Python s'est arrêté pendant l'exécution de cette cellule (mémoire épuisée ?) : "
        "les cellules suivantes n'ont pas pu être vérifiées."
    ),
    "KeyboardInterrupt": (
        "Cellule interrompue : elle a dépassé le temps maximal d'exécution. Vérifiez "
        "qu'elle ne contient pas de boucle sans fin ou de calcul très long."
    ),
    "NoyauArrete": (
        "Python s'est arrêté pendant l'exécution de cette cellule (mémoire ou temps de "
        "calcul épuisés ?) : les cellules suivantes n'ont pas pu être vérifiées."
    ),
    "MemoryError": (
        "Mémoire épuisée : ce calcul demande plus de mémoire que la correction n'en accorde "
        "(une liste ou un tableau démesuré ?)."
    ),
}
_CHECK_FAILED = "Vérification non réussie"
#: How our explanations begin: an error whose message already is one is kept as it is.
_EXPLANATION_STARTS = (
    _CHECK_FAILED,
    "La variable ",
    "Un nom utilisé ici ",
    "La clé ou la colonne ",
    "L'élément ",
    "Erreur Python (",
    "Non exécutée : ",  # cells after a kernel's stop (cpts_training.trainer.sandbox)
    "Cellule arrêtée : ",
    "Le noyau Python s'est arrêté",
    *(message.split(" : ")[0].split(" (")[0] for message in _GENERIC_ERRORS.values()),
    *EXPLANATION_STARTS,  # the trainee kernel's own explanations (short form, no code)
)


def explain_error(ename: str, evalue: str | None) -> str:
    """A French explanation of a Python error, for a trainee who is not a programmer.

    Our checks' own messages (``AssertionError``) are kept as they are; other
    errors get a French explanation instead of Python's English message. A message
    that already is such an explanation is not explained twice (the function is
    idempotent).
    """
    evalue = _ANSI.sub("", str(evalue or "")).strip()
    if ename == "AssertionError":  # our checks' own message, which may begin in any way
        if evalue.startswith(_CHECK_FAILED):
            return evalue
        return f"{_CHECK_FAILED} : {evalue}" if evalue else f"{_CHECK_FAILED}."
    if evalue.startswith(_EXPLANATION_STARTS):
        return evalue
    if ename in ("NameError", "UnboundLocalError"):
        match = re.search(r"(?:name|variable) '([^']+)'", evalue)
        if match:
            return (
                f"La variable {match.group(1)} n'est pas définie : exécutez la cellule où vous "
                "la calculez, ou vérifiez son nom."
            )
        return (
            "Un nom utilisé ici n'est pas défini : exécutez les cellules précédentes, ou "
            "vérifiez l'orthographe des noms."
        )
    if ename == "KeyError":
        return (
            f"La clé ou la colonne {evalue} n'existe pas : vérifiez son orthographe "
            "(majuscules, accents, espaces)."
        )
    if ename == "AttributeError":
        match = re.search(r"has no attribute '([^']+)'", evalue)
        name = match.group(1) if match else "utilisé"
        return f"L'élément {name} n'existe pas pour cet objet : vérifiez son orthographe."
    if ename in _GENERIC_ERRORS:
        message = _GENERIC_ERRORS[ename]
        line = re.search(r"line (\d+)", evalue)
        if ename in ("SyntaxError", "IndentationError") and line:
            return f"{message} (ligne {line.group(1)} de la cellule)"
        return message
    return (
        f"Erreur Python ({ename}) : la cellule ne s'est pas exécutée jusqu'au bout. Relisez "
        "votre code ; en cas de doute, demandez conseil à votre formateur."
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def shorten_error(output: NotebookNode) -> NotebookNode:
    """Replace an error output's traceback by a French explanation of the error.

    The explanation is built from ``ename`` and ``evalue`` only: a traceback, in
    English from Python or already in French from a kernel extension, can quote the
    failing line of a hidden test, so it is never shown.
    """
    if output.get("output_type") == "error":
        message = explain_error(str(output.get("ename") or ""), output.get("evalue"))
        output["evalue"] = message
        output["traceback"] = [message]
    return output


class ExplainErrors(Preprocessor):
    """nbconvert preprocessor: every error output of a code cell explained in French."""

    enabled = Bool(True, help="Whether the preprocessor runs.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        if cell.cell_type == "code":
            cell.outputs = [shorten_error(output) for output in cell.get("outputs", [])]
        return cell, resources
