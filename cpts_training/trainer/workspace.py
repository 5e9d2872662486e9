"""The trainer's cohort workspace: an nbgrader course directory outside the repository.

Layout (nbgrader's): ``nbgrader_config.py``, ``source/<assessment>/`` (copied
from the repository's ``assessments/``), then ``release/``, ``submitted/``,
``autograded/``, ``feedback/`` and ``gradebook.db`` as nbgrader creates them.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from cpts_training.errors import CPTSError
from cpts_training.paths import assessments_dir, repository_root
from cpts_training.trainer.workspace_lock import locked

COURSE_ID = "cpts-occitanie"
CONFIG_NAME = "nbgrader_config.py"
SCALE_NAME = "competences.yaml"
"""The workspace's proficiency scale, rules and training organisation (commented YAML)."""
DEFAULT_SCALE = (
    Path(__file__).resolve().parents[1] / "data" / "referentiel" / "echelle_competences.yaml"
)
"""The course's default scale, copied as :data:`SCALE_NAME` into every new workspace."""
_IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")

_CONFIG_TEMPLATE = '''"""Configuration nbgrader de l'espace formateur (créée par cpts-training)."""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from cpts_training.trainer.feedback import SanitizeFeedback
from cpts_training.trainer.student_version import CODE_STUB, TEXT_STUB

c = get_config()  # noqa: F821

# L'espace est le dossier de ce fichier : il reste valable s'il est déplacé ou copié.
ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = ROOT
c.Exchange.root = os.path.join(ROOT, "exchange")

# Temps maximal d'exécution d'une cellule lors de la correction automatique (secondes).
c.Execute.timeout = 120

# Ce que voit le stagiaire à la place d'une solution.
c.ClearSolutions.code_stub = {{"python": CODE_STUB}}
c.ClearSolutions.text_stub = TEXT_STUB

# Les retours ne montrent ni le code des tests cachés ni les traces d'erreur Python.
c.GenerateFeedback.preprocessors = [GetGrades, SanitizeFeedback, CSSHTMLHeaderPreprocessor]
# Retours en français, lisibles hors ligne : gabarit « feedback_fr » de cpts_training.
c.GenerateFeedback.exporter_class = "cpts_training.trainer.feedback.FeedbackExporter"
c.FeedbackExporter.template_name = "feedback_fr"

# Pénalité de retard : désactivée par défaut (une copie en retard est signalée, sans
# perdre de points). La date limite se fixe avec « cpts-training assessment deadline ».
# Pour l'activer, retirez le « # » des lignes ci-dessous et réglez la règle :
#   points_per_day : points retirés par jour de retard commencé (1 s à 24 h = 1 jour) ;
#   max_penalty : pénalité maximale en points (0 = pas de plafond) ;
#   zero_after_days : note mise à zéro à partir de ce nombre de jours de retard (0 = jamais).
# La pénalité est calculée à la correction automatique, par carnet, sans dépasser la note ;
# après un changement, recorrigez avec « assessment autograde ÉVALUATION --force ».
# c.AssignLatePenalties.plugin_class = "cpts_training.trainer.deadlines.LatePenalty"
# c.LatePenalty.points_per_day = 1
# c.LatePenalty.max_penalty = 5
# c.LatePenalty.zero_after_days = 7
'''

