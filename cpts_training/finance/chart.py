"""Account → rubric mapping of the compte de résultat and the bilan, stored as data.

The mapping lives in ``cpts_training/data/finance/plan_de_comptes.yaml``: one entry per
account prefix, the longest prefix in force for the financial year wins (``106``
« Réserves » before ``10`` « Fonds propres »; ``28183`` is read by ``28``). An entry may
hold only from (``depuis``) or until (``jusqu_au``) a date: the ANC 2022-06 reform
(financial years from 1 January 2025) removed account 79 and moved 675/775/777 to
657/757/747.

Each entry says:

- ``etat: resultat``: a charge (class 6) or a produit (class 7) of a ``section``
  (``exploitation``, ``financier``, ``exceptionnel``, ``impot``);
- ``etat: bilan``: a ``cote`` (``actif``, ``passif`` or ``selon_solde``: actif when the
  balance is a debit, passif when it is a credit, with the label ``poste_crediteur``),
  the ``poste`` of the bilan and the ``masse`` of the bilan financier
  (``immobilisations``, ``financement_investissement``, ``financement_exploitation``,
  ``bfr``, ``tresorerie``).

Sources: ANC 2018-06 (plan comptable des associations), ANC 2022-06, PCG (ANC 2014-03);
the FRI/FRE split follows the bilan financier of the ESSMS (UNCCAS guide M22). Entries not
checked against a source carry ``verified: false``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cpts_training.errors import DataError, InputError
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml

CHART_FILE = Path(__file__).resolve().parent.parent / "data" / "finance" / "plan_de_comptes.yaml"
"""The account → rubric mapping (YAML)."""

ETATS = ("resultat", "bilan")
SECTIONS = ("exploitation", "financier", "exceptionnel", "impot")
COTES = ("actif", "passif", "selon_solde")
MASSES = (
    "immobilisations",
    "financement_investissement",
    "financement_exploitation",
    "bfr",
    "tresorerie",
)
"""Masses of the bilan financier (see :mod:`cpts_training.finance.analysis`)."""

SECTION_LABELS = {
    "exploitation": "d'exploitation",
    "financier": "financiers",
    "exceptionnel": "exceptionnels",
    "impot": "impôts sur les bénéfices",
}


class ChartEntry(BaseModel):
    """One prefix of the chart of accounts and its rubric."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prefixe: str = Field(pattern=r"^[1-7]\d*$")
    libelle: str = Field(min_length=1)
    etat: Literal["resultat", "bilan"]
    section: Literal["exploitation", "financier", "exceptionnel", "impot"] | None = None
    cote: Literal["actif", "passif", "selon_solde"] | None = None
    poste: str | None = None
    poste_crediteur: str | None = None
    masse: (
        Literal[
            "immobilisations",
            "financement_investissement",
            "financement_exploitation",
            "bfr",
            "tresorerie",
        ]
        | None
    ) = None
    depuis: dt.date | None = None
    jusqu_au: dt.date | None = None
    verified: bool

    @field_validator("poste_crediteur")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if value else value

    def in_force(self, year: int) -> bool:
        """True when the entry applies to the financial year ``year`` (civil year)."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return (self.depuis is None or self.depuis <= start) and (
            self.jusqu_au is None or self.jusqu_au >= end
        )


class _Reference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1)
    url: str | None = None
    title: str | None = None


class _Metadata(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: list[_Reference] = Field(min_length=1)
    verified: bool
    note: str = ""


class _ChartFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1)
    metadata: _Metadata
    comptes: list[ChartEntry] = Field(min_length=1)


_PLACES = ErrorPlaces(model=_ChartFile, item_nouns={"comptes": "compte", "reference": "source"})


@dataclass(frozen=True)
class AccountRubric:
    """Where one account goes, for one financial year.

    ``classe`` is the account's first digit; ``nature`` the two-digit account (``"64"``)
    for classes 6 and 7. ``cote`` is ``actif``/``passif``/``selon_solde`` for the bilan,
    ``charge``/``produit`` for the compte de résultat.
    """

    compte: str
    prefixe: str
    libelle: str
    etat: str
    classe: str
    nature: str
    section: str | None
    cote: str
    poste: str | None
    poste_crediteur: str | None
    masse: str | None
    verified: bool


def _entry_errors(entry: ChartEntry) -> str | None:
    if entry.etat == "resultat":
        if entry.prefixe[0] not in "67" or entry.section is None:
            return "un compte du résultat commence par 6 ou 7 et a une « section »"
    elif entry.prefixe[0] not in "12345" or not (entry.cote and entry.poste and entry.masse):
        return "un compte du bilan commence par 1 à 5 et a « cote », « poste » et « masse »"
    elif entry.cote == "selon_solde" and not entry.poste_crediteur:
        return "un compte « selon_solde » doit aussi avoir « poste_crediteur »"
    return None


@cache
def load_chart(path: Path | str | None = None) -> tuple[ChartEntry, ...]:
    """Entries of the chart of accounts, validated.

    Raises :class:`DataError` (French) naming the file and the entry when the file is
    invalid (unknown key, prefix not made of digits 1–7…, missing field, duplicated
    prefix over the same period).
    """
    file = Path(path) if path is not None else CHART_FILE
    label = f"Plan de comptes {file.name}"
    raw = read_yaml(file, label)
    try:
        parsed = _ChartFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(explain_validation_error(exc, raw, label, _PLACES)) from None
    for number, ref in enumerate(parsed.metadata.reference, start=1):
        if not (ref.url or ref.title):
            raise DataError(
                f"{label} : metadata.reference, source n° {number} ({ref.label}) : indiquez une "
                "« url » ou un « title » pour que la source soit traçable."
            )
    seen: dict[tuple[str, object, object], int] = {}
    for number, entry in enumerate(parsed.comptes, start=1):
        problem = _entry_errors(entry)
        if problem:
            raise DataError(
                f"{label}, compte n° {number} (préfixe {entry.prefixe}) : {problem}. "
                "Complétez l'entrée sur le modèle des autres."
            )
        key = (entry.prefixe, entry.depuis, entry.jusqu_au)
        if key in seen:
            raise DataError(
                f"{label}, compte n° {number} : le préfixe {entry.prefixe} figure déjà au "
                f"compte n° {seen[key]} pour la même période. Supprimez l'un des deux."
            )
        seen[key] = number
    return tuple(parsed.comptes)


@cache
def entries_in_force(year: int) -> tuple[ChartEntry, ...]:
    """Entries of the chart that apply to the financial year ``year``."""
    return tuple(e for e in load_chart() if e.in_force(year))


def rubric_of(account: str, year: int) -> AccountRubric:
    """Rubric of ``account`` (digits, e.g. ``"64111"``) for the financial year ``year``.

    The longest prefix in force wins. Raises :class:`InputError` (French) naming the
    account when no prefix of the chart covers it for that year.
    """
    return _rubric_of(str(account).strip(), int(year))


@cache
def _rubric_of(text: str, year: int) -> AccountRubric:
    account = text
    candidates = [e for e in entries_in_force(year) if text.startswith(e.prefixe)]
    if not text.isdigit() or not candidates:
        raise InputError(
            f"Compte « {account} » inconnu du plan comptable des associations pour "
            f"l'exercice {year} : aucune rubrique ne commence comme ce numéro. Vérifiez le "
            "numéro (classes 1 à 7, par exemple 512 pour la banque ou 6411 pour les salaires)."
        )
    entry = max(candidates, key=lambda e: len(e.prefixe))
    if entry.etat == "resultat":
        cote = "charge" if text.startswith("6") else "produit"
    else:
        cote = str(entry.cote)
    return AccountRubric(
        compte=text,
        prefixe=entry.prefixe,
        libelle=entry.libelle,
        etat=entry.etat,
        classe=text[0],
        nature=text[:2] if entry.etat == "resultat" else text[:1],
        section=entry.section,
        cote=cote,
        poste=entry.poste,
        poste_crediteur=entry.poste_crediteur,
        masse=entry.masse,
        verified=entry.verified,
    )


def chart_table(year: int) -> pd.DataFrame:
    """The mapping in force for ``year`` as a table (one row per prefix), for display.

    Columns: ``prefixe``, ``libelle``, ``etat``, ``section``, ``cote``, ``poste``,
    ``poste_crediteur``, ``masse``, ``verifie``.
    """
    rows = [
        e.model_dump(include={"prefixe", "libelle", "etat", "section", "cote", "poste"})
        | {"poste_crediteur": e.poste_crediteur, "masse": e.masse, "verifie": e.verified}
        for e in entries_in_force(year)
    ]
    return pd.DataFrame(rows).sort_values("prefixe", kind="stable").reset_index(drop=True)
