"""Build the budget prévisionnel of a year from its hypotheses (référentiel B5.C02).

The trainee sets up the needs of the projet de santé (who is employed, how many hours
the professionals give, what the CPTS buys, what it receives) and this module does the
arithmetic once: each hypothesis becomes one or two budget lines whose « base de
calcul » shows the computation in French.

Hypotheses (frozen dataclasses, validated on creation, French :class:`InputError`):

- :class:`StaffPost`: a salaried post. Gross = ETP × gross full-time salary; employer
  charges = gross × rate, where the rate is given (a fraction, 0.42 for 42 %) or, when
  ``employer_rate`` is ``None``, the effective rate after the RGDU on 1 January of the
  year (:func:`~cpts_training.budget.payroll.effective_employer_rate`, décret
  n° 2025-887; from 2026 only). Two lines: 6411x (salary) and 6451x (charges), the
  sub-account numbered by the post's rank (64111/64511, 64112/64512…).
- :class:`IndemnityGroup`: professionals paid for the hours they give to the CPTS.
  Amount = professionals × hours each × hourly rate; one line 6228x per group. A
  warning (not an error) when hours × rate exceeds the yearly cap per professional
  (:func:`~cpts_training.budget.forecast.indemnity_cap`: 1 PASS, décret n° 2022-375,
  art. D1434-44 CSP).
- :class:`ChargeItem`: any other charge, an amount or a monthly amount × months.
- :class:`ResourceItem`: a product (70–78); :func:`aci_resource` makes the ACI line
  (741) of a civil year from a contract
  (:func:`~cpts_training.budget.aci.calendar_year_funding`).
- :class:`BudgetHypotheses`: the year, the CPTS and the four lists.

:func:`build_budget` returns a :class:`BuiltBudget`: the budget table of
:func:`~cpts_training.budget.forecast.make_budget` with two more columns (``mission``,
the id of the mission the line serves, and ``base_de_calcul``), the balance
(:func:`~cpts_training.budget.forecast.balance_of`) and French warnings (indemnity cap,
commissaire aux comptes when public subsidies exceed 153 000 €, parameter
``association/seuil_commissaire_aux_comptes``, C. com. L612-4 and D612-5). It never
says what the « right » budget is: a surplus or a deficit is shown, not corrected.

Missions are ``"fonctionnement"``, an ACI mission id (:func:`~cpts_training.budget.aci.
known_mission_ids`) or ``"plusieurs_missions"``. Amounts are euros, rates fractions
between 0 and 1, durations months.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.budget._common import (
    cents,
    months_between,
    require_amount,
    require_rate,
    require_whole,
)
from cpts_training.budget.aci import AciContract, calendar_year_funding
from cpts_training.budget.forecast import (
    BUDGET_COLUMNS,
    SENS_CHARGE,
    SENS_PRODUIT,
    BalanceVerdict,
    BudgetSummary,
    account_class,
    balance_of,
    budget_summary,
    indemnity_cap,
    make_budget,
    public_subsidies_eur,
    statutory_auditor_required,
)
from cpts_training.budget.payroll import effective_employer_rate
from cpts_training.errors import CPTSError, DataError, InputError
from cpts_training.formatting import format_decimal_fr, format_euros, format_percent
from cpts_training.readers import read_yaml
from cpts_training.reference import load_parameter

MISSION_FONCTIONNEMENT = "fonctionnement"
"""Mission id of the CPTS's running costs (not tied to one ACI mission)."""
MISSION_SEVERAL = "plusieurs_missions"
"""Mission id of a line serving several missions."""

_MISSION_LABELS_FIXED = {
    MISSION_FONCTIONNEMENT: "Fonctionnement de la CPTS",
    MISSION_SEVERAL: "Plusieurs missions",
}

STAFF_SALARY_ACCOUNT = "6411"
STAFF_CHARGES_ACCOUNT = "6451"
INDEMNITY_ACCOUNT = "6228"
ACI_ACCOUNT = "741"
AUDITOR_ACCOUNT = "62262"
"""Sub-account of the commissaire aux comptes' fees used by the course (6226 honoraires)."""

BUILT_COLUMNS = (*BUDGET_COLUMNS, "mission", "base_de_calcul")
"""Columns of :attr:`BuiltBudget.budget`."""

