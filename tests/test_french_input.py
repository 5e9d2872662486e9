"""Numbers typed the French way, answers diagnosed in French, errors explained in French."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpts_training.answers import AnswerError, answer_problem, require_answer
from cpts_training.checks import check_number
from cpts_training.datasets import load_territory
from cpts_training.display import answer_text, column_total
from cpts_training.errors import InputError
from cpts_training.formatting import (
    NumberFormatError,
    format_number_fr,
    parse_number_fr,
    read_typed_number,
)
from cpts_training.french_kernel import explain_error, rewrite_line
from cpts_training.territory.checks import check_share_75_plus

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("typed", "value", "unit"),
    [
        ("12,5", 12.5, ""),
        ("4 500", 4500.0, ""),
        ("4500 €", 4500.0, "€"),
        ("4 500 €", 4500.0, "€"),
        ("1 500,50", 1500.5, ""),  # the case that became 150 050 in a number field
        ("80000,50", 80000.5, ""),  # the case that became 8 000 050
        (f"1{NNBSP}500,50", 1500.5, ""),
        ("1\u00a0500,50 €", 1500.5, "€"),
        ("11,9 %", 11.9, "%"),
        ("11.9 %", 11.9, "%"),
        ("+3", 3.0, ""),
        ("\u221219 235", -19235.0, ""),  # U+2212 minus sign
        ("-19 235 €", -19235.0, "€"),
        ("205 075", 205075.0, ""),
        ("1.500,50", 1500.5, ""),
        ("0,119", 0.119, ""),
        ("  42  ", 42.0, ""),
        ("1 500 000,25 euros", 1500000.25, "€"),
    ],
)
def test_french_numbers_are_read_as_typed(typed: str, value: float, unit: str) -> None:
    read = read_typed_number(typed)
    assert read.value == pytest.approx(value) and read.unit == unit


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Aucun nombre"),
        ("   ", "Aucun nombre"),
        ("douze", "lettres"),
        ("4 50", "mal groupés"),
        ("12,5,3", "deux séparateurs décimaux"),
        ("83,,3", "deux séparateurs décimaux"),
        ("4 ,7", "un espace touche la virgule"),
        ("7,4.", "il se termine par « . »"),
        ("4.500", "ambigu"),
        ("12 € 50", "nombre seul"),
    ],
)
def test_unreadable_numbers_are_refused_in_french_never_reinterpreted(
    typed: str, reason: str
) -> None:
    with pytest.raises(NumberFormatError) as error:
        read_typed_number(typed)
    assert reason in str(error.value)
    assert "12,5" in str(error.value)  # the accepted forms are shown


def test_a_field_in_euros_refuses_a_percentage_and_the_reverse() -> None:
    assert parse_number_fr("4 500 €", "€") == 4500
    with pytest.raises(NumberFormatError, match="montant en euros"):
        parse_number_fr("45 %", "€")
    with pytest.raises(NumberFormatError, match="pourcentage"):
        parse_number_fr("45 €", "%")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_what_the_course_writes_it_reads_back(number) -> None:
    written = format_number_fr(number, 2)
    assert read_typed_number(written).value == pytest.approx(float(number), abs=1e-9)
    assert read_typed_number(written + "\u00a0€").unit == "€"


# -- answer lines rewritten by the trainee kernel -------------------------------------------


@pytest.mark.parametrize(
    ("line", "rewritten"),
    [
        ("part_75_plus = 12,5\n", "part_75_plus = 12.5\n"),
        ("financement_total = 205 075", "financement_total = 205075"),
        ("x = 4500 €", "x = 4500"),
        ("x = 4 500 €  # mon calcul", "x = 4500  # mon calcul"),
        ("part = 11,9 %", "part = 11.9"),
        ("point_bas = \u221219 235", "point_bas = -19235"),
        ("montant = 1 500,50", "montant = 1500.5"),
        # Left as they are: Python numbers, calculations, texts, comparisons, empty answers.
        ("x = 11.9", "x = 11.9"),
        ("x = 100 * 6319 / 52886", "x = 100 * 6319 / 52886"),
        ('compte = "6063"', 'compte = "6063"'),
        ("x == 12,5", "x == 12,5"),
        ("x = ", "x = "),
        ("x = ...", "x = ..."),
        ("f(a=1, b=2)", "f(a=1, b=2)"),
        ("m = 05", "m = 5"),
        ("part = 6 319 / 52 886 * 100", "part = 6319 / 52886 * 100"),
        ("baisse = 215 100 - 210 600", "baisse = 215100 - 210600"),
    ],
)
def test_answer_lines_typed_the_french_way_are_rewritten(line: str, rewritten: str) -> None:
    assert rewrite_line(line) == rewritten


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("total = 205.075", "ambigu"),  # Python would read 205,075 € silently
        ("baisse = 4.500", "ambigu"),
        ("part = 11;9", "point-virgule"),  # Python would keep 11 silently
        ("part = 12, 5", "un espace touche la virgule"),  # Python would make two numbers
        ("total = 4 50", "mal groupés"),
    ],
)
def test_answers_that_python_would_misread_are_refused_in_french(line: str, reason: str) -> None:
    rewritten = rewrite_line(line)
    assert "refuse_number" in rewritten
    with pytest.raises(NumberFormatError, match=reason):
        exec(rewritten, {})


# -- answers diagnosed ------------------------------------------------------------------------


def test_a_fraction_where_a_percentage_is_asked_is_named() -> None:
    problem = answer_problem(0.119, "part_75_plus", "pourcentage", 0, 100)
    assert problem is not None
    assert "fraction" in problem and "« part_75_plus = 11,9 »" in problem
    assert answer_problem(11.9, "part_75_plus", "pourcentage", 0, 100) is None


def test_a_number_between_quotes_is_named_with_the_fix() -> None:
    problem = answer_problem("2", "taille_aci", "entier", 1, 4)
    assert problem is not None
    assert "texte" in problem and "« taille_aci = 2 »" in problem


def test_a_comma_followed_by_a_space_is_named() -> None:
    problem = answer_problem((12, 5), "part_75_plus", "pourcentage")
    assert problem is not None and "« part_75_plus = 12,5 »" in problem


def test_a_trailing_comma_is_named_as_such() -> None:
    # « caf_2025 = 209 875 - 195 186 + 1 300, » is the tuple (15 989,) in Python.
    problem = answer_problem((15989,), "caf_2025")
    assert problem is not None and "se termine par une virgule" in problem
    assert "« caf_2025 = 15\u202f989 »" in problem and "1 nombres" not in problem


@pytest.mark.parametrize(
    ("value", "kind", "bounds", "needle"),
    [
        (..., "nombre", (None, None), "pas encore de réponse"),
        (None, "nombre", (None, None), "pas encore de réponse"),
        (2.5, "entier", (1, 4), "nombre entier"),
        (5, "entier", (1, 4), "entre 1 et 4"),
        (-3, "nombre", (0, None), "au moins 0"),
        (True, "nombre", (None, None), "doit être un nombre"),
        ([1, 2], "nombre", (None, None), "doit être un nombre"),
        (math.nan, "nombre", (None, None), "pas un nombre fini"),
        ("douze", "nombre", (None, None), "attend un nombre"),
    ],
)
def test_require_answer_raises_a_french_assertion(value, kind, bounds, needle) -> None:
    with pytest.raises(AnswerError) as error:
        require_answer(value, "reponse", kind, *bounds)
    assert isinstance(error.value, AssertionError)  # nbgrader counts it as a failed test
    assert needle in str(error.value)


def test_require_answer_returns_the_number() -> None:
    accepted = require_answer(205075, "financement_total", minimum=0)
    assert float(accepted) == 205075.0
    assert repr(accepted).startswith("✔ financement_total = 205\u202f075 : réponse lisible")


def test_module_00_self_check_names_the_fraction_and_the_text() -> None:
    territory = load_territory()
    # 6 319 / 52 886 = 0.1195 → 11.9 %: 0.119 is the fraction, 0.12 its rounding.
    for fraction in (0.119, 0.12):
        verdict = check_share_75_plus(fraction, territory)
        assert not verdict and "fraction" in verdict.message
        assert "trop faible" not in verdict.message
    assert check_share_75_plus(11.9, territory)
    text = check_share_75_plus("11,9", territory)
    assert not text and "guillemets" in text.message


def test_check_number_reports_a_wrong_value_as_typed() -> None:
    verdict = check_number(4200, 4500, "la baisse", unit="€")
    assert not verdict and "(4\u202f200 €) est trop faible" in verdict.message


def test_the_echo_of_an_answer_names_a_text_and_two_numbers() -> None:
    assert answer_text("Taille ACI", 2) == "Taille ACI : 2"
    assert "texte" in answer_text("Taille ACI", "2")
    assert "12,5" in answer_text("Part des 75 ans et plus", (12, 5), "%")
    assert answer_text("Financement", 205075.0, "€") == "Financement : 205\u202f075 €"


def test_column_total_takes_the_french_header_or_the_column_name() -> None:
    import pandas as pd

    table = pd.DataFrame({"part_variable_eur": [1000.0, 250.5], "total_eur": [3000, 500]})
    assert column_total(table, "Part variable (€)") == 1250.5  # 1 000 + 250,5
    assert column_total(table, "total_eur") == 3500  # 3 000 + 500
    assert column_total(table.style, "Total (€)") == 3500  # a table shown by french_table
    with pytest.raises(InputError, match="« Total \\(€\\) »"):
        column_total(table, "Totl")


# -- errors explained -------------------------------------------------------------------------


def _raised(code: str) -> tuple[BaseException, object]:
    import linecache

    # As IPython does for a cell, so that the traceback can name the line's text.
    linecache.cache["<cellule>"] = (len(code), None, code.splitlines(True), "<cellule>")
    try:
        exec(compile(code, "<cellule>", "exec"), {})
    except Exception as error:  # noqa: BLE001 - the error is what is tested
        return error, error.__traceback__
    raise AssertionError("no error raised")


@pytest.mark.parametrize(
    ("code", "needles"),
    [
        ("raise NotImplementedError()", ["pas encore de réponse", "VOTRE RÉPONSE ICI"]),
        ("print(territoire)", ["« territoire »", "Exécuter tout au-dessus"]),
        ("assert False, 'La population n\\'est pas la bonne.'", ["La population n'est pas"]),
        ("assert False", ["Vérification non réussie"]),
        ("1 / 0", ["Division par zéro"]),
        ("'2' + 1", ["texte et des nombres"]),
        ("{}['prevention']", ["« prevention »", "orthographe"]),
        ("taille = deux", ["en chiffres"]),
        ("import json\njson.loads('{')", ["Détail technique", "JSONDecodeError"]),
    ],
)
def test_errors_are_explained_in_french(code: str, needles: list[str]) -> None:
    error, tb = _raised(code)
    text = explain_error(error, tb)
    for needle in needles:
        assert needle in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("part_75_plus = ", "rien après le signe ="),
        ('s = "abc', "guillemet"),
        ("x = (1 + 2", "parenthèse"),
        ("x = 12 ans", "ne comprend pas"),
    ],
)
def test_syntax_errors_are_explained_with_their_line(code: str, needle: str) -> None:
    with pytest.raises(SyntaxError) as error:
        compile(code, "<cellule>", "exec")
    text = explain_error(error.value)
    assert needle in text and "Ligne 1" in text


def test_the_short_form_kept_for_feedback_quotes_no_line_of_code() -> None:
    # A hidden test that fails on an undefined answer must not leak through the error value.
    error, tb = _raised("assert abs(financement_total - 205075) <= 1")
    shown = explain_error(error, tb)
    short = explain_error(error, tb, quote=False)
    assert "205075" in shown  # the trainee's lab names the line of their own cell
    assert "205075" not in short and "ligne 1 de la cellule" in short


def test_html_blocks_escape_every_text() -> None:
    from cpts_training.html_blocks import card, html_table, message_box, strong
    from cpts_training.widgets.self_check import ChoiceCheck

    evil = "<script>alert(1)</script> & l'ACI"
    for block in (
        message_box(evil, "error", title=evil, hint=evil),
        html_table([evil], [[evil]], total=[evil]),
        strong(evil),
        card(evil, evil, [(evil, evil)]),
    ):
        assert "<script>" not in block and "&lt;script&gt;" in block
        assert "l'ACI" in block  # an apostrophe stays readable
    quiz = ChoiceCheck(evil, [("Taille 1", 1)], lambda _: check_number(1, 1, "x"))
    assert "<script>" not in quiz.children[0].value  # the question is escaped too


def test_keyword_arguments_inside_a_call_are_left_alone() -> None:
    from cpts_training.french_kernel import rewrite_french_numbers

    cell = [
        "synthese = presenter(\n",
        '    cpts="CPTS de l\'Aubrenne (Tarn)",\n',
        "    year=2026,\n",
        "    reserves=10 000,\n",
        ")\n",
        "part = 12,5\n",
    ]
    rewritten = rewrite_french_numbers(cell)
    # Inside the brackets nothing changes (Python reads keyword arguments itself);
    # the answer line after the call is read the French way.
    assert rewritten[:5] == cell[:5]
    assert rewritten[5] == "part = 12.5\n"


@pytest.mark.parametrize(
    ("line", "rewritten"),
    [
        # A percentage inside a calculation is its hundredth: 41 600 × 35,7 % = 14 851,20.
        ("c = 41 600 + 41 600 * 35,7 %\n", "c = 41600 + 41600 * (35.7 / 100)\n"),
        ("b = 15 000 * 20 %\n", "b = 15000 * (20 / 100)\n"),
        # The × and ÷ of paper are Python's * and /.
        ("c = 41 600 × 1,357\n", "c = 41600 * 1.357\n"),
        ("t = 8 400 ÷ 12\n", "t = 8400 / 12\n"),
        # A sign apart from its number, and hours.
        ("b = - 3 000 €\n", "b = -3000\n"),
        ("h = 20 h\n", "h = 20\n"),
    ],
)
def test_paper_calculations_are_read(line: str, rewritten: str) -> None:
    assert rewrite_line(line) == rewritten


def test_a_point_grouping_thousands_in_a_calculation_is_still_refused() -> None:
    assert "refuse_number" in rewrite_line("d = 205.075 * 2\n")


def test_a_calculation_in_brackets_is_read_and_a_call_is_left_alone() -> None:
    # (2 / 4 000 + 1 / 3 000) × 100 000: brackets around French numbers are a calculation.
    assert rewrite_line("a = (2 / 4 000 + 1 / 3 000) * 100 000\n") == (
        "a = (2 / 4000 + 1 / 3000) * 100000\n"
    )
    # A function call keeps Python's syntax, commas included.
    assert rewrite_line("x = round(12,5)\n") == "x = round(12,5)\n"


def test_a_name_typed_without_quotes_is_shown_how_to_quote_it() -> None:
    error, tb = _raised("communes_prioritaires = Lespinassol, Bouscarens")
    text = explain_error(error, tb)
    assert '"Lespinassol"' in text and '["Lespinassol", "…"]' in text
    assert "Exécuter tout au-dessus" not in text  # running the cells above would not help


@pytest.mark.parametrize(
    ("typed", "number"), [("0,8 %", 0.8), ("80", 80.0), ("80 %", 80.0), ("12,5", 12.5), ("0", 0.0)]
)
def test_a_percentage_field_reads_unambiguous_rates(typed: str, number: float) -> None:
    from cpts_training.widgets.fields import FrenchNumberText

    field = FrenchNumberText(None, unit="%")
    field.value = typed
    assert field.number == number and field.error == ""


@pytest.mark.parametrize(("typed", "both"), [("0,8", "0,8 % ou 80 %"), ("1", "1 % ou 100 %")])
def test_a_fraction_in_a_percentage_field_is_refused_with_both_readings(
    typed: str, both: str
) -> None:
    from cpts_training.widgets.fields import FrenchNumberText

    field = FrenchNumberText(None, unit="%")
    field.value = typed
    assert field.number is None and both in field.error.replace("\u202f", " ")
