"""Indicateurs de pilotage and tableau de bord of a CPTS (référentiel B5.C13, B5.C14,
B5.C16).

The catalogue (``data/finance/indicateurs_pilotage.yaml``, :func:`indicator_catalogue`)
holds financial indicators (from the trial balance of each year: résultat, CAF, taux de
CAF, FRNG and trésorerie in days of charges, part de l'ACI, part du personnel, réserves in
months), activity indicators (from the CPTS's own activity file, for the case
``data/cas/activite_aubrenne.yaml``, :func:`load_activity`) and efficiency indicators
(charges or an account divided by an activity count). The trainee chooses 3 to
:data:`MAX_INDICATORS` of them (:class:`IndicatorChoice`: target, frequency, recipients);
:func:`dashboard_table` computes their values by year and compares the last one with the
target; :func:`plot_dashboard` draws them.

Units: ``€`` (euros), ``%`` (a fraction: 0.25 = 25 %, targets too), ``jours``, ``mois``,
``nombre``. Formulas and sources: one per indicator in the catalogue, repeated in
:func:`indicator_values`.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cpts_training.documents import require_target
from cpts_training.errors import DataError, InputError
from cpts_training.finance.analysis import caf, financial_balance, ratios
from cpts_training.finance.case_study import CASE_DIR, CASE_YEARS, load_trial_balance
from cpts_training.finance.statements import account_table, income_statement
from cpts_training.formatting import (
    NumberFormatError,
    format_decimal_fr,
    format_euros,
    format_number_fr,
    format_percent,
    read_typed_number,
)
from cpts_training.readers import ErrorPlaces, explain_validation_error, read_yaml

CATALOGUE_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "finance" / ("indicateurs_pilotage.yaml")
)
"""The catalogue of indicators."""

ACTIVITY_FILE = CASE_DIR / "activite_aubrenne.yaml"
"""Yearly activity of the fictional « CPTS de la Vallée de l'Aubrenne »."""

FAMILIES = ("financier", "activité", "efficience")
UNITS = ("€", "%", "jours", "mois", "nombre")
DIRECTIONS = ("hausse", "baisse")
FREQUENCIES = ("mensuelle", "trimestrielle", "semestrielle", "annuelle")
"""Frequencies a tableau de bord may be produced at."""

RECIPIENTS = ("CA", "bureau", "AG", "ARS", "CPAM", "équipe de coordination")
"""Recipients of a tableau de bord: conseil d'administration, bureau, assemblée générale,
ARS, CPAM, the coordination team."""

MIN_INDICATORS = 3
MAX_INDICATORS = 8
"""A tableau de bord for a CA is short: 3 to 8 indicators."""

CATALOGUE_COLUMNS = ("code", "libelle", "famille", "unite", "formule", "lit", "sens", "source")
"""Columns of :func:`indicator_catalogue`."""

ACTIVITY_FIELDS = (
    "adherents_professionnels_liberaux",
    "adherents_structures",
    "professionnels_groupes_travail",
    "reunions_groupes_travail",
    "patients_orientes_medecin_traitant",
    "demandes_snp_traitees",
    "actions_prevention",
    "participants_prevention",
    "heures_indemnisees_professionnels",
    "etp_coordination",
    "heures_coordination",
)
"""Fields of each year of the activity file (counts; ``etp_coordination`` in ETP,
``heures_*`` in hours)."""

DASHBOARD_COLUMNS = (
    "code",
    "libelle",
    "famille",
    "unite",
    "cible",
    "frequence",
    "destinataires",
    "sens",
)
"""First columns of :func:`dashboard_table`; then one column per year (int), then
``evolution``, ``evolution_relative``, ``cible_atteinte``."""


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


class _Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z_]+$")
    libelle: str = Field(min_length=1)
    famille: Literal["financier", "activité", "efficience"]
    unite: Literal["€", "%", "jours", "mois", "nombre"]
    formule: str = Field(min_length=1)
    lit: list[str] = Field(min_length=1)
    sens: Literal["hausse", "baisse"]
    source: str = Field(min_length=1)


class _Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    metadata: dict[str, Any]
    indicateurs: list[_Indicator] = Field(min_length=1)


