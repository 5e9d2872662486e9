"""A form to build the budget prévisionnel from its hypotheses (référentiel B5.C02).

The trainee enters the posts, the professionals' indemnities, the other charges and the
resources; the form shows what follows (budget lines by nature with their base de
calcul, totals, result and balance, warnings), never a « correct » budget. The budget
is exported to XLSX for the treasurer and a workbook can be loaded back (« Ma CPTS »).
Every computation is :mod:`cpts_training.budget.builder`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.budget.aci import AciContract
from cpts_training.budget.builder import (
    ACI_ACCOUNT,
    MISSION_FONCTIONNEMENT,
    BudgetHypotheses,
    BuiltBudget,
    ChargeItem,
    IndemnityGroup,
    ResourceItem,
    StaffPost,
    aci_resource,
    build_budget,
    mission_label,
    mission_labels,
)
from cpts_training.budget.case_study import load_budget_brief
from cpts_training.budget.export import export_built_budget_xlsx
from cpts_training.budget.forecast import SENS_CHARGE, SENS_PRODUIT, by_nature
from cpts_training.budget.widgets._shared import (
    _euros,
    _export_controls,
    _html_table,
    _message,
    _totals_table,
)
from cpts_training.budget.xlsx_import import read_budget_xlsx
from cpts_training.errors import CPTSError, InputError
from cpts_training.formatting import (
    NumberFormatError,
    format_decimal_fr,
    format_euros,
    format_percent,
)
from cpts_training.html_blocks import heading as html_heading
from cpts_training.widgets.fields import FrenchNumberText

_NARROW = widgets.Layout(width="7em")
_MEDIUM = widgets.Layout(width="10em")
_WIDE = widgets.Layout(width="18em")
_MISSION = widgets.Layout(width="20em")


def _number(value: float | None, unit: str = "") -> FrenchNumberText:
    field = FrenchNumberText(value, unit=unit, layout=_MEDIUM if unit else _NARROW)
    if value is None:
        field.value = ""
    else:
        field.value = format_decimal_fr(value, 2) + (f" {unit}" if unit else "")
    return field


def _mission_dropdown(value: str = MISSION_FONCTIONNEMENT) -> widgets.Dropdown:
    options = [(label, key) for key, label in mission_labels().items()]
    return widgets.Dropdown(options=options, value=value, layout=_MISSION)


def _read(field: FrenchNumberText, what: str, where: str, optional: bool = False) -> float | None:
    """The number of ``field``; ``None`` when empty and optional; French error otherwise."""
    if not field.value.strip():
        if optional:
            return None
        raise InputError(f"{where} : {what} est vide. Saisissez un nombre.")
    try:
        return field.read()
    except NumberFormatError as error:
        raise InputError(f"{where}, {what} : {error}") from None


def _whole(value: float | None) -> Any:
    if value is not None and float(value).is_integer():
        return int(value)
    return value


class _Row:
    """One row of a section: its fields, in order, and a « Retirer » button."""

    kind = ""

    def __init__(self, fields: Sequence[widgets.Widget]) -> None:
        self.fields = list(fields)
        self.remove = widgets.Button(
            description="Retirer", icon="trash", layout=widgets.Layout(width="7.5em")
        )
        self.box = widgets.HBox([*self.fields, self.remove])

    def inputs(self) -> list[widgets.Widget]:
        return [f for f in self.fields if isinstance(f, widgets.Text | widgets.Dropdown)]

    def is_empty(self) -> bool:
        return all(not f.value.strip() for f in self.fields if isinstance(f, widgets.Text))


class _StaffRow(_Row):
    kind = "Personnel"

    def __init__(self, post: StaffPost | None = None) -> None:
        self.role = widgets.Text(
            value=post.role if post else "", placeholder="ex. Coordinatrice", layout=_WIDE
        )
        self.fte = _number(post.fte if post else None)
        self.gross = _number(post.gross_full_time_eur if post else None, "€")
        self.rate = FrenchNumberText(unit="%", placeholder="vide : RGDU", layout=_MEDIUM)
        if post and post.employer_rate is not None:
            self.rate.value = format_decimal_fr(post.employer_rate * 100, 2) + " %"
        else:
            self.rate.value = ""
        self.mission = _mission_dropdown(post.mission if post else MISSION_FONCTIONNEMENT)
        super().__init__([self.role, self.fte, self.gross, self.rate, self.mission])

    def item(self, where: str) -> StaffPost:
        rate = _read(self.rate, "le taux de charges", where, optional=True)
        if rate is not None and 0 < rate <= 1:
            raise InputError(
                f"{where}, le taux de charges : vous avez saisi {self.rate.value.strip()} ; "
                f"ce taux se saisit en pourcentage, {format_decimal_fr(rate * 100)} pour "
                f"{format_decimal_fr(rate * 100)} % (ou laissez vide pour le taux après RGDU)."
            )
        fte = _read(self.fte, "l'ETP", where)
        if fte is not None and self.fte.value.strip().endswith("%"):
            fte = fte / 100  # a working time typed « 50 % » is half a full time
        return StaffPost(
            self.role.value,
            fte,  # type: ignore[arg-type]
            _read(self.gross, "le salaire brut annuel temps plein", where),  # type: ignore[arg-type]
            self.mission.value,
            None if rate is None else rate / 100,
        )


class _IndemnityRow(_Row):
    kind = "Indemnités"

    def __init__(self, group: IndemnityGroup | None = None) -> None:
        self.label = widgets.Text(
            value=group.label if group else "", placeholder="ex. Accès aux soins", layout=_WIDE
        )
        self.count = _number(group.professionals if group else None)
        self.hours = _number(group.hours_each if group else None)
        self.rate = _number(group.hourly_rate_eur if group else None, "€")
        self.mission = _mission_dropdown(group.mission if group else MISSION_FONCTIONNEMENT)
        super().__init__([self.label, self.count, self.hours, self.rate, self.mission])

    def item(self, where: str) -> IndemnityGroup:
        return IndemnityGroup(
            self.label.value,
            _whole(_read(self.count, "le nombre de professionnels", where)),
            _read(self.hours, "les heures par professionnel", where),  # type: ignore[arg-type]
            _read(self.rate, "le taux horaire", where),  # type: ignore[arg-type]
            self.mission.value,
        )


class _ChargeRow(_Row):
    kind = "Autres charges"

    def __init__(self, charge: ChargeItem | None = None) -> None:
        self.account = widgets.Text(
            value=charge.account if charge else "", placeholder="ex. 6132", layout=_NARROW
        )
        self.label = widgets.Text(
            value=charge.label if charge else "", placeholder="ex. Loyer", layout=_WIDE
        )
        self.amount = _number(charge.amount_eur if charge else None, "€")
        self.monthly = _number(charge.monthly_eur if charge else None, "€")
        self.months = _number(charge.months if charge and charge.monthly_eur is not None else None)
        self.mission = _mission_dropdown(charge.mission if charge else MISSION_FONCTIONNEMENT)
        self.basis = charge.basis if charge else ""
        super().__init__(
            [self.account, self.label, self.amount, self.monthly, self.months, self.mission]
        )

    def item(self, where: str) -> ChargeItem:
        amount = _read(self.amount, "le montant annuel", where, optional=True)
        monthly = _read(self.monthly, "la mensualité", where, optional=True)
        months = _read(self.months, "le nombre de mois", where, optional=True)
        return ChargeItem(
            self.account.value,
            self.label.value,
            amount_eur=amount,
            monthly_eur=monthly,
            months=12 if months is None else _whole(months),
            mission=self.mission.value,
            basis=self.basis,
        )


class _ResourceRow(_Row):
    kind = "Ressources"

    def __init__(self, resource: ResourceItem | None = None) -> None:
        self.account = widgets.Text(
            value=resource.account if resource else "", placeholder="ex. 742", layout=_NARROW
        )
        self.label = widgets.Text(
            value=resource.label if resource else "", placeholder="ex. FIR (ARS)", layout=_WIDE
        )
        self.amount = _number(resource.amount_eur if resource else None, "€")
        self.basis = resource.basis if resource else ""
        super().__init__([self.account, self.label, self.amount])

    def item(self, where: str) -> ResourceItem:
        return ResourceItem(
            self.account.value,
            self.label.value,
            _read(self.amount, "le montant", where),  # type: ignore[arg-type]
            self.basis,
        )


class _Section:
    """A titled list of rows with an « Ajouter » button."""

    def __init__(
        self,
        title: str,
        headers: Sequence[tuple[str, widgets.Layout]],
        make_row: Callable[[Any], _Row],
        on_change: Callable[..., None],
        add_label: str,
    ) -> None:
        self.make_row = make_row
        self.on_change = on_change
        self.rows: list[_Row] = []
        self.header = widgets.HBox(
            [widgets.HTML(f"<em>{text}</em>", layout=layout) for text, layout in headers]
        )
        self.add_button = widgets.Button(
            description=add_label, icon="plus", layout=widgets.Layout(width="16em")
        )
        self.add_button.on_click(lambda *_: self.add())
        self.list = widgets.VBox()
        self.status = widgets.HTML()
        """The French refusal of this section's last input, shown under its rows."""
        self.box = widgets.VBox(
            [
                widgets.HTML(html_heading(title, 5)),
                self.header,
                self.list,
                self.status,
                self.add_button,
            ]
        )

    def add(self, item: Any = None, refresh: bool = True) -> _Row:
        row = self.make_row(item)
        for field in row.inputs():
            field.observe(self.on_change, names="value")
        row.remove.on_click(lambda *_: self.remove(row))
        self.rows.append(row)
        self.list.children = [r.box for r in self.rows]
        if refresh:
            self.on_change()
        return row

    def remove(self, row: _Row) -> None:
        self.rows.remove(row)
        self.list.children = [r.box for r in self.rows]
        self.on_change()

    def clear(self) -> None:
        self.rows = []
        self.list.children = []

    def items(self) -> list[Any]:
        """The section's items; a row that cannot be read raises :class:`InputError` and
        shows the refusal under the section's rows, next to the field to fix."""
        out = []
        self.status.value = ""
        for rank, row in enumerate(self.rows, start=1):
            if row.is_empty():
                continue
            where = f"{row.kind}, ligne {rank}"
            try:
                out.append(row.item(where))  # type: ignore[attr-defined]
            except InputError as error:
                text = str(error)
                message = text if text.startswith(where) else f"{where} : {text}"
                self.status.value = _message(f"Saisie refusée. {message}", "error")
                raise InputError(message) from None
        return out


