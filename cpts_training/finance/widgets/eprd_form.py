"""The EPRD of a partner ESSMS under CPOM, changed by the trainee's mesures nouvelles:
CRPP by groupe fonctionnel, CAF, tableau de financement prévisionnel, bilan financier at
31/12 of N and PGFP over 6 years, « EPRD déposé » next to « avec vos mesures »."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cpts_training.errors import CPTSError
from cpts_training.figures import CourseFigure, figure_png
from cpts_training.finance.analysis import Caf, FinancingTable
from cpts_training.finance.eprd import (
    GROUPS,
    INVESTMENT_COLUMNS,
    PGFP_YEARS,
    Eprd,
    ForecastBalance,
    crpp_by_group,
    eprd_alerts,
    eprd_caf,
    eprd_with_measures,
    forecast_balance,
    load_eprd,
    load_functional_groups,
    pgfp,
    tableau_de_financement_previsionnel,
)
from cpts_training.formatting import format_euros, format_number_fr
from cpts_training.html_blocks import heading, html_table, message_box, scroll_box
from cpts_training.widgets.fields import FrenchNumberText

COMPUTE_LABEL = "Calculer"
"""Caption of the button that computes the EPRD with the trainee's measures."""

ORIGINAL = "EPRD déposé"
MODIFIED = "Avec vos mesures"
COMPARE_HEADERS = ("Poste", ORIGINAL, MODIFIED, "Écart")
"""Headers of the tables comparing the filed EPRD and the EPRD with the measures."""

MAX_INVESTMENTS = 3
"""Number of new investments the form offers."""

FICTIONAL_CAPTION = (
    "Le SSIAD du Causse est un service fictif, créé pour la formation : son EPRD et tous "
    "ses chiffres sont inventés."
)

CASH_DAYS_CONVENTION = (
    "Trésorerie en jours de charges décaissables = trésorerie × 365 / charges des comptes "
    "60 à 65 (hors 657, valeur comptable des actifs cédés) : convention de la formation, "
    "non confirmée par une source."
)

PGFP_HEADERS = (
    "Année",
    "Trésorerie 31/12 (déposé)",
    "Trésorerie 31/12 (vos mesures)",
    "FRNG 31/12",
    "Résultat",
    "CAF",
    "Investissements",
    "Nouveaux emprunts",
    "Remboursements",
    "Dette 31/12",
)
"""Headers of the PGFP table: the columns a trainee reads, trésorerie first (filed
EPRD, then with the measures), short enough for a notebook about 1 050 px wide."""

_STYLE = {"description_width": "initial"}

_UNREAD = "Montant non lu : rien n'est recalculé tant que ce champ n'est pas corrigé."


class InvestmentRow(widgets.VBox):
    """One new investment on two lines: ``year`` (dropdown over the PGFP's years) and
    ``label``, then ``amount`` and ``grant`` (euros) and ``duration`` (years of
    straight-line amortisation). Each control is wide enough for its whole label and
    value; the row fits about 1 050 px. A row whose amount is left empty is not used."""

    def __init__(self, rank: int, years: list[int]) -> None:
        self.rank = rank
        self.year = widgets.Dropdown(
            options=years,
            value=years[0],
            description="Année",
            style=_STYLE,
            layout=_width("11em"),
        )
        self.label = widgets.Text(
            value="",
            description="Libellé",
            placeholder=f"Investissement n°{rank}",
            style=_STYLE,
            layout=_width("36em"),
        )
        self.amount = FrenchNumberText(
            None, description="Montant (€)", style=_STYLE, layout=_width("17em")
        )
        self.grant = FrenchNumberText(
            None, description="Subvention (€)", style=_STYLE, layout=_width("18em")
        )
        self.duration = FrenchNumberText(
            None,
            unit="",
            description="Durée d'amortissement (ans)",
            placeholder="ex. 5",
            style=_STYLE,
            layout=_width("22em"),
        )
        lines = widgets.Layout(flex_flow="row wrap", grid_gap="0 1em")
        super().__init__(
            [
                widgets.HBox([self.year, self.label], layout=lines),
                widgets.HBox([self.amount, self.grant, self.duration], layout=lines),
            ],
            layout=widgets.Layout(margin="0 0 0.6em 0"),
        )

    @property
    def used(self) -> bool:
        """Whether the trainee typed an amount in the row."""
        return bool(self.amount.value.strip())


