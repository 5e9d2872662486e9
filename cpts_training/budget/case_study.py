"""Case study of the module: the fictional « CPTS de la Vallée de l'Aubrenne ».

Files in ``cpts_training/data/cas/`` (YAML, every figure invented for the course, each
file carrying ``fictional: true`` and a French ``warning``):

``contrat_aci.yaml``
    ACI contract (taille 2, signed 2024-04-01; accès aux soins and crises sanitaires
    graves from 2024-10-01, parcours and prévention from 2025-04-01) with the planned
    achievement rates per contract year (``taux_atteinte_prevus``) and those observed at
    the end of year 1 (``taux_atteinte_constates``).
``budget_previsionnel_2025.yaml`` / ``realise_2025.yaml``
    Budget lines (``compte``, ``libelle``, ``montant_eur``, and in the forecast the
    ``mission`` of each charge) and the declared totals
    (``totaux: {charges_eur, produits_eur}``), checked against the lines. A budget whose
    public subsidies (class 74) exceed 153 000 euros must carry a « commissaire aux
    comptes » line (C. com. L612-4, D612-5). The laptop bought in January 2025 is
    capitalised and only its depreciation (6811) is a charge.
``realise_30_juin_2025.yaml``
    Actuals at 30 June 2025, the share of each annual amount expected by then when it
    is not 6/12 (``part_prevue_au_30_juin``), the news of mid-year (FIR cut by 15 %,
    appel à projets refused) and the CA's constraint for the budget rectificatif.
``indemnites_professionnels_2025.yaml``
    Hours and hourly rates of the 15 professionals and their declared total.
``tresorerie_2025.yaml``
    Opening cash on 1 January, other receipts and the 12 monthly spending amounts (cash
    out: the laptop is paid at purchase, its depreciation is not a cash flow).

Every loader raises :class:`~cpts_training.errors.DataError` with a French message that
names the file, the entry and the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.budget._common import cents, require_amount, require_rate
from cpts_training.budget.aci import AciContract, AciMission, annual_funding
from cpts_training.budget.cash import cash_plan, receipts_table
from cpts_training.budget.forecast import (
    budget_summary,
    indemnity_line,
    indemnity_table,
    make_budget,
    public_subsidies_eur,
    statutory_auditor_required,
)
from cpts_training.errors import CPTSError, DataError
from cpts_training.formatting import format_euros
from cpts_training.readers import read_yaml

CASE_DIR = Path(__file__).resolve().parent.parent / "data" / "cas"
"""Folder of the case-study files."""

CONTRACT_FILE = "contrat_aci.yaml"
BUDGET_FILE = "budget_previsionnel_2025.yaml"
ACTUALS_FILE = "realise_2025.yaml"
PROFESSIONALS_FILE = "indemnites_professionnels_2025.yaml"
CASH_FILE = "tresorerie_2025.yaml"


@dataclass(frozen=True)
class CashInputs:
    """Inputs of the cash plan: year, opening balance, other receipts, monthly spending."""

    year: int
    opening_balance_eur: float
    other_receipts: pd.DataFrame
    monthly_spending_eur: tuple[float, ...]


@dataclass(frozen=True)
class CaseStudy:
    """Every table of the case study, validated."""

    name: str
    warning: str
    contract: AciContract
    planned_achievement: dict[int, dict[str, float]]
    observed_achievement: dict[int, dict[str, float]]
    budget: pd.DataFrame
    actuals: pd.DataFrame
    professionals: pd.DataFrame
    cash: CashInputs


def load_case_study(directory: Path | str | None = None) -> CaseStudy:
    """Load and validate every file of the case study.

    The contract file is read and its contract validated once, then shared by the
    contract and the two tables of achievement rates.
    """
    folder = Path(directory) if directory is not None else CASE_DIR
    contract_file = folder / CONTRACT_FILE
    raw = _read(contract_file)
    contract = _contract_from(raw, contract_file)
    return CaseStudy(
        name=str(raw.get("cpts", "")),
        warning=str(raw["warning"]).strip(),
        contract=contract,
        planned_achievement=_achievement_from(raw, contract_file, contract, "taux_atteinte_prevus"),
        observed_achievement=_achievement_from(
            raw, contract_file, contract, "taux_atteinte_constates"
        ),
        budget=load_budget_file(folder / BUDGET_FILE),
        actuals=load_budget_file(folder / ACTUALS_FILE),
        professionals=load_professionals(folder / PROFESSIONALS_FILE),
        cash=load_cash_inputs(folder / CASH_FILE),
    )


def load_contract(path: Path | str | None = None) -> AciContract:
    """ACI contract of the case (amounts as written in the file, i.e. the signed contract)."""
    file = Path(path) if path is not None else CASE_DIR / CONTRACT_FILE
    return _contract_from(_read(file), file)


def load_achievement(
    path: Path | str | None = None, key: str = "taux_atteinte_prevus"
) -> dict[int, dict[str, float]]:
    """Achievement rates by contract year, from ``key`` of the contract file."""
    file = Path(path) if path is not None else CASE_DIR / CONTRACT_FILE
    raw = _read(file)
    _require(raw, file, (key,))
    return _achievement_from(raw, file, _contract_from(raw, file), key)


def _contract_from(raw: Mapping[str, Any], file: Path) -> AciContract:
    """Validated contract built from the content ``raw`` of the contract ``file``."""
    _require(raw, file, ("taille", "date_signature", "fonctionnement_annuel_eur", "missions"))
    missions_raw = raw["missions"]
    if not isinstance(missions_raw, list):
        raise DataError(f"{file.name} : « missions » doit être une liste de missions.")
    missions = []
    for position, item in enumerate(missions_raw, start=1):
        where = f"{file.name}, mission n° {position}"
        if not isinstance(item, Mapping):
            raise DataError(f"{where} : écrivez la mission sous forme de clés et de valeurs.")
        _require(
            item,
            file,
            ("id", "libelle", "debut", "part_fixe_annuelle_eur", "part_variable_annuelle_eur"),
            where=where,
        )
        with _in_file(where):
            missions.append(
                AciMission(
                    id=item["id"],
                    label=item["libelle"],
                    start_date=item["debut"],
                    fixed_annual_eur=item["part_fixe_annuelle_eur"],
                    variable_annual_eur=item["part_variable_annuelle_eur"],
                    optional=bool(item.get("optionnelle", False)),
                )
            )
    with _in_file(file.name):
        return AciContract(
            size=raw["taille"],
            signature_date=raw["date_signature"],
            fonctionnement_annual_eur=raw["fonctionnement_annuel_eur"],
            missions=tuple(missions),
            name=str(raw.get("cpts", "")),
            amounts_note=str(raw["warning"]).strip(),
        )


def _achievement_from(
    raw: Mapping[str, Any], file: Path, contract: AciContract, key: str
) -> dict[int, dict[str, float]]:
    """Achievement rates of ``key`` in the content ``raw`` of the contract ``file``,
    checked against ``contract`` (years of the contract, its missions, rates in [0, 1])."""
    _require(raw, file, (key,))
    table = raw[key]
    if not isinstance(table, Mapping):
        raise DataError(
            f"{file.name} : « {key} » doit associer chaque année de contrat à des taux par "
            "mission (par exemple 1: {acces_aux_soins: 0.8})."
        )
    out: dict[int, dict[str, float]] = {}
    with _in_file(f"{file.name}, {key}"):
        for year, rates in table.items():
            checked = contract.require_year(int(year) if str(year).isdigit() else year)
            if not isinstance(rates, Mapping):
                raise DataError(f"{file.name}, {key}, année {year} : donnez un taux par mission.")
            annual_funding(contract, checked, dict(rates))  # validates ids and rates
            out[checked] = {str(k): float(v) for k, v in rates.items()}
    return out


def load_budget_file(path: Path | str | None = None) -> pd.DataFrame:
    """Budget lines of a file (forecast or actuals), validated, totals checked.

    A line may carry a ``mission`` (see :func:`~cpts_training.budget.forecast.
    valid_missions`): the budget then has a ``mission`` column (``""`` for the lines
    without one, such as the products of the forecast 2025).
    """
    file = Path(path) if path is not None else CASE_DIR / BUDGET_FILE
    raw = _read(file)
    _require(raw, file, ("lignes", "totaux"))
    lines = raw["lignes"]
    if not isinstance(lines, list) or not lines:
        raise DataError(f"{file.name} : « lignes » doit être une liste non vide de lignes.")
    for position, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping):
            raise DataError(
                f"{file.name}, ligne n° {position} de « lignes » : écrivez "
                '{compte: "623", libelle: "…", montant_eur: 4500}.'
            )
    with _in_file(file.name):
        budget = make_budget(
            [
                {
                    "compte": str(line.get("compte", "")),
                    "libelle": line.get("libelle"),
                    "montant_eur": line.get("montant_eur"),
                    **({"mission": line["mission"]} if "mission" in line else {}),
                }
                for line in lines
            ]
        )
    totals = raw["totaux"]
    if not isinstance(totals, Mapping) or not {"charges_eur", "produits_eur"} <= set(totals):
        raise DataError(f"{file.name} : « totaux » doit contenir charges_eur et produits_eur.")
    summary = budget_summary(budget)
    for key, computed, side in (
        ("charges_eur", summary.total_charges_eur, "charges"),
        ("produits_eur", summary.total_produits_eur, "produits"),
    ):
        declared = totals[key]
        if not isinstance(declared, int | float) or cents(declared) != computed:
            raise DataError(
                f"{file.name} : le total des {side} déclaré ({declared}) ne correspond pas à "
                f"la somme des lignes ({format_euros(computed, 2)}). Corrigez une ligne ou "
                "le total déclaré."
            )
    year = raw.get("exercice")
    at = f"{int(year)}-12-31" if isinstance(year, int) else "2025-12-31"
    has_auditor = budget["libelle"].str.contains("commissaire aux comptes", case=False).any()
    if statutory_auditor_required(budget, at) and not has_auditor:
        raise DataError(
            f"{file.name} : les subventions publiques (comptes 74) atteignent "
            f"{format_euros(public_subsidies_eur(budget), 2)}, au-delà du seuil de "
            "153 000 € par an (code de commerce, art. L612-4 et D612-5) : l'association doit "
            "nommer un commissaire aux comptes. Ajoutez une ligne « Commissaire aux comptes »."
        )
    return budget


MID_YEAR_FILE = "realise_30_juin_2025.yaml"
"""Actuals at 30 June 2025 and the news received at mid-year (budget rectificatif)."""


@dataclass(frozen=True)
class MidYearSituation:
    """The situation at mid-year: actuals to date and the news that changes the budget.

    - ``date``: the day of the situation (30 June 2025);
    - ``actuals``: a budget table (:func:`~cpts_training.budget.forecast.make_budget`)
      of the amounts booked from 1 January to ``date``;
    - ``seasonality``: account → share of the annual planned amount expected by
      ``date`` (a fraction 0–1), for the lines that are not spread evenly (the others:
      6/12);
    - ``resource_changes``: product account → new annual amount (euros) announced;
    - ``news``: the French text of each piece of news; ``constraint``: the CA's demand;
    - ``protected``: charge account → French reason it may not be reduced (the CA's
      constraint and the commitments already signed), or ``None`` for the default rule of
      :func:`~cpts_training.budget.revision.protection_reasons` (missions socles).
    """

    date: dt.date
    warning: str
    actuals: pd.DataFrame
    seasonality: dict[str, float]
    resource_changes: dict[str, float]
    news: tuple[str, ...]
    constraint: str
    protected: dict[str, str] | None = None


def load_mid_year_file(path: Path | str | None = None) -> MidYearSituation:
    """Actuals at mid-year, seasonality and news of a file (``realise_30_juin_2025.yaml``).

    The lines and totals are checked as in :func:`load_budget_file`; a line may give
    ``part_prevue_au_30_juin`` (fraction 0–1); ``nouvelles`` lists ``{compte,
    nouveau_montant_eur, motif}``. Raises :class:`DataError` naming the file and entry.
    """
    file = Path(path) if path is not None else CASE_DIR / MID_YEAR_FILE
    raw = _read(file)
    _require(raw, file, ("date_situation", "lignes", "totaux", "nouvelles", "contrainte"))
    actuals = load_budget_file(file)
    day = raw["date_situation"]
    if not isinstance(day, dt.date):
        raise DataError(f"{file.name} : date_situation doit être une date (2025-06-30).")
    seasonality: dict[str, float] = {}
    for position, line in enumerate(raw["lignes"], start=1):
        if "part_prevue_au_30_juin" not in line:
            continue
        with _in_file(f"{file.name}, ligne n° {position} de « lignes »"):
            share = require_rate(
                line["part_prevue_au_30_juin"], "La part prévue au 30 juin (part_prevue_au_30_juin)"
            )
        seasonality[str(line["compte"])] = share
    items = raw["nouvelles"]
    if not isinstance(items, list):
        raise DataError(f"{file.name} : « nouvelles » doit être une liste.")
    changes: dict[str, float] = {}
    news = []
    for position, item in enumerate(items, start=1):
        where = f"{file.name}, nouvelle n° {position}"
        if not isinstance(item, Mapping):
            raise DataError(f"{where} : écrivez {{compte, nouveau_montant_eur, motif}}.")
        _require(item, file, ("compte", "nouveau_montant_eur", "motif"), where=where)
        with _in_file(where):
            amount = require_amount(item["nouveau_montant_eur"], "Le nouveau montant")
        changes[str(item["compte"])] = cents(amount)
        news.append(" ".join(str(item["motif"]).split()))
    protected = raw.get("lignes_protegees")
    if protected is not None and not isinstance(protected, Mapping):
        raise DataError(f"{file.name} : « lignes_protegees » associe un compte à un motif.")
    return MidYearSituation(
        date=day,
        warning=str(raw["warning"]).strip(),
        actuals=actuals,
        seasonality=seasonality,
        resource_changes=changes,
        news=tuple(news),
        constraint=" ".join(str(raw["contrainte"]).split()),
        protected=None
        if protected is None
        else {str(k): " ".join(str(v).split()) for k, v in protected.items()},
    )


def load_professionals(path: Path | str | None = None) -> pd.DataFrame:
    """Professionals with their hours and hourly rates (declared total checked)."""
    file = Path(path) if path is not None else CASE_DIR / PROFESSIONALS_FILE
    raw = _read(file)
    _require(raw, file, ("exercice", "professionnels", "total_eur"))
    items = raw["professionnels"]
    if not isinstance(items, list) or not items:
        raise DataError(f"{file.name} : « professionnels » doit être une liste non vide.")
    table = pd.DataFrame(items)
    with _in_file(file.name):
        checked = indemnity_table(table, int(raw["exercice"]))
        indemnity_line(table, int(raw["exercice"]))  # fails when someone exceeds the cap
    total = cents(checked["montant_eur"].sum())
    if cents(raw["total_eur"]) != total:
        raise DataError(
            f"{file.name} : le total déclaré ({raw['total_eur']}) ne correspond pas à la somme "
            f"heures × taux horaire ({format_euros(total, 2)}). Corrigez une ligne ou le total."
        )
    return table[["professionnel", "profession", "heures", "taux_horaire_eur"]]


def load_cash_inputs(path: Path | str | None = None) -> CashInputs:
    """Opening balance, other receipts and monthly spending of the cash plan."""
    file = Path(path) if path is not None else CASE_DIR / CASH_FILE
    raw = _read(file)
    _require(
        raw,
        file,
        ("annee", "solde_ouverture_eur", "autres_encaissements", "decaissements_mensuels_eur"),
    )
    year = raw["annee"]
    opening_day = raw.get("date_solde_ouverture")
    if opening_day is not None and opening_day != dt.date(int(year), 1, 1):
        raise DataError(
            f"{file.name} : date_solde_ouverture doit être le 1er janvier {year} "
            "(le plan de trésorerie couvre l'année civile)."
        )
    spending = raw["decaissements_mensuels_eur"]
    if not isinstance(spending, list) or len(spending) != 12:
        raise DataError(
            f"{file.name} : decaissements_mensuels_eur doit contenir 12 montants, de janvier "
            "à décembre."
        )
    with _in_file(file.name):
        receipts = receipts_table(raw["autres_encaissements"])
        cash_plan(int(year), raw["solde_ouverture_eur"], spending, None, receipts)
    return CashInputs(
        year=int(year),
        opening_balance_eur=float(raw["solde_ouverture_eur"]),
        other_receipts=receipts,
        monthly_spending_eur=tuple(float(v) for v in spending),
    )


def _read(file: Path) -> dict[str, Any]:
    if not file.is_file():
        raise DataError(f"Fichier introuvable : {file}. Vérifiez le chemin du dossier de l'étude.")
    raw = read_yaml(file)
    if not isinstance(raw, dict):
        raise DataError(f"{file.name} : le fichier doit contenir des clés et des valeurs.")
    if raw.get("fictional") is True and not str(raw.get("warning", "")).strip():
        raise DataError(
            f"{file.name} : des données fictives doivent porter un avertissement (clé « warning »)."
        )
    if "fictional" not in raw:
        raise DataError(
            f"{file.name} : indiquez « fictional: true » (données inventées) ou "
            "« fictional: false » (données réelles, avec leur source)."
        )
    return raw


def _require(raw: Mapping[str, Any], file: Path, keys: tuple[str, ...], where: str = "") -> None:
    missing = [k for k in keys if k not in raw]
    if missing:
        raise DataError(
            f"{where or file.name} : clé(s) manquante(s) : {', '.join(missing)}. "
            "Ajoutez-les au fichier."
        )


@contextmanager
def _in_file(where: str) -> Iterator[None]:
    """Re-raise a trainee-input error as a DataError naming the file."""
    try:
        yield
    except DataError:
        raise
    except CPTSError as exc:
        raise DataError(f"{where} : {exc}") from exc


# --------------------------------------------------------------------------------------
# Cash plan 2026 built by the trainee (module B5.C07, « Planifier et gérer la trésorerie »)
# --------------------------------------------------------------------------------------

CASH_2026_FILE = "tresorerie_2026.yaml"


@dataclass(frozen=True)
class CashBuilderInputs:
    """Inputs of the cash plan the trainee builds (``tresorerie_2026.yaml``, invented).

    ``year``; ``opening_balance_eur`` (cash on 1 January, euros); ``other_receipts``
    (``date``, ``libelle``, ``montant_eur``); ``variable_delay_months`` (months between the
    anniversary and the payment of the ACI variable part); ``facility_rate`` (annual rate of
    a facilité de caisse, a fraction); ``reserves_eur`` (reserves kept apart, euros);
    ``investments`` (mappings ``libelle``, ``montant_eur``, ``mois``, ``compte``);
    ``warning`` (the French fictional-data warning).
    """

    year: int
    opening_balance_eur: float
    other_receipts: pd.DataFrame
    variable_delay_months: int
    facility_rate: float
    reserves_eur: float
    investments: tuple[dict[str, Any], ...]
    warning: str


def load_cash_builder_inputs(path: Path | str | None = None) -> CashBuilderInputs:
    """Inputs of the 2026 cash plan (default ``tresorerie_2026.yaml``), validated.

    Raises:
        DataError: missing file or key, wrong value (French, naming the file).
    """
    from cpts_training.budget._common import require_amount, require_rate, require_whole
    from cpts_training.budget.cash_builder import require_investments

    file = Path(path) if path is not None else CASE_DIR / CASH_2026_FILE
    raw = _read(file)
    keys = (
        "annee",
        "solde_ouverture_eur",
        "autres_encaissements",
        "decalage_part_variable_mois",
        "taux_facilite_caisse",
        "reserves_disponibles_eur",
    )
    _require(raw, file, keys)
    with _in_file(file.name):
        year = require_whole(raw["annee"], "annee", minimum=1900, maximum=2200)
        opening_day = raw.get("date_solde_ouverture")
        if opening_day is not None and opening_day != dt.date(year, 1, 1):
            raise DataError(
                f"{file.name} : date_solde_ouverture doit être le 1er janvier {year} "
                "(le plan de trésorerie couvre l'année civile)."
            )
        receipts = receipts_table(raw["autres_encaissements"])
        items = raw.get("investissements") or []
        if not isinstance(items, list):
            raise DataError(f"{file.name} : « investissements » doit être une liste (ou []).")
        require_investments(items)
        opening = raw["solde_ouverture_eur"]
        if isinstance(opening, bool) or not isinstance(opening, int | float):
            raise DataError(f"{file.name} : solde_ouverture_eur doit être un montant en euros.")
        return CashBuilderInputs(
            year=year,
            opening_balance_eur=float(opening),
            other_receipts=receipts,
            variable_delay_months=require_whole(
                raw["decalage_part_variable_mois"], "decalage_part_variable_mois", minimum=0
            ),
            facility_rate=require_rate(raw["taux_facilite_caisse"], "taux_facilite_caisse"),
            reserves_eur=require_amount(
                raw["reserves_disponibles_eur"], "reserves_disponibles_eur"
            ),
            investments=tuple(dict(i) for i in items),
            warning=str(raw["warning"]).strip(),
        )


from cpts_training.budget.builder import BudgetHypotheses, read_budget_brief  # noqa: E402

BRIEF_FILE = "besoins_2026.yaml"


def load_budget_brief(path: Path | str | None = None) -> BudgetHypotheses:
    """Hypotheses of the case's budget 2026 (``besoins_2026.yaml``, fictional), with the
    ACI line of 2026 (account 741) made from the case's contract and its planned
    achievement rates (:func:`~cpts_training.budget.builder.aci_resource`: 3/12 of
    contract year 2 + 9/12 of contract year 3). Raises :class:`DataError` naming the
    file, the entry and the fix (see :func:`~cpts_training.budget.builder.
    read_budget_brief`)."""
    contract_file = CASE_DIR / CONTRACT_FILE
    raw = _read(contract_file)
    contract = _contract_from(raw, contract_file)
    achievement = _achievement_from(raw, contract_file, contract, "taux_atteinte_prevus")
    file = Path(path) if path is not None else CASE_DIR / BRIEF_FILE
    _read(file)  # checks fictional and warning
    return read_budget_brief(file, contract, achievement)
