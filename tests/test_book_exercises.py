"""Exercise blocks, worked solutions and figure captions of the public book.

Unit tests of :mod:`cpts_training.book_exercises` on small notebooks; the worked solutions
of ``course/corriges_modules.yaml`` checked against the library (every number a solution
types is recomputed, every filled-in answer is run through the exercise's own check); and
the built book read back (blocks on every module page, no failing check box, captioned
figures with a real alt text).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from cpts_training.book_exercises import (
    ASSESSMENT_DISPLAY_NOTE,
    EXERCISE_HEADING,
    FigureCaption,
    FormExample,
    ModuleBookData,
    Solution,
    add_exercise_blocks,
    assessment_display_notes,
    filled_in,
    french_spacing,
    load_book_data,
    module_key,
)
from cpts_training.errors import CPTSError
from cpts_training.french_kernel import rewrite_french_numbers
from cpts_training.paths import modules_dir
from cpts_training.syllabus import load_syllabus

# --------------------------------------------------------------------------------------
# book_exercises on small notebooks
# --------------------------------------------------------------------------------------

CHECK_CELL = "from cpts_training.x import check_a\n\nreponse = ...\n\ncheck_a(reponse)"


def _notebook() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## 1. Le cadre\n\nUn texte."),
            nbformat.v4.new_markdown_cell(
                "Avant l'exercice.\n\n### Exercice 1 — Un calcul\n\nCalculez la chose."
            ),
            nbformat.v4.new_code_cell(CHECK_CELL),
            nbformat.v4.new_markdown_cell("✍️ *Ma justification :*"),
            nbformat.v4.new_markdown_cell("## 2. Exercice 2 — Écrire\n\nÉcrivez."),
            nbformat.v4.new_markdown_cell("✍️ …"),
            nbformat.v4.new_markdown_cell("## À retenir"),
            nbformat.v4.new_code_cell("plot_chart(cas)"),
        ]
    )


DATA = {
    "01": ModuleBookData(
        solutions={1: Solution("Le corrigé : 217 068,75 €.", {"reponse": "3 / 12 * 4 000"})},
        figures=(
            FigureCaption(
                cell="plot_chart(", name="fig-essai", caption="Une légende.", alt="Un graphique."
            ),
        ),
    )
}


def _sources(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells]


def test_an_exercise_and_its_cells_up_to_the_next_heading_go_in_one_block() -> None:
    sources = _sources(add_exercise_blocks(_notebook(), "01_essai.ipynb", DATA))
    # The text before the heading stays outside; the heading stays a section heading.
    assert sources[1] == "Avant l'exercice."
    assert sources[2] == "### Exercice 1 — Un calcul"
    assert sources[3] == "```{exercise-start}\n:label: m01-ex1\n:nonumber:\n```"
    end = sources.index("```{exercise-end}\n```")
    assert sources[4:end] == ["Calculez la chose.", CHECK_CELL, "✍️ *Ma justification :*"]
    # The second exercise (« ## 2. Exercice 2 — … ») has its own block, without solution.
    second = sources.index("## 2. Exercice 2 — Écrire")
    assert sources[second + 1] == "```{exercise-start}\n:label: m01-ex2\n:nonumber:\n```"
    assert sources[second + 2 : second + 5] == ["Écrivez.", "✍️ …", "```{exercise-end}\n```"]
    assert sources[second + 5] == "## À retenir"
    assert not any("m01-ex2-corrige" in s for s in sources)


def test_commentary_and_charts_after_the_last_check_stay_outside_the_block() -> None:
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("### Exercice 1 — Un risque\n\nCalculez."),
            nbformat.v4.new_code_cell(CHECK_CELL),
            nbformat.v4.new_markdown_cell("La bibliothèque fait le même calcul :"),
            nbformat.v4.new_code_cell("plot_chart(cas)"),
            nbformat.v4.new_markdown_cell("### Rendre compte"),
        ]
    )
    sources = _sources(add_exercise_blocks(notebook, "01_essai.ipynb", DATA))
    end = sources.index("```{exercise-end}\n```")
    assert sources[end - 1] == CHECK_CELL
    # After the solution block, the commentary and the chart, then the next section.
    after = sources.index("```{solution-end}\n```")
    assert sources[after + 1 :] == [
        "La bibliothèque fait le même calcul :",
        "plot_chart(cas)",
        "### Rendre compte",
    ]


def test_the_worked_solution_follows_collapsed_with_the_answer_filled_in() -> None:
    notebook = add_exercise_blocks(_notebook(), "01_essai.ipynb", DATA)
    sources = _sources(notebook)
    start = sources.index(
        "```{solution-start} m01-ex1\n:class: dropdown\n:label: m01-ex1-corrige\n```"
    )
    assert start == sources.index("```{exercise-end}\n```") + 1
    # Amounts keep together: narrow no-break space between digit groups, no-break before €.
    assert sources[start + 1] == "Le corrigé : 217\u202f068,75\u00a0€."
    filled = notebook.cells[start + 3]
    assert filled.cell_type == "code"
    assert "reponse = 3 / 12 * 4 000\n" in filled.source and "check_a(reponse)" in filled.source
    assert "remove-output" not in filled.metadata.get("tags", [])
    assert sources[start + 4] == "```{solution-end}\n```"


def test_the_check_cells_of_the_exercises_lose_their_output_in_the_book() -> None:
    notebook = add_exercise_blocks(_notebook(), "01_essai.ipynb", DATA)
    (check,) = [c for c in notebook.cells if c.source == CHECK_CELL]
    assert check.metadata["tags"] == ["remove-output"]


def test_a_chart_cell_gets_its_caption_label_and_alt_text() -> None:
    notebook = add_exercise_blocks(_notebook(), "01_essai.ipynb", DATA)
    (chart,) = [c for c in notebook.cells if c.source == "plot_chart(cas)"]
    assert chart.metadata["mystnb"] == {
        "figure": {"caption": "Une légende.", "name": "fig-essai"},
        "image": {"alt": "Un graphique."},
    }


def test_a_module_without_data_gets_blocks_but_no_solution() -> None:
    sources = _sources(add_exercise_blocks(_notebook(), "07_autre.ipynb", DATA))
    assert sources.count("```{exercise-end}\n```") == 2
    assert not any("solution-start" in s for s in sources)


def test_bad_data_is_refused_in_french() -> None:
    wrong_answer = {"01": ModuleBookData(solutions={1: Solution("Texte.", {"autre": "1"})})}
    with pytest.raises(CPTSError, match="autre"):
        add_exercise_blocks(_notebook(), "01_essai.ipynb", wrong_answer)
    no_cell = {"01": ModuleBookData(figures=(FigureCaption("absent(", "fig-x", "L.", "A."),))}
    with pytest.raises(CPTSError, match="absent"):
        add_exercise_blocks(_notebook(), "01_essai.ipynb", no_cell)
    with pytest.raises(CPTSError, match="deux chiffres"):
        module_key("evaluation_01.ipynb")


FORM = FormExample(
    after="plot_chart(cas)", code="formulaire.fill(exemple)\n", note="Le livre a rempli."
)


def test_a_form_example_fills_the_form_in_a_hidden_cell_after_its_note() -> None:
    notebook = _notebook()
    notebook.cells[-1].id = "graphe"
    note = nbformat.v4.new_markdown_cell("```{note}\nDans JupyterLab, un formulaire.\n```")
    note.id = "graphe-note"  # the note public_module_version writes under a form
    notebook.cells.append(note)
    data = {"01": ModuleBookData(examples=(FORM,))}
    cells = add_exercise_blocks(notebook, "01_essai.ipynb", data).cells
    position = next(i for i, c in enumerate(cells) if c.source == "plot_chart(cas)")
    filling, form_note, example_note = cells[position + 1 : position + 4]
    assert filling.source == "formulaire.fill(exemple)"
    assert filling.metadata["tags"] == ["remove-cell"]
    assert form_note.id == "graphe-note"
    assert example_note.source == "Le livre a rempli."
    # An example may show a cell's output (not its code) under its note.
    shown = FormExample("plot_chart(cas)", "x = 1", "Note.", show="french_table(x)")
    cells = add_exercise_blocks(
        _notebook(), "01_essai.ipynb", {"01": ModuleBookData(examples=(shown,))}
    ).cells
    assert cells[-1].source == "french_table(x)" and cells[-1].metadata["tags"] == ["remove-input"]
    # Without a note under the form, the example's note follows the hidden cell.
    plain = add_exercise_blocks(_notebook(), "01_essai.ipynb", data).cells
    assert [c.source for c in plain[-2:]] == ["formulaire.fill(exemple)", "Le livre a rempli."]


def test_a_form_example_without_its_form_cell_is_refused_in_french() -> None:
    absent = FormExample(after="absent(", code="x = 1", note="Note.")
    with pytest.raises(CPTSError, match="une seule cellule de code contenant « absent"):
        add_exercise_blocks(
            _notebook(), "01_essai.ipynb", {"01": ModuleBookData(examples=(absent,))}
        )


def test_a_malformed_solutions_file_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "corriges.yaml"
    path.write_text('modules:\n  "01":\n    exercices:\n      1:\n        reponse: {}\n')
    with pytest.raises(CPTSError, match="corrige"):
        load_book_data(path)
    with pytest.raises(CPTSError, match="introuvable"):
        load_book_data(tmp_path / "absent.yaml")


def test_filled_in_keeps_the_comment_after_the_placeholder() -> None:
    source = "mois = ...  # 1 pour janvier\ncheck(mois)"
    assert filled_in(source, {"mois": "3"}) == "mois = 3  # 1 pour janvier\ncheck(mois)"


def test_french_spacing_leaves_code_alone() -> None:
    assert french_spacing("`41 600 * 1,357` vaut 56 451,20 €") == (
        "`41 600 * 1,357` vaut 56\u202f451,20\u00a0€"
    )


# --------------------------------------------------------------------------------------
# Assessments: never a block nor a solution; notes where the book shows no data
# --------------------------------------------------------------------------------------


def test_assessments_get_notes_under_their_data_cells_and_nothing_else(
    assessment_sources: list[Path],
) -> None:
    from cpts_training.trainer.student_version import student_version

    source = next(p for p in assessment_sources if p.name == "evaluation_01.ipynb")
    released = student_version(nbformat.read(source, as_version=4))
    before = len(released.cells)
    noted = assessment_display_notes(released)
    notes = [k for k, c in enumerate(noted.cells) if c.source == ASSESSMENT_DISPLAY_NOTE]
    # Under the contract table, the two funding tables of Q1, the mid-year review of Q4
    # and the budget synthesis of Q5: 5 cells that show a question's data in JupyterLab.
    ids = [noted.cells[k - 1].metadata["nbgrader"]["grade_id"] for k in notes]
    assert ids == ["donnees", "q1_annee_2", "q1_annee_3", "q4_donnees", "q5_donnees"]
    assert len(noted.cells) == before + 5
    text = "\n".join(c.source for c in noted.cells)
    assert "exercise-start" not in text and "solution-start" not in text
    assert "BEGIN SOLUTION" not in text and "Éléments attendus" not in text


def test_evaluation_01_question_4_shows_the_mid_year_figures_it_asks_about(
    assessment_sources: list[Path],
) -> None:
    from cpts_training.budget import load_case_study, load_mid_year_file, mid_year_review
    from cpts_training.formatting import format_number_fr

    source = next(p for p in assessment_sources if p.name == "evaluation_01.ipynb")
    notebook = nbformat.read(source, as_version=4)
    (question,) = [c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == "question_4"]
    case = load_case_study()
    mid_year = load_mid_year_file()
    review = mid_year_review(case.budget, mid_year.actuals, mid_year.seasonality)
    rows = review.set_index("compte")
    for account in ("623", "625", "6156", "626", "6185"):
        budget = format_number_fr(rows.at[account, "prevu_annuel_eur"]).replace("\u202f", " ")
        spent = format_number_fr(rows.at[account, "realise_a_date_eur"]).replace("\u202f", " ")
        # e.g. « | Communication (623) | 4 500 € | 4 300 € | »
        assert re.search(rf"\| [^|]+ \({account}\) \| {budget} € \| {spent} € \|", question.source)


# --------------------------------------------------------------------------------------
# The worked solutions of the course, against the library
# --------------------------------------------------------------------------------------


def _module_notebooks() -> list[tuple[str, nbformat.NotebookNode]]:
    return [
        (m.notebook, nbformat.read(modules_dir() / m.notebook, as_version=4))
        for m in load_syllabus().modules
    ]


def _exercise_numbers(notebook: nbformat.NotebookNode) -> list[int]:
    return [
        int(match.group("number"))
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if (match := EXERCISE_HEADING.match(line))
    ]


def test_every_module_exercise_has_a_worked_solution_and_no_solution_is_orphan() -> None:
    data = load_book_data()
    for name, notebook in _module_notebooks():
        numbers = _exercise_numbers(notebook)
        assert numbers, f"{name} has no exercise"
        assert sorted(data[module_key(name)].solutions) == sorted(numbers), name


def test_the_course_notebooks_get_their_blocks_and_keep_no_solution() -> None:
    data = load_book_data()
    for name, notebook in _module_notebooks():
        text = nbformat.writes(notebook)
        for solution in data[module_key(name)].solutions.values():
            assert solution.text.splitlines()[0] not in text, "no solution in a lab notebook"
        staged = add_exercise_blocks(notebook, name, data)
        starts = [c for c in staged.cells if c.source.startswith("```{exercise-start}")]
        assert len(starts) == len(_exercise_numbers(nbformat.read(modules_dir() / name, 4)))
        captioned = [c for c in staged.cells if "mystnb" in c.metadata]
        assert len(captioned) == len(data[module_key(name)].figures)


def _context(module: str) -> dict[str, Any]:
    """The names an exercise cell of ``module`` uses, as the module's first cells set them."""
    if module in ("00", "02"):
        from cpts_training.territory import load_territory

        return {"territoire": load_territory()}
    if module == "01":
        from cpts_training.budget import load_case_study

        return {"cas": load_case_study()}
    return {}


