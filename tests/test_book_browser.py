"""The built book as a reader sees it, in a real (headless) Chromium, on a phone (390 px)
and a desktop (1280 px): navigation, wide tables, French search without accents.

The book is served over 127.0.0.1 only; every request to another host is blocked and
counted (there must be none). Screenshots go to the folder named by ``CPTS_SCREENSHOTS``
(else a temporary folder); their paths are printed.

Needs Debian's Chromium (``/usr/bin/chromium``) and the ``playwright`` package. Without them
the tests are skipped, unless ``CPTS_REQUIRE_BROWSER=1`` (set by CI, which installs
Chromium) turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MODULE_01 = "modules/01_budget_aci_tresorerie.html"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        if os.environ.get("CPTS_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium or playwright is missing but CPTS_REQUIRE_BROWSER=1")
        pytest.skip("Chromium (paquet Debian « chromium ») ou playwright absent")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield instance
        instance.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site(built_book: Path) -> Iterator[str]:
    """The built book served on 127.0.0.1; yields its base address."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(built_book))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CPTS_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("captures-livre")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Reader:
    """One browser tab of a given size, with what it asked from outside and its errors."""

    page: Any
    base: str
    screenshots: Path
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        # The theme's scripts are deferred; the tables' frames are set when the DOM is ready.
        self.page.wait_for_function("document.readyState === 'complete'")
        self.page.wait_for_timeout(300)

    def shot(self, name: str) -> Path:
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path))
        print(f"capture : {path}")
        return path


@pytest.fixture
def reader_factory(browser, site: str, screenshots: Path) -> Iterator[Any]:
    contexts = []
    readers: list[Reader] = []

    def make(viewport: dict[str, int]) -> Reader:
        phone = viewport["width"] < 600
        context = browser.new_context(
            viewport=viewport, locale="fr-FR", has_touch=phone, is_mobile=phone
        )
        contexts.append(context)
        page = context.new_page()
        reader = Reader(page, site, screenshots)
        host = urlsplit(site).netloc

        def route(request_route: Any) -> None:
            if urlsplit(request_route.request.url).netloc == host:
                request_route.continue_()
            else:
                reader.external.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        page.on(
            "console",
            lambda message: reader.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: reader.errors.append(str(error)))
        readers.append(reader)
        return reader

    yield make
    for context in contexts:
        context.close()
    for reader in readers:
        assert reader.external == [], f"requests to other hosts: {reader.external}"
        assert reader.errors == [], f"console errors: {reader.errors}"


CUT_TABLES = """() => {
  const found = [];
  for (const table of document.querySelectorAll('.bd-article table')) {
    if (table.parentElement.closest('table') || table.getClientRects().length === 0) continue;
    let clipper = table.parentElement;
    while (clipper && clipper !== document.body &&
           !['auto', 'scroll', 'hidden'].includes(getComputedStyle(clipper).overflowX)) {
      clipper = clipper.parentElement;
    }
    const article = document.querySelector('.bd-article').getBoundingClientRect();
    const cut = clipper && clipper !== document.body
      ? clipper.scrollWidth > clipper.clientWidth + 1
      : table.getBoundingClientRect().right > article.right + 1;
    if (!cut) continue;
    const cadre = table.closest('.cpts-table-cadre');
    const hint = cadre && cadre.previousElementSibling;
    found.push({
      header: (table.querySelector('th') || table).textContent.trim().slice(0, 40),
      framed: !!cadre && cadre.classList.contains('cpts-deborde'),
      hint: !!hint && hint.classList.contains('cpts-scroll-hint') &&
            hint.getBoundingClientRect().height > 0 ? hint.textContent : '',
      shadow: cadre ? getComputedStyle(cadre, '::after').opacity : '0',
      keyboard: clipper && clipper.getAttribute('tabindex') === '0',
    });
  }
  return found;
}"""


def _assert_cut_tables_have_a_cue(reader: Reader) -> int:
    cut = reader.page.evaluate(CUT_TABLES)
    without_cue = [
        t for t in cut if not (t["framed"] and t["hint"] and t["shadow"] == "1" and t["keyboard"])
    ]
    assert without_cue == [], f"tables cut without a scroll cue: {without_cue}"
    for table in cut:
        assert "faites-le défiler" in table["hint"]
    return len(cut)


