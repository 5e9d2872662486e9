"""EPRD and ERRD of a partner ESSMS under CPOM: CRPP by groupe fonctionnel, CAF, tableau
de financement prévisionnel (TFP), plan global de financement pluriannuel (PGFP) and the
variances between the forecast (EPRD) and the outturn (ERRD).

A CPTS is not an ESSMS: it has no CPOM nor EPRD of its own. Its partners (EHPAD, SSIAD,
services for disabled people) do, and the coordinator must be able to read them.

The chain (guide M22 of the UNCCAS; gerontim.com « Bilan financier en EHPAD »):
comptes de résultat (CRPP, CRPA) → résultat → CAF → TFP → apport (+) or prélèvement (−)
sur fonds de roulement (= ΔFRNG) → PGFP over 6 years → bilan financier (FRNG, BFR,
trésorerie = FRNG − BFR).

:func:`eprd_with_measures` changes a filed EPRD by the mesures nouvelles a trainee decides
(amounts added to each groupe fonctionnel, new investments with their subsidy and
dotation, new loans); :func:`forecast_balance` gives FRNG, BFR and trésorerie at 31/12 of
N with the trésorerie in days, :func:`eprd_alerts` the factual alerts of a PGFP.

Data:

- ``cpts_training/data/finance/groupes_fonctionnels.yaml``: account prefix → groupe
  fonctionnel (I, II, III) of the charges (class 6) and produits (class 7), the longest
  prefix wins; every entry ``verified: false`` (from memory, to check against the arrêté
  of 22 October 2003 as amended and the CNSA's cadres normalisés);
- ``cpts_training/data/cas/ssiad_eprd_2025.yaml`` and ``ssiad_errd_2025.yaml``: the
  fictional « SSIAD du Causse » (every figure invented).

Deadlines (nexem.fr; guide M22): EPRD within 30 days of the tariff notification and by
30 June N at the latest; ERRD by 30 April N+1. Texts: décret 2016-1815 du 21/12/2016;
CASF R314-210 and following; arrêté du 3 mars 2017 (cahier des charges CPOM);
instruction DGCS/SD5C/2017/96 du 21/03/2017.

Money is in euros; rates are fractions (0.02 for 2 %).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cpts_training.errors import DataError, InputError
from cpts_training.finance.analysis import (
    DAYS_PER_YEAR,
    Caf,
    FinancingTable,
    caf_of_terms,
)
from cpts_training.finance.trial_balance import TOLERANCE_EUR
from cpts_training.formatting import format_euros
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml

GROUPS_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "finance" / "groupes_fonctionnels.yaml"
)
"""The account → groupe fonctionnel mapping (YAML)."""

CASE_DIR = Path(__file__).resolve().parent.parent / "data" / "cas"
"""Folder of the case-study files."""

GROUPS = ("I", "II", "III")
"""Groupes fonctionnels, in order."""

NATURES = ("charge", "produit")

PGFP_YEARS = 6
"""Years of the PGFP, the EPRD's year included (N to N+5)."""

DISPOSAL_ACCOUNTS = ("657", "675", "757", "775")
"""Valeur comptable des actifs cédés and produits des cessions (ANC 2022-06 and before):
one-off, kept in the EPRD's year only by :func:`pgfp`."""

SOURCE_GROUPS = (
    "Groupes fonctionnels : notes de recherche de la formation (de mémoire, non vérifié ; "
    "à contrôler dans l'arrêté du 22 octobre 2003 modifié et les cadres normalisés de la CNSA)"
)


# --------------------------------------------------------------------------------------
# Groupes fonctionnels (data)
# --------------------------------------------------------------------------------------


class _GroupEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prefixe: str = Field(pattern=r"^[67]\d*$")
    nature: Literal["charge", "produit"]
    groupe: Literal["I", "II", "III"]
    libelle: str = Field(min_length=1)
    verified: bool


class _GroupName(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    groupe: Literal["I", "II", "III"]
    charges: str = Field(min_length=1)
    produits: str = Field(min_length=1)


class _GroupsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    metadata: dict[str, Any]
    groupes: list[_GroupName] = Field(min_length=3, max_length=3)
    comptes: list[_GroupEntry] = Field(min_length=1)


_GROUP_PLACES = ErrorPlaces(
    model=_GroupsFile, item_nouns={"comptes": "compte", "groupes": "groupe"}
)


@dataclass(frozen=True)
class FunctionalGroups:
    """The groupes fonctionnels: ``comptes`` (columns ``prefixe``, ``nature``
    (``charge``/``produit``), ``groupe``, ``libelle``, ``verified``) and the French
    ``names`` of each group: ``{(nature, groupe): intitulé}``."""

    comptes: pd.DataFrame
    names: dict[tuple[str, str], str]
    verified: bool

    def group_of(self, compte: str, nature: str) -> str | None:
        """Groupe of ``compte`` for ``nature`` (longest prefix), ``None`` when unmapped."""
        rows = self.comptes[self.comptes["nature"] == nature]
        best: tuple[int, str] | None = None
        for prefix, group in zip(rows["prefixe"], rows["groupe"], strict=True):
            if compte.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), group)
        return None if best is None else best[1]


def load_functional_groups(path: Path | str | None = None) -> FunctionalGroups:
    """The account → groupe fonctionnel mapping (default
    ``data/finance/groupes_fonctionnels.yaml``; ``path`` reads another file).

    Raises :class:`~cpts_training.errors.DataError` (French): invalid schema, a prefix
    listed twice (an account in two groups), a charge outside class 6 or a produit outside
    class 7.
    """
    if path is None:
        return _default_groups()
    return _load_groups(Path(path))


@cache
def _default_groups() -> FunctionalGroups:
    return _load_groups(GROUPS_FILE)


def _load_groups(file: Path) -> FunctionalGroups:
    label = f"Fichier {file.name}"
    raw = read_yaml(file, label)
    try:
        parsed = _GroupsFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(explain_validation_error(exc, raw, label, _GROUP_PLACES)) from None
    seen: dict[str, str] = {}
    for entry in parsed.comptes:
        if entry.prefixe in seen:
            raise DataError(
                f"{label} : le préfixe {entry.prefixe} est classé deux fois (groupes "
                f"{seen[entry.prefixe]} et {entry.groupe}). Un compte appartient à un seul "
                "groupe fonctionnel : supprimez l'une des deux lignes."
            )
        seen[entry.prefixe] = entry.groupe
        expected = "6" if entry.nature == "charge" else "7"
        if not entry.prefixe.startswith(expected):
            raise DataError(
                f"{label} : le préfixe {entry.prefixe} est une « {entry.nature} » mais les "
                f"{entry.nature}s sont en classe {expected}. Corrigez le préfixe ou la nature."
            )
    if sorted(g.groupe for g in parsed.groupes) != list(GROUPS):
        raise DataError(
            f"{label} : « groupes » doit nommer une fois chacun des groupes I, II et III."
        )
    names: dict[tuple[str, str], str] = {}
    for name in parsed.groupes:
        names[("charge", name.groupe)] = name.charges
        names[("produit", name.groupe)] = name.produits
    comptes = pd.DataFrame([entry.model_dump() for entry in parsed.comptes])
    return FunctionalGroups(
        comptes=comptes,
        names=names,
        verified=bool(parsed.metadata.get("verified", False)),
    )