class EprdForm(widgets.VBox):
    """The EPRD of a partner ESSMS changed by the trainee's mesures nouvelles.

    The trainee types the amounts added to each groupe fonctionnel (charges and
    produits, signed, euros), up to :data:`MAX_INVESTMENTS` new investments and the new
    loans of each year of the PGFP; « Calculer » shows (an unreadable number is refused
    as soon as it is typed), from
    :func:`~cpts_training.finance.eprd.eprd_with_measures`: the CRPP by groupe, the CAF,
    the tableau de financement prévisionnel, FRNG, BFR and trésorerie at 31/12 of N and
    the trésorerie in days (:func:`~cpts_training.finance.eprd.forecast_balance`), the
    PGFP over 6 years (table and chart of FRNG and trésorerie) and the factual alerts of
    :func:`~cpts_training.finance.eprd.eprd_alerts`; the filed EPRD's figures stand next
    to those with the measures. Nothing in the form recommends a measure.

    Controls: ``charges_fields`` and ``produits_fields`` (groupe → field),
    ``investment_rows`` (:class:`InvestmentRow`), ``loan_fields`` (year → field),
    ``compute_button``. Displays: ``status`` (under the fields: the French refusal of an
    unreadable number as soon as it is typed, or figures out of date until « Calculer »),
    ``results`` (HTML tables and alerts of the last computation, kept after a refusal)
    and ``chart`` (PNG).
    ``caption`` (a fictional case says so) and ``notice`` are shown above the fields.
    Properties:
    :attr:`input_errors`, :attr:`measures`, :attr:`modified`.
    """

    def __init__(
        self, eprd: Eprd, *, caption: str | None = None, notice: str | None = None
    ) -> None:
        self.eprd = eprd
        self.years = [eprd.exercice + k for k in range(PGFP_YEARS)]
        self._original_plan = pgfp(eprd)
        self._modified: Eprd | None = None
        names = load_functional_groups().names
        self.charges_fields = {
            g: FrenchNumberText(
                None,
                description=f"Groupe {g} – {names[('charge', g)]} (€)",
                placeholder="0",
                style=_STYLE,
                layout=_width("40em"),
            )
            for g in GROUPS
        }
        self.produits_fields = {
            g: FrenchNumberText(
                None,
                description=f"Groupe {g} – {names[('produit', g)]} (€)",
                placeholder="0",
                style=_STYLE,
                layout=_width("40em"),
            )
            for g in GROUPS
        }
        self.investment_rows = [InvestmentRow(k, self.years) for k in range(1, MAX_INVESTMENTS + 1)]
        self.loan_fields = {
            year: FrenchNumberText(
                None,
                description=str(year),
                placeholder="0",
                style=_STYLE,
                layout=_width("13em"),
            )
            for year in self.years
        }
        self.loan_duration = FrenchNumberText(
            5,
            unit="",
            description="Durée de remboursement (années)",
            style=_STYLE,
            layout=_width("24em"),
        )
        self.compute_button = widgets.Button(
            description=COMPUTE_LABEL, icon="calculator", button_style="primary"
        )
        self.compute_button.on_click(self._refresh)
        self.status = widgets.HTML(layout=_width("100%"))
        self.results = widgets.HTML(layout=_width("100%"))
        self.chart = widgets.Image(
            format="png", layout=widgets.Layout(width="100%", max_width="820px")
        )
        for control in self._controls():
            control.observe(self._on_change, names="value")

        header = heading(f"EPRD {eprd.exercice} du {eprd.etablissement} : vos mesures nouvelles")
        if caption:
            header += message_box(caption, "warning", title="Cas fictif")
        if notice:
            header += message_box(notice, "info")
        measures_help = (
            "<p>Saisissez le montant <strong>ajouté</strong> à chaque groupe fonctionnel "
            "(par exemple « 10 000 » ; « -5 000 » pour une baisse). Il s'ajoute à l'EPRD "
            f"déposé de {eprd.exercice} sur un compte encaissable ou décaissable du groupe, "
            "puis évolue au taux du groupe dans le PGFP.</p>"
        )
        investment_help = (
            "<p>Un investissement sans montant n'est pas pris en compte. Sa dotation aux "
            "amortissements (montant / durée, une année pleine dès l'année d'achat) "
            "s'ajoute au groupe III des charges ; la subvention est une ressource du "
            "tableau de financement (sa quote-part virée au résultat n'est pas "
            "calculée).</p>"
        )
        loan_help = (
            "<p>Capital emprunté chaque année. Il est remboursé par parts égales à partir de "
            "l'année suivante, sur la durée choisie ; les intérêts ne sont pas calculés.</p>"
        )
        super().__init__(
            [
                widgets.HTML(header),
                widgets.HTML("<strong>Mesures nouvelles – charges</strong>" + measures_help),
                *self.charges_fields.values(),
                widgets.HTML("<strong>Mesures nouvelles – produits</strong>"),
                *self.produits_fields.values(),
                widgets.HTML("<strong>Investissements nouveaux</strong>" + investment_help),
                *self.investment_rows,
                widgets.HTML("<strong>Nouveaux emprunts (€)</strong>" + loan_help),
                widgets.HBox(
                    list(self.loan_fields.values()), layout=widgets.Layout(flex_flow="row wrap")
                ),
                self.loan_duration,
                self.status,
                self.compute_button,
                self.results,
                self.chart,
            ]
        )
        self._refresh()

    @classmethod
    def from_case_study(cls, year: int = 2025) -> EprdForm:
        """The form on the EPRD of the fictional « SSIAD du Causse » (``year``)."""
        eprd = load_eprd(year)
        return cls(eprd, caption=FICTIONAL_CAPTION, notice=eprd.warning)

    # -- state --------------------------------------------------------------------------

    def _controls(self) -> list[Any]:
        controls: list[Any] = [*self.charges_fields.values(), *self.produits_fields.values()]
        for row in self.investment_rows:
            controls += [row.year, row.label, row.amount, row.grant, row.duration]
        controls += [*self.loan_fields.values(), self.loan_duration]
        return controls

    @property
    def input_errors(self) -> list[str]:
        """French reasons, one per field whose text is not a readable number (an empty
        field counts as 0, an empty duration of a used investment is refused)."""
        errors = []
        for title, fields in (("Charges", self.charges_fields), ("Produits", self.produits_fields)):
            for group, field in fields.items():
                if field.value.strip() and field.error:
                    errors.append(f"{title}, groupe {group} : {field.error}")
        for row in self.investment_rows:
            if not row.used:
                continue
            place = f"Investissement n°{row.rank}"
            for name, field in (
                ("montant", row.amount),
                ("subvention", row.grant),
                ("durée d'amortissement", row.duration),
            ):
                if field.value.strip() and field.error:
                    errors.append(f"{place}, {name} : {field.error}")
            if not row.duration.value.strip():
                errors.append(
                    f"{place} : la durée d'amortissement manque. Saisissez un nombre "
                    "d'années (par exemple 5)."
                )
        for year, field in self.loan_fields.items():
            if field.value.strip() and field.error:
                errors.append(f"Nouveaux emprunts {year} : {field.error}")
        if self.loan_duration.error or not self.loan_duration.value.strip():
            errors.append(
                "Durée de remboursement des nouveaux emprunts : "
                + (self.loan_duration.error or "saisissez un nombre d'années (par exemple 5).")
            )
        return errors

    @property
    def measures(self) -> dict[str, Any]:
        """The keyword arguments of :func:`~cpts_training.finance.eprd.eprd_with_measures`
        read from the fields (empty fields count as 0; call only when
        :attr:`input_errors` is empty)."""
        investments = [
            (
                row.year.value,
                row.label.value.strip() or f"Investissement n°{row.rank}",
                _number(row.amount),
                _number(row.grant),
                _number(row.duration),
            )
            for row in self.investment_rows
            if row.used
        ]
        return {
            "charges_by_group": {g: _number(f) for g, f in self.charges_fields.items()},
            "produits_by_group": {g: _number(f) for g, f in self.produits_fields.items()},
            "investissements": pd.DataFrame(investments, columns=list(INVESTMENT_COLUMNS)),
            "nouveaux_emprunts": {
                y: _number(f) for y, f in self.loan_fields.items() if f.value.strip()
            },
            "duree_emprunts_ans": _number(self.loan_duration),
        }

    @property
    def modified(self) -> Eprd | None:
        """The EPRD with the measures of the last computation, the one whose results are
        shown (a refusal leaves it unchanged)."""
        return self._modified

    # -- display ------------------------------------------------------------------------

    def _on_change(self, *_: object) -> None:
        """A field changed: an unreadable number is refused at once in ``status``, right
        under the fields (the last results stay shown); otherwise the figures shown are
        marked as those of the previous amounts until « Calculer »."""
        errors = self.input_errors
        if errors:
            self._refuse(_UNREAD, errors)
            return
        if self.results.value and self._modified is not None:
            self.status.value = message_box(
                f"Montants modifiés : cliquez sur « {COMPUTE_LABEL} » pour mettre à jour les "
                "résultats ci-dessous (ils correspondent encore aux montants précédents).",
                "info",
            )
        else:
            self.status.value = message_box(
                f"Cliquez sur « {COMPUTE_LABEL} » pour afficher les résultats.", "info"
            )

    def _refresh(self, *_: object) -> None:
        self.status.value = ""
        errors = self.input_errors
        if errors:
            self._refuse(_UNREAD, errors)
            return
        try:
            modified = eprd_with_measures(self.eprd, **self.measures)
            plan = pgfp(modified)
        except CPTSError as error:
            self._refuse("Mesure refusée : rien n'est recalculé.", [str(error)])
            return
        self._modified = modified
        self.results.value = self._html(modified, plan)
        figure = _chart(plan, self._original_plan)
        try:
            self.chart.value = figure_png(figure)
        finally:
            figure.clear()
        self.chart.layout.display = None

    def _refuse(self, title: str, reasons: list[str]) -> None:
        """The French refusal in ``status``, under the fields; the results of the last
        computation stay shown, said to be those of the previous amounts."""
        boxes = "".join(message_box(r, "error", title=title) for r in reasons)
        if self._modified is not None:
            boxes += message_box(
                "Les résultats ci-dessous sont ceux des derniers montants calculés.", "info"
            )
        self.status.value = boxes

    def _html(self, modified: Eprd, plan: pd.DataFrame) -> str:
        year = self.eprd.exercice
        before_balance, after_balance = forecast_balance(self.eprd), forecast_balance(modified)
        parts = [
            heading(f"Compte de résultat prévisionnel principal {year} par groupe fonctionnel", 5),
            _compare(_crpp_rows(self.eprd), _crpp_rows(modified)),
            heading("Capacité d'autofinancement (CAF)", 5),
            _compare(_caf_rows(eprd_caf(self.eprd)), _caf_rows(eprd_caf(modified))),
            heading(f"Tableau de financement prévisionnel {year}", 5),
            _compare(
                _tfp_rows(tableau_de_financement_previsionnel(self.eprd)),
                _tfp_rows(tableau_de_financement_previsionnel(modified)),
            ),
            heading(f"Bilan financier au 31/12/{year}", 5),
            _compare(_balance_rows(before_balance), _balance_rows(after_balance), days_last=True),
            message_box(CASH_DAYS_CONVENTION, "info"),
            heading(
                f"Plan global de financement pluriannuel {self.years[0]}–{self.years[-1]} "
                "(avec vos mesures)",
                5,
            ),
            _pgfp_table(plan, self._original_plan),
            message_box(
                "Hypothèses du PGFP : celles de l'EPRD déposé (taux d'évolution annuels des "
                "charges et des produits par groupe et du BFR).",
                "info",
            ),
        ]
        alerts = eprd_alerts(plan)
        parts += [message_box(a, "warning") for a in alerts]
        if not alerts:
            parts.append(
                message_box(
                    f"De {self.years[0]} à {self.years[-1]} : ni résultat déficitaire, ni CAF "
                    "négative, ni trésorerie négative au 31/12.",
                    "ok",
                )
            )
        return "".join(parts)