class _Year(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adherents_professionnels_liberaux: int = Field(ge=0)
    adherents_structures: int = Field(ge=0)
    professionnels_groupes_travail: int = Field(ge=0)
    reunions_groupes_travail: int = Field(ge=0)
    patients_orientes_medecin_traitant: int = Field(ge=0)
    demandes_snp_traitees: int = Field(ge=0)
    actions_prevention: int = Field(ge=0)
    participants_prevention: int = Field(ge=0)
    heures_indemnisees_professionnels: float = Field(ge=0)
    etp_coordination: float = Field(ge=0)
    heures_coordination: float = Field(ge=0)


class _Activity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fictional: Literal[True]
    warning: str = Field(min_length=1)
    cpts: str = Field(min_length=1)
    annees: dict[int, _Year] = Field(min_length=1)


@lru_cache(maxsize=4)
def _catalogue(path: str) -> pd.DataFrame:
    label = f"Fichier {Path(path).name}"
    raw = read_yaml(path, label)
    try:
        parsed = _Catalogue.model_validate(raw)
    except ValidationError as exc:
        places = ErrorPlaces(model=_Catalogue, item_nouns={"indicateurs": "indicateur"})
        raise DataError(explain_validation_error(exc, raw, label, places)) from None
    rows = [item.model_dump() for item in parsed.indicateurs]
    codes = [r["code"] for r in rows]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise DataError(f"{label} : l'indicateur « {twice[0]} » est écrit deux fois.")
    unknown = sorted(set(codes) - set(_COMPUTATIONS))
    if unknown:
        raise DataError(
            f"{label} : l'indicateur « {unknown[0]} » n'a pas de calcul dans "
            "cpts_training.finance.indicators. Retirez-le ou ajoutez son calcul."
        )
    table = pd.DataFrame(rows, columns=list(CATALOGUE_COLUMNS))
    table["lit"] = [tuple(x) for x in table["lit"]]
    return table


def indicator_catalogue(path: Path | str | None = None) -> pd.DataFrame:
    """The catalogue of indicators, one row per indicator, columns
    :data:`CATALOGUE_COLUMNS`: ``code``, ``libelle`` (French), ``famille`` (financier,
    activité, efficience), ``unite`` (:data:`UNITS`), ``formule`` (French), ``lit``
    (accounts or activity fields read, a tuple), ``sens`` (« hausse » or « baisse »:
    desired direction) and ``source``.

    Raises :class:`~cpts_training.errors.DataError` (French) on an invalid file, a code
    written twice or a code without computation.
    """
    return _catalogue(str(Path(path) if path is not None else CATALOGUE_FILE)).copy()


def load_activity(path: Path | str | None = None) -> pd.DataFrame:
    """Yearly activity of the CPTS: one row per year (index ``annee``, int), one column
    per field of :data:`ACTIVITY_FIELDS` (counts, hours, ETP). Default: the fictional case
    (:data:`ACTIVITY_FILE`).

    Raises :class:`~cpts_training.errors.DataError` (French) on an invalid file (missing
    field, negative count, ``fictional`` not true…).
    """
    file = Path(path) if path is not None else ACTIVITY_FILE
    return _activity(str(file)).copy()


@lru_cache(maxsize=4)
def _activity(path: str) -> pd.DataFrame:
    label = f"Fichier {Path(path).name}"
    raw = read_yaml(path, label)
    try:
        parsed = _Activity.model_validate(raw)
    except ValidationError as exc:
        places = ErrorPlaces(model=_Activity, item_nouns={}, field_hints={"fictional": "true"})
        raise DataError(explain_validation_error(exc, raw, label, places)) from None
    rows = {year: values.model_dump() for year, values in sorted(parsed.annees.items())}
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(ACTIVITY_FIELDS))
    table.index.name = "annee"
    return table


def activity_warning(path: Path | str | None = None) -> str:
    """The French warning of the activity file (fictional data)."""
    file = Path(path) if path is not None else ACTIVITY_FILE
    return str(read_yaml(file, f"Fichier {file.name}")["warning"]).strip()


