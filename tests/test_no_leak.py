"""Every assessment has solutions and hidden tests to protect.

That none reaches a released notebook is tested in ``test_nbgrader_roundtrip.py`` and
that none reaches the public book in ``test_book.py``, beside the release and the book
build they read (one of each per test worker). The scan looks for the solution and
hidden-test bodies themselves (every non-trivial line between the markers).
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import secret_lines


def test_assessments_have_secrets_to_protect(assessment_sources: list[Path]) -> None:
    for source in assessment_sources:
        secrets = secret_lines(source)
        assert secrets["solution"], f"{source.name} has no solution region"
        assert secrets["hidden"], f"{source.name} has no hidden test"