# --------------------------------------------------------------------------------------
# Presentation (HTML, numbers and chart)
# --------------------------------------------------------------------------------------


def _width(width: str) -> widgets.Layout:
    return widgets.Layout(width=width)


def _number(field: FrenchNumberText) -> float:
    """The number of a field, 0 when its text is empty."""
    if not field.value.strip():
        return 0.0
    return field.read()


def _euros(value: float) -> str:
    return format_euros(value, 2 if round(float(value), 2) % 1 else 0)


def _signed(value: float) -> str:
    rounded = round(float(value), 2)
    if rounded == 0:
        return _euros(0)
    return f"+{_euros(rounded)}" if rounded > 0 else _euros(rounded)


def _crpp_rows(doc: Eprd) -> list[tuple[str, float]]:
    table = {str(r["groupe"]): r for r in crpp_by_group(doc).to_dict("records")}
    rows = [
        (f"Charges – groupe {g} ({table[g]['charges']})", float(table[g]["charges_eur"]))
        for g in GROUPS
    ]
    rows.append(("Total des charges", float(table["Total"]["charges_eur"])))
    rows += [
        (f"Produits – groupe {g} ({table[g]['produits']})", float(table[g]["produits_eur"]))
        for g in GROUPS
    ]
    rows.append(("Total des produits", float(table["Total"]["produits_eur"])))
    rows.append(("Résultat (produits − charges)", float(table["Total"]["solde_eur"])))
    return rows