def test_phone_navigation_drawer_opens_and_leads_to_a_module(reader_factory) -> None:
    reader = reader_factory(PHONE)
    reader.open("intro.html")
    reader.shot("accueil-390")
    drawer = reader.page.locator("#pst-primary-sidebar-modal")
    assert not drawer.evaluate("d => d.open")
    reader.page.locator(".bd-header-article .primary-toggle").tap()
    reader.page.wait_for_function("document.getElementById('pst-primary-sidebar-modal').open")
    link = drawer.locator("a.reference", has_text="Module 01")
    assert link.is_visible()
    reader.shot("accueil-390-navigation")
    link.tap()
    reader.page.wait_for_url("**/" + MODULE_01)
    reader.page.wait_for_timeout(300)
    assert "Module 01" in reader.page.locator("h1").first.inner_text()
    reader.shot("module-01-390")


def test_phone_page_plan_drawer_opens(reader_factory) -> None:
    reader = reader_factory(PHONE)
    reader.open(MODULE_01)
    reader.page.locator(".bd-header-article .secondary-toggle").tap()
    reader.page.wait_for_function("document.getElementById('pst-secondary-sidebar-modal').open")
    plan = reader.page.locator("#pst-secondary-sidebar-modal a", has_text="Planifier la trésorerie")
    assert plan.first.is_visible()
    reader.shot("module-01-390-plan")


def test_desktop_menu_button_hides_then_shows_the_sidebar(reader_factory) -> None:
    reader = reader_factory(DESKTOP)
    reader.open("intro.html")
    reader.shot("accueil-1280")
    reader.open(MODULE_01)
    sidebar = reader.page.locator("#pst-primary-sidebar")
    menu = reader.page.locator(".bd-header-article .primary-toggle")
    assert sidebar.is_visible()
    menu.click()
    reader.page.wait_for_timeout(500)
    assert not sidebar.is_visible()
    reader.shot("module-01-1280-sans-navigation")
    menu.click()
    reader.page.wait_for_timeout(500)
    assert sidebar.is_visible()
    assert not reader.page.locator("#pst-primary-sidebar-modal").evaluate("d => d.open")
    reader.shot("module-01-1280")


