"""Exercise blocks, worked solutions and figure captions for the public book.

The module notebooks trainees open in JupyterLab hold the exercises and their self-checks,
never a solution. The public book shows each exercise (a heading « Exercice N — … » and the
cells up to the next heading) inside a ``sphinx-exercise`` block, followed by a worked
solution in a collapsed block (``:class: dropdown``). The solutions and the captions of the
charts live in one data file, ``course/corriges_modules.yaml``, read only when the book is
staged:

.. code-block:: yaml

    modules:
      "01":                       # the two digits that start the module's notebook name
        exercices:
          1:                      # the N of « Exercice N — … »
            corrige: |            # French markdown: reasoning, arithmetic, answer, pitfall
              ...
            reponse:              # optional: the answer cell's variables, filled in
              produit_aci_2026: "3 / 12 * 215 100 + 9 / 12 * 217 725"
        figures:
          - cellule: "plot_tornado("   # a text of the chart cell's code
            nom: fig-m01-tornade       # label for cross-references
            legende: "..."             # caption (French)
            alt: "..."                 # what the chart shows (French)
        exemples:
          - apres: "BudgetBuilder.for_module(cas)"  # a text of a form's cell
            code: |                   # fills the form, as a trainee would (hidden)
              constructeur.fill(...)
            note: |                   # French markdown: what the book entered, and why
              ...
            montre: "french_table(…)" # optional: shown under the note, output only

In the public version the outputs of the self-check cells are removed (an unanswered check
says « ✘ Pas encore »); a solution with ``reponse`` repeats the exercise's check cell with
the answer filled in, so the book executes it and shows the check accepting it.

A form (an ipywidgets cell) is empty in the book, as it is when a trainee opens the module;
the cells after it that read the form would show an empty budget. An ``exemples`` entry
fills it the way a trainee would: its ``code`` runs right after the form's cell, hidden
(tag ``remove-cell``), and its ``note`` tells the reader what the book entered; an optional
``montre`` cell follows, of which the book shows only the output (tag ``remove-input``).
Assessments never pass through this module: they have no worked solution in the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from cpts_training.errors import CPTSError
from cpts_training.paths import course_root

SOLUTIONS_FILENAME = "corriges_modules.yaml"
"""File of ``course/`` holding the worked solutions and the figure captions of the book."""

EXERCISE_HEADING = re.compile(
    r"^#{1,6}\s+(?:\d+\.\s+)?Exercice\s+(?P<number>\d+)\s+—\s+(?P<title>.+?)\s*$"
)
"""A heading « ### Exercice 3 — Titre » (or « ## 7. Exercice 3 — Titre »)."""

HEADING = re.compile(r"^#{1,6}\s")
ANSWER_PLACEHOLDER = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*=\s*\.\.\.(?P<rest>.*)$", re.M)
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
REMOVE_OUTPUT = "remove-output"
MODULE_KEY = re.compile(r"^(\d{2})")


@dataclass(frozen=True)
class Solution:
    """The worked solution of one exercise: markdown (French) and the filled-in answers."""

    text: str
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureCaption:
    """Caption, label and alt text of the chart drawn by the cell whose code holds ``cell``."""

    cell: str
    name: str
    caption: str
    alt: str


@dataclass(frozen=True)
class FormExample:
    """A form filled in for the book: after the code cell holding ``after``, the hidden
    ``code`` fills it and ``note`` (French markdown) says what was entered."""

    after: str
    code: str
    note: str
    show: str = ""


@dataclass(frozen=True)
class ModuleBookData:
    """What the book adds to one module: worked solutions by exercise number, captions,
    forms filled in with an example."""

    solutions: dict[int, Solution] = field(default_factory=dict)
    figures: tuple[FigureCaption, ...] = ()
    examples: tuple[FormExample, ...] = ()


def solutions_path() -> Path:
    """Path of ``course/corriges_modules.yaml`` in the course's files."""
    return course_root() / "course" / SOLUTIONS_FILENAME


def _required_text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CPTSError(
            f"{where} : le champ « {key} » manque ou est vide dans {SOLUTIONS_FILENAME}. "
            "Écrivez-le (un texte en français)."
        )
    return value.strip()


