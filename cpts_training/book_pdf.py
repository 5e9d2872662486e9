"""The whole public book as one PDF, printed by Chromium from Sphinx's single-page HTML.

After :func:`cpts_training.book.build_book`, Jupyter Book builds the same sources once
more with Sphinx's ``singlehtml`` builder (it reuses the build's parsed pages and the
notebooks' execution cache: nothing is executed again) and a headless Chromium prints that
page to PDF with the theme's print style (no sidebar, no button).

Chromium, not WeasyPrint: measured on the course's book (about 470 kB of HTML), Chromium
prints the 130-odd pages in under 10 s, while WeasyPrint had not finished after several
minutes. Chromium is a system program (Debian package ``chromium``), found on ``PATH`` or
named by the environment variable ``CPTS_CHROMIUM``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from cpts_training.errors import CPTSError
from cpts_training.trainer.nbgrader_runner import nbgrader_environment

PDF_NAME = "livre-cpts-training.pdf"
"""Name of the PDF written in the book's output folder."""


def find_chromium() -> Path:
    """Chromium's executable: ``$CPTS_CHROMIUM``, else ``chromium`` or ``chromium-browser``
    on ``PATH``.

    Raises :class:`CPTSError` (in French, with the package to install) when none is found.
    """
    named = os.environ.get("CPTS_CHROMIUM")
    if named:
        if Path(named).is_file():
            return Path(named)
        raise CPTSError(
            f"CPTS_CHROMIUM désigne {named}, qui n'existe pas. Corrigez la variable ou "
            "retirez-la pour utiliser le Chromium installé sur la machine."
        )
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise CPTSError(
        "Le PDF du livre est imprimé par le navigateur Chromium, introuvable sur cette "
        "machine. Installez-le (Debian/Ubuntu : « sudo apt install chromium ») ou indiquez "
        "son chemin dans la variable CPTS_CHROMIUM, puis relancez « cpts-training book --pdf »."
        " Le livre HTML, lui, est construit."
    )


def build_pdf(output: Path, timeout: float = 300) -> Path:
    """Print the book built in ``output`` (by :func:`~cpts_training.book.build_book`) to
    ``output/livre-cpts-training.pdf`` and return that path.

    ``timeout`` is in seconds, for each of the two steps. Raises :class:`CPTSError` (in
    French) when the book was not built there, Chromium is missing, or a step fails.
    """
    output = Path(output).resolve()
    sources = output / "sources"
    if not (sources / "_toc.yml").is_file():
        raise CPTSError(
            f"Aucun livre construit dans {output} : lancez d'abord « cpts-training book »."
        )
    chromium = find_chromium()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(sources),
            "--path-output",
            str(output / "jb"),
            "--builder",
            "singlehtml",
        ],
        env=nbgrader_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    single = output / "jb" / "_build" / "singlehtml"
    root = yaml.safe_load((sources / "_toc.yml").read_text(encoding="utf-8"))["root"]
    page = single / f"{root}.html"
    if result.returncode != 0 or not page.is_file():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise CPTSError(f"La version en une page du livre n'a pas pu être construite :\n{tail}")
    pdf = output / PDF_NAME
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        printed = subprocess.run(
            [
                str(chromium),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    if printed.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = "\n".join(printed.stderr.strip().splitlines()[-5:])
        raise CPTSError(f"Chromium n'a pas pu imprimer le livre en PDF :\n{tail}")
    return pdf
