"""Budget 2026 built from the needs of the projet de santé (B5.C02): values by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cpts_training.budget.builder import (
    HYPOTHESES_COLUMNS,
    BudgetHypotheses,
    ChargeItem,
    IndemnityGroup,
    ResourceItem,
    StaffPost,
    aci_resource,
    build_budget,
    mission_labels,
    read_budget_brief,
    require_mission,
)
from cpts_training.budget.case_study import load_budget_brief, load_case_study
from cpts_training.errors import DataError, InputError


def plain(text: str) -> str:
    """French spaces (no-break, narrow no-break) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture(scope="module")
def brief() -> BudgetHypotheses:
    return load_budget_brief()


@pytest.fixture(scope="module")
def built(brief):
    return build_budget(brief)


def amount(built, account: str) -> float:
    table = built.budget
    return float(table.loc[table["compte"] == account, "montant_eur"].iloc[0])


# -- staff ------------------------------------------------------------------------------


def test_staff_lines_of_the_case(built) -> None:
    # Coordinatrice: 1 × 41 600 = 41 600; RGDU 2026 at 41 600 € (ratio 3 × 21 876,40 /
    # 41 600 = 1,5776; C = 0,02 + 0,3781 × (0,2888)^1,75 = 0,0630): rate 0,42 − 0,063 =
    # 0,357; charges 41 600 × 0,357 = 14 851,20.
    assert amount(built, "64111") == 41600.00
    assert amount(built, "64511") == 14851.20
    # Assistante: 0,5 × 26 400 = 13 200; C = 0,2448 → rate 0,42 − 0,2448 = 0,1752;
    # charges 13 200 × 0,1752 = 2 312,64.
    assert amount(built, "64112") == 13200.00
    assert amount(built, "64512") == 2312.64
    # Chargée de mission prévention: 0,5 × 31 200 = 15 600; C = 0,1536 → rate 0,2664;
    # charges 15 600 × 0,2664 = 4 155,84.
    assert amount(built, "64113") == 15600.00
    assert amount(built, "64513") == 4155.84


def test_staff_post_cost_and_base_de_calcul(built) -> None:
    table = built.budget
    # 41 600 + 14 851,20 = 56 451,20
    assert amount(built, "64111") + amount(built, "64511") == pytest.approx(56451.20)
    base = plain(table.loc[table["compte"] == "64511", "base_de_calcul"].iloc[0])
    assert base.startswith("1 ETP × 41 600 € × 35,70 %")
    assert plain(table.loc[table["compte"] == "64112", "base_de_calcul"].iloc[0]) == (
        "0,5 ETP × 26 400 €"
    )
    # The budget keeps the mission id (what make_budget reads); tables show its label.
    assert table.loc[table["compte"] == "64513", "mission"].iloc[0] == "prevention"
    hypotheses = built.hypotheses_table()
    assert hypotheses.loc[hypotheses["compte"] == "64513", "mission servie"].iloc[0] == (
        "Actions coordonnées de prévention"
    )


def test_given_employer_rate_is_used() -> None:
    post = StaffPost("Coordinatrice", 1, 40000, employer_rate=0.42)
    # 40 000 × 0,42 = 16 800
    assert post.charges_eur(2026) == 16800.00
    # Before 2026 the RGDU is not modelled: a given rate works, none is refused.
    assert post.charges_eur(2025) == 16800.00
    with pytest.raises(InputError, match="saisissez le taux de charges"):
        StaffPost("Coordinatrice", 1, 40000).charges_eur(2025)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"employer_rate": 42}, "0,42 pour 42 %"),
        ({"employer_rate": -0.1}, "négatif"),
        ({"fte": 1.5}, "entre 0 et 1"),
        ({"fte": 0}, "entre 0 et 1"),
        ({"gross_full_time_eur": 0}, "positif"),
        ({"gross_full_time_eur": "41 600"}, "pas un nombre"),
        ({"role": "  "}, "vide"),
        ({"mission": "prévention"}, "mission connue"),
    ],
)
def test_bad_staff_input_is_refused_in_french(kwargs, expected) -> None:
    values = {"role": "Coordinatrice", "fte": 1, "gross_full_time_eur": 41600} | kwargs
    with pytest.raises(InputError, match=expected):
        StaffPost(**values)