_GUIDE = """# Espace formateur — {course_id}

Cet espace a été créé par `cpts-training workspace init`. Les commandes ci-dessous se
lancent depuis n'importe quel dossier, une fois l'outil installé (`make lab` ou `make test`
dans le dépôt du cours, puis `source .venv/bin/activate`), en désignant cet espace avec
`--workspace` (ou `-w`). L'espace peut être déplacé, copié ou sauvegardé tel quel.

0. Inscrire les stagiaires (liste CSV d'Excel ou de LibreOffice : nom, prénom et, si vous
   les avez, id et email) :
   `cpts-training workspace roster liste.csv -w {root}`
1. Publier une évaluation (version stagiaire, sans solutions ni tests cachés) :
   `cpts-training assessment release evaluation_00 -w {root}`
   → le carnet à distribuer est dans `release/evaluation_00/`.
   Fixer la date limite (heure de Paris ; « 15/01/2027 » seul = jusqu'à 23:59) :
   `cpts-training assessment deadline evaluation_00 "15/01/2027 18:00" -w {root}`
   (sans date : affiche la date limite ; `--remove` la retire).
2. Déposer la copie rendue par un stagiaire (`--date` : quand il l'a rendue, sinon
   maintenant) :
   `cpts-training assessment submit evaluation_00 ID_STAGIAIRE carnet.ipynb -w {root}`
   (ajoutez par exemple `--date "14/01/2027 22:10"`)
   ou toutes les copies d'un coup, depuis Moodle (« Télécharger tous les travaux remis »)
   ou un dossier de fichiers `NOM_Prenom.ipynb`, rapprochées de la liste des stagiaires
   (`cpts-training workspace roster`) :
   `cpts-training assessment collect evaluation_00 travaux.zip -w {root}`
   → copies déposées, déjà déposées, refusées (avec la raison), non reconnues et
   ambiguës (homonymes) ; les copies en retard sont nommées avec leur retard.
   Relancer la commande ne dépose rien deux fois ; `--replace` remplace les copies
   qui ont changé (l'ancienne est archivée).
3. Corriger automatiquement, plusieurs copies à la fois (une par cœur ; `--workers N`) :
   `cpts-training assessment autograde evaluation_00 -w {root}`
   → une ligne par copie, avec le temps restant (`[3/8] dupont-marie : corrigée (4,1 s)
   — reste environ 25 s`). Chaque copie s'exécute isolée (bubblewrap : sans réseau, sans
   accès aux tests cachés, au carnet de notes ni aux autres copies) et limitée en mémoire
   et en temps. Une copie réparable (renommée, en Windows-1252, ancien format, cellule
   supprimée) est réparée, l'original gardé dans `archives/originaux/` ; une copie dont un
   test ou des points ont été modifiés est corrigée avec les tests d'origine et signalée
   « ALTÉRÉE ». Une copie qui ne peut pas être corrigée est nommée avec la raison, sans
   bloquer les autres ; une correction interrompue reprend à la commande suivante.
   Recorriger une copie :
   `… autograde evaluation_00 --student ID_STAGIAIRE --force -w {root}`.
   Retirer une copie déposée par erreur (elle est archivée, rien n'est effacé) :
   `cpts-training assessment withdraw evaluation_00 ID_STAGIAIRE -w {root}`
4. Corriger à la main les réponses rédigées, avant les retours. En français, avec la
   grille : `cpts-training assessment rubric -w {root}` ouvre le carnet
   `correction_grille.ipynb`. Indiquez votre nom, cochez les critères atteints, puis
   « Enregistrer et suivante » : la note et le commentaire sont calculés, gardés dans le
   carnet de notes (retours, exports et formgrader les voient) et, avec votre nom et
   l'heure, dans `journal_corrections.jsonl`. Si un autre formateur a noté la même
   réponse entre-temps, votre note n'est pas enregistrée et un message vous le dit :
   cliquez sur « Recharger ». Ou, en anglais, sans grille :
   `cpts-training assessment grade -w {root}` (formgrader, onglet « Manual Grading »).
5. Produire les retours HTML : `cpts-training assessment feedback evaluation_00 -w {root}`
   → un fichier par stagiaire dans `feedback/ID_STAGIAIRE/evaluation_00/`, à lui envoyer.
6. Exporter les notes : `cpts-training assessment export notes.csv -w {root}`
   (fichier CSV pour un tableur, écrit à l'endroit indiqué).
7. Rapports de compétences : `cpts-training report -w {root} -o DOSSIER_DES_RAPPORTS`
   → pour chaque stagiaire une page (`rapport_ID.html` : radar par bloc, niveaux,
   preuves, commentaires) et une attestation à signer (`attestation_ID.pdf`) ; pour la
   promotion `synthese.html` (carte des niveaux, retards, analyse des items) ; les
   tableaux `competences.csv`, `preuves.csv`, `blocs.csv` et `competences.xlsx`.
   Niveaux d'un stagiaire : `cpts-training competency show ID_STAGIAIRE -w {root}`.
   Fixer un niveau par dérogation motivée (gardée, le niveau calculé reste affiché) :
   `cpts-training competency override ID_STAGIAIRE B5.C03 "acquise" --motif "…"
   --par "Nom" -w {root}`.
8. Exports vers le LMS : notes pour le carnet de notes de Moodle
   (`cpts-training assessment export notes_moodle.csv --moodle -w {root}`), référentiel au
   format de Moodle (`cpts-training moodle referentiel.csv -w {root}`), et un badge
   Open Badges 3.0 par stagiaire et bloc acquis
   (`cpts-training competency badges -o DOSSIER_DES_BADGES -w {root}` ; renseignez
   d'abord la section `organisme` de `competences.yaml`).

Échelle des niveaux et règles (seuils, historique des tentatives, règle des blocs,
organisme de formation) : `competences.yaml`, commenté, à adapter. Une compétence sans
réponse notée est « non évaluée », jamais notée 0.

Nouvelles évaluations du cours : `cpts-training workspace update {root}` les ajoute à
`source/` sans toucher à celles qui y sont déjà (`--replace` remplace celles qui ont
changé, en archivant l'ancienne version ; publiez-les ensuite de nouveau).

Une copie rendue après la date limite est signalée partout (résumé de la correction,
retour du stagiaire, `notes.csv` : colonnes `date_limite`, `en_retard`, `retard`). Une
pénalité de retard peut être activée dans `nbgrader_config.py` (désactivée par défaut :
voir les lignes commentées « Pénalité de retard »).

Une seule commande à la fois travaille sur l'espace : si un collègue corrige, dépose ou
publie, votre commande attend la fin de la sienne et l'affiche. Avant chaque étape qui
peut perdre des notes (correction automatique, nouvelle publication, retrait, inscription,
restauration), le carnet de notes est sauvegardé dans `archives/carnet_de_notes/` ;
`cpts-training workspace restore -w {root}` liste les sauvegardes et en restaure une.

Aucune copie ni note n'est remplacée sans que vous le demandiez : un dépôt qui
remplacerait une copie existante est refusé, sauf avec `--replace`, et l'ancienne
copie est alors archivée dans `archives/` (ses notes restent une tentative du stagiaire).
Une réponse notée avec la grille dont le texte n'a pas changé garde sa note ; une réponse
modifiée redevient « en attente de correction » jusqu'à ce que vous la notiez de nouveau.
"""


