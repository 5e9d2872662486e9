"""Every module notebook executes top to bottom, as a trainee opens it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cpts_training.lab import course_notebooks
from cpts_training.paths import modules_dir


def execute(notebook_path: Path, workdir: Path) -> nbformat.NotebookNode:
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / notebook_path.name
    shutil.copy(notebook_path, copy)
    notebook = nbformat.read(copy, as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts: list[str] = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                parts.append(f"ERREUR {output['ename']}: {output['evalue']}")
            parts.append(str(output.get("text", "")))
            parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


def executed_with_answers(
    notebook: nbformat.NotebookNode, answers: dict[str, str], tmp_path: Path, name: str
) -> tuple[nbformat.NotebookNode, str]:
    """``notebook`` with each placeholder line replaced by the trainee's answer, executed:
    the executed notebook and its outputs' text (no error, no traceback: asserted)."""
    for cell in notebook.cells:
        for placeholder, answer in answers.items():
            cell.source = cell.source.replace(placeholder, answer)
    edited = tmp_path / "rempli" / name
    edited.parent.mkdir()
    nbformat.write(notebook, edited)
    answered = execute(edited, tmp_path / "execution")
    text = outputs_text(answered)
    assert "ERREUR" not in text and "Traceback" not in text
    return answered, text


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """Every course notebook executed once, as a trainee opens it (shared by the tests)."""
    return {
        path.name: execute(path, tmp_path_factory.mktemp(path.stem))
        for path in course_notebooks(modules_dir())
    }


@pytest.mark.parametrize("name", [p.name for p in course_notebooks(modules_dir())])
def test_module_executes_without_error(name: str, executed) -> None:
    text = outputs_text(executed[name])
    assert "ERREUR" not in text
    assert "Traceback" not in text


def test_module_00_shows_data_widgets_and_french_self_check(executed) -> None:
    notebook = executed["00_prise_en_main.ipynb"]
    text = outputs_text(notebook)
    assert "Castelnau-d'Aubrenne" in text
    assert "application/vnd.jupyter.widget-view+json" in str(
        [o for c in notebook.cells for o in c.get("outputs", [])]
    )
    # The unanswered exercise answers in French with a hint, not with an error.
    assert "Pas encore" in text and "remplacez les trois points" in text


def test_module_00_self_check_accepts_the_right_answer(tmp_path: Path) -> None:
    path = modules_dir() / "00_prise_en_main.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if "part_75_plus = ..." in cell.source:
            # Hand-computed: 6 319 people aged 75+ out of 52 886 → 11.9 %.
            cell.source = cell.source.replace("part_75_plus = ...", "part_75_plus = 11.9")
    edited = tmp_path / "edite" / path.name
    edited.parent.mkdir()
    nbformat.write(notebook, edited)
    text = outputs_text(execute(edited, tmp_path))
    assert "Bonne réponse" in text


