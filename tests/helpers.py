"""Helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

import nbformat


def marked_regions(source: str, begin: str, end: str) -> list[str]:
    """Lines strictly between ``begin`` and ``end`` markers, stripped, non-trivial."""
    lines: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and len(line.strip()) >= 8:
            lines.append(line.strip())
    return lines


def secret_lines(notebook_path: Path) -> dict[str, list[str]]:
    """Solution bodies and hidden-test bodies of an nbgrader source notebook."""
    notebook = nbformat.read(notebook_path, as_version=4)
    solutions: list[str] = []
    hidden: list[str] = []
    for cell in notebook.cells:
        solutions += marked_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        hidden += marked_regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    return {"solution": solutions, "hidden": hidden}
