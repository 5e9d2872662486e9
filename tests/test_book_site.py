"""The built book as a web site: French, one search field, working links, French search
without accents, launch buttons, logo and favicon. Static checks of the HTML files; the
pages in a real browser are in test_book_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType, SimpleNamespace
from urllib.parse import unquote

import pytest

REPOSITORY_URL = "https://github.com/cpts-training/cpts-training"

ENGLISH_THEME_STRINGS = (
    "Search this book",
    "Search the docs",
    "Search Results",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Toggle navigation",
    "Skip to main content",
    "Back to top",
    "On this page",
    "Contents",
    "Main",
    "Site navigation",
    "Section Navigation",
    "Launch interactive content",
    "Launch on",
    "Download this page",
    "Download source file",
    "Download notebook file",
    "Print to PDF",
    "Fullscreen mode",
    "Source repository",
    "Edit this page",
    "Open an issue",
    "Light",
    "Dark",
    "System Settings",
    "Color mode",
    "Theme",
    "Search",
    "previous page",
    "next page",
    "Previous",
    "Next",
    "Last updated on",
    "By",
    "Copyright",
    "Index",
    "Click to show",
    "Click to hide",
    "Binder logo",
    "JupyterHub logo",
    "Please activate JavaScript",
    "Hide Search Matches",
)
"""Strings of Sphinx, pydata-sphinx-theme and sphinx-book-theme left in English when a
translation or a template is missing. None may appear in a page's interface (text outside the
article, or a title, label, placeholder or alt)."""

LABEL_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-bs-title")


class _Page(HTMLParser):
    """What the checks need from one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.ids: set[str] = set()
        self.element_ids: list[str] = []  # the id attributes, in order, repeats kept
        self.links: list[str] = []
        self.images: list[tuple[str, str | None]] = []
        self.scripts: list[tuple[str, str]] = []  # (src, inline body)
        self.labels: list[str] = []
        self.interface_text: list[str] = []
        self.search_fields = 0
        self.toggles: list[str] = []
        self._article_depth = 0
        self._in_script: str | None = None
        self._script_body: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "html":
            self.lang = attributes.get("lang")
        if attributes.get("id"):
            self.element_ids.append(attributes["id"])
        for key in ("id", "name"):
            if attributes.get(key) and (key == "id" or tag == "a"):
                self.ids.add(attributes[key])
        if tag in ("a", "link") and "href" in attributes:
            self.links.append(attributes["href"])
        if tag in ("img", "script", "iframe", "source") and attributes.get("src"):
            self.links.append(attributes["src"])
        if tag == "img":
            self.images.append((attributes.get("src", ""), dict(attrs).get("alt")))
        if tag == "script":
            self._in_script = attributes.get("src", "")
            self._script_body = []
        if tag == "style":
            self._in_style = True
        if tag == "article" and ("bd-article" in classes or self._article_depth):
            self._article_depth += 1
        if "search-button-field" in classes:
            self.search_fields += 1
        self.toggles.extend(c for c in classes if c in ("primary-toggle", "secondary-toggle"))
        self.labels.extend(attributes[a] for a in LABEL_ATTRIBUTES if attributes.get(a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._script_body).strip()))
            self._in_script = None
        if tag == "style":
            self._in_style = False
        if tag == "article" and self._article_depth:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_body.append(data)
        elif not self._in_style and not self._article_depth and data.strip():
            self.interface_text.append(data.strip())


def _parse(page: Path) -> _Page:
    parser = _Page()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


REDIRECT = re.compile(r'^<meta http-equiv="Refresh" content="0; url=([^"]+)" />$', re.I)
"""Jupyter Book's index.html: not a page, a redirection to the first page."""


@pytest.fixture(scope="module")
def pages(built_book: Path) -> dict[Path, _Page]:
    """Every page of the book (not the theme's template fragments in _static, not the
    redirection index.html)."""
    found = {
        page: _parse(page)
        for page in sorted(built_book.rglob("*.html"))
        if "_static" not in page.relative_to(built_book).parts
        and not REDIRECT.match(page.read_text(encoding="utf-8").strip())
    }
    assert len(found) >= 10, f"only {len(found)} pages in {built_book}"
    return found


