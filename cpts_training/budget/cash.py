"""Monthly cash plan (plan de trésorerie) of a civil year.

A budget says what a year will cost and bring in; the cash plan says *when* the money
comes in and goes out. Starting from the cash on 1 January (``opening_balance_eur``),
each month adds its receipts (ACI payments from
:func:`~cpts_training.budget.aci.payment_schedule` and other receipts) and takes off its
spending::

    solde_cloture(m) = solde_ouverture(m) + encaissements(m) − decaissements(m)
    solde_ouverture(m + 1) = solde_cloture(m)

A receipt counts in the month of its date; receipts dated outside the year are left out
(so a payment postponed into the next year disappears from this year's plan).

Spending is given as 12 monthly amounts (January first), or as a budget whose charges
are spread evenly over the year (:func:`monthly_spending`), or spread along a profile of
12 weights.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cpts_training.budget._common import (
    MONTHS_FR,
    add_months,
    cents,
    fr_date,
    month_label,
    require_amount,
    require_whole,
    to_date,
)
from cpts_training.budget.forecast import SENS_CHARGE, ensure_budget
from cpts_training.columns import Column, declare_columns
from cpts_training.errors import InputError
from cpts_training.formatting import format_euros

PLAN_COLUMNS = (
    "mois",
    "libelle_mois",
    "solde_ouverture_eur",
    "encaissements_aci_eur",
    "autres_encaissements_eur",
    "encaissements_eur",
    "decaissements_eur",
    "flux_net_eur",
    "solde_cloture_eur",
)
"""Columns of :func:`cash_plan` (``mois`` is 1 to 12)."""

RECEIPT_COLUMNS = ("date", "libelle", "montant_eur")
"""Columns of a table of other receipts."""


@dataclass(frozen=True)
class CashSummary:
    """Lowest closing balance of a cash plan, its month and the months below zero."""

    minimum_eur: float
    minimum_month: int
    minimum_month_label: str
    negative_months: tuple[str, ...]
    closing_eur: float
    message: str

    def __str__(self) -> str:
        return self.message


def monthly_spending(budget: pd.DataFrame, profile: Sequence[float] | None = None) -> list[float]:
    """Spread the budget's charges over 12 months.

    Without ``profile``: total charges / 12 each month. With ``profile``: 12 weights (≥ 0,
    not all zero), month m receives total × weight(m) / Σ weights. Amounts are rounded to
    the cent; December takes the rounding remainder so that the months add up to the
    total.
    """
    table = ensure_budget(budget)
    total = cents(table.loc[table["sens"] == SENS_CHARGE, "montant_eur"].sum())
    weights = [1.0] * 12 if profile is None else _twelve(profile, "Le profil de dépenses")
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise InputError("Le profil de dépenses est nul : donnez au moins un poids positif.")
    months = [cents(total * w / weight_sum) for w in weights[:11]]
    months.append(cents(total - sum(months)))
    return months


def cash_plan(
    year: int,
    opening_balance_eur: float,
    spending: Sequence[float] | pd.DataFrame,
    aci_schedule: pd.DataFrame | None = None,
    other_receipts: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Monthly cash plan of ``year`` (:data:`PLAN_COLUMNS`).

    ``spending``: 12 monthly amounts, or a budget (charges spread evenly).
    ``aci_schedule``: the output of :func:`~cpts_training.budget.aci.payment_schedule`
    (columns ``date`` and ``montant_eur``). ``other_receipts``: a table with ``date``,
    ``libelle`` and ``montant_eur``. ``opening_balance_eur`` may be negative (overdraft).
    """
    civil = require_whole(year, "L'année", minimum=1900, maximum=2200)
    opening = _check_signed(opening_balance_eur, "Le solde de trésorerie d'ouverture")
    outflows = _spending(spending)
    aci = _receipts_by_month(_aci_receipts(aci_schedule), civil)
    other = _receipts_by_month(receipts_table(other_receipts), civil)
    rows = []
    balance = opening
    for month in range(1, 13):
        receipts = cents(aci[month] + other[month])
        net = cents(receipts - outflows[month - 1])
        closing = cents(balance + net)
        rows.append(
            (
                month,
                month_label(civil, month),
                balance,
                aci[month],
                other[month],
                receipts,
                outflows[month - 1],
                net,
                closing,
            )
        )
        balance = closing
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def cash_summary(plan: pd.DataFrame) -> CashSummary:
    """Lowest closing balance and its month, months below zero, in French.

    When several months share the minimum, the first one is reported.
    """
    closings = list(plan["solde_cloture_eur"])
    labels = list(plan["libelle_mois"])
    position = min(range(len(closings)), key=lambda i: closings[i])
    minimum = float(closings[position])
    negative = tuple(label for label, c in zip(labels, closings, strict=True) if c < 0)
    message = f"Solde de trésorerie le plus bas : {format_euros(minimum)} fin {labels[position]}. "
    if negative:
        worst = ", ".join(
            f"{label} ({format_euros(c)})"
            for label, c in zip(labels, closings, strict=True)
            if c < 0
        )
        message += (
            f"La trésorerie passe sous zéro en fin de mois : {worst}. Anticipez : négociez "
            "une facilité de caisse, demandez le versement d'une avance ou décalez des "
            "dépenses."
        )
    else:
        message += "La trésorerie reste positive tous les mois de l'année."
    return CashSummary(
        minimum_eur=minimum,
        minimum_month=int(plan["mois"].iloc[position]),
        minimum_month_label=str(labels[position]),
        negative_months=negative,
        closing_eur=float(closings[-1]),
        message=message,
    )


