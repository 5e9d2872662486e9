"""Figures of the budget module, with French titles and labels and euro axes.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global
state): a notebook shows it when it is the cell's last value, or with ``display(fig)``.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cpts_training.budget.cash import cash_summary
from cpts_training.budget.forecast import SENS_CHARGE, SENS_PRODUIT, by_nature
from cpts_training.budget.monitoring import result_of
from cpts_training.errors import InputError
from cpts_training.figures import BOOK_FIGURE_WIDTH_IN, MIN_FONT_PT, CourseFigure, fit_title
from cpts_training.formatting import format_euros

CHARGE_COLOR = "#c0504d"
PRODUCT_COLOR = "#4f81bd"
NEUTRAL_COLOR = "#7f7f7f"

MONTH_ABBREVIATIONS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

_EUROS = FuncFormatter(lambda value, _position: format_euros(value))


def plot_budget_structure(budget: pd.DataFrame, title: str | None = None) -> Figure:
    """Charges and products by nature (two-digit account), as two horizontal bar panels."""
    grouped = by_nature(budget)
    fig = CourseFigure(figsize=(11, 5.5), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, sens, color, heading in (
        (axes[0], SENS_CHARGE, CHARGE_COLOR, "Charges par nature"),
        (axes[1], SENS_PRODUIT, PRODUCT_COLOR, "Produits par nature"),
    ):
        part = grouped[grouped["sens"] == sens].sort_values("montant_eur")
        labels = [f"{c} – {r}" for c, r in zip(part["classe"], part["rubrique"], strict=True)]
        bars = ax.barh(labels, part["montant_eur"], color=color)
        ax.bar_label(
            bars, labels=[format_euros(v) for v in part["montant_eur"]], padding=3, fontsize=8
        )
        total = part["montant_eur"].sum()
        ax.set_title(f"{heading} (total : {format_euros(total)})")
        ax.set_xlabel("Montant (€)")
        ax.xaxis.set_major_formatter(_EUROS)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
        ax.margins(x=0.3)
        ax.tick_params(axis="y", labelsize=8)
    fig.suptitle(title or "Structure du budget prévisionnel : charges et produits par nature")
    return fig


def plot_variance_waterfall(
    comparison: pd.DataFrame, title: str | None = None, max_lines: int = 8
) -> Figure:
    """Waterfall from the planned result to the actual result.

    Each bar is a line's effect on the result: a product above plan or a charge below
    plan raises it (blue), the opposite lowers it (red). The ``max_lines`` largest
    effects are shown one by one, the others grouped in « Autres écarts ».
    """
    planned = result_of(comparison, "prevu_eur")
    actual = result_of(comparison, "realise_eur")
    effects = comparison.assign(
        effet=[
            -gap if sens == SENS_CHARGE else gap
            for gap, sens in zip(comparison["ecart_eur"], comparison["sens"], strict=True)
        ]
    )
    effects = effects[effects["effet"] != 0]
    effects = effects.reindex(effects["effet"].abs().sort_values(ascending=False).index)
    shown = effects.head(max_lines)
    steps = [
        (_short(label), effect)
        for label, effect in zip(shown["libelle"], shown["effet"], strict=True)
    ]
    rest = effects["effet"].iloc[max_lines:].sum()
    if len(effects) > max_lines:
        steps.append(("Autres écarts", rest))
    fig = CourseFigure(figsize=(11, 5.5), layout="constrained")
    ax = fig.subplots()
    names = ["Résultat prévu"] + [s[0] for s in steps] + ["Résultat réalisé"]
    ax.bar(0, planned, color=NEUTRAL_COLOR)
    running = planned
    for i, (_name, effect) in enumerate(steps, start=1):
        color = PRODUCT_COLOR if effect > 0 else CHARGE_COLOR
        ax.bar(i, effect, bottom=running, color=color)
        ax.text(
            i,
            running + effect,
            f"{'+' if effect > 0 else ''}{format_euros(effect)}",
            ha="center",
            va="bottom" if effect > 0 else "top",
            fontsize=8,
        )
        running += effect
    ax.bar(len(names) - 1, actual, color=NEUTRAL_COLOR)
    for position, value in ((0, planned), (len(names) - 1, actual)):
        ax.text(
            position,
            value,
            format_euros(value),
            ha="center",
            va="bottom" if value >= 0 else "top",
            fontsize=8,
            fontweight="bold",
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.margins(y=0.12)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("Effet sur le résultat (€)")
    ax.yaxis.set_major_formatter(_EUROS)
    ax.set_title(title or "Du résultat prévu au résultat réalisé : effet de chaque écart")
    return fig


def plot_cash_curve(plan: pd.DataFrame, title: str | None = None) -> Figure:
    """Closing cash balance of each month, with the zero line and the minimum marked."""
    summary = cash_summary(plan)
    months = [MONTH_ABBREVIATIONS_FR[int(m) - 1] for m in plan["mois"]]
    closings = list(plan["solde_cloture_eur"])
    fig = CourseFigure(figsize=(10, 5), layout="constrained")
    ax = fig.subplots()
    ax.plot(range(12), closings, marker="o", color=PRODUCT_COLOR, label="Solde de fin de mois")
    ax.axhline(0, color=CHARGE_COLOR, linewidth=1, linestyle="--", label="Zéro")
    position = summary.minimum_month - 1
    ax.scatter(
        [position], [summary.minimum_eur], s=120, color=CHARGE_COLOR, zorder=3, label="Minimum"
    )
    ax.annotate(
        f"Minimum : {format_euros(summary.minimum_eur)}\n(fin {summary.minimum_month_label})",
        xy=(position, summary.minimum_eur),
        xytext=(15, 25),
        textcoords="offset points",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": CHARGE_COLOR},
    )
    year = str(plan["libelle_mois"].iloc[0]).split()[-1]
    ax.set_xticks(range(12), months)
    ax.set_xlabel(f"Mois ({year})")
    ax.set_ylabel("Trésorerie en fin de mois (€)")
    ax.yaxis.set_major_formatter(_EUROS)
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title or f"Plan de trésorerie {year} : solde de fin de mois")
    return fig


def plot_tornado(table: pd.DataFrame, title: str | None = None) -> Figure:
    """Tornado chart of a sensitivity table: one horizontal bar per scenario.

    ``table`` has the columns ``scenario`` (French label) and
    ``variation_resultat_eur`` (euros), as :func:`~cpts_training.budget.risks.
    result_sensitivity` returns. Bars are sorted by absolute impact, the largest at the
    top; a loss is red, a gain blue, each labelled with its amount. Raises
    :class:`~cpts_training.errors.InputError` when a column is missing or the table
    is empty.
    """
    missing = [c for c in ("scenario", "variation_resultat_eur") if c not in table.columns]
    if missing:
        raise InputError(
            f"Colonne(s) manquante(s) pour le graphique en tornade : {', '.join(missing)}. "
            "Donnez le tableau que renvoie result_sensitivity(...)."
        )
    if table.empty:
        raise InputError(
            "Le tableau de sensibilité est vide : aucun scénario à représenter. Calculez-le "
            "d'abord avec result_sensitivity(...)."
        )
    order = table["variation_resultat_eur"].abs().sort_values(kind="stable").index
    rows = table.loc[order]
    values = [float(v) for v in rows["variation_resultat_eur"]]
    labels = ["\n".join(textwrap.wrap(str(s), 30)) or "—" for s in rows["scenario"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    # Narrow and large (BOOK_FIGURE_WIDTH_IN, MIN_FONT_PT): the book shows it at its own
    # size on a computer and scaled down to the text column on a phone.
    fig = CourseFigure(
        figsize=(BOOK_FIGURE_WIDTH_IN, max(3.5, 1.3 + 0.19 * lines + 0.12 * len(labels)))
    )
    fig.set_layout_engine("constrained")
    ax = fig.subplots()
    colors = [CHARGE_COLOR if v < 0 else PRODUCT_COLOR for v in values]
    bars = ax.barh(range(len(values)), values, color=colors, height=0.6)
    ax.bar_label(
        bars,
        labels=[f"{'+' if v > 0 else ''}{format_euros(v)}" for v in values],
        padding=3,
        fontsize=MIN_FONT_PT,
    )
    ax.set_yticks(range(len(values)), labels, fontsize=MIN_FONT_PT)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Variation du résultat (€)", fontsize=MIN_FONT_PT)
    ax.xaxis.set_major_formatter(_EUROS)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=2))
    ax.tick_params(axis="x", labelsize=MIN_FONT_PT)
    ax.margins(x=0.45)
    # The order (largest risk at the top) is said by the figure's caption in the book.
    fit_title(ax, title or "Sensibilité du résultat", width_fraction=0.55)
    return fig


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
