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
    trainee would click again, and so does this helper, once. A kernel-choice dialog
    that a busy JupyterLab may show is accepted, as a trainee would.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_selector(
        f"{CURRENT_NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=120_000,
    )
    started = f"{CURRENT_NOTEBOOK} .jp-CodeCell .jp-InputPrompt:text-matches('[*0-9]')"
    for attempt, timeout in enumerate((30_000, 90_000)):
        # On a busy machine JupyterLab may ask for the kernel although the notebook names
        # it (« Sélectionnez le noyau », Python 3 preselected): a trainee accepts it.
        menu = page.locator(".lm-MenuBar-itemLabel:text-is('Exécution')")
        try:
            menu.click(timeout=15_000)
        except PlaywrightTimeout:
            kernel_choice = page.locator(".jp-Dialog:has-text('Sélectionnez le noyau')")
            kernel_choice.first.locator("button.jp-mod-accept").click()
            menu.click()
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


def test_trainee_does_module_01_activities_through_the_widgets(browser, tmp_path: Path) -> None:
    in_trainee_lab(browser, tmp_path, 1000, _do_module_01_activities)


def _cell(page, source: str):
    """The code cell of the notebook on screen whose source contains ``source``."""
    return page.locator(f"{CURRENT_NOTEBOOK} .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea", has_text=source)
    )


def _squeezed(locator) -> str:
    """The text of ``locator``'s element without any kind of space."""
    return locator.evaluate("e => e.textContent.replace(/\\s/g, '')")


def _wait_squeezed(locator, text: str, timeout: int = 60_000) -> None:
    """Wait until ``locator``'s text, without spaces, contains ``text`` (a minute: on a
    machine busy grading copies, a widget's kernel may answer late)."""
    locator.page.wait_for_function(
        "([e, t]) => e.textContent.replace(/\\s/g, '').includes(t)",
        arg=[locator.element_handle(), text],
        timeout=timeout,
    )


def _type_french(field, text: str) -> None:
    """Type ``text`` in a text field as a trainee does, then Entrée."""
    field.scroll_into_view_if_needed()
    field.click()
    field.press("Control+A")
    field.type(text)
    field.press("Enter")


def _answer(page, check: str, placeholder_line: str, answer_line: str) -> None:
    """Replace a line of the exercise cell calling ``check`` by the trainee's answer and
    run the cell: « Bonne réponse »."""
    cell = _cell(page, check)
    line = cell.locator(".cm-line", has_text=placeholder_line).first
    line.scroll_into_view_if_needed()
    line.click()
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.type(answer_line)
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-OutputArea:has-text('Bonne réponse')").wait_for(timeout=30_000)