def _name(built_book: Path, page: Path) -> str:
    return page.relative_to(built_book).as_posix()


def _english(text: str) -> list[str]:
    return [
        phrase
        for phrase in ENGLISH_THEME_STRINGS
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    ]


def test_english_detector_finds_the_theme_defaults() -> None:
    assert _english("Search this book...") == ["Search this book", "Search"]
    assert _english("Toggle primary sidebar") == ["Toggle primary sidebar"]
    assert _english("Sommaire du livre") == []
    assert _english("Mode plein écran") == []


def test_every_page_is_declared_french(built_book: Path, pages: dict[Path, _Page]) -> None:
    wrong = {_name(built_book, p): parsed.lang for p, parsed in pages.items()}
    assert {name: lang for name, lang in wrong.items() if lang != "fr"} == {}


def test_no_english_theme_string(built_book: Path, pages: dict[Path, _Page]) -> None:
    found = {}
    for page, parsed in pages.items():
        hits = {
            f"{text!r} ({', '.join(_english(text))})"
            for text in parsed.interface_text + parsed.labels
            if _english(text)
        }
        if hits:
            found[_name(built_book, page)] = sorted(hits)
    assert found == {}


def test_one_search_field_and_a_french_search_box(pages: dict[Path, _Page]) -> None:
    for page, parsed in pages.items():
        assert parsed.search_fields == 1, page
    intro = next(parsed for page, parsed in pages.items() if page.name == "intro.html")
    assert "Rechercher…" in intro.labels


def test_each_page_has_one_menu_button_and_at_most_one_plan_button(
    built_book: Path, pages: dict[Path, _Page]
) -> None:
    """Both themes wire only the first ☰ (`.primary-toggle`) and the first plan button of a
    page: a second, hidden copy (pydata-sphinx-theme's top bar) left the visible ones dead."""
    for page, parsed in pages.items():
        assert parsed.toggles.count("primary-toggle") == 1, _name(built_book, page)
        assert parsed.toggles.count("secondary-toggle") <= 1, _name(built_book, page)


def test_no_page_loads_a_script_twice(built_book: Path, pages: dict[Path, _Page]) -> None:
    twice = {}
    for page, parsed in pages.items():
        keys = [(src.split("?")[0], body) for src, body in parsed.scripts]
        repeated = {key for key in keys if keys.count(key) > 1}
        if repeated:
            twice[_name(built_book, page)] = sorted(repeated)
    assert twice == {}
    assert not any("THEBE" in body for p in pages.values() for _, body in p.scripts)


def test_no_page_gives_one_id_to_two_elements(pages: dict[Path, _Page]) -> None:
    # sphinx-exercise gave every exercise and solution of a page the same content id.
    repeated = {}
    for path, page in pages.items():
        ids = page.element_ids
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            repeated[path.name] = twice
    assert repeated == {}


def test_no_index_page(built_book: Path, pages: dict[Path, _Page]) -> None:
    assert not (built_book / "genindex.html").exists()
    assert not any("genindex" in link for parsed in pages.values() for link in parsed.links)


def test_logo_and_favicon(built_book: Path) -> None:
    intro = (built_book / "intro.html").read_text(encoding="utf-8")
    favicon = re.search(r'<link rel="icon" href="([^"]+)"', intro)
    assert favicon, "no favicon link"
    assert (built_book / favicon.group(1)).is_file()
    logo = re.search(r'<img src="([^"]+)" class="logo__image[^"]*" alt="([^"]+)"', intro)
    assert logo, "no logo in the left column"
    assert (built_book / logo.group(1)).is_file()
    assert "CPTS" in logo.group(2)
    svg = (built_book / logo.group(1)).read_text(encoding="utf-8")
    assert "<svg" in svg and "CPTS" in svg


def _is_local(link: str) -> bool:
    return bool(link) and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link) and link != "#"


def test_the_site_address_leads_to_the_first_page(built_book: Path) -> None:
    redirect = REDIRECT.match((built_book / "index.html").read_text(encoding="utf-8").strip())
    assert redirect and redirect.group(1) == "intro.html"
    assert (built_book / "intro.html").is_file()


