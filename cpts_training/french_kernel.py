"""The trainee's IPython kernel in French: numbers typed the French way, errors explained.

Two things change in a kernel where :func:`activate` has run (the first cell of every
module and assessment calls it; the trainee's JupyterLab also loads it when a kernel
starts, so that a cell run after a restart is explained too):

1. **Answers typed the French way are read as numbers.** A line ``name = <number>``
   whose right-hand side is a French number (``12,5``, ``4 500``, ``4 500 €``,
   ``11,9 %``, ``1 500,50``, ``−19 235``) is rewritten to ``name = 12.5`` before Python
   reads it (:func:`rewrite_french_numbers`, reading with
   :func:`~cpts_training.formatting.read_typed_number`). A percentage stays in percent
   (``11,9 %`` gives 11.9). Any other line is left as it is. nbgrader runs the same
   first cell, so autograding reads the same answers the same way.
2. **No Python traceback.** Every error a cell raises is shown as a short French
   message that says what happened and what to do (:func:`explain_error`): an answer
   not written yet, a name not defined (cells above not run, or a restarted kernel), a
   failed check, a syntax error with its line. The output is still an *error* output,
   so nbgrader still counts a failed test as failed.

This is an IPython extension: ``%load_ext cpts_training.french_kernel`` works too.
"""

from __future__ import annotations

import re
import textwrap
import traceback
from types import TracebackType
from typing import Any

from cpts_training.dates import MONTHS_FR
from cpts_training.formatting import NumberFormatError, read_typed_number

# --------------------------------------------------------------------------------------
# 1. French numbers in answers
# --------------------------------------------------------------------------------------

_ASSIGNMENT = re.compile(
    r"^(?P<head>[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)"
    r"(?P<rhs>[^=#'\"\[\]{}\n][^#'\"\[\]{}\n]*?)"
    r"(?P<tail>[ \t]*(?:#.*)?)(?P<newline>\r?\n?)$"
)
_PYTHON_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_DOT_THOUSANDS = re.compile(r"[-+\u2212]?[1-9]\d{0,2}(?:\.\d{3})+")
"""``205.075``, ``4.500``: a point grouping thousands as many French write them, which
Python would read as a decimal point (205,075): refused, never read silently."""
_NUMBER_CHARACTERS = r"[\d \t\u00a0\u202f.,;+\-\u2212*/()%€×÷]"
_NUMBERS_AND_OPERATORS = re.compile(f"{_NUMBER_CHARACTERS}*\\d{_NUMBER_CHARACTERS}*")
_FRENCH_NUMBER_TOKEN = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+,\d+")
_PERCENT_TOKEN = re.compile(
    r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)[ \u00a0\u202f]*%"
)
_REFUSE = "__import__('cpts_training.french_kernel', fromlist=['x']).refuse_number({text!r})"


