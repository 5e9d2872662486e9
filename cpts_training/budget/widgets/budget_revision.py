"""The budget rectificatif at mid-year: news, review, new amounts, consequences, export."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.budget.case_study import load_budget_file, load_mid_year_file
from cpts_training.budget.export import export_budget_xlsx
from cpts_training.budget.forecast import (
    SENS_CHARGE,
    SENS_PRODUIT,
    budget_summary,
    ensure_budget,
    mission_label,
)
from cpts_training.budget.revision import (
    BudgetRectificatif,
    mid_year_review,
    protection_reasons,
    revise_budget_under_constraint,
)
from cpts_training.budget.widgets._shared import (
    _euros,
    _export_controls,
    _html_table,
    _message,
    _totals_table,
)
from cpts_training.columns import column_label
from cpts_training.errors import CPTSError
from cpts_training.formatting import format_percent
from cpts_training.html_blocks import heading as html_heading
from cpts_training.html_blocks import message_box
from cpts_training.widgets.fields import FrenchNumberText, saved_text

FIELD_LABEL = "Nouveau montant (€)"
LOCK = "🔒"

_REVIEW_HEADERS = (
    "compte",
    "libelle",
    "libelle_mission",
    "prevu_annuel_eur",
    "part_prevue_a_date",
    "prevu_a_date_eur",
    "realise_a_date_eur",
    "ecart_a_date_eur",
    "atterrissage_eur",
)
_RECTIFICATIF_HEADERS = (
    "compte",
    "libelle",
    "libelle_mission",
    "budget_initial_eur",
    "ajustement_eur",
    "budget_rectificatif_eur",
)


class BudgetRevisionForm(widgets.VBox):
    """Mid-year follow-up and budget rectificatif, for a trainee who decides the cuts.

    Shows the news received and the CA's constraint, the mid-year review
    (:func:`~cpts_training.budget.revision.mid_year_review`), one « Nouveau montant (€) »
    field (:class:`~cpts_training.widgets.fields.FrenchNumberText`) per charge line —
    protected lines shown disabled with 🔒 and their reason — and, at each change, the
    consequences computed by :func:`~cpts_training.budget.revision.
    revise_budget_under_constraint`: new result, rules broken, budget rectificatif.
    Nothing in the form proposes which lines to cut.

    Public attributes: ``fields`` (account → field), ``consequences``, ``review``,
    ``export_name``, ``export_overwrite``, ``export_button``, ``export_status``.
    Properties: :attr:`new_amounts`, :attr:`result`, :attr:`input_errors`.
    """

    def __init__(
        self,
        budget: pd.DataFrame,
        actuals_h1: pd.DataFrame,
        resource_changes: Mapping[Any, float],
        seasonality: Mapping[Any, float] | None = None,
        protected: Iterable[Any] | Mapping[Any, str] | None = None,
        news: Iterable[str] = (),
        constraint: str | None = None,
        title: str = "Budget rectificatif 2025",
        notice: str | None = None,
    ) -> None:
        self.title = title
        self.notice = notice
        self._budget = ensure_budget(budget)
        self._actuals = ensure_budget(actuals_h1)
        self._changes = dict(resource_changes)
        self._protected = protected
        self._reasons = protection_reasons(self._budget, protected)
        self._review = mid_year_review(self._budget, self._actuals, seasonality)
        self._result: BudgetRectificatif | None = None
        self._error = ""

        self.review = widgets.HTML(self._review_html())
        self.fields: dict[str, FrenchNumberText] = {}
        rows = []
        charges = self._budget[self._budget["sens"] == SENS_CHARGE]
        for account, label, amount in zip(
            charges["compte"], charges["libelle"], charges["montant_eur"], strict=True
        ):
            reason = self._reasons.get(account)
            field = FrenchNumberText(
                number=float(amount),
                description=FIELD_LABEL,
                disabled=reason is not None,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="19em", flex="0 0 19em"),
            )
            field.observe(self._on_change, names="value")
            self.fields[account] = field
            text = widgets.HTML(
                f"<b>{_escape(account)}</b> — {_escape(label)} "
                f"<small>({_escape(self._mission_of(account))}, budget initial "
                f"{_escape(_euros(amount))})</small>",
                # A fixed column: the amount fields line up whatever the lock's reason.
                layout=widgets.Layout(width="34em", flex="0 0 34em"),
            )
            lock = widgets.HTML(f"{LOCK} {_escape(reason)}" if reason else "")
            rows.append(widgets.HBox([text, field, lock]))
        self.consequences = widgets.HTML()

        (
            self.export_name,
            self.export_overwrite,
            self.export_button,
            self.export_status,
        ) = _export_controls(
            "budget_rectificatif_2025.xlsx", "Exporter le budget rectificatif (XLSX)", "22em"
        )
        self.export_button.on_click(self._export)

        header = html_heading(title)
        if notice:
            header += message_box(notice, "warning")
        header += self._banner(list(news), constraint)
        help_text = (
            "<p>Saisissez le <strong>nouveau montant annuel</strong> des charges que vous "
            "décidez d'ajuster (par exemple « 3 000 » ou « 1 250,50 »), puis appuyez sur "
            "Entrée : les conséquences s'affichent dessous. Les lignes marquées 🔒 ne se "
            "modifient pas.</p>"
        )
        super().__init__(
            [
                widgets.HTML(header),
                widgets.HTML("<strong>Suivi à mi-année</strong>"),
                self.review,
                widgets.HTML("<strong>Vos ajustements</strong>" + help_text),
                *rows,
                widgets.HTML("<strong>Conséquences</strong>"),
                self.consequences,
                widgets.HTML("<strong>Exporter pour le trésorier</strong>"),
                widgets.HBox([self.export_name, self.export_overwrite, self.export_button]),
                self.export_status,
            ]
        )
        self._refresh()

    @classmethod
    def from_case_study(cls, directory: Path | str | None = None) -> BudgetRevisionForm:
        """The form on the fictional case: budget 2025, actuals at 30 June 2025, news."""
        folder = Path(directory) if directory is not None else None
        budget = load_budget_file(
            folder / "budget_previsionnel_2025.yaml" if folder is not None else None
        )
        situation = load_mid_year_file(
            folder / "realise_30_juin_2025.yaml" if folder is not None else None
        )
        return cls(
            budget,
            situation.actuals,
            situation.resource_changes,
            seasonality=situation.seasonality,
            news=situation.news,
            constraint=situation.constraint,
            notice=situation.warning,
            protected=situation.protected,
        )

    # -- state --------------------------------------------------------------------------

    @property
    def new_amounts(self) -> dict[str, float]:
        """Account → new amount for the charge lines whose typed amount differs from the
        initial budget (fields that cannot be read are left out: see
        :attr:`input_errors`)."""
        initial = dict(zip(self._budget["compte"], self._budget["montant_eur"], strict=True))
        return {
            account: float(field.number)
            for account, field in self.fields.items()
            if not field.disabled and field.number is not None and field.number != initial[account]
        }

    @property
    def input_errors(self) -> dict[str, str]:
        """Account → French reason, for the fields whose text is not a readable amount."""
        return {a: f.error for a, f in self.fields.items() if not f.disabled and f.error}

    @property
    def result(self) -> BudgetRectificatif:
        """The budget rectificatif of the amounts typed (see :attr:`new_amounts`).

        Raises:
            CPTSError: French message, only if the form's own inputs are inconsistent.
        """
        return revise_budget_under_constraint(
            self._budget,
            self.new_amounts,
            self._changes,
            protected=self._protected,
            actuals_h1=self._actuals,
        )

    # -- display ------------------------------------------------------------------------

    def _mission_of(self, account: str) -> str:
        if "mission" not in self._budget.columns:
            return mission_label(None)
        mission = self._budget.set_index("compte").at[account, "mission"]
        return mission_label(mission if isinstance(mission, str) else None)

    def _banner(self, news: list[str], constraint: str | None) -> str:
        initial = dict(zip(self._budget["compte"], self._budget["montant_eur"], strict=True))
        labels = dict(zip(self._budget["compte"], self._budget["libelle"], strict=True))
        lines = list(news) or [
            f"{labels[str(a)]} (compte {a}) : {_euros(initial[str(a)])} → {_euros(v)}."
            for a, v in self._changes.items()
            if str(a) in initial
        ]
        lost = sum(
            initial[str(a)] - float(v) for a, v in self._changes.items() if str(a) in initial
        )
        text = " ".join(lines)
        if lost > 0:
            text += f" Produits perdus : {_euros(lost)}."
        if constraint:
            text += f" {constraint}"
        return message_box(text, "warning", title="Nouvelles de mi-année")

    def _review_html(self) -> str:
        table = self._review
        rows = []
        for r in table.to_dict("records"):
            rows.append(
                [
                    str(r["compte"]),
                    str(r["libelle"]),
                    mission_label(r["mission"]) if r["sens"] == SENS_CHARGE else "—",
                    _euros(r["prevu_annuel_eur"]),
                    format_percent(r["part_prevue_a_date"]),
                    _euros(r["prevu_a_date_eur"]),
                    _euros(r["realise_a_date_eur"]),
                    _signed(r["ecart_a_date_eur"]),
                    _euros(r["atterrissage_eur"]),
                ]
            )
        return _html_table(
            [column_label(c) for c in _REVIEW_HEADERS], rows, numeric=[3, 4, 5, 6, 7, 8]
        )

    def _on_change(self, *_: object) -> None:
        self._refresh()

    def _refresh(self) -> None:
        parts = []
        errors = self.input_errors
        for account, reason in errors.items():
            parts.append(
                _message(
                    f"Compte {account} : montant non lu, la ligne garde son montant initial. "
                    f"{reason}",
                    "error",
                )
            )
        try:
            result = self.result
        except CPTSError as error:
            self._result = None
            self.consequences.value = "".join(parts) + _message(str(error), "error")
            return
        self._result = result
        summary = budget_summary(result.budget)
        parts.append(_totals_table(summary))
        parts.append(
            _message(result.balance.message, "ok" if result.balance.balanced else "warning")
        )
        for violation in result.violations:
            parts.append(_message(violation, "error"))
        if not result.violations and not errors:
            parts.append(_message("Aucune règle du CA n'est enfreinte.", "ok"))
        parts.append(self._rectificatif_html(result))
        self.consequences.value = "".join(parts)

    def _rectificatif_html(self, result: BudgetRectificatif) -> str:
        rows = []
        colours: list[str | None] = []
        for r in result.table.to_dict("records"):
            rows.append(
                [
                    str(r["compte"]),
                    str(r["libelle"]),
                    mission_label(r["mission"]) if r["sens"] != SENS_PRODUIT else "—",
                    _euros(r["budget_initial_eur"]),
                    _signed(r["ajustement_eur"]),
                    _euros(r["budget_rectificatif_eur"]),
                ]
            )
            colours.append("#c62828" if r["ajustement_eur"] < 0 else None)
        return _html_table(
            [column_label(c) for c in _RECTIFICATIF_HEADERS],
            rows,
            numeric=[3, 4, 5],
            row_colours=colours,
        )

    # -- export -------------------------------------------------------------------------

    def _export(self, *_: object) -> None:
        target = Path(self.export_name.value.strip()).expanduser()
        try:
            result = self.result
            written = export_budget_xlsx(
                target,
                result.budget,
                title=self.title,
                notice=self.notice,
                overwrite=bool(self.export_overwrite.value),
            )
        except CPTSError as error:
            self.export_status.value = _message(f"Export refusé. {error}", "error")
            return
        warning = ""
        if not result.acceptable:
            warning = (
                " Attention : ce budget rectificatif n'est pas encore acceptable pour le CA "
                "(voir les conséquences ci-dessus)."
            )
        self.export_status.value = _message(
            saved_text(written) + warning,
            "ok" if result.acceptable else "warning",
        )


def _signed(amount: float) -> str:
    value = float(amount)
    return f"+{_euros(value)}" if value > 0 else _euros(value)


def _escape(text: object) -> str:
    """Text for a widgets.HTML value (the blocks of html_blocks escape their own)."""
    return html.escape(str(text), quote=False)