def test_one_visible_search_field_on_a_desktop(reader_factory) -> None:
    reader = reader_factory(DESKTOP)
    reader.open(MODULE_01)
    visible = reader.page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '.search-button-field, .search-button, input[type=search]'))
            .filter(e => e.getClientRects().length > 0 &&
                         getComputedStyle(e).visibility !== 'hidden').length"""
    )
    assert visible == 1
    # Ctrl+K opens the search dialog, in French.
    reader.page.keyboard.press("Control+k")
    reader.page.wait_for_function("document.getElementById('pst-search-dialog').open")
    field = reader.page.locator("#pst-search-dialog input[type=search]")
    assert field.get_attribute("placeholder") == "Rechercher…"
    field.fill("tresorerie")
    field.press("Enter")
    reader.page.wait_for_url("**/search.html?q=tresorerie*")
    reader.page.wait_for_selector("#search-results ul.search li", timeout=30_000)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_wide_tables_of_module_01_show_a_scroll_cue(reader_factory, viewport) -> None:
    reader = reader_factory(viewport)
    reader.open(MODULE_01)
    cut = _assert_cut_tables_have_a_cue(reader)
    # On a phone at least one table of module 01 (the contract's missions) is wider than the
    # screen: the check above has looked at real cut tables.
    if viewport is PHONE:
        assert cut >= 1
    if not cut:
        return
    first = reader.page.locator(".cpts-table-cadre.cpts-deborde").first
    first.scroll_into_view_if_needed()
    reader.page.evaluate("window.scrollBy(0, -150)")
    reader.shot(f"module-01-{viewport['width']}-tableau")
    # Scrolled to its end, a table no longer shades its right edge but its left one.
    first.locator(".cpts-table-scroll").evaluate(
        "f => { f.scrollLeft = f.scrollWidth; f.dispatchEvent(new Event('scroll')); }"
    )
    reader.page.wait_for_timeout(300)
    classes = first.get_attribute("class") or ""
    assert "cpts-suite-gauche" in classes and "cpts-suite-droite" not in classes


@pytest.mark.parametrize("query", ["tresorerie", "trésorerie"])
def test_search_finds_module_01_with_or_without_accent(reader_factory, query: str) -> None:
    reader = reader_factory(DESKTOP)
    reader.open(f"search.html?q={query}")
    reader.page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    titles = reader.page.locator("#search-results ul.search li > a").all_inner_texts()
    assert any(title.startswith("Module 01") for title in titles), titles
    reader.shot(f"recherche-{'sans' if query == 'tresorerie' else 'avec'}-accent")


def test_printed_module_01_shows_whole_tables_and_no_navigation(reader_factory) -> None:
    # An A4 page is about 794 px wide at 96 dpi.
    reader = reader_factory({"width": 794, "height": 1123})
    reader.open(MODULE_01)
    reader.page.emulate_media(media="print")
    reader.page.wait_for_timeout(300)
    hidden = reader.page.evaluate(
        """() => ['.bd-sidebar-primary', '.bd-sidebar-secondary', '.bd-header-article']
            .map(s => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert hidden == ["none", "none", "none"]
    tables = reader.page.evaluate(
        """() => {
          const right = document.querySelector('.bd-article').getBoundingClientRect().right;
          return [...document.querySelectorAll('.bd-article table')]
            .filter(t => t.getClientRects().length > 0)
            .map(t => {
              const frame = t.closest('.cpts-table-scroll');
              return {
                inside: t.getBoundingClientRect().right <= right + 1,
                scrolls: !!frame && frame.scrollWidth > frame.clientWidth + 1,
              };
            });
        }"""
    )
    assert len(tables) >= 5
    assert all(t["inside"] and not t["scrolls"] for t in tables), tables
    reader.page.pdf(path=str(reader.screenshots / "module-01-impression.pdf"))
    print(f"impression : {reader.screenshots / 'module-01-impression.pdf'}")


ENGLISH_AFTER_SCRIPTS = re.compile(
    r"\b(Copy|Copied|Search|Toggle|Click to (show|hide)|Site navigation|On this page|"
    r"Back to top|Skip to main content|Launch|Download|Contents|Light|Dark)\b"
)
"""English words the themes' scripts may write into the interface (tooltips, labels)."""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_interface_is_french_once_scripts_ran(reader_factory, viewport) -> None:
    reader = reader_factory(viewport)
    reader.open(MODULE_01)
    strings = reader.page.evaluate(
        """() => {
          const found = [];
          for (const element of document.querySelectorAll('*')) {
            for (const name of ['title', 'aria-label', 'placeholder', 'alt',
                                'data-bs-original-title', 'data-tooltip']) {
              const value = element.getAttribute(name);
              if (value) found.push(value);
            }
          }
          const article = document.querySelector('article.bd-article');
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            const parent = node.parentElement;
            if (!parent || parent.closest('script, style') || article.contains(node)) continue;
            if (node.textContent.trim()) found.push(node.textContent.trim());
          }
          return found;
        }"""
    )
    english = sorted({s for s in strings if ENGLISH_AFTER_SCRIPTS.search(s)})
    assert english == []
    # The copy buttons of the code cells were labelled by their script, in French.
    assert "Copier" in strings


def test_no_page_is_wider_than_a_phone(reader_factory, built_book: Path) -> None:
    # Every page of the book at 390 px: nothing (a long output line, a file path, a
    # two-column summary) makes the page scroll sideways; wide tables scroll in their frame.
    reader = reader_factory(PHONE)
    pages = sorted(
        str(p.relative_to(built_book))
        for p in built_book.rglob("*.html")
        if "_static" not in p.parts and p.name not in ("search.html", "index.html")
    )
    assert len(pages) >= 15
    wide = {}
    for path in pages:
        reader.open(path)
        width = reader.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}


def test_search_extracts_quote_the_pages_text_not_their_buttons(reader_factory) -> None:
    reader = reader_factory(DESKTOP)
    reader.open("search.html?q=glossaire")
    reader.page.wait_for_selector("#search-results ul.search li p.context", timeout=30_000)
    reader.page.wait_for_timeout(1500)  # the extracts arrive one by one
    extracts = reader.page.locator("#search-results ul.search li p.context").all_inner_texts()
    assert extracts
    for extract in extracts:
        assert not re.search(r"\.(?:pdf|md|ipynb)\b", extract), extract
        # Nor the printed page's table of contents (« …Glossaire Contenu … »).
        assert "Contenu" not in extract, extract


def test_table_cells_holding_a_sentence_are_not_squeezed_on_a_phone(reader_factory) -> None:
    # The levers' « Remarque » column of module 01 was 119 px wide on a phone: rows of
    # 300 px for two words a line. A cell of more than 50 characters keeps 13rem (208 px).
    reader = reader_factory(PHONE)
    reader.open(MODULE_01)
    widths = reader.page.evaluate(
        """() => [...document.querySelectorAll('.bd-article td, .bd-article th')]
              .filter(c => c.textContent.trim().length > 50 && !c.closest('table table'))
              .map(c => c.getBoundingClientRect().width)"""
    )
    assert len(widths) >= 5
    assert min(widths) >= 200, sorted(widths)[:5]