# -- indemnities ------------------------------------------------------------------------


def test_indemnity_lines_of_the_case(built) -> None:
    assert amount(built, "62281") == 24000.00  # 10 × 40 h × 60 € = 24 000
    assert amount(built, "62282") == 14400.00  # 12 × 20 h × 60 € = 14 400
    assert amount(built, "62283") == 12000.00  # 8 × 25 h × 60 € = 12 000
    assert amount(built, "62284") == 5400.00  # 6 × 15 h × 60 € = 5 400
    assert amount(built, "62285") == 10800.00  # 9 × 20 h × 60 € = 10 800
    table = built.budget
    assert plain(table.loc[table["compte"] == "62281", "base_de_calcul"].iloc[0]) == (
        "10 professionnels × 40 h × 60 €"
    )


def test_indemnity_above_the_cap_is_a_warning_not_an_error() -> None:
    # 2026 cap: 1 PASS = 48 060 €. 1 000 h × 50 € = 50 000 € > 48 060 €.
    group = IndemnityGroup("Coordination", 2, 1000, 50, "acces_aux_soins")
    assert group.amount_eur == 100000.00  # 2 × 1 000 × 50
    built = build_budget(BudgetHypotheses(2026, indemnities=(group,)))
    text = plain(" ".join(built.warnings))
    assert "50 000 € par professionnel" in text
    assert "48 060 €" in text
    assert "D1434-44" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("", 2, 10, 60), "vide"),
        (("Groupe", 0, 10, 60), "entier"),
        (("Groupe", 2.5, 10, 60), "entier"),
        (("Groupe", 2, -1, 60), "négatif"),
        (("Groupe", 2, 10, 60, "inconnue"), "fonctionnement"),
    ],
)
def test_bad_indemnity_group_is_refused(args, expected) -> None:
    with pytest.raises(InputError, match=expected):
        IndemnityGroup(*args)


# -- other charges and resources ---------------------------------------------------------


def test_other_charges_of_the_case(built) -> None:
    assert amount(built, "6132") == 8400.00  # 700 € × 12 mois
    # 15 000 + 8 400 + 1 150 + 3 700 + 2 900 + 800 + 3 100 + 4 000 + 5 000 + 1 300
    # + 1 500 = 46 850
    others = built.budget[built.budget["compte"].str.match(r"^6(?!411|451|228)")]
    assert others["montant_eur"].sum() == pytest.approx(46850.00)


def test_charge_needs_exactly_one_amount() -> None:
    with pytest.raises(InputError, match="pas les deux"):
        ChargeItem("6132", "Loyer", amount_eur=8400, monthly_eur=700)
    with pytest.raises(InputError, match="pas les deux"):
        ChargeItem("6132", "Loyer")
    # 650 € × 10 mois = 6 500
    assert ChargeItem("6132", "Loyer", monthly_eur=650, months=10).total_eur == 6500.00


def test_charge_and_resource_accounts_are_checked() -> None:
    with pytest.raises(InputError, match="compte de produits"):
        ChargeItem("742", "FIR", amount_eur=10)
    with pytest.raises(InputError, match="compte de charges"):
        ResourceItem("623", "Communication", 10)
    with pytest.raises(InputError, match="inconnu"):
        ChargeItem("99", "???", amount_eur=10)


def test_aci_resource_of_2026() -> None:
    case = load_case_study()
    line = aci_resource(case.contract, 2026, case.planned_achievement)
    # Contract year 2 (01/04/2025–31/03/2026) = 215 100 €, year 3 = 217 725 € (planned
    # rates); 2026 takes 3/12 of year 2 and 9/12 of year 3:
    # 215 100 × 3/12 + 217 725 × 9/12 = 53 775 + 163 293,75 = 217 068,75.
    assert line.account == "741"
    assert line.amount_eur == 217068.75
    assert "3/12 de l'année de contrat 2" in line.basis
    assert "9/12 de l'année de contrat 3" in line.basis


# -- totals, balance, warnings -------------------------------------------------------------