def _png_outputs(notebook: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize(
    ("name", "charts"),
    [
        ("00_prise_en_main.ipynb", 1),
        ("01_budget_aci_tresorerie.ipynb", 1),
        ("02_diagnostic_territorial.ipynb", 2),  # the age pyramid, the resource map
    ],
)
def test_charts_are_displayed(name: str, charts: int, executed) -> None:
    assert _png_outputs(executed[name]) == charts


MODULE_01 = "01_budget_aci_tresorerie.ipynb"

# The cash plan of exercise 5, as the module's table of payment habits sets it:
# salaries monthly, social charges the month after, rent quarterly in advance, insurance
# in January, indemnities in January and July, accountant and auditor in June, the rest
# monthly (6811 is not a payment).
CASH_TIMINGS = """{
    compte: PaymentTiming(
        "mensuel_m+1" if compte.startswith("6451")
        else "semestriel" if compte.startswith("6228")
        else "trimestriel_avance" if compte == "6132"
        else "annuel" if compte in ("616", "6226", "62262")
        else "mensuel",
        (1, 7) if compte.startswith("6228")
        else (1,) if compte == "616"
        else (6,) if compte in ("6226", "62262")
        else (),
    )
    for compte in constructeur.budget.query("sens == 'charge'")["compte"]
    if not compte.startswith("68")
}"""


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


def shown_before(notebook: nbformat.NotebookNode, marker: str) -> str:
    """Everything a trainee has seen before the cell holding ``marker``: cell outputs and
    the text of every widget displayed above it (from the saved widget state)."""
    state = (
        notebook.metadata.get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    texts: list[str] = []
    seen: set[str] = set()

    def walk(model_id: str) -> None:
        if model_id in seen or model_id not in state:
            return
        seen.add(model_id)
        model = state[model_id].get("state", {})
        _strings(model, texts)
        for ref in re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(model)):
            walk(ref)

    for cell in notebook.cells:
        if marker in cell.source:
            break
        for output in cell.get("outputs", []):
            _strings(output.get("text", ""), texts)
            for kind, value in output.get("data", {}).items():
                if kind == "application/vnd.jupyter.widget-view+json":
                    walk(value["model_id"])
                elif kind != "image/png":
                    _strings(value, texts)
    else:
        raise AssertionError(f"cellule « {marker} » introuvable")
    return re.sub("[\u202f\xa0]", " ", "\n".join(texts))


@pytest.mark.parametrize(
    ("answer", "must_not_show"),
    [
        # Exercise 1: 3/12 × 215 100 + 9/12 × 217 725 = 53 775 + 163 293,75 = 217 068,75.
        ("produit_aci_2026 = ...", ["217 068", "217068"]),
        # Exercise 2: 41 600 × (1 + 0,357) = 56 451,20.
        ("cout_coordinatrice = ...", ["56 451", "56451"]),
        # Exercise 5 is a decision: no widget states the low point or the need.
        ("facilite_de_caisse = ...", ["point bas", "plus bas", "besoin de financement"]),
        # Exercise 6: 0,20 × 15 000 × (3/12 + 9/12) = 3 000 (a fall, never shown as such).
        (
            "baisse_resultat_2026 = ...",
            ["-3 000", "\u22123 000", "\u2212 3 000", "baisse de 3 000"],
        ),
    ],
)
def test_module_01_no_widget_prints_an_answer_before_it_is_asked(
    executed, answer: str, must_not_show: list[str]
) -> None:
    seen = shown_before(executed[MODULE_01], answer)
    assert len(seen) > 1000  # the tables and forms above were read
    assert [text for text in must_not_show if text in seen] == []


def test_module_01_every_exercise_waits_for_the_trainee_in_french(executed) -> None:
    waiting = [c for c in executed[MODULE_01].cells if "Pas encore" in str(c.get("outputs", []))]
    # Six exercises, each with a French hint, none answered by a widget.
    assert len(waiting) == 6
    assert all("Indice" in str(c["outputs"]) for c in waiting)


def test_module_01_accepts_a_trainee_who_does_the_work(tmp_path: Path) -> None:
    path = modules_dir() / MODULE_01
    notebook = nbformat.read(path, as_version=4)
    answers = {
        # Typed the French way, as a calculation.
        "produit_aci_2026 = ...": "produit_aci_2026 = 3 / 12 * 215 100 + 9 / 12 * 217 725",
        "cout_coordinatrice = ...": "cout_coordinatrice = 41 600 + 41 600 * 0,357",
        # Exercise 5 on the plan below: indemnities of January (66 600 + 25 200) / 2
        # = 45 900 take the balance to about −38 755 € at the end of March (−26 155 without
        # the 25 200 € of extra hours, whose half is 12 600): 40 000 € covers it with
        # 3 % of margin (< 25 %), and the first month below zero is January.
        "facilite_de_caisse = ...": "facilite_de_caisse = 40 000 €",
        "premier_mois_a_decouvert = ...": "premier_mois_a_decouvert = 1",
        "baisse_resultat_2026 = ...": "baisse_resultat_2026 = 3 000",
    }
    # What the trainee does in the forms, written as the form's own calls.
    after = {
        # Exercise 3: the brief entered, and the 25 399,07 € surplus spent on the parcours
        # group: 12 professionals × 35 more hours × 60 € = 25 200 → result +199,07 €.
        "constructeur = BudgetBuilder.for_module(cas)": (
            "from dataclasses import replace\n"
            "from cpts_training.budget import load_budget_brief\n"
            "besoins = load_budget_brief()\n"
            "groupes = list(besoins.indemnities)\n"
            "groupes[1] = replace(groupes[1], hours_each=55)\n"
            "constructeur.fill(replace(besoins, indemnities=tuple(groupes)), with_aci=True)"
        ),
        # Exercise 4: the fall-prevention action loses its funding: 604 16 800 → 12 500
        # (4 300, 4 100 booked); 625 4 800 → 2 800 (2 000); 6185 1 500 → 900 (600);
        # 626 1 300 → 1 000 (300): 4 300 + 2 000 + 600 + 300 = 7 200 € cut.
        "formulaire = BudgetRevisionForm.from_case_study()": (
            "for compte, montant in {'604': '12 500', '625': '2 800', '6185': '900', "
            "'626': '1 000'}.items():\n"
            "    formulaire.fields[compte].value = montant"
        ),
    }
    for cell in notebook.cells:
        for placeholder, answer in answers.items():
            cell.source = cell.source.replace(placeholder, answer)
        if "CashPlanBuilder.from_case_study_2026(constructeur.budget)" in cell.source:
            cell.source = cell.source.replace(
                "from_case_study_2026(constructeur.budget)",
                f"from_case_study_2026(constructeur.budget, {CASH_TIMINGS})",
            )
            cell.source = "from cpts_training.budget import PaymentTiming\n" + cell.source
    for marker, action in after.items():
        position = next(i for i, c in enumerate(notebook.cells) if marker in c.source)
        notebook.cells.insert(position + 1, nbformat.v4.new_code_cell(action))
    edited = tmp_path / "rempli" / path.name
    edited.parent.mkdir()
    nbformat.write(notebook, edited)
    answered = execute(edited, tmp_path / "execution")
    text = outputs_text(answered)
    assert "ERREUR" not in text and "Traceback" not in text
    right = [c for c in answered.cells if "Bonne réponse" in str(c.get("outputs", []))]
    assert len(right) == 6, [
        c.source[-80:] for c in answered.cells if "Pas encore" in str(c.get("outputs", []))
    ]
    # The summary for the CA was written, as HTML and DOCX, in the trainee's folder.
    written = tmp_path / "execution" / "mes_documents"
    assert sorted(p.name for p in written.iterdir()) == [
        "synthese_budget_2026.docx",
        "synthese_budget_2026.html",
    ]


MODULE_02 = "02_diagnostic_territorial.ipynb"


@pytest.mark.parametrize(
    ("answer", "must_not_show"),
    [
        # Exercise 1: 39 GPs × 10 000 / 52 886 inhabitants = 7,37 → 7,4.
        ("densite_mg = ...", ["7,4", "7,37"]),
        # Exercise 2: 14 GPs aged 60+ / 39 = 35,9 %.
        ("part_mg_60_plus = ...", ["35,9", "35,8"]),
        # Exercise 3: (2 / 4 000 + 1 / 3 000) × 100 000 = 50 + 33,3 = 83,3.
        ("accessibilite_b = ...", ["83,3"]),
        # Exercise 5: (39 − 14) × 10 000 / 52 886 = 4,73 → 4,7 for the whole territory
        # (Peyrolac's own density, 1 × 10 000 / 2 129, also rounds to 4,7: not the answer).
        (
            "densite_mg_dans_5_ans = ...",
            ["4,73", re.compile(r"territoire(?:(?!</tr>).)*>4,7<", re.S)],
        ),
    ],
)
def test_module_02_no_widget_prints_an_answer_before_it_is_asked(
    executed, answer: str, must_not_show: list[str | re.Pattern[str]]
) -> None:
    seen = shown_before(executed[MODULE_02], answer)
    assert len(seen) > 1000
    shown = [
        text
        for text in must_not_show
        if (text.search(seen) if isinstance(text, re.Pattern) else text in seen)
    ]
    assert shown == []


def test_module_02_accepts_a_trainee_who_does_the_work(tmp_path: Path) -> None:
    path = modules_dir() / MODULE_02
    notebook = nbformat.read(path, as_version=4)
    answers = {
        "densite_mg = ...": "densite_mg = 39 * 10 000 / 52 886",
        "part_mg_60_plus = ...": "part_mg_60_plus = 35,9 %",
        "accessibilite_b = ...": "accessibilite_b = (2 / 4 000 + 1 / 3 000) * 100 000",
        # Exercise 4: the zoning threshold of about 46 GPs per 100 000; the explorer then
        # flags the five communes under it (accessibility 31,9 · 38,0 · 31,5 · 35,4 · 35,4).
        "seuil_choisi = ...": "seuil_choisi = 46",
        "communes_prioritaires = ...": (
            'communes_prioritaires = ["AUB13", "AUB14", "AUB16", "AUB17", "AUB18"]'
        ),
        "densite_mg_dans_5_ans = ...": "densite_mg_dans_5_ans = 4,7",
    }
    answered, _ = executed_with_answers(notebook, answers, tmp_path, path.name)
    right = [c for c in answered.cells if "Bonne réponse" in str(c.get("outputs", []))]
    assert len(right) == 5


MODULE_03 = "03_comptes_eprd_analyse_financiere.ipynb"


@pytest.mark.parametrize(
    ("answer", "must_not_show"),
    [
        # Exercise 1: CAF 2025 = 209 875 − 195 186 + 1 300 (6811) = 15 989.
        ("caf_2025 = ...", ["15 989", "15989"]),
        # Exercise 2: FRNG = 30 000 + 15 000 + 14 689 + 1 300 − 3 900 = 57 089;
        # BFR = 31 000 − 49 200 = −18 200; trésorerie 75 289 is the bank line (shown).
        ("frng_2025 = ...", ["57 089", "57089", "18 200", "18200"]),
        # Exercise 3: apport = 15 989 − 3 900 = 12 089.
        ("apport_fonds_de_roulement_2025 = ...", ["12 089", "12089"]),
        # Exercise 5: groupe II 538 000 − 526 000 = 12 000 (the variance table is not shown).
        ("ecart_groupe_ii = ...", ["Écart", "écart (€)", "+12 000"]),
        # Exercise 7: 0,8 × 51 120 × 1,02 = 41 713,92.
        ("cout_poste_2027 = ...", ["41 713", "41713", "41 714"]),
    ],
)
def test_module_03_no_widget_prints_an_answer_before_it_is_asked(
    executed, answer: str, must_not_show: list[str]
) -> None:
    seen = shown_before(executed[MODULE_03], answer)
    assert len(seen) > 1000
    assert [text for text in must_not_show if text in seen] == []


def test_module_03_every_exercise_waits_for_the_trainee_in_french(executed) -> None:
    waiting = [c for c in executed[MODULE_03].cells if "Pas encore" in str(c.get("outputs", []))]
    # Five exercise cells: CAF; FRNG, BFR and trésorerie (one cell); apport; écart; coût.
    assert len(waiting) == 5
    assert all(
        "Indice" in str(c["outputs"]) or "aucune réponse" in str(c["outputs"]) for c in waiting
    )


def test_module_03_accepts_a_trainee_who_does_the_work(tmp_path: Path) -> None:
    path = modules_dir() / MODULE_03
    notebook = nbformat.read(path, as_version=4)
    answers = {
        "caf_2025 = ...": "caf_2025 = 209 875 - 195 186 + 1 300",
        "frng_2025 = ...": "frng_2025 = 30 000 + 15 000 + 14 689 + 1 300 - 3 900",
        "bfr_2025 = ...": "bfr_2025 = 30 000 + 1 000 - 3 600 - 5 000 - 600 - 40 000",
        "apport_fonds_de_roulement_2025 = ...": "apport_fonds_de_roulement_2025 = 15 989 - 3 900",
        "ecart_groupe_ii = ...": "ecart_groupe_ii = 538 000 - 526 000",
        "cout_poste_2027 = ...": "cout_poste_2027 = 0,8 * 51 120 * 1,02",
    }
    answered, _ = executed_with_answers(notebook, answers, tmp_path, path.name)
    # Seven verdicts: CAF, FRNG, BFR, trésorerie (FRNG − BFR = the bank), apport, écart, coût.
    right = [
        output
        for c in answered.cells
        for output in c.get("outputs", [])
        if "Bonne réponse" in str(output)
        or "identité du bilan financier est vérifiée" in str(output)
    ]
    assert len(right) == 7
