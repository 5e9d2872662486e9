"""A trainee never meets a Python traceback: every module and released assessment, run
cell by cell with answers typed the French way (or not typed at all), shows French only.

Also: French-typed answers are read as numbers by the trainee kernel, and a kernel
started by the trainee's JupyterLab explains errors in French from its first cell
(a cell run first after a restart).
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cpts_training.paths import modules_dir

TYPED = ("12,5", "4 500 €", "11,9 %")
"""Numbers as a French trainee types them: each answer line of a notebook gets the next
one in turn (one run per notebook holds all three)."""

VARIANTS = {"tape": TYPED, "vide": ("",)}
"""The typed answers, and the empty answer (« x = » then Maj + Entrée)."""

MODULE_VARIANTS = {"tape_et_vide": (*TYPED, "")}
"""A module's answer lines get the typed answers and the empty one in turn, in one run
(a module's right answers, typed the French way, are run in ``test_notebooks.py``)."""

ENGLISH_TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|-{5,}\s*\n|\bCell In\[|"
    r"\b[A-Z][A-Za-z]*(Error|Exception|Warning)\b(?!\s*—)|"
    r"\bis not defined\b|\binvalid syntax\b|\bline \d+\b"
)
"""What betrays a Python traceback or an English error message (a technical detail
given after « — » for the trainer is allowed)."""

ANSWER_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*) = \.\.\.$", re.MULTILINE)
STUB = re.compile(r"# VOTRE RÉPONSE ICI[^\n]*\nraise NotImplementedError\([^)]*\)")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(?P<body>.*?)### END SOLUTION", re.DOTALL)


def _execute(notebook: nbformat.NotebookNode, workdir: Path) -> nbformat.NotebookNode:
    """Run every cell, going on after an error as a trainee pressing Maj + Entrée does."""
    workdir.mkdir(parents=True, exist_ok=True)
    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    return notebook


def _shown_texts(notebook: nbformat.NotebookNode) -> list[str]:
    """What the trainee sees of every output: error boxes, printed text, plain results."""
    texts: list[str] = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                texts.append("\n".join(output.traceback))
            elif output.output_type == "stream":
                texts.append(output.text)
            else:
                data = output.get("data", {})
                texts.append(str(data.get("text/html") or data.get("text/plain", "")))
    return texts


def _english(notebook: nbformat.NotebookNode) -> list[str]:
    """Outputs that hold English error text; code quoted « like this » is not prose."""
    found = []
    for text in _shown_texts(notebook):
        prose = re.sub(r"«[^»]*»", "«»", text)
        if ENGLISH_TRACEBACK.search(prose):
            found.append(text[:600])
    return found


class _Rotation:
    """The next answer of ``answers`` at each call."""

    def __init__(self, answers: tuple[str, ...]) -> None:
        self.answers, self.count = answers, 0

    def __call__(self, *_: object) -> str:
        answer = self.answers[self.count % len(self.answers)]
        self.count += 1
        return answer


def _errors(notebook: nbformat.NotebookNode) -> list[str]:
    """The error messages shown, their line breaks (wrapped for the screen) folded."""
    return [
        " ".join(o.traceback).replace("\n", " ")
        for c in notebook.cells
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]


def _module_with(path: Path, answers: tuple[str, ...]) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    rotation = _Rotation(answers)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = ANSWER_LINE.sub(lambda m: f"{m['name']} = {rotation()}", cell.source)
    return notebook


def _answer_names(source_notebook: Path) -> dict[str, list[str]]:
    """Names each answer cell of an assessment asks for, from its solution (grade id →)."""
    names: dict[str, list[str]] = {}
    for cell in nbformat.read(source_notebook, as_version=4).cells:
        match = SOLUTION.search(cell.source)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if match and cell.cell_type == "code":
            body = match["body"]
            assigned = re.findall(r"^([A-Za-z_]\w*) = ", body, re.MULTILINE)
            # The last assignments are the answers (helpers such as tableau_annee_2 first).
            names[grade_id] = [n for n in assigned if not n.startswith("tableau")]
    return names


def _released_with(released: Path, names: dict[str, list[str]], answers: tuple[str, ...] | None):
    notebook = nbformat.read(released, as_version=4)
    rotation = _Rotation(answers or ("",))
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers is not None and grade_id in names:
            assert STUB.search(cell.source), cell.source
            lines = "\n".join(f"{name} = {rotation()}" for name in names[grade_id])
            cell.source = STUB.sub(lines, cell.source)
    return notebook


def _module_runs(tmp: Path):
    for path in sorted(modules_dir().glob("0*.ipynb")):
        for label, answer in MODULE_VARIANTS.items():
            yield f"{path.stem}/{label}", (lambda p=path, a=answer: _module_with(p, a))


