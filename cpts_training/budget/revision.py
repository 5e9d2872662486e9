"""Following the budget during the year and adjusting it (référentiel B5.C04).

Two steps, the trainee deciding between them:

1. :func:`mid_year_review`: at mid-year, the planned amount of each line to date
   against what was booked, and the year-end estimate (« atterrissage »);
2. :func:`revise_budget_under_constraint`: the news received (a grant cut, a call for
   projects refused) and the new amounts the trainee chooses for the charges give a
   budget rectificatif, with its balance and the rules it breaks
   (:class:`BudgetRectificatif`). Nothing here proposes which lines to cut.

Lines are matched on their account (``compte``). Money is in euros, shares are
fractions between 0 and 1.

Protected lines: by default (``protected=None``) a charge line is protected when its
``mission`` is a mission socle of the ACI (:data:`~cpts_training.budget.forecast.
SOCLE_MISSIONS`) or « plusieurs_missions » (a line shared between missions: in the case
study the contract has only socle missions, so these lines serve only socles). Salaries
and employer charges (accounts 64…) must not change at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cpts_training.budget._common import cents, require_rate, require_signed_amount
from cpts_training.budget.forecast import (
    MISSION_COLUMN,
    NO_MISSION,
    PLUSIEURS_MISSIONS,
    SENS_CHARGE,
    SENS_PRODUIT,
    SOCLE_MISSIONS,
    BalanceVerdict,
    BudgetSummary,
    balance_of,
    budget_summary,
    ensure_budget,
    mission_label,
    revise_budget,
)
from cpts_training.columns import Column, declare_columns
from cpts_training.errors import InputError
from cpts_training.formatting import format_euros

DEFAULT_SHARE_TO_DATE = 6 / 12
"""Share of an annual amount planned by 30 June when no seasonality is given (6/12)."""

SALARY_CLASS = "64"
"""Account class of the salaries and employer charges (« Charges de personnel »)."""

REVIEW_COLUMNS = (
    "compte",
    "libelle",
    "mission",
    "sens",
    "prevu_annuel_eur",
    "part_prevue_a_date",
    "prevu_a_date_eur",
    "realise_a_date_eur",
    "ecart_a_date_eur",
    "reste_prevu_eur",
    "atterrissage_eur",
    "ecart_atterrissage_eur",
)
"""Columns of :func:`mid_year_review`."""

RECTIFICATIF_COLUMNS = (
    "compte",
    "libelle",
    "mission",
    "sens",
    "budget_initial_eur",
    "ajustement_eur",
    "budget_rectificatif_eur",
    "protection",
)
"""Columns of :attr:`BudgetRectificatif.table`."""


@dataclass(frozen=True)
class BudgetRectificatif:
    """A budget rectificatif and its consequences (:func:`revise_budget_under_constraint`).

    - ``table``: one row per line (:data:`RECTIFICATIF_COLUMNS`): initial amount,
      adjustment (rectificatif − initial) and new amount, in euros; ``protection`` is the
      French reason a line must not be reduced (``""`` when it may);
    - ``budget``: the budget rectificatif as a budget table (:func:`~cpts_training.
      budget.forecast.make_budget`, ``mission`` kept), to export with
      :func:`~cpts_training.budget.export.export_budget_xlsx`;
    - ``balance``: :func:`~cpts_training.budget.forecast.balance_of` of ``budget``;
    - ``violations``: French sentences, one per rule broken (protected line reduced,
      salary changed, negative amount, amount below what is already booked);
    - ``messages``: French sentences describing the changes and their result.
    """

    table: pd.DataFrame
    budget: pd.DataFrame
    balance: BalanceVerdict
    violations: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def summary(self) -> BudgetSummary:
        """Totals of the budget rectificatif."""
        return budget_summary(self.budget)

    @property
    def acceptable(self) -> bool:
        """Balanced and no rule broken."""
        return self.balance.balanced and not self.violations

    def __str__(self) -> str:
        return "\n".join([*self.messages, *self.violations])


def mid_year_review(
    budget: pd.DataFrame,
    actuals_h1: pd.DataFrame,
    seasonality: Mapping[Any, float] | None = None,
) -> pd.DataFrame:
    """Planned to date against booked to date, and the year-end estimate, per line.

    ``budget`` and ``actuals_h1`` are budget tables (the annual budget and the amounts
    booked from 1 January to 30 June). ``seasonality`` maps an account to the share of
    its annual amount planned by 30 June (a fraction 0–1: 1 for an insurance paid in
    January, 0 for a fee billed after the closing, 0.5 for indemnities paid in two equal
    instalments in February and August); every other line is spread evenly, 6/12.

    Columns (:data:`REVIEW_COLUMNS`), amounts in euros:

    - ``prevu_a_date_eur`` = ``prevu_annuel_eur`` × ``part_prevue_a_date``;
    - ``ecart_a_date_eur`` = réalisé à date − prévu à date;
    - ``reste_prevu_eur`` = prévu annuel − prévu à date (what remains planned for the
      second half);
    - ``atterrissage_eur`` = réalisé à date + reste prévu (the year-end estimate if the
      second half goes as planned);
    - ``ecart_atterrissage_eur`` = atterrissage − prévu annuel.

    ``mission`` is the line's mission (``""`` when the budget has none). A line booked
    but not planned appears with a planned amount of 0.
    Raises :class:`InputError` for a share outside 0–1 or an account of ``seasonality``
    that is in neither table.
    """
    plan = ensure_budget(budget)
    real = ensure_budget(actuals_h1)
    planned = dict(zip(plan["compte"], plan["montant_eur"], strict=True))
    booked = dict(zip(real["compte"], real["montant_eur"], strict=True))
    shares = _shares(seasonality, set(planned) | set(booked))
    missions = _missions(plan)
    labels = dict(zip(real["compte"], real["libelle"], strict=True))
    labels.update(zip(plan["compte"], plan["libelle"], strict=True))
    sides = dict(zip(real["compte"], real["sens"], strict=True))
    sides.update(zip(plan["compte"], plan["sens"], strict=True))
    rows = []
    for account in [*planned, *(a for a in booked if a not in planned)]:
        annual = float(planned.get(account, 0.0))
        share = shares.get(account, DEFAULT_SHARE_TO_DATE)
        to_date = cents(annual * share)
        actual = float(booked.get(account, 0.0))
        remaining = cents(annual - to_date)
        landing = cents(actual + remaining)
        rows.append(
            (
                account,
                labels[account],
                missions.get(account, NO_MISSION),
                sides[account],
                annual,
                share,
                to_date,
                actual,
                cents(actual - to_date),
                remaining,
                landing,
                cents(landing - annual),
            )
        )
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))


def protection_reasons(
    budget: pd.DataFrame, protected: Iterable[Any] | Mapping[Any, str] | None = None
) -> dict[str, str]:
    """Charge lines that must not be reduced, each with its French reason.

    Salaries and employer charges (accounts 64…) are always listed (« salaires : le CA
    ne les modifie pas »). With ``protected=None``, so are the lines whose mission is a
    mission socle or « plusieurs_missions » (see the module docstring); otherwise
    ``protected`` lists the accounts to protect (or maps each to its reason).
    Raises :class:`InputError` for an account of ``protected`` that is not a charge of
    the budget.
    """
    table = ensure_budget(budget)
    charges = table[table["sens"] == SENS_CHARGE]
    missions = _missions(table)
    reasons: dict[str, str] = {}
    if protected is None:
        for account in charges["compte"]:
            mission = missions.get(account, NO_MISSION)
            if mission in SOCLE_MISSIONS:
                reasons[account] = f"mission socle ({mission_label(mission)})"
            elif mission == PLUSIEURS_MISSIONS:
                reasons[account] = "ligne partagée entre les missions socles"
    else:
        given = (
            dict(protected.items())
            if isinstance(protected, Mapping)
            else dict.fromkeys(protected, "ligne protégée par le conseil d'administration")
        )
        known = set(charges["compte"])
        for account, reason in given.items():
            text = str(account).strip()
            if text not in known:
                raise InputError(
                    f"Ligne protégée inconnue : le compte {text} n'est pas une charge du "
                    f"budget. Charges du budget : {', '.join(charges['compte'])}."
                )
            reasons[text] = str(reason)
    for account in charges["compte"]:
        if str(account).startswith(SALARY_CLASS):
            reasons[account] = "salaires et charges sociales : le CA ne les modifie pas"
    return reasons


def revise_budget_under_constraint(
    budget: pd.DataFrame,
    new_amounts: Mapping[Any, Any],
    resource_changes: Mapping[Any, Any],
    protected: Iterable[Any] | Mapping[Any, str] | None = None,
    actuals_h1: pd.DataFrame | None = None,
) -> BudgetRectificatif:
    """The budget rectificatif that follows from the news and the trainee's choices.

    - ``budget``: the initial budget (a budget table, ideally with ``mission``);
    - ``new_amounts``: account → new annual amount in euros (a number, or a text typed
      the French way such as « 3 000 » or « 1 250,50 »), for the lines the trainee
      changes;
    - ``resource_changes``: product account → new annual amount announced (the news:
      FIR 6 800, appel à projets 0);
    - ``protected``: the charge lines not to reduce (see :func:`protection_reasons`);
    - ``actuals_h1``: optional amounts booked to date: a new amount below them is a
      violation (the money is already spent).

    The rules broken are listed in ``violations``, never corrected: a negative new
    amount is listed and the line keeps its initial amount in ``budget`` until it is
    fixed. Raises :class:`InputError` for an account that is not in the budget, a
    ``resource_changes`` account that is not a product, an account in both mappings,
    or a text that is not a number.
    """
    table = ensure_budget(budget)
    accounts = list(table["compte"])
    initial = dict(zip(accounts, table["montant_eur"], strict=True))
    labels = dict(zip(accounts, table["libelle"], strict=True))
    sides = dict(zip(accounts, table["sens"], strict=True))
    missions = _missions(table)
    reasons = protection_reasons(table, protected)
    news = _amounts(resource_changes, initial, "Nouvelle reçue")
    for account in news:
        if sides[account] != SENS_PRODUIT:
            raise InputError(
                f"Le compte {account} ({labels[account]}) est une charge : les nouvelles "
                "reçues portent sur des produits (subventions, appels à projets). "
                "Mettez les charges dans les nouveaux montants."
            )
    chosen = _amounts(new_amounts, initial, "Nouveau montant")
    both = sorted(set(news) & set(chosen))
    if both:
        raise InputError(
            f"Le compte {', '.join(both)} est fixé par les nouvelles reçues : ne le "
            "modifiez pas dans les nouveaux montants (le financeur a décidé du montant)."
        )
    booked: dict[str, float] = {}
    if actuals_h1 is not None:
        real = ensure_budget(actuals_h1)
        booked = dict(zip(real["compte"], real["montant_eur"], strict=True))

    violations: list[str] = []
    applied: dict[str, float] = {}
    for account, amount in {**news, **chosen}.items():
        before = float(initial[account])
        name = f"Compte {account} ({labels[account]})"
        if amount < 0:
            violations.append(
                f"{name} : le nouveau montant {format_euros(amount, 2)} est négatif. Un "
                "montant de budget est positif ou nul : la ligne garde son montant initial "
                f"({format_euros(before, 2)}) tant que vous ne l'avez pas corrigé."
            )
            continue
        applied[account] = amount
        if sides[account] != SENS_CHARGE or amount == before:
            continue
        if account.startswith(SALARY_CLASS):
            violations.append(
                f"{name} : les salaires et charges sociales ne changent pas (décision du "
                f"CA) ; vous passez de {format_euros(before, 2)} à {format_euros(amount, 2)}."
            )
        elif account in reasons and amount < before:
            violations.append(
                f"{name} : ligne protégée ({reasons[account]}), réduite de "
                f"{format_euros(before, 2)} à {format_euros(amount, 2)}. Le CA demande de "
                "ne pas réduire ces lignes."
            )
        if account in booked and amount < booked[account]:
            violations.append(
                f"{name} : le nouveau montant ({format_euros(amount, 2)}) est inférieur au "
                f"réalisé à date ({format_euros(booked[account], 2)}) : cette dépense est "
                "déjà faite, le budget de l'année ne peut pas descendre en dessous."
            )

    revised = revise_budget(table, applied)
    after = dict(zip(revised["compte"], revised["montant_eur"], strict=True))
    rows = [
        (
            account,
            labels[account],
            missions.get(account, NO_MISSION),
            sides[account],
            float(initial[account]),
            cents(after[account] - initial[account]),
            float(after[account]),
            reasons.get(account, ""),
        )
        for account in accounts
    ]
    result_table = pd.DataFrame(rows, columns=list(RECTIFICATIF_COLUMNS))
    balance = balance_of(revised)
    return BudgetRectificatif(
        table=result_table,
        budget=revised,
        balance=balance,
        violations=tuple(violations),
        messages=tuple(_messages(result_table, news, budget_summary(revised), balance)),
    )


def _messages(
    table: pd.DataFrame,
    news: Mapping[str, float],
    summary: BudgetSummary,
    balance: BalanceVerdict,
) -> list[str]:
    """What changed and what follows, in French (no advice on which line to cut)."""
    rows = table.set_index("compte")
    messages = []
    for account in news:
        row: Any = rows.loc[account]  # one line of the table: its cells are typed Any
        messages.append(
            f"{row['libelle']} (compte {account}) : {format_euros(row['budget_initial_eur'], 2)} "
            f"→ {format_euros(row['budget_rectificatif_eur'], 2)} "
            f"({_signed(row['ajustement_eur'])})."
        )
    products = table[table["sens"] == SENS_PRODUIT]["ajustement_eur"].sum()
    charges_table = table[table["sens"] == SENS_CHARGE]
    changed = charges_table[charges_table["ajustement_eur"] != 0]
    messages.append(f"Variation des produits : {_signed(products)}.")
    messages.append(
        f"Variation des charges : {_signed(changed['ajustement_eur'].sum())} "
        f"({len(changed)} ligne(s) modifiée(s))."
    )
    messages.append(
        f"Résultat du budget rectificatif : {format_euros(summary.resultat_eur, 2)} "
        f"({summary.nature_resultat})."
    )
    messages.append(balance.message)
    return messages


def _signed(amount: float) -> str:
    value = cents(float(amount))
    return f"+{format_euros(value, 2)}" if value > 0 else format_euros(value, 2)


def _amounts(
    amounts: Mapping[Any, Any], initial: Mapping[str, float], what: str
) -> dict[str, float]:
    """Accounts and amounts read (a French text is parsed); unknown account refused."""
    out: dict[str, float] = {}
    for account, value in amounts.items():
        text = str(int(account) if isinstance(account, float) else account).strip()
        if text not in initial:
            raise InputError(
                f"{what} pour le compte {text} : ce compte n'est pas dans le budget. "
                f"Comptes du budget : {', '.join(initial)}."
            )
        out[text] = cents(require_signed_amount(value, f"{what} du compte {text}"))
    return out


def _shares(seasonality: Mapping[Any, float] | None, accounts: set[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for account, share in (seasonality or {}).items():
        text = str(account).strip()
        if text not in accounts:
            raise InputError(
                f"Part prévue à date pour le compte {text} : ce compte n'est ni dans le "
                f"budget ni dans le réalisé. Comptes : {', '.join(sorted(accounts))}."
            )
        out[text] = require_rate(share, f"La part prévue à date du compte {text}")
    return out


def _missions(table: pd.DataFrame) -> dict[str, str]:
    if MISSION_COLUMN not in table.columns:
        return {}
    return {
        str(a): ("" if not isinstance(m, str) else m)
        for a, m in zip(table["compte"], table[MISSION_COLUMN], strict=True)
    }


COLUMNS = declare_columns(
    Column("prevu_annuel_eur", "Prévu annuel (€)", "€"),
    Column("part_prevue_a_date", "Part prévue à date (%)", "%"),
    Column("prevu_a_date_eur", "Prévu à date (€)", "€"),
    Column("realise_a_date_eur", "Réalisé à date (€)", "€"),
    Column("ecart_a_date_eur", "Écart à date (€)", "€"),
    Column("reste_prevu_eur", "Reste prévu (€)", "€"),
    Column("atterrissage_eur", "Atterrissage (€)", "€"),
    Column("ecart_atterrissage_eur", "Écart d'atterrissage (€)", "€"),
    Column("budget_initial_eur", "Budget initial (€)", "€"),
    Column("ajustement_eur", "Ajustement (€)", "€"),
    Column("budget_rectificatif_eur", "Budget rectificatif (€)", "€"),
    Column("protection", "Protection"),
)
"""Columns of the mid-year review and of the budget rectificatif."""
