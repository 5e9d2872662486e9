"""Budget prévisionnel of a CPTS, presented by nature (plan comptable des associations).

A budget is a DataFrame with one row per line and the columns of
:data:`BUDGET_COLUMNS`:

- ``compte`` (str): account number; charges are accounts 60 to 68, products 70 to 78
  (parameter ``comptabilite/classes_comptes``). A sub-account (641, 6411…) is
  accepted when its first two digits are known;
- ``libelle`` (str): French label of the line;
- ``montant_eur`` (float, euros, ≥ 0);
- ``sens`` (« charge » or « produit »), ``classe`` (the two-digit account) and
  ``rubrique`` (French label of the class), derived from ``compte``;
- optionally ``mission`` (str, after ``rubrique``): what the line serves, one of
  :func:`valid_missions` (« fonctionnement », an ACI mission id such as « prevention »,
  or « plusieurs_missions »), ``""`` when not given for that line. The column is there
  only when at least one line gives a mission, so budgets built without missions keep
  exactly :data:`BUDGET_COLUMNS`. Any further column of a DataFrame given to
  :func:`make_budget` (``base_de_calcul``…) is kept, after these.

Build one with :func:`make_budget` from lines (dicts, tuples or a DataFrame) or with the
line builders of this module (salaries, indemnities to professionals, IT,
communication, premises; ACI, FIR, local authorities, calls for projects). Each line
account is unique within a budget, so that a forecast and its actuals can be matched
line by line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from cpts_training.budget._common import cents, require_amount, require_rate, require_whole
from cpts_training.budget.aci import AciContract, calendar_year_funding
from cpts_training.columns import Column, declare_columns
from cpts_training.errors import InputError
from cpts_training.formatting import format_euros, format_percent
from cpts_training.reference import load_parameter

SENS_CHARGE = "charge"
SENS_PRODUIT = "produit"

BUDGET_COLUMNS = ("compte", "libelle", "montant_eur", "sens", "classe", "rubrique")
"""Columns of a budget table (see the module docstring)."""

LINE_COLUMNS = ("compte", "libelle", "montant_eur")
"""Columns a trainee enters; the others are derived."""

MISSION_COLUMN = "mission"
"""Optional column of a budget: the mission a line serves (see :func:`valid_missions`)."""

FONCTIONNEMENT = "fonctionnement"
"""Mission of the lines that run the association itself (staff, premises, accounting…)."""

PLUSIEURS_MISSIONS = "plusieurs_missions"
"""Mission of a line shared between several ACI missions (indemnities, actions)."""

NO_MISSION = ""
"""Mission of a line for which none was given, in a budget that has the column."""

_ACI_CATALOGUE = "aci/missions/catalogue"
"""Parameter: the ACI missions by date, each with its ``libelle`` and ``categorie``."""

_DERIVED_COLUMNS = ("sens", "classe", "rubrique")

INDEMNITY_COLUMNS = (
    "professionnel",
    "profession",
    "heures",
    "taux_horaire_eur",
    "montant_eur",
    "plafond_eur",
    "depassement_eur",
)
"""Columns of :func:`indemnity_table`."""

DEFAULT_ACCOUNTS = {
    "salaire": "6411",
    "charges_sociales": "6451",
    "indemnites": "6228",
    "materiel_informatique": "6063",
    "logiciels": "6156",
    "communication": "623",
    "loyer": "6132",
    "assurance": "616",
    "aci": "741",
    "fir": "742",
    "collectivite": "743",
    "appel_a_projets": "744",
}
"""Default accounts used by the line builders (sub-accounts chosen for the course)."""

_CLASSES = "comptabilite/classes_comptes"


@dataclass(frozen=True)
class BudgetSummary:
    """Totals of a budget: charges, products and result (products − charges)."""

    total_charges_eur: float
    total_produits_eur: float
    resultat_eur: float

    @property
    def nature_resultat(self) -> str:
        """« excédent », « déficit » or « équilibre »."""
        if self.resultat_eur > 0:
            return "excédent"
        if self.resultat_eur < 0:
            return "déficit"
        return "équilibre"

    def to_frame(self) -> pd.DataFrame:
        """Three rows (« Total des charges », « Total des produits », « Résultat »),
        columns ``poste`` and ``montant_eur``."""
        return pd.DataFrame(
            {
                "poste": [
                    "Total des charges",
                    "Total des produits",
                    "Résultat (produits − charges)",
                ],
                "montant_eur": [
                    self.total_charges_eur,
                    self.total_produits_eur,
                    self.resultat_eur,
                ],
            }
        )

    def __str__(self) -> str:
        return (
            f"Charges : {format_euros(self.total_charges_eur, 2)} ; "
            f"produits : {format_euros(self.total_produits_eur, 2)} ; "
            f"résultat : {format_euros(self.resultat_eur, 2)} ({self.nature_resultat})."
        )


@dataclass(frozen=True)
class BalanceVerdict:
    """Outcome of :func:`balance_of`: balanced or not, the gap and a French message."""

    balanced: bool
    gap_eur: float
    message: str

    def __bool__(self) -> bool:
        return self.balanced

    def __str__(self) -> str:
        return self.message


def account_classes(at: dt.date | str = "2025-01-01") -> dict[str, str]:
    """Two-digit accounts (60–68, 70–78) and their French labels, in force on ``at``.

    Account 73 (« Concours publics », ANC 2018-06) is a product account of associations:
    the ACI may be booked there or in 74 (subventions d'exploitation), as the
    expert-comptable decides.
    """
    return dict(load_parameter(_CLASSES).value_at(at))


def account_class(account: Any) -> tuple[str, str, str]:
    """``(classe, rubrique, sens)`` of an account number, e.g. ``"6411"`` →
    ``("64", "Charges de personnel", "charge")``.

    Raises :class:`InputError` naming the account and listing the valid classes.
    """
    text = _account_text(account)
    classes = account_classes()
    prefix = text[:2]
    if len(text) < 2 or not text.isdigit() or prefix not in classes:
        valid = ", ".join(f"{k} ({v})" for k, v in classes.items())
        raise InputError(
            f"Compte « {account} » inconnu : un compte de charges commence par 60 à 68, un "
            f"compte de produits par 70 à 78. Comptes valides : {valid}."
        )
    sens = SENS_CHARGE if prefix.startswith("6") else SENS_PRODUIT
    return prefix, classes[prefix], sens


def _aci_missions() -> dict[str, Mapping[str, str]]:
    """Every mission the ACI catalogue has listed: id → entry (``libelle``,
    ``categorie``) of its latest listing; the socles first, in the catalogue's order."""
    catalogue = load_parameter(_ACI_CATALOGUE)
    out: dict[str, Mapping[str, str]] = {}
    for entry in reversed(catalogue.values):
        for mission_id, info in entry.value.items():
            out.setdefault(str(mission_id), info)
    order = [m for entry in reversed(catalogue.values) for m in entry.value]
    socles = [m for m in dict.fromkeys(order) if out[m].get("categorie") == "socle"]
    others = [m for m in dict.fromkeys(order) if m not in socles]
    return {m: out[m] for m in (*socles, *others)}


def socle_missions() -> tuple[str, ...]:
    """Ids of the missions socles of the ACI (``categorie: socle`` in the parameter
    ``aci/missions/catalogue``, latest entry): accès aux soins, parcours
    pluriprofessionnels, prévention, crises sanitaires graves."""
    entries = load_parameter(_ACI_CATALOGUE).values
    latest = entries[-1].value
    return tuple(str(m) for m, info in latest.items() if info.get("categorie") == "socle")


SOCLE_MISSIONS: frozenset[str] = frozenset(socle_missions())
"""The missions socles of the ACI (ids), read from the ACI catalogue."""


def valid_missions() -> tuple[str, ...]:
    """Values accepted in the ``mission`` column: « fonctionnement », the ACI mission ids
    (socles first, then the optional ones) and « plusieurs_missions »."""
    return (FONCTIONNEMENT, *_aci_missions(), PLUSIEURS_MISSIONS)


def mission_label(mission_id: Any) -> str:
    """French label of a mission id, e.g. ``"prevention"`` → « Actions coordonnées de
    prévention »; ``""`` or ``None`` → « Non précisée ».

    Raises :class:`InputError` listing the valid values for an unknown id.
    """
    text = _mission_text(mission_id)
    if text == NO_MISSION:
        return "Non précisée"
    if text == FONCTIONNEMENT:
        return "Fonctionnement de la CPTS"
    if text == PLUSIEURS_MISSIONS:
        return "Plusieurs missions"
    return str(_aci_missions()[text]["libelle"])


def require_mission(mission_id: Any) -> str:
    """``mission_id`` as a valid mission (stripped), ``""`` for an empty one.

    Raises :class:`InputError` naming the value and listing the valid ones.
    """
    return _mission_text(mission_id)


def _mission_text(mission_id: Any) -> str:
    if mission_id is None or (isinstance(mission_id, float) and math.isnan(mission_id)):
        return NO_MISSION
    text = str(mission_id).strip()
    if text == NO_MISSION or text in valid_missions():
        return text
    missions = _aci_missions()
    valid = ", ".join(
        [f"{FONCTIONNEMENT} (fonctionnement de la CPTS)"]
        + [f"{m} ({info['libelle']})" for m, info in missions.items()]
        + [f"{PLUSIEURS_MISSIONS} (ligne partagée entre plusieurs missions)"]
    )
    raise InputError(
        f"Mission « {mission_id} » inconnue. Écrivez l'une des valeurs suivantes, sans "
        f"accent ni majuscule : {valid}."
    )


def budget_line(
    account: Any, label: str, amount_eur: float, mission: str | None = None
) -> dict[str, Any]:
    """One validated budget line ``{"compte", "libelle", "montant_eur"}``, plus
    ``"mission"`` when ``mission`` is given (see :func:`valid_missions`)."""
    text = _account_text(account)
    account_class(text)
    if not isinstance(label, str) or not label.strip():
        raise InputError(f"La ligne du compte {text} n'a pas de libellé : saisissez-en un.")
    amount = require_amount(amount_eur, f"Le montant de la ligne « {label} » (compte {text})")
    line: dict[str, Any] = {"compte": text, "libelle": label.strip(), "montant_eur": cents(amount)}
    if mission is not None:
        line[MISSION_COLUMN] = require_mission(mission)
    return line


def make_budget(lines: pd.DataFrame | Iterable[Mapping[str, Any] | Sequence[Any]]) -> pd.DataFrame:
    """Validate budget lines and return a budget table (:data:`BUDGET_COLUMNS`).

    ``lines`` is a DataFrame with columns ``compte``, ``libelle``, ``montant_eur``, or an
    iterable of dicts with those keys, or of tuples ``(compte, libelle, montant_eur)``.
    A line may also give its ``mission`` (a DataFrame column, a dict key or a 4th tuple
    element: see :func:`valid_missions`); the table then has a ``mission`` column after
    :data:`BUDGET_COLUMNS` (``""`` for the lines that give none). Other columns of a
    DataFrame are kept, after these.
    Raises :class:`InputError` for a negative amount, an unknown account (the message
    lists the valid ones), an unknown mission (the message lists the valid ones) or an
    account used twice.
    """
    extras: pd.DataFrame | None = None
    if isinstance(lines, pd.DataFrame):
        missing = [c for c in LINE_COLUMNS if c not in lines.columns]
        if missing:
            raise InputError(
                f"Colonne(s) manquante(s) dans le budget : {', '.join(missing)}. "
                f"Un budget a les colonnes {', '.join(LINE_COLUMNS)}."
            )
        wanted = list(LINE_COLUMNS) + ([MISSION_COLUMN] if MISSION_COLUMN in lines.columns else [])
        records: list[Any] = lines[wanted].to_dict("records")
        other = [
            c
            for c in lines.columns
            if c not in (*BUDGET_COLUMNS, MISSION_COLUMN) and isinstance(c, str)
        ]
        if other:
            extras = lines[other].reset_index(drop=True)
    else:
        records = list(lines)
    rows = []
    with_mission = False
    for position, record in enumerate(records, start=1):
        mission: Any = None
        if isinstance(record, Mapping):
            missing = [c for c in LINE_COLUMNS if c not in record]
            if missing:
                raise InputError(
                    f"Ligne {position} du budget : clé(s) manquante(s) {', '.join(missing)}."
                )
            values = (record["compte"], record["libelle"], record["montant_eur"])
            if MISSION_COLUMN in record:
                with_mission = True
                mission = record[MISSION_COLUMN]
        else:
            values = tuple(record)
            if len(values) == 4:
                with_mission = True
                mission, values = values[3], values[:3]
            elif len(values) != 3:
                raise InputError(
                    f"Ligne {position} du budget : donnez (compte, libellé, montant en euros) "
                    "ou (compte, libellé, montant en euros, mission)."
                )
        try:
            line = budget_line(*values)
            line[MISSION_COLUMN] = require_mission(mission)
        except InputError as exc:
            raise InputError(f"Ligne {position} du budget : {exc}") from None
        rows.append(line)
    seen: dict[str, int] = {}
    for position, line in enumerate(rows, start=1):
        if line["compte"] in seen:
            raise InputError(
                f"Ligne {position} du budget : le compte {line['compte']} est déjà utilisé à la "
                f"ligne {seen[line['compte']]}. Regroupez les deux montants sur une ligne ou "
                "utilisez un sous-compte (par exemple 64111 et 64112)."
            )
        seen[line["compte"]] = position
    columns = [*LINE_COLUMNS, MISSION_COLUMN]
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    classes = [account_class(a) for a in out["compte"]]
    out["montant_eur"] = out["montant_eur"].astype(float)
    out["sens"] = [c[2] for c in classes]
    out["classe"] = [c[0] for c in classes]
    out["rubrique"] = [c[1] for c in classes]
    kept = list(BUDGET_COLUMNS) + ([MISSION_COLUMN] if with_mission else [])
    out = out[kept].reset_index(drop=True)
    if extras is not None:
        for column in extras.columns:
            out[column] = extras[column].to_numpy()
    return out


def default_employer_rate(at: dt.date | str = "2025-01-01") -> float:
    """Default employer social-charge rate BEFORE reductions (parameter
    ``budget/taux_charges_patronales``, 0.42, unverified: no collective agreement is
    specific to CPTS, set your own). From 2026 the RGDU lowers it for salaries below
    3 SMIC: see :func:`cpts_training.budget.payroll.effective_employer_rate`."""
    return float(load_parameter("budget/taux_charges_patronales").value_at(at))


def salary_cost(gross_annual_eur: float, employer_rate: float | None = None) -> float:
    """Employer cost of a salary: gross annual salary × (1 + employer rate).

    ``employer_rate`` is a fraction (0.42 for 42 %); by default the parameter
    ``budget/taux_charges_patronales``, a rate before reductions, which each CPTS must set
    from its collective agreement (pass an effective rate after the RGDU, from
    :func:`~cpts_training.budget.payroll.effective_employer_rate`, to budget 2026).
    """
    gross = require_amount(gross_annual_eur, "Le salaire brut annuel")
    rate = default_employer_rate() if employer_rate is None else employer_rate
    rate = require_rate(rate, "Le taux de charges patronales")
    return cents(gross * (1 + rate))


def salary_lines(
    label: str,
    gross_annual_eur: float,
    employer_rate: float | None = None,
    account_gross: str = DEFAULT_ACCOUNTS["salaire"],
    account_charges: str = DEFAULT_ACCOUNTS["charges_sociales"],
) -> list[dict[str, Any]]:
    """Two lines for a salaried post: gross salary (64x) and employer charges (64x).

    Charges = gross × rate; gross + charges = :func:`salary_cost`. ``label`` names the
    post, e.g. « coordinatrice (1 ETP) ».
    """
    gross = require_amount(gross_annual_eur, f"Le salaire brut annuel ({label})")
    rate = default_employer_rate() if employer_rate is None else employer_rate
    rate = require_rate(rate, "Le taux de charges patronales")
    charges = cents(salary_cost(gross, rate) - cents(gross))
    return [
        budget_line(account_gross, f"Salaire brut — {label}", gross),
        budget_line(
            account_charges, f"Charges patronales — {label} ({format_percent(rate, 1)})", charges
        ),
    ]


def indemnity_cap(year: int) -> float:
    """Annual cap of the indemnities paid to one professional in ``year``.

    Cap = PASS of the year (parameter ``pss/plafond_annuel`` on 1 January) × the
    parameter ``cpts/plafond_indemnites_en_pass`` (1), décret n° 2022-375, art.
    D1434-44 CSP.
    """
    civil = require_whole(year, "L'année", minimum=1900, maximum=2200)
    day = dt.date(civil, 12, 31)
    pass_ = float(load_parameter("pss/plafond_annuel").value_at(dt.date(civil, 1, 1)))
    ratio = float(load_parameter("cpts/plafond_indemnites_en_pass").value_at(day))
    return cents(pass_ * ratio)


def indemnity_table(professionals: pd.DataFrame, year: int) -> pd.DataFrame:
    """Indemnity of each professional for ``year``: hours × hourly rate, and the cap.

    ``professionals`` has the columns ``professionnel`` (name), ``profession``, ``heures``
    and ``taux_horaire_eur``. Returns :data:`INDEMNITY_COLUMNS`, with ``plafond_eur`` =
    :func:`indemnity_cap` and ``depassement_eur`` = max(0, montant − plafond). Nothing is
    clipped: see :func:`professionals_above_cap` and :func:`indemnity_line`.
    """
    required = ("professionnel", "profession", "heures", "taux_horaire_eur")
    if not isinstance(professionals, pd.DataFrame):
        professionals = pd.DataFrame(list(professionals))
    missing = [c for c in required if c not in professionals.columns]
    if missing:
        raise InputError(
            f"Colonne(s) manquante(s) dans la liste des professionnels : {', '.join(missing)}. "
            f"Colonnes attendues : {', '.join(required)}."
        )
    cap = indemnity_cap(year)
    rows = []
    for position, record in enumerate(professionals[list(required)].to_dict("records"), 1):
        name = record["professionnel"]
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"Professionnel n° {position} : saisissez son nom.")
        hours = require_amount(record["heures"], f"Le nombre d'heures de {name}")
        rate = require_amount(record["taux_horaire_eur"], f"Le taux horaire de {name}")
        amount = cents(hours * rate)
        rows.append(
            (name, record["profession"], hours, rate, amount, cap, cents(max(0.0, amount - cap)))
        )
    return pd.DataFrame(rows, columns=list(INDEMNITY_COLUMNS))


