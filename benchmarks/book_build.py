"""Benchmark of the public book's build: cold, after a page edit, after a module edit.

A script, not a test: ``python benchmarks/book_build.py``. The course's sources
(``cpts_training/``, ``modules/``, ``assessments/``, ``course/``, ``book/``) are copied to
a temporary folder, so that the edits never touch the repository, and the book is built
there three times into the same output folder by ``python -m cpts_training book``:

1. cold: empty output folder, every notebook executed;
2. after one sentence is added to a Markdown page (``book/intro.md``);
3. after one sentence is added to a Markdown cell of one module notebook (module 00):
   its code is unchanged, so the execution cache still holds its outputs.

It prints the three durations and the ratio of each rebuild to the cold build, then
edits one code cell of the same module (a comment line) and prints that rebuild too
(the notebook is executed again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPOSITORY = Path(__file__).resolve().parent.parent
COPIED = ("cpts_training", "modules", "assessments", "course", "book")


def build(root: Path, output: Path) -> float:
    """Seconds taken by one « cpts-training book » run in the copy ``root``."""
    environment = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cpts_training", "book", "--output", str(output)],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"La construction a échoué :\n{result.stdout}\n{result.stderr}")
    return seconds


def edit_module(notebook: Path, kind: str) -> None:
    """Add a sentence to the first Markdown cell, or a comment to the first code cell."""
    content = nbformat.read(notebook, as_version=4)
    cell = next(c for c in content.cells if c.cell_type == kind)
    cell.source += "\n\nPhrase ajoutée." if kind == "markdown" else "\n# ligne ajoutée"
    nbformat.write(content, notebook)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="banc-livre-") as folder:
        root = Path(folder) / "cours"
        for name in COPIED:
            shutil.copytree(
                REPOSITORY / name,
                root / name,
                ignore=shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints"),
            )
        output = Path(folder) / "livre"
        cold = build(root, output)
        with (root / "book" / "intro.md").open("a", encoding="utf-8") as page:
            page.write("\nPhrase ajoutée.\n")
        page_edit = build(root, output)
        module = root / "modules" / "00_prise_en_main.ipynb"
        edit_module(module, "markdown")
        module_text_edit = build(root, output)
        edit_module(module, "code")
        module_code_edit = build(root, output)
    print(f"Construction à froid                      : {cold:6.1f} s")
    print(
        f"Après modification d'une page Markdown    : {page_edit:6.1f} s "
        f"({page_edit / cold:.0%} de la construction à froid)"
    )
    print(
        f"Après modification du texte d'un module   : {module_text_edit:6.1f} s "
        f"({module_text_edit / cold:.0%})"
    )
    print(
        f"Après modification du code d'un module    : {module_code_edit:6.1f} s "
        f"({module_code_edit / cold:.0%} ; le module est exécuté de nouveau)"
    )


if __name__ == "__main__":
    main()
