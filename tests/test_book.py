"""The public book builds for real with Jupyter Book 1 and holds the expected pages."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from cpts_training.book import WIDGET_NOTE, public_module_version
from cpts_training.referentiel import load_referentiel


def test_book_pages_exist(built_book: Path) -> None:
    for page in (
        "index.html",
        "intro.html",
        "referentiel.html",
        "couverture.html",
        "modules/00_prise_en_main.html",
        "evaluations/evaluation_00.html",
        "search.html",
    ):
        assert (built_book / page).is_file(), page


def test_pages_are_in_french(built_book: Path) -> None:
    for page in ("intro.html", "referentiel.html", "modules/00_prise_en_main.html"):
        text = (built_book / page).read_text(encoding="utf-8")
        assert re.search(r'<html[^>]*lang="fr"', text), page


def test_referentiel_page_lists_every_competency(built_book: Path) -> None:
    text = (built_book / "referentiel.html").read_text(encoding="utf-8")
    for competency in load_referentiel().competencies():
        assert competency.id in text


def test_module_is_rendered_with_its_outputs(built_book: Path) -> None:
    text = (built_book / "modules/00_prise_en_main.html").read_text(encoding="utf-8")
    # The territory table and the chart are outputs of executed cells.
    assert "Castelnau-d&#39;Aubrenne" in text or "Castelnau-d'Aubrenne" in text
    assert re.search(r'<img[^>]+src="[^"]*\.png"', text)
    # The unanswered self-check answers in French.
    assert "Pas encore" in text
    # Widgets are explained, not shown as raw Python reprs.
    assert "formulaire interactif" in text
    assert "VBox(" not in text and "CommuneExplorer(" not in text.replace(
        "CommuneExplorer(territoire)", ""
    )


def test_released_assessment_is_in_the_book_without_outputs(built_book: Path) -> None:
    text = (built_book / "evaluations/evaluation_00.html").read_text(encoding="utf-8")
    assert "VOTRE RÉPONSE ICI" in text
    assert "Grille de correction" in text


def test_public_module_version_drops_trainer_cells_and_explains_widgets() -> None:
    notebook = nbformat.v4.new_notebook()
    trainer = nbformat.v4.new_markdown_cell("Corrigé pour le formateur")
    trainer.metadata["tags"] = ["formateur"]
    widget = nbformat.v4.new_code_cell("CommuneExplorer(territoire)")
    widget.metadata["tags"] = ["widget"]
    notebook.cells = [nbformat.v4.new_markdown_cell("Intro"), trainer, widget]
    public = public_module_version(notebook)
    sources = [cell.source for cell in public.cells]
    assert "Corrigé pour le formateur" not in sources
    assert sources[-1] == WIDGET_NOTE
    assert "remove-output" in public.cells[1].metadata["tags"]


def test_book_refuses_to_empty_a_folder_it_did_not_create(tmp_path: Path) -> None:
    import pytest

    from cpts_training.book import build_book
    from cpts_training.errors import CPTSError

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "mes-notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(CPTSError, match="n'a pas été créé par « cpts-training book »"):
        build_book(tmp_path)
    assert (tmp_path / "html" / "mes-notes.txt").read_text(encoding="utf-8") == "à garder"


def test_pages_load_no_script_or_style_from_the_internet(built_book: Path) -> None:
    # The book must read the same offline (intranet, training room without internet).
    for page in built_book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]*\bsrc="https?://', text), page
        assert not re.search(r'<link[^>]*\bhref="https?://[^"]*\.css', text), page