def _run_cell(source: str, namespace: dict[str, Any]) -> list[Any]:
    """Run ``source`` as the French kernel would (numbers typed the French way); return
    what it displays: ``display(...)`` arguments and the value of its last expression."""
    shown: list[Any] = []
    namespace["display"] = shown.append
    code = "\n".join(rewrite_french_numbers(source.splitlines()))
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<exercice>", "exec"), namespace)  # noqa: S102  # the course's own cell
    if last is not None:
        expression = ast.Expression(last.value)
        shown.append(eval(compile(expression, "<exercice>", "eval"), namespace))  # noqa: S307
    return shown


def _filled_cells() -> list[tuple[str, int, str]]:
    data = load_book_data()
    cells = []
    for name, notebook in _module_notebooks():
        key = module_key(name)
        staged = add_exercise_blocks(notebook, name, data)
        sources = _sources(staged)
        for number, solution in data[key].solutions.items():
            if not solution.answers:
                continue
            start = next(
                k for k, s in enumerate(sources) if f"solution-start}} m{key}-ex{number}\n" in s
            )
            end = sources.index("```{solution-end}\n```", start)
            (code,) = [c.source for c in staged.cells[start:end] if c.cell_type == "code"]
            cells.append((key, number, code))
    return cells


@pytest.mark.parametrize(("module", "number", "code"), _filled_cells())
def test_each_filled_in_answer_is_accepted_by_the_exercise_check(
    module: str, number: int, code: str
) -> None:
    shown = _run_cell(code, _context(module))
    assert shown, "the check shows its verdict"
    for verdict in shown:
        assert verdict.correct, f"module {module}, exercice {number} : {verdict}"
        assert verdict._repr_html_().count("✔ Bonne réponse") == 1