def test_totals_and_result_of_the_case(built) -> None:
    summary = built.summary
    # Staff: 56 451,20 + (13 200 + 2 312,64) + (15 600 + 4 155,84) = 91 719,68;
    # indemnities 66 600; other charges 46 850 → 91 719,68 + 66 600 + 46 850 = 205 169,68.
    assert summary.total_charges_eur == 205169.68
    # 217 068,75 (ACI) + 8 000 (FIR) + 4 000 + 1 500 (50 × 30 €) = 230 568,75
    assert summary.total_produits_eur == 230568.75
    # 230 568,75 − 205 169,68 = 25 399,07 (a surplus, shown, not corrected)
    assert summary.resultat_eur == 25399.07
    assert not built.balance.balanced
    assert "excédent" in built.balance.message


def test_no_warning_for_the_case_that_has_an_auditor(built) -> None:
    # Subsidies 74: 217 068,75 + 8 000 + 4 000 = 229 068,75 > 153 000, and 62262 is there.
    assert built.warnings == ()


def test_auditor_warning_when_line_62262_is_missing(brief) -> None:
    charges = tuple(c for c in brief.charges if c.account != "62262")
    built = build_budget(dataclasses.replace(brief, charges=charges))
    text = plain(" ".join(built.warnings))
    assert "commissaire aux comptes" in text
    assert "229 068,75 €" in text  # 217 068,75 + 8 000 + 4 000
    assert "153 000 €" in text


def test_budget_columns_and_hypotheses_table(built) -> None:
    assert list(built.budget.columns) == [
        "compte",
        "libelle",
        "montant_eur",
        "sens",
        "classe",
        "rubrique",
        "mission",
        "base_de_calcul",
    ]
    table = built.hypotheses_table()
    assert tuple(table.columns) == HYPOTHESES_COLUMNS
    # 6 staff lines + 5 indemnity groups + 11 charges + 4 resources = 26 rows
    assert len(table) == 26
    assert table.loc[0, "mission servie"] == "Fonctionnement de la CPTS"


def test_charges_by_mission(built) -> None:
    table = built.charges_by_mission()
    by_mission = dict(zip(table["mission"], table["montant_eur"], strict=True))
    # Prévention: 15 600 + 4 155,84 + 12 000 + 15 000 = 46 755,84
    assert by_mission["Actions coordonnées de prévention"] == pytest.approx(46755.84)


def test_duplicate_account_is_refused() -> None:
    hypotheses = BudgetHypotheses(
        2026,
        staff=(StaffPost("Coordinatrice", 1, 41600),),
        charges=(ChargeItem("64111", "Prime", amount_eur=500),),
    )
    with pytest.raises(InputError, match="déjà utilisé"):
        build_budget(hypotheses)


def test_missions() -> None:
    labels = mission_labels()
    assert labels["fonctionnement"] == "Fonctionnement de la CPTS"
    assert labels["plusieurs_missions"] == "Plusieurs missions"
    assert require_mission("Actions coordonnées de prévention", "x") == "prevention"
    with pytest.raises(InputError, match="acces_aux_soins"):
        require_mission("prevension", "La mission")


# -- brief file ---------------------------------------------------------------------------


def test_brief_is_fictional_and_without_aci_when_no_contract(brief) -> None:
    assert brief.year == 2026
    assert brief.cpts == "CPTS de la Vallée de l'Aubrenne"
    assert "fictives" in brief.warning
    plain_brief = read_budget_brief()
    # Without a contract, only the three resources of the file: 8 000 + 4 000 + 1 500.
    assert [r.account for r in plain_brief.resources] == ["742", "743", "756"]
    assert [r.account for r in brief.resources] == ["741", "742", "743", "756"]


def test_brief_errors_name_the_file_and_entry(tmp_path: Path) -> None:
    file = tmp_path / "besoins.yaml"
    file.write_text(
        "fictional: true\nwarning: inventé\nannee: 2026\npersonnel:\n"
        "  - poste: Coordinatrice\n    etp: 2\n    brut_annuel_temps_plein_eur: 41600\n"
        "indemnites: []\ncharges: []\nressources: []\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"besoins.yaml, personnel n° 1 .*entre 0 et 1"):
        read_budget_brief(file)
    file.write_text("fictional: true\nwarning: inventé\nannee: 2026\n", encoding="utf-8")
    with pytest.raises(DataError, match="clé\\(s\\) manquante\\(s\\)"):
        read_budget_brief(file)