def functional_groups_table() -> pd.DataFrame:
    """French table of the mapping: ``nature``, ``groupe``, ``intitule``, ``prefixe``,
    ``libelle``, ``verified`` (sorted by nature, groupe and prefix)."""
    groups = load_functional_groups()
    table = groups.comptes.copy()
    table["intitule"] = [
        groups.names[(n, g)] for n, g in zip(table["nature"], table["groupe"], strict=True)
    ]
    table["_rank"] = table["groupe"].map(GROUPS.index)
    table = table.sort_values(["nature", "_rank", "prefixe"]).drop(columns="_rank")
    return table[["nature", "groupe", "intitule", "prefixe", "libelle", "verified"]].reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------
# EPRD / ERRD files
# --------------------------------------------------------------------------------------


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    groupe: str
    compte: str = Field(pattern=r"^\d+$")
    libelle: str = Field(min_length=1)
    montant_eur: float = Field(ge=0, allow_inf_nan=False)


class _Crpp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    charges: list[_Line] = Field(min_length=1)
    produits: list[_Line] = Field(min_length=1)


class _Investment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    annee: int
    libelle: str = Field(min_length=1)
    montant_eur: float = Field(ge=0, allow_inf_nan=False)
    subvention_eur: float = Field(default=0.0, ge=0, allow_inf_nan=False)


class _LoanYear(BaseModel):
    model_config = ConfigDict(extra="forbid")

    annee: int
    nouveaux_eur: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    remboursement_capital_eur: float = Field(default=0.0, ge=0, allow_inf_nan=False)


class _Loans(BaseModel):
    model_config = ConfigDict(extra="forbid")

    encours_ouverture_eur: float = Field(ge=0, allow_inf_nan=False)
    par_annee: list[_LoanYear] = Field(min_length=1)


class _Opening(BaseModel):
    model_config = ConfigDict(extra="forbid")

    frng_eur: float = Field(allow_inf_nan=False)
    bfr_eur: float = Field(allow_inf_nan=False)
    tresorerie_eur: float = Field(allow_inf_nan=False)


class _Hypotheses(BaseModel):
    model_config = ConfigDict(extra="forbid")

    taux_evolution_charges: dict[str, float]
    taux_evolution_produits: dict[str, float]
    taux_evolution_bfr: float = Field(default=0.0, gt=-1, allow_inf_nan=False)


class _BudgetFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fictional: bool = False
    warning: str | None = None
    etat: Literal["EPRD", "ERRD"]
    etablissement: str = Field(min_length=1)
    exercice: int
    crpp: _Crpp
    investissements: list[_Investment] = Field(default_factory=list)
    emprunts: _Loans
    bilan_ouverture: _Opening
    hypotheses_pgfp: _Hypotheses | None = None
    bfr_cloture_eur: float | None = Field(default=None, allow_inf_nan=False)


_PLACES = ErrorPlaces(
    model=_BudgetFile,
    item_nouns={
        "charges": "ligne de charges",
        "produits": "ligne de produits",
        "investissements": "investissement",
        "par_annee": "année d'emprunt",
    },
    field_hints={
        "etat": "EPRD ou ERRD",
        "exercice": "l'année, par exemple 2025",
        "bilan_ouverture": "{frng_eur: …, bfr_eur: …, tresorerie_eur: …}",
    },
)

LINE_COLUMNS = ("nature", "groupe", "compte", "libelle", "montant_eur")


@dataclass(frozen=True)
class Eprd:
    """État prévisionnel des recettes et des dépenses of one ESSMS for ``exercice``.

    - ``lignes``: the CRPP, columns :data:`LINE_COLUMNS` (``nature`` ``charge`` or
      ``produit``, ``groupe`` I/II/III, ``montant_eur`` ≥ 0);
    - ``investissements``: ``annee``, ``libelle``, ``montant_eur``, ``subvention_eur``
      (subvention d'investissement received for it);
    - ``emprunts``: ``annee``, ``nouveaux_eur``, ``remboursement_capital_eur``, one row
      per year; ``encours_ouverture_eur`` = capital owed at 31/12 of N−1;
    - opening bilan financier at 31/12 of N−1: ``frng_ouverture_eur``,
      ``bfr_ouverture_eur``, ``tresorerie_ouverture_eur`` (= FRNG − BFR);
    - PGFP hypotheses: yearly growth rates by group (``taux_charges``, ``taux_produits``:
      ``{groupe: rate}``) and of the BFR (``taux_bfr``), ``None`` when not given;
    - ``lignes_fixes``: CRPP lines of given years that the PGFP does not grow (columns
      ``annee`` then :data:`LINE_COLUMNS`; the dotations of new investments added by
      :func:`eprd_with_measures`), ``None`` for a filed EPRD. The lines of year N count in
      the CRPP, résultat, CAF and TFP of the EPRD (see :func:`crpp_lines`).
    """

    etablissement: str
    exercice: int
    lignes: pd.DataFrame
    investissements: pd.DataFrame
    emprunts: pd.DataFrame
    encours_ouverture_eur: float
    frng_ouverture_eur: float
    bfr_ouverture_eur: float
    tresorerie_ouverture_eur: float
    taux_charges: dict[str, float] | None = None
    taux_produits: dict[str, float] | None = None
    taux_bfr: float = 0.0
    warning: str | None = None
    lignes_fixes: pd.DataFrame | None = None

    @property
    def bfr_fin_eur(self) -> float:
        """BFR forecast at 31/12 of N: opening BFR × (1 + ``taux_bfr``)."""
        return self.bfr_ouverture_eur * (1 + self.taux_bfr)


@dataclass(frozen=True)
class Errd:
    """État réalisé des recettes et des dépenses: same content as :class:`Eprd`, in
    outturn, with the BFR at 31/12 of N (``bfr_cloture_eur``) instead of hypotheses."""

    etablissement: str
    exercice: int
    lignes: pd.DataFrame
    investissements: pd.DataFrame
    emprunts: pd.DataFrame
    encours_ouverture_eur: float
    frng_ouverture_eur: float
    bfr_ouverture_eur: float
    tresorerie_ouverture_eur: float
    bfr_cloture_eur: float
    warning: str | None = None

    @property
    def bfr_fin_eur(self) -> float:
        """BFR at 31/12 of N."""
        return self.bfr_cloture_eur


Budget = Eprd | Errd


def eprd_file(year: int) -> Path:
    """Path of the case study's EPRD of ``year`` (the fictional « SSIAD du Causse »)."""
    return CASE_DIR / f"ssiad_eprd_{year}.yaml"


def errd_file(year: int) -> Path:
    """Path of the case study's ERRD of ``year``."""
    return CASE_DIR / f"ssiad_errd_{year}.yaml"


def load_eprd(year: int = 2025, path: Path | str | None = None) -> Eprd:
    """EPRD of the case study (``ssiad_eprd_<year>.yaml``) or of the file ``path``.

    Raises :class:`~cpts_training.errors.DataError` (French, naming the file, the line
    and the fix): missing file, invalid schema or amount (negative...), unknown groupe,
    an account in two groups or in a groupe other than its own, a year of the loans or
    investments missing or before the EPRD's year, an opening bilan where trésorerie ≠
    FRNG − BFR, or ``exercice`` ≠ ``year``.
    """
    file = Path(path) if path is not None else eprd_file(year)
    raw = read_yaml(file, f"Fichier {file.name}")
    result = eprd_from_dict(raw, label=f"Fichier {file.name}")
    _check_year(result.exercice, year, f"Fichier {file.name}")
    return result