def _euros(value: float) -> str:
    """A number as the solutions write it: « 217 068,75 », « 56 451,20 », « 3 000 »."""
    whole, cents = divmod(round(abs(value) * 100), 100)
    digits = f"{whole:,}".replace(",", " ")
    sign = "− " if value < 0 else ""
    return f"{sign}{digits},{cents:02d}" if cents else f"{sign}{digits}"


def _decimal(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def _solutions_00() -> dict[str, list[str]]:
    from cpts_training.territory import load_territory
    from cpts_training.territory.size import population_date, size_thresholds

    territory = load_territory()
    communes = territory.communes.set_index("commune")
    share = 100 * territory.share_75_plus
    far = communes.sort_values("distance_bourg_min", ascending=False).head(4)
    old_share = 100 * communes["pop_75_plus"] / communes["population"]
    return {
        "1": [
            *(
                f"{name} ({int(minutes)} minutes)"
                for name, minutes in far["distance_bourg_min"].items()
            ),
            f"({_decimal(share)} %)",
            *(f"{_decimal(old_share[n])} % à {n}" for n in ("Caussanel", "Gardissol")),
        ],
        "2": [
            _euros(territory.population) + " habitants",
            ", ".join(_euros(b) for b in size_thresholds(population_date(territory))[:2]),
            _euros(int(communes.at["Castelnau-d'Aubrenne", "population"])) + " habitants",
        ],
        "3": [
            f"{_euros(territory.age_bands.iloc[-1])} ÷ {_euros(territory.population)} × 100 = "
            f"{_decimal(share, 3)}…",
            f"**{_decimal(share)} %**",
        ],
        "4": [f"({_decimal(share)} %)"],
    }


def _solutions_01() -> dict[str, list[str]]:
    from cpts_training.budget import annual_funding, load_case_study
    from cpts_training.budget.checks import (
        BALANCE_MARGIN_EUR,
        COORDINATOR_GROSS_EUR,
        FACILITY_MARGIN,
        aci_product_eur,
        coordinator_cost_eur,
        prevention_sensitivity_eur,
    )
    from cpts_training.budget.payroll import effective_employer_rate

    case = load_case_study()
    pathways = "parcours_pluriprofessionnels"
    year_2, year_3 = (
        float(annual_funding(case.contract, y, case.planned_achievement[y])["total_eur"].sum())
        for y in (2, 3)
    )
    rate = effective_employer_rate(COORDINATOR_GROSS_EUR, on="2026-01-01", working_time=1)
    prevention = case.contract.to_frame().set_index("mission")
    envelope = float(prevention.at["prevention", "part_variable_annuelle_eur"])
    return {
        "1": [
            f"{_euros(year_2)} € pour l'année 2 et {_euros(year_3)} € pour l'année 3",
            f"3 ÷ 12 × {_euros(year_2)} = {_euros(year_2 / 4)} €",
            f"9 ÷ 12 × {_euros(year_3)} = {_euros(year_3 * 3 / 4)} €",
            f"**{_euros(aci_product_eur(case))} €**",
        ],
        "2": [
            f"{_euros(COORDINATOR_GROSS_EUR)} €",
            f"{_decimal(100 * rate)} %",
            f"{_euros(COORDINATOR_GROSS_EUR)} × {_decimal(rate, 3)} = "
            f"{_euros(COORDINATOR_GROSS_EUR * rate)} €",
            f"**{_euros(coordinator_cost_eur())} €**",
        ],
        "3": [
            f"les parcours à {round(100 * case.planned_achievement[2][pathways])} %",
            f"entre − {_euros(BALANCE_MARGIN_EUR)} € et + {_euros(BALANCE_MARGIN_EUR)} €",
        ],
        # A worked example on a need of 12 000 €, with the largest margin the check allows.
        "5": [
            f"au plus {round(100 * FACILITY_MARGIN)} %",
            f"12 000 × {_decimal(1 + FACILITY_MARGIN, 2)} = "
            f"{_euros(12_000 * (1 + FACILITY_MARGIN))} €",
        ],
        "6": [
            f"{_euros(envelope)} × 0,20 = {_euros(envelope * 0.2)} €",
            f"**{_euros(prevention_sensitivity_eur(case))} €**",
            f"({_euros(2 * envelope)} × 0,20 = {_euros(2 * envelope * 0.2)} €)",
        ],
    }


def _solutions_02() -> dict[str, list[str]]:
    from cpts_training.territory import load_territory
    from cpts_training.territory.checks import (
        gp_60_plus_percent,
        gp_accessibility,
        gp_density_per_10000,
        prospective_gp_density,
        toy_accessibility_b,
    )
    from cpts_training.territory.resources import load_professionals

    territory = load_territory()
    counts = load_professionals()
    gps, old = int(counts["medecins_generalistes"].sum()), int(counts["mg_60_plus"].sum())
    access = gp_accessibility(territory, 20).set_index("code_commune")["accessibilite"]
    names = territory.communes.set_index("commune")["code_commune"]
    under_46 = sorted(access[access < 46].index)
    return {
        "1": [
            f"{gps} × 10 000 ÷ {_euros(territory.population)} = "
            f"{_decimal(gp_density_per_10000(territory), 3)}…",
            f"**{_decimal(gp_density_per_10000(territory))} médecins",
        ],
        "2": [
            f"{old} ÷ {gps} × 100 = {_decimal(gp_60_plus_percent(), 3)}…",
            f"**{_decimal(gp_60_plus_percent())} %**",
        ],
        "3": [f"**{_decimal(toy_accessibility_b())} médecins pour 100 000"],
        "4": [
            *(
                f"{n} ({_decimal(access[names[n]])})"
                for n in ("Ségalières", "Lespinassol", "Bouscarens")
            ),
            f"Caussanel et Gardissol ({_decimal(access[names['Caussanel']])} chacune)",
            f"Montcaussel, à {_decimal(access[names['Montcaussel']])}",
            f"Tournadel, à {_decimal(access[names['Tournadel']])}",
            "cinq communes" if len(under_46) == 5 else "?",
        ],
        "5": [
            f"{gps} − {old} = {gps - old}",
            f"{gps - old} × 10 000 ÷ {_euros(territory.population)} = "
            f"{_decimal(prospective_gp_density(territory), 3)}…",
            f"**{_decimal(prospective_gp_density(territory))} médecins",
        ],
    }


def _solutions_03() -> dict[str, list[str]]:
    from cpts_training.finance import (
        caf,
        financial_balance,
        financing_table,
        load_eprd,
        load_errd,
        load_trial_balance,
    )
    from cpts_training.finance.checks import _group_charges
    from cpts_training.finance.plan import PlanHypotheses

    balance = load_trial_balance(2025)
    result = caf(balance, 2025)
    position = financial_balance(balance, 2025)
    previous = financial_balance(load_trial_balance(2024), 2024)
    table = financing_table(load_trial_balance(2024), balance, 2025)
    errd, eprd = _group_charges(load_errd(2025), "II"), _group_charges(load_eprd(2025), "II")
    plan = PlanHypotheses.case_study()
    charges = result.total_produits_eur - result.resultat_eur
    fixed = position.immobilisations_brutes_eur
    return {
        "1": [
            f"= {_euros(result.total_produits_eur)} €",
            f"Charges : {_euros(charges)} €",
            f"Résultat : {_euros(result.total_produits_eur)} − {_euros(charges)} = "
            f"{_euros(result.resultat_eur)} €",
            f"{_euros(result.dotations_eur)} €",
            f"CAF 2025 = {_euros(result.resultat_eur)} + {_euros(result.dotations_eur)} = "
            f"**{_euros(result.caf_eur)} €**",
            f"({_euros(position.tresorerie_eur)} € en banque)",
        ],
        "2": [
            f"= {_euros(position.frng_eur + position.immobilisations_brutes_eur)} €",
            f"FRNG : {_euros(position.frng_eur + position.immobilisations_brutes_eur)} − "
            f"{_euros(fixed)} (2183) = **{_euros(position.frng_eur)} €**",
            f"= {_euros(position.bfr_actif_eur)} €",
            f"= {_euros(position.bfr_passif_eur)} €",
            f"BFR : {_euros(position.bfr_actif_eur)} − {_euros(position.bfr_passif_eur)} = "
            f"**{_euros(position.bfr_eur)} €**",
            f"= {_euros(position.frng_eur)} − ({_euros(position.bfr_eur)}) = "
            f"**{_euros(position.tresorerie_eur)} €**",
        ],
        "3": [
            f"Apport 2025 = {_euros(result.caf_eur)} − {_euros(fixed)} = "
            f"**{_euros(table.variation_fonds_roulement_eur)} €**",
            f"{_euros(position.frng_eur)} − {_euros(previous.frng_eur)} = "
            f"{_euros(table.variation_fonds_roulement_eur)} €",
        ],
        "4": [
            f"résultat de {_euros(result.resultat_eur)} €",
            f"CAF de {_euros(result.caf_eur)} €",
            f"{_decimal(100 * result.taux_caf)} % des produits",
            f"FRNG de {_euros(position.frng_eur)} €",
            f"({_euros(previous.frng_eur)} €)",
            f"trésorerie ({_euros(position.tresorerie_eur)} €)",
            f"({_euros(position.bfr_eur)} €)",
        ],
        "5": [f"{_euros(errd)} − {_euros(eprd)} = **{_euros(errd - eprd)} €**"],
        # The measures of the exercise's statement: + 32 500 € of dotation, + 30 000 € of
        # staff, + 2 500 € of supplies, a 20 000 € vehicle over 5 years.
        "6": [
            f"20 000 ÷ 5 = {_euros(20_000 / 5)} €",
            f"32 500 − 30 000 − 2 500 − 4 000 = {_euros(32_500 - 30_000 - 2_500 - 20_000 / 5)} €",
        ],
        "7": [
            f"0,8 × {_euros(plan.cost_per_etp_eur)} = {_euros(0.8 * plan.cost_per_etp_eur)} €",
            f"{_euros(0.8 * plan.cost_per_etp_eur)} × {_decimal(1 + plan.salary_growth_rate, 2)} = "
            f"**{_euros(0.8 * plan.cost_per_etp_eur * (1 + plan.salary_growth_rate))} €**",
        ],
        "8": [
            f"le poste ({_euros(0.8 * plan.cost_per_etp_eur * (1 + plan.salary_growth_rate))} €",
            f"(6 000 €, soit {_euros(6_000 / 3)} € d'amortissement",
        ],
        "10": [
            f"résultat 2025, {_euros(result.resultat_eur)} €",
            f"CAF de {_euros(result.caf_eur)} €",
            f"fonds de roulement de\n   {_euros(position.frng_eur)} €",
        ],
    }


EXPECTED: dict[str, Callable[[], dict[str, list[str]]]] = {
    "00": _solutions_00,
    "01": _solutions_01,
    "02": _solutions_02,
    "03": _solutions_03,
}


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_the_numbers_the_solutions_type_are_the_librarys(module: str) -> None:
    solutions = load_book_data()[module].solutions
    for number, fragments in EXPECTED[module]().items():
        text = " ".join(solutions[int(number)].text.split())
        for fragment in fragments:
            assert " ".join(fragment.split()) in text, f"module {module}, exercice {number}"


def test_the_figure_texts_quote_the_librarys_shares() -> None:
    from cpts_training.territory import load_territory
    from cpts_training.territory.age import age_structure

    table = age_structure(load_territory()).set_index("tranche_age")
    (pyramid,) = [f for f in load_book_data()["02"].figures if f.name == "fig-m02-pyramide"]
    for band in ("60 à 74 ans", "75 ans et plus"):
        mine, france = table.at[band, "part"], table.at[band, "part_france"]
        # e.g. « 24,2 % de la population du territoire contre 17,5 % en France »
        assert f"{_decimal(100 * mine)} %" in pyramid.alt
        assert f"contre {_decimal(100 * france)} %" in pyramid.alt


# --------------------------------------------------------------------------------------
# The built book
# --------------------------------------------------------------------------------------


def _module_pages(built_book: Path) -> dict[str, str]:
    return {
        Path(m.notebook).stem: (built_book / "modules" / f"{Path(m.notebook).stem}.html").read_text(
            encoding="utf-8"
        )
        for m in load_syllabus().modules
    }


def test_the_budget_form_examples_are_balanced_and_quote_the_librarys_numbers() -> None:
    from cpts_training.budget import load_budget_brief, load_case_study
    from cpts_training.budget.builder import build_budget
    from cpts_training.budget.checks import check_budget_2026
    from cpts_training.budget.widgets import BudgetBuilder, CashPlanBuilder

    example, cash = load_book_data()["01"].examples
    case = load_case_study()
    brief = BudgetBuilder.for_module(case)
    brief.fill(load_budget_brief(), with_aci=True)
    namespace: dict[str, Any] = {"cas": case, "constructeur": BudgetBuilder.for_module(case)}
    exec(compile(example.code, "<exemple>", "exec"), namespace)  # noqa: S102  # course's own code
    form = namespace["constructeur"]
    # The cash plan filled with the case's rhythms has a plan, on the filled budget.
    namespace["CashPlanBuilder"] = CashPlanBuilder
    exec(compile(cash.code, "<exemple>", "exec"), namespace)  # noqa: S102
    assert namespace["tresorerie"].plan is not None
    assert len(namespace["tresorerie"].plan) == 12
    surplus = build_budget(brief.hypotheses).summary.resultat_eur
    result = build_budget(form.hypotheses).summary.resultat_eur
    # 12 professionals × 35 more hours × 60 € = 25 200 € of the surplus spent.
    assert surplus - result == pytest.approx(12 * 35 * 60)
    assert check_budget_2026(form, case).correct
    for number in (surplus, 12 * 35 * 60, result):
        assert _euros(number) in example.note, _euros(number)


def test_module_01_in_the_book_follows_the_filled_in_budget(built_book: Path) -> None:
    html = _module_pages(built_book)["01_budget_aci_tresorerie"]
    text = re.sub(r"<[^>]+>", " ", html)
    assert "le formulaire est rempli pour vous" in text
    # The CA summary, the cash plan's levers and the risks follow a budget in balance
    # (+ 199,07 €), not the empty form (a deficit, no plan).
    assert "pas encore construit" not in text
    flat = " ".join(text.replace("&nbsp;", " ").replace("\xa0", " ").split())
    assert "Résultat (excédent) 199 €" in flat  # the CA summary: 230 568,75 − 230 369,68
    assert "Scénario" in flat and "Variation du résultat (€)" in flat
    # The cash plan the book filled in is shown month by month, its code is not.
    plan = flat.split("Voici ce plan, mois par mois", 1)[1]
    assert "Solde en fin de mois (€)" in plan[:3000] and "décembre" in plan[:3000]
    assert "tresorerie.plan" not in html
    # The risks table is sorted like the tornado: the heaviest loss first.
    risks = re.search(r"Variation du résultat \(€\)</th>.*?</table>", html, re.S)
    assert risks
    losses = [
        float(v.replace("\u202f", "").replace(",", ".").replace("-", "-"))
        for v in re.findall(
            r">(-?[\d\u202f]+(?:,\d+)?)\xa0€</td>\s*<td[^>]*>[^<]*€</td>", risks.group(0)
        )
    ]
    assert len(losses) >= 5 and losses == sorted(losses), losses
    assert "formulaire.fill" not in html and "load_budget_brief" not in html


def test_every_module_page_shows_its_exercises_in_blocks_with_a_collapsed_solution(
    built_book: Path,
) -> None:
    data = load_book_data()
    for stem, html in _module_pages(built_book).items():
        key = module_key(stem)
        numbers = sorted(data[key].solutions)
        for number in numbers:
            label = f"m{key}-ex{number}"
            assert re.search(rf'<div class="exercise[^"]*" id="{label}"', html), label
            solution = re.search(
                rf'<div class="(?P<classes>solution[^"]*)" id="{label}-corrige"', html
            )
            assert solution and "dropdown" in solution.group("classes"), label


def test_no_page_of_the_book_shows_a_failing_check(built_book: Path) -> None:
    pages = sorted(built_book.rglob("*.html"))
    assert len(pages) > 8
    failing = [p.name for p in pages if "✘ Pas encore" in p.read_text(encoding="utf-8")]
    assert failing == []


def test_solutions_show_their_check_accepting_the_filled_in_answer(built_book: Path) -> None:
    data = load_book_data()
    for stem, html in _module_pages(built_book).items():
        key = module_key(stem)
        for number, solution in data[key].solutions.items():
            if not solution.answers:
                continue
            start = html.index(f'id="m{key}-ex{number}-corrige"')
            end = html.find('<div class="exercise', start)
            block = html[start : end if end > 0 else len(html)]
            assert "✔ Bonne réponse" in block, f"m{key}-ex{number}"


def test_every_chart_is_a_numbered_figure_with_a_caption_and_a_real_alt_text(
    built_book: Path,
) -> None:
    figures = 0
    for stem, html in _module_pages(built_book).items():
        # The charts (cell outputs, in _images/); the theme's icons have their own test
        # in test_book_site.py.
        charts = [m.group(0) for m in re.finditer(r"<img [^>]*>", html) if "_images/" in m.group(0)]
        for chart in charts:
            alt = re.search(r'alt="([^"]*)"', chart)
            assert alt, stem
            text = alt.group(1)
            assert len(text) > 40 and not re.search(r"\.(png|svg|jpe?g)$", text), (stem, text)
        for figure in re.finditer(r"<figure[^>]*>(.*?)</figure>", html, re.S):
            figures += 1
            assert "<figcaption" in figure.group(1) and "Fig. " in figure.group(1), stem
        assert len(charts) == len(re.findall(r"<figure[^>]*>\s*<img ", html)), stem
    # The population chart (00), the tornado (01), the pyramid and the map (02).
    assert figures == 4


# --------------------------------------------------------------------------------------
# The charts of the book, legible on a phone
# --------------------------------------------------------------------------------------


def _book_charts() -> dict[str, Any]:
    from cpts_training.budget import load_case_study, result_sensitivity
    from cpts_training.budget.charts import plot_tornado
    from cpts_training.territory import load_structures, load_territory, population_chart
    from cpts_training.territory.maps import plot_resource_map
    from cpts_training.territory.presentation import plot_age_pyramid

    territory, case = load_territory(), load_case_study()
    return {
        "population": population_chart(territory),
        "tornade": plot_tornado(
            result_sensitivity(case.budget, case.contract, 2026, case.planned_achievement)
        ),
        "pyramide": plot_age_pyramid(territory),
        "carte": plot_resource_map(
            territory.communes.set_index("code_commune")["population"],
            load_structures(),
            "Population et structures partenaires",
            value_label="Habitants",
        ),
    }


def test_the_book_charts_keep_their_texts_legible_and_apart_on_a_phone() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from cpts_training.figures import (
        DESKTOP_CONTENT_PX,
        MIN_LABEL_PX,
        PHONE_CONTENT_PX,
        smallest_text_px,
    )

    for name, figure in _book_charts().items():
        # 10,5 pt at 100 dpi = 14,6 px; a 540 px chart in a 342 px column: × 0,633 = 9,2 px.
        assert smallest_text_px(figure, PHONE_CONTENT_PX) >= MIN_LABEL_PX, name
        assert smallest_text_px(figure, DESKTOP_CONTENT_PX) >= 14, name
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        renderer = canvas.get_renderer()
        title = figure.axes[0].title
        box = title.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= figure.bbox.x1 + 1, f"{name}: title runs out"
        others = [
            t.get_window_extent(renderer)
            for t in figure.findobj(Text)
            if t is not title
            and t.get_visible()
            and t.get_text().strip()
            and t.axes is not None
            and t.axes.axison
        ]
        assert not any(box.overlaps(other) for other in others), f"{name}: title collides"
        figure.clear()


def test_the_map_names_every_commune_without_two_names_overlapping() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _book_charts()["carte"]
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].texts]
    assert len(boxes) == 18
    overlaps = [(i, j) for i in range(18) for j in range(i + 1, 18) if boxes[i].overlaps(boxes[j])]
    assert overlaps == []
