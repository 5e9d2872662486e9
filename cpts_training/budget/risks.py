"""Financial risks of a CPTS budget: dependency on the ACI, reserves and result sensitivity.

B5.C11 « Analyser les risques financiers ». A CPTS lives mostly on the ACI, whose
variable part depends on the achievement of the contract's indicators, assessed after
each contract year: this module measures how much the result of a budget moves when
those rates fall, or when another funder (FIR, local authority, call for projects)
withdraws.

- :func:`aci_dependency`: ACI products / total products (fraction 0–1);
- :func:`reserves_in_months`: reserves / monthly charges (months);
- :func:`result_sensitivity`: the budget's result under simple scenarios (one row each).

The tornado chart of a sensitivity table is
:func:`cpts_training.budget.charts.plot_tornado`. Cash-flow scenarios (payment delays)
live in :mod:`cpts_training.budget.cash`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cpts_training.budget._common import (
    cents,
    fr_date,
    require_rate,
    require_signed_amount,
    require_whole,
)
from cpts_training.budget.aci import FONCTIONNEMENT, AciContract, calendar_year_funding
from cpts_training.budget.forecast import (
    SENS_PRODUIT,
    budget_summary,
    ensure_budget,
)
from cpts_training.columns import Column, declare_columns
from cpts_training.errors import InputError
from cpts_training.formatting import format_decimal_fr

ACI_ACCOUNTS = ("741",)
"""Default accounts of the ACI product (prefixes): the course books it in 741; an
expert-comptable may choose a 73 account (concours publics, ANC 2018-06): pass it then."""

OTHER_RESOURCE_CLASSES = ("73", "74")
"""Account classes of the public funding whose loss :func:`result_sensitivity` tests
(FIR, local authorities, calls for projects), the ACI accounts excepted."""

DEFAULT_DROPS = (0.10, 0.20)
"""Default falls of the achievement rates tested, in points (fractions: 0.10 = 10 points)."""

SENSITIVITY_COLUMNS = ("scenario", "variation_resultat_eur", "resultat_eur")
"""Columns of :func:`result_sensitivity`."""

COLUMNS = declare_columns(
    Column("scenario", "Scénario"),
    Column("variation_resultat_eur", "Variation du résultat (€)", "€"),
    Column("resultat_eur", "Résultat (€)", "€"),
)
"""French labels of :data:`SENSITIVITY_COLUMNS` (tables and exports)."""


def aci_accounts_mask(budget: pd.DataFrame, aci_accounts: Sequence[str] = ACI_ACCOUNTS) -> Any:
    """Boolean Series: the product lines whose account starts with one of ``aci_accounts``."""
    prefixes = _prefixes(aci_accounts)
    return (budget["sens"] == SENS_PRODUIT) & budget["compte"].astype(str).str.startswith(prefixes)


def aci_dependency(budget: pd.DataFrame, aci_accounts: Sequence[str] = ACI_ACCOUNTS) -> float:
    """Share of the ACI in the products: ACI products / total products (fraction 0–1).

    ``budget`` is a budget table (:func:`~cpts_training.budget.forecast.make_budget`);
    ACI lines are the product lines whose account starts with one of ``aci_accounts``
    (default ``("741",)``; add ``"73"`` if the ACI is booked as a concours public).
    Case study 2025: 197 850 / 217 230 = 0,9108 (91,1 %). Returns NaN when the budget
    has no product. Raises :class:`InputError` for an invalid budget or account list.
    """
    table = ensure_budget(budget)
    products = table.loc[table["sens"] == SENS_PRODUIT, "montant_eur"].sum()
    if products == 0:
        return math.nan
    aci = table.loc[aci_accounts_mask(table, aci_accounts), "montant_eur"].sum()
    return float(aci / products)


def reserves_in_months(reserves_eur: float, budget: pd.DataFrame) -> float:
    """Months of charges that the reserves cover: reserves / (total charges / 12).

    ``reserves_eur`` is the association's available reserves in euros (fonds
    associatifs available, or the cash at hand, as the board decides); it may be
    negative (a report à nouveau déficitaire). Example: 50 000 € of reserves for
    217 230 € of charges = 50 000 / 18 102,50 = 2,76 months. Raises
    :class:`InputError` when ``reserves_eur`` is not a number or the budget has no
    charges.
    """
    reserves = require_signed_amount(reserves_eur, "Le montant des réserves")
    charges = budget_summary(budget).total_charges_eur
    if charges <= 0:
        raise InputError(
            "Le budget n'a aucune charge : les réserves ne peuvent pas s'exprimer en mois de "
            "charges. Saisissez d'abord les charges du budget (comptes 60 à 68)."
        )
    return reserves / (charges / 12)


def result_sensitivity(
    budget: pd.DataFrame,
    contract: AciContract,
    year: int,
    achievement: Mapping[int, Mapping[str, float]] | None,
    scenarios: Sequence[float] | None = None,
    aci_accounts: Sequence[str] = ACI_ACCOUNTS,
) -> pd.DataFrame:
    """The budget's result under each scenario of a lower ACI or a lost funder.

    Inputs: ``budget`` (budget table of the civil ``year``), the ACI ``contract`` and
    the ``achievement`` rates planned by contract year (``{1: {"prevention": 0.8}}``,
    fractions 0–1, as :func:`~cpts_training.budget.aci.calendar_year_funding` takes
    them). ``scenarios`` are the falls of the achievement rates to test, in points given
    as fractions (default ``(0.10, 0.20)``: −10 and −20 points).

    Rows, in this order:

    1. for each fall, for each mission of the contract with a variable part, then for
       all missions together: every planned rate of that mission (every contract year)
       lowered by the fall, floored at 0; the ACI product of the civil year is
       recomputed with :func:`calendar_year_funding` and the variation of the result is
       (new ACI product − ACI product at the planned rates);
    2. for each product line of classes 73 and 74 that is not an ACI account (FIR,
       local authority, call for projects): its loss, variation = − its amount.

    Columns (:data:`SENSITIVITY_COLUMNS`): ``scenario`` (French label),
    ``variation_resultat_eur`` (euros, negative for a loss) and ``resultat_eur`` = the
    budget's result (products − charges) + the variation. Charges are unchanged (the
    worst case: the actions are still paid for).

    Example (case study, civil year 2026): prevention −20 points = −0,2 × 15 000 ×
    (3/12 of contract year 2 + 9/12 of contract year 3) = −3 000 €.

    Raises :class:`InputError` (French) for a fall outside 0–1, a civil year outside the
    contract, or invalid rates (see :func:`calendar_year_funding`).
    """
    table = ensure_budget(budget)
    civil = require_whole(year, "L'année civile", minimum=1900, maximum=2200)
    _require_overlap(contract, civil)
    drops = _require_drops(DEFAULT_DROPS if scenarios is None else scenarios)
    planned = {int(k): dict(v) for k, v in (achievement or {}).items()}
    base_aci = _aci_total(contract, civil, planned)
    result = budget_summary(table).resultat_eur
    rows: list[tuple[str, float]] = []
    with_variable = [m for m in contract.missions if m.variable_annual_eur > 0]
    for drop in drops:
        points = format_decimal_fr(drop * 100)
        for mission in with_variable:
            lowered = _lower(planned, drop, {mission.id})
            variation = _aci_total(contract, civil, lowered) - base_aci
            rows.append((f"{mission.label} : taux d'atteinte −{points} points", variation))
        if len(with_variable) > 1:
            lowered = _lower(planned, drop, {m.id for m in with_variable})
            variation = _aci_total(contract, civil, lowered) - base_aci
            rows.append((f"Toutes les missions : taux d'atteinte −{points} points", variation))
    prefixes = _prefixes(aci_accounts)
    others = table[
        (table["sens"] == SENS_PRODUIT)
        & table["classe"].isin(OTHER_RESOURCE_CLASSES)
        & ~table["compte"].astype(str).str.startswith(prefixes)
    ]
    for label, amount in zip(others["libelle"], others["montant_eur"], strict=True):
        if amount > 0:
            rows.append((f"Perte du financement « {label} »", -float(amount)))
    out = pd.DataFrame(
        [(name, cents(v), cents(result + v)) for name, v in rows],
        columns=list(SENSITIVITY_COLUMNS),
    )
    out["variation_resultat_eur"] = out["variation_resultat_eur"].astype(float)
    out["resultat_eur"] = out["resultat_eur"].astype(float)
    return out


def _aci_total(
    contract: AciContract, year: int, achievement: Mapping[int, Mapping[str, float]]
) -> float:
    funding = calendar_year_funding(contract, year, achievement)
    return cents(funding["total_eur"].sum())


def _lower(
    planned: Mapping[int, Mapping[str, float]], drop: float, missions: set[str]
) -> dict[int, dict[str, float]]:
    """Planned rates with those of ``missions`` lowered by ``drop``, floored at 0."""
    return {
        k: {
            m: round(max(0.0, r - drop), 10) if m in missions else r
            for m, r in rates.items()
            if m != FONCTIONNEMENT
        }
        for k, rates in planned.items()
    }


def _require_overlap(contract: AciContract, year: int) -> None:
    last_day = contract.end_date - dt.timedelta(days=1)
    first, last = contract.signature_date.year, last_day.year
    if year < first or year > last:
        raise InputError(
            f"L'année {year} est hors du contrat ACI (du {fr_date(contract.signature_date)} "
            f"au {fr_date(last_day)}) : choisissez une année entre {first} et {last}."
        )


def _require_drops(drops: Sequence[float]) -> list[float]:
    if isinstance(drops, numbers.Real):
        drops = [float(drops)]
    checked = []
    for drop in drops:
        rate = require_rate(drop, "La baisse du taux d'atteinte testée")
        if rate == 0:
            raise InputError(
                "Une baisse de 0 point ne teste rien : donnez des baisses en fraction, par "
                "exemple (0,10, 0,20) pour −10 et −20 points."
            )
        checked.append(rate)
    if not checked:
        raise InputError(
            "Aucune baisse du taux d'atteinte à tester : donnez-en au moins une, par exemple "
            "(0,10, 0,20) pour −10 et −20 points."
        )
    return checked


def _prefixes(accounts: Sequence[str]) -> tuple[str, ...]:
    if isinstance(accounts, str):
        accounts = (accounts,)
    prefixes = tuple(str(a).strip() for a in accounts)
    if not prefixes or not all(p.isdigit() for p in prefixes):
        raise InputError(
            f"Comptes de l'ACI invalides : {', '.join(map(str, accounts)) or 'aucun'}. "
            'Donnez des numéros de compte, par exemple ("741",) ou ("741", "73").'
        )
    return prefixes
