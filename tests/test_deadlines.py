"""Due dates, hand-in times and late copies, through nbgrader's own gradebook and plugin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from nbgrader.api import Gradebook

from cpts_training.cli import app
from cpts_training.errors import CPTSError
from cpts_training.trainer.autograde import AutogradeReport
from cpts_training.trainer.deadlines import (
    deadline,
    format_delay,
    lateness,
    parse_french_datetime,
    penalty_points,
    set_deadline,
)
from cpts_training.trainer.pipeline import autograde, export, feedback, release
from cpts_training.trainer.spreadsheet import read_spreadsheet_csv
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import COURSE_ID, init_workspace
from tests.test_nbgrader_roundtrip import SUBMISSIONS, answered

ASSESSMENT = "evaluation_00"
UTC = dt.UTC

# Due 15/01/2027 18:00 in Paris (winter: UTC+1) = 17:00 UTC.
# alice hands in at 17:30 Paris: on time. bruno at 18:05 Paris: 5 min late.
# denis at 16/01/2027 20:10 Paris = 19:10 UTC: 1 day 2 h 10 min late
# = 86 400 + 2 × 3 600 + 10 × 60 = 94 200 s.
HANDED_IN = {
    "alice": "15/01/2027 17:30",
    "bruno": "15/01/2027 18:05",
    "denis": "16/01/2027 20:10",
}
DENIS_LATE = 94_200


def gradebook(workspace: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AutogradeReport]:
    """evaluation_00 with a due date set BEFORE its release, the late penalty switched on
    (1 point per started day), three copies deposited with their hand-in times; the late
    one (denis) autograded and its feedback written by nbgrader (one copy: fast)."""
    tmp = tmp_path_factory.mktemp("deadlines")
    workspace = init_workspace(tmp / "espace")
    set_deadline(workspace, ASSESSMENT, "15/01/2027 18:00")
    config = workspace / "nbgrader_config.py"
    enabled = (
        config.read_text(encoding="utf-8")
        .replace(
            '# c.AssignLatePenalties.plugin_class = "cpts_training',
            'c.AssignLatePenalties.plugin_class = "cpts_training',
        )
        .replace("# c.LatePenalty.points_per_day = 1", "c.LatePenalty.points_per_day = 1")
    )
    assert enabled != config.read_text(encoding="utf-8")
    config.write_text(enabled, encoding="utf-8")
    released = release(workspace, ASSESSMENT) / f"{ASSESSMENT}.ipynb"
    for student, when in HANDED_IN.items():
        copy = answered(released, SUBMISSIONS[ASSESSMENT][student][0], tmp / f"{student}.ipynb")
        submit(
            workspace,
            ASSESSMENT,
            student,
            copy,
            submitted_at=parse_french_datetime(when, "x"),
            now=dt.datetime(2027, 2, 1, tzinfo=UTC),
        )
    report = autograde(workspace, ASSESSMENT, student="denis")
    feedback(workspace, ASSESSMENT, student="denis")
    return workspace, report


def test_the_due_date_survives_the_release_stored_in_utc(
    cohort: tuple[Path, AutogradeReport],
) -> None:
    workspace, _ = cohort
    with gradebook(workspace) as book:
        assert book.find_assignment(ASSESSMENT).duedate == dt.datetime(2027, 1, 15, 17, 0)
    assert deadline(workspace, ASSESSMENT) == dt.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)


def test_nbgrader_records_the_hand_in_times_and_computes_the_delay(
    cohort: tuple[Path, AutogradeReport],
) -> None:
    workspace, _ = cohort
    with gradebook(workspace) as book:
        denis = book.find_submission(ASSESSMENT, "denis")
        assert denis.timestamp == dt.datetime(2027, 1, 16, 19, 10)
        assert denis.total_seconds_late == DENIS_LATE


def test_the_late_penalty_is_nbgraders_with_our_policy(
    cohort: tuple[Path, AutogradeReport],
) -> None:
    workspace, _ = cohort
    with gradebook(workspace) as book:
        # denis: 3 points, 94 200 s late = 2 started days × 1 point = 2 points off.
        denis = book.find_submission(ASSESSMENT, "denis")
        assert (denis.score, denis.late_submission_penalty) == (3, 2)


def test_the_feedback_says_when_a_late_copy_was_handed_in(
    cohort: tuple[Path, AutogradeReport],
) -> None:
    workspace, _ = cohort
    page = (workspace / "feedback" / "denis" / ASSESSMENT / f"{ASSESSMENT}.html").read_text()
    assert (
        "Copie rendue le 16/01/2027 à 20:10, 1 j 2 h après la date limite du "
        "15/01/2027 à 18:00." in page
    )
    assert "Pénalité de retard (déjà déduite) : −2 points" in page
    # 3 autograded points − 2 of penalty; the written answer (3 points) is still pending.
    assert 'Note obtenue : <strong class="note">1 / 6 points</strong>' in page


def test_the_autograde_summary_names_the_late_copies(
    cohort: tuple[Path, AutogradeReport],
) -> None:
    _, report = cohort
    assert report.summary() == (
        "Correction automatique de « evaluation_00 » : 1 copie(s) corrigée(s). "
        "Copies rendues en retard : denis (1 j 2 h)."
    )


def test_lateness_table(cohort: tuple[Path, AutogradeReport]) -> None:
    workspace, _ = cohort
    table = lateness(workspace, ASSESSMENT).set_index("stagiaire")
    assert table.loc["denis", "retard_secondes"] == DENIS_LATE
    assert table.loc["denis", "retard"] == "1 j 2 h"
    assert table.loc["bruno", "retard"] == "5 min"
    assert (table.loc["alice", "retard_secondes"], table.loc["alice", "retard"]) == (0, "")
    handed_in = table.loc["denis", "rendu_le"]
    assert (handed_in.hour, handed_in.minute, str(handed_in.tz)) == (20, 10, "Europe/Paris")
    assert table.loc["alice", "date_limite"].hour == 18


def test_notes_csv_flags_late_copies(cohort: tuple[Path, AutogradeReport], tmp_path: Path) -> None:
    workspace, _ = cohort
    rows = read_spreadsheet_csv(export(workspace, tmp_path / "notes.csv"))
    rows = rows[rows["evaluation"] == ASSESSMENT].set_index("stagiaire")
    assert set(rows.loc["denis", ["date_limite", "en_retard", "retard"]]) == {
        "15/01/2027 18:00",
        "oui",
        "1 j 2 h",
    }
    assert rows.loc["denis", "deposee_le"] == "16/01/2027 20:10"
    # 3 points − 2 points of penalty.
    assert float(str(rows.loc["denis", "points"]).replace(",", ".")) == 1
    assert float(str(rows.loc["denis", "penalite_retard"]).replace(",", ".")) == 2
    assert rows.loc["alice", "en_retard"] == "non"
    # bruno is not corrected yet: flagged late all the same.
    assert tuple(rows.loc["bruno", ["statut", "en_retard", "retard"]]) == (
        "déposée, non corrigée",
        "oui",
        "5 min",
    )


def test_a_refused_date_or_assessment_leaves_the_gradebook_unchanged(
    cohort: tuple[Path, AutogradeReport],
) -> None:
    workspace, _ = cohort
    with pytest.raises(CPTSError, match="15/01/2027 18:00"):
        set_deadline(workspace, ASSESSMENT, "le 15 janvier")
    with pytest.raises(CPTSError, match="evaluation_99.*inconnue.*evaluation_00"):
        set_deadline(workspace, "evaluation_99", "15/01/2027 18:00")
    assert deadline(workspace, ASSESSMENT) == dt.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)


def test_a_hand_in_time_in_the_future_is_refused(
    cohort: tuple[Path, AutogradeReport], tmp_path: Path
) -> None:
    workspace, _ = cohort
    released = workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    copy = answered(released, {}, tmp_path / "copie.ipynb")
    tomorrow = dt.datetime.now(UTC) + dt.timedelta(days=1)
    with pytest.raises(CPTSError, match="dans le futur"):
        submit(workspace, ASSESSMENT, "zoe", copy, submitted_at=tomorrow)
    assert not (workspace / "submitted" / "zoe").exists()


def test_the_deadline_command_in_french(cohort: tuple[Path, AutogradeReport]) -> None:
    workspace, _ = cohort
    runner = CliRunner()
    base = ["assessment", "deadline", "evaluation_02"]
    where = ["-w", str(workspace)]
    shown = runner.invoke(app, [*base, *where])
    assert shown.exit_code == 0 and "Aucune date limite pour « evaluation_02 »" in shown.output
    # « 30/06/2027 » alone: until 23:59, Paris summer time.
    fixed = runner.invoke(app, [*base, "30/06/2027", *where])
    assert "fixée au 30/06/2027 à 23:59 (heure de Paris)" in fixed.output, fixed.output
    assert deadline(workspace, "evaluation_02") == dt.datetime(2027, 6, 30, 21, 59, tzinfo=UTC)
    again = runner.invoke(app, [*base, *where])
    assert "Date limite de « evaluation_02 » : 30/06/2027 à 23:59" in again.output
    removed = runner.invoke(app, [*base, "--remove", *where])
    assert removed.exit_code == 0 and deadline(workspace, "evaluation_02") is None
    bad = runner.invoke(app, [*base, "32/01/2027", *where])
    assert bad.exit_code == 1 and "Erreur : La date limite « 32/01/2027 »" in bad.output
    assert "Traceback" not in bad.output
    future = runner.invoke(
        app,
        [
            "assessment",
            "submit",
            ASSESSMENT,
            "zoe",
            str(workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"),
            "--date",
            "01/01/2100 10:00",
            *where,
        ],
    )
    assert future.exit_code == 1 and "dans le futur" in future.output
    no_time = runner.invoke(
        app,
        [
            "assessment",
            "submit",
            ASSESSMENT,
            "zoe",
            str(workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"),
            "--date",
            "14/01/2027",
            *where,
        ],
    )
    assert no_time.exit_code == 1 and "n'a pas d'heure" in no_time.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/01/2027 18:00", dt.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("15/01/2027 à 18h30", dt.datetime(2027, 1, 15, 17, 30, tzinfo=UTC)),
        ("5/1/2027 9h", dt.datetime(2027, 1, 5, 8, 0, tzinfo=UTC)),
        # Day alone: 23:59 that day; July is UTC+2.
        ("15/07/2027", dt.datetime(2027, 7, 15, 21, 59, tzinfo=UTC)),
        ("2027-01-15", dt.datetime(2027, 1, 15, 22, 59, tzinfo=UTC)),
        ("2027-01-15T18:00", dt.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15T18:00+00:00", dt.datetime(2027, 1, 15, 18, 0, tzinfo=UTC)),
    ],
)
def test_french_dates(text: str, expected: dt.datetime) -> None:
    assert parse_french_datetime(text, "La date limite") == expected


@pytest.mark.parametrize("text", ["15-01-2027", "31/02/2027", "demain", "15/01/27", ""])
def test_unreadable_dates_are_explained(text: str) -> None:
    with pytest.raises(CPTSError, match="n'est pas une date lisible.*15/01/2027 18:00"):
        parse_french_datetime(text, "La date limite")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, ""),
        (-5, ""),
        (0.4, "1 s"),
        (45, "45 s"),
        (12 * 60 + 59, "12 min"),
        (2 * 3600 + 10 * 60 + 30, "2 h 10 min"),
        (2 * 3600, "2 h"),
        (3 * 86400 + 4 * 3600 + 59 * 60, "3 j 4 h"),
        (86400 + 300, "1 j"),
    ],
)
def test_delays_in_french(seconds: float, text: str) -> None:
    assert format_delay(seconds) == text


@pytest.mark.parametrize(
    ("score", "seconds", "per_day", "cap", "zero_after", "expected"),
    [
        (10, 0, 1, 0, 0, None),  # on time: no penalty
        (10, 1, 1, 0, 0, 1),  # 1 s late = 1 started day
        (10, 86400, 1, 0, 0, 1),  # exactly 24 h = 1 day
        (10, 86401, 1.5, 0, 0, 3),  # 2 started days × 1,5
        (10, 5 * 86400, 1, 3, 0, 3),  # 5 points capped at 3
        (10, 7 * 86400, 1, 3, 7, 10),  # 7 days: zero
        (10, 7 * 86400 - 1, 1, 3, 7, 3),  # just under 7 days: the cap
        (2, 4 * 86400, 1, 0, 0, 2),  # never more than the score
    ],
)
def test_the_penalty_policy(
    score: float,
    seconds: float,
    per_day: float,
    cap: float,
    zero_after: int,
    expected: float | None,
) -> None:
    assert penalty_points(score, seconds, per_day, cap, zero_after) == expected