HYPOTHESES_COLUMNS = ("compte", "poste", "base de calcul", "montant (€)", "mission servie")
"""Columns of :meth:`BuiltBudget.hypotheses_table` (French, ready to show)."""

BRIEF_FILE = Path(__file__).resolve().parent.parent / "data" / "cas" / "besoins_2026.yaml"
"""The case's needs for 2026 (fictional)."""


# --------------------------------------------------------------------------------------
# Missions
# --------------------------------------------------------------------------------------


def mission_labels() -> dict[str, str]:
    """Every accepted mission id and its French label: ``fonctionnement``, the ACI
    missions (labels of the parameter ``aci/missions/catalogue``, latest entry) and
    ``plusieurs_missions``."""
    labels: dict[str, str] = {MISSION_FONCTIONNEMENT: _MISSION_LABELS_FIXED[MISSION_FONCTIONNEMENT]}
    catalogue = load_parameter("aci/missions/catalogue")
    for entry in catalogue.values:
        for mission_id, item in entry.value.items():
            labels[str(mission_id)] = str(item["libelle"])
    labels[MISSION_SEVERAL] = _MISSION_LABELS_FIXED[MISSION_SEVERAL]
    return labels


def mission_label(mission_id: str) -> str:
    """French label of a mission id (see :func:`mission_labels`)."""
    return mission_labels()[require_mission(mission_id, "La mission")]


def require_mission(value: Any, what: str) -> str:
    """``value`` as a mission id; a French label is accepted too (« Actions coordonnées de
    prévention » → ``prevention``). Raises :class:`InputError` listing the valid ones."""
    labels = mission_labels()
    text = str(value).strip() if isinstance(value, str) else ""
    if text in labels:
        return text
    by_label = {label.casefold(): key for key, label in labels.items()}
    if text.casefold() in by_label:
        return by_label[text.casefold()]
    valid = ", ".join(f"{key} ({label})" for key, label in labels.items())
    shown = value if value not in (None, "") else "vide"
    raise InputError(
        f"{what} vaut « {shown} » : ce n'est pas une mission connue. Choisissez parmi : {valid}."
    )


# --------------------------------------------------------------------------------------
# Checks of the hypotheses
# --------------------------------------------------------------------------------------


def _require_label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{what} est vide : saisissez un libellé (par exemple « Coordinatrice »).")
    return value.strip()