def init_workspace(
    directory: Path,
    source: Path | None = None,
    course_id: str = COURSE_ID,
) -> Path:
    """Create a trainer's nbgrader course directory in ``directory``.

    ``directory`` must not exist or be empty, and must lie outside the course
    repository. The assessments of ``source`` (default: the repository's
    ``assessments/``) become the workspace's ``source/``.
    """
    directory = Path(directory).expanduser().resolve()
    source = _assessment_source(source)
    _refuse_inside_repository(directory)
    if directory.exists() and not directory.is_dir():
        raise CPTSError(
            f"{directory} est un fichier : indiquez un dossier, nouveau ou vide, pour "
            "l'espace formateur."
        )
    if directory.exists() and any(directory.iterdir()):
        raise CPTSError(
            f"Le dossier {directory} existe déjà et n'est pas vide : il n'est pas modifié, "
            "pour ne perdre aucune copie ni note. Choisissez un nouveau dossier, ou videz "
            "celui-ci vous-même si vous êtes sûr de ne plus en avoir besoin."
        )
    assessments = _assessment_folders(source)
    if not assessments:
        raise CPTSError(
            f"Aucune évaluation trouvée dans {source} (un sous-dossier par évaluation, "
            "contenant au moins un carnet .ipynb)."
        )
    directory.mkdir(parents=True, exist_ok=True)
    for assessment in assessments:
        shutil.copytree(assessment, directory / "source" / assessment.name, ignore=_IGNORED)
    (directory / "exchange").mkdir()
    config = _CONFIG_TEMPLATE.format(course_id=course_id)
    (directory / CONFIG_NAME).write_text(config, encoding="utf-8")
    (directory / "LISEZMOI.md").write_text(
        _GUIDE.format(course_id=course_id, root=directory), encoding="utf-8"
    )
    shutil.copyfile(DEFAULT_SCALE, directory / SCALE_NAME)
    return directory