def _do_module_01_activities(page, base: str) -> None:
    page.goto(f"{base}/lab/tree/01_budget_aci_tresorerie.ipynb")
    page.wait_for_selector("h1:has-text('Module 01')", timeout=60_000)
    run_all_cells(page)
    page.wait_for_selector("button:has-text('Ajouter un poste')", timeout=120_000)
    page.wait_for_selector(".widget-dropdown:has-text('Rythme de paiement')", timeout=120_000)

    # Activity 1 and exercises 1–2: the answers typed the French way in the cells.
    _answer(
        page,
        "check_aci_product(",
        "produit_aci_2026 = ...",
        "produit_aci_2026 = 3 / 12 * 215 100 + 9 / 12 * 217 725",
    )
    _answer(
        page,
        "check_coordinator_cost(",
        "cout_coordinatrice = ...",
        "cout_coordinatrice = 41 600 + 41 600 * 0,357",
    )

    # Activity 2: the budget built in the form, from the posts and indemnities typed.
    builder = _cell(page, "BudgetBuilder.for_module(cas)").locator(".jp-OutputArea")
    builder.locator("button:has-text('Ajouter un poste')").click()
    rows = builder.locator(".widget-hbox:has(> button:has-text('Retirer'))")
    post = rows.first.locator("input[type='text']")
    _type_french(post.nth(0), "Coordinatrice")
    _type_french(post.nth(1), "1")
    _type_french(post.nth(2), "41 600")
    _wait_squeezed(builder, "64111")
    _wait_squeezed(builder, "41600,00€")
    _wait_squeezed(builder, "14851,20€")  # 41 600 × 0,357 after the RGDU
    builder.locator("button:has-text('Ajouter un groupe')").click()
    group = rows.nth(1).locator("input[type='text']")
    for field, text in zip(range(4), ("Parcours", "12", "20", "60"), strict=True):
        _type_french(group.nth(field), text)
    _wait_squeezed(builder, "14400,00€")  # 12 × 20 h × 60 €
    builder.locator('.widget-checkbox:has-text("Ajouter l\'ACI") input').click()
    _wait_squeezed(builder, "217068,75€")
    # A number that is not one is refused in French and the last valid budget stays.
    _type_french(post.nth(1), "1,5,2")
    refusal = builder.locator(".widget-html-content:has-text('Saisie refusée')")
    refusal.first.wait_for(timeout=20_000)
    assert "ETP" in refusal.first.inner_text()
    assert "41600,00€" in _squeezed(builder)
    _type_french(post.nth(1), "abc")
    refusal.first.wait_for(timeout=20_000)
    _type_french(post.nth(1), "1")
    page.wait_for_function(
        "e => !e.textContent.includes('Saisie refusée')",
        arg=builder.element_handle(),
        timeout=20_000,
    )
    builder.locator("button:has-text('Exporter en XLSX')").click()
    builder.locator("text=Classeur enregistré").wait_for(timeout=20_000)
    assert "budget_previsionnel_2026.xlsx" in builder.inner_text()

    # Activity 3: the summary for the CA, presented again from the form, then saved.
    presentation = _cell(page, "synthese = budget_presentation(")
    presentation.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    saved = _cell(page, "synthese.save(").locator(".jp-OutputArea")
    saved.locator("text=Synthèse enregistrée").wait_for(timeout=60_000)
    assert ".docx" in saved.inner_text()
    # The summary rounds to the euro: the ACI of the civil year, 217 068,75 €, shows as
    # 217 069 € once the form's ACI box is ticked.
    assert "217069€" in _squeezed(presentation.locator(".jp-OutputArea"))

    # Activity 4: the budget rectificatif, amounts typed the French way.
    revision = _cell(page, "BudgetRevisionForm.from_case_study()").locator(".jp-OutputArea")
    consequences_before = _squeezed(revision)
    assert "-7200,00€" in consequences_before
    line_625 = revision.locator(".widget-hbox:has(b:text-is('625'))")
    _type_french(line_625.locator("input"), "2 800")
    _wait_squeezed(revision, "-5200,00€")  # 2 000 € less charges, 2 000 € better result
    locked = revision.locator(".widget-hbox:has(.widget-html-content:has-text('🔒'))")
    # Salaries (4 lines), the socle indemnities and five signed commitments.
    assert locked.count() == 10
    for rank in range(locked.count()):
        assert locked.nth(rank).locator("input").is_disabled()
    line_626 = revision.locator(".widget-hbox:has(b:text-is('626'))")
    _type_french(line_626.locator("input"), "1 250,50")
    _wait_squeezed(revision, "-5150,50€")  # 1 300 → 1 250,50: 49,50 € better
    assert "1250,50€" in _squeezed(revision) and "125050" not in _squeezed(revision)
    assert "non lu" not in revision.inner_text()

    # Activity 5: the cash plan, one payment rhythm per line, then the facility.
    # The form is built again from the budget of activity 2 (its salary lines included).
    plan_cell = _cell(page, "CashPlanBuilder.from_case_study_2026(")
    plan_cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    cash = plan_cell.locator(".jp-OutputArea")
    cash.locator(".widget-hbox:has(b:text-is('64111'))").wait_for(timeout=60_000)
    rhythms = cash.locator(".widget-dropdown:has-text('Rythme de paiement') select")
    count = rhythms.count()
    assert count >= 12
    monthly = "Mensuel : 12 paiements égaux, dans le mois"
    for rank in range(2):
        rhythms.nth(rank).scroll_into_view_if_needed()
        rhythms.nth(rank).select_option(label=monthly)
    missing = cash.locator(".widget-html-content:has-text('Lignes à compléter')")
    missing.first.wait_for(timeout=20_000)
    page.wait_for_function(
        "e => (e.textContent.match(/à choisir\\)/g) || []).length === " + str(count - 2),
        arg=missing.first.element_handle(),
        timeout=20_000,
    )
    for rank in range(2, count):
        rhythms.nth(rank).scroll_into_view_if_needed()
        rhythms.nth(rank).select_option(label=monthly)
    cash.locator("th:has-text('Solde en fin de mois')").wait_for(timeout=30_000)
    assert missing.count() == 0
    facility = cash.locator(".widget-text:has-text('Facilité de caisse accordée') input")
    _type_french(facility, "40 000")
    cash.locator("text=/Facilité de caisse : (couvert|pas couvert)/").wait_for(timeout=20_000)
    assert cash.locator("img[src^='blob:'], img[src^='data:']").count() >= 1
    assert page.locator("text=Traceback").count() == 0


