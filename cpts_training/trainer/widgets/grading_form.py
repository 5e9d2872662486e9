"""The trainer's grading form: written answers graded against their rubric, in French.

A thin view over :mod:`cpts_training.trainer.rubric_grading`: the list of answers,
the score, the comment, the conflict check and the journal are the model's.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import mistune

from cpts_training.errors import CPTSError
from cpts_training.formatting import format_decimal_fr
from cpts_training.trainer.rubric_grading import (
    AnswerToGrade,
    Criterion,
    GradingConflict,
    answers_to_grade,
    grade_answer,
    shown_date,
)

ALL = "(toutes)"
EVERYONE = "(tous)"

_render = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def markdown_html(text: str) -> str:
    """``text`` (Markdown) as HTML, any HTML typed in the text shown as text, not run."""
    return str(_render(text or ""))


def _points(value: float) -> str:
    return format_decimal_fr(value, 2)


def _criterion_html(criterion: Criterion) -> str:
    text = html.escape(criterion.criterion)
    if criterion.description:
        text += f'<br><small style="color:#555">{html.escape(criterion.description)}</small>'
    return f'<span style="line-height:1.4">{text}</span>'


class GradingForm(widgets.VBox):
    """Grade written answers of ``workspace`` against their rubric.

    Controls, exposed for tests: ``grader`` (name, required to save), ``assessment``,
    ``student`` and ``pending_only`` (filters), ``counter``, ``heading``,
    ``question``, ``answer`` (the trainee's text), ``criteria`` (one checkbox per
    criterion, in the rubric's order, labelled with its points; ``criteria_box`` holds
    them beside their criterion), ``total`` (« 3 / 4 points »), ``comment``, ``save``
    (« Enregistrer et suivante »), ``previous``, ``next``, ``reload`` and ``message``.
    """

    def __init__(self, workspace: Path | str, grader: str = "", **kwargs: Any) -> None:
        self.workspace = Path(workspace)
        self.answers: list[AnswerToGrade] = []
        self.index = 0
        self.grader = widgets.Text(
            value=grader,
            description="Correcteur",
            placeholder="Votre nom (obligatoire pour enregistrer)",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="28em"),
        )
        self.assessment = widgets.Dropdown(description="Évaluation", options=[ALL])
        self.student = widgets.Dropdown(description="Stagiaire", options=[EVERYONE])
        self.pending_only = widgets.Checkbox(
            value=True, description="seulement les réponses à corriger", indent=False
        )
        self.counter = widgets.HTML()
        self.heading = widgets.HTML()
        # The question in full: its own grading table must be seen without scrolling.
        self.question = widgets.HTML()
        self.answer = widgets.HTML(
            layout=widgets.Layout(
                max_height="22em", overflow="auto", border="1px solid #999", padding="0 0.5em"
            )
        )
        self.criteria: list[widgets.Checkbox] = []
        self.criteria_box = widgets.VBox()
        self.total = widgets.HTML()
        self.comment = widgets.Textarea(
            description="Commentaire",
            placeholder="Votre commentaire au stagiaire (facultatif)",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%", height="6em"),
        )
        self.save = widgets.Button(
            description="Enregistrer et suivante",
            button_style="primary",
            icon="check",
            layout=widgets.Layout(width="auto"),
        )
        self.previous = widgets.Button(description="Précédente", icon="arrow-left")
        self.next = widgets.Button(description="Suivante", icon="arrow-right")
        self.reload = widgets.Button(description="Recharger", icon="refresh")
        self.message = widgets.HTML()
        super().__init__(
            [
                self.grader,
                widgets.HBox([self.assessment, self.student, self.pending_only]),
                self.counter,
                self.heading,
                self.question,
                widgets.HTML("<b>Réponse du stagiaire</b>"),
                self.answer,
                widgets.HTML("<b>Grille de correction</b> (cochez les critères atteints)"),
                self.criteria_box,
                self.total,
                self.comment,
                widgets.HBox([self.previous, self.save, self.next, self.reload]),
                self.message,
            ],
            **kwargs,
        )
        self.save.on_click(lambda _: self.save_and_next())
        self.previous.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(1))
        self.reload.on_click(lambda _: self.reload_answer())
        self._fill_filters()
        for control in (self.assessment, self.student, self.pending_only):
            control.observe(lambda _: self.refresh(), names="value")

    # --- reading -----------------------------------------------------------------

    def _guarded(self, action: Any) -> Any:
        """Run ``action``; show an error in French in the message box instead of raising."""
        try:
            return action()
        except GradingConflict as error:
            self._say(f"⚠ Conflit : {error}", "#a15c00")
        except CPTSError as error:
            self._say(f"Erreur : {error}", "#b00020")
        except Exception as error:  # never a traceback in the trainer's notebook
            self._say(
                f"Erreur inattendue ({type(error).__name__}) : rechargez la page ; si "
                "l'erreur revient, signalez-la avec ce message.",
                "#b00020",
            )
        return None

    def _say(self, text: str, color: str = "#1b5e20") -> None:
        self.message.value = f'<p style="color:{color}">{html.escape(text)}</p>'

    def _fill_filters(self) -> None:
        everything = self._guarded(lambda: answers_to_grade(self.workspace, pending_only=False))
        everything = everything or []
        self.assessment.options = [ALL, *sorted({a.assessment for a in everything})]
        self.student.options = [EVERYONE, *sorted({a.student for a in everything})]
        self.refresh()

    def _filters(self) -> dict[str, Any]:
        return {
            "assessment": None if self.assessment.value == ALL else self.assessment.value,
            "student": None if self.student.value == EVERYONE else self.student.value,
        }

    def refresh(self, keep: tuple[str, str, str, str] | None = None) -> None:
        """Read the answers again with the current filters; stay on ``keep`` if listed."""

        def read() -> None:
            everything = answers_to_grade(self.workspace, **self._filters(), pending_only=False)
            pending = [a for a in everything if a.pending]
            # The answer on screen stays listed once graded (after a save or a conflict,
            # the trainer sees its grade), even with « seulement les réponses à corriger ».
            shown = [a for a in everything if a.pending or a.key == keep]
            self.answers = shown if self.pending_only.value else everything
            self.counter.value = (
                f"<b>{len(pending)} réponse(s) à corriger sur {len(everything)}</b>"
            )
            keys = [a.key for a in self.answers]
            if keep in keys:
                self.index = keys.index(keep)
            self.index = max(0, min(self.index, len(self.answers) - 1))
            self.show()

        self._guarded(read)

    @property
    def current(self) -> AnswerToGrade | None:
        """The answer on screen, or None if there is none to show."""
        return self.answers[self.index] if self.answers else None

    def show(self) -> None:
        """Draw the current answer, its rubric and the total."""
        answer = self.current
        self.comment.value = ""
        if answer is None:
            self.heading.value = "<p>Aucune réponse à afficher avec ces filtres.</p>"
            self.question.value = self.answer.value = self.total.value = ""
            self.criteria = []
            self.criteria_box.children = []
            self.save.disabled = self.previous.disabled = self.next.disabled = True
            return
        state = "à corriger" if answer.pending else "notée"
        if answer.score is not None:
            state += f" (note actuelle : {_points(answer.score)} / {_points(answer.max_points)}"
            if answer.graded_by:
                state += f", par {answer.graded_by} le {shown_date(answer.graded_at)}"
            state += ")"
        self.heading.value = (
            f"<h3>{html.escape(answer.label)}</h3><p>Réponse {self.index + 1} sur "
            f"{len(self.answers)} — {html.escape(state)}</p>"
        )
        self.question.value = markdown_html(answer.question)
        self.answer.value = markdown_html(answer.answer) or "<p><i>(réponse vide)</i></p>"
        rubric = answer.rubric.criteria if answer.rubric else ()
        self.criteria = [
            widgets.Checkbox(
                value=False,
                description=f"{_points(c.points)} pt",
                indent=False,
                layout=widgets.Layout(width="6em", flex="0 0 auto"),
            )
            for c in rubric
        ]
        for box in self.criteria:
            box.observe(lambda _: self._update_total(), names="value")
        # The criterion beside its box, as HTML: a long criterion wraps, never cut.
        self.criteria_box.children = [
            widgets.HBox([box, widgets.HTML(_criterion_html(c))])
            for box, c in zip(self.criteria, rubric, strict=True)
        ]
        if answer.rubric is None:
            self._say(
                "Cette réponse n'a pas de grille de correction : notez-la dans formgrader.",
                "#a15c00",
            )
        self.save.disabled = answer.rubric is None
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.answers) - 1
        self._update_total()

    def met(self) -> list[str]:
        """Names of the criteria ticked."""
        answer = self.current
        if answer is None or answer.rubric is None:
            return []
        ticked = zip(answer.rubric.criteria, self.criteria, strict=True)
        return [criterion.criterion for criterion, box in ticked if box.value]

    def _update_total(self) -> None:
        answer = self.current
        if answer is None or answer.rubric is None:
            self.total.value = ""
            return
        score = answer.rubric.points_of(self.met())
        unit = "point" if answer.max_points < 2 else "points"
        self.total.value = f"<b>{_points(score)} / {_points(answer.max_points)} {unit}</b>"

    # --- actions -----------------------------------------------------------------

    def reload_answer(self) -> None:
        """Read the answers again, staying on the answer on screen (after a conflict)."""
        current = self.current
        self.refresh(keep=current.key if current else None)
        self._say("Réponses rechargées : la note actuelle est affichée.", "#333")

    def go(self, step: int) -> None:
        """Show the previous (-1) or next (+1) answer."""
        if self.answers:
            self.index = max(0, min(self.index + step, len(self.answers) - 1))
            self.message.value = ""
            self.show()

    def save_and_next(self) -> None:
        """Save the grade of the answer on screen, then show the next one."""
        answer = self.current
        if answer is None:
            return

        def save() -> None:
            record = grade_answer(
                self.workspace, answer, self.met(), self.grader.value, self.comment.value
            )
            position = self.index
            self.refresh(keep=answer.key)
            keys = [a.key for a in self.answers]
            self.index = keys.index(answer.key) + 1 if answer.key in keys else position
            self.index = max(0, min(self.index, len(self.answers) - 1))
            self.show()
            self._say(
                f"Note enregistrée à {datetime.now().strftime('%H:%M:%S')} : "
                f"{_points(record.points)} / {_points(record.max_points)} pour "
                f"{answer.label}."
            )

        self._guarded(save)
