"""The finance self-checks on the case study's 2025 balance (values computed by hand)."""

from __future__ import annotations

import pytest

from cpts_training.finance.checks import (
    check_apport_frng,
    check_bfr,
    check_caf,
    check_cout_poste,
    check_frng,
    check_tresorerie,
    check_variance_groupe_ii,
)

# 2025: résultat 209 875 − 195 186 = 14 689 €; dotations 6811 = 1 300 €; no reprise,
# disposal or investment subsidy: CAF = 14 689 + 1 300 = 15 989 €.
CAF = 15_989
# Stable resources 1 300 (28183) + 59 689 (1068 30 000 + 110 15 000 + résultat 14 689)
# = 60 989 €, minus the gross fixed assets 3 900 € (2183): FRNG = 57 089 €.
FRNG = 57_089
# Receivables and prepaid 31 000 € − operating debts 49 200 € = −18 200 € (an EFE).
BFR = -18_200
# Trésorerie = 57 089 − (−18 200) = 75 289 €, the bank account 512.


@pytest.mark.parametrize(
    ("check", "right"), [(check_caf, CAF), (check_frng, FRNG), (check_bfr, BFR)]
)
def test_right_answers_pass_to_the_euro(check, right) -> None:
    assert check(right).correct
    assert check(right + 0.6).correct  # rounding to the euro is accepted
    wrong = check(right + 100)
    assert not wrong.correct and "trop élevée" in wrong.message
    assert wrong.hint  # names the accounts, never the value
    assert str(right)[:4] not in wrong.hint


def test_unanswered_or_text_answers_are_explained_without_raising() -> None:
    assert "aucune réponse" in check_caf(...).message
    assert "texte" in check_frng("57 089").message
    assert not check_bfr(None).correct


def test_tresorerie_is_frng_minus_bfr_against_the_bank() -> None:
    right = check_tresorerie(FRNG, BFR)
    assert right.correct and "75\u202f289" in right.message
    # A BFR typed with the wrong sign: 57 089 − 18 200 = 38 889 €, not the bank's 75 289 €.
    wrong = check_tresorerie(FRNG, -BFR)
    assert not wrong.correct and "38\u202f889" in wrong.message
    assert "FRNG" in check_tresorerie(..., BFR).message
    assert not check_tresorerie(FRNG, "beaucoup").correct


def test_apport_au_fonds_de_roulement_2025() -> None:
    # Ressources: CAF 15 989; emplois: the laptop 3 900 → apport 12 089
    # = FRNG 2025 57 089 − FRNG 2024 45 000.
    assert check_apport_frng(12_089).correct
    assert check_apport_frng(12_089 + 0.4).correct
    wrong = check_apport_frng(15_989)
    assert not wrong.correct and "trop élevée" in wrong.message
    assert "12" not in (wrong.hint or "")


def test_variance_of_the_ssiad_personnel_group() -> None:
    # Groupe II: ERRD 538 000 − EPRD 526 000 = +12 000 (more spent than planned).
    assert check_variance_groupe_ii(12_000).correct
    assert not check_variance_groupe_ii(-12_000).correct
    assert "aucune réponse" in check_variance_groupe_ii(...).message


def test_employer_cost_of_the_new_post_in_2027() -> None:
    # 0,8 ETP × 51 120 € × 1,02 = 41 713,92 €.
    assert check_cout_poste(41_713.92).correct
    assert check_cout_poste(41_714).correct
    wrong = check_cout_poste(0.8 * 51_120)  # the 2 % increase forgotten: 40 896
    assert not wrong.correct and "trop faible" in wrong.message