def _require_account(value: Any, sens: str, what: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if value is not None else ""
    _classe, _rubrique, found = account_class(text)
    if found != sens:
        expected = "de charges (60 à 68)" if sens == SENS_CHARGE else "de produits (70 à 78)"
        raise InputError(
            f"{what} : le compte {text} est un compte de {found}s ; saisissez un compte {expected}."
        )
    return text


def _require_positive(value: Any, what: str) -> float:
    number = require_amount(value, what)
    if number <= 0:
        raise InputError(f"{what} vaut 0 : saisissez un nombre positif.")
    return number


def _require_fraction_rate(value: Any, what: str) -> float:
    """A rate as a fraction; 42 (a percentage typed as such) is named with its fix."""
    if (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and not math.isnan(float(value))
        and 1 < float(value) <= 100
    ):
        rate = float(value)
        raise InputError(
            f"{what} vaut {format_decimal_fr(rate)} : un taux se saisit en fraction, "
            f"{format_decimal_fr(rate / 100)} pour {format_decimal_fr(rate)} %."
        )
    return require_rate(value, what)


def _number_text(value: float) -> str:
    return format_decimal_fr(value, 2)


def _euros(value: float) -> str:
    return format_euros(value, 0 if float(value).is_integer() else 2)


# --------------------------------------------------------------------------------------
# Hypotheses
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffPost:
    """A salaried post of the CPTS.

    ``fte`` is the working time (0 < fte ≤ 1; 0.5 for a half-time);
    ``gross_full_time_eur`` the gross annual salary of a full-time job (euros);
    ``employer_rate`` the employer charges as a fraction of the gross salary, or ``None``
    for the effective rate after the RGDU on 1 January of the budget year. Raises
    :class:`InputError` (French) for an empty role, a working time outside (0, 1], a
    salary ≤ 0, an unknown mission or a rate outside [0, 1] (42 → « 0,42 pour 42 % »).
    """

    role: str
    fte: float
    gross_full_time_eur: float
    mission: str = MISSION_FONCTIONNEMENT
    employer_rate: float | None = None

    def __post_init__(self) -> None:
        role = _require_label(self.role, "Le poste")
        object.__setattr__(self, "role", role)
        fte = require_amount(self.fte, f"L'ETP du poste « {role} »")
        if fte <= 0 or fte > 1:
            raise InputError(
                f"L'ETP du poste « {role} » vaut {format_decimal_fr(fte)} : saisissez une "
                "quotité entre 0 et 1 (1 pour un temps plein, 0,5 pour un mi-temps)."
            )
        object.__setattr__(self, "fte", fte)
        gross = _require_positive(
            self.gross_full_time_eur, f"Le salaire brut annuel à temps plein du poste « {role} »"
        )
        object.__setattr__(self, "gross_full_time_eur", gross)
        object.__setattr__(
            self, "mission", require_mission(self.mission, f"La mission du poste « {role} »")
        )
        if self.employer_rate is not None:
            rate = _require_fraction_rate(
                self.employer_rate, f"Le taux de charges patronales du poste « {role} »"
            )
            object.__setattr__(self, "employer_rate", rate)

    @property
    def gross_eur(self) -> float:
        """Gross annual salary paid: ETP × full-time gross, to the cent."""
        return cents(self.fte * self.gross_full_time_eur)

    def rate(self, year: int) -> float:
        """Employer rate used for ``year``: the given one, or the effective rate after the
        RGDU on 1 January of ``year`` (an :class:`InputError` before 2026)."""
        if self.employer_rate is not None:
            return self.employer_rate
        try:
            return effective_employer_rate(
                self.gross_eur, on=f"{year}-01-01", working_time=self.fte
            )
        except InputError as error:
            raise InputError(
                f"Poste « {self.role} » : {error} Ou saisissez le taux de charges du poste."
            ) from None

    def charges_eur(self, year: int) -> float:
        """Employer charges: gross × rate, to the cent."""
        return cents(self.gross_eur * self.rate(year))


@dataclass(frozen=True)
class IndemnityGroup:
    """Professionals paid for their time (coordination, groups, governance).

    Amount = ``professionals`` × ``hours_each`` × ``hourly_rate_eur``. Raises
    :class:`InputError` for an empty label, a count that is not a whole number ≥ 1,
    negative hours or rate, or an unknown mission.
    """

    label: str
    professionals: int
    hours_each: float
    hourly_rate_eur: float
    mission: str = MISSION_FONCTIONNEMENT

    def __post_init__(self) -> None:
        label = _require_label(self.label, "Le groupe de professionnels")
        object.__setattr__(self, "label", label)
        object.__setattr__(
            self,
            "professionals",
            require_whole(
                self.professionals, f"Le nombre de professionnels du groupe « {label} »", 1
            ),
        )
        object.__setattr__(
            self,
            "hours_each",
            require_amount(self.hours_each, f"Les heures par professionnel du groupe « {label} »"),
        )
        object.__setattr__(
            self,
            "hourly_rate_eur",
            require_amount(self.hourly_rate_eur, f"Le taux horaire du groupe « {label} »"),
        )
        object.__setattr__(
            self, "mission", require_mission(self.mission, f"La mission du groupe « {label} »")
        )

    @property
    def per_professional_eur(self) -> float:
        """Indemnity of one professional: hours × hourly rate."""
        return cents(self.hours_each * self.hourly_rate_eur)

    @property
    def amount_eur(self) -> float:
        """Professionals × hours each × hourly rate, to the cent."""
        return cents(self.professionals * self.hours_each * self.hourly_rate_eur)


@dataclass(frozen=True)
class ChargeItem:
    """Another charge: ``amount_eur``, or ``monthly_eur`` × ``months`` (exactly one).

    ``account`` is a charge account (60–68); ``basis`` an optional justification (a
    quote, last year's invoice…). Raises :class:`InputError` for both or neither
    amount, a product account, an empty label, months outside 0–12, an unknown mission.
    """

    account: str
    label: str
    amount_eur: float | None = None
    monthly_eur: float | None = None
    months: int = 12
    mission: str = MISSION_FONCTIONNEMENT
    basis: str = ""

    def __post_init__(self) -> None:
        label = _require_label(self.label, "Le libellé de la charge")
        object.__setattr__(self, "label", label)
        object.__setattr__(
            self, "account", _require_account(self.account, SENS_CHARGE, f"Charge « {label} »")
        )
        if (self.amount_eur is None) == (self.monthly_eur is None):
            raise InputError(
                f"Charge « {label} » : saisissez soit un montant annuel, soit une mensualité "
                "et un nombre de mois (pas les deux)."
            )
        if self.amount_eur is not None:
            object.__setattr__(
                self, "amount_eur", require_amount(self.amount_eur, f"Le montant de « {label} »")
            )
        else:
            object.__setattr__(
                self,
                "monthly_eur",
                require_amount(self.monthly_eur, f"La mensualité de « {label} »"),
            )
        object.__setattr__(
            self,
            "months",
            require_whole(self.months, f"Le nombre de mois de « {label} »", 0, 12),
        )
        object.__setattr__(
            self, "mission", require_mission(self.mission, f"La mission de « {label} »")
        )
        object.__setattr__(self, "basis", str(self.basis or "").strip())

    @property
    def total_eur(self) -> float:
        """The amount, or monthly × months, to the cent."""
        if self.amount_eur is not None:
            return cents(self.amount_eur)
        return cents((self.monthly_eur or 0.0) * self.months)

    @property
    def computation(self) -> str:
        """The base de calcul in French (« 700 € × 12 mois »), then the justification."""
        if self.monthly_eur is not None:
            text = f"{_euros(self.monthly_eur)} × {self.months} mois"
            return f"{text} ({self.basis})" if self.basis else text
        return self.basis or "montant annuel saisi"


@dataclass(frozen=True)
class ResourceItem:
    """A product (account 70–78): subsidy, ACI, membership fees…

    Raises :class:`InputError` for a charge account, an empty label or a negative amount.
    """

    account: str
    label: str
    amount_eur: float
    basis: str = ""

    def __post_init__(self) -> None:
        label = _require_label(self.label, "Le libellé de la ressource")
        object.__setattr__(self, "label", label)
        object.__setattr__(
            self,
            "account",
            _require_account(self.account, SENS_PRODUIT, f"Ressource « {label} »"),
        )
        object.__setattr__(
            self, "amount_eur", require_amount(self.amount_eur, f"Le montant de « {label} »")
        )
        object.__setattr__(self, "basis", str(self.basis or "").strip())


def aci_resource(
    contract: AciContract,
    year: int,
    achievement: Mapping[int, Mapping[str, float]] | None = None,
    account: str = ACI_ACCOUNT,
) -> ResourceItem:
    """The ACI product of the civil ``year`` from a contract (account 741 by default).

    Amount = total of :func:`~cpts_training.budget.aci.calendar_year_funding`: each
    contract year's funding spread over its months, the civil year taking its share.
    ``achievement`` maps a contract year to the planned achievement rate per mission
    (fractions 0–1). The basis lists the contract years and months taken.
    """
    civil = require_whole(year, "L'année du budget", minimum=1900, maximum=2200)
    funding = calendar_year_funding(contract, civil, achievement)
    total = cents(float(funding["total_eur"].sum()))
    jan1, next_jan1 = dt.date(civil, 1, 1), dt.date(civil + 1, 1, 1)
    parts = []
    for k in contract.contract_years:
        start, end = contract.year_bounds(k)
        if end <= jan1 or start >= next_jan1:
            continue
        months = months_between(max(start, jan1), min(end, next_jan1))
        parts.append(f"{format_decimal_fr(months, 2)}/12 de l'année de contrat {k}")
    basis = (
        "ACI du contrat rapporté à l'année civile : "
        + " + ".join(parts)
        + " (taux d'atteinte prévus)"
    )
    return ResourceItem(account, f"Financement ACI (Assurance maladie) {civil}", total, basis)


@dataclass(frozen=True)
class BudgetHypotheses:
    """Every hypothesis of a budget prévisionnel.

    ``year`` is the civil year budgeted; ``cpts`` the name of the CPTS; ``warning`` a
    notice shown with the outputs (fictional data). Lists are stored as tuples. Raises
    :class:`InputError` for a year outside 1900–2200 or an item of the wrong kind.
    """

    year: int
    cpts: str = ""
    staff: tuple[StaffPost, ...] = ()
    indemnities: tuple[IndemnityGroup, ...] = ()
    charges: tuple[ChargeItem, ...] = ()
    resources: tuple[ResourceItem, ...] = ()
    warning: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "year", require_whole(self.year, "L'année du budget", 1900, 2200))
        for name, kind, noun in (
            ("staff", StaffPost, "poste"),
            ("indemnities", IndemnityGroup, "groupe d'indemnités"),
            ("charges", ChargeItem, "charge"),
            ("resources", ResourceItem, "ressource"),
        ):
            items = tuple(getattr(self, name))
            for position, item in enumerate(items, start=1):
                if not isinstance(item, kind):
                    raise InputError(
                        f"L'élément n° {position} de la liste « {name} » n'est pas un(e) {noun}."
                    )
            object.__setattr__(self, name, items)
        object.__setattr__(self, "cpts", str(self.cpts or "").strip())
        object.__setattr__(self, "warning", str(self.warning or "").strip())