def load_errd(year: int = 2025, path: Path | str | None = None) -> Errd:
    """ERRD of the case study (``ssiad_errd_<year>.yaml``) or of the file ``path``.

    Same checks as :func:`load_eprd`; ``bfr_cloture_eur`` is required.
    """
    file = Path(path) if path is not None else errd_file(year)
    raw = read_yaml(file, f"Fichier {file.name}")
    result = errd_from_dict(raw, label=f"Fichier {file.name}")
    _check_year(result.exercice, year, f"Fichier {file.name}")
    return result


def _check_year(found: int, wanted: int, label: str) -> None:
    if found != wanted:
        raise DataError(
            f"{label} : « exercice » vaut {found} alors que l'exercice demandé est {wanted}. "
            f"Corrigez l'exercice ou ouvrez le fichier de {wanted}."
        )


def eprd_from_dict(raw: Any, *, label: str = "EPRD") -> Eprd:
    """An :class:`Eprd` from the content of a case file (same checks as
    :func:`load_eprd`; ``etat`` must be ``EPRD``)."""
    parsed, frames = _parse(raw, label, "EPRD")
    hyp = parsed.hypotheses_pgfp
    return Eprd(
        **frames,
        taux_charges=None if hyp is None else _rates(hyp.taux_evolution_charges, label, "charges"),
        taux_produits=(
            None if hyp is None else _rates(hyp.taux_evolution_produits, label, "produits")
        ),
        taux_bfr=0.0 if hyp is None else hyp.taux_evolution_bfr,
    )


def errd_from_dict(raw: Any, *, label: str = "ERRD") -> Errd:
    """An :class:`Errd` from the content of a case file (``etat`` must be ``ERRD`` and
    ``bfr_cloture_eur`` given)."""
    parsed, frames = _parse(raw, label, "ERRD")
    if parsed.bfr_cloture_eur is None:
        raise DataError(
            f"{label} : « bfr_cloture_eur » manque. Indiquez le besoin en fonds de roulement "
            f"réalisé au 31/12/{parsed.exercice} (en euros ; négatif pour un excédent de "
            "financement d'exploitation)."
        )
    if parsed.hypotheses_pgfp is not None:
        raise DataError(
            f"{label} : un ERRD ne porte pas d'« hypotheses_pgfp » (elles vont dans l'EPRD). "
            "Supprimez cette section."
        )
    return Errd(**frames, bfr_cloture_eur=parsed.bfr_cloture_eur)


def _rates(rates: dict[str, float], label: str, nature: str) -> dict[str, float]:
    key = f"hypotheses_pgfp.taux_evolution_{nature}"
    unknown = sorted(set(rates) - set(GROUPS))
    if unknown:
        raise DataError(
            f"{label} : {key} : groupe « {unknown[0]} » inconnu. Les groupes fonctionnels "
            "sont I, II et III."
        )
    missing = [g for g in GROUPS if g not in rates]
    if missing:
        raise DataError(
            f"{label} : {key} : il manque le taux du groupe {missing[0]}. Donnez un taux "
            "pour chacun des groupes I, II et III (0.02 pour 2 %)."
        )
    for group, rate in rates.items():
        if not math.isfinite(rate) or rate <= -1:
            raise DataError(
                f"{label} : {key} : le taux du groupe {group} vaut {rate}. Saisissez une "
                "fraction supérieure à −1 (0.02 pour 2 %)."
            )
    return {g: float(rates[g]) for g in GROUPS}


def _parse(raw: Any, label: str, etat: str) -> tuple[_BudgetFile, dict[str, Any]]:
    try:
        parsed = _BudgetFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(explain_validation_error(exc, raw, label, _PLACES)) from None
    if parsed.etat != etat:
        raise DataError(
            f"{label} : « etat » vaut {parsed.etat} alors qu'un {etat} est attendu. Ouvrez "
            f"le fichier de l'{etat} ou corrigez « etat »."
        )
    if parsed.fictional and not parsed.warning:
        raise DataError(
            f"{label} : des données fictives doivent porter un avertissement « warning »."
        )
    lignes = _lines(parsed, label)
    year = parsed.exercice
    loans = pd.DataFrame(
        [line.model_dump() for line in parsed.emprunts.par_annee],
        columns=["annee", "nouveaux_eur", "remboursement_capital_eur"],
    )
    duplicated = loans["annee"][loans["annee"].duplicated()].tolist()
    if duplicated:
        raise DataError(
            f"{label} : emprunts.par_annee : l'année {duplicated[0]} est écrite deux fois. "
            "Gardez une ligne par année."
        )
    if year not in set(loans["annee"]):
        raise DataError(
            f"{label} : emprunts.par_annee : l'année {year} manque. Ajoutez une ligne "
            f"{{annee: {year}, nouveaux_eur: …, remboursement_capital_eur: …}} (0 s'il n'y a "
            "ni emprunt ni remboursement)."
        )
    early = [a for a in loans["annee"] if a < year] + [
        i.annee for i in parsed.investissements if i.annee < year
    ]
    if early:
        raise DataError(
            f"{label} : l'année {early[0]} précède l'exercice {year}. Les emprunts et "
            f"investissements portent sur {year} et les années suivantes."
        )
    loans = loans.sort_values("annee").reset_index(drop=True)
    investments = pd.DataFrame(
        [item.model_dump() for item in parsed.investissements],
        columns=["annee", "libelle", "montant_eur", "subvention_eur"],
    )
    for item in parsed.investissements:
        if item.subvention_eur > item.montant_eur + TOLERANCE_EUR:
            raise DataError(
                f"{label} : investissement « {item.libelle} » ({item.annee}) : la subvention "
                f"({format_euros(item.subvention_eur)}) dépasse le montant "
                f"({format_euros(item.montant_eur)}). Corrigez l'un des deux."
            )
    opening = parsed.bilan_ouverture
    if abs(opening.frng_eur - opening.bfr_eur - opening.tresorerie_eur) > 1.0:
        raise DataError(
            f"{label} : bilan_ouverture : la trésorerie ({format_euros(opening.tresorerie_eur)})"
            f" doit valoir FRNG − BFR = {format_euros(opening.frng_eur)} − "
            f"{format_euros(opening.bfr_eur)} = "
            f"{format_euros(opening.frng_eur - opening.bfr_eur)}. Corrigez l'un des trois."
        )
    frames: dict[str, Any] = {
        "etablissement": parsed.etablissement,
        "exercice": year,
        "lignes": lignes,
        "investissements": investments,
        "emprunts": loans,
        "encours_ouverture_eur": parsed.emprunts.encours_ouverture_eur,
        "frng_ouverture_eur": opening.frng_eur,
        "bfr_ouverture_eur": opening.bfr_eur,
        "tresorerie_ouverture_eur": opening.tresorerie_eur,
        "warning": None if parsed.warning is None else parsed.warning.strip(),
    }
    return parsed, frames


