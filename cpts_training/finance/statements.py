"""Compte de résultat and bilan drawn from a trial balance.

Both read every account through the chart of accounts
(:mod:`cpts_training.finance.chart`, ANC 2018-06 and ANC 2022-06): the longest prefix in
force for the financial year gives the rubric. Amounts are in euros.

- :func:`account_table`: one row per account with its rubric and its amount on its side;
- :func:`income_statement`: charges and produits by nature within each section
  (exploitation, financier, exceptionnel, impôt), and the résultat = produits − charges;
- :func:`balance_sheet`: actif and passif by poste; the résultat of classes 6 and 7 is
  carried into the passif (« Résultat de l'exercice ») since the balance is drawn before
  the closing entry that books it in account 12 (an account 12 in the balance is the
  previous résultat awaiting its allocation). Total actif = total passif.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from cpts_training.columns import Column, declare_columns
from cpts_training.errors import DataError
from cpts_training.finance.chart import SECTIONS, rubric_of
from cpts_training.finance.trial_balance import TOLERANCE_EUR, require_trial_balance
from cpts_training.formatting import format_euros

COLUMNS = declare_columns(
    Column("debit", "Débit (€)", "€"),
    Column("credit", "Crédit (€)", "€"),
    Column("prefixe", "Préfixe"),
    Column("precision", "Précision"),
)
"""French labels of the trial balance's and the statements' columns."""

ACCOUNT_TABLE_COLUMNS = (
    "compte",
    "libelle",
    "solde_eur",
    "etat",
    "section",
    "cote",
    "prefixe",
    "rubrique",
    "poste",
    "masse",
    "montant_eur",
    "verifie",
)
"""Columns of :func:`account_table`."""

RESULT_LABEL = "Résultat de l'exercice"


def account_table(tb: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every account of the trial balance ``tb`` of the financial year ``year`` with its
    rubric.

    Columns (:data:`ACCOUNT_TABLE_COLUMNS`): ``compte``, ``libelle``, ``solde_eur``
    (debit − credit), ``etat`` (``resultat``/``bilan``), ``section`` (compte de
    résultat), ``cote`` (``actif``, ``passif``, ``charge``, ``produit``: an account
    classed « selon le solde » goes to the actif when its balance is a debit, to the
    passif otherwise), ``prefixe`` and ``rubrique`` (the chart entry that matched),
    ``poste`` (bilan), ``masse`` (bilan financier), ``montant_eur`` (the amount on its side:
    solde for actif and charges, −solde for passif and produits; a contra-asset 28, 29,
    39, 49, 59 is a negative actif) and ``verifie`` (the entry was checked against a
    source).

    Raises :class:`~cpts_training.errors.InputError` (French) when ``tb`` is not a valid
    trial balance (see :func:`~cpts_training.finance.trial_balance.require_trial_balance`).
    """
    clean = require_trial_balance(tb, year)
    rows = []
    for account, label, debit, credit in clean.itertuples(index=False, name=None):
        rubric = rubric_of(account, year)
        solde = debit - credit
        cote, poste = rubric.cote, rubric.poste
        if cote == "selon_solde":
            cote, poste = (
                ("actif", rubric.poste) if solde >= 0 else ("passif", rubric.poste_crediteur)
            )
        amount = solde if cote in ("actif", "charge") else -solde
        rows.append(
            {
                "compte": account,
                "libelle": label,
                "solde_eur": solde,
                "etat": rubric.etat,
                "section": rubric.section,
                "cote": cote,
                "prefixe": rubric.prefixe,
                "rubrique": rubric.libelle,
                "poste": poste,
                "masse": rubric.masse,
                "montant_eur": amount,
                "verifie": rubric.verified,
            }
        )
    return pd.DataFrame(rows, columns=list(ACCOUNT_TABLE_COLUMNS))


def result_of(accounts: pd.DataFrame) -> float:
    """Résultat (euros) of an :func:`account_table`: Σ produits − Σ charges (classes 7 − 6)."""
    return -math.fsum(
        solde
        for etat, solde in zip(accounts["etat"], accounts["solde_eur"], strict=True)
        if etat == "resultat"
    )


@dataclass(frozen=True)
class IncomeStatement:
    """Compte de résultat of one financial year (euros).

    ``table`` has one row per rubric with the columns ``section``, ``prefixe``,
    ``rubrique``, ``charges_eur`` and ``produits_eur``, sections in the order
    exploitation, financier, exceptionnel, impôt. ``resultat_par_section`` gives
    produits − charges of each section present.
    """

    year: int
    table: pd.DataFrame
    total_charges_eur: float
    total_produits_eur: float
    resultat_eur: float
    resultat_par_section: dict[str, float]

    @property
    def is_surplus(self) -> bool:
        """True for an excédent (résultat ≥ 0), False for a déficit."""
        return self.resultat_eur >= 0

    def with_totals(self) -> pd.DataFrame:
        """``table`` followed by two rows: « Total » (Σ charges, Σ produits) and the
        résultat (« Résultat de l'exercice : excédent » or « … : déficit », its amount in
        the ``produits_eur`` column, produits − charges; ``charges_eur`` empty)."""
        kind = "excédent" if self.is_surplus else "déficit"
        totals = pd.DataFrame(
            [
                {
                    "section": "",
                    "prefixe": "",
                    "rubrique": "Total",
                    "charges_eur": self.total_charges_eur,
                    "produits_eur": self.total_produits_eur,
                },
                {
                    "section": "",
                    "prefixe": "",
                    "rubrique": f"Résultat de l'exercice : {kind} (produits − charges)",
                    "charges_eur": float("nan"),
                    "produits_eur": self.resultat_eur,
                },
            ]
        )
        return pd.concat([self.table, totals], ignore_index=True)


