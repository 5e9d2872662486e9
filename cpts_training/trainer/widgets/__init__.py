"""The trainer's notebook widgets (ipywidgets): views over the trainer's models.

- :class:`GradingForm`: written answers graded against their rubric
  (:mod:`cpts_training.trainer.rubric_grading`).
"""

from __future__ import annotations

from cpts_training.trainer.widgets.grading_form import GradingForm

__all__ = ["GradingForm"]