def delay_payments(
    schedule: pd.DataFrame,
    payment: dt.date | str,
    months: int,
    nature: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Copy of a payment table (ACI schedule or other receipts) where the payments dated
    ``payment`` (optionally only those of ``nature``) are moved ``months`` later.

    Raises :class:`InputError` listing the payment dates when none matches.
    """
    day = to_date(payment, "Le versement à décaler")
    shift = require_whole(months, "Le retard (en mois)", minimum=0)
    table = schedule.copy()
    dates = pd.to_datetime(table["date"]).dt.date
    mask = dates == day
    if nature is not None:
        natures = {nature} if isinstance(nature, str) else set(nature)
        mask &= table["nature"].isin(natures) if "nature" in table else False
    if not mask.any():
        available = ", ".join(fr_date(d) for d in sorted(set(dates)))
        raise InputError(
            f"Aucun versement le {fr_date(day)}"
            + (f" de nature {', '.join(sorted(natures))}" if nature is not None else "")
            + f". Dates de versement disponibles : {available or 'aucune'}."
        )
    moved = [add_months(d, shift) if m else d for d, m in zip(dates, mask, strict=True)]
    table["date"] = pd.to_datetime(moved)
    return table.sort_values("date", kind="stable").reset_index(drop=True)


def what_if_delay(
    year: int,
    opening_balance_eur: float,
    spending: Sequence[float] | pd.DataFrame,
    aci_schedule: pd.DataFrame | None = None,
    other_receipts: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
    *,
    payment: dt.date | str,
    months: int,
    nature: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Cash plan of :func:`cash_plan` with one payment arriving ``months`` months late.

    ``payment`` is the date of the payment to move: every ACI payment (and every other
    receipt) dated that day, or only the ACI payments of ``nature`` (e.g. « solde part
    fixe »), is moved ``months`` months later. A payment moved beyond 31 December leaves
    the plan of the year.
    """
    day = to_date(payment, "Le versement à décaler")
    aci = _aci_receipts(aci_schedule)
    other = receipts_table(other_receipts)
    in_aci = (pd.to_datetime(aci["date"]).dt.date == day).any()
    in_other = nature is None and (pd.to_datetime(other["date"]).dt.date == day).any()
    if not in_aci and not in_other:
        dates = sorted(
            set(pd.to_datetime(aci["date"]).dt.date) | set(pd.to_datetime(other["date"]).dt.date)
        )
        raise InputError(
            f"Aucun versement le {fr_date(day)}. Dates de versement disponibles : "
            f"{', '.join(fr_date(d) for d in dates) or 'aucune'}."
        )
    if in_aci:
        aci = delay_payments(aci, day, months, nature)
    if in_other:
        other = delay_payments(other, day, months)
    return cash_plan(year, opening_balance_eur, spending, aci, other)


def receipts_table(receipts: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> pd.DataFrame:
    """Validate other receipts (``date``, ``libelle``, ``montant_eur`` ≥ 0)."""
    if receipts is None:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[ns]"),
                "libelle": pd.Series(dtype=object),
                "montant_eur": pd.Series(dtype=float),
            }
        )
    table = receipts if isinstance(receipts, pd.DataFrame) else pd.DataFrame(list(receipts))
    missing = [c for c in RECEIPT_COLUMNS if c not in table.columns]
    if missing and not table.empty:
        raise InputError(
            f"Colonne(s) manquante(s) dans les encaissements : {', '.join(missing)}. "
            f"Colonnes attendues : {', '.join(RECEIPT_COLUMNS)}."
        )
    if table.empty:
        return receipts_table(None)
    dates, amounts = [], []
    for position, r in enumerate(table.to_dict("records"), start=1):
        dates.append(to_date(r["date"], f"La date de l'encaissement n° {position}"))
        amounts.append(
            cents(require_amount(r["montant_eur"], f"L'encaissement « {r['libelle']} »"))
        )
    return pd.DataFrame(
        {"date": pd.to_datetime(dates), "libelle": list(table["libelle"]), "montant_eur": amounts}
    )