def income_statement(tb: pd.DataFrame, year: int) -> IncomeStatement:
    """Compte de résultat of the trial balance ``tb`` (financial year ``year``).

    Charges are the balances of classes 6 (debit − credit), produits those of class 7
    (credit − debit), grouped by the rubric of the chart (60 Achats … 68 Dotations,
    70 Ventes … 78 Reprises; 657/757/747 in their own rubrics from 2025, 675/775/777
    before) and by section. Résultat = total des produits − total des charges
    (ANC 2018-06; PCG).

    Raises :class:`~cpts_training.errors.InputError` (French) on an invalid balance.
    """
    return income_statement_of(account_table(tb, year), year)


def income_statement_of(accounts: pd.DataFrame, year: int) -> IncomeStatement:
    """:func:`income_statement` from an :func:`account_table` already computed."""
    flows = accounts[accounts["etat"] == "resultat"].copy()
    flows["charges_eur"] = flows["montant_eur"].where(flows["cote"] == "charge", 0.0)
    flows["produits_eur"] = flows["montant_eur"].where(flows["cote"] == "produit", 0.0)
    order = {s: i for i, s in enumerate(SECTIONS)}
    table = (
        flows.groupby(["section", "prefixe", "rubrique"], as_index=False)[
            ["charges_eur", "produits_eur"]
        ]
        .sum()
        .assign(_order=lambda d: d["section"].map(order))
        .sort_values(["_order", "prefixe"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    charges = math.fsum(flows["charges_eur"])
    produits = math.fsum(flows["produits_eur"])
    by_section = {
        str(section): math.fsum(group["produits_eur"]) - math.fsum(group["charges_eur"])
        for section, group in table.groupby("section", sort=False)
    }
    return IncomeStatement(
        year=year,
        table=table,
        total_charges_eur=charges,
        total_produits_eur=produits,
        resultat_eur=produits - charges,
        resultat_par_section=by_section,
    )


@dataclass(frozen=True)
class BalanceSheet:
    """Bilan at the end of one financial year (euros).

    ``actif`` and ``passif`` have the columns ``poste``, ``comptes`` (the accounts,
    comma-separated) and ``montant_eur``; on the actif, the amortissements and
    dépréciations are negative lines (to deduct from the gross values); on the passif,
    the last line is the « Résultat de l'exercice » (classes 6 and 7).
    """

    year: int
    actif: pd.DataFrame
    passif: pd.DataFrame
    total_actif_eur: float
    total_passif_eur: float
    resultat_eur: float


def _by_poste(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame({"poste": [], "comptes": [], "montant_eur": []})
    grouped = rows.groupby("poste", sort=False).agg(
        comptes=("compte", lambda c: ", ".join(sorted(c))),
        montant_eur=("montant_eur", "sum"),
        _first=("prefixe", "min"),
    )
    return (
        grouped.sort_values("_first", kind="stable")
        .drop(columns="_first")
        .reset_index()[["poste", "comptes", "montant_eur"]]
    )


def balance_sheet(tb: pd.DataFrame, year: int) -> BalanceSheet:
    """Bilan of the trial balance ``tb`` (financial year ``year``).

    Actif: immobilisations at gross value (20, 21, 22, 23, 26, 27) less amortissements
    (28) and dépréciations (29); stocks (3, less 39); créances (debit balances of 40 to
    48, less 49); charges constatées d'avance (486); VMP (50, less 59) and disponibilités
    (debit balances of 51, 53, 54, 58). Passif: fonds propres (10), réserves (106), report
    à nouveau (11), résultat en instance d'affectation (12), subventions d'investissement
    (13), provisions réglementées (14), provisions pour risques et charges (15), emprunts
    (16), fonds dédiés (19), dettes (credit balances of 40 to 48), produits constatés
    d'avance (487), concours bancaires courants (519 and credit balances of 51), and the
    résultat of the year (classes 7 − 6). Sources: ANC 2018-06 (modèle de bilan des
    associations), PCG; mapping in ``data/finance/plan_de_comptes.yaml``.

    Raises:
        InputError: invalid balance (French message).
        DataError: total actif ≠ total passif (cannot happen for a balanced balance; the
            message gives both totals).
    """
    accounts = account_table(tb, year)
    result = result_of(accounts)
    stocks = accounts[accounts["etat"] == "bilan"]
    actif = _by_poste(stocks[stocks["cote"] == "actif"])
    passif = _by_poste(stocks[stocks["cote"] == "passif"])
    passif = pd.concat(
        [
            passif,
            pd.DataFrame(
                {"poste": [RESULT_LABEL], "comptes": ["classes 6 et 7"], "montant_eur": [result]}
            ),
        ],
        ignore_index=True,
    )
    total_actif = math.fsum(actif["montant_eur"])
    total_passif = math.fsum(passif["montant_eur"])
    if abs(total_actif - total_passif) > TOLERANCE_EUR:
        raise DataError(
            f"Bilan {year} déséquilibré : total de l'actif {format_euros(total_actif, 2)}, "
            f"total du passif {format_euros(total_passif, 2)}. Vérifiez que la balance est "
            "équilibrée (total débit = total crédit)."
        )
    return BalanceSheet(
        year=year,
        actif=actif,
        passif=passif,
        total_actif_eur=total_actif,
        total_passif_eur=total_passif,
        resultat_eur=result,
    )
