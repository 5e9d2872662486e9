"""Public reference figures (ACI amounts, thresholds, PASS, rates), stored as data.

Each parameter is one small YAML file under ``cpts_training/data/parametres/``, in the
style of OpenFisca-France: a French ``description``, ``metadata`` (sources, unit, whether
the figure was checked against a source) and ``values`` keyed by the date they take
effect::

    description: Plafond annuel de la sécurité sociale (PASS).
    metadata:
      reference:
        - label: Arrêté annuel portant fixation du plafond de la sécurité sociale
          title: Journal officiel
      unit: currency
      verified: true
      note: ...
      short_label: Plafond annuel de la sécurité sociale (PASS)   # optional: a title
    values:
      2024-01-01: {value: 46368}
      2025-01-01: {value: 47100}

A formula reads a parameter *for a date* with :meth:`Parameter.value_at`: the value is
the one whose date is the latest on or before the requested date. A value may be a
number or a mapping (for instance one amount per ACI size: ``{taille_1: ..., ...}``).
A dated entry may override ``verified`` and carry its own ``note``.

Units: ``currency`` (euros), ``population`` (inhabitants), ``rate`` (a fraction between
0 and 1: 0.75 means 75 %), ``month`` (a whole number of months), ``number`` (a plain
positive number without unit, such as an exponent or a multiple of the SMIC) and ``text``
(French labels).

Every loader validates the file and fails with a French
:class:`~cpts_training.errors.DataError` that names the file and says how to fix it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from cpts_training.dates import fr_date, to_date
from cpts_training.errors import DataError, InputError
from cpts_training.readers import read_yaml

PARAMETERS_DIR = Path(__file__).parent / "data" / "parametres"
"""Folder that holds one YAML file per parameter."""

UNITS = ("currency", "population", "rate", "month", "number", "text")
"""Units a parameter may declare (see the module docstring)."""

UNVERIFIED_AMOUNT_LABEL = "montant indicatif — à vérifier dans votre contrat"
"""Warning shown to trainees next to an amount that no source confirmed."""

UNVERIFIED_VALUE_LABEL = "valeur indicative — à vérifier"
"""Warning shown to trainees next to a non-monetary value that no source confirmed."""

_TOP_KEYS = {"description", "metadata", "values"}
_METADATA_KEYS = {"reference", "unit", "verified", "note", "short_label"}
_ENTRY_KEYS = {"value", "verified", "note"}


@dataclass(frozen=True)
class Reference:
    """A source of a parameter: a label plus a URL or a document title."""

    label: str
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class ParameterMetadata:
    """Sources, unit and verification status of a parameter."""

    reference: tuple[Reference, ...]
    unit: str
    verified: bool
    note: str = ""
    short_label: str = ""
    """A title of a few words (« Plafond annuel de la sécurité sociale (PASS) »), as
    OpenFisca's ``metadata.short_label``; empty when the file gives none."""


