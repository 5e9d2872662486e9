"""The trainee's JupyterLab as a trainee sees it, in a real (headless) Chromium.

Needs Debian's Chromium (``/usr/bin/chromium``) and the ``playwright`` package.
Without them the test is skipped, unless ``CPTS_REQUIRE_BROWSER=1`` (set by CI,
which installs Chromium) turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from tests.helpers import log_tail, trainee_lab

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


CURRENT_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
"""The notebook tab on screen (JupyterLab hides the others)."""


def run_all_cells(page) -> None:
    """Run the notebook on screen as a trainee does: Exécution › Exécuter toutes les cellules.

    Waits first for its kernel to be idle: a "Run all" clicked while the kernel is
    still starting may run nothing on a slow machine. Then waits for the first code
    cell to show that it ran or is running (« [*] » or « [1] »); if it does not, the
    trainee would click again, and so does this helper, once.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector(
        f"{CURRENT_NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=120_000,
    )
    started = f"{CURRENT_NOTEBOOK} .jp-CodeCell .jp-InputPrompt:text-matches('[*0-9]')"
    for attempt, timeout in enumerate((30_000, 90_000)):
        page.locator(".lm-MenuBar-itemLabel:text-is('Exécution')").click()
        page.locator("li.lm-Menu-item:has-text('Exécuter toutes les cellules')").first.click()
        try:
            page.wait_for_selector(started, timeout=timeout)
            return
        except PlaywrightTimeout:
            if attempt == 1:
                raise


DIAGNOSIS_SCRIPT = """() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const indicator = notebook && notebook.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = notebook
    ? Array.from(notebook.querySelectorAll('.jp-CodeCell .jp-InputPrompt')).map(p => p.innerText)
    : [];
  const dialogs = Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText);
  const errors = Array.from(document.querySelectorAll(
    '.jp-RenderedText[data-mime-type*="stderr"], .jp-RenderedText[data-mime-type*="error"]'
  )).map(e => e.innerText.slice(0, 800));
  return JSON.stringify({
    kernel: indicator && indicator.getAttribute('data-status'),
    prompts: prompts, dialogs: dialogs, errors: errors,
    tail: notebook ? notebook.innerText.slice(-1500) : document.body.innerText.slice(-1500),
  }, null, 1);
}"""


@contextmanager
def diagnosed(page, log_path: Path, screenshot: Path) -> Iterator[None]:
    """On failure, add what the page showed and the server's log to the error."""
    try:
        yield
    except Exception as error:
        try:
            page.screenshot(path=str(screenshot), full_page=True)
            state = page.evaluate(DIAGNOSIS_SCRIPT)
        except Exception as inner:  # the page itself may be gone
            state = f"(page unreadable: {inner})"
        raise AssertionError(
            f"{error}\n--- page ({screenshot}) ---\n{state}\n"
            f"--- server log ---\n{log_tail(log_path)}"
        ) from error


def in_trainee_lab(browser, tmp_path: Path, height: int, scenario: Callable) -> None:
    """Run ``scenario(page, base_url)`` in a fresh trainee lab, diagnosed on failure."""
    log_path = tmp_path / "serveur.log"
    with trainee_lab(tmp_path / "espace", log_path) as base:
        page = browser.new_page(viewport={"width": 1400, "height": height})
        with diagnosed(page, log_path, tmp_path / "page.png"):
            scenario(page, base)
        page.close()


def test_trainee_runs_module_00_in_french_with_working_widgets(browser, tmp_path: Path) -> None:
    in_trainee_lab(browser, tmp_path, 900, _run_module_00)


