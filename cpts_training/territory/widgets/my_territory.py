"""« Mon territoire »: describe one's own CPTS and build the skeleton of its diagnostic.

The trainee types the INSEE codes or names of their communes (one per line) or their
EPCI, and sees the population, the ACI size and the communes
(:func:`~cpts_training.territory.france.describe_territory`). They then fill the head
counts of professionals per commune, list their partner structures, write their
priorities and a synthesis, and export the diagnostic (DOCX and HTML, with a map of the communes and
partners) to ``mes_documents``. Once described, the communes are shown on a map (an
image, and an interactive map in a second tab). Every check and every figure is
:mod:`cpts_training.territory.diagnostic`'s; the form shows what it returns, in French.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from cpts_training.errors import CPTSError, InputError
from cpts_training.figures import figure_png
from cpts_training.formatting import format_number_fr
from cpts_training.html_blocks import message_box
from cpts_training.html_blocks import strong as html_strong
from cpts_training.territory.diagnostic import (
    COMMUNE,
    DIAGNOSTIC_PROFESSIONS,
    DiagnosticDocument,
    DiagnosticSkeleton,
    diagnostic_document,
    diagnostic_skeleton,
    require_counts,
    require_structures,
)
from cpts_training.territory.france import POSITION_SOURCE, RealTerritory, describe_territory
from cpts_training.territory.resources import STRUCTURE_TYPES
from cpts_training.widgets.fields import FrenchNumberText, export_controls

SHORT_LABELS: dict[str, str] = {
    "medecins_generalistes": "Méd. généralistes",
    "infirmiers": "Infirmiers",
    "masseurs_kinesitherapeutes": "Kinés",
    "sages_femmes": "Sages-femmes",
    "chirurgiens_dentistes": "Dentistes",
    "pharmacies": "Pharmacies",
}
"""Column headers of the counts grid (the document uses the full labels)."""

NOTE = (
    "Les effectifs se comptent en personnes (pharmacies : en officines) ; une case vide "
    "compte 0, une profession laissée entièrement vide est « non renseignée ». La carte "
    "place chaque commune au centre de son contour (IGN) : le diagnostic exporté la reprend, "
    "avec vos structures partenaires autour de leur commune."
)

_FULL = widgets.Layout(width="40em")
_CELL = widgets.Layout(width="6.5em")


class _StructureRow:
    """One partner structure: type, name, commune and a « Retirer » button."""

    def __init__(self, communes: list[tuple[str, str]]) -> None:
        self.kind = widgets.Dropdown(
            options=list(STRUCTURE_TYPES), layout=widgets.Layout(width="13em")
        )
        self.name = widgets.Text(
            placeholder="Nom de la structure", layout=widgets.Layout(width="18em")
        )
        self.commune = widgets.Dropdown(options=communes, layout=widgets.Layout(width="16em"))
        self.remove = widgets.Button(
            description="Retirer", icon="trash", layout=widgets.Layout(width="7.5em")
        )
        self.box = widgets.HBox([self.kind, self.name, self.commune, self.remove])

    def item(self) -> tuple[str, str, str]:
        return (str(self.kind.value or ""), self.name.value, str(self.commune.value or ""))


class MyTerritory(widgets.VBox):
    """The « Mon territoire » form: describe one's CPTS, fill the diagnostic, export it.

    ``folder`` is where the export writes (default ``mes_documents``, created when
    missing). Properties: :attr:`territory`, :attr:`skeleton`, :attr:`counts`,
    :attr:`structures`; :meth:`document` builds the
    :class:`~cpts_training.territory.diagnostic.DiagnosticDocument`.
    """

    def __init__(self, folder: Path | str = "mes_documents") -> None:
        self.folder = Path(folder)
        self._territory: RealTerritory | None = None
        self._skeleton: DiagnosticSkeleton | None = None
        self.count_fields: dict[tuple[str, str], FrenchNumberText] = {}
        self.structure_rows: list[_StructureRow] = []

        self.communes_input = widgets.Textarea(
            placeholder="34145\nLunel-Viel\nMauguio",
            layout=widgets.Layout(width="24em", height="8em"),
        )
        self.epci_input = widgets.Text(
            placeholder="ex. CA Lunel Agglo ou 243400520", layout=widgets.Layout(width="24em")
        )
        self.describe_button = widgets.Button(
            description="Décrire mon territoire",
            icon="map-marker",
            layout=widgets.Layout(width="16em"),
        )
        self.describe_status = widgets.HTML()
        self.territory_view = widgets.HTML()
        self.describe_button.on_click(self._on_describe)
        self.map_image = widgets.Image(format="png", layout=widgets.Layout(width="560px"))
        self.interactive_map = widgets.VBox()
        self.maps = widgets.Tab(
            children=[self.map_image, self.interactive_map],
            titles=("Carte", "Carte interactive"),
            layout=widgets.Layout(display="none"),
        )
        self.maps.observe(self._draw_interactive, names="selected_index")

        self.counts_grid = widgets.GridBox()
        self.counts_status = widgets.HTML()
        self.structures_box = widgets.VBox()
        self.add_structure_button = widgets.Button(
            description="Ajouter une structure", icon="plus", layout=widgets.Layout(width="14em")
        )
        self.add_structure_button.on_click(lambda _: self.add_structure())
        self.cpts_name = widgets.Text(
            placeholder="ex. CPTS du Pays de Lunel",
            description="Nom de la CPTS",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="30em"),
        )
        self.priorities_input = widgets.Textarea(
            placeholder="Une priorité par ligne", layout=widgets.Layout(width="40em", height="6em")
        )
        self.synthesis_input = widgets.Textarea(
            placeholder="Votre lecture du territoire en quelques phrases",
            layout=widgets.Layout(width="40em", height="8em"),
        )
        self.file_name, self.overwrite, self.export_button, self.export_status = export_controls(
            "diagnostic_territorial", "Exporter le diagnostic (DOCX et HTML)", "28em"
        )
        self.export_button.on_click(self._on_export)

        self.diagnostic_box = widgets.VBox(
            [
                widgets.HTML(html_strong("Effectifs de professionnels par commune")),
                self.counts_grid,
                self.counts_status,
                widgets.HTML(html_strong("Structures partenaires")),
                self.structures_box,
                self.add_structure_button,
                self.cpts_name,
                widgets.HTML(html_strong("Priorités (une par ligne)")),
                self.priorities_input,
                widgets.HTML(html_strong("Synthèse")),
                self.synthesis_input,
                widgets.HBox([self.file_name, self.overwrite]),
                self.export_button,
                self.export_status,
            ],
            layout=widgets.Layout(display="none"),
        )
        super().__init__(
            [
                widgets.HTML(html_strong("Codes INSEE ou noms des communes (un par ligne)")),
                self.communes_input,
                widgets.HTML(html_strong("ou code/nom d'EPCI")),
                self.epci_input,
                self.describe_button,
                self.describe_status,
                self.territory_view,
                self.maps,
                self.diagnostic_box,
                widgets.HTML(message_box(NOTE, "info")),
            ]
        )

    # ----------------------------------------------------------------------------------
    # State
    # ----------------------------------------------------------------------------------

    @property
    def territory(self) -> RealTerritory | None:
        """The territory last described (``None`` before)."""
        return self._territory

    @property
    def skeleton(self) -> DiagnosticSkeleton | None:
        """The diagnostic's skeleton of :attr:`territory` (``None`` before)."""
        return self._skeleton

    def _require_skeleton(self) -> DiagnosticSkeleton:
        if self._skeleton is None:
            raise InputError(
                "Décrivez d'abord votre territoire : saisissez vos communes ou votre EPCI, "
                "puis cliquez sur « Décrire mon territoire »."
            )
        return self._skeleton

    def _typed_counts(self) -> pd.DataFrame:
        skeleton = self._require_skeleton()
        table = skeleton.communes[[COMMUNE, "commune"]].copy()
        for profession in DIAGNOSTIC_PROFESSIONS:
            table[profession] = [
                self.count_fields[(code, profession)].value for code in skeleton.codes
            ]
        return table

    @property
    def counts(self) -> pd.DataFrame:
        """The counts typed, checked (:func:`~cpts_training.territory.diagnostic.
        require_counts`): ``code_commune`` then the professions filled, whole numbers.

        Raises:
            InputError: no territory yet, or a count that is not a whole number ≥ 0
                (the message names the commune and the profession).
        """
        return require_counts(self._typed_counts(), self._require_skeleton())

    @property
    def structures(self) -> pd.DataFrame:
        """The partner structures listed, checked (``type``, ``nom``, ``code_commune``,
        ``commune``)."""
        return require_structures(
            [row.item() for row in self.structure_rows], self._require_skeleton()
        )

    def document(self) -> DiagnosticDocument:
        """The diagnostic built from the form (raises a French :class:`InputError`)."""
        skeleton = self._require_skeleton()
        return diagnostic_document(
            skeleton,
            self._typed_counts(),
            [row.item() for row in self.structure_rows],
            self.priorities_input.value.split("\n"),
            self.synthesis_input.value,
            self.cpts_name.value,
        )

    # ----------------------------------------------------------------------------------
    # Actions
    # ----------------------------------------------------------------------------------

    def describe(self) -> None:
        """Describe the territory typed (what the button does); on an error, show it in
        French and keep the territory described before."""
        communes = [line.strip() for line in self.communes_input.value.splitlines() if line.strip()]
        epci = self.epci_input.value.strip()
        try:
            if not communes and not epci:
                raise InputError(
                    "Saisissez au moins une commune (code INSEE ou nom, une par ligne) ou un "
                    "EPCI, puis cliquez sur « Décrire mon territoire »."
                )
            territory = describe_territory(communes=communes or None, epci=epci or None)
            skeleton = diagnostic_skeleton(territory)
        except CPTSError as error:
            self.describe_status.value = message_box(str(error), "error")
            return
        self._territory, self._skeleton = territory, skeleton
        self.describe_status.value = message_box(
            f"Territoire décrit : {len(skeleton.communes)} commune"
            f"{'s' if len(skeleton.communes) > 1 else ''}, "
            f"{format_number_fr(skeleton.population)} habitants, taille ACI {skeleton.aci_size}.",
            "ok",
        )
        self.territory_view.value = territory._repr_html_()
        self._draw_map(skeleton)
        self._build_grid(skeleton)
        self._update_structure_communes(skeleton)
        self.diagnostic_box.layout.display = ""
        self._on_count_change()

    def add_structure(self) -> _StructureRow:
        """Add an empty partner-structure row and return it."""
        skeleton = self._require_skeleton()
        row = _StructureRow(self._commune_options(skeleton))
        row.remove.on_click(lambda _: self._remove_structure(row))
        self.structure_rows.append(row)
        self.structures_box.children = [r.box for r in self.structure_rows]
        return row

    def export(self) -> tuple[Path, Path] | None:
        """Write the diagnostic (what the export button does); return the two paths, or
        ``None`` after showing the French reason."""
        try:
            paths = self.document().save(
                self.folder, self.file_name.value.strip(), overwrite=self.overwrite.value
            )
        except CPTSError as error:
            self.export_status.value = message_box(f"Export impossible. {error}", "error")
            return None
        self.export_status.value = message_box(
            f"Diagnostic enregistré : {paths[1]} (Word) et {paths[0]} (page web). Ouvrez-les "
            "depuis le navigateur de fichiers de JupyterLab (clic droit › Télécharger).",
            "ok",
        )
        return paths

    # ----------------------------------------------------------------------------------
    # Internals
    # ----------------------------------------------------------------------------------

    def _on_describe(self, _: object) -> None:
        self.describe()

    def _draw_map(self, skeleton: DiagnosticSkeleton) -> None:
        """The static map of the communes; the interactive one is drawn when its tab opens."""
        from cpts_training.territory.maps import plot_commune_points

        self.interactive_map.children = ()
        if skeleton.communes["latitude"].isna().all():
            self.map_image.value = b""
            self.maps.layout.display = "none"
            return
        figure = plot_commune_points(
            skeleton.communes, None, "Mes communes", source=POSITION_SOURCE
        )
        try:
            self.map_image.value = figure_png(figure)
        finally:
            figure.clear()
        self.maps.layout.display = ""
        self._draw_interactive()  # the new communes, if that tab is the one open

    def _draw_interactive(self, *_: object) -> None:
        """Draw the interactive map when its tab is open, with the structures listed so
        far (drawn again each time the tab is opened)."""
        if self.maps.selected_index != 1 or self._territory is None:
            return
        from cpts_training.territory.widgets.leaflet_map import (
            COMMUNES_NOTE,
            communes_without_position,
            interactive_communes_map,
            leaflet_available,
            structures_legend,
            with_caption,
        )

        if not leaflet_available():
            self.interactive_map.children = (
                widgets.HTML(
                    message_box(
                        "La carte interactive demande le paquet ipyleaflet, absent de cet "
                        "environnement : l'onglet « Carte » montre vos communes.",
                        "warning",
                    )
                ),
            )
            return
        positions = self._territory.positions()
        try:
            structures: pd.DataFrame | None = self.structures
        except CPTSError:  # a row being typed: the map shows the communes meanwhile
            structures = None
        try:
            figure = interactive_communes_map(positions, structures)
        except CPTSError as error:
            self.interactive_map.children = (widgets.HTML(message_box(str(error), "error")),)
            return
        children: list[widgets.Widget] = [
            with_caption(figure, COMMUNES_NOTE, structures_legend(structures))
        ]
        lacking = communes_without_position(positions)
        if lacking:
            children.append(
                widgets.HTML(
                    message_box(f"Sans position connue : {', '.join(lacking)}.", "warning")
                )
            )
        self.interactive_map.children = tuple(children)

    def _on_export(self, _: object) -> None:
        self.export()

    @staticmethod
    def _commune_options(skeleton: DiagnosticSkeleton) -> list[tuple[str, str]]:
        return [
            (f"{name} ({code})", code)
            for code, name in zip(skeleton.codes, skeleton.communes["commune"], strict=True)
        ]

    def _build_grid(self, skeleton: DiagnosticSkeleton) -> None:
        previous = {key: field.value for key, field in self.count_fields.items()}
        self.count_fields = {}
        cells: list[widgets.Widget] = [widgets.HTML("<b>Commune</b>")]
        cells += [widgets.HTML(f"<b>{label}</b>") for label in SHORT_LABELS.values()]
        for code, name, population in zip(
            skeleton.codes,
            skeleton.communes["commune"],
            skeleton.communes["population"],
            strict=True,
        ):
            cells.append(widgets.Label(f"{name} ({format_number_fr(int(population))} hab.)"))
            for profession in DIAGNOSTIC_PROFESSIONS:
                field = FrenchNumberText(unit="", placeholder="0", layout=_CELL)
                field.value = previous.get((code, profession), "")
                field.observe(self._on_count_change, names="value")
                self.count_fields[(code, profession)] = field
                cells.append(field)
        self.counts_grid.children = cells
        self.counts_grid.layout = widgets.Layout(
            grid_template_columns=f"16em repeat({len(DIAGNOSTIC_PROFESSIONS)}, 7em)",
            grid_gap="2px 4px",
        )

    def _update_structure_communes(self, skeleton: DiagnosticSkeleton) -> None:
        options = self._commune_options(skeleton)
        for row in self.structure_rows:
            kept = row.commune.value if row.commune.value in skeleton.codes else None
            row.commune.options = options
            row.commune.value = kept

    def _remove_structure(self, row: _StructureRow) -> None:
        self.structure_rows.remove(row)
        self.structures_box.children = [r.box for r in self.structure_rows]

    def _on_count_change(self, *_: Any) -> None:
        try:
            counts = self.counts
        except CPTSError as error:
            self.counts_status.value = message_box(f"Saisie refusée. {error}", "error")
            return
        filled = [c for c in counts.columns if c != COMMUNE]
        if not filled:
            self.counts_status.value = message_box(
                "Saisissez les effectifs que vous connaissez (une case vide compte 0).", "info"
            )
            return
        self.counts_status.value = message_box(
            "Effectifs lus : "
            + ", ".join(
                f"{DIAGNOSTIC_PROFESSIONS[c]} {format_number_fr(int(counts[c].sum()))}"
                for c in filled
            )
            + ".",
            "ok",
        )
