"""EPRD and ERRD of a partner ESSMS under CPOM: CRPP by groupe fonctionnel, CAF, tableau
de financement prévisionnel (TFP), plan global de financement pluriannuel (PGFP) and the
variances between the forecast (EPRD) and the outturn (ERRD).

A CPTS is not an ESSMS: it has no CPOM nor EPRD of its own. Its partners (EHPAD, SSIAD,
services for disabled people) do, and the coordinator must be able to read them.

The chain (guide M22 of the UNCCAS; gerontim.com « Bilan financier en EHPAD »):
comptes de résultat (CRPP, CRPA) → résultat → CAF → TFP → apport (+) or prélèvement (−)
sur fonds de roulement (= ΔFRNG) → PGFP over 6 years → bilan financier (FRNG, BFR,
trésorerie = FRNG − BFR).

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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cpts_training.errors import DataError, InputError
from cpts_training.finance.analysis import (
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
      ``{groupe: rate}``) and of the BFR (``taux_bfr``), ``None`` when not given.
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
    return _resultat(doc.lignes)


def crpp_by_group(doc: Budget) -> pd.DataFrame:
    """CRPP by groupe fonctionnel: one row per group I, II, III then ``Total``.

    Columns: ``groupe``, ``charges`` (French name of the charges' group),
    ``charges_eur``, ``produits`` (name of the produits' group), ``produits_eur``,
    ``solde_eur`` = produits − charges of the row. On the ``Total`` row, ``solde_eur`` is
    the résultat (excédent when positive, déficit when negative).
    """
    names = load_functional_groups().names
    totals = _totals(doc.lignes)
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
    return _caf_of(doc.lignes, doc.exercice)


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
    frng_before: float,
) -> FinancingTable:
    investments, grants, new_loans, repaid = amounts
    emplois = pd.DataFrame(
        {
            "poste": [
                "Insuffisance d'autofinancement (IAF)",
                "Remboursements d'emprunts (capital)",
                "Acquisitions d'immobilisations",
            ],
            "montant_eur": [autofinancement.iaf_eur, repaid, investments],
        }
    )
    ressources = pd.DataFrame(
        {
            "poste": [
                "Capacité d'autofinancement (CAF)",
                "Nouveaux emprunts",
                "Subventions d'investissement",
                "Produits des cessions d'immobilisations",
            ],
            "montant_eur": [
                max(autofinancement.caf_eur, 0.0),
                new_loans,
                grants,
                autofinancement.produits_cessions_eur,
            ],
        }
    )
    total_emplois = math.fsum(emplois["montant_eur"])
    total_ressources = math.fsum(ressources["montant_eur"])
    variation = total_ressources - total_emplois
    frng_after = frng_before + variation
    return FinancingTable(
        year=year,
        emplois=emplois,
        ressources=ressources,
        total_emplois_eur=total_emplois,
        total_ressources_eur=total_ressources,
        variation_fonds_roulement_eur=variation,
        delta_frng_eur=frng_after - frng_before,
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
        doc.frng_ouverture_eur,
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
    investment has none; the loans table must hold every year).

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
        lignes = _project(eprd.lignes, rates, k)
        autofinancement = _caf_of(lignes, year)
        amounts = _year_amounts(eprd, year)
        table = _financing(autofinancement, year, amounts, frng)
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
    planned, actual = _totals(eprd.lignes), _totals(errd.lignes)
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