def load_book_data(path: Path | None = None) -> dict[str, ModuleBookData]:
    """Read the solutions file; return the data of each module, keyed by « 00 », « 01 »…

    Raises :class:`CPTSError` (in French) when the file is missing or malformed.
    """
    path = path or solutions_path()
    if not path.is_file():
        raise CPTSError(
            f"Le fichier des corrigés {path} est introuvable : il accompagne le cours "
            f"(course/{SOLUTIONS_FILENAME}). Restaurez-le depuis le dépôt."
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    modules = raw.get("modules") if isinstance(raw, dict) else None
    if not isinstance(modules, dict):
        raise CPTSError(
            f"{path} doit commencer par « modules: », suivi d'une entrée par module "
            '(« "01": »). Corrigez le fichier.'
        )
    data: dict[str, ModuleBookData] = {}
    for key, module in modules.items():
        where = f"module {key}"
        if not isinstance(module, dict):
            raise CPTSError(f"{where} : entrée mal formée dans {path.name}.")
        solutions: dict[int, Solution] = {}
        for number, entry in (module.get("exercices") or {}).items():
            place = f"{where}, exercice {number}"
            if not isinstance(entry, dict):
                raise CPTSError(f"{place} : entrée mal formée dans {path.name}.")
            answers = entry.get("reponse") or {}
            if not isinstance(answers, dict):
                raise CPTSError(f"{place} : « reponse » doit associer un nom à une valeur.")
            solutions[int(number)] = Solution(
                text=_required_text(entry, "corrige", place),
                answers={str(k): str(v) for k, v in answers.items()},
            )
        figures = tuple(
            FigureCaption(
                cell=_required_text(entry, "cellule", f"{where}, figure"),
                name=_required_text(entry, "nom", f"{where}, figure"),
                caption=_required_text(entry, "legende", f"{where}, figure"),
                alt=_required_text(entry, "alt", f"{where}, figure"),
            )
            for entry in module.get("figures") or []
        )
        examples = tuple(
            FormExample(
                after=_required_text(entry, "apres", f"{where}, exemple"),
                code=_required_text(entry, "code", f"{where}, exemple"),
                note=_required_text(entry, "note", f"{where}, exemple"),
                show=str(entry.get("montre") or "").strip(),
            )
            for entry in module.get("exemples") or []
        )
        data[str(key)] = ModuleBookData(solutions=solutions, figures=figures, examples=examples)
    return data


def module_key(notebook_name: str) -> str:
    """« 01 » for ``01_budget_aci_tresorerie.ipynb``; :class:`CPTSError` for another name."""
    match = MODULE_KEY.match(Path(notebook_name).name)
    if match is None:
        raise CPTSError(
            f"Le carnet « {notebook_name} » n'est pas un module : son nom doit commencer "
            "par deux chiffres (« 01_… »)."
        )
    return match.group(1)


def _split_at_headings(cells: list[Any]) -> list[Any]:
    """Markdown cells cut so that every heading starts its own cell, and every exercise
    heading is alone in its cell (the exercise's text follows in the next cell)."""
    result: list[Any] = []
    for cell in cells:
        if cell.cell_type != "markdown":
            result.append(cell)
            continue
        pieces: list[list[str]] = [[]]
        for line in cell.source.split("\n"):
            if HEADING.match(line) and any(piece.strip() for piece in pieces[-1]):
                pieces.append([])
            pieces[-1].append(line)
            if EXERCISE_HEADING.match(line):
                pieces.append([])
        texts = ["\n".join(piece).strip("\n") for piece in pieces]
        texts = [text for text in texts if text.strip()]
        if len(texts) <= 1:
            result.append(cell)
            continue
        first = nbformat.v4.new_markdown_cell(texts[0])
        first.metadata = cell.metadata
        result.append(first)
        result.extend(nbformat.v4.new_markdown_cell(text) for text in texts[1:])
    return result


def _is_heading(cell: Any) -> bool:
    return bool(cell.cell_type == "markdown" and HEADING.match(cell.source.lstrip()))


def _is_check_cell(cell: Any) -> bool:
    return bool(cell.cell_type == "code" and CHECK_CALL.search(cell.source))


def _markdown(text: str) -> Any:
    return nbformat.v4.new_markdown_cell(text)


def filled_in(source: str, answers: dict[str, str]) -> str:
    """``source`` with each ``name = ...`` line whose name is in ``answers`` filled in.

    Raises :class:`CPTSError` when an answer names no ``name = ...`` line of the cell.
    """
    found: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in answers:
            return match.group(0)
        found.add(name)
        return f"{name} = {answers[name]}{match.group('rest')}"

    result = ANSWER_PLACEHOLDER.sub(replace, source)
    missing = sorted(set(answers) - found)
    if missing:
        raise CPTSError(
            f"Réponse du corrigé sans ligne « … = ... » dans la cellule de l'exercice : "
            f"{', '.join(missing)}. Vérifiez les noms dans {SOLUTIONS_FILENAME}."
        )
    return result


THOUSANDS_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))|(?<=,\d{3}) (?=\d)")
UNIT_SPACE = re.compile(r"(?<=\d) (?=[€%])")


