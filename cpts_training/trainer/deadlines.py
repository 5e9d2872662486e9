"""Due dates of assessments, hand-in times of copies, lateness and the late penalty.

Everything is stored where nbgrader keeps it, so that nbgrader computes the delay
itself and every tool reading the gradebook sees the same figures:

- the due date of an assessment is the gradebook's ``Assignment.duedate``
  (naive UTC, written with ``Gradebook.update_or_create_assignment``); nbgrader's
  ``generate_assignment`` (``assessment release``) leaves it as it is;
- the hand-in time of a copy is its ``timestamp.txt`` (written by
  :func:`~.submissions.submit`), which ``nbgrader autograde`` records as
  ``SubmittedAssignment.timestamp``; nbgrader's ``total_seconds_late`` is then the
  delay (zero when on time);
- the late penalty is nbgrader's own mechanism: the ``AssignLatePenalties``
  preprocessor of ``autograde`` asks a ``LateSubmissionPlugin`` for a penalty;
  :class:`LatePenalty` is such a plugin, off until the workspace's
  ``nbgrader_config.py`` names it.

Trainers write dates the French way, in Paris time: « 15/01/2027 18:00 »,
« 15/01/2027 » (the end of that day, 23:59) or ISO « 2027-01-15T18:00 ».
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float, Int

from cpts_training.dates import fr_date
from cpts_training.errors import CPTSError
from cpts_training.trainer.autograde import AutogradeReport
from cpts_training.trainer.grade_summary import deposit_time
from cpts_training.trainer.workspace import COURSE_ID, require_workspace

PARIS = ZoneInfo("Europe/Paris")
"""Time zone of the dates trainers type and read."""

LATENESS_COLUMNS = [
    "stagiaire",
    "evaluation",
    "rendu_le",
    "date_limite",
    "retard_secondes",
    "retard",
]
"""Columns of :func:`lateness`."""

DATE_EXAMPLE = "« 15/01/2027 18:00 », « 15/01/2027 » (jusqu'à 23:59) ou « 2027-01-15T18:00 »"

_FRENCH = re.compile(
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s+(?:à\s+)?(?P<hour>\d{1,2})\s*[:hH]\s*(?P<minute>\d{2})?)?"
)


def parse_french_datetime(text: str, what: str, end_of_day: bool = True) -> dt.datetime:
    """The moment written in ``text`` (Paris time), as an aware UTC datetime.

    Accepted: « 15/01/2027 18:00 », « 15/01/2027 à 18h00 », « 15/01/2027 18h »,
    « 15/01/2027 » and ISO (« 2027-01-15 », « 2027-01-15T18:00 », with or without an
    offset). A day without a time means the end of that day (23:59) when
    ``end_of_day``, and is refused otherwise (a hand-in time needs its hour).
    ``what`` names the value in the message (« La date limite »).

    Raises:
        CPTSError: French message with an example, for anything else.
    """
    cleaned = " ".join(str(text).split())
    moment: dt.datetime | None = None
    has_time = True
    french = _FRENCH.fullmatch(cleaned)
    try:
        if french:
            has_time = french["hour"] is not None
            moment = dt.datetime(
                int(french["year"]),
                int(french["month"]),
                int(french["day"]),
                int(french["hour"] or 0),
                int(french["minute"] or 0),
            )
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            has_time = False
            moment = dt.datetime.fromisoformat(cleaned)
        elif re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", cleaned):
            moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        moment = None
    if moment is None:
        raise CPTSError(
            f"{what} « {text} » n'est pas une date lisible. Écrivez-la par exemple "
            f"{DATE_EXAMPLE}, en heure de Paris."
        )
    if not has_time:
        if not end_of_day:
            raise CPTSError(
                f"{what} « {text} » n'a pas d'heure : précisez-la, par exemple "
                f"« {fr_date(moment.date())} 18:00 » (heure de Paris)."
            )
        moment = moment.replace(hour=23, minute=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware UTC datetime; a naive one is taken as Paris time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(dt.UTC)


def french_moment(moment: dt.datetime | None) -> str:
    """« 15/01/2027 à 18:00 » in Paris time (a naive ``moment`` is UTC); « » for ``None``."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(PARIS)
    return f"{fr_date(local.date())} à {local:%H:%M}"


def format_delay(seconds: float) -> str:
    """A delay in French, rounded down: « 45 s », « 12 min », « 2 h 10 min », « 2 h »,
    « 3 j 4 h », « 1 j »; « » when ``seconds`` is zero or less (on time)."""
    if seconds <= 0:
        return ""
    whole = math.floor(seconds)
    if whole < 60:
        return f"{max(whole, 1)} s"
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} j {hours} h" if hours else f"{days} j"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _gradebook(workspace: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID)


