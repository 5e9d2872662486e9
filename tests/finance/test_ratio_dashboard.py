"""The ratio dashboard: the case's years side by side, and the reading of a chosen year.

By hand (case files ``data/cas/balance_generale_<year>.yaml``, see test_report.py):
2024 résultat = CAF = 45 000, FRNG 45 000, BFR −35 000, trésorerie 80 000;
2025 résultat 14 689, CAF 15 989, FRNG 57 089, BFR −18 200, trésorerie 75 289;
variation 2024 → 2025: résultat −30 311, CAF −29 011, FRNG +12 089, BFR +16 800,
trésorerie −4 711.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cpts_training.errors import InputError
from cpts_training.finance.case_study import CASE_YEARS, load_trial_balance
from cpts_training.finance.widgets.ratio_dashboard import RatioDashboard
from tests.finance.helpers import EXAMPLE_2024, EXAMPLE_2025, make_tb, plain, text_of


def rows(markup: str) -> list[list[str]]:
    root = ET.fromstring(f"<div>{markup}</div>")
    return [[plain("".join(c.itertext())) for c in row] for row in root.iter("tr")]


@pytest.fixture(scope="module")
def dashboard() -> RatioDashboard:
    return RatioDashboard.from_case_study()


def test_one_column_per_case_year_and_the_variations(dashboard):
    table = rows(dashboard.evolution_view.value)
    years = sorted(CASE_YEARS)
    assert table[0][: 1 + len(years)] == ["Indicateur", *map(str, years)]
    pairs = zip(years, years[1:], strict=False)
    assert table[0][1 + len(years) :] == [f"Variation {a} → {b}" for a, b in pairs]
    by_name = {row[0]: row for row in table[1:]}
    i24, i25 = 1 + years.index(2024), 1 + years.index(2025)
    change = table[0].index("Variation 2024 → 2025")
    expected = {
        "Résultat de l'exercice": ("45 000 €", "14 689 €", "−30 311 €"),
        "Capacité d'autofinancement (CAF)": ("45 000 €", "15 989 €", "−29 011 €"),
        "Fonds de roulement net global (FRNG)": ("45 000 €", "57 089 €", "+12 089 €"),
        "Besoin en fonds de roulement (BFR)": ("−35 000 €", "−18 200 €", "+16 800 €"),
        "Trésorerie": ("80 000 €", "75 289 €", "−4 711 €"),
        # 45 000 / 105 000 = 42,86 %; 15 989 / 209 875 = 7,62 %; 7,62 − 42,86 = −35,24 pt
        "Taux de CAF": ("42,9 %", "7,6 %", "−35,2 pt"),
        # 80 000 × 365 / 60 000 = 486,67 jours; 75 289 × 365 / 193 886 = 141,74 jours
        "Trésorerie en jours de charges": ("486,7 jours", "141,7 jours", "−344,9 jours"),
    }
    for name, (before, after, variation) in expected.items():
        assert (by_name[name][i24], by_name[name][i25], by_name[name][change]) == (
            before,
            after,
            variation,
        ), name
    # no immobilisation in 2024: the vétusté is not computable that year
    assert by_name["Taux de vétusté des immobilisations corporelles"][i24] == "non calculable"
    assert "Données fictives" in text_of(dashboard.evolution_view.value)


def test_choosing_a_year_shows_its_reading_and_no_written_diagnosis(dashboard):
    assert dashboard.year.value == max(CASE_YEARS)
    dashboard.year.value = 2024
    table = rows(dashboard.diagnosis_view.value)
    assert table[0] == ["Signal", "Indicateur", "Valeur", "Seuil", "Lecture"]
    by_name = {row[1]: row for row in table[1:]}
    assert by_name["Trésorerie en jours de charges"][2] == "486,7 jours"
    assert by_name["Taux de CAF"][2] == "42,9 %"
    assert "ne sont pas un diagnostic" in text_of(dashboard.diagnosis_view.value)
    dashboard.year.value = 2025
    by_name = {row[1]: row for row in rows(dashboard.diagnosis_view.value)[1:]}
    assert by_name["Trésorerie en jours de charges"][2] == "141,7 jours"


def test_from_trial_balances_with_the_trainee_balances():
    # Worked example of tests/finance/helpers.py: 2024 résultat 20 000 − 20 000 = 0;
    # 2025 résultat 46 500 − (6 500 + 30 000 + 3 000) = 7 000, CAF 7 000 + 3 000 = 10 000;
    # trésorerie = banque 512: 10 500 then 13 000 (+2 500).
    board = RatioDashboard.from_trial_balances(
        {2025: make_tb(EXAMPLE_2025), 2024: make_tb(EXAMPLE_2024)}, title="Ma CPTS"
    )
    assert board.years == [2024, 2025]
    by_name = {row[0]: row for row in rows(board.evolution_view.value)[1:]}
    assert by_name["Résultat de l'exercice"][1:] == ["0 €", "7 000 €", "+7 000 €"]
    assert by_name["Capacité d'autofinancement (CAF)"][1:] == ["0 €", "10 000 €", "+10 000 €"]
    assert by_name["Trésorerie"][1:] == ["10 500 €", "13 000 €", "+2 500 €"]


def test_a_bad_balance_is_refused_naming_the_year():
    bad = load_trial_balance(2025)
    bad.loc[bad["compte"] == "512", "debit"] = 1.0
    with pytest.raises(InputError, match="^Exercice 2025 : "):
        RatioDashboard.from_trial_balances({2024: load_trial_balance(2024), 2025: bad})


def test_each_ratio_and_threshold_comes_with_its_source(dashboard):
    root = ET.fromstring(f"<div>{dashboard.diagnosis_view.value}</div>")
    found = list(root.iter("table"))
    # The reading, then the sources.
    assert len(found) == 2
    table = [[plain("".join(c.itertext())) for c in row] for row in found[1].iter("tr")]
    assert table[0] == ["Ratio", "Source de la formule", "Source du seuil"]
    by_ratio = {row[0]: row[1:] for row in table[1:]}
    formula, threshold = by_ratio["Indépendance financière"]
    assert "Guide M22" in formula and "inférieur à 50 %" in threshold
    # An unverified threshold says so next to its source.
    assert "à vérifier" in by_ratio["Durée apparente de la dette"][1]
    assert "Convention de la formation" in by_ratio["Trésorerie en jours de charges"][0]
    assert by_ratio["Besoin en fonds de roulement en jours de charges"][1] == "aucun seuil"
    # Every ratio of the reading has its source line.
    reading = {row[1] for row in rows(dashboard.diagnosis_view.value)[1:8]}
    assert reading <= set(by_ratio)


def test_a_lexique_explains_the_less_common_ratios(dashboard):
    text = text_of(dashboard.diagnosis_view.value)
    assert "Lexique" in text
    for words in (
        "Indépendance financière : part des emprunts",
        "Durée apparente de la dette : nombre d'années de CAF",
        "Taux de vétusté : part de la valeur d'achat",
    ):
        assert words in text
    assert "recommand" not in text.lower()
