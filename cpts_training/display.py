"""Tables for trainees: French column headers and euros, percentages, dates formatted.

``french_table(df)`` turns a domain DataFrame (columns such as ``part_fixe_eur`` or
``ecart_relatif``) into a styled table a non-programmer can read; the data are
unchanged.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pandas.io.formats.style import Styler

from cpts_training.formatting import format_euros, format_number_fr, format_percent

COLUMN_LABELS: dict[str, str] = {
    "mission": "Mission (code)",
    "libelle": "Libellé",
    "libelle_mission": "Mission",
    "optionnelle": "Optionnelle",
    "debut": "Début",
    "date": "Date",
    "annee_contrat": "Année de contrat",
    "nature": "Nature",
    "compte": "Compte",
    "sens": "Sens",
    "classe": "Classe",
    "rubrique": "Rubrique",
    "mois": "Mois",
    "libelle_mois": "Mois",
    "mois_prorata": "Mois couverts",
    "taux_atteinte": "Taux d'atteinte",
    "ecart_relatif": "Écart (%)",
    "appreciation": "Appréciation",
    "alerte": "Alerte",
    "message": "Commentaire",
    "prevu_eur": "Prévu (€)",
    "realise_eur": "Réalisé (€)",
    "ecart_eur": "Écart (€)",
    "encaissements_aci_eur": "Encaissements ACI (€)",
    "decaissements_eur": "Décaissements (€)",
    "solde_ouverture_eur": "Solde d'ouverture (€)",
    "solde_cloture_eur": "Solde de clôture (€)",
}

_PERCENT_COLUMNS = {"taux_atteinte", "ecart_relatif"}


def column_label(column: str) -> str:
    """French header of a domain column: known label, else a readable form of the name."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if column.endswith("_eur"):
        return column.removesuffix("_eur").replace("_", " ").capitalize() + " (€)"
    return column.replace("_", " ").capitalize()


def _format_cell(column: str, value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if column.endswith("_eur"):
        return format_euros(value, 2 if float(value) % 1 else 0)
    if column in _PERCENT_COLUMNS:
        return format_percent(float(value), 1)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date | pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return format_number_fr(value, 2 if value % 1 else 0)
    return str(value)


def french_table(df: pd.DataFrame, columns: list[str] | None = None) -> Styler:
    """A styled copy of ``df`` (or of ``columns`` of it) with French headers and formats."""
    shown = df[columns] if columns is not None else df
    formatters = {c: (lambda v, c=c: _format_cell(c, v)) for c in shown.columns}
    numeric = [c for c in shown.columns if c.endswith("_eur") or c in _PERCENT_COLUMNS]
    text = [c for c in shown.columns if c not in numeric]
    return (
        shown.style.format(formatters)
        .relabel_index([column_label(c) for c in shown.columns], axis="columns")
        .hide(axis="index")
        .set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
        .set_properties(subset=text, **{"text-align": "left"})
        .set_table_styles(
            [
                {"selector": "th", "props": "text-align: left; padding: 0.3em 0.6em;"},
                {"selector": "td", "props": "padding: 0.25em 0.6em;"},
            ]
        )
    )