def require_assessment(workspace: Path, assessment: str) -> None:
    """Fail in French unless ``assessment`` is one of the workspace's assessments."""
    source = workspace / "source"
    available = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
    if assessment not in available:
        example = available[0] if available else "evaluation_01"
        raise CPTSError(
            f"Évaluation « {assessment} » inconnue dans {workspace}. Évaluations disponibles : "
            f"{', '.join(available) or 'aucune'} (par exemple « {example} »)."
        )


def deadline(workspace: Path, assessment: str) -> dt.datetime | None:
    """The due date of ``assessment`` (aware UTC), or ``None`` when it has none.

    Raises:
        CPTSError: not a workspace, or an unknown assessment.
    """
    workspace = require_workspace(workspace)
    require_assessment(workspace, assessment)
    if not (workspace / "gradebook.db").is_file():
        return None
    with _gradebook(workspace) as gradebook:
        try:
            due = gradebook.find_assignment(assessment).duedate
        except MissingEntry:
            return None
    return None if due is None else due.replace(tzinfo=dt.UTC)


def set_deadline(
    workspace: Path, assessment: str, when: dt.datetime | str | None
) -> dt.datetime | None:
    """Set (or, with ``None``, remove) the due date of ``assessment``; returns it (UTC).

    ``when`` is a datetime (naive = Paris time) or a French text
    (:func:`parse_french_datetime`). Stored in nbgrader's gradebook as
    ``Assignment.duedate`` (naive UTC), creating the assignment when it is not
    released yet. Changing the due date changes the delay nbgrader reports for copies
    already graded (``total_seconds_late`` is computed from it); a late penalty is
    only computed again by the next automatic correction (``autograde --force``).

    Raises:
        CPTSError: not a workspace, unknown assessment, unreadable date; the gradebook
            is then unchanged.
    """
    from cpts_training.trainer.roster import _alembic_on_path

    workspace = require_workspace(workspace)
    require_assessment(workspace, assessment)
    if isinstance(when, str):
        when = parse_french_datetime(when, "La date limite")
    due = None if when is None else as_utc(when)
    with _alembic_on_path(), _gradebook(workspace) as gradebook:
        stored = None if due is None else due.replace(tzinfo=None)
        gradebook.update_or_create_assignment(assessment, duedate=stored)
    return due


def _deadlines(gradebook: Gradebook) -> dict[str, dt.datetime | None]:
    return {a.name: a.duedate for a in gradebook.assignments}


def lateness(workspace: Path, assessment: str | None = None) -> pd.DataFrame:
    """One row per deposited copy (of ``assessment``, or of every assessment).

    Columns (:data:`LATENESS_COLUMNS`): ``stagiaire``, ``evaluation``, ``rendu_le``
    (hand-in time of ``timestamp.txt``) and ``date_limite`` (the due date, plus the
    trainee's extension in nbgrader's gradebook if any), both pandas timestamps in
    Paris time (``NaT`` when unknown); ``retard_secondes`` (seconds after the due
    date, 0 when on time or without due date, as nbgrader's ``total_seconds_late``)
    and ``retard`` (the delay in French, :func:`format_delay`; « » when on time).

    Raises:
        CPTSError: not a workspace, or an unknown ``assessment``.
    """
    workspace = require_workspace(workspace)
    if assessment is not None:
        require_assessment(workspace, assessment)
    pattern = f"*/{assessment}" if assessment else "*/*"
    folders = sorted(p for p in (workspace / "submitted").glob(pattern) if p.is_dir())
    rows: list[dict[str, object]] = []
    dues: dict[str, dt.datetime | None] = {}
    extensions: dict[tuple[str, str], dt.timedelta] = {}
    if folders and (workspace / "gradebook.db").is_file():
        with _gradebook(workspace) as gradebook:
            dues = _deadlines(gradebook)
            for name in dues:
                for submission in gradebook.assignment_submissions(name):
                    if submission.extension is not None:
                        extensions[(submission.student.id, name)] = submission.extension
    for folder in folders:
        student, name = folder.parent.name, folder.name
        handed_in = deposit_time(folder)
        due = dues.get(name)
        if due is not None:
            due = due.replace(tzinfo=dt.UTC) + extensions.get((student, name), dt.timedelta())
        late = 0.0
        if handed_in is not None and due is not None:
            late = max(0.0, (handed_in - due).total_seconds())
        rows.append(
            {
                "stagiaire": student,
                "evaluation": name,
                "rendu_le": pd.Timestamp(handed_in).tz_convert(PARIS) if handed_in else pd.NaT,
                "date_limite": pd.Timestamp(due).tz_convert(PARIS) if due else pd.NaT,
                "retard_secondes": late,
                "retard": format_delay(late),
            }
        )
    table = pd.DataFrame(rows, columns=LATENESS_COLUMNS)
    for column in ("rendu_le", "date_limite"):
        table[column] = pd.to_datetime(table[column], utc=True).dt.tz_convert(PARIS)
    table["retard_secondes"] = table["retard_secondes"].astype(float)
    return table


