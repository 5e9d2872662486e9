"""Plan pluriannuel de financement of a CPTS over its ACI contract (référentiel B5.C09,
B5.C10): a pure model of the yearly trajectory of résultat, CAF, FRNG, BFR and
trésorerie.

Every amount is in euros; every rate is a fraction between 0 and 1. The hypotheses
(:class:`PlanHypotheses`) are given per civil year (the CPTS's financial year); the
trajectory (:func:`plan_trajectory`) has one row per year; :func:`plan_signals` states
facts about it, never a recommendation.

Formulas (definitions of :mod:`cpts_training.finance.analysis`):

- produits = ACI (part fixe + part variable maximale × taux d'atteinte) + autres produits
  (FIR, collectivités, cotisations); the ACI of a civil year comes from
  :func:`cpts_training.budget.aci.calendar_year_funding` (accrual basis);
- charges = personnel (ETP × coût employeur annuel d'un ETP × (1 + hausse)^(n − 1), n the
  rank of the year) + indemnités des professionnels + autres charges + dotations aux
  amortissements (linear, a full year from the year of purchase: a simplification of the
  prorata temporis of PCG art. 214-13);
- résultat = produits − charges;
- CAF = résultat + dotations (additive method of the PCG; guide M22 of the UNCCAS « Le lien
  compte de résultat – TFP »; no reprise, no cession, no quote-part de subvention
  d'investissement in the plan);
- variation du FRNG = CAF − investissements (tableau de financement: ressources −
  emplois, guide M22; the plan has no loan, no subvention d'investissement, no cession);
- BFR = BFR hors ACI (kept at its opening level) + créance de part variable ACI (part
  variable of the year not received in the year, received the next year);
- trésorerie = FRNG − BFR (bilan financier, sources of
  :data:`~cpts_training.finance.analysis.SOURCE_BILAN_FINANCIER`), checked each year
  against the cash flow: trésorerie(n − 1) + CAF − investissements − ΔBFR;
- affectation du résultat by the assemblée générale: report à nouveau, réserves or fonds
  dédiés (ANC 2018-06 art. 132-1); a deficit goes to report à nouveau. The allocation
  moves amounts between financements stables d'exploitation: it changes neither the FRNG
  nor the trésorerie;
- réserves en mois = (fonds propres hors fonds dédiés) / (charges décaissables / 12), the
  charges décaissables being charges − dotations.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from cpts_training.budget._common import require_amount, require_rate, require_whole
from cpts_training.budget.aci import AciContract, AciMission, calendar_year_funding
from cpts_training.documents import require_target
from cpts_training.errors import DataError, InputError
from cpts_training.finance.analysis import financial_balance
from cpts_training.finance.case_study import load_trial_balance
from cpts_training.formatting import format_decimal_fr, format_euros
from cpts_training.reference import learner_label, load_parameter

DEFAULT_YEARS = 5
"""Length of the plan in civil years (the five years of an ACI contract)."""

ALLOCATIONS = ("report_a_nouveau", "reserves", "fonds_dedies")
"""Destinations of a surplus decided by the assemblée générale (ANC 2018-06 art. 132-1)."""

RESERVES_PARAMETER = "finance/seuil_reserves_mois"
"""Months of charges above which :func:`plan_signals` states an accumulation of reserves."""

TOLERANCE_EUR = 0.01
"""Largest gap accepted between two computations of the same amount."""

PLAN_COLUMNS = (
    "annee",
    "aci_part_fixe_eur",
    "aci_part_variable_eur",
    "autres_produits_eur",
    "produits_eur",
    "personnel_eur",
    "indemnites_eur",
    "autres_charges_eur",
    "dotations_eur",
    "charges_eur",
    "resultat_eur",
    "caf_eur",
    "investissements_eur",
    "variation_frng_eur",
    "frng_eur",
    "creance_aci_eur",
    "bfr_eur",
    "tresorerie_eur",
    "reserves_eur",
    "fonds_dedies_eur",
    "affecte_fonds_dedies_eur",
    "reserves_mois",
)
"""Columns of :func:`plan_trajectory` (amounts in euros, ``reserves_mois`` in months)."""

SIGNAL_COLUMNS = ("annee", "signal", "constat")
"""Columns of :func:`plan_signals`."""

DEFAULT_ACHIEVEMENT_RATE = 0.7
"""Achievement rate of the variable part used by :meth:`PlanHypotheses.case_study`: the
course's assumption, within the planned rates of the case contract (0.5 to 0.8)."""

T = TypeVar("T")

YearValue = float | Mapping[int, float]
"""A hypothesis: one value for every year, or a value per civil year."""


