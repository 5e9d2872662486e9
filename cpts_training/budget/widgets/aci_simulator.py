"""The ACI funding simulator: one contract year, an achievement slider per mission."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.budget.aci import AciContract, annual_funding, payment_schedule
from cpts_training.budget.widgets._shared import _day, _euros, _html_table, _message, _rows
from cpts_training.errors import CPTSError, InputError
from cpts_training.formatting import (
    format_number_fr,
    format_percent,
)

# --------------------------------------------------------------------------------------
# 2. ACI funding simulator
# --------------------------------------------------------------------------------------

SOURCE_CONTRACT = "contrat"
SOURCE_REFERENCE = "reference"


class AciSimulator(widgets.VBox):
    """Funding of one contract year and its payments, with an achievement slider per
    mission.

    Attributes: ``year`` (contract year), ``sliders`` (mission id → slider in %),
    ``amounts_source`` (signed contract or reference table), ``size`` (ACI size, used
    with the reference table), ``note`` (warning on the amounts), ``status`` (French
    error, if any), ``table`` (funding of the year) and ``schedule`` (its payments).
    Slider values are kept per contract year while the trainee switches years. The
    form opens on ``year`` (default: the first contract year).

    Raises:
        InputError: if ``year`` is not a year of the contract, or (from
            :func:`~cpts_training.budget.aci.annual_funding`) a rate or mission is invalid.
    """

    def __init__(
        self,
        contract: AciContract,
        achievement: Mapping[int, Mapping[str, float]] | None = None,
        year: int | None = None,
    ) -> None:
        if year is not None and year not in contract.contract_years:
            years = ", ".join(str(k) for k in contract.contract_years)
            raise InputError(
                f"Le contrat n'a pas d'année {year} : choisissez une année parmi {years}."
            )
        self.signed_contract = contract
        self.contract = contract
        achievement = achievement or {}
        for contract_year, rates in achievement.items():
            annual_funding(contract, contract_year, rates)  # French error on a bad rate
        self._percent: dict[int, dict[str, int]] = {
            year: {
                m.id: int(round(100 * float(achievement.get(year, {}).get(m.id, 0.0))))
                for m in contract.missions
            }
            for year in contract.contract_years
        }
        self._syncing = False

        self.amounts_source = widgets.ToggleButtons(
            options=[("Contrat signé", SOURCE_CONTRACT), ("Table de référence", SOURCE_REFERENCE)],
            value=SOURCE_CONTRACT,
            description="Montants",
            style={"button_width": "11em", "description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.size = widgets.Dropdown(
            options=[(f"Taille {s}", s) for s in (1, 2, 3, 4)],
            value=contract.size,
            description="Taille ACI",
            disabled=True,
            layout=widgets.Layout(width="14em"),
        )
        self.year = widgets.Dropdown(
            options=[(self._year_label(k), k) for k in contract.contract_years],
            value=contract.contract_years[0] if year is None else year,
            description="Année de contrat",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        longest = max((len(m.label) for m in contract.missions), default=20)
        label_width = math.ceil(0.6 * longest) + 1
        self.sliders: dict[str, widgets.IntSlider] = {}
        rows = []
        for mission in contract.missions:
            slider = widgets.IntSlider(
                value=0,
                min=0,
                max=100,
                step=1,
                description=mission.label,
                continuous_update=False,
                style={"description_width": f"{label_width}em"},
                layout=widgets.Layout(width=f"{label_width + 22}em"),
            )
            slider.observe(self._on_slider, names="value")
            self.sliders[mission.id] = slider
            rows.append(widgets.HBox([slider, widgets.Label("%")]))
        self.note = widgets.HTML()
        self.status = widgets.HTML()
        self.table = widgets.HTML()
        self.schedule = widgets.HTML()

        self.amounts_source.observe(self._on_source, names="value")
        self.size.observe(self._on_source, names="value")
        self.year.observe(self._on_year, names="value")
        super().__init__(
            [
                widgets.HTML("<h4>Simulateur du financement ACI</h4>"),
                widgets.HBox([self.amounts_source, self.size]),
                self.note,
                self.year,
                widgets.HTML("<strong>Taux d'atteinte des indicateurs de l'année</strong>"),
                *rows,
                self.status,
                self.table,
                self.schedule,
            ]
        )
        self._load_sliders()
        self._show_note()
        self._refresh()

    # -- state --------------------------------------------------------------------------

    def _year_label(self, k: int) -> str:
        start, end = self.signed_contract.year_bounds(k)
        return f"Année {k} : du {_day(start)} au {_day(end - dt.timedelta(days=1))}"

    def rates(self) -> dict[str, float]:
        """Achievement rates of the selected year, as fractions (0.8 for 80 %)."""
        return {m: p / 100 for m, p in self._percent[self.year.value].items()}

    def funding(self) -> pd.DataFrame:
        """Funding of the selected year (:func:`~cpts_training.budget.aci.annual_funding`)."""
        return annual_funding(self.contract, self.year.value, self.rates())

    def payments(self) -> pd.DataFrame:
        """Dated payments of the selected year's funding
        (:func:`~cpts_training.budget.aci.payment_schedule`)."""
        year = self.year.value
        return payment_schedule(self.contract, {year: self.rates()}, years=[year])

    # -- events -------------------------------------------------------------------------

    def _load_sliders(self) -> None:
        """Put the stored rates of the selected year on the sliders; a mission that does
        not run during that year has its slider disabled."""
        year = self.year.value
        self._syncing = True
        try:
            for mission_id, slider in self.sliders.items():
                slider.value = self._percent[year][mission_id]
                slider.disabled = self.contract.prorata_months(mission_id, year) <= 0
        finally:
            self._syncing = False

    def _on_slider(self, _change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        year = self.year.value
        for mission_id, slider in self.sliders.items():
            self._percent[year][mission_id] = int(slider.value)
        self._refresh()

    def _on_year(self, _change: Mapping[str, Any]) -> None:
        self._load_sliders()
        self._refresh()

    def _on_source(self, _change: Mapping[str, Any]) -> None:
        reference = self.amounts_source.value == SOURCE_REFERENCE
        self.size.disabled = not reference
        if not reference:
            self.contract = self.signed_contract
        else:
            signed = self.signed_contract
            try:
                self.contract = AciContract.from_reference(
                    self.size.value,
                    signed.signature_date,
                    missions={m.id: m.start_date for m in signed.missions},
                    name=signed.name,
                )
            except CPTSError as error:
                self.status.value = _message(str(error), "error")
                self.table.value = self.schedule.value = ""
                return
        for mission in self.contract.missions:
            if mission.id in self.sliders:
                self.sliders[mission.id].description = mission.label
        self._load_sliders()
        self._show_note()
        self._refresh()

    # -- display ------------------------------------------------------------------------

    def _show_note(self) -> None:
        note = self.contract.amounts_note
        if self.amounts_source.value == SOURCE_REFERENCE:
            text = f"Montants de la table de référence, taille {self.contract.size}"
            text += f" : {note}." if note else "."
            self.note.value = _message(text, "warning" if note else "info")
        else:
            self.note.value = _message(note, "info") if note else ""

    def _refresh(self) -> None:
        try:
            funding = self.funding()
            payments = self.payments()
        except CPTSError as error:
            self.status.value = _message(str(error), "error")
            self.table.value = self.schedule.value = ""
            return
        self.status.value = ""
        year = self.year.value
        start, end = self.contract.year_bounds(year)
        period = f"du {_day(start)} au {_day(end - dt.timedelta(days=1))}"
        rows = [
            [
                str(r.libelle),
                format_number_fr(r.mois_prorata, 2).removesuffix(",00"),
                _euros(r.part_fixe_eur),
                _euros(r.part_variable_max_eur),
                "—" if pd.isna(r.taux_atteinte) else format_percent(r.taux_atteinte),
                _euros(r.part_variable_eur),
                _euros(r.total_eur),
            ]
            for r in _rows(funding)
        ]
        total = [
            f"Total de l'année {year}",
            "",
            _euros(funding["part_fixe_eur"].sum()),
            _euros(funding["part_variable_max_eur"].sum()),
            "",
            _euros(funding["part_variable_eur"].sum()),
            _euros(funding["total_eur"].sum()),
        ]
        self.table.value = f"<h4>Financement de l'année {year} ({period})</h4>" + _html_table(
            [
                "Mission",
                "Mois couverts",
                "Part fixe",
                "Part variable maximale",
                "Taux d'atteinte",
                "Part variable",
                "Total",
            ],
            rows,
            numeric=[1, 2, 3, 4, 5, 6],
            total=total,
        )
        payment_rows = [
            [_day(p.date), str(p.libelle), _euros(p.montant_eur)] for p in _rows(payments)
        ]
        self.schedule.value = f"<h4>Versements au titre de l'année {year}</h4>" + _html_table(
            ["Date", "Versement", "Montant"],
            payment_rows,
            numeric=[2],
            total=[
                "",
                f"Total versé au titre de l'année {year}",
                _euros(payments["montant_eur"].sum()),
            ],
        )