def late_copies(workspace: Path, assessment: str) -> dict[str, float]:
    """Trainees whose copy of ``assessment`` is late → seconds late (see :func:`lateness`)."""
    table = lateness(workspace, assessment)
    late = table[table["retard_secondes"] > 0]
    return dict(zip(late["stagiaire"], late["retard_secondes"], strict=True))


def late_sentence(late: dict[str, float]) -> str:
    """« Copies rendues en retard : dupont-marie (2 h 10 min), … » or « » when none."""
    if not late:
        return ""
    names = ", ".join(f"{name} ({format_delay(seconds)})" for name, seconds in late.items())
    return f"Copies rendues en retard : {names}."


@dataclass
class LateAwareReport(AutogradeReport):
    """An :class:`~.autograde.AutogradeReport` whose summary also names the late copies."""

    late: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """The report's sentence, then the late copies with their delay, if any."""
        sentence = super().summary()
        late = late_sentence(self.late)
        return f"{sentence} {late}" if late else sentence


def with_lateness(workspace: Path, report: AutogradeReport) -> LateAwareReport:
    """``report`` with the late copies of its assessment among those it looked at."""
    looked_at = {o.student for o in report.outcomes}
    late = {
        name: seconds
        for name, seconds in late_copies(workspace, report.assessment).items()
        if name in looked_at
    }
    return LateAwareReport(
        assessment=report.assessment,
        outcomes=report.outcomes,
        sandbox=report.sandbox,
        workers=report.workers,
        workspace=report.workspace,
        late=late,
    )


class LatePenalty(LateSubmissionPlugin):
    """Late penalty of the workspace (nbgrader plugin), OFF until configured.

    Policy, per notebook of a late copy (nbgrader calls the plugin once per notebook
    with its score and the seconds late, and caps the penalty at the score):

    - ``points_per_day`` points are removed per day of delay, each started day
      counting in full (1 s to 24 h late = 1 day, 24 h 1 s = 2 days);
    - the penalty is at most ``max_penalty`` points (0 = no cap);
    - from ``zero_after_days`` days late on (0 = never), the whole score is removed.

    Switched on in the workspace's ``nbgrader_config.py`` (see its commented lines)::

        c.AssignLatePenalties.plugin_class = "cpts_training.trainer.deadlines.LatePenalty"
        c.LatePenalty.points_per_day = 1
        c.LatePenalty.max_penalty = 5
        c.LatePenalty.zero_after_days = 7

    The penalty is computed at the automatic correction; after a change of policy or of
    due date, correct again with ``autograde --force`` (manual grades are kept).
    """

    points_per_day = Float(
        1.0, help="Points retirés par jour de retard commencé (par carnet)."
    ).tag(config=True)
    max_penalty = Float(
        0.0, help="Pénalité maximale en points (0 : pas de plafond autre que la note)."
    ).tag(config=True)
    zero_after_days = Int(
        0, help="Note mise à zéro à partir de ce nombre de jours de retard (0 : jamais)."
    ).tag(config=True)

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        """Points removed from ``score`` for ``total_seconds_late`` seconds late."""
        return penalty_points(
            score,
            total_seconds_late,
            self.points_per_day,
            self.max_penalty,
            self.zero_after_days,
        )


def penalty_points(
    score: float,
    seconds_late: float,
    points_per_day: float,
    max_penalty: float = 0.0,
    zero_after_days: int = 0,
) -> float | None:
    """The policy of :class:`LatePenalty`: points removed (≤ ``score``), ``None`` if on time."""
    if seconds_late <= 0:
        return None
    days = math.ceil(seconds_late / 86400)
    if zero_after_days and seconds_late >= zero_after_days * 86400:
        return float(score)
    penalty = days * points_per_day
    if max_penalty:
        penalty = min(penalty, max_penalty)
    return float(min(penalty, score))
