"""Build the monthly cash plan from the budget: each charge line paid at its own rhythm.

The budget says what the year costs; the cash plan says *when* each euro leaves the bank.
A trainee gives each charge line of the budget a payment timing (:class:`PaymentTiming`):
salaries are paid each month, social charges the month after, indemnities to the
professionals each quarter, insurance once a year… :func:`spending_schedule` spreads each
line over the 12 months of the civil year, :func:`build_cash_plan` adds the receipts
(dated ACI payments of :func:`~cpts_training.budget.aci.payment_schedule` and other
receipts) and gives the plan with the columns of :data:`~cpts_training.budget.cash.PLAN_COLUMNS`
(so that :func:`~cpts_training.budget.cash.cash_summary` and
:func:`~cpts_training.budget.charts.plot_cash_curve` work on it), plus the spending by
nature (:data:`NATURE_COLUMNS`).

Then :func:`financing_need` says when the balance goes below zero and by how much, and
:func:`compare_levers` compares the ways of getting through: a facilité de caisse (bank
overdraft, with interest), an advance of the Assurance maladie on the ACI payment, the
association's reserves, or a spending moved later.

Conventions: amounts in euros (rounded to the cent), months 1 (January) to 12
(December); every wrong input raises :class:`~cpts_training.errors.InputError` in French.

Rules of the timings (:data:`TIMING_KINDS`):

- an amount split over *n* payments gives *n* − 1 payments of ``amount / n`` rounded to
  the cent and a last payment that takes the rounding remainder, so that the payments add
  up to the line's amount;
- ``"mensuel_m+1"`` (social charges paid the following month): the charges of January are
  paid in February, …, those of November in December; those of December are paid in
  January of the next year, outside this plan. In January the CPTS pays the charges of
  the previous December, **assumed equal to this year's December** (same staff, same
  salaries): so the year still pays 12 months of charges, the line's amount.

Non-cash charges (accounts 68: dotations aux amortissements et provisions) are not
payments: :func:`spending_schedule` leaves them out and says so
(:func:`non_cash_note`). An investment (a computer, account 2183) is the opposite: it is
not a charge of the budget but it leaves the bank in the month of purchase
(:class:`Investment`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cpts_training.budget._common import (
    MONTHS_FR,
    add_months,
    cents,
    month_label,
    require_amount,
    require_rate,
    require_whole,
)
from cpts_training.budget.cash import PLAN_COLUMNS, cash_plan
from cpts_training.budget.forecast import SENS_CHARGE, ensure_budget
from cpts_training.columns import Column, declare_columns
from cpts_training.errors import InputError
from cpts_training.formatting import format_euros, format_percent

MENSUEL = "mensuel"
MENSUEL_M1 = "mensuel_m+1"
TRIMESTRIEL_AVANCE = "trimestriel_avance"
TRIMESTRIEL_ECHU = "trimestriel_echu"
SEMESTRIEL = "semestriel"
ANNUEL = "annuel"
PONCTUEL = "ponctuel"

TIMING_KINDS: dict[str, str] = {
    MENSUEL: "Mensuel : 12 paiements égaux, dans le mois",
    MENSUEL_M1: "Mensuel, payé le mois suivant (charges sociales)",
    TRIMESTRIEL_AVANCE: "Trimestriel d'avance : janvier, avril, juillet, octobre",
    TRIMESTRIEL_ECHU: "Trimestriel échu : mars, juin, septembre, décembre",
    SEMESTRIEL: "Semestriel : deux mois au choix",
    ANNUEL: "Annuel : un mois au choix",
    PONCTUEL: "Ponctuel : mois (et montants) au choix",
}
"""Payment timings: kind → French label shown to the trainee."""

MONTHS_TO_CHOOSE: dict[str, int | None] = {
    MENSUEL: 0,
    MENSUEL_M1: 0,
    TRIMESTRIEL_AVANCE: 0,
    TRIMESTRIEL_ECHU: 0,
    SEMESTRIEL: 2,
    ANNUEL: 1,
    PONCTUEL: None,
}
"""How many months the trainee chooses for each kind (``None``: one or more)."""

_FIXED_MONTHS = {
    MENSUEL: tuple(range(1, 13)),
    TRIMESTRIEL_AVANCE: (1, 4, 7, 10),
    TRIMESTRIEL_ECHU: (3, 6, 9, 12),
}

NON_CASH_PREFIX = "68"
"""Accounts of non-cash charges (dotations aux amortissements, dépréciations et provisions)."""

NATURES: dict[str, str] = {
    "salaires": "Salaires",
    "charges_sociales": "Charges sociales",
    "indemnites": "Indemnités des professionnels",
    "loyer": "Loyer",
    "autres": "Autres charges",
    "investissements": "Investissements",
}
"""Natures of spending: key → French label (see :func:`nature_of`)."""

NATURE_COLUMNS = tuple(f"decaissements_{key}_eur" for key in NATURES)
"""Columns of the spending by nature added to the plan of :func:`build_cash_plan`."""

MONTH_COLUMNS = tuple(f"mois_{m:02d}_eur" for m in range(1, 13))
"""Monthly columns of :func:`spending_schedule` (``mois_01_eur`` is January)."""

SCHEDULE_COLUMNS = ("compte", "libelle", "nature", "rythme", "montant_eur", *MONTH_COLUMNS)
"""Columns of :func:`spending_schedule`."""

LEVER_COLUMNS = (
    "levier",
    "montant_mobilise_eur",
    "cout_eur",
    "point_bas_apres_eur",
    "faisable",
    "remarque",
)
"""Columns of :func:`compare_levers`."""

DEFAULT_INVESTMENT_ACCOUNT = "2183"
"""Matériel de bureau et matériel informatique (immobilisation)."""


@dataclass(frozen=True)
class PaymentTiming:
    """When a charge line is paid.

    ``kind``: a key of :data:`TIMING_KINDS`. ``months`` (1–12): the two months of
    ``"semestriel"``, the month of ``"annuel"``, the months of ``"ponctuel"``; empty for
    the other kinds (their months are fixed). ``amounts`` (euros, ``"ponctuel"`` only,
    optional): one amount per month, which must then add up to the line's amount; without
    them the line is split in equal payments.

    Raises:
        InputError: unknown kind, month outside 1–12 or repeated, wrong number of months
            for the kind, amounts given for another kind or not one per month.
    """

    kind: str
    months: tuple[int, ...] = ()
    amounts: tuple[float, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in TIMING_KINDS:
            raise InputError(
                f"Rythme de paiement inconnu : « {self.kind} ». Choisissez parmi : "
                f"{', '.join(TIMING_KINDS)}."
            )
        label = TIMING_KINDS[self.kind]
        if isinstance(self.months, int | str) or not isinstance(self.months, Iterable):
            raise InputError(
                f"Rythme « {label} » : donnez les mois sous forme de liste, par exemple (6, 12)."
            )
        months = tuple(
            require_whole(m, f"Rythme « {label} » : le mois", minimum=1, maximum=12)
            for m in self.months
        )
        if len(set(months)) != len(months):
            raise InputError(f"Rythme « {label} » : un mois est répété. Donnez des mois distincts.")
        expected = MONTHS_TO_CHOOSE[self.kind]
        if expected == 0 and months:
            raise InputError(
                f"Rythme « {label} » : les mois sont fixés, n'en donnez pas (vous en avez donné "
                f"{len(months)})."
            )
        if expected is None and not months:
            raise InputError(f"Rythme « {label} » : donnez au moins un mois de paiement (1 à 12).")
        if expected and len(months) != expected:
            raise InputError(
                f"Rythme « {label} » : choisissez {expected} mois ({len(months)} donné(s))."
            )
        amounts = tuple(self.amounts)
        if amounts and self.kind != PONCTUEL:
            raise InputError(
                f"Rythme « {label} » : les montants se donnent seulement pour un paiement "
                "ponctuel ; les autres rythmes partagent la ligne en parts égales."
            )
        if amounts and len(amounts) != len(months):
            raise InputError(
                f"Rythme « {label} » : {len(amounts)} montant(s) pour {len(months)} mois ; "
                "donnez un montant par mois."
            )
        checked = tuple(
            require_amount(a, f"Rythme « {label} » : le montant de {MONTHS_FR[m - 1]}")
            for a, m in zip(amounts, months, strict=False)
        )
        object.__setattr__(self, "months", months)
        object.__setattr__(self, "amounts", checked)

    @property
    def label(self) -> str:
        """French description, with the months chosen (« Annuel : un mois au choix (juin) »)."""
        if not self.months:
            return TIMING_KINDS[self.kind]
        names = ", ".join(MONTHS_FR[m - 1] for m in sorted(self.months))
        return f"{TIMING_KINDS[self.kind]} ({names})"

    def payments(self, amount_eur: float) -> list[float]:
        """The 12 amounts paid (January first) for a line of ``amount_eur`` euros.

        Raises:
            InputError: negative amount; ``"ponctuel"`` amounts that do not add up to
                ``amount_eur``.
        """
        amount = cents(require_amount(amount_eur, "Le montant de la ligne"))
        out = [0.0] * 12
        if self.kind == MENSUEL_M1:
            parts = _split(amount, 12)
            # January pays the previous December's charges (= this year's December).
            for month, part in zip((2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1), parts, strict=True):
                out[month - 1] = part
            return out
        months = sorted(_FIXED_MONTHS.get(self.kind, self.months))
        if self.amounts:
            given = dict(zip(self.months, self.amounts, strict=True))
            total = cents(sum(given.values()))
            if total != amount:
                raise InputError(
                    f"Les montants ponctuels ({format_euros(total, 2)}) ne font pas le montant "
                    f"de la ligne ({format_euros(amount, 2)}) : corrigez-les pour que leur "
                    "somme soit égale à la ligne."
                )
            for month in months:
                out[month - 1] = cents(given[month])
            return out
        for month, part in zip(months, _split(amount, len(months)), strict=True):
            out[month - 1] = part
        return out


@dataclass(frozen=True)
class Investment:
    """A purchase that is capitalised (not a charge) but paid in ``month`` (1–12).

    Raises:
        InputError: negative amount or month outside 1–12.
    """

    label: str
    amount_eur: float
    month: int
    account: str = DEFAULT_INVESTMENT_ACCOUNT

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "amount_eur",
            cents(require_amount(self.amount_eur, f"L'investissement « {self.label} »")),
        )
        object.__setattr__(
            self,
            "month",
            require_whole(
                self.month, f"Le mois d'achat de « {self.label} »", minimum=1, maximum=12
            ),
        )


@dataclass(frozen=True)
class FinancingNeed:
    """When and how much the cash plan needs short-term financing.

    ``first_month`` / ``last_month`` (1–12, ``None`` when the balance never goes below
    zero): first and last month closing below zero; ``largest_need_eur`` (≥ 0): the
    opposite of the lowest closing balance when it is negative, else 0;
    ``largest_need_month``: its month; ``negative_months``: every month closing below zero.
    """

    year: int
    first_month: int | None
    last_month: int | None
    largest_need_eur: float
    largest_need_month: int | None
    negative_months: tuple[int, ...]

    @property
    def months_below_zero(self) -> int:
        """Number of months closing below zero."""
        return len(self.negative_months)

    def __str__(self) -> str:
        if self.first_month is None or self.largest_need_month is None:
            return (
                f"La trésorerie reste positive ou nulle chaque fin de mois de {self.year} : "
                "pas de besoin de financement à court terme."
            )
        months = ", ".join(MONTHS_FR[m - 1] for m in self.negative_months)
        return (
            f"Besoin de financement à court terme : la trésorerie passe sous zéro fin "
            f"{month_label(self.year, self.first_month)} ; besoin le plus élevé "
            f"{format_euros(self.largest_need_eur, 2)} fin "
            f"{month_label(self.year, self.largest_need_month)}. Mois sous zéro "
            f"({self.months_below_zero}) : {months}."
        )


def timing(kind: str | PaymentTiming, months: Iterable[int] = ()) -> PaymentTiming:
    """A :class:`PaymentTiming` from its kind (and months): ``timing("annuel", [6])``."""
    if isinstance(kind, PaymentTiming):
        return kind
    return PaymentTiming(kind, tuple(months))


def suggested_timing(account: str) -> PaymentTiming:
    """The usual practice for an account: a **suggestion** for the trainee's own CPTS, not an
    answer (each CPTS pays at its own rhythm: read the contracts and the payroll calendar).

    Salaries (641) and most running costs are paid monthly, social charges (645, 647) the
    following month (URSSAF), indemnities to professionals (6228) each quarter after the
    meetings, fees (622) each quarter, insurance (616), subscriptions (6185) and software
    licences (6156) once in January, communication (623) twice (March and September).
    """
    code = str(account).strip()
    rules: tuple[tuple[str, PaymentTiming], ...] = (
        ("641", PaymentTiming(MENSUEL)),
        ("645", PaymentTiming(MENSUEL_M1)),
        ("647", PaymentTiming(MENSUEL_M1)),
        ("6228", PaymentTiming(TRIMESTRIEL_ECHU)),
        ("622", PaymentTiming(TRIMESTRIEL_ECHU)),
        ("616", PaymentTiming(ANNUEL, (1,))),
        ("6185", PaymentTiming(ANNUEL, (1,))),
        ("6156", PaymentTiming(ANNUEL, (1,))),
        ("623", PaymentTiming(SEMESTRIEL, (3, 9))),
    )
    for prefix, rule in rules:
        if code.startswith(prefix):
            return rule
    return PaymentTiming(MENSUEL)


def nature_of(account: str) -> str:
    """Nature of a charge account (a key of :data:`NATURES`): 641 salaires, 645/647
    charges sociales, 6228 indemnités, 613 loyer, others « autres »."""
    code = str(account).strip()
    if code.startswith("641"):
        return "salaires"
    if code.startswith(("645", "647")):
        return "charges_sociales"
    if code.startswith("6228"):
        return "indemnites"
    if code.startswith("613"):
        return "loyer"
    if code.startswith("2"):
        return "investissements"
    return "autres"


def is_non_cash(account: str) -> bool:
    """True for accounts 68 (dotations aux amortissements, dépréciations, provisions)."""
    return str(account).strip().startswith(NON_CASH_PREFIX)


def cash_charge_lines(budget: pd.DataFrame) -> pd.DataFrame:
    """The charge lines that are paid (``compte``, ``libelle``, ``montant_eur``): every
    charge of ``budget`` but the non-cash accounts 68. Extra columns (``mission``,
    ``base_de_calcul``…) are kept."""
    table = ensure_budget(budget)
    charges = table[table["sens"] == SENS_CHARGE]
    keep = [not is_non_cash(a) for a in charges["compte"]]
    return charges[keep].reset_index(drop=True)


def non_cash_note(budget: pd.DataFrame) -> str:
    """French note naming the non-cash charges left out of the plan (``""`` if none)."""
    table = ensure_budget(budget)
    charges = table[table["sens"] == SENS_CHARGE]
    lines = [
        f"{r['compte']} « {r['libelle']} » ({format_euros(float(r['montant_eur']), 2)})"
        for r in charges.to_dict("records")
        if is_non_cash(str(r["compte"]))
    ]
    if not lines:
        return ""
    return (
        f"Charge(s) non décaissable(s) exclue(s) du plan : {', '.join(lines)}. Une dotation "
        "aux amortissements ou aux provisions est une charge du compte de résultat, mais aucun "
        "argent ne sort de la banque : l'achat lui-même se place en investissement, au mois "
        "où il est payé."
    )


def require_timings(
    budget: pd.DataFrame, timings: Mapping[str, PaymentTiming | str | None]
) -> dict[str, PaymentTiming]:
    """Every paid charge line's timing, by account.

    ``timings`` maps an account (``"6411"``) to a :class:`PaymentTiming` or a kind without
    months (``"mensuel"``). A timing given for a non-cash account (68) is ignored.

    Raises:
        InputError: a paid charge line without timing (named, with its label), or a
            timing for an account that is not a charge of the budget.
    """
    lines = cash_charge_lines(budget)
    table = ensure_budget(budget)
    charges = set(table.loc[table["sens"] == SENS_CHARGE, "compte"].astype(str))
    given = {str(k).strip(): v for k, v in dict(timings).items()}
    unknown = sorted(k for k in given if k not in charges)
    if unknown:
        raise InputError(
            f"Rythme de paiement donné pour un compte absent des charges du budget : "
            f"{', '.join(unknown)}. Comptes de charges du budget : "
            f"{', '.join(sorted(charges))}."
        )
    missing = [
        f"{r['compte']} « {r['libelle']} »"
        for r in lines.to_dict("records")
        if given.get(str(r["compte"])) is None
    ]
    if missing:
        raise InputError(
            "Choisissez un rythme de paiement pour chaque ligne de charges ; il manque : "
            f"{'; '.join(missing)}."
        )
    return {
        str(r["compte"]): timing(given[str(r["compte"])])  # type: ignore[arg-type]
        for r in lines.to_dict("records")
    }


def spending_schedule(
    budget: pd.DataFrame,
    timings: Mapping[str, PaymentTiming | str | None],
    investments: Iterable[Investment | Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """What each charge line (and each investment) pays each month.

    One row per paid charge line of ``budget`` (non-cash accounts 68 left out, see
    :func:`non_cash_note`, also in ``table.attrs["note"]``), then one row per investment;
    columns :data:`SCHEDULE_COLUMNS`: ``compte``, ``libelle``, ``nature`` (key of
    :data:`NATURES`), ``rythme`` (French label of the timing), ``montant_eur`` (the
    line's amount) and ``mois_01_eur`` … ``mois_12_eur`` (euros paid each month, adding up
    to ``montant_eur``).

    Raises:
        InputError: see :func:`require_timings`, :class:`PaymentTiming` and
            :func:`require_investments`.
    """
    checked = require_timings(budget, timings)
    rows: list[tuple[Any, ...]] = []
    for line in cash_charge_lines(budget).to_dict("records"):
        account = str(line["compte"])
        rule = checked[account]
        try:
            paid = rule.payments(float(line["montant_eur"]))
        except InputError as exc:
            raise InputError(f"Ligne {account} « {line['libelle']} » : {exc}") from None
        rows.append(
            (account, line["libelle"], nature_of(account), rule.label, line["montant_eur"], *paid)
        )
    for item in require_investments(investments):
        paid = [0.0] * 12
        paid[item.month - 1] = item.amount_eur
        rows.append(
            (
                item.account,
                item.label,
                "investissements",
                f"Investissement payé en {MONTHS_FR[item.month - 1]}",
                item.amount_eur,
                *paid,
            )
        )
    table = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    table["montant_eur"] = table["montant_eur"].astype(float)
    table.attrs["note"] = non_cash_note(budget)
    return table


def require_investments(
    investments: Iterable[Investment | Mapping[str, Any]] | None,
) -> list[Investment]:
    """Investments as :class:`Investment`; a mapping gives ``libelle``, ``montant_eur``,
    ``mois`` (1–12) and optionally ``compte`` (default 2183).

    Raises:
        InputError: a missing key, a negative amount, a month outside 1–12.
    """
    out: list[Investment] = []
    for position, item in enumerate(investments or (), start=1):
        if isinstance(item, Investment):
            out.append(item)
            continue
        if not isinstance(item, Mapping):
            raise InputError(
                f"Investissement n° {position} : donnez libelle, montant_eur et mois, par "
                'exemple {"libelle": "Ordinateur portable", "montant_eur": 1200, "mois": 3}.'
            )
        missing = [k for k in ("libelle", "montant_eur", "mois") if k not in item]
        if missing:
            raise InputError(
                f"Investissement n° {position} : il manque {', '.join(missing)}. Donnez "
                "libelle, montant_eur et mois (1 à 12)."
            )
        out.append(
            Investment(
                str(item["libelle"]),
                item["montant_eur"],
                item["mois"],
                str(item.get("compte", DEFAULT_INVESTMENT_ACCOUNT)),
            )
        )
    return out


def spending_by_nature(schedule: pd.DataFrame) -> pd.DataFrame:
    """Monthly spending by nature, from a table of :func:`spending_schedule`.

    12 rows (January first); columns ``mois`` (1–12), :data:`NATURE_COLUMNS` and
    ``decaissements_eur`` (their sum), in euros.
    """
    rows = []
    for month, column in enumerate(MONTH_COLUMNS, start=1):
        by_nature = {
            f"decaissements_{key}_eur": cents(
                schedule.loc[schedule["nature"] == key, column].astype(float).sum()
            )
            for key in NATURES
        }
        rows.append(
            {"mois": month, **by_nature, "decaissements_eur": cents(sum(by_nature.values()))}
        )
    return pd.DataFrame(rows, columns=["mois", *NATURE_COLUMNS, "decaissements_eur"])


def delay_variable_part(schedule: pd.DataFrame, months: int) -> pd.DataFrame:
    """Copy of an ACI payment schedule where every « part variable » payment is moved
    ``months`` months later (a negative number moves it earlier). Prefer
    ``payment_schedule(…, variable_delay_months=…)``, which places the variable part from
    the anniversary; this function moves an existing schedule.

    Raises:
        InputError: a number of months that is not whole (or beyond ± 120); no ``date``
            or ``nature`` column.
    """
    shift = require_whole(
        months, "Le retard de la part variable (en mois)", minimum=-120, maximum=120
    )
    if "nature" not in schedule.columns or "date" not in schedule.columns:
        raise InputError(
            "L'échéancier ACI doit avoir les colonnes date et nature : utilisez "
            "payment_schedule(contrat, …)."
        )
    table = schedule.copy()
    dates = pd.to_datetime(table["date"]).dt.date
    mask = table["nature"] == "part variable"
    moved = [add_months(d, shift) if m else d for d, m in zip(dates, mask, strict=True)]
    table["date"] = pd.to_datetime(moved)
    return table.sort_values("date", kind="stable").reset_index(drop=True)


def build_cash_plan(
    year: int,
    opening_balance_eur: float,
    budget: pd.DataFrame,
    timings: Mapping[str, PaymentTiming | str | None],
    aci_schedule: pd.DataFrame | None,
    other_receipts: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
    investments: Iterable[Investment | Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """Monthly cash plan of ``year`` built from the budget and the timings chosen.

    Columns: :data:`~cpts_training.budget.cash.PLAN_COLUMNS` (``mois`` 1–12,
    ``libelle_mois``, opening balance, ACI receipts, other receipts, total receipts,
    spending, net flow, closing balance), then :data:`NATURE_COLUMNS` (spending by
    nature; they add up to ``decaissements_eur``). All amounts in euros.
    ``aci_schedule``: dated ACI payments (``date``, ``montant_eur``) of
    :func:`~cpts_training.budget.aci.payment_schedule`; ``other_receipts``: ``date``,
    ``libelle``, ``montant_eur``. Receipts dated outside ``year`` are left out.
    ``table.attrs["note"]`` holds :func:`non_cash_note`.

    Raises:
        InputError: see :func:`spending_schedule` and
            :func:`~cpts_training.budget.cash.cash_plan`.
    """
    schedule = spending_schedule(budget, timings, investments)
    natures = spending_by_nature(schedule)
    plan = cash_plan(
        year, opening_balance_eur, list(natures["decaissements_eur"]), aci_schedule, other_receipts
    )
    for column in NATURE_COLUMNS:
        plan[column] = list(natures[column])
    plan.attrs["note"] = schedule.attrs.get("note", "")
    return plan[[*PLAN_COLUMNS, *NATURE_COLUMNS]]


def require_plan(plan: Any) -> pd.DataFrame:
    """``plan`` as a cash plan table (a :func:`build_cash_plan` result), or a French
    :class:`InputError`: a plan not built yet (``None``: a line still without its payment
    timing) or a table without the monthly closing balances."""
    if plan is None:
        raise InputError(
            "Le plan de trésorerie n'est pas encore construit : dans le formulaire, choisissez "
            "le rythme de paiement de chaque ligne (et ses mois), puis exécutez à nouveau "
            "cette cellule."
        )
    if not isinstance(plan, pd.DataFrame) or not {"mois", "solde_cloture_eur"} <= set(plan.columns):
        raise InputError(
            "Ce n'est pas un plan de trésorerie : passez le tableau de build_cash_plan(…) ou "
            "la propriété « plan » du formulaire."
        )
    return plan


def financing_need(plan: pd.DataFrame) -> FinancingNeed:
    """First and last month closing below zero and the largest need (a plan of
    :func:`build_cash_plan` or :func:`~cpts_training.budget.cash.cash_plan`).

    When several months share the lowest balance, the first one is the month of the
    largest need.
    """
    plan = require_plan(plan)
    closings = [float(c) for c in plan["solde_cloture_eur"]]
    months = [int(m) for m in plan["mois"]]
    year = int(str(plan["libelle_mois"].iloc[0]).split()[-1])
    negative = tuple(m for m, c in zip(months, closings, strict=True) if c < 0)
    if not negative:
        return FinancingNeed(year, None, None, 0.0, None, ())
    lowest = min(closings)
    return FinancingNeed(
        year=year,
        first_month=negative[0],
        last_month=negative[-1],
        largest_need_eur=cents(-lowest),
        largest_need_month=months[closings.index(lowest)],
        negative_months=negative,
    )


def facility_cost(plan: pd.DataFrame, annual_rate: float) -> float:
    """Interest of a facilité de caisse over the year, in euros:
    Σ over the months of (overdraft at the end of the month) × ``annual_rate`` / 12.

    The month-end overdraft stands for the month's average overdraft (a simplification:
    the bank charges the daily overdraft, and often a commission on the amount granted,
    not counted here). ``annual_rate`` is a fraction (0,06 for 6 %).

    Raises:
        InputError: a rate outside 0–1.
    """
    plan = require_plan(plan)
    rate = require_rate(annual_rate, "Le taux de la facilité de caisse")
    overdrafts = sum(-float(c) for c in plan["solde_cloture_eur"] if float(c) < 0)
    return cents(overdrafts * rate / 12)


def covered_by_facility(plan: pd.DataFrame, facility_eur: float) -> tuple[int, ...]:
    """Months (1–12) whose closing balance goes below −``facility_eur`` (the facility
    granted by the bank): empty when the facility covers every month.

    Raises:
        InputError: a negative or missing amount.
    """
    plan = require_plan(plan)
    limit = require_amount(facility_eur, "La facilité de caisse accordée")
    return tuple(
        int(m)
        for m, c in zip(plan["mois"], plan["solde_cloture_eur"], strict=True)
        if float(c) < -limit - 0.005
    )


def compare_levers(
    plan: pd.DataFrame,
    *,
    facility_rate: float,
    reserves_eur: float = 0.0,
    shifted_plan: pd.DataFrame | None = None,
    shift_label: str = "Décaler une dépense",
) -> pd.DataFrame:
    """Compare the ways of covering the need of ``plan`` (:func:`financing_need`).

    One row per lever, columns :data:`LEVER_COLUMNS` (French values):

    - « Facilité de caisse »: amount = the largest need, cost = :func:`facility_cost` at
      ``facility_rate`` (a fraction; the case's rate is invented), low point 0;
    - « Avance de l'Assurance maladie sur le versement ACI »: amount = the largest need
      received by the first month below zero and deducted from the next payment, no
      interest, but to be negotiated with the CPAM (faisable « à négocier »);
    - « Fonds propres / réserves »: ``reserves_eur`` (money of the association kept apart,
      e.g. on a savings account); feasible when they cover the need; no interest paid but
      the reserves are reduced by the amount used;
    - « Décaler une dépense » (``shift_label``), when ``shifted_plan`` is given: the plan
      rebuilt with one spending paid later (e.g. the indemnities); its low point, no cost,
      feasible when the balance stays ≥ 0.

    ``point_bas_apres_eur`` is the lowest closing balance once the lever is used. For the
    advance and the reserves it assumes the money arrives by the first month below zero
    and is paid back (deducted from a later ACI payment, or put back in reserve) after
    the last one: a repayment inside the year lowers the months that follow it, which the
    trainee checks by rebuilding the plan.

    Raises:
        InputError: a rate outside 0–1, negative reserves.
    """
    plan = require_plan(plan)
    need = financing_need(plan)
    amount = need.largest_need_eur
    lowest = min(float(c) for c in plan["solde_cloture_eur"])
    rate = require_rate(facility_rate, "Le taux de la facilité de caisse")
    reserves = cents(require_amount(reserves_eur, "Les réserves disponibles"))
    after = cents(lowest + amount)
    rows: list[tuple[Any, ...]] = [
        (
            "Facilité de caisse",
            amount,
            facility_cost(plan, rate),
            after,
            "oui" if amount else "inutile",
            f"Intérêts au taux de {format_percent(rate)} par an sur le découvert de chaque "
            "mois (taux inventé pour l'étude de cas : demandez celui de votre banque) ; à "
            "négocier avant le premier mois sous zéro.",
        ),
        (
            "Avance de l'Assurance maladie sur le versement ACI",
            amount,
            0.0,
            after,
            "à négocier" if amount else "inutile",
            "Sans intérêts, mais non prévue d'office : à demander à la CPAM (et à l'ARS) "
            "en montrant le plan de trésorerie ; elle est déduite d'un versement suivant.",
        ),
        (
            "Fonds propres / réserves",
            min(reserves, amount),
            0.0,
            cents(lowest + min(reserves, amount)),
            ("oui" if reserves >= amount else "non") if amount else "inutile",
            f"Réserves disponibles : {format_euros(reserves, 2)}. Pas d'intérêts, mais les "
            "réserves baissent d'autant jusqu'à leur reconstitution.",
        ),
    ]
    if shifted_plan is not None:
        shifted_low = cents(min(float(c) for c in shifted_plan["solde_cloture_eur"]))
        remaining = financing_need(shifted_plan)
        rows.append(
            (
                shift_label,
                0.0,
                0.0,
                shifted_low,
                "oui" if shifted_low >= 0 else "non",
                "Pas de coût, mais à convenir avec ceux qui sont payés plus tard. "
                + (
                    "Le besoin disparaît."
                    if remaining.first_month is None
                    else f"Il reste un besoin de {format_euros(remaining.largest_need_eur, 2)}."
                ),
            )
        )
    return pd.DataFrame(rows, columns=list(LEVER_COLUMNS))


def _split(amount: float, parts: int) -> list[float]:
    """``parts`` payments of ``amount / parts`` (to the cent), the last one taking the
    rounding remainder."""
    share = cents(amount / parts)
    first = [share] * (parts - 1)
    return [*first, cents(amount - sum(first))]


COLUMNS = declare_columns(
    Column("rythme", "Rythme de paiement"),
    *(Column(c, f"{MONTHS_FR[m].capitalize()} (€)", "€") for m, c in enumerate(MONTH_COLUMNS)),
    *(
        Column(c, f"Décaissements — {label.lower()} (€)", "€")
        for c, label in zip(NATURE_COLUMNS, NATURES.values(), strict=True)
    ),
    Column("levier", "Levier"),
    Column("montant_mobilise_eur", "Montant mobilisé (€)", "€"),
    Column("cout_eur", "Coût (€)", "€"),
    Column("point_bas_apres_eur", "Point bas après le levier (€)", "€"),
    Column("faisable", "Faisable"),
    Column("remarque", "Remarque"),
)
"""Columns of the spending schedule, the spending by nature and the levers."""
