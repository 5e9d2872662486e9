"""What a cohort's competency evidence looks like once gathered: the shape every
competency report, export and attestation reads.

:func:`cpts_training.trainer.competency_model.build_profile` builds a
:class:`CompetencyProfile` from a workspace (nbgrader's gradebook, the graded
cells' competencies, the grading and override journals, the proficiency scale);
the report, attestation, spreadsheet and badge writers only read it. Every table is
a pandas DataFrame with the columns listed here, in this order; ids are stable
(trainee ids of the gradebook, competency ids of the référentiel, ``B5.C03``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cpts_training.referentiel import Referentiel

NOT_ASSESSED = "non évaluée"
"""Status of a competency with no graded evidence: never a zero, never a level."""
WAITING = "en attente de correction"
"""Status of a competency whose only evidence waits for a manual grade."""

AUTOGRADER = "correction automatique"
"""``corrige_par`` of a grade given by nbgrader's autograder."""
FORMGRADER = "formateur (formgrader)"
"""``corrige_par`` of a manual grade that the grading journal does not record (given in
nbgrader's formgrader): who gave it and when are unknown (``corrige_le`` NaT)."""

TRAINEE_COLUMNS = ["stagiaire", "nom", "prenom", "email"]
"""One row per trainee of the gradebook."""

EVIDENCE_COLUMNS = [
    "stagiaire",
    "evaluation",
    "tentative",  # 1 = first deposit; a deposit replaced with --replace keeps its number
    "carnet",
    "cellule",
    "competence",
    "points",  # float, points counted (0 while pending)
    "points_max",
    "en_attente",  # bool: waits for a manual grade
    "rendu_le",  # pandas Timestamp UTC, or NaT
    "date_limite",  # pandas Timestamp UTC, or NaT
    "retard_secondes",  # float, 0 when on time or no deadline
    "corrige_le",  # pandas Timestamp UTC, or NaT
    "corrige_par",  # AUTOGRADER, a trainer's name, FORMGRADER, or "" while pending
    "commentaire",  # the trainer's comment on the cell ("" if none)
]
"""One row per trainee × attempt × graded cell × competency of that cell."""

LEVEL_COLUMNS = [
    "stagiaire",
    "bloc",
    "competence",
    "libelle",
    "taux",  # float 0–1 after the history rule, or NaN when not assessed
    "taux_par_evaluation",  # str, "evaluation_01 : 75 % ; evaluation_03 : 50 %" in hand-in order
    "tendance",  # "en progrès", "stable", "en baisse" or "" (fewer than two results)
    "en_attente",  # int, cells waiting for a manual grade
    "niveau_calcule",  # a level of the scale, NOT_ASSESSED or WAITING
    "niveau",  # niveau_calcule, or the latest override
    "acquise",  # bool: niveau is a proficient level of the scale
    "derogation_motif",  # "" when no override
    "derogation_par",
    "derogation_le",  # pandas Timestamp UTC, or NaT
    "preuves",  # int, number of evidence rows behind the level
]
"""One row per trainee × competency of the référentiel (every competency, assessed or not)."""

BLOC_COLUMNS = [
    "stagiaire",
    "bloc",
    "libelle",
    "competences",  # int, competencies of the bloc in the référentiel
    "evaluees",  # int, with a level (not NOT_ASSESSED / WAITING)
    "acquises",  # int
    "niveau",  # "acquis", "en cours d'acquisition" or "non évalué", by the scale's bloc rule
    "perimetre",  # int, competencies the bloc rule counts (see ProficiencyScale.bloc_scope)
]
"""One row per trainee × bloc of the référentiel."""

OVERRIDE_COLUMNS = ["date", "stagiaire", "competence", "niveau", "motif", "par"]
"""Every override of the journal, oldest first (superseded ones included)."""


@dataclass(frozen=True)
class ScaleLevel:
    """One level of the proficiency scale: its name, the rate (0–1) from which it
    applies, and whether it is proficient (« acquise »)."""

    name: str
    from_rate: float
    proficient: bool


@dataclass(frozen=True)
class ProficiencyScale:
    """The scale, the rules and the sentences that state them in every report."""

    levels: tuple[ScaleLevel, ...]  # ordered from lowest to highest
    history_rule: str  # "derniere", "meilleure", "moyenne" or "moyenne_ponderee"
    history_weight: float  # weight of the latest result for "moyenne_ponderee" (0–1)
    bloc_rule: str  # "toutes" or "proportion"
    bloc_proportion: float  # for "proportion": share (0–1) of a bloc's competencies acquired
    statement: tuple[str, ...] = ()  # French sentences stating levels and rules
    trend_threshold: float = 0.1  # gap (0–1) between the latest result and the mean of the
    # earlier ones from which the trend is "en progrès" / "en baisse"
    bloc_scope: str = "evaluees"  # "evaluees": the bloc rule counts the competencies the
    # workspace's assessments assess (and overridden ones); "referentiel": all of the bloc


@dataclass(frozen=True)
class CompetencyProfile:
    """The cohort's competency evidence and levels (see the column lists above)."""

    referentiel: Referentiel
    scale: ProficiencyScale
    trainees: pd.DataFrame
    evidence: pd.DataFrame
    levels: pd.DataFrame
    blocs: pd.DataFrame
    overrides: pd.DataFrame
    organisation: dict[str, str] = field(default_factory=dict)  # nom, url, email, lieu