# --------------------------------------------------------------------------------------
# Computations, one per code
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _YearData:
    """What the indicators of one year read: signed balances (debit − credit) by account,
    the year's statements and the activity row."""

    year: int
    balances: dict[str, float]
    total_charges_eur: float
    total_produits_eur: float
    resultat_eur: float
    caf_eur: float
    taux_caf: float
    frng_jours: float
    tresorerie_jours: float
    fre_eur: float
    activity: Mapping[str, float]

    def net(self, *prefixes: str) -> float:
        """Σ (debit − credit) of the accounts starting with one of ``prefixes``."""
        return math.fsum(v for k, v in self.balances.items() if k.startswith(prefixes))


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def _reserves_months(d: _YearData) -> float:
    cash_charges = d.total_charges_eur - d.net("68")
    return _ratio((d.fre_eur + d.net("19")) * 12, cash_charges)


def _members(d: _YearData) -> float:
    return d.activity["adherents_professionnels_liberaux"] + d.activity["adherents_structures"]


_COMPUTATIONS: dict[str, Callable[[_YearData], float]] = {
    "resultat": lambda d: d.resultat_eur,
    "caf": lambda d: d.caf_eur,
    "taux_caf": lambda d: d.taux_caf,
    "frng_jours": lambda d: d.frng_jours,
    "tresorerie_jours": lambda d: d.tresorerie_jours,
    "part_aci": lambda d: _ratio(-d.net("741"), d.total_produits_eur),
    "part_personnel": lambda d: _ratio(d.net("64"), d.total_charges_eur),
    "reserves_mois": _reserves_months,
    "adherents": _members,
    "taux_participation": lambda d: _ratio(
        d.activity["professionnels_groupes_travail"],
        d.activity["adherents_professionnels_liberaux"],
    ),
    "patients_orientes": lambda d: d.activity["patients_orientes_medecin_traitant"],
    "demandes_snp": lambda d: d.activity["demandes_snp_traitees"],
    "participants_prevention": lambda d: d.activity["participants_prevention"],
    "cout_patient_oriente": lambda d: _ratio(
        d.total_charges_eur, d.activity["patients_orientes_medecin_traitant"]
    ),
    "indemnite_horaire": lambda d: _ratio(
        d.net("6228"), d.activity["heures_indemnisees_professionnels"]
    ),
    "charges_par_adherent": lambda d: _ratio(d.total_charges_eur, _members(d)),
}


def _year_data(year: int, tb: pd.DataFrame, activity: Mapping[str, float]) -> _YearData:
    statement = income_statement(tb, year)
    autofinancement = caf(tb, year)
    balance = financial_balance(tb, year)
    table = ratios(tb, year).set_index("code")["valeur"]
    accounts = account_table(tb, year)
    balances: dict[str, float] = {}
    for account, solde in zip(accounts["compte"], accounts["solde_eur"], strict=True):
        balances[str(account)] = balances.get(str(account), 0.0) + float(solde)
    return _YearData(
        year=year,
        balances=balances,
        total_charges_eur=statement.total_charges_eur,
        total_produits_eur=statement.total_produits_eur,
        resultat_eur=statement.resultat_eur,
        caf_eur=autofinancement.caf_eur,
        taux_caf=autofinancement.taux_caf,
        frng_jours=float(table["frng_jours"]),
        tresorerie_jours=float(table["tresorerie_jours"]),
        fre_eur=balance.fre_eur,
        activity=activity,
    )


def available_years(activity: pd.DataFrame | None = None) -> tuple[int, ...]:
    """Years with both a trial balance in the case study (:data:`CASE_YEARS`) and an
    activity row."""
    rows = activity if activity is not None else load_activity()
    return tuple(y for y in CASE_YEARS if y in rows.index)