def _assessment_runs(workspace: Path, sources: list[Path]):
    for source in sources:
        assessment = source.parent.name
        released = workspace / "release" / assessment / source.name
        names = _answer_names(source)
        variants: dict[str, tuple[str, ...] | None] = {**VARIANTS, "sans_reponse": None}
        for label, answer in variants.items():
            yield (
                f"{assessment}/{label}",
                (lambda r=released, n=names, a=answer: _released_with(r, n, a)),
            )


def test_no_english_traceback_anywhere_a_trainee_types(
    released_workspace: Path, assessment_sources: list[Path], tmp_path: Path
) -> None:
    runs = [*_module_runs(tmp_path), *_assessment_runs(released_workspace, assessment_sources)]

    def run(item):
        label, build = item
        notebook = _execute(build(), tmp_path / label.replace("/", "_"))
        return label, notebook

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(run, runs))
    # Each module once (typed and empty in turn) + each assessment 3 times (typed, empty,
    # unanswered): 4 modules + 4 × 3 = 16 runs.
    assert len(results) == 16
    english = {label: _english(nb) for label, nb in results.items() if _english(nb)}
    assert not english, english
    # The runs did meet errors (empty answers, unanswered questions), explained in French.
    unanswered = _errors(results["evaluation_01/sans_reponse"])
    assert any("pas encore de réponse" in e for e in unanswered)
    assert any("n'a pas encore de valeur" in e for e in unanswered)
    empty = _errors(results["evaluation_00/vide"])
    assert any("il n'y a rien après le signe =" in e for e in empty)
    # Evaluation 00 typed: population_totale = 12,5; part_75_plus = 4 500 €;
    # taille_aci = 11,9 % — each read as a number, then refused by its check, in French.
    typed = "\n".join(_errors(results["evaluation_00/tape"]))
    assert "population_totale vaut 12,5 : la question demande un nombre entier" in typed
    assert "part_75_plus vaut 4\u202f500 : la réponse attendue est entre 0 et 100" in typed
    assert "taille_aci vaut 11,9 : la question demande un nombre entier" in typed


def test_french_typed_answers_are_graded_like_python_ones(
    released_workspace: Path, assessment_sources: list[Path], tmp_path: Path
) -> None:
    """The released evaluation 00, answered the French way, passes its visible checks; its
    source (with hidden tests) accepts the same French answers."""
    source = next(p for p in assessment_sources if p.parent.name == "evaluation_00")
    notebook = nbformat.read(source, as_version=4)
    # Hand-computed: 52 886 inhabitants; 6 319 / 52 886 = 11,95 % → 11,9 (rounded down
    # from 11,948); size 2 (40 000 to 80 000).
    answers = {
        "q1_reponse": "population_totale = 52 886\npart_75_plus = 11,9 %\n",
        "q2_reponse": "taille_aci = 2\n",
    }
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = SOLUTION.sub(answers[grade_id], cell.source)
    executed = _execute(notebook, tmp_path)
    assert _errors(executed) == []
    echoed = "\n".join(_shown_texts(executed))
    assert "Population totale : 52\u202f886 habitants" in echoed
    assert "Part des 75 ans et plus : 11,9 %" in echoed


def test_a_trainee_kernel_explains_errors_from_its_first_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a restart, a later cell run first meets a French message, not a NameError."""
    from cpts_training.lab import prepare_trainee_space, trainee_environment

    space = prepare_trainee_space(tmp_path / "espace")
    environment = trainee_environment(space.root, base={})
    monkeypatch.setenv("IPYTHONDIR", environment["IPYTHONDIR"])
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("french_table(territoire.summary())"),
            nbformat.v4.new_code_cell("reponse = 4 500 €\nprint(reponse + 500)"),
        ]
    )
    executed = _execute(notebook, tmp_path / "travail")
    [error] = _errors(executed)
    assert "« french_table » n'a pas encore de valeur" in error
    assert "Exécuter tout au-dessus de la cellule sélectionnée" in error
    assert executed.cells[1].outputs[0].text == "5000\n"  # 4 500 € read as 4500


def test_the_trainee_lab_loads_the_french_kernel(tmp_path: Path) -> None:
    from cpts_training.lab import prepare_trainee_space, trainee_environment

    space = prepare_trainee_space(tmp_path / "espace")
    environment = trainee_environment(space.root, base={})
    config = Path(environment["IPYTHONDIR"]) / "profile_default" / "ipython_kernel_config.py"
    assert "cpts_training.french_kernel" in config.read_text(encoding="utf-8")
    shutil.rmtree(space.root)