def _aci_receipts(schedule: pd.DataFrame | None) -> pd.DataFrame:
    if schedule is None:
        return receipts_table(None)
    missing = [c for c in ("date", "montant_eur") if c not in schedule.columns]
    if missing:
        raise InputError(
            "L'échéancier ACI doit avoir les colonnes date et montant_eur : utilisez "
            "payment_schedule(contrat, …)."
        )
    for position, amount in enumerate(schedule["montant_eur"], start=1):
        require_amount(amount, f"Le versement ACI n° {position}")
    return schedule


def _receipts_by_month(receipts: pd.DataFrame, year: int) -> dict[int, float]:
    totals = dict.fromkeys(range(1, 13), 0.0)
    for day, amount in zip(pd.to_datetime(receipts["date"]), receipts["montant_eur"], strict=True):
        if day.year == year:
            totals[day.month] += float(amount)
    return {m: cents(v) for m, v in totals.items()}


def _spending(spending: Sequence[float] | pd.DataFrame) -> list[float]:
    if isinstance(spending, pd.DataFrame):
        return monthly_spending(spending)
    values = _twelve(spending, "Les décaissements mensuels")
    return [cents(v) for v in values]


def _twelve(values: Sequence[float] | Mapping[int, float], what: str) -> list[float]:
    if isinstance(values, Mapping):
        values = [values.get(m, 0.0) for m in range(1, 13)]
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise InputError(f"{what} : donnez 12 montants, de janvier à décembre.")
    values = list(values)
    if len(values) != 12:
        raise InputError(
            f"{what} : {len(values)} valeur(s) saisie(s) ; il en faut 12, de janvier à décembre."
        )
    return [
        require_amount(v, f"{what} ({MONTHS_FR[m - 1]})") for m, v in enumerate(values, start=1)
    ]


def _check_signed(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{what} vaut « {value} », ce n'est pas un nombre.")
    if math.isnan(value) or math.isinf(value):
        raise InputError(f"{what} n'est pas renseigné.")
    return cents(float(value))


COLUMNS = declare_columns(
    Column("mois", "Mois"),
    Column("libelle_mois", "Mois"),
    Column("solde_ouverture_eur", "Solde en début de mois (€)", "€"),
    Column("encaissements_aci_eur", "Encaissements ACI (€)", "€"),
    Column("autres_encaissements_eur", "Autres encaissements (€)", "€"),
    Column("encaissements_eur", "Total des encaissements (€)", "€"),
    Column("decaissements_eur", "Décaissements (€)", "€"),
    Column("flux_net_eur", "Flux net (€)", "€"),
    Column("solde_cloture_eur", "Solde en fin de mois (€)", "€"),
)
"""Columns of the monthly cash plan (:func:`cash_plan`)."""