def indicator_values(
    years: Iterable[int] | None = None,
    *,
    trial_balances: Mapping[int, pd.DataFrame] | None = None,
    activity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Value of every indicator of the catalogue by year: index ``code``, one column per
    year (int), NaN when a denominator is zero (e.g. no patient orienté).

    Formulas (the catalogue's ``formule``; units of :data:`UNITS`, rates as fractions):

    - ``resultat`` = produits − charges (€); ``caf`` = :func:`~cpts_training.finance.
      analysis.caf` (€, additive method); ``taux_caf`` = CAF / produits;
    - ``frng_jours``, ``tresorerie_jours``: :func:`~cpts_training.finance.analysis.ratios`
      (amount × 365 / charges courantes décaissables);
    - ``part_aci`` = 741 / produits; ``part_personnel`` = 64 / charges;
    - ``reserves_mois`` = (FRE − fonds dédiés 19) / ((charges − 68) / 12), the definition
      of :mod:`cpts_training.finance.plan`;
    - activity: fields of :func:`load_activity`; ``taux_participation`` = professionnels
      in working groups / professionnels libéraux adhérents;
    - efficiency: ``cout_patient_oriente`` = charges / patients orientés;
      ``indemnite_horaire`` = 6228 / heures indemnisées; ``charges_par_adherent`` =
      charges / adhérents.

    Sources (the catalogue's ``source``): PCG and ANC 2018-06 (résultat); additive method
    of the PCG and guide M22 of the UNCCAS (CAF, :data:`~cpts_training.finance.analysis.
    SOURCE_CAF`); ANAP (taux de CAF, :data:`~cpts_training.finance.analysis.SOURCE_ANAP`);
    bilan financier (:data:`~cpts_training.finance.analysis.SOURCE_BILAN_FINANCIER`); the
    denominators of the ratios and the structure shares are the course's conventions;
    activity: the CPTS's own data (fictional for the case).

    ``years`` defaults to :func:`available_years`; ``trial_balances`` (year → balance)
    defaults to the case study's, ``activity`` to :func:`load_activity`.

    Raises :class:`~cpts_training.errors.InputError` (French) for a year without trial
    balance or without activity.
    """
    rows = activity if activity is not None else load_activity()
    chosen = tuple(years) if years is not None else available_years(rows)
    if not chosen:
        raise InputError("Choisissez au moins une année pour le tableau de bord.")
    catalogue = indicator_catalogue()
    columns: dict[int, list[float]] = {}
    for year in chosen:
        if year not in rows.index:
            raise InputError(
                f"Pas de données d'activité pour {year} : années disponibles "
                f"{', '.join(str(int(y)) for y in rows.index)}."
            )
        tb = trial_balances[year] if trial_balances is not None else None
        if tb is None:
            tb = load_trial_balance(year)
        fields: dict[str, float] = {str(k): float(v) for k, v in rows.loc[year].to_dict().items()}
        data = _year_data(year, tb, fields)
        # « + 0.0 » writes −0.0 (a zero account read as debit − credit) as 0.
        columns[year] = [float(_COMPUTATIONS[code](data)) + 0.0 for code in catalogue["code"]]
    out = pd.DataFrame(columns, index=list(catalogue["code"]))
    out.index.name = "code"
    return out


@lru_cache(maxsize=1)
def _case_values() -> pd.DataFrame:
    return indicator_values()


# --------------------------------------------------------------------------------------
# The trainee's choice and the tableau de bord
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorChoice:
    """One indicator of the trainee's tableau de bord.

    ``code``: a code of :func:`indicator_catalogue`; ``cible``: the target in the
    indicator's unit (a fraction for « % »: 0.075 = 7,5 %; ``None`` while not typed);
    ``frequence``: one of :data:`FREQUENCIES`; ``destinataires``: recipients among
    :data:`RECIPIENTS`. Checked against the catalogue by :func:`validate_choices`.
    """

    code: str
    cible: float | None
    frequence: str
    destinataires: tuple[str, ...] = ("CA",)


def _shown(value: float | None, unit: str) -> str:
    """A value written the French way in ``unit``."""
    if value is None or math.isnan(float(value)):
        return "n.d."
    if unit == "€":
        # Cents only when there are some: « 0 € », « 45 000 € », « 629,63 € ».
        return format_euros(value, 2 if round(float(value), 2) % 1 else 0)
    if unit == "%":
        return format_percent(value, 1)
    if unit in ("jours", "mois"):
        return f"{format_number_fr(value, 1 if unit == 'mois' else 0)} {unit}"
    return format_decimal_fr(value, 2)


def show_value(value: float | None, unit: str) -> str:
    """``value`` written the French way in ``unit`` (« 7,6 % », « 15 989 € », « 629,63 € »
    (euros with cents only when there are some), « 107 jours », « 3,7 mois », « 310 »;
    « n.d. » for NaN)."""
    return _shown(value, unit)


def show_change(value: float | None, unit: str) -> str:
    """A change between two years, signed: « −35,2 points » for a « % » indicator (a
    difference of fractions), « +300 € », « −5,3 mois », « +10 »; « n.d. » for NaN."""
    if value is None or math.isnan(float(value)):
        return "n.d."
    number = float(value)
    sign = "+" if number > 0 else ""
    if unit == "%":
        text = format_number_fr(number * 100, 1)
        return f"{sign}{text} points"
    return sign + _shown(number, unit)


def target_from_text(code: str, text: str) -> float | None:
    """The target typed for the indicator ``code`` (French number), in the unit of
    :class:`IndicatorChoice` (a fraction for a « % » indicator): « 7,5 % » → 0.075.

    An empty text gives ``None`` (no target yet). The indicator's own unit word may
    follow the number, singular or plural (:func:`unit_words`): « 60 jours », « 3 mois »,
    « 400 adhérents » are read as 60, 3, 400.

    Raises:
        InputError: unknown code; a text that is not a number; another unit's word
            (« 60 mois » for an indicator in jours); a percentage typed for an
            indicator in euros, days, months or a count; for a « % » indicator, a number
            between −1 and 1 typed without « % » (« 0,25 » is read neither as 25 % nor
            0,25 %: type « 25 % » or « 0,25 % »).
    """
    row = _row(code)
    name = row["libelle"]
    if not str(text).strip():
        return None
    number_text = _without_unit_word(str(text), row)
    try:
        typed = read_typed_number(number_text)
    except NumberFormatError as error:
        raise InputError(f"Cible de « {name} » : {error}") from None
    unit = row["unite"]
    if unit == "%":
        if typed.unit == "€":
            raise InputError(
                f"Cible de « {name} » : « {str(text).strip()} » est un montant ; cet "
                "indicateur est un pourcentage. Écrivez par exemple « 7,5 % »."
            )
        if not typed.unit and 0 < abs(typed.value) < 1:
            raise InputError(
                f"Cible de « {name} » : « {str(text).strip()} » est ambigu, cet indicateur "
                f"est un pourcentage. Pour {format_percent(typed.value, 0)}, écrivez "
                f"« {format_decimal_fr(typed.value * 100)} % » ; pour "
                f"{format_decimal_fr(typed.value)} %, écrivez « "
                f"{format_decimal_fr(typed.value)} % »."
            )
        return typed.value / 100
    if typed.unit == "%":
        raise InputError(
            f"Cible de « {name} » : « {str(text).strip()} » est un pourcentage ; cet "
            f"indicateur s'exprime en {_unit_words(unit)}."
        )
    if typed.unit == "€" and unit != "€":
        raise InputError(
            f"Cible de « {name} » : « {str(text).strip()} » est un montant ; cet "
            f"indicateur s'exprime en {_unit_words(unit)}."
        )
    return typed.value


_TIME_WORDS: dict[str, tuple[str, ...]] = {
    "jours": ("jour", "jours", "j"),
    "mois": ("mois",),
    "ans": ("an", "ans", "année", "années"),
}
_TIME_NAMES = {"jours": "jours", "mois": "mois", "ans": "années"}
_COUNT_WORDS = (
    "adhérent", "patient", "personne", "professionnel", "participant", "demande", "membre",
)  # fmt: skip
_TRAILING_WORD = re.compile(r"^(?P<number>.*\d)\s*(?P<word>[^\W\d_][\w'’-]*)\.?\s*$")


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word != "mois" else word


def unit_words(code: str) -> tuple[str, ...]:
    """The words a trainee may type after a target of the indicator ``code`` (lower
    case, singular and plural): « jour », « jours », « j » for an indicator in jours,
    « mois » in mois; for a count (``nombre``), the people or things counted (the first
    word of its libellé, « adhérents », and « patients », « personnes »…). Empty for
    « € » and « % » (read by :func:`~cpts_training.formatting.read_typed_number`).

    Raises:
        InputError: unknown code.
    """
    row = _row(code)
    unit = str(row["unite"])
    if unit in _TIME_WORDS:
        return _TIME_WORDS[unit]
    if unit != "nombre":
        return ()
    first = re.split(r"[\s'’]", str(row["libelle"]).strip().lower())[0]
    singulars = dict.fromkeys([_singular(first), *_COUNT_WORDS])
    return tuple(w for s in singulars for w in (s, f"{s}s"))


def _without_unit_word(text: str, row: Mapping[str, Any]) -> str:
    """``text`` without the indicator's own unit word after the number (« 60 jours » →
    « 60 »); another unit's word is refused in French; any other text is left as typed
    (the number reader refuses it)."""
    match = _TRAILING_WORD.match(text.strip())
    if not match:
        return text
    word = match["word"].lower()
    if word in ("euro", "euros"):
        return text
    if word in unit_words(str(row["code"])):
        return match["number"]
    for other, words in _TIME_WORDS.items():
        if word in words:
            expected = _unit_words(str(row["unite"]))
            raise InputError(
                f"Cible de « {row['libelle']} » : « {text.strip()} » est en "
                f"{_TIME_NAMES[other]} ; cet indicateur s'exprime en {expected}."
            )
    return text


def _unit_words(unit: str) -> str:
    return {
        "€": "euros",
        "%": "pourcentage",
        "jours": "jours",
        "mois": "mois",
        "nombre": "nombre (sans unité)",
    }[unit]


def _row(code: str) -> Mapping[str, Any]:
    catalogue = indicator_catalogue().set_index("code", drop=False)
    if code not in catalogue.index:
        raise InputError(
            f"Indicateur inconnu « {code} ». Indicateurs du catalogue : "
            f"{', '.join(catalogue.index)}."
        )
    return {str(k): v for k, v in catalogue.loc[code].to_dict().items()}


def validate_choices(choices: Sequence[IndicatorChoice]) -> None:
    """Check the trainee's choices against the catalogue.

    Raises:
        InputError: (French) fewer than :data:`MIN_INDICATORS` or more than
            :data:`MAX_INDICATORS` indicators, an unknown code (named), an indicator
            chosen twice, a missing target, a target that is not a number or not in the
            indicator's unit (a « % » target above 100 % in absolute value: 7,5 % is
            0.075), an unknown frequency, no or unknown recipients.
    """
    items = list(choices)
    for item in items:
        if not isinstance(item, IndicatorChoice):
            raise InputError(
                "Chaque indicateur choisi s'écrit IndicatorChoice(code, cible, fréquence, "
                "destinataires)."
            )
    if len(items) > MAX_INDICATORS:
        raise InputError(
            f"{len(items)} indicateurs choisis : un tableau de bord pour le conseil "
            f"d'administration reste court, {MAX_INDICATORS} indicateurs au plus. Retirez-en "
            f"{len(items) - MAX_INDICATORS}."
        )
    if len(items) < MIN_INDICATORS:
        raise InputError(
            f"{len(items)} indicateur(s) choisi(s) : choisissez-en au moins {MIN_INDICATORS} "
            f"(et au plus {MAX_INDICATORS})."
        )
    seen: set[str] = set()
    for item in items:
        row = _row(item.code)
        name = row["libelle"]
        if item.code in seen:
            raise InputError(f"L'indicateur « {name} » est choisi deux fois : gardez-en un.")
        seen.add(item.code)
        if item.cible is None:
            raise InputError(f"Cible manquante pour « {name} » : saisissez une cible.")
        if (
            isinstance(item.cible, bool)
            or not isinstance(item.cible, int | float)
            or math.isnan(float(item.cible))
        ):
            raise InputError(f"La cible de « {name} » vaut « {item.cible} » : saisissez un nombre.")
        if row["unite"] == "%" and abs(float(item.cible)) > 1:
            raise InputError(
                f"La cible de « {name} » vaut {format_decimal_fr(float(item.cible))} : cet "
                "indicateur est un pourcentage, sa cible s'écrit en fraction (7,5 % = 0,075) "
                "ou se tape « 7,5 % » dans le formulaire."
            )
        if not item.frequence:
            raise InputError(
                f"Fréquence manquante pour « {name} » : choisissez parmi {', '.join(FREQUENCIES)}."
            )
        if item.frequence not in FREQUENCIES:
            raise InputError(
                f"Fréquence de « {name} » : « {item.frequence} » inconnue. Choisissez "
                f"parmi : {', '.join(FREQUENCIES)}."
            )
        recipients = tuple(item.destinataires)
        if not recipients:
            raise InputError(f"Destinataires de « {name} » : choisissez au moins un destinataire.")
        unknown = [r for r in recipients if r not in RECIPIENTS]
        if unknown:
            raise InputError(
                f"Destinataire inconnu « {unknown[0]} » pour « {name} ». Destinataires "
                f"possibles : {', '.join(RECIPIENTS)}."
            )


def dashboard_table(
    choices: Sequence[IndicatorChoice],
    years: Iterable[int] | None = None,
    *,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tableau de bord: one row per chosen indicator, in the order chosen.

    Columns :data:`DASHBOARD_COLUMNS` (``destinataires`` joined by « , »), then one
    column per year (int; values of :func:`indicator_values`, in the indicator's unit),
    then ``evolution`` (last year − previous year, in the unit; for « % » in fraction
    points; NaN with a single year), ``evolution_relative`` (evolution / |previous|, NaN
    when the previous value is 0 or missing) and ``cible_atteinte`` (the last value ≥
    target when ``sens`` is « hausse », ≤ target when « baisse »; ``None`` when the last
    value is missing).

    ``values`` (index ``code``, columns years) replaces the case study's values.

    Raises :class:`~cpts_training.errors.InputError` (French): see
    :func:`validate_choices`; a year without data.
    """
    items = list(choices)
    validate_choices(items)
    if values is None:
        table = _case_values() if years is None else indicator_values(years)
    else:
        table = values
    chosen_years = [int(y) for y in (years if years is not None else table.columns)]
    missing = [y for y in chosen_years if y not in table.columns]
    if missing:
        raise InputError(f"Pas de valeurs pour l'année {missing[0]}.")
    catalogue = indicator_catalogue().set_index("code", drop=False)
    rows = []
    for item in items:
        row = catalogue.loc[item.code]
        measured: Any = table.loc[item.code]
        series = [float(measured[y]) for y in chosen_years]
        last = series[-1]
        evolution = series[-1] - series[-2] if len(series) > 1 else math.nan
        previous = series[-2] if len(series) > 1 else math.nan
        relative = (
            evolution / abs(previous)
            if not math.isnan(previous) and previous != 0 and not math.isnan(evolution)
            else math.nan
        )
        cible = float(item.cible)  # type: ignore[arg-type]  # checked by validate_choices
        met: bool | None
        if math.isnan(last):
            met = None
        elif row["sens"] == "hausse":
            met = last >= cible
        else:
            met = last <= cible
        rows.append(
            [item.code, row["libelle"], row["famille"], row["unite"], cible, item.frequence,
             ", ".join(item.destinataires), row["sens"], *series, evolution, relative, met]
        )  # fmt: skip
    columns: list[Any] = [
        *DASHBOARD_COLUMNS,
        *chosen_years,
        "evolution",
        "evolution_relative",
        "cible_atteinte",
    ]
    out = pd.DataFrame(rows, columns=columns)
    # True, False or None (missing value), kept as Python objects.
    out["cible_atteinte"] = pd.Series([r[-1] for r in rows], dtype=object)
    return out


def year_columns(table: pd.DataFrame) -> list[int]:
    """The year columns of a :func:`dashboard_table` (ints, in order)."""
    return [int(c) for c in table.columns if isinstance(c, int)]


DASHBOARD_CHART_COLUMNS = 3
DASHBOARD_CHART_WIDTH_IN = 9.0
DASHBOARD_CHART_FONT_PT = 10
"""Panels per row, width (inches, 900 px at 100 dpi) and font size (points) of
:func:`plot_dashboard`: readable at the 900 px the form shows it."""


def plot_dashboard(table: pd.DataFrame) -> Any:
    """Small multiples: one panel per indicator of a :func:`dashboard_table`, its values by
    year (points joined by a line) and its target (dashed horizontal line); a
    :class:`~cpts_training.figures.CourseFigure`. « % » indicators are drawn in percent."""
    from matplotlib.ticker import FuncFormatter

    from cpts_training.figures import CourseFigure

    years = year_columns(table)
    count = len(table)
    if count == 0 or not years:
        raise InputError("Le tableau de bord est vide : construisez-le d'abord.")
    ncols = min(count, DASHBOARD_CHART_COLUMNS)
    nrows = math.ceil(count / ncols)
    height = 3.0 * nrows + 0.8
    # 9 inches at 100 dpi: 900 px, shown at that size, so the fonts keep their size.
    fig = CourseFigure(figsize=(DASHBOARD_CHART_WIDTH_IN, height))
    fig.subplots_adjust(
        left=0.1, right=0.98, top=1 - 0.8 / height, bottom=0.35 / height, wspace=0.55,
        hspace=0.6,
    )  # fmt: skip
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, record in enumerate(table.to_dict("records")):
        ax = axes[k // ncols][k % ncols]
        scale = 100.0 if record["unite"] == "%" else 1.0
        values = [float(record[y]) * scale for y in years]
        ax.plot(years, values, marker="o", color="#4f81bd", label="Valeur")
        ax.axhline(
            float(record["cible"]) * scale, color="#c0504d", linestyle="--", linewidth=1,
            label="Cible",
        )  # fmt: skip
        ax.set_xticks(years, [str(y) for y in years])
        unit = record["unite"]
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p, u=unit: _axis_label(v, u)))
        title = "\n".join(textwrap.wrap(str(record["libelle"]), 30)[:2])
        ax.set_title(title, fontsize=DASHBOARD_CHART_FONT_PT)
        ax.tick_params(labelsize=DASHBOARD_CHART_FONT_PT)
    for k in range(count, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    axes[0][0].legend(loc="best", fontsize=DASHBOARD_CHART_FONT_PT)
    fig.suptitle("Tableau de bord : valeurs par année et cible (pointillés)", fontsize=12)
    return fig


def _axis_label(value: float, unit: str) -> str:
    if unit == "€":
        return format_euros(value)
    if unit == "%":
        return f"{format_decimal_fr(round(value, 1))} %"
    return format_decimal_fr(round(value, 1))


def export_dashboard_xlsx(
    path: Path | str,
    table: pd.DataFrame,
    *,
    notice: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a :func:`dashboard_table` to an XLSX workbook (openpyxl), sheet « Tableau de
    bord »: indicator, unit, target, frequency, recipients, desired direction, one column
    per year, évolution, « Cible atteinte » (oui / non / n.d.); percentages with a percent
    format, euros with a euro format. Returns the path written.

    Raises :class:`~cpts_training.errors.InputError` (French) for a name without
    ``.xlsx``, an existing file when ``overwrite`` is false, a folder that does not exist.
    """
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    target = require_target(path, ".xlsx", overwrite)
    years = year_columns(table)
    book = openpyxl.Workbook()
    sheet: Any = book.active
    sheet.title = "Tableau de bord"
    sheet["A1"] = "Tableau de bord de la CPTS"
    sheet["A1"].font = Font(bold=True, size=13)
    row = 2
    if notice:
        sheet.cell(row=row, column=1, value=notice).font = Font(italic=True)
        row += 1
    row += 1
    headers = [
        "Indicateur", "Famille", "Unité", "Cible", "Fréquence", "Destinataires",
        "Sens souhaité", *(str(y) for y in years), "Évolution", "Cible atteinte",
    ]  # fmt: skip
    for j, header in enumerate(headers, start=1):
        sheet.cell(row=row, column=j, value=header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(j)].width = 14
    sheet.column_dimensions["A"].width = 52
    sheet.column_dimensions["F"].width = 24
    formats = {"€": '#,##0\\ "€"', "%": "0.0%", "jours": "0", "mois": "0.0", "nombre": "0"}
    for record in table.to_dict("records"):
        row += 1
        number = formats[record["unite"]]
        met = record["cible_atteinte"]
        cells: list[tuple[Any, str | None]] = [
            (record["libelle"], None), (record["famille"], None), (record["unite"], None),
            (float(record["cible"]), number), (record["frequence"], None),
            (record["destinataires"], None), (record["sens"], None),
            *((_cell(record[y]), number) for y in years),
            (_cell(record["evolution"]), number),
            ("n.d." if met is None else ("oui" if met else "non"), None),
        ]  # fmt: skip
        for j, (value, fmt) in enumerate(cells, start=1):
            cell = sheet.cell(row=row, column=j, value=value)
            if fmt and isinstance(value, float):
                cell.number_format = fmt
    try:
        book.save(target)
    except OSError as error:
        raise InputError(f"Le classeur « {target} » n'a pas pu être écrit : {error}.") from None
    return target


def _cell(value: Any) -> float | str:
    number = float(value)
    return "n.d." if math.isnan(number) else round(number, 6)
