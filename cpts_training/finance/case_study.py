"""Trial balances of the fictional « CPTS de la Vallée de l'Aubrenne ».

Files ``cpts_training/data/cas/balance_generale_<year>.yaml`` (every figure invented for
the course; ``fictional: true`` and a French ``warning``), for 2023 (préfiguration, under
the chart of accounts before ANC 2022-06: account 791, résultat 0 €), 2024 (first year
with the ACI, signed on 1 April 2024) and 2025 (charges and produits of ``realise_2025.yaml``,
résultat 14 689 €). Each file holds ``cpts``, ``exercice``, ``date_cloture``, the
accounts (``comptes``: ``compte``, ``libelle``, ``debit``, ``credit``) and the declared
totals (``totaux: {debit, credit}``), checked against the accounts.

Every loader raises :class:`~cpts_training.errors.DataError` with a French message that
names the file, the entry and the fix.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cpts_training.errors import DataError, InputError
from cpts_training.finance.trial_balance import TOLERANCE_EUR, require_trial_balance
from cpts_training.formatting import format_euros
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml

CASE_DIR = Path(__file__).resolve().parent.parent / "data" / "cas"
"""Folder of the case-study files."""

CASE_YEARS = (2023, 2024, 2025)
"""Financial years whose trial balance the case study holds."""


OTHER_CPTS = {"coteaux": (2025,)}
"""Other fictional CPTS (used by the assessments) and the years of their trial balance."""


def trial_balance_file(year: int, cpts: str | None = None) -> Path:
    """Path of the case study's trial balance of ``year`` (of the other fictional CPTS
    ``cpts``, a key of :data:`OTHER_CPTS`, when given)."""
    if cpts is not None:
        return CASE_DIR / f"balance_generale_{cpts}_{year}.yaml"
    return CASE_DIR / f"balance_generale_{year}.yaml"


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    compte: str = Field(pattern=r"^\d+$")
    libelle: str
    debit: float = Field(ge=0)
    credit: float = Field(ge=0)


class _Totals(BaseModel):
    model_config = ConfigDict(extra="forbid")

    debit: float = Field(ge=0)
    credit: float = Field(ge=0)


class _AnnexItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rubrique: str = Field(min_length=1)
    valeur: float
    unite: str
    precision: str = ""


class _TrialBalanceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fictional: Literal[True]
    warning: str = Field(min_length=1)
    cpts: str = Field(min_length=1)
    exercice: int
    date_cloture: dt.date
    comptes: list[_Line] = Field(min_length=1)
    annexe: list[_AnnexItem] = Field(default_factory=list)
    totaux: _Totals


_PLACES = ErrorPlaces(
    model=_TrialBalanceFile,
    item_nouns={"comptes": "compte", "annexe": "information de l'annexe"},
    field_hints={"fictional": "true", "totaux": "{debit: …, credit: …}"},
)


def load_trial_balance(
    year: int, path: Path | str | None = None, *, cpts: str | None = None
) -> pd.DataFrame:
    """Trial balance of the case study for the financial year ``year`` (one of :data:`CASE_YEARS`),
    validated (columns ``compte``, ``libelle``, ``debit``, ``credit``; euros).

    ``path`` reads another file of the same format (a trainee's own, or a test copy);
    ``cpts`` reads the balance of another fictional CPTS (:data:`OTHER_CPTS`: ``"coteaux"``
    for 2025, the « CPTS des Coteaux » of evaluation 03).

    Raises:
        InputError: ``year`` is not one of :data:`CASE_YEARS` (without ``path``).
        DataError: invalid file: schema, ``exercice`` ≠ ``year``, declared totals that
            differ from the accounts, or an invalid balance (French message naming the
            file and the fix).
    """
    if path is None and cpts is not None:
        if cpts not in OTHER_CPTS or year not in OTHER_CPTS[cpts]:
            known = ", ".join(f"« {n} » ({', '.join(map(str, y))})" for n, y in OTHER_CPTS.items())
            raise InputError(
                f"Pas de balance générale {year} pour la CPTS « {cpts} » dans l'étude de cas : "
                f"balances disponibles {known}."
            )
        path = trial_balance_file(year, cpts)
    if path is None and year not in CASE_YEARS:
        raise InputError(
            f"Pas de balance générale {year} dans l'étude de cas : exercices disponibles "
            f"{', '.join(map(str, CASE_YEARS))}."
        )
    file = Path(path) if path is not None else trial_balance_file(year)
    label = f"Fichier {file.name}"
    raw = read_yaml(file, label)
    try:
        parsed = _TrialBalanceFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(explain_validation_error(exc, raw, label, _PLACES)) from None
    if parsed.exercice != year:
        raise DataError(
            f"{label} : « exercice » vaut {parsed.exercice} alors que l'exercice demandé est "
            f"{year}. Corrigez l'exercice ou ouvrez le fichier de {year}."
        )
    if parsed.date_cloture.year != year:
        raise DataError(
            f"{label} : la date de clôture {parsed.date_cloture:%d/%m/%Y} n'est pas dans "
            f"l'exercice {year}. Corrigez « date_cloture »."
        )
    table = pd.DataFrame([line.model_dump() for line in parsed.comptes])
    for column in ("debit", "credit"):
        total = math.fsum(table[column])
        declared = getattr(parsed.totaux, column)
        if abs(total - declared) > TOLERANCE_EUR:
            raise DataError(
                f"{label} : la somme de la colonne {column} des comptes "
                f"({format_euros(total, 2)}) ne correspond pas au total déclaré "
                f"totaux.{column} ({format_euros(declared, 2)}). Corrigez un compte ou le total."
            )
    try:
        return require_trial_balance(table, year, source=f"{label}, comptes")
    except InputError as exc:
        raise DataError(str(exc)) from None


def case_warning(year: int) -> str:
    """The French warning of the case study's trial balance of ``year`` (fictional data)."""
    raw = read_yaml(trial_balance_file(year), f"Fichier {trial_balance_file(year).name}")
    return str(raw["warning"]).strip()


ANNEX_COLUMNS = ("rubrique", "valeur", "unite", "precision")
"""Columns of :func:`load_annex`."""


def load_annex(year: int) -> pd.DataFrame:
    """The annexe figures of the case study's accounts of ``year`` (one of
    :data:`CASE_YEARS`): what the trial balance does not show (average staff in ETP,
    members, volunteer hours, public subsidies received against the 153 000 € threshold of
    the commissaire aux comptes, fonds dédiés, off-balance-sheet commitments). One row per
    figure, columns :data:`ANNEX_COLUMNS` (``valeur`` in ``unite``: euros, ETP, hours,
    members). The content of an association's annexe is set by ANC 2018-06.

    Raises:
        InputError: ``year`` is not one of :data:`CASE_YEARS`.
        DataError: invalid file (French message naming the file and the entry).
    """
    if year not in CASE_YEARS:
        raise InputError(
            f"Pas d'annexe {year} dans l'étude de cas : exercices disponibles "
            f"{', '.join(map(str, CASE_YEARS))}."
        )
    file = trial_balance_file(year)
    label = f"Fichier {file.name}"
    raw = read_yaml(file, label)
    try:
        parsed = _TrialBalanceFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(explain_validation_error(exc, raw, label, _PLACES)) from None
    return pd.DataFrame([item.model_dump() for item in parsed.annexe], columns=list(ANNEX_COLUMNS))