@dataclass(frozen=True)
class Investment:
    """An investment: ``amount_eur`` bought in ``year``, depreciated linearly over
    ``depreciation_years`` years from that year (dotation = amount / years)."""

    year: int
    amount_eur: float
    depreciation_years: int
    label: str = "Investissement"

    def __post_init__(self) -> None:
        what = f"l'investissement « {self.label} »"
        object.__setattr__(self, "year", require_whole(self.year, f"L'année de {what}", 1900, 2200))
        object.__setattr__(
            self, "amount_eur", require_amount(self.amount_eur, f"Le montant de {what}")
        )
        object.__setattr__(
            self,
            "depreciation_years",
            require_whole(
                self.depreciation_years, f"La durée d'amortissement de {what} (en années)", 1
            ),
        )

    def dotation(self, year: int) -> float:
        """Dotation aux amortissements of ``year``: amount / years while depreciating."""
        if self.year <= year < self.year + self.depreciation_years:
            return self.amount_eur / self.depreciation_years
        return 0.0


def _per_year(
    value: Any, years: tuple[int, ...], what: str, check: Callable[[Any, str], T]
) -> dict[int, T]:
    """``value`` (a number or a mapping year → number) as a value for each year of the plan."""
    if isinstance(value, Mapping):
        keys = set()
        for key in value:
            if isinstance(key, bool) or not isinstance(key, numbers.Integral):
                raise InputError(
                    f"{what} : « {key} » n'est pas une année. Donnez un montant par année "
                    f"civile, par exemple {{{years[0]}: …, {years[-1]}: …}}."
                )
            keys.add(int(key))
        outside = sorted(keys - set(years))
        if outside:
            raise InputError(
                f"{what} : l'année {outside[0]} est hors du plan ({years[0]}–{years[-1]}). "
                "Retirez-la ou changez la première année du plan."
            )
        missing = [y for y in years if y not in keys]
        if missing:
            raise InputError(
                f"{what} : l'année {missing[0]} manque. Donnez une valeur pour chaque année "
                f"du plan ({years[0]}–{years[-1]})."
            )
        return {y: check(value[y], f"{what} ({y})") for y in years}
    return {y: check(value, f"{what} ({y})") for y in years}


def _allocation(value: Any, what: str) -> dict[str, float]:
    """An allocation: a destination name (100 %) or shares per destination summing to 1."""
    names = ", ".join(f"« {a} »" for a in ALLOCATIONS)
    if isinstance(value, str):
        value = {value: 1.0}
    if not isinstance(value, Mapping):
        raise InputError(
            f"{what} vaut « {value} » : donnez une destination ({names}) ou des parts, "
            "par exemple {'reserves': 0.5, 'report_a_nouveau': 0.5}."
        )
    shares = dict.fromkeys(ALLOCATIONS, 0.0)
    for key, share in value.items():
        if key not in shares:
            raise InputError(f"{what} : destination inconnue « {key} ». Destinations : {names}.")
        shares[key] = require_rate(share, f"{what}, part « {key} »")
    total = math.fsum(shares.values())
    if abs(total - 1) > 1e-9:
        raise InputError(
            f"{what} : les parts font {format_decimal_fr(total)} au total, elles doivent "
            "faire 1 (100 % de l'excédent)."
        )
    return shares