def _python_literal(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def rewrite_line(line: str) -> str:
    """``line`` with a French number after ``name =`` written as Python reads it.

    ``"part = 12,5\\n"`` gives ``"part = 12.5\\n"``; ``"total = 205 075 €"`` gives
    ``"total = 205075"``; a line that is not such an assignment, or whose right-hand
    side already is a Python number or is not a readable French number, is returned
    unchanged (Python then says what is wrong, in French through :func:`explain_error`).
    """
    match = _ASSIGNMENT.match(line)
    if match is None or "==" in line:
        return line
    rhs = match["rhs"].strip()

    def written(expression: str) -> str:
        return f"{match['head']}{expression}{match['tail']}{match['newline']}"

    if not rhs:
        return line
    if ("(" in rhs or ")" in rhs) and not _NUMBERS_AND_OPERATORS.fullmatch(rhs):
        return line  # a call (« round(x, 1) »): Python's own syntax, left alone
    if _DOT_THOUSANDS.fullmatch(rhs):
        return written(_REFUSE.format(text=rhs))
    if _PYTHON_NUMBER.fullmatch(rhs) and not re.match(r"[-+]?0\d", rhs):
        return line
    try:
        return written(_python_literal(read_typed_number(rhs).value))
    except NumberFormatError:
        pass
    if not _NUMBERS_AND_OPERATORS.fullmatch(rhs):
        return line
    calculation = _french_calculation(rhs)
    return written(calculation if calculation is not None else _REFUSE.format(text=rhs))


def _french_calculation(rhs: str) -> str | None:
    """A calculation written with French numbers (``6 319 / 52 886 * 100``) in Python,
    or None when it is not one (no operator, a semicolon, not valid once rewritten)."""
    rhs = rhs.replace("×", "*").replace("÷", "/")
    if ";" in rhs or not re.search(r"[*/+\-\u2212]", rhs.lstrip("+-\u2212")):
        return None
    # A percentage inside a calculation (« 41 600 * 35,7 % ») is a hundredth of its number.
    rhs = _PERCENT_TOKEN.sub(
        lambda m: f"({_python_literal(read_typed_number(m.group(1)).value)} / 100)", rhs
    )
    converted = _FRENCH_NUMBER_TOKEN.sub(
        lambda m: _python_literal(read_typed_number(m.group()).value), rhs
    )
    converted = converted.replace("\u2212", "-").replace("€", "").strip()
    # A point grouping thousands is looked for in what the trainee typed (« 205.075 * 2 »),
    # not in the decimals the conversion wrote (« 1,357 » became 1.357).
    if "%" in converted or _DOT_THOUSANDS.search(_FRENCH_NUMBER_TOKEN.sub("0", rhs)):
        return None
    try:
        compile(converted, "<calcul>", "eval")
    except SyntaxError:
        return None
    return converted


def refuse_number(text: str) -> float:
    """Raise the French reason why ``text``, typed as an answer, is not a number.

    The trainee kernel puts a call to it in place of an answer that looks like a number
    but is not one (``205.075``, ``11;9``, ``4 50``): Python would otherwise read
    ``205.075`` as 205,075 or ``11;9`` as 11, silently.

    Raises:
        NumberFormatError: always, with the French reason and the accepted forms.
    """
    if _DOT_THOUSANDS.fullmatch(text.strip()):
        digits = text.strip().replace(".", "\u202f")
        raise NumberFormatError(
            f"« {text.strip()} » est ambigu : en Python, le point marque les décimales "
            f"(ce serait {text.strip().replace('.', ',')}). Pour {digits}, écrivez les "
            "milliers avec un espace ; pour des décimales, utilisez la virgule."
        )
    return read_typed_number(text).value


def _bracket_depth(line: str, depth: int) -> int:
    """Depth of open brackets after ``line``, starting at ``depth`` (quotes and comments
    skipped; a quote left open counts as closed at the end of the line)."""
    quote = ""
    for char in line:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            break
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
    return depth


def rewrite_french_numbers(lines: list[str]) -> list[str]:
    """An IPython input transformer: :func:`rewrite_line` on every line of a cell that
    starts a statement (a keyword argument inside a call, ``year=2026,``, is left as
    Python wrote it)."""
    out, depth = [], 0
    for line in lines:
        out.append(rewrite_line(line) if depth == 0 else line)
        depth = _bracket_depth(line, depth)
    return out


# --------------------------------------------------------------------------------------
# 2. Errors explained in French
# --------------------------------------------------------------------------------------

RUN_ABOVE = "menu Exécution › Exécuter tout au-dessus de la cellule sélectionnée"
"""JupyterLab's French menu path to run every cell above the current one."""

_TYPED_WORDS = {"oui", "non", "vrai", "faux", "un", "deux", "trois", "quatre", "cinq"}
_MONTHS = {name: number for number, name in enumerate(MONTHS_FR, start=1)}


def _cell_line(tb: TracebackType | None) -> tuple[int | None, str]:
    """Line number and text, in the trainee's cell, where the error happened."""
    line_number, text = None, ""
    for frame in traceback.extract_tb(tb):
        if frame.filename.startswith("<") or "ipykernel_" in frame.filename:
            line_number, text = frame.lineno, (frame.line or "").strip()
    return line_number, text


def _where(line_number: int | None, text: str) -> str:
    if line_number is None:
        return ""
    return (
        f" (ligne {line_number} de la cellule : « {text} »)"
        if text
        else (f" (ligne {line_number} de la cellule)")
    )


def _explain_syntax_error(error: SyntaxError, quote: bool = True) -> str:
    line = (error.text or "").strip()
    where = f"Ligne {error.lineno} de la cellule" if error.lineno else "Dans cette cellule"
    quoted = f" : « {line} »" if line and quote else ""
    message = (error.msg or "").lower()
    if re.search("[«»“”„]", (error.text or "")):
        return (
            f"{where}{quoted} : les guillemets « » ou “ ” ne sont pas compris par Python. "
            "Un texte s'écrit entre guillemets droits \" (touche 3 du clavier), par exemple "
            '"6811" ; un nombre s\'écrit sans guillemets.'
        )
    if "leading zeros" in message:
        return (
            f"{where}{quoted} : un nombre entier ne commence pas par 0 en Python : écrivez 5 "
            "et non 05."
        )
    if isinstance(error, IndentationError):
        return (
            f"{where}{quoted} : la ligne commence par des espaces en trop, ou en manque. "
            "Supprimez les espaces au début de la ligne (chaque ligne de réponse commence "
            "tout à gauche), puis exécutez de nouveau la cellule (Maj + Entrée)."
        )
    if re.search(r"=\s*$", line):
        name = line.split("=")[0].strip() if quote else "reponse"
        return (
            f"{where}{quoted} : il n'y a rien après le signe =. Écrivez votre réponse après "
            f"le signe =, par exemple « {name} = 12,5 » ou « {name} = 4 500 € », puis "
            "exécutez la cellule (Maj + Entrée)."
        )
    if (
        "unterminated string" in message
        or "eol while scanning" in message
        or ("unterminated triple-quoted" in message)
    ):
        return (
            f"{where}{quoted} : un guillemet est ouvert mais pas fermé. Un texte s'écrit "
            'entre deux guillemets droits, par exemple "6226" ; un nombre s\'écrit sans '
            "guillemets."
        )
    if "never closed" in message or "unmatched" in message or "does not match" in message:
        return (
            f"{where}{quoted} : une parenthèse ou un crochet n'est pas fermé (ou fermé en "
            "trop). Comptez les parenthèses ouvrantes et fermantes."
        )
    return (
        f"{where}{quoted} : Python ne comprend pas cette ligne. Vérifiez qu'elle a la forme "
        "« nom = valeur », avec un nombre écrit comme 12,5 · 4 500 · 4 500 € · 11,9 %, "
        "sans mot autour, et que les guillemets et parenthèses vont par paires."
    )


def explain_error(error: BaseException, tb: TracebackType | None = None, quote: bool = True) -> str:
    """A French explanation of ``error`` for a trainee: what happened and what to do.

    Never quotes a Python traceback. Errors of the library (which carry their own French
    message) are shown as they are; a failed check (``AssertionError``) shows the
    check's message; an unknown error says where it happened and gives the technical
    detail last, for the trainer. With ``tb`` the line of the cell is named, and quoted
    unless ``quote`` is false (the short form kept as the error's value, which a
    feedback page may show: a quoted line could be a hidden test's).
    """
    line_number, text = _cell_line(tb)
    if not quote:
        text = ""
    if isinstance(error, SyntaxError):
        return _explain_syntax_error(error, quote)
    render = getattr(error, "_render_traceback_", None)
    if callable(render):
        try:
            return "\n".join(render())
        except Exception:  # noqa: BLE001 - fall back to the generic explanation
            pass
    if isinstance(error, NotImplementedError):
        return (
            "Cette question n'a pas encore de réponse. Remplacez les deux lignes qui "
            "commencent par « # VOTRE RÉPONSE ICI » et « raise » par votre réponse, sous la "
            "forme « nom = valeur » indiquée dans la question (par exemple « montant = "
            "4 500 »), puis exécutez la cellule (Maj + Entrée)."
        )
    if isinstance(error, NameError):
        name = getattr(error, "name", None) or _name_in(str(error))
        typed_word = re.fullmatch(rf"[A-Za-z_]\w*\s*=\s*{re.escape(name or '?')}", text)
        if typed_word or (name or "").lower() in _TYPED_WORDS | set(_MONTHS):
            month = _MONTHS.get((name or "").lower())
            example = f"{name} → {month}" if month else "par exemple 2"
            return (
                f"« {name} » n'est ni un nombre ni une valeur connue{_where(line_number, text)}."
                f" Si c'est votre réponse, écrivez-la en chiffres ({example}) ; un texte "
                f's\'écrit entre guillemets droits ("{name}").'
            )
        if name and name[0].isupper() and not name.isupper():
            return (
                f"« {name} » n'est pas un nombre ni une valeur connue{_where(line_number, text)}. "
                f"Si c'est un nom (une commune, une structure…), écrivez-le entre guillemets "
                f'droits : "{name}" ; une liste de noms s\'écrit entre crochets, chaque nom '
                f'entre guillemets : ["{name}", "…"].'
            )
        advice = (
            f"« {name} » n'a pas encore de valeur dans cette session{_where(line_number, text)}. "
            "S'il s'agit d'une réponse demandée, écrivez-la dans la cellule de réponse "
            "au-dessus et exécutez cette cellule. Sinon, des cellules au-dessus n'ont pas "
            "été exécutées (par exemple après un redémarrage du noyau) : "
            f"{RUN_ABOVE}, puis exécutez de nouveau celle-ci."
        )
        if name and name.lower() in _TYPED_WORDS:
            advice += (
                f" Si « {name} » est votre réponse, écrivez-la en chiffres (par exemple 2), "
                'ou, pour un texte, entre guillemets ("oui").'
            )
        return advice
    if isinstance(error, AssertionError):
        detail = str(error).strip()
        if detail:
            return f"✘ Vérification non réussie : {detail}"
        return (
            "✘ Vérification non réussie : relisez la question et votre réponse, corrigez-la, "
            "exécutez la cellule de réponse puis de nouveau cette vérification."
        )
    if isinstance(error, ZeroDivisionError):
        return (
            f"Division par zéro{_where(line_number, text)} : vérifiez le diviseur de votre calcul."
        )
    if isinstance(error, TypeError) and re.search(r"\bstr\b", str(error)):
        return (
            f"Ce calcul mélange du texte et des nombres{_where(line_number, text)}. Écrivez les "
            'nombres sans guillemets (4500, pas "4500").'
        )
    if isinstance(error, KeyError):
        return (
            f"« {error.args[0] if error.args else ''} » n'existe pas ici"
            f"{_where(line_number, text)} : vérifiez l'orthographe exacte (accents, "
            "majuscules) du nom de colonne, de mission ou de compte."
        )
    return (
        f"Une erreur s'est produite en exécutant cette cellule{_where(line_number, text)}. "
        "Vérifiez votre saisie, exécutez les cellules au-dessus dans l'ordre, puis "
        "réessayez ; si l'erreur persiste, signalez-la à votre formateur avec ce message."
        f"\nDétail technique (pour le formateur) : {type(error).__name__} — {error}"
    )


def _name_in(message: str) -> str:
    found = re.search(r"'([^']+)'", message)
    return found.group(1) if found else "?"


EXPLANATION_STARTS = (
    "« ",
    "✘ ",
    "Vérification non réussie",
    "Cette question n'a pas encore de réponse",
    "pas encore de réponse",
    "Ligne ",
    "Dans cette cellule",
    "Division par zéro",
    "Ce calcul mélange",
    "Une erreur s'est produite",
    "Erreur : ",
)
"""How the explanations of this module begin: a feedback page keeps such an error value
as it is instead of explaining it a second time."""


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None):
    """IPython custom exception handler: publish the French explanation as the error.

    The trainee sees the full explanation (with the line of the cell); the error's value,
    which nbgrader keeps and a feedback page may show, is the short form without any
    quoted line.
    """
    shown = explain_error(value, tb)
    short = explain_error(value, tb, quote=False).removeprefix("✘ ")
    _forget_unfinished_answers(shell, value, tb)
    wrapped = "\n".join(
        textwrap.fill(paragraph, 96, break_long_words=False, break_on_hyphens=False)
        for paragraph in shown.split("\n")
    )
    shell._showtraceback(etype, short, [f"\x1b[1;31m{wrapped}\x1b[0m"])
    return None


