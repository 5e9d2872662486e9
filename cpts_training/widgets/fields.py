"""A text field for a number typed the French way (``1 500,50``, ``4 500 €``, ``11,9 %``).

Browsers' number fields drop a typed comma (``1500,50`` arrives as 150050), so every
number a trainee types goes through :class:`FrenchNumberText`, a text field read by
:func:`~cpts_training.formatting.parse_number_fr`: a text it cannot read is refused
with a French message showing the accepted forms, never reinterpreted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import traitlets

from cpts_training.formatting import NumberFormatError, format_number_fr, parse_number_fr


def _shown(value: float, unit: str) -> str:
    text = format_number_fr(value, 0 if float(value).is_integer() else 2)
    return f"{text} {unit}" if unit else text


class FrenchNumberText(widgets.Text):
    """A text field whose ``number`` is the French number typed in it.

    ``number`` (float, or ``None`` while the text is not a readable number) and
    ``error`` (the French reason, ``""`` when readable) follow ``value`` (the text).
    ``unit`` (``"€"``, ``"%"`` or ``""``) is the unit expected: ``4 500 %`` in a field
    in euros is refused; in a percentage field, a number between 0 and 1 typed without
    the ``%`` sign (``0,8``: 0,8 % or 80 %?) is refused with both readings. The text is
    read when the trainee presses Entrée or leaves the field (``continuous_update=False``),
    not at each key.
    """

    number = traitlets.Float(allow_none=True, default_value=None)
    error = traitlets.Unicode("")

    def __init__(self, number: float | None = None, unit: str = "€", **kwargs: Any) -> None:
        self.unit = unit
        kwargs.setdefault("continuous_update", False)
        kwargs.setdefault("placeholder", "ex. 1 500,50" if unit == "€" else "ex. 12,5")
        super().__init__(value="" if number is None else _shown(number, unit), **kwargs)
        self._read()
        self.observe(self._read, names="value")

    def _read(self, *_: object) -> None:
        try:
            number = parse_number_fr(self.value, self.unit or None)
        except NumberFormatError as error:
            self.error = str(error)
            self.number = None
            return
        if self.unit == "%" and "%" not in self.value and 0 < abs(number) <= 1:
            # 0,8 in a percentage field: 0,8 % or 80 % (a fraction)? Never guess.
            shown = format_number_fr(number, 2).rstrip("0").rstrip(",")
            self.error = (
                f"« {self.value.strip()} » : voulez-vous dire {shown} % ou "
                f"{format_number_fr(number * 100, 0)} % ? Écrivez le signe % : « "
                f"{format_number_fr(number * 100, 0)} % » (ou « {shown} % »)."
            )
            self.number = None
            return
        self.error = ""
        self.number = number

    def read(self) -> float:
        """The number typed.

        Raises:
            NumberFormatError: French message when the text is not a readable number.
        """
        if self.number is None:
            raise NumberFormatError(self.error)
        return self.number


def export_controls(
    file_name: str, label: str = "Exporter en XLSX", width: str = "13em"
) -> tuple[widgets.Text, widgets.Checkbox, widgets.Button, widgets.HTML]:
    """The export row of a form: file name, « Remplacer le fichier s'il existe », the
    button and the status line (the caller connects the button)."""
    name = widgets.Text(value=file_name, description="Fichier", layout=widgets.Layout(width="26em"))
    overwrite = widgets.Checkbox(
        value=False,
        description="Remplacer le fichier s'il existe",
        indent=False,
        layout=widgets.Layout(width="auto"),
    )
    button = widgets.Button(description=label, icon="download", layout=widgets.Layout(width=width))
    return name, overwrite, button, widgets.HTML()


def saved_text(path: Path | str, what: str = "Classeur enregistré") -> str:
    """« <what> : <absolute path>. » and how a trainee gets the file on their own computer
    from JupyterLab's file panel (French)."""
    written = Path(path)
    return (
        f"{what} : {written.resolve()}. Pour le récupérer sur votre ordinateur : dans le "
        f"panneau des fichiers, à gauche, clic droit sur « {written.name} » › Télécharger."
    )
