"""Cash plan built from the budget, line by line (B5.C07): values computed by hand.

Budget 2026 of the case (lines of the other engineer's builder, accounts aggregated):
salaries 6411 70 400; employer charges 6451 21 319,68; indemnities 6228 66 600; 604 15 000;
6132 rent 8 400; 616 1 150; 6226 3 700; 62262 2 900; 6811 800 (non-cash); 6156 3 100;
623 4 000; 625 5 000; 626 1 300; 6185 1 500. Charges 205 169,68, paid 204 369,68.
"""

import datetime as dt

import pandas as pd
import pytest

from cpts_training.budget.aci import payment_schedule
from cpts_training.budget.case_study import load_case_study, load_cash_builder_inputs
from cpts_training.budget.cash import PLAN_COLUMNS, cash_summary
from cpts_training.budget.cash_builder import (
    NATURE_COLUMNS,
    SCHEDULE_COLUMNS,
    Investment,
    PaymentTiming,
    build_cash_plan,
    compare_levers,
    covered_by_facility,
    delay_variable_part,
    facility_cost,
    financing_need,
    spending_by_nature,
    spending_schedule,
    suggested_timing,
)
from cpts_training.budget.checks import check_facility
from cpts_training.budget.forecast import make_budget
from cpts_training.errors import DataError, InputError


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


BUDGET_2026 = make_budget(
    [
        ("6411", "Salaires bruts", 70400),
        ("6451", "Charges sociales patronales", 21319.68),
        ("6228", "Indemnités des professionnels", 66600),
        ("604", "Prestations de services", 15000),
        ("6132", "Loyer", 8400),
        ("616", "Assurance", 1150),
        ("6226", "Honoraires de l'expert-comptable", 3700),
        ("62262", "Commissaire aux comptes", 2900),
        ("6811", "Dotations aux amortissements", 800),
        ("6156", "Maintenance et licences", 3100),
        ("623", "Communication", 4000),
        ("625", "Déplacements", 5000),
        ("626", "Frais postaux et télécommunications", 1300),
        ("6185", "Cotisations", 1500),
        ("741", "ACI", 170000),
    ]
)

TIMINGS = {
    "6411": PaymentTiming("mensuel"),
    "6451": PaymentTiming("mensuel_m+1"),
    "6228": PaymentTiming("semestriel", (6, 12)),
    "604": PaymentTiming("trimestriel_avance"),
    "6132": "mensuel",
    "616": PaymentTiming("annuel", (1,)),
    "6226": PaymentTiming("trimestriel_echu"),
    "62262": PaymentTiming("annuel", (12,)),
    "6156": PaymentTiming("annuel", (1,)),
    "623": PaymentTiming("ponctuel", (3, 9), (1500, 2500)),
    "625": "mensuel",
    "626": "mensuel",
    "6185": PaymentTiming("annuel", (1,)),
}


@pytest.fixture(scope="module")
def schedule():
    return spending_schedule(BUDGET_2026, TIMINGS)


def month(schedule: pd.DataFrame, m: int) -> float:
    return round(float(schedule[f"mois_{m:02d}_eur"].sum()), 2)


# ---------------------------------------------------------------------- timings


def test_timing_payments_by_hand():
    # 70 400 / 12 = 5 866,666… → 5 866,67 × 11, December 70 400 − 64 533,37 = 5 866,63
    assert PaymentTiming("mensuel").payments(70400) == [5866.67] * 11 + [5866.63]
    # m+1: February pays January's 1 776,64 …; January pays the previous December's,
    # taken equal to this year's December (21 319,68 − 11 × 1 776,64 = 1 776,64)
    assert PaymentTiming("mensuel_m+1").payments(21319.68) == [1776.64] * 12
    # m+1 with a remainder: 100 / 12 = 8,33 × 11, December 8,37 → paid in January
    assert PaymentTiming("mensuel_m+1").payments(100) == [8.37] + [8.33] * 11
    assert PaymentTiming("trimestriel_avance").payments(15000) == [
        3750, 0, 0, 3750, 0, 0, 3750, 0, 0, 3750, 0, 0,
    ]  # fmt: skip
    assert PaymentTiming("trimestriel_echu").payments(3700)[2::3] == [925] * 4
    assert PaymentTiming("semestriel", (12, 6)).payments(66600)[5] == 33300
    assert PaymentTiming("annuel", (1,)).payments(1150)[0] == 1150
    # ponctuel without amounts: 1 000 / 3 = 333,33, 333,33, 333,34
    paid = PaymentTiming("ponctuel", (2, 5, 11)).payments(1000)
    assert (paid[1], paid[4], paid[10]) == (333.33, 333.33, 333.34)