def _caf_rows(caf: Caf) -> list[tuple[str, float]]:
    return [
        ("Résultat", caf.resultat_eur),
        ("+ Dotations aux amortissements et provisions", caf.dotations_eur),
        ("− Reprises sur amortissements et provisions", caf.reprises_eur),
        ("+ Valeur comptable des actifs cédés", caf.valeur_comptable_cessions_eur),
        ("− Produits des cessions", caf.produits_cessions_eur),
        ("− Quote-part des subventions d'investissement", caf.quote_part_subventions_eur),
        ("Capacité d'autofinancement (CAF)", caf.caf_eur),
    ]


def _tfp_rows(table: FinancingTable) -> list[tuple[str, float]]:
    rows = [
        (f"Emplois – {p}", m)
        for p, m in zip(table.emplois["poste"], table.emplois["montant_eur"], strict=True)
    ]
    rows.append(("Total des emplois", table.total_emplois_eur))
    rows += [
        (f"Ressources – {p}", m)
        for p, m in zip(table.ressources["poste"], table.ressources["montant_eur"], strict=True)
    ]
    rows.append(("Total des ressources", table.total_ressources_eur))
    rows.append(
        (
            "Apport (+) ou prélèvement (−) sur fonds de roulement",
            table.variation_fonds_roulement_eur,
        )
    )
    return rows