def test_every_local_link_and_anchor_resolves(built_book: Path, pages: dict[Path, _Page]) -> None:
    broken = []
    checked = 0
    for page, parsed in pages.items():
        for link in filter(_is_local, parsed.links):
            path, _, fragment = link.partition("#")
            path = unquote(path.split("?")[0])
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{_name(built_book, page)} → {link} (no file)")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{_name(built_book, page)} → {link} (no anchor)")
    assert checked > 500
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(broken[:30])


def test_module_pages_offer_binder_and_the_repository(built_book: Path) -> None:
    module = (built_book / "modules" / "01_budget_aci_tresorerie.html").read_text(encoding="utf-8")
    binder = (
        "https://mybinder.org/v2/gh/cpts-training/cpts-training/main"
        "?urlpath=lab/tree/modules/01_budget_aci_tresorerie.ipynb"
    )
    assert f'href="{binder}"' in module
    assert f'href="{REPOSITORY_URL}"' in module
    assert "Ouvrir dans Binder" in module
    for assessment in (built_book / "evaluations").glob("*.html"):
        text = assessment.read_text(encoding="utf-8")
        assert "mybinder.org" not in text and "git-pull" not in text, assessment.name


def _theme_extension() -> ModuleType:
    from cpts_training import book_theme

    return book_theme


def test_jupyterhub_address_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    theme = _theme_extension()
    config = SimpleNamespace(
        html_theme_options={"launch_buttons": {"binderhub_url": "https://mybinder.org"}}
    )
    monkeypatch.delenv(theme.JUPYTERHUB_ENV, raising=False)
    theme.jupyterhub_from_environment(None, config)
    assert "jupyterhub_url" not in config.html_theme_options["launch_buttons"]
    monkeypatch.setenv(theme.JUPYTERHUB_ENV, "https://hub.organisme.example")
    theme.jupyterhub_from_environment(None, config)
    assert config.html_theme_options["launch_buttons"] == {
        "binderhub_url": "https://mybinder.org",
        "jupyterhub_url": "https://hub.organisme.example",
    }


def test_search_stemmer_ignores_accents() -> None:
    french = _theme_extension().SearchFrenchUnaccented({})
    # Snowball French: « tresorerie » loses its suffix « ie » → « tresorer ».
    assert french.stem("trésorerie") == french.stem("tresorerie") == "tresorer"
    assert french.stem("Échéancier") == french.stem("echeancier")


def test_search_index_finds_tresorerie_without_accent(built_book: Path) -> None:
    text = (built_book / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    module_01 = index["docnames"].index("modules/01_budget_aci_tresorerie")
    # The title « … et trésorerie » and the text of other pages are indexed under the
    # accentless stem (a page is listed under "terms" only if its title lacks the word).
    assert module_01 in index["titleterms"]["tresorer"]
    assert index["terms"]["tresorer"], "no page text indexed under « tresorer »"
    assert not any("é" in term for term in index["terms"]), "accented term left in the index"
    # The page's stemmer is the one that removes accents.
    language_data = (built_book / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert 'normalize("NFD")' in language_data and "FrenchStemmer" in language_data


def _looks_like_a_file(alt: str) -> bool:
    return bool(re.search(r"[/\\]|\.(png|jpe?g|svg|gif|webp)\b|^[0-9a-f]{16,}$", alt.strip()))


def test_zz_every_image_has_a_meaningful_alt(built_book: Path, pages: dict[Path, _Page]) -> None:
    """Every <img> says what it shows. Chart alt texts are written with the module figures
    (cpts_training/figures.py and the module notebooks): until they are, this test names the
    charts whose alt text is still their file path."""
    bad = [
        f"{_name(built_book, page)}: {src} alt={alt!r}"
        for page, parsed in pages.items()
        for src, alt in parsed.images
        if not alt or not alt.strip() or _looks_like_a_file(alt)
    ]
    assert bad == [], f"{len(bad)} images without a meaningful alt:\n" + "\n".join(bad)