@pytest.mark.parametrize(
    ("kind", "months", "amounts", "fragment"),
    [
        ("hebdomadaire", (), (), "Rythme de paiement inconnu"),
        ("annuel", (13,), (), "entre 1 et 12"),
        ("annuel", (), (), "choisissez 1 mois"),
        ("semestriel", (6,), (), "choisissez 2 mois"),
        ("semestriel", (6, 6), (), "répété"),
        ("mensuel", (3,), (), "les mois sont fixés"),
        ("ponctuel", (), (), "au moins un mois"),
        ("ponctuel", (3, 9), (100,), "un montant par mois"),
        ("annuel", (3,), (100,), "seulement pour un paiement ponctuel"),
    ],
)
def test_a_wrong_timing_is_refused_in_french(kind, months, amounts, fragment):
    with pytest.raises(InputError, match=fragment):
        PaymentTiming(kind, months, amounts)


def test_ponctuel_amounts_must_add_up_to_the_line():
    with pytest.raises(InputError, match="ne font pas le montant de la ligne"):
        spending_schedule(BUDGET_2026, {**TIMINGS, "623": PaymentTiming("ponctuel", (3,), (10,))})


def test_suggested_timing_is_a_usual_practice():
    assert suggested_timing("6451") == PaymentTiming("mensuel_m+1")
    assert suggested_timing("64111") == PaymentTiming("mensuel")
    assert suggested_timing("6228") == PaymentTiming("trimestriel_echu")
    assert suggested_timing("616") == PaymentTiming("annuel", (1,))


# -------------------------------------------------------------------- schedule


def test_schedule_leaves_out_the_depreciation_and_adds_up(schedule):
    assert tuple(schedule.columns) == SCHEDULE_COLUMNS
    assert "6811" not in set(schedule["compte"])
    assert "741" not in set(schedule["compte"])  # a product
    assert "6811" in schedule.attrs["note"] and "exclue" in schedule.attrs["note"]
    # 205 169,68 of charges − 800 of depreciation = 204 369,68 paid
    assert round(sum(month(schedule, m) for m in range(1, 13)), 2) == 204369.68
    for row in schedule.to_dict("records"):
        assert round(sum(row[f"mois_{m:02d}_eur"] for m in range(1, 13)), 2) == row["montant_eur"]


def test_one_month_of_mixed_timings_by_hand(schedule):
    # March: salaries 5 866,67 + February's social charges 1 776,64 + rent 700
    # + fees 3 700 / 4 = 925 + communication 1 500 + travel 416,67 + post 108,33
    # = 11 293,31 (nothing for 604, paid in advance in January and April)
    assert month(schedule, 3) == 11293.31
    # December: 5 866,63 + 1 776,64 + indemnities 33 300 + 700 + 925 + auditor 2 900
    # + 5 000 − 11 × 416,67 = 416,63 + 1 300 − 11 × 108,33 = 108,37 = 45 993,27
    assert month(schedule, 12) == 45993.27
    by_nature = spending_by_nature(schedule)
    march = by_nature.iloc[2]
    assert march["decaissements_salaires_eur"] == 5866.67
    assert march["decaissements_charges_sociales_eur"] == 1776.64
    assert march["decaissements_indemnites_eur"] == 0
    assert march["decaissements_loyer_eur"] == 700
    assert march["decaissements_autres_eur"] == 2950  # 925 + 1 500 + 416,67 + 108,33
    assert by_nature.iloc[5]["decaissements_indemnites_eur"] == 33300  # 66 600 / 2


def test_a_line_without_timing_is_named():
    missing = {k: v for k, v in TIMINGS.items() if k != "6132"}
    with pytest.raises(InputError) as error:
        spending_schedule(BUDGET_2026, {**missing, "6226": None})
    text = str(error.value)
    assert "6132 « Loyer »" in text and "6226" in text and "il manque" in text


def test_a_timing_for_an_unknown_account_is_refused():
    with pytest.raises(InputError, match="absent des charges du budget : 999"):
        spending_schedule(BUDGET_2026, {**TIMINGS, "999": "mensuel"})


def test_extra_columns_of_a_new_budget_pass_through():
    budget = BUDGET_2026.assign(mission="socle", base_de_calcul="")
    table = spending_schedule(budget, TIMINGS)
    assert round(float(table["mois_03_eur"].sum()), 2) == 11293.31