def menu_paths_named_in_the_course() -> set[tuple[str, str]]:
    """Every « menu X › Y » a module, an assessment or a French error message names."""
    from cpts_training.french_kernel import RUN_ABOVE
    from cpts_training.paths import assessments_dir, modules_dir

    texts = [RUN_ABOVE]
    for path in [*modules_dir().glob("*.ipynb"), *assessments_dir().glob("*/*.ipynb")]:
        texts += [cell.source for cell in nbformat.read(path, as_version=4).cells]
    found = set()
    for text in texts:
        flat = re.sub(r"\s+", " ", text)
        for menu, item in re.findall(r"[Mm]enu \*?([A-ZÉ]\w+) › ([^*»]+?)(?:\*|,| \(|$)", flat):
            found.add((menu, item.strip()))
    return found


def menu_items(page) -> dict[str, list[str]]:
    """The items of each menu of JupyterLab's menu bar, as shown on screen."""
    items = {}
    for menu in page.locator(".lm-MenuBar-itemLabel").all_inner_texts():
        page.locator(f".lm-MenuBar-itemLabel:text-is('{menu}')").click()
        labels = page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()
        items[menu] = [label.strip() for label in labels if label.strip()]
        page.keyboard.press("Escape")
    return items


def _run_module_00(page, base: str) -> None:
    page.goto(f"{base}/")
    # Lands on the home notebook, rendered, in a French JupyterLab.
    page.wait_for_selector(".jp-MarkdownOutput h1", timeout=60_000)
    assert "Formation des coordinateurs de CPTS" in page.locator("h1").first.inner_text()
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert {"Fichier", "Édition", "Exécution", "Noyau"} <= set(menus)
    assert not any("nbgrader" in m.lower() or "formgrader" in m.lower() for m in menus)
    # Merely opened, the home notebook is not marked as modified once its kernel runs.
    page.wait_for_selector(
        f"{CURRENT_NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=120_000,
    )
    page.wait_for_timeout(2_000)
    assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0
    # Every menu path the course names exists, spelt as JupyterLab shows it.
    shown = menu_items(page)
    named = menu_paths_named_in_the_course()
    assert ("Fichier", "Sauvegarder Notebook") in named
    missing = [f"{m} › {i}" for m, i in sorted(named) if i not in shown.get(m, [])]
    assert not missing, f"menus named but not shown: {missing}; shown: {shown}"
    # The module opens from the home page's link.
    page.locator("a:has-text('Module 00')").first.click()
    page.wait_for_selector("h1:has-text('Module 00')", timeout=60_000)
    run_all_cells(page)
    page.wait_for_selector(".widget-dropdown select", timeout=120_000)
    # The commune explorer updates its card.
    page.select_option(".widget-dropdown select", index=2)  # third commune: AUB03
    page.wait_for_selector("text=Saint-Aurèle-du-Causse (pôle de proximité)")
    # The size quiz answers in French.
    page.locator(".widget-radio-box label:has-text('Taille 3')").click()
    page.locator("button:has-text('Vérifier')").click()
    page.wait_for_selector("text=Pas encore")
    page.locator(".widget-radio-box label:has-text('Taille 2')").click()
    page.locator("button:has-text('Vérifier')").click()
    page.wait_for_selector("text=Bonne réponse")
    # The last cell ran and answered (the unanswered exercise), with no error shown.
    page.wait_for_selector("text=aucune réponse numérique", timeout=60_000)
    assert page.locator("text=Traceback").count() == 0


SQUEEZED_OUTPUTS = (
    "Array.from(document.querySelectorAll("
    "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea')).map(e => e.textContent)"
    ".join('').replace(/\\s/g, '')"
)
"""JavaScript: the text of the notebook's outputs, including cells scrolled out of view."""


def _squeezed_outputs(page) -> str:
    """The outputs' text without spaces, whether or not JupyterLab renders them on screen."""
    return page.evaluate(SQUEEZED_OUTPUTS)


def _squeezed_text(page) -> str:
    """The page's visible text without any kind of space (French numbers use narrow ones)."""
    return page.evaluate("document.body.innerText.replace(/\\s/g, '')")


def test_trainee_edits_the_budget_grid_and_delays_a_payment(browser, tmp_path: Path) -> None:
    in_trainee_lab(browser, tmp_path, 1000, _edit_budget_and_delay_payment)