class BudgetBuilder(widgets.VBox):
    """Build the budget prévisionnel of a year from its hypotheses, live.

    Args:
        hypotheses: the starting hypotheses (e.g. :func:`~cpts_training.budget.case_study.
            load_budget_brief`), or ``None`` for an empty form.
        contract: an ACI contract; when given, the checkbox ``aci_checkbox`` (« Ajouter
            l'ACI de l'année civile ») adds the ACI line of the year
            (:func:`~cpts_training.budget.builder.aci_resource`, account 741). An ACI
            line of the starting hypotheses is then replaced by it.
        achievement: planned achievement rates by contract year, for the ACI line.
        year: the budget year when ``hypotheses`` is ``None``.

    Public attributes: ``year_field``, ``staff``, ``indemnities``, ``charges``,
    ``resources`` (sections with ``rows``, ``add_button``; each row's fields are named,
    e.g. ``staff.rows[0].fte``), ``aci_checkbox``, ``status`` (the French message on the
    last input), ``result`` (budget by nature, lines with their base de calcul, totals,
    balance and warnings), ``export_name``, ``export_overwrite``, ``export_button``,
    ``export_status``, ``import_path``, ``import_button``, ``import_status``.
    """

    def __init__(
        self,
        hypotheses: BudgetHypotheses | None = None,
        contract: AciContract | None = None,
        achievement: Mapping[int, Mapping[str, float]] | None = None,
        year: int = 2026,
    ) -> None:
        self.contract = contract
        self.achievement = achievement
        self._loading = False
        start = hypotheses or BudgetHypotheses(year)
        self._hypotheses: BudgetHypotheses = start
        self._built: BuiltBudget | None = None
        self.cpts = start.cpts
        self.warning = start.warning

        self.year_field = FrenchNumberText(
            start.year, unit="", description="Année", layout=widgets.Layout(width="12em")
        )
        self.year_field.value = str(start.year)
        self.year_field.observe(self._on_change, names="value")
        self.staff = _Section(
            "Personnel",
            [
                ("Poste", _WIDE),
                ("ETP (1 = temps plein)", _NARROW),
                ("Salaire brut annuel temps plein", _MEDIUM),
                ("Taux de charges en % (vide : après RGDU)", _MEDIUM),
                ("Mission", _MISSION),
            ],
            _StaffRow,
            self._on_change,
            "Ajouter un poste",
        )
        self.indemnities = _Section(
            "Indemnités des professionnels",
            [
                ("Groupe", _WIDE),
                ("Nb de professionnels", _NARROW),
                ("Heures par professionnel", _NARROW),
                ("Taux horaire", _MEDIUM),
                ("Mission", _MISSION),
            ],
            _IndemnityRow,
            self._on_change,
            "Ajouter un groupe",
        )
        self.charges = _Section(
            "Autres charges",
            [
                ("Compte", _NARROW),
                ("Libellé", _WIDE),
                ("Montant annuel", _MEDIUM),
                ("ou mensualité", _MEDIUM),
                ("× mois", _NARROW),
                ("Mission", _MISSION),
            ],
            _ChargeRow,
            self._on_change,
            "Ajouter une charge",
        )
        self.resources = _Section(
            "Ressources",
            [("Compte", _NARROW), ("Libellé", _WIDE), ("Montant annuel", _MEDIUM)],
            _ResourceRow,
            self._on_change,
            "Ajouter une ressource",
        )
        self.aci_checkbox = widgets.Checkbox(
            value=contract is not None,
            description="Ajouter l'ACI de l'année civile, calculé à partir du contrat (compte 741)",
            indent=False,
            disabled=contract is None,
            layout=widgets.Layout(width="auto"),
        )
        self.aci_checkbox.observe(self._on_change, names="value")
        self.status = widgets.HTML()
        self.result = widgets.HTML()

        (
            self.export_name,
            self.export_overwrite,
            self.export_button,
            self.export_status,
        ) = _export_controls(f"budget_previsionnel_{start.year}.xlsx")
        self.export_button.on_click(self._export)
        self.import_path = widgets.Text(
            placeholder="ex. mon_budget_2026.xlsx",
            description="Fichier",
            layout=widgets.Layout(width="26em"),
        )
        self.import_button = widgets.Button(
            description="Charger un fichier XLSX",
            icon="upload",
            layout=widgets.Layout(width="16em"),
        )
        self.import_button.on_click(self._import)
        self.import_status = widgets.HTML()

        help_text = (
            "<p>Saisissez les besoins du projet de santé : les nombres s'écrivent comme en "
            "français (<code>41 600</code>, <code>0,5</code>, <code>1 500,50 €</code>). Le "
            "budget se recalcule à chaque saisie (appuyez sur Entrée ou changez de case). "
            "Une ligne laissée entièrement vide est ignorée.</p>"
        )
        self.title = widgets.HTML()
        self._set_title()
        super().__init__(
            [
                self.title,
                widgets.HTML(help_text),
                self.year_field,
                self.staff.box,
                self.indemnities.box,
                self.charges.box,
                self.resources.box,
                self.aci_checkbox,
                self.status,
                self.result,
                widgets.HTML(html_heading("Exporter pour le trésorier", 5)),
                widgets.HBox([self.export_name, self.export_overwrite, self.export_button]),
                self.export_status,
                widgets.HTML(html_heading("Charger le classeur de ma CPTS", 5)),
                widgets.HBox([self.import_path, self.import_button]),
                self.import_status,
            ]
        )
        self._fill(start, drop_aci=contract is not None)

    @classmethod
    def for_module(cls, case: Any) -> BudgetBuilder:
        """The form of module 01's activity « Élaborer le budget 2026 »: the brief's other
        charges and non-ACI resources filled in; the posts, the indemnity groups and the
        ACI line left for the trainee to enter (``case``: the case study, for its
        contract and planned achievement rates)."""
        brief = load_budget_brief()
        start = replace(
            brief,
            staff=(),
            indemnities=(),
            resources=tuple(r for r in brief.resources if r.account != ACI_ACCOUNT),
        )
        form = cls(start, contract=case.contract, achievement=case.planned_achievement)
        form.aci_checkbox.value = False
        return form

    def fill(self, hypotheses: BudgetHypotheses, with_aci: bool | None = None) -> None:
        """Show ``hypotheses`` in the form (replacing its rows) and rebuild. ``with_aci``
        ticks or clears the ACI checkbox (unchanged when ``None``); an ACI line of
        ``hypotheses`` is then replaced by the one computed from the contract."""
        if with_aci is not None and self.contract is not None:
            self._loading = True
            self.aci_checkbox.value = with_aci
            self._loading = False
        self._fill(hypotheses, drop_aci=bool(self.aci_checkbox.value))

    # -- state --------------------------------------------------------------------------

    @property
    def hypotheses(self) -> BudgetHypotheses:
        """The last valid hypotheses (an invalid input never reaches them)."""
        return self._hypotheses

    @property
    def built(self) -> BuiltBudget | None:
        """The budget built from :attr:`hypotheses` (``None`` until one is valid)."""
        return self._built

    @property
    def budget(self) -> pd.DataFrame | None:
        """The budget table of :attr:`built` (a copy), or ``None``."""
        return None if self._built is None else self._built.budget.copy()

    def _set_title(self) -> None:
        year = self._hypotheses.year
        text = f"Budget prévisionnel {year}" + (f" — {self.cpts}" if self.cpts else "")
        block = html_heading(text)
        if self.warning:
            block += _message(self.warning, "warning")
        self.title.value = block

    def _fill(self, hypotheses: BudgetHypotheses, drop_aci: bool) -> None:
        """Put ``hypotheses`` in the form's rows, then rebuild."""
        self._loading = True
        try:
            self.year_field.value = str(hypotheses.year)
            for section, items in (
                (self.staff, hypotheses.staff),
                (self.indemnities, hypotheses.indemnities),
                (self.charges, hypotheses.charges),
                (self.resources, hypotheses.resources),
            ):
                section.clear()
                for item in items:
                    if (
                        drop_aci
                        and isinstance(item, ResourceItem)
                        and item.account == ACI_ACCOUNT
                        and item.label.startswith("Financement ACI")
                    ):
                        continue
                    section.add(item, refresh=False)
        finally:
            self._loading = False
        self._on_change()

    def _read_form(self) -> BudgetHypotheses:
        year = _read(self.year_field, "l'année", "Année")
        # Every section is read, so that each shows its own refusal (or none) under its
        # rows; the first refusal is then raised for the form's summary line.
        read: dict[str, list[Any]] = {}
        first_error: InputError | None = None
        for name in ("staff", "indemnities", "charges", "resources"):
            try:
                read[name] = getattr(self, name).items()
            except InputError as error:
                first_error = first_error or error
        if first_error is not None:
            raise first_error
        resources = read["resources"]
        if self.aci_checkbox.value and self.contract is not None:
            resources.insert(0, aci_resource(self.contract, _whole(year), self.achievement))
        return BudgetHypotheses(
            year=_whole(year),
            cpts=self.cpts,
            staff=tuple(read["staff"]),
            indemnities=tuple(read["indemnities"]),
            charges=tuple(read["charges"]),
            resources=tuple(resources),
            warning=self.warning,
        )

    def _on_change(self, *_: object) -> None:
        if self._loading:
            return
        try:
            hypotheses = self._read_form()
            built = build_budget(hypotheses)
        except CPTSError as error:
            shown = "" if self._built is None else " Le budget affiché reste le dernier valide."
            self.status.value = _message(f"Saisie refusée. {error}{shown}", "error")
            return
        self._hypotheses = hypotheses
        self._built = built
        self.status.value = ""
        self._set_title()
        self._show(built)

    # -- outputs ------------------------------------------------------------------------

    def _show(self, built: BuiltBudget) -> None:
        table = built.budget
        summary = built.summary
        parts = [html_heading("Budget par nature", 5)]
        nature = by_nature(table)
        parts.append(
            _html_table(
                ["Sens", "Compte", "Rubrique", "Montant", "Part"],
                [
                    [
                        str(r["sens"]),
                        str(r["classe"]),
                        str(r["rubrique"]),
                        format_euros(r["montant_eur"], 2),
                        format_percent(r["part"], 1),
                    ]
                    for r in nature.to_dict("records")
                ],
                numeric=[3, 4],
            )
        )
        parts.append(html_heading("Lignes du budget et base de calcul", 5))
        for sens, title, total in (
            (SENS_CHARGE, "Charges", summary.total_charges_eur),
            (SENS_PRODUIT, "Produits", summary.total_produits_eur),
        ):
            lines = table[table["sens"] == sens]
            parts.append(
                _html_table(
                    ["Compte", "Libellé", "Base de calcul", "Mission", "Montant"],
                    [
                        [
                            str(r["compte"]),
                            str(r["libelle"]),
                            str(r["base_de_calcul"]),
                            mission_label(str(r["mission"])) if r["mission"] else "",
                            format_euros(r["montant_eur"], 2),
                        ]
                        for r in lines.to_dict("records")
                    ],
                    numeric=[4],
                    total=["", f"Total des {title.lower()}", "", "", format_euros(total, 2)],
                )
            )
        parts.append(_totals_table(summary))
        parts.append(_message(built.balance.message, "ok" if built.balance.balanced else "info"))
        for warning in built.warnings:
            parts.append(_message(warning, "warning"))
        self.result.value = "".join(parts)

    # -- export and import --------------------------------------------------------------

    def _export(self, *_: object) -> None:
        if self._built is None:
            self.export_status.value = _message(
                "Export refusé : le budget n'est pas encore valide. Corrigez la saisie.", "error"
            )
            return
        target = Path(self.export_name.value.strip()).expanduser()
        try:
            written = export_built_budget_xlsx(
                self._built, target, overwrite=bool(self.export_overwrite.value)
            )
        except CPTSError as error:
            self.export_status.value = _message(f"Export refusé. {error}", "error")
            return
        self.export_status.value = _message(
            f"Classeur enregistré : {written} (feuilles « Budget prévisionnel » et "
            "« Hypothèses »). Pour le récupérer sur votre ordinateur : dans le panneau des "
            f"fichiers, à gauche, clic droit sur « {written.name} » › Télécharger.",
            "ok",
        )

    def _import(self, *_: object) -> None:
        name = self.import_path.value.strip()
        if not name:
            self.import_status.value = _message(
                "Indiquez le nom du classeur à charger (par exemple mon_budget_2026.xlsx).",
                "error",
            )
            return
        try:
            hypotheses = read_budget_xlsx(Path(name).expanduser())
            build_budget(hypotheses)
        except CPTSError as error:
            self.import_status.value = _message(
                f"Classeur non chargé (le formulaire n'a pas changé). {error}", "error"
            )
            return
        self.cpts = hypotheses.cpts
        self.warning = ""
        self._loading = True
        self.aci_checkbox.value = False  # the workbook carries its own ACI line
        self._loading = False
        self._fill(hypotheses, drop_aci=False)
        self.import_status.value = _message(
            f"Classeur « {Path(name).name} » chargé : {len(hypotheses.staff)} poste(s), "
            f"{len(hypotheses.indemnities)} groupe(s) de professionnels, "
            f"{len(hypotheses.charges)} autre(s) charge(s), {len(hypotheses.resources)} "
            f"ressource(s). Résultat : {_euros(build_budget(hypotheses).summary.resultat_eur)}.",
            "ok",
        )
