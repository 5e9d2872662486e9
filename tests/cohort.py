"""A synthetic cohort of nine trainees for ``evaluation_01``, as a training organisation
receives it: a roster exported from a spreadsheet, and the copies downloaded from Moodle.

Every name is invented. The trainees cover the cases a cohort brings:

============================  ==================================================
``dupont-marie``              everything right (Alice's answers)
``bernard-luc``               part right, part wrong
``petit-sarah``               hands the released notebook in untouched
``roux-julien``               hands nothing in
``moreau-claire``             right, typed the French way, 2 h 10 late
``martin-paul-1``, ``-2``     two « Paul MARTIN » in the roster: Moodle's name is
                              ambiguous, the trainer deposits the copy by hand
``lefevre-helene``            « LEFÈVRE Hélène » in the roster, « Helene Lefevre »
                              in Moodle: matched once accents and case are folded
``garcia-ines``               everything wrong (Bruno's answers)
============================  ==================================================

plus « Jean Inconnu », who is in Moodle but not in the roster.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cpts_training.trainer.collect import CollectReport, collect_copies
from cpts_training.trainer.deadlines import set_deadline
from cpts_training.trainer.pipeline import autograde, release
from cpts_training.trainer.roster import import_roster
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import init_workspace
from tests.test_nbgrader_roundtrip import SUBMISSIONS, answered

ASSESSMENT = "evaluation_01"

DUE_DATE = "15/11/2026 18:00"
"""Due date, Paris time (UTC+1 in November): 17:00 UTC."""

ROSTER = (
    "Identifiant;Nom;Prénom;Courriel\n"
    "dupont-marie;DUPONT;Marie;marie.dupont@example.fr\n"
    "bernard-luc;BERNARD;Luc;luc.bernard@example.fr\n"
    "petit-sarah;PETIT;Sarah;sarah.petit@example.fr\n"
    "roux-julien;ROUX;Julien;julien.roux@example.fr\n"
    "moreau-claire;MOREAU;Claire;claire.moreau@example.fr\n"
    "martin-paul-1;MARTIN;Paul;paul.martin@example.fr\n"
    "martin-paul-2;MARTIN;Paul;p.martin@example.fr\n"
    "lefevre-helene;LEFÈVRE;Hélène;helene.lefevre@example.fr\n"
    "garcia-ines;GARCIA;Inès;ines.garcia@example.fr\n"
)
"""The roster as Excel writes « CSV (séparateur : point-virgule) » in French: Windows-1252."""

ALICE, _ = SUBMISSIONS[ASSESSMENT]["alice"]
BRUNO, _ = SUBMISSIONS[ASSESSMENT]["bruno"]
DENIS, _ = SUBMISSIONS[ASSESSMENT]["denis"]

# Luc: q1 and q3 right (Alice's), q2 and q4 wrong (Bruno's), a short note.
LUC = {
    **ALICE,
    "q2_reponse": BRUNO["q2_reponse"],
    "q4_reponse": BRUNO["q4_reponse"],
    "q4_justification": "Je baisse tout.",
    "q5_note": "Les indemnités de l'ACI financent nos missions. Le projet de santé en dépend.",
}


@dataclass(frozen=True)
class MoodleCopy:
    """One participant's folder in Moodle's « Télécharger tous les travaux remis » zip."""

    fullname: str  # as Moodle shows it
    participant: int
    answers: dict[str, str] | None  # None: the released notebook, untouched
    handed_in: datetime  # Paris time, as the zip entry stores it


# Hand-in times (Paris). Claire's is 20:10, 2 h 10 after the 18:00 deadline.
MOODLE_COPIES = (
    MoodleCopy("Marie Dupont", 1001, ALICE, datetime(2026, 11, 14, 21, 5)),
    MoodleCopy("Luc Bernard", 1002, LUC, datetime(2026, 11, 15, 9, 30)),
    MoodleCopy("Sarah Petit", 1003, None, datetime(2026, 11, 15, 11, 0)),
    MoodleCopy("Claire Moreau", 1005, DENIS, datetime(2026, 11, 15, 20, 10)),
    MoodleCopy("Paul Martin", 1006, ALICE, datetime(2026, 11, 15, 16, 45)),
    MoodleCopy("Helene Lefevre", 1008, DENIS, datetime(2026, 11, 15, 17, 59)),
    MoodleCopy("Inès Garcia", 1009, BRUNO, datetime(2026, 11, 15, 12, 0)),
    MoodleCopy("Jean Inconnu", 1010, BRUNO, datetime(2026, 11, 15, 10, 0)),
)


def write_roster(path: Path) -> Path:
    path.write_bytes(ROSTER.encode("cp1252"))
    return path


def notebook_for(copy: MoodleCopy, released: Path, folder: Path) -> Path:
    """The notebook a participant hands in (their answers typed into the released one)."""
    target = folder / f"{copy.participant}.ipynb"
    if copy.answers is None:
        target.write_bytes(released.read_bytes())
        return target
    return answered(released, copy.answers, target)


def write_moodle_zip(released: Path, destination: Path, work: Path) -> Path:
    """Moodle's download of every submission: a folder per participant, named
    « Prénom Nom_<participant>_assignsubmission_file_ », holding the file as uploaded."""
    work.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for copy in MOODLE_COPIES:
            notebook = notebook_for(copy, released, work)
            entry = zipfile.ZipInfo(
                f"{copy.fullname}_{copy.participant}_assignsubmission_file_/{ASSESSMENT}.ipynb",
                date_time=copy.handed_in.timetuple()[:6],
            )
            archive.writestr(entry, notebook.read_bytes())
    return destination


@dataclass(frozen=True)
class Cohort:
    """A graded cohort: its workspace, what the collection did, and its input files."""

    workspace: Path
    collected: CollectReport
    moodle_zip: Path
    roster: Path
    work: Path  # a folder for the test's own files

    def copied(self, destination: Path) -> Cohort:
        """This cohort with its workspace copied into ``destination`` (a test changes it)."""
        workspace = destination / "promo"
        shutil.copytree(self.workspace, workspace)
        return Cohort(workspace, self.collected, self.moodle_zip, self.roster, destination)


def build_cohort(work: Path) -> Cohort:
    """Roster → release → due date → Moodle download collected → the homonym's copy
    deposited by hand → autograde. The written answers wait for the trainer."""
    # A workspace holding evaluation_01 only: its competencies are the bloc rule's scope.
    bank = work / "banque"
    shutil.copytree(Path(__file__).parents[1] / "assessments" / ASSESSMENT, bank / ASSESSMENT)
    workspace = init_workspace(work / "promo", source=bank)
    roster = write_roster(work / "liste.csv")
    import_roster(workspace, roster)
    release(workspace, ASSESSMENT)
    set_deadline(workspace, ASSESSMENT, DUE_DATE)
    released = workspace / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    moodle_zip = write_moodle_zip(released, work / "moodle.zip", work / "copies")
    collected = collect_copies(workspace, ASSESSMENT, moodle_zip)
    paul = next(c for c in MOODLE_COPIES if c.fullname == "Paul Martin")
    submit(
        workspace,
        ASSESSMENT,
        "martin-paul-1",
        notebook_for(paul, released, work / "copies"),
        submitted_at=paul.handed_in,
    )
    autograde(workspace, ASSESSMENT)
    return Cohort(workspace, collected, moodle_zip, roster, work)