# --------------------------------------------------------------------------------------
# Building the budget
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltBudget:
    """The budget built from :class:`BudgetHypotheses` (see :func:`build_budget`).

    ``budget``: :data:`BUILT_COLUMNS` (the budget table plus ``mission``, the mission id
    as :func:`~cpts_training.budget.forecast.make_budget` reads it, empty for products, and
    ``base_de_calcul``); ``balance``:
    :class:`~cpts_training.budget.forecast.BalanceVerdict`; ``warnings``: French texts.
    """

    hypotheses: BudgetHypotheses
    budget: pd.DataFrame
    balance: BalanceVerdict
    warnings: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> BudgetSummary:
        """Total charges, total products and result (products − charges)."""
        return budget_summary(self.budget)

    def hypotheses_table(self) -> pd.DataFrame:
        """One row per budget line: :data:`HYPOTHESES_COLUMNS` (compte, poste, base de
        calcul, montant (€), mission servie: its French label)."""
        return pd.DataFrame(
            {
                "compte": self.budget["compte"],
                "poste": self.budget["libelle"],
                "base de calcul": self.budget["base_de_calcul"],
                "montant (€)": self.budget["montant_eur"],
                "mission servie": [_label(m) for m in self.budget["mission"]],
            }
        )[list(HYPOTHESES_COLUMNS)]

    def charges_by_mission(self) -> pd.DataFrame:
        """Charges per mission: ``mission`` (French label) and ``montant_eur``, in the
        order missions first appear."""
        charges = self.budget[self.budget["sens"] == SENS_CHARGE]
        grouped = charges.groupby("mission", sort=False)["montant_eur"].sum()
        return pd.DataFrame(
            {
                "mission": [_label(m) for m in grouped.index],
                "montant_eur": [cents(v) for v in grouped],
            }
        )