def _edit_budget_and_delay_payment(page, base: str) -> None:
    page.goto(f"{base}/lab/tree/01_budget_aci_tresorerie.ipynb")
    page.wait_for_selector("h1:has-text('Module 01')", timeout=60_000)
    run_all_cells(page)
    page.wait_for_selector("button:has-text('Ajouter la ligne')", timeout=120_000)
    page.wait_for_selector("text=Retard (mois)", timeout=60_000)

    # ACI simulator, contract year 1: access to care reaches 100 % instead of 80 %, so
    # its variable part goes from 11 800 € to 14 750 €: 103 050 € → 106 000 € for the year.
    outputs = _squeezed_outputs(page)
    assert "Totaldel'année1" in outputs and "103050€" in outputs
    readout = page.locator(".widget-slider:has-text('Accès aux soins') .widget-readout").first
    readout.scroll_into_view_if_needed()
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("100")
    page.keyboard.press("Enter")
    page.wait_for_function(f"{SQUEEZED_OUTPUTS}.includes('106000€')", timeout=20_000)
    assert "103050€" not in _squeezed_outputs(page)

    # Double-click the amount of line 7 (6226, accountant's fees: 3 600 €) and type
    # 4 000: charges go from 217 230 € to 217 630 €, a 400 € deficit.
    grid = page.locator(".lm-DataGrid").first
    # Offsets inside the grid: row header 64 px, columns 80 / 480 / 80 / 130 px wide,
    # column header 24 px, rows 20 px high.
    line_7_amount = {"x": 64 + 80 + 480 + 80 + 65, "y": 24 + 6 * 20 + 10}
    grid.dblclick(position=line_7_amount)
    page.keyboard.press("Control+A")
    page.keyboard.type("4000")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.body.innerText.replace(/\\s/g, '').includes('217630,00')", timeout=20_000
    )
    assert "217230,00€" in _squeezed_text(page)  # the products did not move

    # A negative amount is refused in French and the cell keeps its value.
    grid.dblclick(position=line_7_amount)
    page.keyboard.press("Control+A")
    page.keyboard.type("-250")
    page.keyboard.press("Enter")
    page.wait_for_selector(".widget-html-content:has-text('négatif')", timeout=20_000)
    assert "217630,00" in _squeezed_text(page)

    # An amount typed the French way is added as typed (a number field made 150 050 €
    # of « 1500,50 »): charges 217 630 + 1 500,50 = 219 130,50 €.
    form = page.locator(".widget-hbox:has(button:has-text('Ajouter la ligne'))").first
    form.scroll_into_view_if_needed()
    form.locator(".widget-text:has-text('Compte') input").fill("6181")
    form.locator(".widget-text:has-text('Libellé') input").fill("Documentation")
    amount = form.locator(".widget-text:has-text('Montant') input")
    amount.fill("1500,50")
    amount.press("Enter")
    form.locator("button:has-text('Ajouter la ligne')").click()
    page.wait_for_selector("text=Ligne 22 ajoutée", timeout=20_000)
    assert "1500,50€" in _squeezed_text(page) and "219130,50" in _squeezed_text(page)
    assert "150050" not in _squeezed_text(page)

    # The cash opening balance typed with a comma: 80 000,50 €, not 8 000 050 €.
    opening = page.locator(".widget-text:has-text('Trésorerie au 1er janvier') input").first
    opening.scroll_into_view_if_needed()
    opening.fill("80000,50")
    opening.press("Enter")
    page.wait_for_function(
        "document.body.innerText.replace(/\\s/g, '').includes('80000,50€')", timeout=20_000
    )
    assert "8000050" not in _squeezed_text(page)
    opening.fill("80000")
    opening.press("Enter")

    # Delay the 1 April payment by two months: −17 695 € at the end of May.
    handle = page.locator(".widget-slider:has-text('Retard') .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "document.body.innerText.replace(/\\s/g, '').includes('-17695€')", timeout=20_000
    )
    assert page.locator("text=Traceback").count() == 0