@dataclass(frozen=True)
class PlanHypotheses:
    """Hypotheses of a plan pluriannuel de financement (euros, rates in [0, 1]).

    Each yearly hypothesis is a number (the same every year) or a mapping
    ``{civil year: value}`` covering every year of the plan exactly.

    - ``first_year``, ``years``: the civil years ``first_year`` … ``first_year + years − 1``;
    - opening position at the end of ``first_year − 1``: ``opening_reserves_eur`` (fonds
      propres, FRE of the bilan financier), ``opening_frng_eur``,
      ``opening_tresorerie_eur`` (so BFR = FRNG − trésorerie), ``opening_aci_receivable_eur``
      (part variable ACI still to receive, in the BFR), ``opening_fonds_dedies_eur``;
    - ``aci_fixed_eur``, ``aci_variable_max_eur``: ACI of each civil year (variable part at
      100 % achievement), ``aci_achievement``: achievement rate of the variable part;
    - ``other_income_eur``: FIR, collectivités, cotisations;
    - ``etp``, ``cost_per_etp_eur`` (annual employer cost of one ETP in the first year),
      ``salary_growth_rate`` (yearly);
    - ``indemnities_eur`` (indemnités des professionnels), ``other_charges_eur``;
    - ``existing_depreciation_eur``: dotations of the assets held at the opening;
    - ``investments``: :class:`Investment` items, each in a year of the plan;
    - ``variable_received_share``: share of the year's variable part received in the year
      (the rest is received the next year);
    - ``allocation``: destination of each year's surplus, a name of :data:`ALLOCATIONS` or
      shares summing to 1.

    Raises :class:`~cpts_training.errors.InputError` (French) on a negative amount or ETP,
    a rate outside [0, 1], a missing or extra year, an investment outside the plan.
    """

    first_year: int
    opening_reserves_eur: float
    opening_frng_eur: float
    opening_tresorerie_eur: float
    aci_fixed_eur: YearValue
    aci_variable_max_eur: YearValue
    years: int = DEFAULT_YEARS
    opening_aci_receivable_eur: float = 0.0
    opening_fonds_dedies_eur: float = 0.0
    aci_achievement: YearValue = DEFAULT_ACHIEVEMENT_RATE
    other_income_eur: YearValue = 0.0
    etp: YearValue = 0.0
    cost_per_etp_eur: float = 0.0
    salary_growth_rate: float = 0.0
    indemnities_eur: YearValue = 0.0
    other_charges_eur: YearValue = 0.0
    existing_depreciation_eur: YearValue = 0.0
    investments: tuple[Investment, ...] = ()
    variable_received_share: YearValue = 0.0
    allocation: str | Mapping[str, float] | Mapping[int, Any] = "report_a_nouveau"
    name: str = ""
    plan_years: tuple[int, ...] = field(init=False)
    values: dict[str, dict[int, float]] = field(init=False, repr=False, compare=False)
    allocations: dict[int, dict[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first = require_whole(self.first_year, "La première année du plan", 1900, 2200)
        count = require_whole(self.years, "Le nombre d'années du plan", 1, 10)
        object.__setattr__(self, "first_year", first)
        object.__setattr__(self, "years", count)
        years = tuple(range(first, first + count))
        object.__setattr__(self, "plan_years", years)
        opening = first - 1
        for name, what in (
            ("opening_reserves_eur", f"Les fonds propres fin {opening}"),
            ("opening_frng_eur", f"Le FRNG fin {opening}"),
            ("opening_tresorerie_eur", f"La trésorerie fin {opening}"),
        ):
            object.__setattr__(self, name, _signed(getattr(self, name), what))
        object.__setattr__(
            self,
            "opening_aci_receivable_eur",
            require_amount(
                self.opening_aci_receivable_eur, f"La part variable ACI à recevoir fin {opening}"
            ),
        )
        object.__setattr__(
            self,
            "opening_fonds_dedies_eur",
            require_amount(self.opening_fonds_dedies_eur, f"Les fonds dédiés fin {opening}"),
        )
        object.__setattr__(
            self,
            "cost_per_etp_eur",
            require_amount(self.cost_per_etp_eur, "Le coût employeur annuel d'un ETP"),
        )
        object.__setattr__(
            self,
            "salary_growth_rate",
            require_rate(self.salary_growth_rate, "La hausse annuelle des salaires"),
        )
        values = {
            "aci_fixed_eur": _per_year(
                self.aci_fixed_eur, years, "La part fixe ACI", require_amount
            ),
            "aci_variable_max_eur": _per_year(
                self.aci_variable_max_eur, years, "La part variable ACI maximale", require_amount
            ),
            "aci_achievement": _per_year(
                self.aci_achievement, years, "Le taux d'atteinte de la part variable", require_rate
            ),
            "other_income_eur": _per_year(
                self.other_income_eur, years, "Les autres produits", require_amount
            ),
            "etp": _per_year(self.etp, years, "Le nombre d'ETP salariés", _require_etp),
            "indemnities_eur": _per_year(
                self.indemnities_eur, years, "Les indemnités des professionnels", require_amount
            ),
            "other_charges_eur": _per_year(
                self.other_charges_eur, years, "Les autres charges", require_amount
            ),
            "existing_depreciation_eur": _per_year(
                self.existing_depreciation_eur,
                years,
                "Les dotations des immobilisations existantes",
                require_amount,
            ),
            "variable_received_share": _per_year(
                self.variable_received_share,
                years,
                "La part de la part variable reçue dans l'année",
                require_rate,
            ),
        }
        object.__setattr__(self, "values", values)
        investments = tuple(self.investments)
        for item in investments:
            if not isinstance(item, Investment):
                raise InputError(
                    "Chaque investissement s'écrit Investment(année, montant, durée "
                    "d'amortissement en années, libellé)."
                )
            if item.year not in years:
                raise InputError(
                    f"L'investissement « {item.label} » est prévu en {item.year}, hors du plan "
                    f"({years[0]}–{years[-1]}). Choisissez une année du plan."
                )
        object.__setattr__(self, "investments", investments)
        object.__setattr__(self, "allocations", self._allocations(years))

    def _allocations(self, years: tuple[int, ...]) -> dict[int, dict[str, float]]:
        raw = self.allocation
        if (
            isinstance(raw, Mapping)
            and raw
            and all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in raw)
        ):
            by_year = _per_year(raw, years, "L'affectation de l'excédent", _allocation)
            return by_year
        return {y: _allocation(raw, f"L'affectation de l'excédent ({y})") for y in years}

    @property
    def opening_bfr_eur(self) -> float:
        """BFR at the opening = FRNG − trésorerie (bilan financier)."""
        return self.opening_frng_eur - self.opening_tresorerie_eur

    @classmethod
    def case_study(
        cls,
        first_year: int = 2026,
        years: int = DEFAULT_YEARS,
        *,
        achievement: YearValue = DEFAULT_ACHIEVEMENT_RATE,
        assume_renewal: bool = True,
        **overrides: Any,
    ) -> PlanHypotheses:
        """Hypotheses of the fictional « CPTS de la Vallée de l'Aubrenne ».

        Opening position: :func:`~cpts_training.finance.analysis.financial_balance` of the
        trial balance of ``first_year − 1`` (2025 by default): fonds propres = FRE, FRNG,
        trésorerie, part variable à recevoir (account 4418). ACI: :func:`aci_by_year` of
        the case contract (``contrat_aci.yaml``), with a renewal at identical amounts
        after its end when ``assume_renewal``. Staff and charges: the 2025 accounts
        (1.5 ETP; 51 120 € of employer cost per ETP = (40 800 + 17 136 + 11 000 × 12 / 10
        × 1.42) / 1.5; indemnités 74 800 €; other charges 45 530 €; FIR, collectivité and
        cotisations 13 500 €), a 2 % yearly salary increase (assumption), the laptop's
        dotation of the previous year (account 6811, 1 300 €) until the net book value of
        account 2183 (2 600 € at the end of 2025) is depreciated, a computer
        renewal of 1 500 € in the second year over 3 years, a variable part received the
        next year. Any field can be replaced through ``overrides``.
        """
        from cpts_training.budget.case_study import load_contract

        start = require_whole(first_year, "La première année du plan", 2025, 2200)
        count = require_whole(years, "Le nombre d'années du plan", 1, 10)
        plan_years = tuple(range(start, start + count))
        tb = load_trial_balance(start - 1)
        balance = financial_balance(tb, start - 1)
        fixed, variable = aci_by_year(load_contract(), plan_years, assume_renewal=assume_renewal)
        accounts = tb.set_index(tb["compte"].astype(str))
        receivable = float(accounts["debit"].get("4418", 0.0))
        gross = float(accounts["debit"].get("2183", 0.0))
        depreciated = float(accounts["credit"].get("28183", 0.0))
        yearly = float(accounts["debit"].get("6811", 0.0))
        remaining = gross - depreciated
        existing = {}
        for y in plan_years:
            existing[y] = min(yearly, max(remaining, 0.0))
            remaining -= existing[y]
        arguments: dict[str, Any] = {
            "first_year": start,
            "years": count,
            "name": "CPTS de la Vallée de l'Aubrenne (cas fictif)",
            "opening_reserves_eur": balance.fre_eur,
            "opening_frng_eur": balance.frng_eur,
            "opening_tresorerie_eur": balance.tresorerie_eur,
            "opening_aci_receivable_eur": receivable,
            "aci_fixed_eur": fixed,
            "aci_variable_max_eur": variable,
            "aci_achievement": achievement,
            "other_income_eur": 13500.0,
            "etp": 1.5,
            "cost_per_etp_eur": 51120.0,
            "salary_growth_rate": 0.02,
            "indemnities_eur": 74800.0,
            "other_charges_eur": 45530.0,
            "existing_depreciation_eur": existing,
            "investments": (
                Investment(start + 1, 1500.0, 3, "Renouvellement du matériel informatique"),
            )
            if count > 1
            else (),
            "variable_received_share": 0.0,
            "allocation": "report_a_nouveau",
        }
        arguments.update(overrides)
        return cls(**arguments)


def _signed(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise InputError(
            f"{what} vaut « {value} », ce n'est pas un nombre. Saisissez un montant en euros."
        )
    return float(value)


def _require_etp(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
        raise InputError(
            f"{what} vaut « {value} », ce n'est pas un nombre. Saisissez par exemple 1,5."
        )
    if float(value) < 0:
        raise InputError(
            f"{what} vaut {format_decimal_fr(float(value))} : un nombre d'ETP ne peut pas être "
            "négatif. Saisissez 0 ou plus (1,5 pour un temps plein et un mi-temps)."
        )
    return float(value)


def aci_by_year(
    contract: AciContract, years: tuple[int, ...] | list[int], *, assume_renewal: bool = False
) -> tuple[dict[int, float], dict[int, float]]:
    """ACI fixed part and maximal variable part (100 % achievement) of each civil year.

    Uses :func:`cpts_training.budget.aci.calendar_year_funding` with every mission at
    100 % achievement in every contract year (accrual basis: each contract year's amount
    spread over the months it covers). With ``assume_renewal`` the contract is followed by
    an identical contract signed at its end, every mission running from that date (an
    assumption of the plan, not a rule of the ACI). Returns ``(fixed, variable_max)``,
    two mappings civil year → euros.
    """
    full = {k: dict.fromkeys(contract.mission_ids, 1.0) for k in contract.contract_years}
    contracts = [(contract, full)]
    if assume_renewal:
        renewal = AciContract(
            size=contract.size,
            signature_date=contract.end_date,
            fonctionnement_annual_eur=contract.fonctionnement_annual_eur,
            missions=tuple(
                AciMission(
                    id=m.id,
                    label=m.label,
                    start_date=contract.end_date,
                    fixed_annual_eur=m.fixed_annual_eur,
                    variable_annual_eur=m.variable_annual_eur,
                    optional=m.optional,
                )
                for m in contract.missions
            ),
            name=contract.name,
            amounts_note=contract.amounts_note,
        )
        contracts.append((renewal, full))
    fixed: dict[int, float] = {}
    variable: dict[int, float] = {}
    for year in years:
        fixed[year] = 0.0
        variable[year] = 0.0
        for each, rates in contracts:
            table = calendar_year_funding(each, year, rates)
            fixed[year] += float(table["part_fixe_eur"].sum())
            variable[year] += float(table["part_variable_eur"].sum())
    return fixed, variable


def plan_trajectory(hypotheses: PlanHypotheses) -> pd.DataFrame:
    """Yearly trajectory of the plan: one row per civil year, columns :data:`PLAN_COLUMNS`.

    For year n (formulas and sources in the module docstring):

    - ``aci_part_variable_eur`` = part variable maximale × taux d'atteinte;
    - ``produits_eur`` = part fixe + part variable + autres produits;
    - ``personnel_eur`` = ETP × coût d'un ETP × (1 + hausse)^(n − première année);
    - ``dotations_eur`` = dotations des immobilisations existantes + Σ montant / durée of
      the investments being depreciated;
    - ``charges_eur`` = personnel + indemnités + autres charges + dotations;
    - ``resultat_eur`` = produits − charges; ``caf_eur`` = résultat + dotations (PCG);
    - ``variation_frng_eur`` = CAF − investissements; ``frng_eur`` = FRNG(n − 1) +
      variation (guide M22);
    - ``creance_aci_eur`` = part variable × (1 − part reçue dans l'année);
      ``bfr_eur`` = (BFR d'ouverture − créance d'ouverture) + créance;
    - ``tresorerie_eur`` = FRNG − BFR (bilan financier), checked against trésorerie(n − 1)
      + CAF − investissements − (BFR(n) − BFR(n − 1)): a gap above 1 centime raises
      :class:`~cpts_training.errors.DataError`;
    - ``reserves_eur`` = fonds propres hors fonds dédiés: opening + the surplus allocated
      to report à nouveau and réserves (a deficit reduces them);
      ``affecte_fonds_dedies_eur`` = the year's surplus allocated to fonds dédiés,
      ``fonds_dedies_eur`` = opening + those allocations;
    - ``reserves_mois`` = réserves / ((charges − dotations) / 12), NaN without charges.
    """
    if not isinstance(hypotheses, PlanHypotheses):
        raise InputError(
            "Le plan se calcule à partir d'un PlanHypotheses (par exemple "
            "PlanHypotheses.case_study())."
        )
    h = hypotheses
    v = h.values
    bfr_other = h.opening_bfr_eur - h.opening_aci_receivable_eur
    frng = h.opening_frng_eur
    cash = h.opening_tresorerie_eur
    bfr_previous = h.opening_bfr_eur
    reserves = h.opening_reserves_eur
    dedicated = h.opening_fonds_dedies_eur
    rows = []
    for rank, year in enumerate(h.plan_years):
        fixed = v["aci_fixed_eur"][year]
        variable = v["aci_variable_max_eur"][year] * v["aci_achievement"][year]
        other = v["other_income_eur"][year]
        produits = fixed + variable + other
        staff = v["etp"][year] * h.cost_per_etp_eur * (1 + h.salary_growth_rate) ** rank
        dotations = v["existing_depreciation_eur"][year] + math.fsum(
            i.dotation(year) for i in h.investments
        )
        charges = staff + v["indemnities_eur"][year] + v["other_charges_eur"][year] + dotations
        result = produits - charges
        caf_value = result + dotations
        invested = math.fsum(i.amount_eur for i in h.investments if i.year == year)
        delta_frng = caf_value - invested
        frng += delta_frng
        receivable = variable * (1 - v["variable_received_share"][year])
        bfr = bfr_other + receivable
        treasury = frng - bfr
        cash += caf_value - invested - (bfr - bfr_previous)
        if abs(treasury - cash) > TOLERANCE_EUR:
            raise DataError(
                f"Plan incohérent en {year} : FRNG − BFR = {format_euros(treasury, 2)} mais "
                f"la trésorerie suivie par les flux vaut {format_euros(cash, 2)}."
            )
        bfr_previous = bfr
        shares = h.allocations[year]
        to_dedicated = result * shares["fonds_dedies"] if result > 0 else 0.0
        reserves += result - to_dedicated
        dedicated += to_dedicated
        cash_charges = charges - dotations
        months = reserves / (cash_charges / 12) if cash_charges > 0 else math.nan
        rows.append(
            (year, fixed, variable, other, produits, staff, v["indemnities_eur"][year],
             v["other_charges_eur"][year], dotations, charges, result, caf_value, invested,
             delta_frng, frng, receivable, bfr, treasury, reserves, dedicated, to_dedicated,
             months)
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    out["annee"] = out["annee"].astype(int)
    return out


def plan_signals(trajectory: pd.DataFrame, at: dt.date | str | None = None) -> pd.DataFrame:
    """French facts about a :func:`plan_trajectory`, one row per fact (:data:`SIGNAL_COLUMNS`).

    Facts stated for each year: a negative trésorerie, a negative résultat, reserves above
    the threshold of ``finance/seuil_reserves_mois`` (read on ``at``, by default its latest
    value; the Sénat, rapport n° 32 of 2025-2026, criticises the thésaurisation of unspent
    ACI), a surplus allocated to fonds dédiés (ANC 2018-06 art. 142-9: concours publics,
    account 73, do not go to fonds dédiés). Facts only, never a recommendation. Raises
    :class:`~cpts_training.errors.InputError` when a column is missing.
    """
    if not isinstance(trajectory, pd.DataFrame):
        raise InputError("Donnez le tableau que renvoie plan_trajectory(hypotheses).")
    missing = [c for c in PLAN_COLUMNS if c not in trajectory.columns]
    if missing:
        raise InputError(
            f"Le tableau du plan n'a pas la colonne « {missing[0]} » : donnez le tableau que "
            "renvoie plan_trajectory(hypotheses)."
        )
    parameter = load_parameter(RESERVES_PARAMETER)
    day = at if at is not None else parameter.values[-1].start
    limit = float(parameter.value_at(day))
    note = learner_label(parameter, day)
    note = f" ({note})" if note else ""
    rows = []
    row: Any  # a row of the table: its fields are not known statically
    for row in trajectory.itertuples(index=False):
        year = int(row.annee)
        if row.tresorerie_eur < 0:
            rows.append(
                (year, "trésorerie négative",
                 f"Trésorerie fin {year} : {format_euros(row.tresorerie_eur)} (FRNG "
                 f"{format_euros(row.frng_eur)} − BFR {format_euros(row.bfr_eur)}).")
            )  # fmt: skip
        if row.resultat_eur < 0:
            rows.append(
                (year, "résultat négatif",
                 f"Résultat {year} : {format_euros(row.resultat_eur)} (produits "
                 f"{format_euros(row.produits_eur)}, charges {format_euros(row.charges_eur)}).")
            )  # fmt: skip
        if not math.isnan(row.reserves_mois) and row.reserves_mois > limit:
            rows.append(
                (year, "réserves élevées",
                 f"Réserves fin {year} : {format_euros(row.reserves_eur)}, soit "
                 f"{format_decimal_fr(round(row.reserves_mois, 1))} mois de charges "
                 f"décaissables, au-dessus du repère de {format_decimal_fr(limit)} mois{note}. "
                 "Le Sénat (rapport n° 32, 2025-2026) critique la thésaurisation des "
                 "financements ACI non dépensés.")
            )  # fmt: skip
        if row.affecte_fonds_dedies_eur > 0:
            rows.append(
                (year, "affectation en fonds dédiés",
                 f"{format_euros(row.affecte_fonds_dedies_eur)} de l'excédent {year} sont "
                 "portés en fonds dédiés. Selon l'ANC 2018-06 (art. 142-9), les concours "
                 "publics (compte 73) n'ouvrent pas droit aux fonds dédiés : le compte où "
                 "l'ACI est enregistré (73 ou 74) relève de l'expert-comptable.")
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(SIGNAL_COLUMNS))


# --------------------------------------------------------------------------------------
# Presentation of a plan: French labels, hypotheses table, chart and XLSX export
# --------------------------------------------------------------------------------------

PLAN_LABELS: dict[str, str] = {
    "annee": "Année",
    "aci_part_fixe_eur": "ACI, part fixe (€)",
    "aci_part_variable_eur": "ACI, part variable (€)",
    "autres_produits_eur": "Autres produits (€)",
    "produits_eur": "Total des produits (€)",
    "personnel_eur": "Charges de personnel (€)",
    "indemnites_eur": "Indemnités des professionnels (€)",
    "autres_charges_eur": "Autres charges (€)",
    "dotations_eur": "Dotations aux amortissements (€)",
    "charges_eur": "Total des charges (€)",
    "resultat_eur": "Résultat (€)",
    "caf_eur": "Capacité d'autofinancement (CAF) (€)",
    "investissements_eur": "Investissements (€)",
    "variation_frng_eur": "Variation du FRNG (€)",
    "frng_eur": "Fonds de roulement net global (FRNG) (€)",
    "creance_aci_eur": "Part variable ACI à recevoir (€)",
    "bfr_eur": "Besoin en fonds de roulement (BFR) (€)",
    "tresorerie_eur": "Trésorerie (€)",
    "reserves_eur": "Fonds propres hors fonds dédiés (€)",
    "fonds_dedies_eur": "Fonds dédiés (€)",
    "affecte_fonds_dedies_eur": "Excédent affecté en fonds dédiés (€)",
    "reserves_mois": "Réserves en mois de charges décaissables",
}
"""French label of each column of :data:`PLAN_COLUMNS`."""

HYPOTHESIS_LABELS: dict[str, str] = {
    "aci_fixed_eur": "ACI, part fixe (€)",
    "aci_variable_max_eur": "ACI, part variable maximale (€)",
    "aci_achievement": "Taux d'atteinte de la part variable",
    "other_income_eur": "Autres produits (€)",
    "etp": "ETP salariés",
    "indemnities_eur": "Indemnités des professionnels (€)",
    "other_charges_eur": "Autres charges (€)",
    "existing_depreciation_eur": "Dotations des immobilisations existantes (€)",
    "variable_received_share": "Part de la part variable reçue dans l'année",
}
"""French label of each yearly hypothesis (keys of :attr:`PlanHypotheses.values`)."""

ALLOCATION_LABELS = {
    "report_a_nouveau": "report à nouveau",
    "reserves": "réserves",
    "fonds_dedies": "fonds dédiés",
}
"""French name of each destination of :data:`ALLOCATIONS`."""

_RATE_HYPOTHESES = ("aci_achievement", "variable_received_share")


def plan_table(trajectory: pd.DataFrame) -> pd.DataFrame:
    """The trajectory the French way: one row per quantity (French label of
    :data:`PLAN_LABELS` as index, ``annee`` left out), one column per civil year; values
    unchanged (euros, months). Raises :class:`~cpts_training.errors.InputError` when a
    column of :data:`PLAN_COLUMNS` is missing."""
    missing = [c for c in PLAN_COLUMNS if c not in getattr(trajectory, "columns", ())]
    if missing:
        raise InputError(
            f"Le tableau du plan n'a pas la colonne « {missing[0]} » : donnez le tableau que "
            "renvoie plan_trajectory(hypotheses)."
        )
    body = trajectory.set_index("annee")[list(PLAN_COLUMNS[1:])].T
    body.index = [PLAN_LABELS[c] for c in body.index]
    body.columns = [int(y) for y in body.columns]
    return body


def hypotheses_table(hypotheses: PlanHypotheses) -> pd.DataFrame:
    """The yearly hypotheses the French way: one row per hypothesis (French label as
    index), one column per civil year. Rates are fractions (0.7 = 70 %); the allocation
    rows give the share of the surplus sent to each destination; the yearly cost of one
    ETP is coût d'un ETP × (1 + hausse)^(rang de l'année)."""
    years = hypotheses.plan_years
    rows: dict[str, list[float]] = {}
    for key, label in HYPOTHESIS_LABELS.items():
        rows[label] = [hypotheses.values[key][y] for y in years]
    rows["Coût employeur annuel d'un ETP (€)"] = [
        hypotheses.cost_per_etp_eur * (1 + hypotheses.salary_growth_rate) ** rank
        for rank in range(len(years))
    ]
    for name in ALLOCATIONS:
        rows[f"Part de l'excédent en {ALLOCATION_LABELS[name]}"] = [
            hypotheses.allocations[y][name] for y in years
        ]
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(years))


def plot_plan(trajectory: pd.DataFrame) -> Any:
    """Bar chart of the résultat and lines of the trésorerie and the FRNG by civil year
    (euros), with the zero line: a :class:`~cpts_training.figures.CourseFigure`."""
    from matplotlib.ticker import FuncFormatter

    from cpts_training.figures import CourseFigure

    table = plan_table(trajectory)
    years = list(table.columns)
    # A fixed layout: the constrained one triples the drawing time of this small chart.
    fig = CourseFigure(figsize=(9, 4.2))
    fig.subplots_adjust(left=0.13, right=0.98, top=0.91, bottom=0.09)
    ax = fig.subplots()
    ax.bar(years, list(trajectory["resultat_eur"]), color="#9bbb59", label="Résultat", width=0.5)
    ax.plot(years, list(trajectory["tresorerie_eur"]), marker="o", color="#4f81bd",
            label="Trésorerie fin d'année")  # fmt: skip
    ax.plot(years, list(trajectory["frng_eur"]), marker="s", color="#8064a2", linestyle="--",
            label="FRNG fin d'année")  # fmt: skip
    ax.axhline(0, color="#c0504d", linewidth=1)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel("Euros")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _position: format_euros(value)))
    ax.legend(loc="best", fontsize=8)
    ax.set_title("Plan pluriannuel : résultat, FRNG et trésorerie par année")
    return fig


def export_plan_xlsx(
    path: Any,
    hypotheses: PlanHypotheses,
    *,
    notice: str | None = None,
    overwrite: bool = False,
) -> Any:
    """Write the plan to an XLSX workbook (openpyxl) and return its path.

    Sheets: « Hypothèses » (:func:`hypotheses_table`, plus the opening position, the
    salary growth and the investments), « Trajectoire » (:func:`plan_table` of
    :func:`plan_trajectory`) and « Constats » (:func:`plan_signals`). Amounts in euros
    with a euro number format, rates as percentages, months with one decimal. ``notice``
    (the fictional-data warning) is written under each title.

    Raises :class:`~cpts_training.errors.InputError` (French) for a name without
    ``.xlsx``, an existing file when ``overwrite`` is false, a folder that does not exist.
    """

    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    target = require_target(path, ".xlsx", overwrite)
    trajectory = plan_trajectory(hypotheses)
    signals = plan_signals(trajectory)
    euro = '#,##0\\ "€"'
    title = hypotheses.name or "Plan pluriannuel de financement"
    book = openpyxl.Workbook()

    def start(sheet: Any, heading: str) -> int:
        sheet["A1"] = f"{title} — {heading}"
        sheet["A1"].font = Font(bold=True, size=13)
        row = 2
        if notice:
            sheet.cell(row=row, column=1, value=notice).font = Font(italic=True)
            row += 1
        sheet.column_dimensions["A"].width = 48
        return row + 1

    def grid(sheet: Any, row: int, table: pd.DataFrame, rate_rows: set[str]) -> int:
        sheet.cell(row=row, column=1, value="Poste").font = Font(bold=True)
        for j, year in enumerate(table.columns, start=2):
            sheet.cell(row=row, column=j, value=int(year)).font = Font(bold=True)
            sheet.column_dimensions[get_column_letter(j)].width = 14
        for label, values in table.iterrows():
            row += 1
            sheet.cell(row=row, column=1, value=str(label))
            for j, value in enumerate(values, start=2):
                cell = sheet.cell(row=row, column=j, value=round(float(value), 6))
                if str(label) in rate_rows:
                    cell.number_format = "0.0%"
                elif "mois" in str(label) and "(€)" not in str(label):
                    cell.number_format = "0.0"
                elif "ETP" in str(label) and "(€)" not in str(label):
                    cell.number_format = "0.00"
                else:
                    cell.number_format = euro
        return row + 2

    sheet: Any = book.active
    sheet.title = "Hypothèses"
    row = start(sheet, "hypothèses")
    opening = hypotheses.first_year - 1
    for label, value in (
        (f"Fonds propres hors fonds dédiés fin {opening} (€)", hypotheses.opening_reserves_eur),
        (f"FRNG fin {opening} (€)", hypotheses.opening_frng_eur),
        (f"Trésorerie fin {opening} (€)", hypotheses.opening_tresorerie_eur),
        (f"Part variable ACI à recevoir fin {opening} (€)", hypotheses.opening_aci_receivable_eur),
        (f"Fonds dédiés fin {opening} (€)", hypotheses.opening_fonds_dedies_eur),
        (f"Coût employeur annuel d'un ETP en {hypotheses.first_year} (€)",
         hypotheses.cost_per_etp_eur),
    ):  # fmt: skip
        sheet.cell(row=row, column=1, value=label)
        sheet.cell(row=row, column=2, value=value).number_format = euro
        row += 1
    sheet.cell(row=row, column=1, value="Hausse annuelle des salaires")
    sheet.cell(row=row, column=2, value=hypotheses.salary_growth_rate).number_format = "0.0%"
    row += 2
    rates = {HYPOTHESIS_LABELS[k] for k in _RATE_HYPOTHESES} | {
        f"Part de l'excédent en {ALLOCATION_LABELS[n]}" for n in ALLOCATIONS
    }
    row = grid(sheet, row, hypotheses_table(hypotheses), rates)
    sheet.cell(row=row, column=1, value="Investissements").font = Font(bold=True)
    row += 1
    for j, header in enumerate(("Libellé", "Année", "Montant (€)", "Durée (années)"), start=1):
        sheet.cell(row=row, column=j, value=header).font = Font(bold=True)
    for item in hypotheses.investments:
        row += 1
        sheet.cell(row=row, column=1, value=item.label)
        sheet.cell(row=row, column=2, value=item.year)
        sheet.cell(row=row, column=3, value=item.amount_eur).number_format = euro
        sheet.cell(row=row, column=4, value=item.depreciation_years)

    sheet = book.create_sheet("Trajectoire")
    row = start(sheet, "trajectoire")
    grid(sheet, row, plan_table(trajectory), set())

    sheet = book.create_sheet("Constats")
    row = start(sheet, "constats")
    for j, header in enumerate(("Année", "Constat", "Détail"), start=1):
        sheet.cell(row=row, column=j, value=header).font = Font(bold=True)
    if signals.empty:
        sheet.cell(row=row + 1, column=1, value="Aucun constat pour ces hypothèses.")
    for i, (year, signal, fact) in enumerate(signals.itertuples(index=False), start=1):
        sheet.cell(row=row + i, column=1, value=int(year))
        sheet.cell(row=row + i, column=2, value=str(signal))
        sheet.cell(row=row + i, column=3, value=str(fact))
    try:
        book.save(target)
    except OSError as error:
        raise InputError(f"Le classeur « {target} » n'a pas pu être écrit : {error}.") from None
    return target