def test_trainee_does_module_02_activities_through_the_widgets(browser, tmp_path: Path) -> None:
    space = tmp_path / "espace"
    in_trainee_lab(
        browser, tmp_path, 1000, lambda page, base: _do_module_02_activities(page, base, space)
    )


def _do_module_02_activities(page, base: str, space: Path) -> None:
    # No Internet for the map tiles, whatever the machine: the maps must read without them.
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(f"{base}/lab/tree/02_diagnostic_territorial.ipynb")
    # The expected figures come from the library; loading it here overlaps the lab's.
    from cpts_training.formatting import format_number_fr
    from cpts_training.territory import load_territory
    from cpts_training.territory.checks import gp_accessibility

    territory = load_territory()
    expected = gp_accessibility(territory).set_index("code_commune")["accessibilite"]
    names = territory.communes.set_index("code_commune")["commune"]
    page.wait_for_selector("h1:has-text('Module 02')", timeout=60_000)
    run_all_cells(page)
    # The last widget drawn: « Mon territoire », near the end of the module.
    page.wait_for_selector("button:has-text('Décrire mon territoire')", timeout=120_000)

    # Exercise 1: 39 GPs (15 + 6 + 4 + 3 + 2 + 2 + 2 + 1 + 1 + 1 + 1 + 1 in
    # professionnels.csv) for 52 886 inhabitants (communes.csv): 39 × 10 000 ÷ 52 886
    # = 7,37 → 7,4 per 10 000.
    _answer(
        page,
        "check_gp_density(",
        "densite_mg = ...",
        "densite_mg = 39 * 10 000 / 52 886",
    )
    # Exercise 2, first forgetting the × 100: 14 GPs of 60 or more (6 + 1 + 2 + 1 + 1 + 1
    # + 1 + 1) out of 39 is 0,36, refused in French; then 14 ÷ 39 × 100 = 35,9 %.
    gp_60 = _cell(page, "check_gp_60_plus(")
    line = gp_60.locator(".cm-line", has_text="part_mg_60_plus = ...").first
    line.scroll_into_view_if_needed()
    line.click()
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.type("part_mg_60_plus = 14 / 39")
    page.keyboard.press("Control+Enter")
    # (The cell's first run, from « Exécuter toutes les cellules », also says « Pas
    # encore », for the missing answer: wait for the fraction's own message.)
    refusal = gp_60.locator(".jp-OutputArea", has_text="c'est une fraction")
    refusal.wait_for(timeout=30_000)
    assert "Pas encore" in refusal.inner_text()
    assert "Multipliez par 100" in refusal.inner_text()
    assert "Traceback" not in refusal.inner_text()
    _answer(
        page, "check_gp_60_plus(", "part_mg_60_plus = 14 / 39", "part_mg_60_plus = 14 / 39 * 100"
    )
    # Exercise 3: A's 2 GPs serve A and B (3 000 + 1 000 within 20 min), C's one GP serves
    # C and B (2 000 + 1 000); B reaches both: (2/4 000 + 1/3 000) × 100 000 = 83,3.
    _answer(
        page,
        "check_toy_accessibility(",
        "accessibilite_b = ...",
        "accessibilite_b = (2 / 4 000 + 1 / 3 000) * 100 000",
    )

    # The explorer: the accessibility with the trainee's own threshold, typed in French.
    explorer = _cell(page, "TerritoryExplorer.from_case_study()").locator(".jp-OutputArea")
    explorer.scroll_into_view_if_needed()
    explorer.locator(".widget-dropdown:has-text('Indicateur') select").select_option(
        label="Accessibilité (2SFCA, à la manière de l'APL)"
    )
    _type_french(explorer.locator(".widget-text:has-text('Seuil choisi') input"), "46,3")
    explorer.locator("th:has-text('Sous le seuil')").wait_for(timeout=30_000)
    # At 46,3, Montcaussel (46,8) and Tournadel (47,3) are just above, Lespinassol (31,9)
    # and Ségalières (31,5) under: the values as the library computes them.
    for code, under in (("AUB04", "non"), ("AUB15", "non"), ("AUB13", "oui"), ("AUB16", "oui")):
        row = explorer.locator(f'tr:has(td:text-is("{names[code]}"))')
        cells = [text.strip() for text in row.locator("td").all_inner_texts()]
        assert cells[2].replace("\u202f", " ") == format_number_fr(expected[code], 1), cells
        assert cells[-1] == under, cells
    under_threshold = [c for c in expected.index if expected[c] < 46.3]
    assert len(under_threshold) == 5  # Lespinassol, Bouscarens, Ségalières, Gardissol, Caussanel
    assert explorer.locator("td:text-is('oui')").count() == 5
    # The whole territory, weighted by demand: 68,1, not under the threshold.
    total = explorer.locator(
        "tr:has(td:text-is('Ensemble du territoire (18 communes)')) td"
    ).all_inner_texts()
    assert [total[2].strip(), total[-1].strip()] == ["68,1", "non"], total

    # The interactive map draws the 18 communes even without the tiles.
    explorer.locator(".lm-TabBar-tab:has-text('Carte interactive')").click()
    leaflet = explorer.locator(".leaflet-container")
    leaflet.wait_for(timeout=60_000)
    communes = leaflet.locator("path.leaflet-interactive[stroke='#424242']")
    page.wait_for_function(
        "e => e.querySelectorAll(\"path.leaflet-interactive[stroke='#424242']\").length === 18",
        arg=leaflet.element_handle(),
        timeout=30_000,
    )
    assert communes.count() == 18
    assert "le fond de carte OpenStreetMap reste gris" in explorer.inner_text()
    # The mouse on Lauzadel, just above-left of its name (Lauzadel has no structure):
    # the information box names it with its accessibility.
    label = leaflet.locator(".leaflet-marker-icon:has(span:text-is('Lauzadel'))")
    box = label.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] - 6, box["y"] - 6)
    info = leaflet.locator(".leaflet-top.leaflet-right")
    _wait_squeezed(info, "Lauzadel")
    _wait_squeezed(info, format_number_fr(expected["AUB05"], 1).replace(" ", ""))
    # The age pyramid of the selected communes: an image.
    explorer.locator(".lm-TabBar-tab:has-text('Pyramide des âges')").click()
    page.wait_for_function(
        "e => Array.from(e.querySelectorAll('img')).some("
        "i => i.offsetParent !== null && i.complete && i.naturalWidth > 0)",
        arg=explorer.element_handle(),
        timeout=30_000,
    )

    # « Mon territoire »: three real communes, typed one per line as code or name.
    mine = _cell(page, "MyTerritory()").locator(".jp-OutputArea")
    communes_field = mine.locator(".widget-textarea textarea").first
    communes_field.scroll_into_view_if_needed()
    communes_field.click()
    communes_field.type("34145\nLunel-Viel\nMauguio")
    mine.locator("button:has-text('Décrire mon territoire')").click()
    # Lunel 26 623 + Lunel-Viel 4 507 + Mauguio 16 522 = 47 652 inhabitants (INSEE 2023),
    # between 40 000 and 80 000: ACI size 2.
    _wait_squeezed(mine, "3communes,47652habitants,tailleACI2", timeout=60_000)
    page.wait_for_function(
        "e => Array.from(e.querySelectorAll('img')).some("
        "i => i.offsetParent !== null && i.complete && i.naturalWidth > 0)",
        arg=mine.element_handle(),
        timeout=30_000,
    )
    mine.locator(".lm-TabBar-tab:has-text('Carte interactive')").click()
    circles = mine.locator(".leaflet-container path.leaflet-interactive")
    page.wait_for_function(
        "e => e.querySelectorAll('.leaflet-container path.leaflet-interactive').length === 3",
        arg=mine.element_handle(),
        timeout=60_000,
    )
    assert circles.count() == 3
    # 20 GPs in Lunel (the grid's first field: Lunel's GPs), the CPTS named, exported.
    grid = mine.locator(".widget-gridbox")
    assert grid.locator(".widget-label", has_text="hab.").first.inner_text().startswith("Lunel (")
    _type_french(grid.locator("input").first, "20")
    _wait_squeezed(mine, "Effectifslus:Médecinsgénéralistes20.")
    _type_french(
        mine.locator(".widget-text:has-text('Nom de la CPTS') input"), "CPTS du Pays de Lunel"
    )
    mine.locator("button:has-text('Exporter le diagnostic (DOCX et HTML)')").click()
    mine.locator("text=Diagnostic enregistré").wait_for(timeout=60_000)
    folder = space / "mes_documents"
    assert (folder / "diagnostic_territorial.docx").stat().st_size > 0
    assert (folder / "diagnostic_territorial.html").stat().st_size > 0
    assert "Traceback" not in page.evaluate("document.body.textContent")


