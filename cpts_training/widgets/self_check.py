"""A choice, a « Vérifier » button and the French verdict of a self-check."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from cpts_training.checks import CheckResult
from cpts_training.html_blocks import strong


class ChoiceCheck(widgets.VBox):
    """Radio buttons for a question; the button shows the verdict of ``check(choice)``."""

    def __init__(
        self,
        question: str,
        options: Sequence[tuple[str, object]],
        check: Callable[[object], CheckResult],
    ) -> None:
        self.check = check
        self.choices = widgets.RadioButtons(options=list(options), value=None)
        self.button = widgets.Button(description="Vérifier", button_style="primary", icon="check")
        self.verdict = widgets.HTML()
        self.button.on_click(self._verify)
        super().__init__([widgets.HTML(strong(question)), self.choices, self.button, self.verdict])

    def _verify(self, *_: object) -> None:
        self.verdict.value = self.check(self.choices.value)._repr_html_()

    def verify(self) -> CheckResult:
        """Run the check on the current choice (as the button does) and return it."""
        self._verify()
        return self.check(self.choices.value)