def _lines(parsed: _BudgetFile, label: str) -> pd.DataFrame:
    groups = load_functional_groups()
    rows: list[tuple[str, str, str, str, float]] = []
    for nature, key, lines in (
        ("charge", "charges", parsed.crpp.charges),
        ("produit", "produits", parsed.crpp.produits),
    ):
        first_group: dict[str, str] = {}
        for rank, line in enumerate(lines, start=1):
            place = f"{label}, crpp.{key} n°{rank} (compte {line.compte})"
            if line.groupe not in GROUPS:
                raise DataError(
                    f"{place} : groupe « {line.groupe} » inconnu. Les groupes fonctionnels "
                    "sont I, II et III (chiffres romains)."
                )
            if line.compte in first_group and first_group[line.compte] != line.groupe:
                raise DataError(
                    f"{place} : le compte {line.compte} est classé dans deux groupes "
                    f"({first_group[line.compte]} et {line.groupe}). Un compte appartient à "
                    "un seul groupe fonctionnel : corrigez l'une des deux lignes."
                )
            first_group.setdefault(line.compte, line.groupe)
            expected = groups.group_of(line.compte, nature)
            if expected is None:
                classe = "6" if nature == "charge" else "7"
                raise DataError(
                    f"{place} : le compte {line.compte} n'est pas un compte de {key} "
                    f"(classe {classe}) rangé dans un groupe fonctionnel. Corrigez le numéro "
                    f"de compte ou déplacez la ligne."
                )
            if expected != line.groupe:
                raise DataError(
                    f"{place} : le compte {line.compte} est déclaré en groupe {line.groupe} "
                    f"mais relève du groupe {expected} "
                    f"(« {groups.names[(nature, expected)]} »). Corrigez le groupe."
                )
            rows.append((nature, line.groupe, line.compte, line.libelle, line.montant_eur))
    return pd.DataFrame(rows, columns=list(LINE_COLUMNS))


# --------------------------------------------------------------------------------------
# CRPP by group, résultat, CAF
# --------------------------------------------------------------------------------------


def _fixed_lines(doc: Budget, year: int) -> pd.DataFrame:
    """The ``lignes_fixes`` of ``year`` (columns :data:`LINE_COLUMNS`), empty when none."""
    fixed = getattr(doc, "lignes_fixes", None)
    if fixed is None or fixed.empty:
        return pd.DataFrame(columns=list(LINE_COLUMNS))
    return fixed.loc[fixed["annee"] == year, list(LINE_COLUMNS)].reset_index(drop=True)


def _with_fixed(lignes: pd.DataFrame, fixed: pd.DataFrame) -> pd.DataFrame:
    if fixed.empty:
        return lignes
    combined = pd.concat([lignes, fixed], ignore_index=True)
    combined["montant_eur"] = combined["montant_eur"].astype(float)
    return combined


def crpp_lines(doc: Budget) -> pd.DataFrame:
    """The CRPP lines of the document's year N (columns :data:`LINE_COLUMNS`):
    ``lignes`` plus, for an :class:`Eprd` changed by :func:`eprd_with_measures`, the
    ``lignes_fixes`` of year N (dotations of the new investments)."""
    return _with_fixed(doc.lignes, _fixed_lines(doc, doc.exercice))