def french_spacing(text: str) -> str:
    """``text`` with unbreakable spaces where French typography wants them, outside code:
    a narrow one between digit groups (« 217 068,75 ») and a normal one before « € » and
    « % », so that a line never breaks inside an amount."""
    parts = text.split("`")
    for index in range(0, len(parts), 2):  # even parts are outside `code`
        parts[index] = UNIT_SPACE.sub("\u00a0", THOUSANDS_SPACE.sub("\u202f", parts[index]))
    return "`".join(parts)


def _solution_cells(label: str, solution: Solution, span: list[Any]) -> list[Any]:
    cells = [
        _markdown(f"```{{solution-start}} {label}\n:class: dropdown\n:label: {label}-corrige\n```"),
        _markdown(french_spacing(solution.text)),
    ]
    if solution.answers:
        checks = [cell for cell in span if _is_check_cell(cell)]
        if not checks:
            raise CPTSError(
                f"Le corrigé {label} donne une réponse, mais l'exercice n'a pas de cellule "
                "de vérification (check_…) où l'inscrire."
            )
        cells.append(_markdown("La cellule de l'exercice, complétée, et sa vérification :"))
        cells.append(nbformat.v4.new_code_cell(filled_in(checks[-1].source, solution.answers)))
    cells.append(_markdown("```{solution-end}\n```"))
    return cells


def _caption_figures(cells: list[Any], figures: tuple[FigureCaption, ...]) -> None:
    for figure in figures:
        matches = [c for c in cells if c.cell_type == "code" and figure.cell in c.source]
        if len(matches) != 1:
            raise CPTSError(
                f"La figure « {figure.name} » doit désigner une seule cellule de code "
                f"contenant « {figure.cell} » ; {len(matches)} trouvée(s). Corrigez "
                f"{SOLUTIONS_FILENAME}."
            )
        matches[0].metadata["mystnb"] = {
            "figure": {"caption": french_spacing(figure.caption), "name": figure.name},
            "image": {"alt": figure.alt},
        }


REMOVE_CELL = "remove-cell"
REMOVE_INPUT = "remove-input"


def _fill_forms(cells: list[Any], examples: tuple[FormExample, ...]) -> list[Any]:
    """``cells`` with each example's hidden filling cell right after its form's cell, and
    its note after the form's own note (the cell whose id ends in ``-note``), if any."""
    result = list(cells)
    for example in examples:
        matches = [
            i for i, c in enumerate(result) if c.cell_type == "code" and example.after in c.source
        ]
        if len(matches) != 1:
            raise CPTSError(
                f"L'exemple de formulaire doit suivre une seule cellule de code contenant "
                f"« {example.after} » ; {len(matches)} trouvée(s). Corrigez {SOLUTIONS_FILENAME}."
            )
        position = matches[0] + 1
        code = nbformat.v4.new_code_cell(example.code.rstrip("\n"))
        code.metadata["tags"] = [REMOVE_CELL]
        result.insert(position, code)
        position += 1
        if position < len(result) and str(result[position].get("id", "")).endswith("-note"):
            position += 1
        result.insert(position, _markdown(french_spacing(example.note)))
        if example.show:
            shown = nbformat.v4.new_code_cell(example.show)
            shown.metadata["tags"] = [REMOVE_INPUT]
            result.insert(position + 1, shown)
    return result


