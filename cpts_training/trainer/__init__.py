"""Trainer tooling: cohort workspace, nbgrader pipeline, feedback and grades.

The trainer API, the functions the ``cpts-training`` commands are built on, is listed
in ``__all__`` and importable from here (``from cpts_training.trainer import publish``).
Each name is loaded from its module on first use, so importing one trainer module does
not load nbgrader's whole pipeline.

Two pipeline steps share their name with a module of this package and are imported
from :mod:`cpts_training.trainer.pipeline`: ``autograde`` (the module
:mod:`~cpts_training.trainer.autograde` grades several copies at once, each in a
sandbox) and ``feedback`` (the module :mod:`~cpts_training.trainer.feedback` holds
nbgrader's preprocessors).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cpts_training.trainer.attestation import write_attestation
    from cpts_training.trainer.autograde import (
        FAILED,
        AutogradeFailed,
        AutogradeInterrupted,
        AutogradeReport,
        CopyOutcome,
    )
    from cpts_training.trainer.badges import write_badges
    from cpts_training.trainer.competency_model import (
        build_profile,
        load_scale,
        override_competency,
    )
    from cpts_training.trainer.competency_report import write_reports
    from cpts_training.trainer.formgrader import (
        formgrader_command,
        formgrader_environment,
        prepare_formgrader,
    )
    from cpts_training.trainer.grade_summary import grade_summary
    from cpts_training.trainer.lms_export import (
        write_moodle_framework_csv,
        write_moodle_grades_csv,
    )
    from cpts_training.trainer.pipeline import (
        UNCHANGED,
        export,
        feedback_warnings,
        publish,
        release,
        scores,
    )
    from cpts_training.trainer.roster import import_roster, read_roster
    from cpts_training.trainer.rubric_grading import answers_to_grade, grade_answer
    from cpts_training.trainer.submissions import submit, withdraw
    from cpts_training.trainer.totals import copy_totals, report_totals
    from cpts_training.trainer.workspace import init_workspace, update_report, update_workspace

_API = {
    "FAILED": "autograde",
    "AutogradeFailed": "autograde",
    "AutogradeInterrupted": "autograde",
    "AutogradeReport": "autograde",
    "CopyOutcome": "autograde",
    "UNCHANGED": "pipeline",
    "answers_to_grade": "rubric_grading",
    "build_profile": "competency_model",
    "copy_totals": "totals",
    "export": "pipeline",
    "feedback_warnings": "pipeline",
    "formgrader_command": "formgrader",
    "formgrader_environment": "formgrader",
    "grade_answer": "rubric_grading",
    "grade_summary": "grade_summary",
    "import_roster": "roster",
    "read_roster": "roster",
    "init_workspace": "workspace",
    "load_scale": "competency_model",
    "override_competency": "competency_model",
    "prepare_formgrader": "formgrader",
    "publish": "pipeline",
    "release": "pipeline",
    "report_totals": "totals",
    "scores": "pipeline",
    "submit": "submissions",
    "update_report": "workspace",
    "update_workspace": "workspace",
    "withdraw": "submissions",
    "write_attestation": "attestation",
    "write_badges": "badges",
    "write_moodle_framework_csv": "lms_export",
    "write_moodle_grades_csv": "lms_export",
    "write_reports": "competency_report",
}
"""Each API name and the module of this package that defines it."""

__all__ = [
    "AutogradeFailed",
    "AutogradeInterrupted",
    "AutogradeReport",
    "CopyOutcome",
    "FAILED",
    "UNCHANGED",
    "answers_to_grade",
    "build_profile",
    "copy_totals",
    "export",
    "feedback_warnings",
    "formgrader_command",
    "formgrader_environment",
    "grade_answer",
    "grade_summary",
    "import_roster",
    "init_workspace",
    "load_scale",
    "override_competency",
    "prepare_formgrader",
    "publish",
    "read_roster",
    "release",
    "report_totals",
    "scores",
    "submit",
    "update_report",
    "update_workspace",
    "withdraw",
    "write_attestation",
    "write_badges",
    "write_moodle_framework_csv",
    "write_moodle_grades_csv",
    "write_reports",
]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