@dataclass(frozen=True)
class ParameterValue:
    """One dated value of a parameter.

    ``verified`` is ``None`` when the entry follows the parameter's ``metadata.verified``.
    """

    start: dt.date
    value: Any
    verified: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class Parameter:
    """A parameter read from its YAML file, with values keyed by their effective date."""

    name: str
    description: str
    metadata: ParameterMetadata
    values: tuple[ParameterValue, ...]

    @property
    def unit(self) -> str:
        """Unit of the parameter (one of :data:`UNITS`)."""
        return self.metadata.unit

    @property
    def verified(self) -> bool:
        """True when the parameter as a whole was checked against its sources.

        A parameter is reported as verified only if its metadata says so and no dated
        entry overrides it with ``verified: false``.
        """
        return self.metadata.verified and all(v.verified is not False for v in self.values)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Dates on which a value takes effect, oldest first."""
        return tuple(v.start for v in self.values)

    def entry_at(self, at: dt.date | str) -> ParameterValue:
        """Dated entry in force on ``at`` (the latest one that starts on or before it).

        Raises :class:`InputError` (French) when ``at`` is before the first date.
        """
        day = to_date(at, f"la date demandée pour le paramètre « {self.name} »")
        current: ParameterValue | None = None
        for entry in self.values:
            if entry.start <= day:
                current = entry
        if current is None:
            first = self.values[0].start
            raise InputError(
                f"Le paramètre « {self.name} » n'a pas de valeur "
                f"avant le {fr_date(first)} (date demandée : {fr_date(day)}). "
                f"Choisissez une date à partir du {fr_date(first)}."
            )
        return current

    def value_at(self, at: dt.date | str) -> Any:
        """Value in force on ``at``: the value of the latest date on or before ``at``.

        A mapping value is returned as a copy, so changing it does not change the
        parameter.
        """
        value = self.entry_at(at).value
        return copy.deepcopy(value) if isinstance(value, Mapping) else value

    def verified_at(self, at: dt.date | str) -> bool:
        """True when the value in force on ``at`` was checked against a source."""
        entry = self.entry_at(at)
        return self.metadata.verified if entry.verified is None else entry.verified

    def source_label(self) -> str:
        """French one-line statement of the sources, e.g. « Source : … »."""
        parts = []
        for ref in self.metadata.reference:
            detail = ref.url or ref.title
            if not detail:
                parts.append(ref.label)
            elif "(" in detail:  # no parentheses within parentheses
                parts.append(f"{ref.label} — {detail}")
            else:
                parts.append(f"{ref.label} ({detail})")
        return "Source : " + " ; ".join(parts)

    def to_frame(self) -> pd.DataFrame:
        """Table of the dated values, for display (columns ``date_effet``, ``valeur``,
        ``verifie``, ``note``)."""
        return pd.DataFrame(
            {
                "date_effet": [v.start for v in self.values],
                "valeur": [v.value for v in self.values],
                "verifie": [
                    self.metadata.verified if v.verified is None else v.verified
                    for v in self.values
                ],
                "note": [v.note for v in self.values],
            }
        )


def learner_label(parameter: Parameter, at: dt.date | str | None = None) -> str:
    """French warning to show a trainee next to a value of ``parameter``.

    Returns « montant indicatif — à vérifier dans votre contrat » for an unverified
    amount (unit ``currency``), « valeur indicative — à vérifier » for another unverified
    value, and an empty string for a verified one. With ``at``, the verification status
    of the value in force on that date is used; otherwise the parameter's overall status.
    """
    verified = parameter.verified if at is None else parameter.verified_at(at)
    if verified:
        return ""
    return UNVERIFIED_AMOUNT_LABEL if parameter.unit == "currency" else UNVERIFIED_VALUE_LABEL


def list_parameters() -> list[str]:
    """Names of every parameter shipped with the package (e.g. ``"aci/fonctionnement"``)."""
    return sorted(
        path.relative_to(PARAMETERS_DIR).with_suffix("").as_posix()
        for path in PARAMETERS_DIR.rglob("*.yaml")
    )


def load_parameter(name: str) -> Parameter:
    """Load and validate the parameter ``name`` (path under ``data/parametres`` without
    ``.yaml``, with ``/`` or ``.`` as separator, e.g. ``"pss/plafond_annuel"``).

    Raises :class:`DataError` (French) when the file is missing or invalid.
    """
    key = name.strip().replace(".", "/").removesuffix("/yaml")
    return _load_parameter_cached(key)


@cache
def _load_parameter_cached(name: str) -> Parameter:
    path = PARAMETERS_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(list_parameters())
        raise DataError(
            f"Paramètre « {name} » introuvable (fichier attendu : {path}). "
            f"Paramètres disponibles : {known}. Vérifiez l'orthographe du nom."
        )
    raw = read_yaml(path, f"Fichier de paramètre {path.name} ({name})")
    return parse_parameter(name, raw, source=f"Fichier de paramètre « {name}.yaml »")


def parse_parameter(name: str, raw: Any, source: str | None = None) -> Parameter:
    """Validate the content ``raw`` of a parameter file and build the :class:`Parameter`.

    ``source`` names the file in error messages.
    """
    src = source or f"Paramètre « {name} »"
    if not isinstance(raw, Mapping):
        raise DataError(
            f"{src} : le fichier doit contenir les clés description, metadata et values. "
            "Reprenez le modèle d'un autre fichier de paramètre."
        )
    missing = sorted(_TOP_KEYS - set(raw))
    if missing:
        raise DataError(
            f"{src} : clé(s) manquante(s) : {', '.join(missing)}. "
            "Ajoutez-les au premier niveau du fichier (description, metadata, values)."
        )
    extra = sorted(set(map(str, raw)) - _TOP_KEYS)
    if extra:
        raise DataError(
            f"{src} : clé(s) inconnue(s) : {', '.join(extra)}. "
            "Seules description, metadata et values sont permises : supprimez ou renommez-les."
        )
    description = raw["description"]
    if not isinstance(description, str) or not description.strip():
        raise DataError(f"{src} : « description » doit être un texte en français non vide.")
    metadata = _parse_metadata(raw["metadata"], src)
    values = _parse_values(raw["values"], metadata.unit, src)
    return Parameter(name=name, description=description.strip(), metadata=metadata, values=values)


def _parse_metadata(raw: Any, src: str) -> ParameterMetadata:
    if not isinstance(raw, Mapping):
        raise DataError(
            f"{src} : « metadata » doit contenir reference, unit et verified "
            "(et éventuellement note)."
        )
    missing = sorted({"reference", "unit", "verified"} - set(raw))
    if missing:
        raise DataError(
            f"{src} : metadata : clé(s) manquante(s) : {', '.join(missing)}. "
            "Ajoutez-les sous « metadata »."
        )
    extra = sorted(set(map(str, raw)) - _METADATA_KEYS)
    if extra:
        raise DataError(
            f"{src} : metadata : clé(s) inconnue(s) : {', '.join(extra)}. "
            "Clés permises : reference, unit, verified, note, short_label."
        )
    unit = raw["unit"]
    if unit not in UNITS:
        raise DataError(
            f"{src} : metadata.unit vaut « {unit} » ; valeurs permises : {', '.join(UNITS)}. "
            "Corrigez l'unité."
        )
    verified = raw["verified"]
    if not isinstance(verified, bool):
        raise DataError(
            f"{src} : metadata.verified vaut « {verified} » ; écrivez true (montant confirmé "
            "par une source) ou false (montant non confirmé)."
        )
    note = raw.get("note") or ""
    if not isinstance(note, str):
        raise DataError(f"{src} : metadata.note doit être un texte.")
    short_label = raw.get("short_label") or ""
    if not isinstance(short_label, str):
        raise DataError(
            f"{src} : metadata.short_label doit être un titre court en français (quelques mots)."
        )
    refs = raw["reference"]
    if not isinstance(refs, list) or not refs:
        raise DataError(
            f"{src} : metadata.reference doit être une liste non vide de sources "
            "(chaque source : label et url ou title)."
        )
    references = []
    for i, ref in enumerate(refs, start=1):
        if not isinstance(ref, Mapping) or not isinstance(ref.get("label"), str):
            raise DataError(
                f"{src} : metadata.reference, source n° {i} : il faut un « label » (texte). "
                "Exemple : {label: Sénat, rapport r25-032, url: https://…}."
            )
        url, title = ref.get("url"), ref.get("title")
        if not url and not title:
            raise DataError(
                f"{src} : metadata.reference, source n° {i} ({ref['label']}) : indiquez une "
                "« url » ou un « title » (titre du document) pour que la source soit traçable."
            )
        unknown = sorted(set(map(str, ref)) - {"label", "url", "title"})
        if unknown:
            raise DataError(
                f"{src} : metadata.reference, source n° {i} : clé(s) inconnue(s) "
                f"{', '.join(unknown)}. Clés permises : label, url, title."
            )
        references.append(Reference(label=ref["label"], url=url, title=title))
    return ParameterMetadata(
        reference=tuple(references),
        unit=unit,
        verified=verified,
        note=note.strip(),
        short_label=" ".join(short_label.split()),
    )


def _parse_values(raw: Any, unit: str, src: str) -> tuple[ParameterValue, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise DataError(
            f"{src} : « values » doit associer au moins une date d'effet à une valeur, "
            "par exemple « 2019-08-25: {value: 50000} »."
        )
    entries = []
    for key, entry in raw.items():
        start = _parse_start(key, src)
        where = f"{src}, valeur du {fr_date(start)}"
        if not isinstance(entry, Mapping) or "value" not in entry:
            raise DataError(f"{where} : écrivez « {{value: …}} » après la date.")
        extra = sorted(set(map(str, entry)) - _ENTRY_KEYS)
        if extra:
            raise DataError(
                f"{where} : clé(s) inconnue(s) {', '.join(extra)}. "
                "Clés permises : value, verified, note."
            )
        verified = entry.get("verified")
        if verified is not None and not isinstance(verified, bool):
            raise DataError(f"{where} : verified doit valoir true ou false.")
        note = entry.get("note") or ""
        if not isinstance(note, str):
            raise DataError(f"{where} : note doit être un texte.")
        _check_value(entry["value"], unit, where, path="value")
        entries.append(
            ParameterValue(start=start, value=entry["value"], verified=verified, note=note)
        )
    entries.sort(key=lambda e: e.start)
    return tuple(entries)


def _parse_start(key: Any, src: str) -> dt.date:
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError:
        raise DataError(
            f"{src} : la clé « {key} » de « values » n'est pas une date. "
            "Écrivez la date d'effet au format AAAA-MM-JJ, par exemple 2019-08-25."
        ) from None


def _check_value(value: Any, unit: str, where: str, path: str) -> None:
    """Check every leaf of ``value`` against ``unit``."""
    if isinstance(value, Mapping):
        if not value:
            raise DataError(f"{where} : {path} est vide. Donnez au moins une valeur.")
        for key, sub in value.items():
            _check_value(sub, unit, where, f"{path}.{key}")
        return
    if unit == "text":
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{where} : {path} doit être un texte non vide (unité text).")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DataError(
            f"{where} : {path} vaut « {value} », ce n'est pas un nombre. "
            "Écrivez un nombre sans espace ni symbole (point décimal)."
        )
    if value != value or value < 0:  # NaN or negative
        raise DataError(
            f"{where} : {path} vaut {value} : une valeur négative est impossible, "
            "un paramètre doit être positif ou nul."
        )
    if unit == "rate" and value > 1:
        raise DataError(
            f"{where} : {path} vaut {value} ; un taux s'écrit comme une fraction entre 0 et 1 "
            "(0,75 pour 75 %)."
        )
    if unit == "month" and int(value) != value:
        raise DataError(f"{where} : {path} vaut {value} ; un nombre de mois doit être entier.")