def _label(mission_id: Any) -> str:
    """French label of a mission id; empty for a product line (no mission)."""
    return mission_label(str(mission_id)) if mission_id else ""


def budget_lines(hypotheses: BudgetHypotheses) -> list[dict[str, Any]]:
    """The lines of the budget (``compte``, ``libelle``, ``montant_eur``, ``mission``,
    ``base_de_calcul``) in the order staff, indemnities, other charges, resources."""
    year = hypotheses.year
    lines: list[dict[str, Any]] = []
    for rank, post in enumerate(hypotheses.staff, start=1):
        rate = post.rate(year)
        fte, full = _number_text(post.fte), _euros(post.gross_full_time_eur)
        origin = "" if post.employer_rate is not None else f", taux effectif après RGDU {year}"
        lines.append(
            {
                "compte": f"{STAFF_SALARY_ACCOUNT}{rank}",
                "libelle": f"Salaire brut — {post.role} ({fte} ETP)",
                "montant_eur": post.gross_eur,
                "mission": post.mission,
                "base_de_calcul": f"{fte} ETP × {full}",
            }
        )
        lines.append(
            {
                "compte": f"{STAFF_CHARGES_ACCOUNT}{rank}",
                "libelle": f"Charges patronales — {post.role}",
                "montant_eur": post.charges_eur(year),
                "mission": post.mission,
                "base_de_calcul": f"{fte} ETP × {full} × {format_percent(rate, 2)}{origin}",
            }
        )
    for rank, group in enumerate(hypotheses.indemnities, start=1):
        lines.append(
            {
                "compte": f"{INDEMNITY_ACCOUNT}{rank}",
                "libelle": f"Indemnités des professionnels — {group.label}",
                "montant_eur": group.amount_eur,
                "mission": group.mission,
                "base_de_calcul": (
                    f"{group.professionals} professionnel{'s' if group.professionals > 1 else ''}"
                    f" × {_number_text(group.hours_each)} h × {_euros(group.hourly_rate_eur)}"
                ),
            }
        )
    for charge in hypotheses.charges:
        lines.append(
            {
                "compte": charge.account,
                "libelle": charge.label,
                "montant_eur": charge.total_eur,
                "mission": charge.mission,
                "base_de_calcul": charge.computation,
            }
        )
    for resource in hypotheses.resources:
        lines.append(
            {
                "compte": resource.account,
                "libelle": resource.label,
                "montant_eur": cents(resource.amount_eur),
                "mission": "",
                "base_de_calcul": resource.basis or "montant saisi",
            }
        )
    return lines