def _balance_rows(balance: ForecastBalance) -> list[tuple[str, float]]:
    year = balance.annee
    return [
        (f"Fonds de roulement net global au 31/12/{year - 1}", balance.frng_ouverture_eur),
        ("Apport (+) ou prélèvement (−) sur fonds de roulement", balance.apport_eur),
        (f"Fonds de roulement net global (FRNG) au 31/12/{year}", balance.frng_eur),
        (f"Besoin en fonds de roulement (BFR) au 31/12/{year}", balance.bfr_eur),
        (f"Trésorerie au 31/12/{year} (FRNG − BFR)", balance.tresorerie_eur),
        ("Charges décaissables (comptes 60 à 65 hors 657)", balance.charges_decaissables_eur),
        ("Trésorerie en jours de charges décaissables", balance.tresorerie_jours),
    ]


def _days(value: float) -> str:
    if math.isnan(value):
        return "—"
    shown = round(value)
    return f"{format_number_fr(shown, 0)} jour{'s' if abs(shown) >= 2 else ''}"


def _compare(
    before: list[tuple[str, float]], after: list[tuple[str, float]], *, days_last: bool = False
) -> str:
    rows = []
    for rank, ((label, old), (_, new)) in enumerate(zip(before, after, strict=True)):
        if days_last and rank == len(before) - 1:
            # The gap of the two figures as shown (27 → 25 jours: −2 jours, not −1).
            gap = round(new) - round(old) if not math.isnan(new - old) else math.nan
            shown_gap = "—" if math.isnan(gap) else ("+" if gap > 0 else "") + _days(gap)
            rows.append([label, _days(old), _days(new), shown_gap])
        else:
            rows.append([label, _euros(old), _euros(new), _signed(new - old)])
    return scroll_box(html_table(COMPARE_HEADERS, rows, numeric=[1, 2, 3]))