def _assessment_source(source: Path | None) -> Path:
    """The folder of assessments to copy: ``source`` checked, or the repository's."""
    if source is None:
        return assessments_dir()
    source = Path(source).expanduser().resolve()
    if not source.is_dir():
        raise CPTSError(
            f"Dossier d'évaluations introuvable : {source}. Indiquez avec --source un dossier "
            "qui contient un sous-dossier par évaluation (avec son carnet .ipynb)."
        )
    return source


def _assessment_folders(source: Path) -> list[Path]:
    return sorted(p for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def _same_content(left: Path, right: Path) -> bool:
    files = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
    others = sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file())
    return files == others and all(
        (left / f).read_bytes() == (right / f).read_bytes() for f in files
    )


@locked("mise à jour des évaluations")
def update_workspace(
    directory: Path, source: Path | None = None, replace: bool = False
) -> dict[str, list[str]]:
    """Copy into ``directory/source`` the assessments it does not have yet.

    An assessment already in the workspace that differs from ``source`` is reported
    as « modifiées » and left as it is, unless ``replace``: then the workspace's
    version is archived in ``archives/sources/`` and replaced (« remplacées »); the
    trainer publishes it again with ``assessment release``. Returns the assessment
    names by outcome: « ajoutées », « identiques », « modifiées », « remplacées ».
    """
    directory = require_workspace(directory)
    source = _assessment_source(source)
    outcome: dict[str, list[str]] = {
        "ajoutées": [],
        "identiques": [],
        "modifiées": [],
        "remplacées": [],
    }
    stamp = datetime.now(UTC)
    for assessment in _assessment_folders(source):
        target = directory / "source" / assessment.name
        if not target.exists():
            shutil.copytree(assessment, target, ignore=_IGNORED)
            outcome["ajoutées"].append(assessment.name)
        elif _same_content(assessment, target):
            outcome["identiques"].append(assessment.name)
        elif replace:
            archive = (
                directory / "archives" / "sources" / f"{assessment.name}-{stamp:%Y%m%dT%H%M%S}"
            )
            archive.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(target), str(archive))
            shutil.copytree(assessment, target, ignore=_IGNORED)
            outcome["remplacées"].append(assessment.name)
        else:
            outcome["modifiées"].append(assessment.name)
    return outcome


def update_report(outcome: dict[str, list[str]]) -> list[str]:
    """What :func:`update_workspace` did, in French lines for the trainer.

    One line per non-empty outcome, then what to do next when assessments were left
    as they were (« modifiées ») or replaced (« remplacées »).
    """
    lines = [
        f"Évaluations {status} : {', '.join(names)}" for status, names in outcome.items() if names
    ]
    if outcome.get("modifiées"):
        lines.append(
            "Les évaluations modifiées n'ont pas été remplacées. Pour passer à la nouvelle "
            "version, relancez avec --replace (l'ancienne est archivée), puis publiez-la avec "
            "« assessment release » : si des copies ont déjà été déposées, la publication "
            "demande aussi --replace."
        )
    if outcome.get("remplacées"):
        lines.append(
            "Publiez les évaluations remplacées avec « cpts-training assessment release »."
        )
    return lines


def _refuse_inside_repository(directory: Path) -> None:
    try:
        root = repository_root()
    except CPTSError:
        return
    if directory == root or root in directory.parents:
        raise CPTSError(
            f"L'espace formateur ({directory}) doit être créé hors du dépôt du cours "
            f"({root}) : les copies des stagiaires et les notes ne doivent pas être publiées "
            "avec le cours. Choisissez par exemple ~/formation-cpts-2026."
        )


def require_workspace(directory: Path) -> Path:
    """Return ``directory`` resolved, or fail in French if it is not a workspace."""
    directory = Path(directory).expanduser().resolve()
    if not (directory / CONFIG_NAME).is_file():
        raise CPTSError(
            f"{directory} n'est pas un espace formateur (pas de {CONFIG_NAME}). "
            "Créez-en un avec « cpts-training workspace init DOSSIER »."
        )
    return directory