def test_an_investment_is_paid_in_its_month_and_is_not_a_charge():
    computer = Investment("Ordinateur portable", 1200, 3)
    table = spending_schedule(
        BUDGET_2026, TIMINGS, [computer, {"libelle": "Écran", "montant_eur": 300, "mois": 3}]
    )
    # March: 11 293,31 + 1 200 + 300 = 12 793,31
    assert round(float(table["mois_03_eur"].sum()), 2) == 12793.31
    assert list(table["compte"])[-2:] == ["2183", "2183"]
    with pytest.raises(InputError, match="entre 1 et 12"):
        Investment("Ordinateur", 1200, 0)
    with pytest.raises(InputError, match="il manque mois"):
        spending_schedule(BUDGET_2026, TIMINGS, [{"libelle": "x", "montant_eur": 1}])


# -------------------------------------------------------------------- the plan


def simple_plan(opening: float = 2000, indemnity_month: int = 3) -> pd.DataFrame:
    budget = make_budget([("6411", "Salaires", 12000), ("6228", "Indemnités", 6000)])
    timings = {"6411": "mensuel", "6228": PaymentTiming("annuel", (indemnity_month,))}
    aci = pd.DataFrame({"date": [dt.date(2026, 5, 15)], "montant_eur": [10000.0]})
    return build_cash_plan(2026, opening, budget, timings, aci, None)


def test_simple_scenario_need_by_hand():
    plan = simple_plan()
    # 2 000 − 1 000 = 1 000 (Jan); 0 (Feb); − 1 000 − 6 000 = −7 000 (Mar); −8 000 (Apr);
    # −8 000 + 10 000 − 1 000 = 1 000 (May); 0; −1 000; …; −6 000 (Dec)
    assert list(plan["solde_cloture_eur"]) == [
        1000, 0, -7000, -8000, 1000, 0, -1000, -2000, -3000, -4000, -5000, -6000,
    ]  # fmt: skip
    need = financing_need(plan)
    assert (need.first_month, need.last_month) == (3, 12)
    assert (need.largest_need_eur, need.largest_need_month) == (8000, 4)
    assert need.negative_months == (3, 4, 7, 8, 9, 10, 11, 12)
    assert need.months_below_zero == 8
    text = plain(str(need))
    assert "mars 2026" in text and "8 000,00 €" in text and "avril 2026" in text


def test_facility_cost_by_hand():
    # overdrafts 7 000 + 8 000 + 1 000 + 2 000 + 3 000 + 4 000 + 5 000 + 6 000 = 36 000
    # × 6 % / 12 = 180 €
    assert facility_cost(simple_plan(), 0.06) == 180.0
    assert facility_cost(simple_plan(opening=20000), 0.06) == 0.0
    with pytest.raises(InputError):
        facility_cost(simple_plan(), 6)


def test_covered_by_facility():
    plan = simple_plan()
    assert covered_by_facility(plan, 8000) == ()
    assert covered_by_facility(plan, 7000) == (4,)  # −8 000 < −7 000
    assert covered_by_facility(plan, 5500) == (3, 4, 12)


def test_levers_by_hand():
    plan = simple_plan()
    shifted = simple_plan(indemnity_month=5)
    levers = compare_levers(plan, facility_rate=0.06, reserves_eur=5000, shifted_plan=shifted)
    assert list(levers["levier"]) == [
        "Facilité de caisse",
        "Avance de l'Assurance maladie sur le versement ACI",
        "Fonds propres / réserves",
        "Décaler une dépense",
    ]
    facility, advance, reserves, shift = levers.to_dict("records")
    assert (facility["montant_mobilise_eur"], facility["cout_eur"]) == (8000, 180)
    assert facility["point_bas_apres_eur"] == 0 and facility["faisable"] == "oui"
    assert "inventé" in facility["remarque"]
    assert advance["cout_eur"] == 0 and advance["faisable"] == "à négocier"
    # reserves 5 000 < need 8 000: −8 000 + 5 000 = −3 000
    assert (reserves["faisable"], reserves["point_bas_apres_eur"]) == ("non", -3000)
    # indemnities paid in May: Mar −1 000, Apr −2 000, May −2 000 + 10 000 − 7 000 = 1 000,
    # … Dec −6 000: the low point is −6 000
    assert (shift["point_bas_apres_eur"], shift["faisable"]) == (-6000, "non")


