"""The public book builds for real with Jupyter Book 1 and holds the expected pages."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from cpts_training.book import READING_NOTE, WIDGET_NOTE, public_module_version
from cpts_training.paths import book_dir
from cpts_training.referentiel import load_referentiel
from tests.helpers import leaked_lines, secret_lines
from tests.installed import REPOSITORY, Installed


class _ReaderText(HTMLParser):
    """The text a reader sees on a page: no tag, no script, no style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def reader_text(page: Path) -> str:
    parser = _ReaderText()
    parser.feed(page.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def book_pages(built_book: Path) -> list[Path]:
    return [p for p in built_book.rglob("*.html") if "_static" not in p.parts]


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


def test_the_installed_package_builds_the_book_outside_the_repository(
    built_book: Path, installed: Installed
) -> None:
    assert built_book.is_relative_to(installed.outside)
    assert not built_book.is_relative_to(REPOSITORY)


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
    # No unanswered self-check is shown failing; the worked solutions run the check with
    # the answer filled in, and it answers in French.
    assert "Pas encore" not in text
    assert "Bonne réponse" in text
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
    # Under the title, how to read a module in the book (its instructions are JupyterLab's).
    assert sources[:2] == ["Intro", READING_NOTE]
    assert "Maj + Entrée" in READING_NOTE and "make lab" in READING_NOTE
    assert sources[-1] == WIDGET_NOTE
    assert "remove-output" in public.cells[2].metadata["tags"]


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


def test_an_apostrophe_before_bold_text_stays_an_apostrophe(built_book: Path) -> None:
    # Source « l'**ARS** »: smart quotes used to turn it into « l”ARS ».
    for page in book_pages(built_book):
        glued = re.findall(r"\w[”“]\w", reader_text(page))
        assert not glued, (page.name, glued)
    module_00 = reader_text(built_book / "modules/00_prise_en_main.html")
    assert "validé par le directeur général de l'ARS" in module_00
    assert "modifié par l'avenant 2" in module_00
    assert "L'évaluation 00 reprend" in module_00
    module_01 = reader_text(built_book / "modules/01_budget_aci_tresorerie.html")
    assert "le financement de l'année 2 du contrat" in module_01
    assert "L'évaluation 01 vous fait refaire" in module_01


def test_footer_date_is_written_the_french_way(built_book: Path) -> None:
    text = reader_text(built_book / "intro.html")
    found = re.search(r"Mis à jour le (\d{2})/(\d{2})/(\d{4})\.", text)
    assert found, "date de mise à jour absente ou pas au format JJ/MM/AAAA"
    day, month, year = (int(part) for part in found.groups())
    assert abs(dt.date(year, month, day) - dt.date.today()) <= dt.timedelta(days=1)


def test_intro_page_title_does_not_repeat_the_book_title(built_book: Path) -> None:
    book_title = yaml.safe_load((book_dir() / "_config.yml").read_text(encoding="utf-8"))["title"]
    page = (built_book / "intro.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title
    assert title.group(1).replace("&#8212;", "—").strip() == (f"Accueil — {book_title}")
    headings = re.findall(r"<h1>(.*?)<a class=\"headerlink\"", page)
    assert headings == ["Accueil"]


def test_modules_show_no_raw_pandas_table(built_book: Path) -> None:
    for page in sorted((built_book / "modules").glob("*.html")):
        assert 'class="dataframe"' not in page.read_text(encoding="utf-8"), page.name
    text = reader_text(built_book / "modules/00_prise_en_main.html")
    for expected in ("Tranche d'âge", "7\u202f928", "10\u202f863", "Ensemble du territoire"):
        assert expected in text, expected
    assert "tranche_age" not in text


@pytest.mark.parametrize("kind", ["solution", "hidden"])
def test_built_book_holds_no_solution_and_no_hidden_test(
    assessment_sources: list[Path], built_book: Path, kind: str
) -> None:
    # Everything the build leaves in its folder: HTML, staged sources, executed notebooks,
    # Sphinx's pickles, the execution cache (compressed files are not read here: the PDF
    # has its own test in test_book_pdf.py).
    files = [p for p in built_book.parent.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    assert any(p.name == "evaluation_00.html" for p in files)
    assert any(p.name == "evaluation_00.ipynb" for p in files)
    for source in assessment_sources:
        lines = secret_lines(source)[kind]
        for page in files:
            assert leaked_lines(page.read_text(encoding="utf-8", errors="ignore"), lines) == [], (
                page
            )