def _totals(lignes: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {
        (nature, group): math.fsum(
            lignes.loc[(lignes["nature"] == nature) & (lignes["groupe"] == group), "montant_eur"]
        )
        for nature in NATURES
        for group in GROUPS
    }


def _resultat(lignes: pd.DataFrame) -> float:
    produits = math.fsum(lignes.loc[lignes["nature"] == "produit", "montant_eur"])
    charges = math.fsum(lignes.loc[lignes["nature"] == "charge", "montant_eur"])
    return produits - charges + 0.0


def resultat(doc: Budget) -> float:
    """Résultat of the CRPP (euros) = Σ produits − Σ charges of the groups I, II, III."""
    return _resultat(crpp_lines(doc))


def group_lines(doc: Budget, group: str) -> pd.DataFrame:
    """The CRPP lines of groupe fonctionnel ``group`` (« I », « II » or « III »), charges
    then produits, columns :data:`LINE_COLUMNS` (euros).

    Raises:
        InputError: ``group`` is not one of :data:`GROUPS` (French, listing them).
    """
    if group not in GROUPS:
        raise InputError(
            f"Groupe fonctionnel « {group} » inconnu : choisissez {', '.join(GROUPS)}."
        )
    lines = doc.lignes
    return lines[lines["groupe"] == group].reset_index(drop=True)


def crpp_by_group(doc: Budget) -> pd.DataFrame:
    """CRPP by groupe fonctionnel: one row per group I, II, III then ``Total``.

    Columns: ``groupe``, ``charges`` (French name of the charges' group),
    ``charges_eur``, ``produits`` (name of the produits' group), ``produits_eur``,
    ``solde_eur`` = produits − charges of the row. On the ``Total`` row, ``solde_eur`` is
    the résultat (excédent when positive, déficit when negative).
    """
    names = load_functional_groups().names
    totals = _totals(crpp_lines(doc))
    rows: list[tuple[str, str, float, str, float, float]] = []
    for group in GROUPS:
        charges, produits = totals[("charge", group)], totals[("produit", group)]
        rows.append(
            (
                group,
                names[("charge", group)],
                charges,
                names[("produit", group)],
                produits,
                produits - charges,
            )
        )
    total_charges = math.fsum(totals[("charge", g)] for g in GROUPS)
    total_produits = math.fsum(totals[("produit", g)] for g in GROUPS)
    result = total_produits - total_charges
    label = "Excédent" if result >= 0 else "Déficit"
    rows.append(
        ("Total", "Total des charges", total_charges, "Total des produits", total_produits, result)
    )
    table = pd.DataFrame(
        rows, columns=["groupe", "charges", "charges_eur", "produits", "produits_eur", "solde_eur"]
    )
    table.attrs["resultat_libelle"] = f"{label} : {format_euros(result)}"
    return table


def _signed(lignes: pd.DataFrame) -> pd.DataFrame:
    """``compte`` and ``solde_eur`` (charges positive, produits negative), the shape of
    :func:`cpts_training.finance.analysis._sum`."""
    sign = lignes["nature"].map({"charge": 1.0, "produit": -1.0})
    return pd.DataFrame({"compte": lignes["compte"], "solde_eur": lignes["montant_eur"] * sign})


def _caf_of(lignes: pd.DataFrame, year: int) -> Caf:
    produits = math.fsum(lignes.loc[lignes["nature"] == "produit", "montant_eur"])
    return caf_of_terms(_signed(lignes), year, _resultat(lignes), produits)


def eprd_caf(doc: Budget) -> Caf:
    """Capacité d'autofinancement of the CRPP of an EPRD or ERRD (the
    :class:`~cpts_training.finance.analysis.Caf` of the trial-balance analysis).

    CAF = résultat + dotations (68, but 6817) − reprises (78, but 7817) + valeur
    comptable des actifs cédés (657; 675 before 2025) − produits des cessions (757; 775)
    − quote-part des subventions d'investissement virée au résultat (747; 777), the
    numbering in force for the year (ANC 2022-06 from 2025). Taux de CAF = CAF / total des produits.

    Sources: PCG additive method; guide M22 of the UNCCAS « Le lien compte de résultat –
    TFP »; ANC 2022-06 for the 2025 account numbers.
    """
    return _caf_of(crpp_lines(doc), doc.exercice)


# --------------------------------------------------------------------------------------
# Tableau de financement prévisionnel
# --------------------------------------------------------------------------------------


def _year_amounts(doc: Budget, year: int) -> tuple[float, float, float, float]:
    """(investissements, subventions, nouveaux emprunts, remboursements) of ``year``."""
    inv = doc.investissements[doc.investissements["annee"] == year]
    loans = doc.emprunts[doc.emprunts["annee"] == year]
    if loans.empty:
        raise InputError(
            f"{doc.etablissement} : le tableau des emprunts n'a pas de ligne pour {year}. "
            f"Ajoutez {{annee: {year}, nouveaux_eur: …, remboursement_capital_eur: …}} à "
            "emprunts.par_annee (0 s'il n'y a ni emprunt ni remboursement)."
        )
    return (
        math.fsum(inv["montant_eur"]),
        math.fsum(inv["subvention_eur"]),
        float(loans["nouveaux_eur"].iloc[0]),
        float(loans["remboursement_capital_eur"].iloc[0]),
    )


def _financing(
    autofinancement: Caf,
    year: int,
    amounts: tuple[float, float, float, float],
) -> FinancingTable:
    investments, grants, new_loans, repaid = amounts
    # A forecast: the FRNG at the end of the year follows from the variation itself.
    return FinancingTable.of(
        year,
        [
            ("Insuffisance d'autofinancement (IAF)", autofinancement.iaf_eur),
            ("Remboursements d'emprunts (capital)", repaid),
            ("Acquisitions d'immobilisations", investments),
        ],
        [
            ("Capacité d'autofinancement (CAF)", max(autofinancement.caf_eur, 0.0)),
            ("Nouveaux emprunts", new_loans),
            ("Subventions d'investissement", grants),
            ("Produits des cessions d'immobilisations", autofinancement.produits_cessions_eur),
        ],
    )


def tableau_de_financement_previsionnel(doc: Budget) -> FinancingTable:
    """Tableau de financement prévisionnel (TFP) of the EPRD's year (for an ERRD: the
    tableau de financement réalisé), as a
    :class:`~cpts_training.finance.analysis.FinancingTable`.

    Emplois = IAF (when the CAF is negative) + remboursements du capital des emprunts +
    acquisitions d'immobilisations. Ressources = CAF + nouveaux emprunts + subventions
    d'investissement + produits des cessions (757/775 of the CRPP). Apport (+) or
    prélèvement (−) sur fonds de roulement = ressources − emplois = ΔFRNG: the FRNG at
    31/12 of N is the opening FRNG plus this variation (guide M22 of the UNCCAS).

    Raises :class:`~cpts_training.errors.InputError` (French) when the loans table has no
    row for the year.
    """
    return _financing(
        eprd_caf(doc),
        doc.exercice,
        _year_amounts(doc, doc.exercice),
    )


def _closing(doc: Budget) -> tuple[float, float, float]:
    """(FRNG, BFR, trésorerie) at 31/12 of N."""
    frng = doc.frng_ouverture_eur + tableau_de_financement_previsionnel(doc).delta_frng_eur
    bfr = doc.bfr_fin_eur
    return frng, bfr, frng - bfr


# --------------------------------------------------------------------------------------
# PGFP
# --------------------------------------------------------------------------------------

PGFP_COLUMNS = (
    "annee",
    "total_charges_eur",
    "total_produits_eur",
    "resultat_eur",
    "caf_eur",
    "investissements_eur",
    "subventions_investissement_eur",
    "nouveaux_emprunts_eur",
    "remboursements_emprunts_eur",
    "encours_dette_eur",
    "apport_fonds_roulement_eur",
    "frng_eur",
    "bfr_eur",
    "tresorerie_eur",
)
"""Columns of :func:`pgfp` (euros but ``annee``)."""


def _project(lignes: pd.DataFrame, rates: dict[tuple[str, str], float], k: int) -> pd.DataFrame:
    projected = lignes.copy()
    if k > 0:
        projected = projected[~projected["compte"].str.startswith(DISPOSAL_ACCOUNTS)].reset_index(
            drop=True
        )
    factors = [
        (1 + rates[(n, g)]) ** k
        for n, g in zip(projected["nature"], projected["groupe"], strict=True)
    ]
    projected["montant_eur"] = projected["montant_eur"] * factors
    return projected


def pgfp(
    eprd: Eprd,
    *,
    years: int = PGFP_YEARS,
    taux_charges: dict[str, float] | None = None,
    taux_produits: dict[str, float] | None = None,
    taux_bfr: float | None = None,
) -> pd.DataFrame:
    """Plan global de financement pluriannuel: a simple projection over ``years`` years
    from the EPRD's year N (N to N + ``years`` − 1), one row per year, columns
    :data:`PGFP_COLUMNS`.

    Hypotheses (stated, the course's simplification): each CRPP line of group g grows by
    ``taux_charges[g]`` (charges) or ``taux_produits[g]`` (produits) a year from N
    (amount of year N+k = amount N × (1 + rate)^k), the disposal lines (657, 675, 757,
    775) stay in year N only; the BFR grows by ``taux_bfr`` a year (BFR of N = opening
    BFR × (1 + ``taux_bfr``)). The rates default to the EPRD's ``hypotheses_pgfp``.
    Investments, subsidies and loans come from the EPRD's plans (a year without
    investment has none; the loans table must hold every year). The ``lignes_fixes`` of
    each year (dotations of the investments added by :func:`eprd_with_measures`) are
    added as they are, without growth.

    Each year: résultat = Σ produits − Σ charges; CAF (:func:`eprd_caf` formula);
    apport = ressources − emplois of the year's tableau de financement; FRNG = FRNG of
    the previous year + apport; trésorerie = FRNG − BFR; encours de la dette = previous
    + nouveaux emprunts − remboursements.

    Raises:
        InputError: no rates (neither in the EPRD nor given), a rate ≤ −1 or of an
            unknown group, ``years`` < 1, a year missing from the loans table, or loans
            repaid beyond the capital owed (French).
    """
    if years < 1:
        raise InputError(f"PGFP : « years » vaut {years} ; donnez au moins 1 année (6 usuel).")
    charges = taux_charges if taux_charges is not None else eprd.taux_charges
    produits = taux_produits if taux_produits is not None else eprd.taux_produits
    if charges is None or produits is None:
        raise InputError(
            f"PGFP de {eprd.etablissement} : pas de taux d'évolution. Ajoutez à l'EPRD la "
            "section hypotheses_pgfp (taux_evolution_charges et taux_evolution_produits "
            "par groupe I, II, III) ou passez taux_charges et taux_produits."
        )
    try:
        charges = _rates(charges, "PGFP", "charges")
        produits = _rates(produits, "PGFP", "produits")
    except DataError as exc:
        raise InputError(str(exc)) from None
    bfr_rate = eprd.taux_bfr if taux_bfr is None else taux_bfr
    if not math.isfinite(bfr_rate) or bfr_rate <= -1:
        raise InputError(
            f"PGFP : le taux d'évolution du BFR vaut {bfr_rate} ; saisissez une fraction "
            "supérieure à −1 (0.02 pour 2 %)."
        )
    rates = {("charge", g): charges[g] for g in GROUPS} | {
        ("produit", g): produits[g] for g in GROUPS
    }
    plan_years = [eprd.exercice + k for k in range(years)]
    missing = [y for y in plan_years if y not in set(eprd.emprunts["annee"])]
    if missing:
        raise InputError(
            f"PGFP de {eprd.etablissement} : le tableau des emprunts n'a pas de ligne pour "
            f"{', '.join(map(str, missing))}. Le PGFP couvre {plan_years[0]} à "
            f"{plan_years[-1]} : ajoutez une ligne par année à emprunts.par_annee (0 s'il "
            "n'y a ni emprunt ni remboursement)."
        )
    frng, bfr, debt = eprd.frng_ouverture_eur, eprd.bfr_ouverture_eur, eprd.encours_ouverture_eur
    rows = []
    for k, year in enumerate(plan_years):
        lignes = _with_fixed(_project(eprd.lignes, rates, k), _fixed_lines(eprd, year))
        autofinancement = _caf_of(lignes, year)
        amounts = _year_amounts(eprd, year)
        table = _financing(autofinancement, year, amounts)
        investments, grants, new_loans, repaid = amounts
        debt = debt + new_loans - repaid
        if debt < -TOLERANCE_EUR:
            raise InputError(
                f"PGFP de {eprd.etablissement} : en {year}, les remboursements dépassent le "
                f"capital restant dû ({format_euros(debt + repaid - new_loans)}). Corrigez "
                "emprunts.par_annee ou encours_ouverture_eur."
            )
        frng += table.variation_fonds_roulement_eur
        bfr *= 1 + bfr_rate
        rows.append(
            (
                year,
                math.fsum(lignes.loc[lignes["nature"] == "charge", "montant_eur"]),
                autofinancement.total_produits_eur,
                autofinancement.resultat_eur,
                autofinancement.caf_eur,
                investments,
                grants,
                new_loans,
                repaid,
                debt,
                table.variation_fonds_roulement_eur,
                frng,
                bfr,
                frng - bfr,
            )
        )
    return pd.DataFrame(rows, columns=list(PGFP_COLUMNS))


# --------------------------------------------------------------------------------------
# EPRD / ERRD variances
# --------------------------------------------------------------------------------------

VARIANCE_COLUMNS = ("poste", "prevu_eur", "realise_eur", "ecart_eur", "ecart_pct")
"""Columns of :func:`eprd_errd_variances`."""


def eprd_errd_variances(eprd: Eprd, errd: Errd) -> pd.DataFrame:
    """Variances between the EPRD (prévu) and the ERRD (réalisé) of the same year.

    One row per item, columns :data:`VARIANCE_COLUMNS`: the charges of groups I, II, III
    and their total, the produits of groups I, II, III and their total, the résultat, the
    CAF, the FRNG and the trésorerie at 31/12 of N. ``ecart_eur`` = réalisé − prévu;
    ``ecart_pct`` = écart / |prévu| (a fraction; NaN when the forecast is zero). The ANAP
    names the matching indicators « taux d'atteinte des prévisions de recettes / de
    dépenses » (guide des indicateurs, 2012).

    Raises :class:`~cpts_training.errors.InputError` (French) when the two documents are
    not of the same établissement and year.
    """
    if eprd.exercice != errd.exercice or eprd.etablissement != errd.etablissement:
        raise InputError(
            f"Écarts EPRD/ERRD : l'EPRD porte sur {eprd.etablissement} {eprd.exercice} et "
            f"l'ERRD sur {errd.etablissement} {errd.exercice}. Comparez l'EPRD et l'ERRD du "
            "même établissement et du même exercice."
        )
    names = load_functional_groups().names
    planned, actual = _totals(crpp_lines(eprd)), _totals(crpp_lines(errd))
    rows: list[tuple[str, float, float]] = []
    for nature, title in (("charge", "Charges"), ("produit", "Produits")):
        for group in GROUPS:
            rows.append(
                (
                    f"{title} – groupe {group} ({names[(nature, group)]})",
                    planned[(nature, group)],
                    actual[(nature, group)],
                )
            )
        rows.append(
            (
                f"Total des {title.lower()}",
                math.fsum(planned[(nature, g)] for g in GROUPS),
                math.fsum(actual[(nature, g)] for g in GROUPS),
            )
        )
    frng_p, _, cash_p = _closing(eprd)
    frng_r, _, cash_r = _closing(errd)
    rows += [
        ("Résultat", resultat(eprd), resultat(errd)),
        ("Capacité d'autofinancement (CAF)", eprd_caf(eprd).caf_eur, eprd_caf(errd).caf_eur),
        (f"Fonds de roulement net global au 31/12/{eprd.exercice}", frng_p, frng_r),
        (f"Trésorerie au 31/12/{eprd.exercice}", cash_p, cash_r),
    ]
    table = pd.DataFrame(rows, columns=["poste", "prevu_eur", "realise_eur"])
    table["ecart_eur"] = table["realise_eur"] - table["prevu_eur"]
    table["ecart_pct"] = [
        gap / abs(plan) if abs(plan) > TOLERANCE_EUR else math.nan
        for gap, plan in zip(table["ecart_eur"], table["prevu_eur"], strict=True)
    ]
    return table[list(VARIANCE_COLUMNS)]


# --------------------------------------------------------------------------------------
# Mesures nouvelles: the EPRD changed by the trainee's choices
# --------------------------------------------------------------------------------------

MEASURE_LABEL = "Mesures nouvelles groupe {groupe}"
"""Libellé of the line carrying the mesures nouvelles of a group."""

DOTATION_ACCOUNT = "6811"
"""Account of the dotations aux amortissements of the new investments (groupe III)."""

INVESTMENT_COLUMNS = (
    "annee",
    "libelle",
    "montant_eur",
    "subvention_eur",
    "duree_amortissement_ans",
)
"""Columns of the ``investissements`` given to :func:`eprd_with_measures`."""

NON_CASH_PREFIXES = ("68", "78", "79", "657", "675", "747", "757", "775", "777")
"""Accounts left out when choosing the account of the mesures nouvelles: dotations and
reprises, transferts de charges and the CAF's adjustments (cessions, quote-part)."""


def measure_account(nature: str, groupe: str) -> str:
    """Account carrying the mesures nouvelles of ``groupe`` (``nature`` ``charge`` or
    ``produit``): the shortest prefix of that group in ``groupes_fonctionnels.yaml`` (file
    order on a tie) outside :data:`NON_CASH_PREFIXES`, so that a mesure nouvelle moves the
    CAF by its own amount (charges I → 60, II → 64, III → 61; produits I → 73, II → 70,
    III → 76 with the course's file).

    Raises :class:`~cpts_training.errors.InputError` (French) for an unknown group or
    nature, :class:`~cpts_training.errors.DataError` when the mapping has no such account.
    """
    if nature not in NATURES:
        raise InputError(f"Nature « {nature} » inconnue : écrivez « charge » ou « produit ».")
    if groupe not in GROUPS:
        raise InputError(
            f"Groupe « {groupe} » inconnu. Les groupes fonctionnels sont I, II et III."
        )
    groups = load_functional_groups()
    rows = groups.comptes[
        (groups.comptes["nature"] == nature) & (groups.comptes["groupe"] == groupe)
    ]
    candidates = [
        str(p)
        for p in rows["prefixe"]
        if not str(p).startswith(NON_CASH_PREFIXES) and groups.group_of(str(p), nature) == groupe
    ]
    if not candidates:
        raise DataError(
            f"{GROUPS_FILE.name} : aucun compte encaissable ou décaissable dans le groupe "
            f"{groupe} des {nature}s. Ajoutez-en un au classement."
        )
    return min(candidates, key=len)


def _finite(value: Any, place: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{place} : « {value} » n'est pas un nombre. Saisissez un montant."
        ) from None
    if not math.isfinite(number):
        raise InputError(f"{place} : le montant n'est pas un nombre fini. Saisissez un montant.")
    return number


def _plan_years(eprd: Eprd) -> list[int]:
    return [eprd.exercice + k for k in range(PGFP_YEARS)]


def _check_plan_year(eprd: Eprd, year: Any, place: str) -> int:
    years = _plan_years(eprd)
    try:
        number = float(year)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not number.is_integer():
        raise InputError(
            f"{place} : l'année « {year} » n'est pas lisible. Choisissez une année de "
            f"{years[0]} à {years[-1]}."
        )
    value = int(number)
    if value < years[0]:
        raise InputError(
            f"{place} : l'année {value} précède l'exercice de l'EPRD ({years[0]}). Choisissez "
            f"une année de {years[0]} à {years[-1]}."
        )
    if value > years[-1]:
        raise InputError(
            f"{place} : l'année {value} dépasse les {PGFP_YEARS} années du PGFP "
            f"({years[0]} à {years[-1]}). Choisissez une année de {years[0]} à {years[-1]}."
        )
    return value


def _measure_lines(
    eprd: Eprd, amounts: Mapping[str, float] | None, nature: str
) -> list[tuple[str, str, str, str, float]]:
    if not amounts:
        return []
    title = "charges" if nature == "charge" else "produits"
    totals = _totals(crpp_lines(eprd))
    rows = []
    for groupe, raw in amounts.items():
        if groupe not in GROUPS:
            raise InputError(
                f"Mesures nouvelles des {title} : groupe « {groupe} » inconnu. Les groupes "
                "fonctionnels sont I, II et III (chiffres romains)."
            )
        amount = _finite(raw, f"Mesures nouvelles des {title}, groupe {groupe}")
        total = totals[(nature, groupe)]
        if total + amount < -TOLERANCE_EUR:
            raise InputError(
                f"Mesures nouvelles des {title}, groupe {groupe} : {format_euros(amount)} "
                f"rendrait le groupe négatif ({format_euros(total)} à l'EPRD déposé, "
                f"{format_euros(total + amount)} après la mesure). Une baisse ne peut pas "
                f"dépasser {format_euros(total)} : corrigez le montant."
            )
        if abs(amount) > 0:
            rows.append(
                (
                    nature,
                    groupe,
                    measure_account(nature, groupe),
                    MEASURE_LABEL.format(groupe=groupe),
                    amount,
                )
            )
    return rows


def _new_investments(
    eprd: Eprd, investissements: pd.DataFrame | None
) -> list[tuple[int, str, float, float, int]]:
    if investissements is None or investissements.empty:
        return []
    missing = [c for c in INVESTMENT_COLUMNS if c not in investissements.columns and c != "libelle"]
    if missing:
        raise InputError(
            f"Investissements nouveaux : la colonne « {missing[0]} » manque. Donnez les "
            f"colonnes {', '.join(INVESTMENT_COLUMNS)}."
        )
    rows = []
    for rank, item in enumerate(investissements.to_dict("records"), start=1):
        label = str(item.get("libelle") or "").strip() or f"Investissement nouveau n°{rank}"
        place = f"Investissement nouveau n°{rank} (« {label} »)"
        year = _check_plan_year(eprd, item["annee"], place)
        amount = _finite(item["montant_eur"], place)
        grant = _finite(item["subvention_eur"], place)
        duration = _finite(item["duree_amortissement_ans"], place)
        if amount < 0:
            raise InputError(
                f"{place}, {year} : le montant ({format_euros(amount)}) est négatif. Saisissez "
                "le coût de l'investissement, positif."
            )
        if grant < 0 or grant > amount + TOLERANCE_EUR:
            raise InputError(
                f"{place}, {year} : la subvention ({format_euros(grant)}) doit être comprise "
                f"entre 0 et le montant ({format_euros(amount)}). Corrigez la subvention."
            )
        if duration < 1 or not float(duration).is_integer():
            raise InputError(
                f"{place}, {year} : la durée d'amortissement vaut {duration:g} ; saisissez un "
                "nombre entier d'années, au moins 1 (par exemple 5 pour un véhicule)."
            )
        rows.append((year, label, amount, grant, int(duration)))
    return rows


def _loan_duration(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not float(value).is_integer()
        or not 1 <= float(value) <= 30
    ):
        raise InputError(
            f"Durée de remboursement des nouveaux emprunts : « {value} » ne convient pas. "
            "Saisissez un nombre entier d'années, de 1 à 30 (par exemple 5)."
        )
    return int(float(value))


def eprd_with_measures(
    eprd: Eprd,
    *,
    charges_by_group: Mapping[str, float] | None = None,
    produits_by_group: Mapping[str, float] | None = None,
    investissements: pd.DataFrame | None = None,
    nouveaux_emprunts: Mapping[int, float] | None = None,
    duree_emprunts_ans: int = 5,
) -> Eprd:
    """The EPRD ``eprd`` changed by the trainee's mesures nouvelles (a new :class:`Eprd`;
    ``eprd`` is left unchanged).

    - ``charges_by_group`` / ``produits_by_group``: ``{groupe: euros}``, a signed amount
      ADDED to groupe I, II or III (negative for a saving or a lost produit), as one line
      « Mesures nouvelles groupe X » on the cash account of :func:`measure_account` (never
      a 68/78 account): résultat and CAF move by the same amount. The line is part of the
      base of the PGFP (it grows at the group's rate from N+1, like the other lines).
    - ``investissements``: one row per new investment, columns
      :data:`INVESTMENT_COLUMNS` (``annee`` from N to N+5, ``libelle``, ``montant_eur`` ≥ 0,
      ``subvention_eur`` from 0 to the amount, ``duree_amortissement_ans`` a whole number
      ≥ 1). The investment and its subsidy go to the tableau de financement of its year;
      its dotation aux amortissements = montant / durée (euros a year, straight-line, a
      full year from the year of purchase, the course's simplification) is added to
      groupe III (account 6811) for each year from ``annee`` to ``annee + durée − 1``
      within the PGFP: in the EPRD when the year is N, in the PGFP's later years through
      ``lignes_fixes`` (not grown by the rates). The dotation lowers the résultat, not
      the CAF (it is added back). The quote-part of the subsidy virée au résultat (747)
      is not modelled.
    - ``nouveaux_emprunts``: ``{année: euros ≥ 0}``, added to the year's ``nouveaux_eur``
      (a ressource of the tableau de financement and a rise of the encours de la dette);
      each is repaid in equal capital instalments (capital / ``duree_emprunts_ans``, in
      euros a year) from the year after it is taken, added to the year's
      ``remboursement_capital_eur`` within the PGFP; interest is not modelled (the
      course's simplification).

    Formulas and sources: those of :func:`eprd_caf`, :func:`tableau_de_financement_previsionnel`
    and :func:`pgfp` (guide M22 of the UNCCAS, « EPRD » and « Le lien compte de résultat –
    TFP »; CASF R314-210 and following).

    Raises :class:`~cpts_training.errors.InputError` (French, naming the group or the
    year and the fix): unknown group, a group that the measure would make negative, a
    year before N or beyond the PGFP's 6 years, a negative investment or loan, a subsidy
    above the investment, a duration that is not a whole number of years ≥ 1, an amount
    that is not a finite number.
    """
    loan_years = _loan_duration(duree_emprunts_ans)
    measures = _measure_lines(eprd, charges_by_group, "charge") + _measure_lines(
        eprd, produits_by_group, "produit"
    )
    new_investments = _new_investments(eprd, investissements)
    loans = eprd.emprunts.copy()
    for year, raw in (nouveaux_emprunts or {}).items():
        place = "Nouveaux emprunts"
        checked = _check_plan_year(eprd, year, f"{place} {year}")
        amount = _finite(raw, f"{place} {checked}")
        if amount < 0:
            raise InputError(
                f"{place} {checked} : le montant ({format_euros(amount)}) est négatif. "
                "Saisissez le capital emprunté, positif (0 pour aucun emprunt)."
            )
        if checked in set(loans["annee"]):
            loans.loc[loans["annee"] == checked, "nouveaux_eur"] += amount
        else:
            extra = pd.DataFrame(
                [(checked, amount, 0.0)],
                columns=["annee", "nouveaux_eur", "remboursement_capital_eur"],
            )
            loans = pd.concat([loans, extra], ignore_index=True)
        for later in range(checked + 1, checked + 1 + loan_years):
            if later >= eprd.exercice + PGFP_YEARS:
                break
            instalment = amount / loan_years
            if later in set(loans["annee"]):
                loans.loc[loans["annee"] == later, "remboursement_capital_eur"] += instalment
            else:
                extra = pd.DataFrame(
                    [(later, 0.0, instalment)],
                    columns=["annee", "nouveaux_eur", "remboursement_capital_eur"],
                )
                loans = pd.concat([loans, extra], ignore_index=True)
    loans = loans.sort_values("annee").reset_index(drop=True)

    lignes = eprd.lignes
    if measures:
        lignes = pd.concat(
            [lignes, pd.DataFrame(measures, columns=list(LINE_COLUMNS))], ignore_index=True
        )
    investments = eprd.investissements
    fixed_rows = []
    last_year = _plan_years(eprd)[-1]
    for year_bought, label, amount, grant, duration in new_investments:
        investments = pd.concat(
            [
                investments,
                pd.DataFrame(
                    [(year_bought, label, amount, grant)],
                    columns=["annee", "libelle", "montant_eur", "subvention_eur"],
                ),
            ],
            ignore_index=True,
        )
        dotation = amount / duration
        for year in range(year_bought, min(year_bought + duration, last_year + 1)):
            if dotation == 0:
                break
            fixed_rows.append(
                (
                    year,
                    "charge",
                    "III",
                    DOTATION_ACCOUNT,
                    f"Dotation aux amortissements : {label}",
                    dotation,
                )
            )
    fixed = eprd.lignes_fixes
    if fixed_rows:
        new_fixed = pd.DataFrame(fixed_rows, columns=["annee", *LINE_COLUMNS])
        fixed = new_fixed if fixed is None else pd.concat([fixed, new_fixed], ignore_index=True)
    return replace(
        eprd,
        lignes=lignes,
        investissements=investments.reset_index(drop=True),
        emprunts=loans,
        lignes_fixes=fixed,
    )


# --------------------------------------------------------------------------------------
# Bilan financier at 31/12 of N and factual alerts
# --------------------------------------------------------------------------------------

CASH_CHARGE_PREFIXES = ("60", "61", "62", "63", "64", "65")
"""Charges décaissables of the trésorerie in days: accounts 60 to 65 but 657 (the
course's convention, as :func:`cpts_training.finance.analysis.current_cash_charges`)."""


@dataclass(frozen=True)
class ForecastBalance:
    """Bilan financier forecast at 31/12 of N of an EPRD (euros, days).

    ``frng_ouverture_eur`` + ``apport_eur`` (apport > 0 or prélèvement < 0 of the TFP)
    = ``frng_eur``; ``tresorerie_eur`` = ``frng_eur`` − ``bfr_eur``;
    ``charges_decaissables_eur`` = CRPP charges on accounts 60 to 65 but 657;
    ``tresorerie_jours`` = trésorerie × 365 / charges décaissables (NaN when they are 0).
    """

    annee: int
    frng_ouverture_eur: float
    apport_eur: float
    frng_eur: float
    bfr_eur: float
    tresorerie_eur: float
    charges_decaissables_eur: float
    tresorerie_jours: float


def forecast_balance(doc: Budget) -> ForecastBalance:
    """FRNG, BFR and trésorerie at 31/12 of N (the TFP's apport added to the opening
    FRNG; BFR of :attr:`Eprd.bfr_fin_eur`) and the trésorerie in days of charges
    décaissables: trésorerie × 365 / Σ charges of accounts 60 to 65 but 657 (the course's
    convention, denominator not confirmed by a source; guide M22 for FRNG, BFR and
    trésorerie = FRNG − BFR)."""
    frng, bfr, cash = _closing(doc)
    lignes = crpp_lines(doc)
    charges = lignes[
        (lignes["nature"] == "charge")
        & lignes["compte"].str.startswith(CASH_CHARGE_PREFIXES)
        & ~lignes["compte"].str.startswith("657")
    ]
    cash_charges = math.fsum(charges["montant_eur"])
    return ForecastBalance(
        annee=doc.exercice,
        frng_ouverture_eur=doc.frng_ouverture_eur,
        apport_eur=frng - doc.frng_ouverture_eur,
        frng_eur=frng,
        bfr_eur=bfr,
        tresorerie_eur=cash,
        charges_decaissables_eur=cash_charges,
        tresorerie_jours=(
            cash * DAYS_PER_YEAR / cash_charges if cash_charges > TOLERANCE_EUR else math.nan
        ),
    )


def eprd_alerts(plan: pd.DataFrame) -> list[str]:
    """Factual French statements on a PGFP (:func:`pgfp`), year by year: « Résultat
    déficitaire en 20XX », « Capacité d'autofinancement négative (IAF) en 20XX »,
    « Trésorerie négative au 31/12/20XX », each with the amount. No advice. Empty list
    when none applies."""
    alerts = []
    for row in plan.to_dict("records"):
        year = int(row["annee"])
        if row["resultat_eur"] < -TOLERANCE_EUR:
            alerts.append(f"Résultat déficitaire en {year} : {format_euros(row['resultat_eur'])}.")
        if row["caf_eur"] < -TOLERANCE_EUR:
            alerts.append(
                f"Capacité d'autofinancement négative (insuffisance d'autofinancement) en "
                f"{year} : {format_euros(row['caf_eur'])}."
            )
        if row["tresorerie_eur"] < -TOLERANCE_EUR:
            alerts.append(
                f"Trésorerie négative au 31/12/{year} : {format_euros(row['tresorerie_eur'])}."
            )
    return alerts