def _pgfp_table(plan: pd.DataFrame, original: pd.DataFrame) -> str:
    rows = []
    colours: list[str | None] = []
    for r, o in zip(plan.to_dict("records"), original.to_dict("records"), strict=True):
        rows.append(
            [
                str(int(r["annee"])),
                _euros(round(o["tresorerie_eur"])),
                _euros(round(r["tresorerie_eur"])),
                _euros(round(r["frng_eur"])),
                _euros(round(r["resultat_eur"])),
                _euros(round(r["caf_eur"])),
                _euros(round(r["investissements_eur"])),
                _euros(round(r["nouveaux_emprunts_eur"])),
                _euros(round(r["remboursements_emprunts_eur"])),
                _euros(round(r["encours_dette_eur"])),
            ]
        )
        colours.append("#c62828" if r["tresorerie_eur"] < 0 else None)
    return scroll_box(
        html_table(
            PGFP_HEADERS, rows, numeric=list(range(1, len(PGFP_HEADERS))), row_colours=colours
        )
    )


def _chart(plan: pd.DataFrame, original: pd.DataFrame) -> Figure:
    """FRNG and trésorerie at 31/12 of each year of the PGFP with the measures, the
    filed EPRD's trésorerie dashed, and the zero line."""
    fig = CourseFigure(figsize=(8, 3.8))
    fig.subplots_adjust(left=0.14, right=0.98, top=0.9, bottom=0.1)
    ax = fig.subplots()
    years = [int(y) for y in plan["annee"]]
    ax.plot(years, list(plan["frng_eur"]), marker="o", color="#4f81bd",
            label=f"FRNG ({MODIFIED.lower()})")  # fmt: skip
    ax.plot(years, list(plan["tresorerie_eur"]), marker="s", color="#9bbb59",
            label=f"Trésorerie ({MODIFIED.lower()})")  # fmt: skip
    ax.plot(years, list(original["tresorerie_eur"]), linestyle="--", color="#7f7f7f",
            label=f"Trésorerie ({ORIGINAL})")  # fmt: skip
    ax.axhline(0, color="#c0504d", linewidth=1)
    ax.set_xticks(years)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_euros(v)))
    ax.set_title("PGFP : fonds de roulement et trésorerie au 31/12")
    ax.legend(loc="best", fontsize="small")
    return fig
