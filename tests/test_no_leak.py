"""Solutions and hidden tests never reach a released notebook or the public book.

The scan looks for the solution bodies and hidden-test bodies themselves (every
non-trivial line between the markers), not only for the marker comments.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.helpers import secret_lines


def _variants(line: str) -> set[str]:
    return {line, html.escape(line), html.escape(line, quote=False), line.replace("'", "&#39;")}


def _leaks(text: str, lines: list[str]) -> list[str]:
    return [line for line in lines if any(v in text for v in _variants(line))]


def test_assessments_have_secrets_to_protect(assessment_sources: list[Path]) -> None:
    for source in assessment_sources:
        secrets = secret_lines(source)
        assert secrets["solution"], f"{source.name} has no solution region"
        assert secrets["hidden"], f"{source.name} has no hidden test"


def test_released_notebooks_hold_no_solution_and_no_hidden_test(
    assessment_sources: list[Path], released_workspace: Path
) -> None:
    for source in assessment_sources:
        released = released_workspace / "release" / source.parent.name / source.name
        text = released.read_text(encoding="utf-8")
        secrets = secret_lines(source)
        assert _leaks(text, secrets["solution"]) == []
        assert _leaks(text, secrets["hidden"]) == []
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS"):
            assert marker not in text


@pytest.mark.parametrize("kind", ["solution", "hidden"])
def test_built_book_holds_no_solution_and_no_hidden_test(
    assessment_sources: list[Path], built_book: Path, kind: str
) -> None:
    files = [
        p
        for p in built_book.rglob("*")
        if p.is_file() and p.suffix in {".html", ".ipynb", ".txt", ".js", ".md", ".json"}
    ]
    assert any(p.name == "evaluation_00.html" for p in files)
    for source in assessment_sources:
        lines = secret_lines(source)[kind]
        for page in files:
            assert _leaks(page.read_text(encoding="utf-8", errors="ignore"), lines) == [], page
