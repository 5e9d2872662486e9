"""Build the public course book (Jupyter Book 1.x) from the course's sources.

The book is assembled in a staging folder: the static pages of ``book/``, the pages
generated from the course's data (référentiel, programme, couverture, glossaire,
sources et paramètres: :mod:`cpts_training.book_pages`), the module notebooks (executed
by Jupyter Book) and the trainees' version of each assessment (no solution, no hidden
test, not executed). In the Markdown pages and the modules' Markdown cells, glossary
terms and references (« le référentiel », « l'évaluation 00 », « le module 01 »,
``B5.C03``) become links. ``_toc.yml`` is generated from the syllabus, so a new module
appears in the book by being added to ``course/syllabus.yaml``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

from cpts_training.book_exercises import add_exercise_blocks, assessment_display_notes
from cpts_training.book_pages import (
    REPOSITORY_URL,
    LinkTargets,
    book_targets,
    fill_placeholders,
    link_markdown,
    link_notebook_cells,
    module_document,
    render_coverage_page,
    render_glossary_page,
    render_sources_page,
    render_syllabus_page,
)
from cpts_training.coverage import coverage
from cpts_training.errors import CPTSError
from cpts_training.glossary import glossary
from cpts_training.paths import assessments_dir, book_dir, modules_dir
from cpts_training.reference import list_parameters, load_parameter
from cpts_training.referentiel import load_referentiel, render_markdown
from cpts_training.syllabus import Syllabus, assessment_notebooks, load_syllabus
from cpts_training.trainer.nbgrader_runner import nbgrader_environment
from cpts_training.trainer.student_version import student_version

TRAINER_ONLY_TAG = "formateur"
"""Cells tagged so are for trainers only and never reach the book."""

WIDGET_TAG = "widget"
"""Cells tagged so display an interactive form, which the static book cannot run."""

WIDGET_NOTE = (
    "```{note}\nDans JupyterLab, la cellule ci-dessus affiche un **formulaire interactif**. "
    f"Le livre n'en montre pas l'image : installez le cours depuis [son dépôt]({REPOSITORY_URL}) "
    "(`make lab`) pour l'utiliser.\n```"
)

READING_NOTE = (
    "```{admonition} Lire ce module dans le livre\n:class: note\n"
    "Cette page montre le module **déjà exécuté** : chaque résultat s'affiche sous sa "
    "cellule, et chaque exercice est suivi d'un corrigé replié (cliquez sur « Solution »). "
    "Les consignes "
    "« **Maj + Entrée** », « double-cliquez » ou « remplissez le formulaire » valent dans "
    "JupyterLab, où vous faites le module vous-même : installez le cours depuis "
    f"[son dépôt]({REPOSITORY_URL}) (`make lab`).\n```"
)
"""Note at the top of every module page of the book (after the module's title cell)."""

GENERATED_PAGES = ("referentiel", "programme", "couverture", "glossaire", "sources")
"""Pages of the book written from the course's data at each build."""

UNLINKED_PAGES = {"glossaire"}
"""Pages whose text is not linked: the glossary defines the terms others link to."""


def public_module_version(
    notebook: nbformat.NotebookNode,
    targets: LinkTargets | None = None,
    document: str | None = None,
) -> nbformat.NotebookNode:
    """A module notebook as the public sees it: no trainer-only cell, widgets explained,
    and :data:`READING_NOTE` under the first cell (the module's title).

    With ``targets``, the Markdown cells get their glossary terms and references linked
    (:func:`cpts_training.book_pages.link_markdown`; ``document`` is the module's own
    page, e.g. ``"/modules/00_prise_en_main"``, never linked to itself).
    """
    cells = []
    for cell in notebook.cells:
        tags = list(cell.metadata.get("tags", []))
        if TRAINER_ONLY_TAG in tags:
            continue
        if WIDGET_TAG in tags:
            cell.metadata["tags"] = [*tags, "remove-output"]
            cells.append(cell)
            note = nbformat.v4.new_markdown_cell(WIDGET_NOTE)
            # A stable id: the staged notebook keeps the same bytes from one build to the
            # next, so that Sphinx does not rebuild an unchanged page.
            note.id = f"{cell.get('id', 'cellule')}-note"[:64]
            cells.append(note)
            continue
        cells.append(cell)
        if len(cells) == 1:
            cells.append(nbformat.v4.new_markdown_cell(READING_NOTE))
    if targets is not None:
        link_notebook_cells(cells, targets, document or "")
    notebook.cells = cells
    return notebook


def stable_cell_ids(notebook: nbformat.NotebookNode, original_ids: set[str | None]) -> None:
    """Give the cells added to ``notebook`` ids that are the same at every build.

    nbformat gives a new cell a random id; the staged notebook would then change at every
    build and Sphinx would rebuild its page. A cell whose id is not one of
    ``original_ids`` (the source notebook's) is named after the last original cell above
    it: ``<id>-1``, ``<id>-2``… (``debut-1``… before the first one).
    """
    last, added, seen = "debut", 0, set()
    for cell in notebook.cells:
        identifier = cell.get("id")
        if identifier in original_ids and identifier not in seen:
            seen.add(identifier)
            last, added = str(identifier)[:50], 0
            continue
        added += 1
        cell["id"] = f"{last}-{added}"


def _toc(syllabus: Syllabus) -> dict[str, object]:
    modules = [{"file": module_document(m.notebook).lstrip("/")} for m in syllabus.modules]
    assessments = [
        {"file": f"evaluations/{Path(nb).stem}"}
        for a in syllabus.assessments
        for nb in assessment_notebooks(a.id)
    ]
    return {
        "format": "jb-book",
        "root": "intro",
        "parts": [
            {
                "caption": "Le cadre",
                "chapters": [
                    {"file": "metier"},
                    {"file": "referentiel"},
                    {"file": "programme"},
                    {"file": "couverture"},
                ],
            },
            {"caption": "Modules", "chapters": modules},
            {"caption": "Évaluations (version stagiaire)", "chapters": assessments},
            {"caption": "Ressources", "chapters": [{"file": "glossaire"}, {"file": "sources"}]},
            {"caption": "Le projet", "chapters": [{"file": "formateurs"}, {"file": "licence"}]},
        ],
    }


BUILD_MARKER = ".livre-cpts-training"
"""File that marks a folder as a book build folder, which a new build may empty."""


def _claim_output(output: Path) -> None:
    """Make ``output`` a build folder; refuse a non-empty folder that is not one."""
    if output.exists() and any(output.iterdir()) and not (output / BUILD_MARKER).exists():
        raise CPTSError(
            f"Le dossier {output} n'est pas vide et n'a pas été créé par « cpts-training "
            "book » : il n'est pas modifié. Choisissez un dossier vide ou inexistant."
        )
    output.mkdir(parents=True, exist_ok=True)
    (output / BUILD_MARKER).write_text(
        "Dossier de construction du livre : son contenu est recréé à chaque construction.\n",
        encoding="utf-8",
    )


def stage_book(staging: Path) -> Path:
    """Assemble the book's sources in ``staging`` (emptied first) and return it.

    Writes the generated pages (:data:`GENERATED_PAGES`), links the glossary terms and
    references of every Markdown page but the glossary, and of the Markdown cells of the
    modules and of the released assessments (a page never links to itself), and writes
    ``_toc.yml``.
    """
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(book_dir(), staging, ignore=shutil.ignore_patterns("_build", "_staging"))
    syllabus = load_syllabus()
    referentiel = load_referentiel()
    terms = glossary()
    targets = book_targets(syllabus, referentiel, terms)
    generated = {
        "referentiel": render_markdown(referentiel),
        "programme": render_syllabus_page(syllabus, referentiel),
        "couverture": render_coverage_page(coverage(referentiel, syllabus), syllabus),
        "glossaire": render_glossary_page(terms),
        "sources": render_sources_page(load_parameter(name) for name in list_parameters()),
    }
    for name, text in generated.items():
        (staging / f"{name}.md").write_text(text, encoding="utf-8")
    config = staging / "_config.yml"
    config.write_text(fill_placeholders(config.read_text(encoding="utf-8")), encoding="utf-8")
    for page in sorted(staging.glob("*.md")):
        text = fill_placeholders(page.read_text(encoding="utf-8"))
        if page.stem not in UNLINKED_PAGES:
            text = link_markdown(text, targets, current=f"/{page.stem}")
        page.write_text(text, encoding="utf-8")
    for module in syllabus.modules:
        notebook = nbformat.read(modules_dir() / module.notebook, as_version=4)
        original_ids = {cell.get("id") for cell in notebook.cells}
        destination = staging / "modules" / module.notebook
        destination.parent.mkdir(parents=True, exist_ok=True)
        # Exercise blocks first, so that a term's first linked occurrence is in the
        # module's text rather than in a collapsed worked solution.
        public = add_exercise_blocks(public_module_version(notebook), module.notebook)
        link_notebook_cells(public.cells, targets, module_document(module.notebook))
        stable_cell_ids(public, original_ids)
        nbformat.write(public, destination)
    for assessment in syllabus.assessments:
        for source in assessment_notebooks(assessment.id, assessments_dir()):
            released = student_version(
                nbformat.read(source, as_version=4), assessment.id, source.name
            )
            original_ids = {cell.get("id") for cell in released.cells}
            released = assessment_display_notes(released)
            stable_cell_ids(released, original_ids)
            link_notebook_cells(released.cells, targets, f"/evaluations/{source.stem}")
            destination = staging / "evaluations" / source.name
            destination.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(released, destination)
    (staging / "_toc.yml").write_text(
        yaml.safe_dump(_toc(syllabus), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return staging


def sync_folder(source: Path, destination: Path) -> list[Path]:
    """Make ``destination`` hold exactly the files of ``source``; return the files written.

    A file whose bytes are unchanged is left alone, with its modification time, so that
    Sphinx, which rebuilds a page when its source is newer than its last build, rebuilds
    only the pages whose source changed. Files and folders absent from ``source`` are
    removed. Paths returned are relative to ``destination``.
    """
    written: list[Path] = []
    destination.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source) for p in source.rglob("*")}
    for existing in sorted(destination.rglob("*"), reverse=True):
        relative = existing.relative_to(destination)
        if relative in wanted and existing.is_dir() == (source / relative).is_dir():
            continue
        if existing.is_dir() and not existing.is_symlink():
            shutil.rmtree(existing)
        else:
            existing.unlink()
    for relative in sorted(wanted):
        origin = source / relative
        target = destination / relative
        if origin.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        data = origin.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(relative)
    return written


def build_book(output: Path | None = None) -> Path:
    """Build the HTML book; return the folder holding ``index.html``.

    ``output`` (default ``book/_build``) receives the staged sources in
    ``output/sources``, Jupyter Book's working folder (with the execution cache of the
    notebooks) in ``output/jb`` and the HTML in ``output/html``; it must be empty,
    absent, or a folder of an earlier build (a non-empty folder of anything else is
    refused). A later build into the same folder executes again only the notebooks whose
    code changed and rebuilds only the pages whose source changed.

    Raises :class:`CPTSError` (in French, with the end of Jupyter Book's log) when the
    build fails or a page raises a warning.
    """
    output = Path(output or book_dir() / "_build").resolve()
    _claim_output(output)
    with tempfile.TemporaryDirectory(prefix="livre-", dir=output) as fresh:
        sync_folder(stage_book(Path(fresh) / "sources"), output / "sources")
    staging = output / "sources"
    html = output / "html"
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(staging),
        "--path-output",
        str(output / "jb"),
        "--warningiserror",
        "--keep-going",
    ]
    result = subprocess.run(
        command, env=nbgrader_environment(), capture_output=True, text=True, check=False
    )
    built = output / "jb" / "_build" / "html"
    if result.returncode != 0 or not (built / "index.html").is_file():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise CPTSError(
            "La construction du livre a échoué. Fin du journal de Jupyter Book :\n"
            f"{tail}\nCorrigez le carnet ou la page en cause puis relancez « make book »."
        )
    if html.exists():
        shutil.rmtree(html)
    shutil.copytree(built, html)
    return html