def professionals_above_cap(professionals: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of :func:`indemnity_table` whose amount exceeds the annual cap (the PASS)."""
    table = indemnity_table(professionals, year)
    return table[table["depassement_eur"] > 0].reset_index(drop=True)


def indemnity_line(
    professionals: pd.DataFrame,
    year: int,
    account: str = DEFAULT_ACCOUNTS["indemnites"],
    label: str | None = None,
) -> dict[str, Any]:
    """One budget line: total indemnities of the professionals for ``year``.

    Total = Σ hours × hourly rate. Raises :class:`InputError` naming every professional
    whose amount exceeds the annual cap (PASS of the year), rather than clipping it.
    """
    table = indemnity_table(professionals, year)
    above = table[table["depassement_eur"] > 0]
    if not above.empty:
        # Rows of the table: their fields are not known statically.
        rows: Iterable[Any] = above.itertuples()
        who = "; ".join(
            f"{r.professionnel} : {format_euros(r.montant_eur)} "
            f"(dépassement de {format_euros(r.depassement_eur)})"
            for r in rows
        )
        raise InputError(
            f"Indemnités au-dessus du plafond annuel de {format_euros(table['plafond_eur'][0])} "
            f"par professionnel (PASS {year}) : {who}. Réduisez les heures ou le taux "
            "horaire de ces professionnels : le montant n'est pas écrêté automatiquement."
        )
    total = cents(table["montant_eur"].sum())
    text = label or f"Indemnités des professionnels de santé ({len(table)} professionnels)"
    return budget_line(account, text, total)


def it_lines(
    equipment_eur: float = 0.0,
    software_eur: float = 0.0,
    account_equipment: str = DEFAULT_ACCOUNTS["materiel_informatique"],
    account_software: str = DEFAULT_ACCOUNTS["logiciels"],
) -> list[dict[str, Any]]:
    """IT lines: small equipment (60x) and software, secure messaging and subscriptions
    (61x). Zero amounts give no line."""
    lines = []
    if require_amount(equipment_eur, "Le matériel informatique") > 0:
        lines.append(budget_line(account_equipment, "Matériel informatique", equipment_eur))
    if require_amount(software_eur, "Les logiciels et abonnements") > 0:
        lines.append(
            budget_line(
                account_software, "Logiciels, messagerie sécurisée et abonnements", software_eur
            )
        )
    return lines


def communication_line(
    amount_eur: float,
    label: str = "Communication (site internet, supports, réunions publiques)",
    account: str = DEFAULT_ACCOUNTS["communication"],
) -> dict[str, Any]:
    """Communication line (623)."""
    return budget_line(account, label, amount_eur)


def premises_lines(
    monthly_rent_eur: float,
    months: int = 12,
    insurance_eur: float = 0.0,
    account_rent: str = DEFAULT_ACCOUNTS["loyer"],
    account_insurance: str = DEFAULT_ACCOUNTS["assurance"],
) -> list[dict[str, Any]]:
    """Premises: rent = monthly rent (charges included) × months; insurance if any."""
    rent = require_amount(monthly_rent_eur, "Le loyer mensuel")
    count = require_whole(months, "Le nombre de mois de loyer", minimum=0, maximum=12)
    lines = [budget_line(account_rent, "Loyer et charges du bureau", cents(rent * count))]
    if require_amount(insurance_eur, "L'assurance") > 0:
        lines.append(budget_line(account_insurance, "Assurances", insurance_eur))
    return lines


def aci_product_line(
    contract: AciContract,
    year: int,
    achievement_by_year: Mapping[int, Mapping[str, float]] | None = None,
    account: str = DEFAULT_ACCOUNTS["aci"],
) -> dict[str, Any]:
    """ACI product of a civil year: total of :func:`~cpts_training.budget.aci.
    calendar_year_funding` (contract-year amounts spread over the months of the year)."""
    funding = calendar_year_funding(contract, year, achievement_by_year)
    total = cents(funding["total_eur"].sum())
    return budget_line(account, f"Financement ACI (Assurance maladie) {year}", total)


def fir_line(
    amount_eur: float,
    label: str = "Fonds d'intervention régional (ARS)",
    account: str = DEFAULT_ACCOUNTS["fir"],
) -> dict[str, Any]:
    """FIR line (subvention of the ARS)."""
    return budget_line(account, label, amount_eur)


def local_authority_line(
    amount_eur: float,
    funder: str = "collectivité territoriale",
    account: str = DEFAULT_ACCOUNTS["collectivite"],
) -> dict[str, Any]:
    """Subsidy of a local authority (commune, communauté de communes, département…)."""
    return budget_line(account, f"Subvention — {funder}", amount_eur)


def call_for_projects_line(
    amount_eur: float,
    name: str,
    account: str = DEFAULT_ACCOUNTS["appel_a_projets"],
) -> dict[str, Any]:
    """Funding obtained through a call for projects (appel à projets)."""
    return budget_line(account, f"Appel à projets — {name}", amount_eur)


AUDITOR_THRESHOLD = "association/seuil_commissaire_aux_comptes"
"""Parameter: public subsidies a year above which an association needs an auditor."""

SUBSIDY_CLASS = "74"
"""Account class of the subventions d'exploitation (counted for the auditor threshold)."""


def public_subsidies_eur(budget: pd.DataFrame) -> float:
    """Public operating subsidies of a budget: the sum of its class-74 lines, in euros.

    Concours publics (class 73) are left out: the threshold of art. L612-4 of the code de
    commerce counts subsidies (loi n° 2000-321, art. 9-1). Whether the ACI is a subsidy
    (74) or a concours public (73) is for the expert-comptable to decide.
    """
    table = ensure_budget(budget)
    return cents(table.loc[table["classe"] == SUBSIDY_CLASS, "montant_eur"].sum())


def statutory_auditor_required(budget: pd.DataFrame, at: dt.date | str = "2025-01-01") -> bool:
    """True when the budget's public subsidies exceed the threshold in force on ``at``
    (parameter ``association/seuil_commissaire_aux_comptes``: 153 000 euros, C. com.
    art. L612-4 and D612-5): the association must then appoint a commissaire aux comptes
    and publish its accounts."""
    threshold = float(load_parameter(AUDITOR_THRESHOLD).value_at(at))
    return public_subsidies_eur(budget) > threshold


def budget_summary(budget: pd.DataFrame) -> BudgetSummary:
    """Total charges, total products and result = products − charges."""
    table = ensure_budget(budget)
    charges = cents(table.loc[table["sens"] == SENS_CHARGE, "montant_eur"].sum())
    products = cents(table.loc[table["sens"] == SENS_PRODUIT, "montant_eur"].sum())
    return BudgetSummary(charges, products, cents(products - charges))


def balance_of(budget: pd.DataFrame, tolerance_eur: float = 1.0) -> BalanceVerdict:
    """Is the budget balanced (|products − charges| ≤ ``tolerance_eur``)?

    The message gives the gap and which side to adjust: with a surplus, add charges
    (planned actions) or lower the expected products; with a deficit, cut charges or
    find further products.
    """
    tolerance = require_amount(tolerance_eur, "La tolérance d'équilibre")
    summary = budget_summary(budget)
    gap = summary.resultat_eur
    charges = format_euros(summary.total_charges_eur, 2)
    products = format_euros(summary.total_produits_eur, 2)
    if abs(gap) <= tolerance:
        return BalanceVerdict(
            True,
            gap,
            f"Le budget est équilibré : produits {products}, charges {charges} "
            f"(écart de {format_euros(abs(gap), 2)}, dans la tolérance de "
            f"{format_euros(tolerance, 2)}).",
        )
    amount = format_euros(abs(gap), 2)
    if gap > 0:
        message = (
            f"Le budget n'est pas équilibré : les produits ({products}) dépassent les charges "
            f"({charges}) de {amount} (excédent prévisionnel). Ajustez le côté des charges "
            f"(actions prévues, indemnités) ou réduisez les produits attendus de {amount}."
        )
    else:
        message = (
            f"Le budget n'est pas équilibré : les charges ({charges}) dépassent les produits "
            f"({products}) de {amount} (déficit prévisionnel). Réduisez les charges de "
            f"{amount} ou trouvez des produits supplémentaires (subvention, appel à projets)."
        )
    return BalanceVerdict(False, gap, message)


check_balance = balance_of
"""Former name of :func:`balance_of`, kept because released notebooks call it.

Evaluation 01 (cell ``q2_budget``) runs ``from cpts_training.budget import check_balance``
and autograde re-runs the copies handed in. It is not a learner self-check (those never
raise and return a :class:`~cpts_training.checks.core.CheckResult`): it returns the same
:class:`BalanceVerdict` as :func:`balance_of`.
"""


def by_nature(budget: pd.DataFrame) -> pd.DataFrame:
    """Amounts grouped by two-digit account: ``sens``, ``classe``, ``rubrique``,
    ``montant_eur`` and ``part`` (share of the side's total, a fraction)."""
    table = ensure_budget(budget)
    # With as_index=False the sum is a DataFrame, which pandas-stubs do not know.
    sums = cast(
        pd.DataFrame,
        table.groupby(["sens", "classe", "rubrique"], as_index=False)["montant_eur"].sum(),
    )
    grouped = sums.sort_values(["sens", "classe"]).reset_index(drop=True)
    totals = grouped.groupby("sens")["montant_eur"].transform("sum")
    grouped["part"] = [
        a / t if t else math.nan for a, t in zip(grouped["montant_eur"], totals, strict=True)
    ]
    return grouped


def revise_budget(
    budget: pd.DataFrame,
    amounts: Mapping[Any, float] | None = None,
    new_lines: Iterable[Mapping[str, Any] | Sequence[Any]] = (),
) -> pd.DataFrame:
    """A copy of ``budget`` with some amounts changed and some lines added.

    ``amounts`` maps an existing account to its new amount (an unknown account is an
    :class:`InputError` naming the accounts of the budget); ``new_lines`` are added at
    the end, as accepted by :func:`make_budget`. The result is validated again, so a
    negative amount or an account used twice is refused. The ``mission`` column and any
    further column of ``budget`` are kept (empty for the added lines that give none).
    """
    table = ensure_budget(budget)
    kept = [c for c in table.columns if c not in _DERIVED_COLUMNS]
    lines: list[dict[Any, Any]] = table[kept].to_dict("records")
    by_account = {line["compte"]: line for line in lines}
    for account, amount in (amounts or {}).items():
        text = _account_text(account)
        if text not in by_account:
            raise InputError(
                f"Le compte {text} n'est pas dans le budget : modifiez un compte existant "
                f"({', '.join(by_account)}) ou ajoutez une ligne."
            )
        by_account[text]["montant_eur"] = amount
    if len(kept) == len(LINE_COLUMNS):
        return make_budget([*lines, *new_lines])
    added = [_line_record(line) for line in new_lines]
    # Keep the mission and any further column: the new lines get "" / NaN there.
    return make_budget(pd.DataFrame([*lines, *added], columns=kept + _new_keys(kept, added)))


def _line_record(line: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    """A line given as a dict or a tuple, as a dict (validated later by make_budget)."""
    if isinstance(line, Mapping):
        return {str(k): v for k, v in line.items()}
    values = tuple(line)
    names = (*LINE_COLUMNS, MISSION_COLUMN)
    if len(values) not in (3, 4):
        raise InputError(
            "Chaque ligne ajoutée s'écrit (compte, libellé, montant en euros) ou "
            "(compte, libellé, montant en euros, mission)."
        )
    return dict(zip(names, values, strict=False))


def _new_keys(kept: list[str], added: list[dict[str, Any]]) -> list[str]:
    """Keys of the added lines that the budget has no column for yet."""
    return [k for k in dict.fromkeys(k for a in added for k in a) if k not in kept]


def ensure_budget(budget: pd.DataFrame | Iterable[Any]) -> pd.DataFrame:
    """``budget`` if it is already a budget table, else :func:`make_budget` of it."""
    if isinstance(budget, pd.DataFrame) and all(c in budget.columns for c in BUDGET_COLUMNS):
        return budget
    return make_budget(budget)


def _account_text(account: Any) -> str:
    if isinstance(account, bool):
        return str(account)
    if isinstance(account, float) and account.is_integer():
        account = int(account)
    return str(account).strip()


COLUMNS = declare_columns(
    Column("compte", "Compte"),
    Column("libelle", "Libellé"),
    Column("sens", "Sens"),
    Column("classe", "Classe"),
    Column("rubrique", "Rubrique"),
    Column("nature", "Nature"),
    Column("montant_eur", "Montant (€)", "€"),
    Column("mission", "Mission (code)"),
)
"""Columns of a budget (:func:`make_budget`) and of its summaries."""