def test_trainee_does_module_03_activities_through_the_widgets(browser, tmp_path: Path) -> None:
    space = tmp_path / "espace"
    in_trainee_lab(
        browser, tmp_path, 1000, lambda page, base: _do_module_03_activities(page, base, space)
    )


def _do_module_03_activities(page, base: str, space: Path) -> None:
    page.goto(f"{base}/lab/tree/03_comptes_eprd_analyse_financiere.ipynb")
    page.wait_for_selector("h1:has-text('Module 03')", timeout=60_000)
    run_all_cells(page)
    # The last widget drawn: « Ma CPTS », at the end of the module.
    page.wait_for_selector('button:has-text("Utiliser l\'exemple")', timeout=120_000)

    # Exercise 1, first forgetting the dotation (6811, 1 300 €): the résultat 209 875
    # − 195 186 = 14 689 is refused in French; then with it, 15 989 €.
    cell = _cell(page, "check_caf(")
    line = cell.locator(".cm-line", has_text="caf_2025 = ...").first
    line.scroll_into_view_if_needed()
    line.click()
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.type("caf_2025 = 209 875 - 195 186")
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-OutputArea:has-text('trop faible')").wait_for(timeout=30_000)
    assert "Traceback" not in _squeezed(cell)
    _answer(
        page, "check_caf(", "caf_2025 = 209 875 - 195 186", "caf_2025 = 209 875 - 195 186 + 1 300"
    )
    # Exercise 2: FRNG 30 000 + 15 000 + 14 689 + 1 300 − 3 900 = 57 089 and BFR
    # 30 000 + 1 000 − (3 600 + 5 000 + 600 + 40 000) = −18 200, typed the French way.
    balance = _cell(page, "check_tresorerie(")
    for placeholder, typed in (
        ("frng_2025 = ...", "frng_2025 = 30 000 + 15 000 + 14 689 + 1 300 - 3 900"),
        ("bfr_2025 = ...", "bfr_2025 = 30 000 + 1 000 - 3 600 - 5 000 - 600 - 40 000"),
    ):
        line = balance.locator(".cm-line", has_text=placeholder).first
        line.scroll_into_view_if_needed()
        line.click()
        page.keyboard.press("Home")
        page.keyboard.press("Shift+End")
        page.keyboard.type(typed)
    page.keyboard.press("Shift+Enter")
    balance.locator(".jp-OutputArea:has-text('identité du bilan financier est vérifiée')").wait_for(
        timeout=30_000
    )

    # Exercise 6: the CPOM's measures typed in the EPRD form. Groupe II + 30 000 €
    # alone: résultat 1 500 − 30 000 = −28 500 €; then a bad number is refused in French.
    eprd = _cell(page, "EprdForm.from_case_study(").locator(".jp-OutputArea")
    personnel = eprd.locator(".widget-text:has-text('Groupe II – Charges') input")
    _type_french(personnel, "30 000")
    eprd.locator("button:has-text('Calculer')").click()
    _wait_squeezed(eprd, "-28500€")
    _wait_squeezed(eprd, "+30000€")
    _type_french(personnel, "10 000,5,0")
    _wait_squeezed(eprd, "10000,5,0")
    assert "Traceback" not in _squeezed(eprd)

    # Exercise 8: 2,3 ETP in 2027 (1,5 + the 0,8 ETP post): personnel 2,3 × 51 120 × 1,02
    # = 119 927,52 €; résultat 2027 = 32 431,40 − 0,8 × 51 120 × 1,02 = −9 282,52 €.
    plan = _cell(page, "PlanForm.from_case_study(").locator(".jp-OutputArea")
    etp_2027 = plan.locator(".widget-text input").nth(1)  # ETP row: 2026, 2027, …
    _type_french(etp_2027, "2,3")
    _wait_squeezed(plan, "119928€")
    _wait_squeezed(plan, "-9283€")

    # « Ma CPTS »: the example balance analysed (résultat 6 310,40 €), no traceback.
    mine = _cell(page, "MyAccounts(").locator(".jp-OutputArea")
    mine.locator('button:has-text("Utiliser l\'exemple")').click()
    _wait_squeezed(mine, "6310,40€")
    assert "Traceback" not in _squeezed_outputs(page)