_ASSIGNED = re.compile(r"^([A-Za-z_]\w*)\s*=(?!=)")


def assigned_from(source: str, first_line: int = 1) -> list[str]:
    """Names a cell assigns at its top level (``nom = …``), on ``first_line`` and after."""
    return [
        match.group(1)
        for number, line in enumerate(source.splitlines(), start=1)
        if number >= first_line and (match := _ASSIGNED.match(line))
    ]


def _forget_unfinished_answers(shell: Any, error: BaseException, tb: Any) -> None:
    """Remove the answers a failed cell did not (re)assign, so that the checks below do
    not pass on a value from an earlier run that is no longer on screen: every name of a
    cell that could not be read (syntax error), and the names assigned from the failing
    line on."""
    history = shell.user_ns.get("_ih") or [""]
    source = history[-1] if isinstance(history[-1], str) else ""
    first = 1 if isinstance(error, SyntaxError) else (_cell_line(tb)[0] or 1)
    for name in assigned_from(source, first):
        shell.user_ns.pop(name, None)


# --------------------------------------------------------------------------------------
# Activation
# --------------------------------------------------------------------------------------


def load_ipython_extension(shell: Any) -> None:
    """Install the French number reader and the French error handler (idempotent)."""
    if rewrite_french_numbers not in shell.input_transformers_post:
        shell.input_transformers_post.append(rewrite_french_numbers)
    shell.set_custom_exc((Exception,), _handler)


def activate() -> None:
    """Install the French mode in the running IPython kernel; nothing outside IPython.

    Called by the first cell of every module and assessment; silent, and harmless when
    the kernel already loaded it at start.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        return
    shell = get_ipython()
    if shell is not None:
        load_ipython_extension(shell)


__all__ = [
    "EXPLANATION_STARTS",
    "activate",
    "explain_error",
    "load_ipython_extension",
    "rewrite_french_numbers",
    "rewrite_line",
]