def test_plan_columns_and_cash_summary_still_work(schedule):
    case = load_case_study()
    aci = payment_schedule(case.contract, case.planned_achievement, variable_delay_months=9)
    plan = build_cash_plan(2026, 20000, BUDGET_2026, TIMINGS, aci, None)
    assert tuple(plan.columns) == (*PLAN_COLUMNS, *NATURE_COLUMNS)
    for row in plan.to_dict("records"):
        assert round(sum(row[c] for c in NATURE_COLUMNS), 2) == row["decaissements_eur"]
    assert cash_summary(plan).minimum_month in range(1, 13)


def test_case_2026_with_the_variable_part_nine_months_late():
    case = load_case_study()
    inputs = load_cash_builder_inputs()
    assert (inputs.year, inputs.opening_balance_eur, inputs.variable_delay_months) == (
        2026,
        20000,
        9,
    )
    aci = payment_schedule(
        case.contract, case.planned_achievement, variable_delay_months=inputs.variable_delay_months
    )
    plan = build_cash_plan(
        2026, inputs.opening_balance_eur, BUDGET_2026, TIMINGS, aci, inputs.other_receipts
    )
    # Year-1 variable part: 29 500 × 6/12 × 0,8 + 30 000 × 6/12 × 0,5 = 11 800 + 7 500
    # = 19 300, paid 01/04/2025 + 9 months = January 2026
    assert plan["encaissements_aci_eur"].iloc[0] == 19300
    # April: fonctionnement 15 000 + 45 000, fixed balance 25 % × 88 750 = 22 187,5,
    # advance 75 % × 88 750 = 66 562,5: 148 750; the year-2 variable part leaves 2026
    assert plan["encaissements_aci_eur"].iloc[3] == 148750
    assert plan["encaissements_aci_eur"].sum() == 168050
    # January: 20 000 + 19 300 + 1 500 − (5 866,67 + 1 776,64 + 3 750 + 700 + 1 150
    # + 3 100 + 416,67 + 108,33 + 1 500 = 18 368,31) = 22 431,69
    assert plan["solde_cloture_eur"].iloc[0] == 22431.69
    # End of year: 20 000 + 168 050 + 13 500 − 204 369,68 = −2 819,68; November closes
    # at −2 819,68 + December's 45 993,27 = 43 173,59 ≥ 0
    assert plan["solde_cloture_eur"].iloc[11] == -2819.68
    assert plan["solde_cloture_eur"].iloc[10] == 43173.59
    need = financing_need(plan)
    assert (need.first_month, need.largest_need_eur) == (12, 2819.68)


def test_delay_variable_part_moves_only_the_variable_part():
    case = load_case_study()
    base = payment_schedule(case.contract, case.planned_achievement, variable_delay_months=6)
    moved = delay_variable_part(base, 3)
    expected = payment_schedule(case.contract, case.planned_achievement, variable_delay_months=9)
    assert list(pd.to_datetime(moved["date"])) == list(pd.to_datetime(expected["date"]))
    assert moved["montant_eur"].sum() == base["montant_eur"].sum()
    back = delay_variable_part(moved, -3)
    assert list(pd.to_datetime(back["date"])) == list(pd.to_datetime(base["date"]))
    with pytest.raises(InputError, match="nombre entier"):
        delay_variable_part(base, 1.5)


def test_case_file_errors_are_french(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text(
        "fictional: true\nwarning: inventé\nannee: 2026\nsolde_ouverture_eur: 1\n"
        "autres_encaissements: []\ndecalage_part_variable_mois: 9\n"
        "taux_facilite_caisse: 6\nreserves_disponibles_eur: 0\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="t.yaml : taux_facilite_caisse"):
        load_cash_builder_inputs(bad)


# ------------------------------------------------------------------ self-check


@pytest.mark.parametrize(
    ("amount", "first", "ok"),
    [
        (8000, 3, True),
        ("10 000", "mars", True),  # 8 000 × 1,25 = 10 000: the largest accepted
        ("9 000 €", 3, True),
        (8000, "3", False),  # a month in quotes: answers' rule, explained in French
        (7999, 3, False),  # does not cover April (−8 000)
        (10001, 3, False),  # oversized
        (8000, 4, False),  # the low point, not the first month below zero
        (8000, 13, False),
        ("abc", 3, False),
        (None, 3, False),
        (-8000, 3, False),
    ],
)
def test_check_facility(amount, first, ok):
    result = check_facility(amount, first, simple_plan())
    assert bool(result) is ok
    text = plain(str(result))
    assert (
        "8 000" not in text and "avril" not in text and "mars" not in text.replace("« mars »", "")
    )


def test_check_facility_never_raises():
    assert not check_facility(8000, 3, "pas un plan")
    assert check_facility(0, None, simple_plan(opening=20000))
    assert not check_facility(5000, 3, simple_plan(opening=20000))