def build_budget(hypotheses: BudgetHypotheses) -> BuiltBudget:
    """The budget of ``hypotheses``, its balance and French warnings.

    Raises :class:`InputError` when two lines share an account (e.g. a charge typed on
    64111, the first post's salary account) or a staff rate cannot be computed (a year
    before 2026 without a given rate).
    """
    if not isinstance(hypotheses, BudgetHypotheses):
        raise InputError("Donnez les hypothèses du budget (BudgetHypotheses).")
    lines = budget_lines(hypotheses)
    table = make_budget(
        [{k: line[k] for k in ("compte", "libelle", "montant_eur")} for line in lines]
    )
    table["mission"] = [line["mission"] for line in lines]
    table["base_de_calcul"] = [line["base_de_calcul"] for line in lines]
    table = table[list(BUILT_COLUMNS)]
    return BuiltBudget(
        hypotheses=hypotheses,
        budget=table,
        balance=balance_of(table),
        warnings=tuple(_warnings(hypotheses, table)),
    )


def _warnings(hypotheses: BudgetHypotheses, table: pd.DataFrame) -> list[str]:
    year = hypotheses.year
    out: list[str] = []
    cap = indemnity_cap(year)
    for group in hypotheses.indemnities:
        if group.per_professional_eur > cap:
            out.append(
                f"Groupe « {group.label} » : {_number_text(group.hours_each)} h × "
                f"{_euros(group.hourly_rate_eur)} = {_euros(group.per_professional_eur)} par "
                f"professionnel, au-delà du plafond annuel de {_euros(cap)} par professionnel "
                f"(1 PASS {year}, décret n° 2022-375, art. D1434-44 du code de la santé "
                "publique). Revoyez les heures ou le taux horaire."
            )
    at = f"{year}-12-31"
    has_auditor = (table["compte"] == AUDITOR_ACCOUNT).any() or (
        table["libelle"].str.contains("commissaire aux comptes", case=False).any()
    )
    if statutory_auditor_required(table, at) and not has_auditor:
        threshold = float(load_parameter("association/seuil_commissaire_aux_comptes").value_at(at))
        out.append(
            f"Les subventions publiques (comptes 74) atteignent "
            f"{format_euros(public_subsidies_eur(table), 2)}, au-delà du seuil de "
            f"{_euros(threshold)} par an (code de commerce, art. L612-4 et D612-5) : "
            "l'association doit nommer un commissaire aux comptes. Prévoyez ses honoraires "
            f"(compte {AUDITOR_ACCOUNT})."
        )
    if not hypotheses.resources:
        out.append("Aucune ressource n'est prévue : ajoutez les financements attendus (ACI, FIR…).")
    if not (hypotheses.staff or hypotheses.indemnities or hypotheses.charges):
        out.append("Aucune charge n'est prévue : commencez par les postes et les indemnités.")
    return out


# --------------------------------------------------------------------------------------
# The case's brief
# --------------------------------------------------------------------------------------


