"""Identities of the financial statements, on random balanced trial balances."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_training.finance import (
    balance_sheet,
    caf,
    financial_balance,
    financing_table,
    income_statement,
)
from tests.finance.helpers import make_tb

DEBIT_ACCOUNTS = ("2183", "4418", "486", "606", "641", "6811")
CREDIT_ACCOUNTS = ("102", "1068", "151", "164", "28183", "401", "431", "487", "741")

# Amounts in cents, as euros with two decimals.
amounts = st.integers(min_value=0, max_value=10_000_000).map(lambda c: c / 100)
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def balanced(debits: dict[str, float], credits: dict[str, float]) -> pd.DataFrame:
    """A trial balance whose bank account 512 takes the difference (overdraft if credit)."""
    lines = {a: (d, 0.0) for a, d in debits.items()}
    lines |= {a: (0.0, c) for a, c in credits.items()}
    gap = round(sum(credits.values()) - sum(debits.values()), 2)
    lines["512"] = (gap, 0.0) if gap >= 0 else (0.0, -gap)
    return make_tb(lines)


random_tb = st.builds(
    balanced,
    st.fixed_dictionaries({a: amounts for a in DEBIT_ACCOUNTS}),
    st.fixed_dictionaries({a: amounts for a in CREDIT_ACCOUNTS}),
)


@SETTINGS
@given(random_tb)
def test_treasury_is_frng_minus_bfr_and_the_bank(tb):
    fb = financial_balance(tb, 2025)
    bank = float(tb.loc[tb["compte"] == "512", "debit"].iloc[0]) - float(
        tb.loc[tb["compte"] == "512", "credit"].iloc[0]
    )
    assert fb.tresorerie_eur == pytest.approx(fb.frng_eur - fb.bfr_eur, abs=0.01)
    assert fb.tresorerie_eur == pytest.approx(bank, abs=0.01)
    assert fb.disponibilites_eur - fb.concours_bancaires_eur == pytest.approx(bank, abs=0.01)


@SETTINGS
@given(random_tb)
def test_a_balanced_balance_gives_a_balanced_bilan(tb):
    bilan = balance_sheet(tb, 2025)
    assert bilan.total_actif_eur == pytest.approx(bilan.total_passif_eur, abs=0.01)
    assert bilan.resultat_eur == pytest.approx(income_statement(tb, 2025).resultat_eur)


@SETTINGS
@given(random_tb, st.integers(min_value=1, max_value=1_000_000).map(lambda c: c / 100))
def test_caf_ignores_an_equal_dotation_and_reprise(tb, amount):
    extra = pd.concat(
        [tb, make_tb({"6815": (amount, 0.0), "7815": (0.0, amount)})], ignore_index=True
    )
    before, after = caf(tb, 2025), caf(extra, 2025)
    assert after.caf_eur == pytest.approx(before.caf_eur, abs=0.01)
    assert after.resultat_eur == pytest.approx(before.resultat_eur, abs=0.01)
    assert after.dotations_eur == pytest.approx(before.dotations_eur + amount, abs=0.01)


@st.composite
def two_years(draw):
    """A 2024 balance and a 2025 balance consistent with it: the 2024 résultat is booked in
    report à nouveau (110), gross assets only grow, amortissements grow by the dotation."""
    previous = draw(random_tb)
    result_2024 = income_statement(previous, 2024).resultat_eur
    old = previous.set_index("compte")
    solde = (old["credit"] - old["debit"]).to_dict()
    dotation = draw(amounts)
    debits = {a: draw(amounts) for a in ("4418", "486", "606", "641")}
    debits["2183"] = -solde["2183"] + draw(amounts)
    debits["6811"] = dotation
    credits = {a: draw(amounts) for a in ("102", "164", "401", "431", "487", "741")}
    # Reserves and provisions change only through the allocation and 68/78.
    credits["1068"] = solde["1068"]
    credits["151"] = solde["151"]
    credits["28183"] = solde["28183"] + dotation
    carried = round(result_2024, 2)
    lines_debit, lines_credit = dict(debits), dict(credits)
    if carried >= 0:
        lines_credit["110"] = carried
    else:
        lines_debit["110"] = -carried
    return previous, balanced(lines_debit, lines_credit)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_years(), st.booleans())
def test_financing_table_equals_the_change_of_frng(pair, give_loans):
    previous, current = pair
    new_loans = None
    if give_loans:
        delta = float(current.loc[current["compte"] == "164", "credit"].iloc[0]) - float(
            previous.loc[previous["compte"] == "164", "credit"].iloc[0]
        )
        new_loans = max(delta, 0.0) + 100.0
    table = financing_table(previous, current, 2025, nouveaux_emprunts_eur=new_loans)
    expected = (
        financial_balance(current, 2025).frng_eur - financial_balance(previous, 2024).frng_eur
    )
    assert table.variation_fonds_roulement_eur == pytest.approx(expected, abs=0.01)
    assert table.total_ressources_eur - table.total_emplois_eur == pytest.approx(expected, abs=0.01)