def add_exercise_blocks(
    notebook: nbformat.NotebookNode,
    notebook_name: str,
    data: dict[str, ModuleBookData] | None = None,
) -> nbformat.NotebookNode:
    """Return the public module ``notebook`` with its exercises in ``sphinx-exercise`` blocks.

    Each heading « Exercice N — … » is kept as a section heading; the cells that follow it
    go inside ``exercise-start``/``exercise-end`` (label ``mXX-exN``), up to its last check
    or written-answer cell before the next heading (the whole section if it has none).
    When the solutions file holds a worked solution for it, a collapsed
    ``solution-start``/``solution-end`` block follows. The outputs of the self-check cells
    are removed (tag ``remove-output``); the captions of the file's figures are set on
    their chart cells; the file's form examples fill their forms (hidden cell and note).
    ``notebook_name`` (``01_….ipynb``) gives the module's key.
    Raises :class:`CPTSError` when the file names a figure or form cell that is not there
    (or not once) or an answer the exercise's check cell cannot take.
    """
    key = module_key(notebook_name)
    module = (load_book_data() if data is None else data).get(key, ModuleBookData())
    cells = _fill_forms(_split_at_headings(list(notebook.cells)), module.examples)
    for cell in cells:
        if _is_check_cell(cell):
            tags = list(cell.metadata.get("tags", []))
            if REMOVE_OUTPUT not in tags:
                cell.metadata["tags"] = [*tags, REMOVE_OUTPUT]
    _caption_figures(cells, module.figures)
    result: list[Any] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        result.append(cell)
        index += 1
        heading = (
            EXERCISE_HEADING.match(cell.source.strip()) if cell.cell_type == "markdown" else None
        )
        if heading is None:
            continue
        section_end = index
        while section_end < len(cells) and not _is_heading(cells[section_end]):
            section_end += 1
        end = _exercise_end(cells, index, section_end)
        span = cells[index:end]
        number = int(heading.group("number"))
        label = f"m{key}-ex{number}"
        result.append(_markdown(f"```{{exercise-start}}\n:label: {label}\n:nonumber:\n```"))
        result.extend(span)
        result.append(_markdown("```{exercise-end}\n```"))
        if number in module.solutions:
            result.extend(_solution_cells(label, module.solutions[number], span))
        result.extend(cells[end:section_end])
        index = section_end
    notebook.cells = result
    return notebook


WRITTEN_ANSWER = ("✍️", "✏️")
"""Marks that open the cell where a trainee writes an answer."""


def _exercise_end(cells: list[Any], start: int, section_end: int) -> int:
    """End (exclusive) of the exercise whose text starts at ``start``: after its last check
    cell or written-answer cell (« ✍️ », « ✏️ ») before the next heading, so that the
    commentary, tables and charts that follow stay outside the block; the whole section
    when it has neither."""
    last = [
        k
        for k in range(start, section_end)
        if _is_check_cell(cells[k])
        or (
            cells[k].cell_type == "markdown" and cells[k].source.lstrip().startswith(WRITTEN_ANSWER)
        )
    ]
    return last[-1] + 1 if last else section_end


ASSESSMENT_DISPLAY_NOTE = (
    "```{note}\nDans JupyterLab, la cellule ci-dessus affiche les données de la question "
    "(un tableau ou une synthèse). Le livre montre l'évaluation sans l'exécuter : installez "
    "le cours (`make lab`) pour la faire.\n```"
)
"""Note the book puts under an assessment cell whose display it does not show."""

NOT_DISPLAYS = frozenset({"print", "show_answer", "require_answer", "display", "activate"})
"""Calls whose output is not the data of a question (a check, an echo of the answer)."""


def _displays_data(cell: Any) -> bool:
    """Does this locked, ungraded code cell end with an expression that shows data?"""
    import ast

    grading = cell.metadata.get("nbgrader", {})
    if cell.cell_type != "code" or grading.get("solution") or grading.get("grade"):
        return False
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    if not isinstance(value, ast.Call):
        return True
    name = value.func.id if isinstance(value.func, ast.Name) else getattr(value.func, "attr", "")
    return name not in NOT_DISPLAYS


def assessment_display_notes(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the trainees' version of an assessment (as the book shows it, not executed)
    with :data:`ASSESSMENT_DISPLAY_NOTE` under each cell that shows a question's data in
    JupyterLab (a table, a synthesis), as the modules explain their forms. No solution,
    answer or check cell is touched."""
    cells: list[Any] = []
    for cell in notebook.cells:
        cells.append(cell)
        if _displays_data(cell):
            cells.append(_markdown(ASSESSMENT_DISPLAY_NOTE))
    notebook.cells = cells
    return notebook
