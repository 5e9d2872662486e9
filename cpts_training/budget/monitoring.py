"""Budget monitoring: planned (prévu) against actual (réalisé), alerts and reforecast.

Lines are matched on their account (``compte``), which is unique within a budget.
Variances are actual − planned, in euros (``ecart_eur``) and relative to the planned
amount (``ecart_relatif``, a fraction: 0.356 means +35.6 %).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from cpts_training.budget._common import cents, require_rate, require_whole
from cpts_training.budget.forecast import SENS_CHARGE, ensure_budget
from cpts_training.columns import Column, declare_columns
from cpts_training.formatting import format_euros, format_percent
from cpts_training.reference import load_parameter

COMPARISON_COLUMNS = (
    "compte",
    "libelle",
    "sens",
    "rubrique",
    "prevu_eur",
    "realise_eur",
    "ecart_eur",
    "ecart_relatif",
    "appreciation",
    "alerte",
    "message",
)
"""Columns of :func:`compare`."""

REFORECAST_COLUMNS = (
    "compte",
    "libelle",
    "sens",
    "prevu_eur",
    "realise_a_date_eur",
    "reste_prevu_eur",
    "atterrissage_eur",
    "ecart_atterrissage_eur",
)
"""Columns of :func:`reforecast`."""


def default_threshold(at: dt.date | str = "2025-01-01") -> float:
    """Alert threshold (parameter ``budget/seuil_alerte_ecart``, 10 % by default)."""
    return float(load_parameter("budget/seuil_alerte_ecart").value_at(at))


def compare(
    planned: pd.DataFrame, actual: pd.DataFrame, threshold: float | None = None
) -> pd.DataFrame:
    """Planned against actual, line by line (:data:`COMPARISON_COLUMNS`).

    - ``ecart_eur`` = réalisé − prévu;
    - ``ecart_relatif`` = ``ecart_eur`` / prévu (NaN when nothing was planned);
    - ``alerte`` is true when |``ecart_relatif``| > ``threshold`` (a fraction, default
      the parameter ``budget/seuil_alerte_ecart`` = 0.10), or when a line that was not
      planned has an actual amount;
    - ``appreciation``: « défavorable » for a charge above plan or a product below plan,
      « favorable » in the opposite case, « conforme » without variance;
    - ``message``: French alert text (empty without alert).

    Lines present on one side only count as 0 on the other side.
    """
    limit = default_threshold() if threshold is None else threshold
    limit = require_rate(limit, "Le seuil d'alerte")
    plan = ensure_budget(planned)
    real = ensure_budget(actual)
    merged = plan.merge(real, on="compte", how="outer", suffixes=("_prevu", "_realise"), sort=False)
    order = {c: i for i, c in enumerate(list(plan["compte"]) + list(real["compte"]))}
    merged = merged.assign(_order=merged["compte"].map(order)).sort_values("_order")
    rows = []
    for r in merged.to_dict("records"):
        planned_eur = 0.0 if _missing(r["montant_eur_prevu"]) else float(r["montant_eur_prevu"])
        actual_eur = 0.0 if _missing(r["montant_eur_realise"]) else float(r["montant_eur_realise"])
        label = r["libelle_prevu"] if not _missing(r["libelle_prevu"]) else r["libelle_realise"]
        sens = r["sens_prevu"] if not _missing(r["sens_prevu"]) else r["sens_realise"]
        rubrique = (
            r["rubrique_prevu"] if not _missing(r["rubrique_prevu"]) else r["rubrique_realise"]
        )
        gap = cents(actual_eur - planned_eur)
        relative = gap / planned_eur if planned_eur else math.nan
        if gap == 0:
            appreciation = "conforme"
        elif (gap > 0) == (sens == SENS_CHARGE):
            appreciation = "défavorable"
        else:
            appreciation = "favorable"
        # Without a planned amount, any actual amount is an unplanned line.
        alert = abs(relative) > limit if planned_eur else actual_eur != 0
        message = (
            _alert_message(
                r["compte"],
                label,
                sens,
                planned_eur,
                actual_eur,
                gap,
                relative,
                limit,
                appreciation,
            )
            if alert
            else ""
        )
        rows.append(
            (
                r["compte"],
                label,
                sens,
                rubrique,
                planned_eur,
                actual_eur,
                gap,
                relative,
                appreciation,
                bool(alert),
                message,
            )
        )
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS)).reset_index(drop=True)


def alerts(comparison: pd.DataFrame) -> list[str]:
    """French messages of the lines in alert, in budget order."""
    return [m for m, a in zip(comparison["message"], comparison["alerte"], strict=True) if a]


def result_of(comparison: pd.DataFrame, column: str = "prevu_eur") -> float:
    """Result (products − charges) of the ``prevu_eur`` or ``realise_eur`` column."""
    sign = comparison["sens"].map(lambda s: -1.0 if s == SENS_CHARGE else 1.0)
    return cents((comparison[column] * sign).sum())


def reforecast(
    planned: pd.DataFrame, actual_to_date: pd.DataFrame, months_elapsed: int
) -> pd.DataFrame:
    """Year-end estimate (« atterrissage ») per line after ``months_elapsed`` months.

    Method: actual to date + planned amount for the remaining months, pro rata::

        atterrissage = réalisé à date + prévu × (12 − months_elapsed) / 12

    It assumes that what remains is spent or received evenly, as planned; adjust the
    lines whose timing is known (a subsidy paid once, a yearly invoice) by hand.
    Columns: :data:`REFORECAST_COLUMNS`; ``ecart_atterrissage_eur`` = atterrissage − prévu.
    """
    months = require_whole(months_elapsed, "Le nombre de mois écoulés", minimum=0, maximum=12)
    table = compare(planned, actual_to_date, threshold=1.0)
    rows = []
    r: Any  # a row of the table: its fields are not known statically
    for r in table.itertuples(index=False):
        remaining = cents(r.prevu_eur * (12 - months) / 12)
        landing = cents(r.realise_eur + remaining)
        rows.append(
            (
                r.compte,
                r.libelle,
                r.sens,
                r.prevu_eur,
                r.realise_eur,
                remaining,
                landing,
                cents(landing - r.prevu_eur),
            )
        )
    return pd.DataFrame(rows, columns=list(REFORECAST_COLUMNS))


def _alert_message(
    account: str,
    label: str,
    sens: str,
    planned: float,
    actual: float,
    gap: float,
    relative: float,
    limit: float,
    appreciation: str,
) -> str:
    sign = "+" if gap > 0 else ""
    nature = "charge" if sens == SENS_CHARGE else "produit"
    article = "une charge" if sens == SENS_CHARGE else "un produit"
    if not planned:
        return (
            f"{label} (compte {account}) : {format_euros(actual)} réalisés sur une ligne de "
            f"{nature}s non prévue au budget. Expliquez cette ligne et ajoutez-la à la "
            "prévision révisée."
        )
    action = (
        "expliquez l'écart et ajustez la prévision"
        if appreciation == "défavorable"
        else "vérifiez s'il s'agit d'un décalage dans le temps ou d'une économie durable"
    )
    return (
        f"{label} (compte {account}) : réalisé {format_euros(actual)} pour "
        f"{format_euros(planned)} prévus, soit {sign}{format_euros(gap)} "
        f"({sign}{format_percent(relative, 1)}), au-delà du seuil de {format_percent(limit)}. "
        f"Écart {appreciation} sur {article} : {action}."
    )


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


COLUMNS = declare_columns(
    Column("prevu_eur", "Prévu (€)", "€"),
    Column("realise_eur", "Réalisé (€)", "€"),
    Column("ecart_eur", "Écart (€)", "€"),
    Column("ecart_relatif", "Écart (%)", "%"),
    Column("appreciation", "Appréciation"),
    Column("alerte", "Alerte"),
    Column("message", "Commentaire"),
)
"""Columns of the planned-versus-actual comparison (:func:`compare`)."""