def read_budget_brief(
    path: Path | str | None = None,
    contract: AciContract | None = None,
    achievement: Mapping[int, Mapping[str, float]] | None = None,
) -> BudgetHypotheses:
    """The hypotheses written in a brief file (by default ``besoins_2026.yaml``, fictional).

    The file (keys ``annee``, ``cpts``, ``personnel``, ``indemnites``, ``charges``,
    ``ressources``, ``fictional``, ``warning``) lists the staff, the indemnity groups,
    the other charges and the resources other than the ACI. When ``contract`` is given
    (and the file does not say ``aci_depuis_contrat: false``), the ACI line of the year
    (account 741) is made from it with :func:`aci_resource` and put first among the
    resources. :func:`cpts_training.budget.case_study.load_budget_brief` does this with
    the case's contract and planned achievement rates. Raises
    :class:`~cpts_training.errors.DataError` naming the file, the entry and the fix.
    """
    file = Path(path) if path is not None else BRIEF_FILE
    raw = read_yaml(file)
    name = file.name
    if not isinstance(raw, dict):
        raise DataError(f"{name} : le fichier doit contenir des clés et des valeurs.")
    if "fictional" not in raw:
        raise DataError(
            f"{name} : indiquez « fictional: true » (données inventées) ou « fictional: false »."
        )
    if raw.get("fictional") is True and not str(raw.get("warning", "")).strip():
        raise DataError(
            f"{name} : des données fictives doivent porter un avertissement (« warning »)."
        )
    missing = [
        k for k in ("annee", "personnel", "indemnites", "charges", "ressources") if k not in raw
    ]
    if missing:
        raise DataError(
            f"{name} : clé(s) manquante(s) : {', '.join(missing)}. Ajoutez-les au fichier."
        )

    def items(key: str) -> list[Mapping[str, Any]]:
        value = raw[key]
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise DataError(f"{name} : « {key} » doit être une liste d'éléments (clés et valeurs).")
        return list(value)

    def build(
        key: str, position: int, maker: Any, item: Mapping[str, Any], keys: Iterable[str]
    ) -> Any:
        where = f"{name}, {key} n° {position}"
        unknown = sorted(set(item) - set(keys))
        if unknown:
            raise DataError(
                f"{where} : clé(s) inconnue(s) {', '.join(map(str, unknown))}. Clés possibles : "
                f"{', '.join(keys)}."
            )
        try:
            return maker(item)
        except KeyError as error:
            raise DataError(f"{where} : clé manquante {error}. Ajoutez-la.") from None
        except CPTSError as error:
            raise DataError(f"{where} : {error}") from None

    staff = [
        build(
            "personnel",
            i,
            lambda d: StaffPost(
                d["poste"],
                d["etp"],
                d["brut_annuel_temps_plein_eur"],
                d.get("mission", MISSION_FONCTIONNEMENT),
                d.get("taux_charges"),
            ),
            d,
            ("poste", "etp", "brut_annuel_temps_plein_eur", "mission", "taux_charges"),
        )
        for i, d in enumerate(items("personnel"), 1)
    ]
    indemnities = [
        build(
            "indemnites",
            i,
            lambda d: IndemnityGroup(
                d["groupe"],
                d["professionnels"],
                d["heures_par_professionnel"],
                d["taux_horaire_eur"],
                d.get("mission", MISSION_FONCTIONNEMENT),
            ),
            d,
            ("groupe", "professionnels", "heures_par_professionnel", "taux_horaire_eur", "mission"),
        )
        for i, d in enumerate(items("indemnites"), 1)
    ]
    charges = [
        build(
            "charges",
            i,
            lambda d: ChargeItem(
                str(d["compte"]),
                d["libelle"],
                d.get("montant_eur"),
                d.get("mensualite_eur"),
                d.get("mois", 12),
                d.get("mission", MISSION_FONCTIONNEMENT),
                d.get("base", ""),
            ),
            d,
            ("compte", "libelle", "montant_eur", "mensualite_eur", "mois", "mission", "base"),
        )
        for i, d in enumerate(items("charges"), 1)
    ]
    resources = [
        build(
            "ressources",
            i,
            lambda d: ResourceItem(
                str(d["compte"]), d["libelle"], d["montant_eur"], d.get("base", "")
            ),
            d,
            ("compte", "libelle", "montant_eur", "base"),
        )
        for i, d in enumerate(items("ressources"), 1)
    ]
    year = raw["annee"]
    if contract is not None and raw.get("aci_depuis_contrat", True):
        try:
            resources.insert(0, aci_resource(contract, year, achievement))
        except CPTSError as error:
            raise DataError(f"{name}, ACI de l'année {year} : {error}") from None
    try:
        return BudgetHypotheses(
            year=year,
            cpts=str(raw.get("cpts", "")),
            staff=tuple(staff),
            indemnities=tuple(indemnities),
            charges=tuple(charges),
            resources=tuple(resources),
            warning=str(raw.get("warning", "")),
        )
    except CPTSError as error:
        raise DataError(f"{name} : {error}") from None
