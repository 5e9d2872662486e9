"""The whole book as one PDF, printed by Debian's Chromium from the built book.

Needs Chromium (``/usr/bin/chromium``); without it the test is skipped, unless
``CPTS_REQUIRE_BROWSER=1`` (set by CI, which installs Chromium) turns the skip into a
failure. The French error for a missing Chromium is checked without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from cpts_training.syllabus import load_syllabus
from tests.helpers import leaked_lines, secret_lines
from tests.installed import Installed


@pytest.fixture(scope="module")
def book_pdf(built_book: Path, installed: Installed) -> Path:
    if shutil.which("chromium") is None:
        if os.environ.get("CPTS_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is missing but CPTS_REQUIRE_BROWSER=1")
        pytest.skip("Chromium (paquet Debian « chromium ») absent")
    # The same output folder as the built book: the HTML build is redone from its cache.
    result = installed.run(
        str(installed.bin / "cpts-training"), "book", "--output", "livre", "--pdf", timeout=600
    )
    pdf = installed.outside / "livre" / "livre-cpts-training.pdf"
    assert f"PDF du livre : {pdf}" in result.stdout
    return pdf


def _pdf_text(pdf: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    # Chromium's fonts print ligatures (« ﬁ » for « fi »): NFKC writes them as letters.
    return unicodedata.normalize("NFKC", text)


def test_the_pdf_holds_every_module_and_assessment(book_pdf: Path) -> None:
    from pypdf import PdfReader

    pages = len(PdfReader(book_pdf).pages)
    # The course's text alone (four modules, four assessments) is well over 50 A4 pages.
    assert pages > 50, pages
    text = " ".join(_pdf_text(book_pdf).split())
    for module in load_syllabus().modules:
        assert module.title.split(":")[0].strip() in text, module.title
    assert "Étude de cas fictive" in text


def test_the_pdf_holds_no_solution_and_no_hidden_test(
    book_pdf: Path, assessment_sources: list[Path]
) -> None:
    text = _pdf_text(book_pdf)
    for source in assessment_sources:
        for kind, lines in secret_lines(source).items():
            # A line as the PDF gives it back: one word per space.
            found = leaked_lines(" ".join(text.split()), [" ".join(x.split()) for x in lines])
            assert [x for x in found if len(x) > 12] == [], (source.name, kind)


def test_without_chromium_the_pdf_is_refused_in_french(
    built_book: Path, installed: Installed
) -> None:
    env = {**installed.env(), "CPTS_CHROMIUM": str(installed.outside / "pas-de-chromium")}
    result = subprocess.run(
        [str(installed.bin / "cpts-training"), "book", "--output", "livre", "--pdf"],
        cwd=installed.outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "CPTS_CHROMIUM désigne" in output and "n'existe pas" in output
    assert "Traceback" not in output
    # The HTML book is still there and whole.
    assert (built_book / "index.html").is_file()
