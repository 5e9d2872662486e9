"""``cpts-training``: the course's command line, a thin shell over the library.

Built on click, with click's own messages in French (:mod:`cpts_training.cli_messages`).
Every error the library raises (:class:`CPTSError`) is shown as its French
message alone, with exit code 1.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cpts_training import __version__
from cpts_training.cli_messages import use_french_messages
from cpts_training.errors import CPTSError, system_error

if TYPE_CHECKING:
    from cpts_training.trainer import CopyOutcome

T = TypeVar("T")

use_french_messages()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class FrenchHelpFormatter(click.HelpFormatter):
    """Help pages with French typography: a space before the colon of a heading."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


class FrenchContext(click.Context):
    """A click context that formats help pages with :class:`FrenchHelpFormatter`."""

    formatter_class = FrenchHelpFormatter


class FrenchCommand(click.Command):
    """A command with French help pages."""

    context_class = FrenchContext


class FrenchGroup(click.Group):
    """A command group with French help pages, listing its commands in workflow order."""

    context_class = FrenchContext
    command_class = FrenchCommand
    group_class = type  # sub-groups are French groups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands in the order they are declared (the order a trainer uses them)."""
        return list(self.commands)


class Integer(click.types.IntParamType):
    """A whole number, named « entier » in error messages."""

    name = "entier"


class AtLeast(Integer):
    """A whole number of at least ``minimum``, refused in French otherwise."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number = super().convert(value, param, ctx)
        if number < self.minimum:
            self.fail(f"{number} est trop petit : au moins {self.minimum}.", param, ctx)
        return number


PATH_ARGUMENT = click.Path(path_type=Path)
EXISTING_FILE = click.Path(path_type=Path, exists=True, dir_okay=False)


def french_errors(function: Callable[..., T]) -> Callable[..., T]:
    """Show a :class:`CPTSError` as its message, without a traceback.

    A file-system error (:class:`OSError`: missing folder, file in the way, no
    right to write) is shown the same way, in French.
    """

    @wraps(function)
    def wrapper(*args: object, **kwargs: object) -> T:
        try:
            try:
                return function(*args, **kwargs)
            except OSError as error:
                raise system_error(error) from error
        except CPTSError as error:
            click.secho(f"Erreur : {error}", fg="red", err=True)
            raise SystemExit(1) from None

    return wrapper


def workspace_option(function: Callable[..., T]) -> Callable[..., T]:
    """The ``--workspace / -w`` option shared by the trainer's commands."""
    return click.option(
        "--workspace",
        "-w",
        "workspace",
        type=PATH_ARGUMENT,
        required=True,
        metavar="DOSSIER",
        help="Dossier de l'espace formateur.",
    )(function)


def server_options(function: Callable[..., T]) -> Callable[..., T]:
    """Port, browser and token of a JupyterLab server."""
    function = click.option(
        "--token",
        metavar="JETON",
        help="Jeton d'accès (par défaut, JupyterLab en crée un).",
    )(function)
    function = click.option(
        "--browser/--no-browser", default=True, help="Ouvrir le navigateur (par défaut : oui)."
    )(function)
    return click.option(
        "--port", type=Integer(), metavar="PORT", help="Port du serveur JupyterLab."
    )(function)


def source_option(help_text: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A ``--source`` option (a folder of assessments) with its French help."""
    return click.option("--source", type=PATH_ARGUMENT, metavar="DOSSIER", help=help_text)


def output_option(help_text: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """The required ``--output / -o DOSSIER`` option of the commands that write a folder."""
    return click.option(
        "--output", "-o", type=PATH_ARGUMENT, required=True, metavar="DOSSIER", help=help_text
    )


def replace_option(help_text: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A ``--replace`` flag with its French help."""
    return click.option("--replace", is_flag=True, default=False, help=help_text)


@click.group(
    "cpts-training",
    cls=FrenchGroup,
    context_settings=CONTEXT,
    help="Formation des coordinateurs de CPTS : cours, livre public et outils du formateur.",
)
@click.version_option(
    __version__,
    "--version",
    prog_name="cpts-training",
    message="%(prog)s, version %(version)s",
    help="Afficher la version et quitter.",
)
@click.pass_context
def app(ctx: click.Context) -> None:
    """The ``cpts-training`` command."""
    from cpts_training.trainer.workspace_lock import lock_policy, waiting_message

    # A command that finds its workspace busy waits, and says so.
    ctx.with_resource(
        lock_policy(on_wait=lambda holder: click.secho(waiting_message(holder), fg="yellow"))
    )


@app.command(short_help="Ouvrir le cours dans JupyterLab.")
@click.option(
    "--directory",
    "-d",
    type=PATH_ARGUMENT,
    default=Path("espace-stagiaire"),
    show_default=True,
    metavar="DOSSIER",
    help="Dossier de travail du stagiaire.",
)
@server_options
@french_errors
def lab(directory: Path, port: int | None, browser: bool, token: str | None) -> None:
    """Ouvrir le cours dans JupyterLab (en français, sur la page d'accueil)."""
    from cpts_training.lab import lab_command, prepare_trainee_space, trainee_environment

    space = prepare_trainee_space(directory)
    click.echo(space.report())
    click.echo("Démarrage de JupyterLab… (Ctrl+C deux fois pour arrêter)")
    command = lab_command(space.root, port=port, open_browser=browser, token=token)
    _run_until_interrupted(command, trainee_environment(space.root))


def _run_until_interrupted(command: list[str], env: dict[str, str]) -> None:
    """Run a server until it stops, the user presses Ctrl+C or this command is terminated.

    A termination signal (SIGTERM, SIGHUP) is passed on to the server, which is then
    waited for: stopping the command never leaves JupyterLab and its kernels running.
    """
    import signal

    server = subprocess.Popen(command, env=env)

    def stop(signum: int, _frame: object) -> None:
        server.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        returncode = server.wait()
    except KeyboardInterrupt:  # the server got Ctrl+C too: let it shut its kernels down
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if returncode not in (0, -2, -15, 130, 143):
        raise SystemExit(returncode)


@app.command(short_help="Construire le livre public (sans corrigé).")
@click.option(
    "--output",
    type=PATH_ARGUMENT,
    metavar="DOSSIER",
    help="Dossier de sortie (par défaut book/_build).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Écrire aussi tout le livre en un PDF (imprimé par Chromium, à installer).",
)
@french_errors
def book(output: Path | None, pdf: bool) -> None:
    """Construire le livre public (Jupyter Book) : modules exécutés, sans corrigé."""
    # As in the Jupyter processes the course starts (cpts_training._fast_start): nbformat's
    # jsonschema would build the grammar of the unused « iri » format at import (about 1 s
    # of every rebuild); a None entry makes that optional import fail, so it is skipped.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from cpts_training.book import build_book

    html = build_book(output)
    click.echo(f"Livre construit : {html / 'index.html'}")
    if pdf:
        from cpts_training.book_pdf import build_pdf

        click.echo(f"PDF du livre : {build_pdf(html.parent)}")


@app.group(
    short_help="Espace formateur nbgrader.", help="Espace formateur (dossier de cours nbgrader)."
)
def workspace() -> None:
    """``cpts-training workspace``."""


@app.group(
    short_help="Évaluations : publier, corriger, rendre.",
    help="Évaluations : publier, déposer, corriger, rendre les retours, exporter.",
)
def assessment() -> None:
    """``cpts-training assessment``."""


@workspace.command("init", short_help="Créer un espace formateur.")
@click.argument("directory", type=PATH_ARGUMENT, metavar="DOSSIER")
@source_option(
    "Dossier d'évaluations à utiliser à la place de celles du dépôt "
    "(par exemple une banque d'évaluations privée)."
)
@french_errors
def workspace_init(directory: Path, source: Path | None) -> None:
    """Créer l'espace formateur DOSSIER (hors du dépôt du cours), avec les évaluations."""
    from cpts_training.trainer import init_workspace

    root = init_workspace(directory, source=source)
    click.echo(f"Espace formateur créé : {root}\nMode d'emploi : {root / 'LISEZMOI.md'}")


@workspace.command("roster", short_help="Inscrire les stagiaires (liste CSV).")
@click.argument("roster_file", type=PATH_ARGUMENT, metavar="FICHIER")
@workspace_option
@french_errors
def workspace_roster(roster_file: Path, workspace: Path) -> None:
    """Inscrire dans l'espace formateur les stagiaires de la liste FICHIER (CSV d'Excel ou
    de LibreOffice : colonnes nom, prénom et, si vous les avez, id et email)."""
    from cpts_training.trainer import import_roster

    report = import_roster(workspace, roster_file)

    def listed(ids: tuple[str, ...]) -> str:
        return f" ({', '.join(ids)})" if ids else ""

    click.echo(
        f"Stagiaires ajoutés : {len(report.added)}{listed(report.added)} ; mis à jour : "
        f"{len(report.updated)}{listed(report.updated)} ; inchangés : {len(report.unchanged)}."
    )
    for warning in report.warnings:
        click.secho(f"Attention : {warning}", fg="yellow")


@workspace.command("update", short_help="Ajouter les nouvelles évaluations.")
@click.argument("directory", type=PATH_ARGUMENT, metavar="DOSSIER")
@source_option("Dossier d'évaluations (par défaut, celles du dépôt).")
@replace_option(
    "Remplacer aussi les évaluations modifiées depuis (l'ancienne version est archivée)."
)
@french_errors
def workspace_update(directory: Path, source: Path | None, replace: bool) -> None:
    """Ajouter à l'espace formateur DOSSIER les nouvelles évaluations (sans rien remplacer,
    sauf avec --replace)."""
    from cpts_training.trainer import update_report, update_workspace

    for line in update_report(update_workspace(directory, source=source, replace=replace)):
        click.echo(line)


@workspace.command("restore", short_help="Restaurer une sauvegarde du carnet de notes.")
@click.argument("backup", required=False, metavar="[SAUVEGARDE]")
@workspace_option
@french_errors
def workspace_restore(backup: str | None, workspace: Path) -> None:
    """Sans argument : lister les sauvegardes du carnet de notes (faites avant chaque étape
    qui peut perdre des notes). Avec SAUVEGARDE (un nom de la liste, ou le chemin d'un
    fichier) : la restaurer, après avoir sauvegardé le carnet de notes actuel."""
    from cpts_training.trainer.backup import (
        backup_folder,
        backup_time,
        list_backups,
        restore_gradebook,
    )
    from cpts_training.trainer.deadlines import french_moment
    from cpts_training.trainer.workspace import require_workspace

    root = require_workspace(workspace)
    if backup is None:
        backups = list_backups(root)
        if not backups:
            click.echo(
                f"Aucune sauvegarde du carnet de notes dans {backup_folder(root)} : elles sont "
                "faites avant chaque étape qui peut perdre des notes."
            )
            return
        click.echo(
            f"Sauvegardes du carnet de notes ({backup_folder(root)}), la plus récente en dernier :"
        )
        for path in backups:
            size = f"{path.stat().st_size / 1024:.0f} Ko"
            click.echo(f"  {path.name}  ({french_moment(backup_time(path))}, {size})")
        click.echo(f"Pour en restaurer une : cpts-training workspace restore NOM -w {root}")
        return
    previous = restore_gradebook(root, backup)
    click.echo(f"Carnet de notes restauré depuis {Path(backup).name} : {root / 'gradebook.db'}")
    if previous is not None:
        click.echo(f"L'ancien carnet de notes est gardé dans {previous.name} ({previous.parent}).")
    click.echo(
        "Les copies corrigées après cette sauvegarde n'ont pas leurs notes dans le carnet "
        "restauré : recorrigez-les avec « cpts-training assessment autograde ÉVALUATION "
        f"--student STAGIAIRE --force -w {root} »."
    )


ASSESSMENT = click.argument("assessment", metavar="ÉVALUATION")


@assessment.command("release", short_help="Publier la version stagiaire.")
@ASSESSMENT
@workspace_option
@replace_option(
    "Publier un sujet modifié même si des copies ont été déposées (l'ancienne version "
    "est archivée)."
)
@french_errors
def assessment_release(assessment: str, workspace: Path, replace: bool) -> None:
    """Publier la version stagiaire d'ÉVALUATION (ex. evaluation_00), sans corrigé.

    Relancée après une modification du sujet, la commande publie la nouvelle version ;
    si des copies ont déjà été déposées, elle refuse, sauf avec --replace.
    """
    from cpts_training.trainer import UNCHANGED, publish

    folder, outcome = publish(workspace, assessment, replace=replace)
    click.echo(f"Version stagiaire {outcome} : {folder}")
    if outcome == UNCHANGED:
        click.echo("Le sujet n'a pas changé depuis la dernière publication.")


@assessment.command("submit", short_help="Déposer la copie d'un stagiaire.")
@ASSESSMENT
@click.argument("student", metavar="STAGIAIRE")
@click.argument("notebook", type=EXISTING_FILE, metavar="CARNET")
@workspace_option
@replace_option("Remplacer une copie déjà déposée (l'ancienne est archivée).")
@click.option(
    "--date",
    "handed_in",
    metavar="DATE",
    help='Date et heure de remise par le stagiaire, heure de Paris (ex. "14/01/2027 22:10" ; '
    "par défaut : maintenant).",
)
@french_errors
def assessment_submit(
    assessment: str,
    student: str,
    notebook: Path,
    workspace: Path,
    replace: bool,
    handed_in: str | None,
) -> None:
    """Déposer le CARNET (.ipynb) rendu par STAGIAIRE (ex. dupont-marie) pour ÉVALUATION."""
    from cpts_training.trainer import submit
    from cpts_training.trainer.deadlines import parse_french_datetime

    submitted_at = (
        None
        if handed_in is None
        else parse_french_datetime(handed_in, "La date de remise", end_of_day=False)
    )
    deposit = submit(
        workspace, assessment, student, notebook, replace=replace, submitted_at=submitted_at
    )
    click.echo(f"Copie déposée : {deposit.folder}")
    if deposit.archive is not None:
        click.echo(f"Copie précédente archivée : {deposit.archive}")
    for warning in deposit.warnings:
        click.secho(f"Attention : {warning}", fg="yellow")


@assessment.command("withdraw", short_help="Retirer une copie déposée (archivée).")
@ASSESSMENT
@click.argument("student", metavar="STAGIAIRE")
@workspace_option
@french_errors
def assessment_withdraw(assessment: str, student: str, workspace: Path) -> None:
    """Retirer la copie de STAGIAIRE pour ÉVALUATION : elle est archivée, rien n'est effacé."""
    from cpts_training.trainer import withdraw

    archive = withdraw(workspace, assessment, student)
    click.echo(
        f"Copie retirée et archivée (avec sa correction et son retour) : {archive}\n"
        "Les notes restent dans le carnet de notes ; le stagiaire apparaît « non rendue » "
        "jusqu'à un nouveau dépôt."
    )


@assessment.command("deadline", short_help="Fixer ou afficher la date limite.")
@ASSESSMENT
@click.argument("when", metavar="[DATE]", required=False)
@workspace_option
@click.option("--remove", is_flag=True, default=False, help="Retirer la date limite.")
@french_errors
def assessment_deadline(assessment: str, when: str | None, workspace: Path, remove: bool) -> None:
    """Fixer la date limite d'ÉVALUATION à DATE, en heure de Paris ("15/01/2027 18:00" ;
    "15/01/2027" seul = jusqu'à 23:59). Sans DATE : affiche la date limite actuelle."""
    from cpts_training.trainer.deadlines import deadline, french_moment, set_deadline

    if remove and when is not None:
        raise CPTSError(
            "Indiquez soit une DATE, soit --remove, pas les deux. Exemple : "
            f'« cpts-training assessment deadline {assessment} "15/01/2027 18:00" -w DOSSIER ».'
        )
    if remove:
        set_deadline(workspace, assessment, None)
        click.echo(f"Date limite de « {assessment} » retirée : aucune copie n'est en retard.")
        return
    due = (
        deadline(workspace, assessment)
        if when is None
        else set_deadline(workspace, assessment, when)
    )
    if due is None:
        click.echo(
            f"Aucune date limite pour « {assessment} ». Pour en fixer une : « cpts-training "
            f'assessment deadline {assessment} "15/01/2027 18:00" -w DOSSIER ».'
        )
        return
    shown = f"{french_moment(due)} (heure de Paris)"
    if when is None:
        click.echo(f"Date limite de « {assessment} » : {shown}.")
    else:
        click.echo(f"Date limite de « {assessment} » fixée au {shown}.")
        if due < datetime.now(UTC):
            click.secho(
                "Attention : cette date est déjà passée ; toute copie rendue après elle sera "
                "en retard. Vérifiez l'année si ce n'est pas voulu.",
                fg="yellow",
            )


@assessment.command("collect", short_help="Déposer les copies d'un zip Moodle ou d'un dossier.")
@ASSESSMENT
@click.argument("source", type=click.Path(path_type=Path, exists=True), metavar="SOURCE")
@workspace_option
@replace_option("Remplacer les copies déjà déposées qui ont changé (l'ancienne est archivée).")
@french_errors
def assessment_collect(assessment: str, source: Path, workspace: Path, replace: bool) -> None:
    """Déposer les copies d'ÉVALUATION trouvées dans SOURCE : le zip de Moodle (Télécharger
    tous les travaux remis) ou un dossier de carnets nommés NOM_Prenom.ipynb, rapprochées
    de la liste des stagiaires (accents, majuscules et ordre des mots ignorés)."""
    from cpts_training.trainer.collect import collect_copies

    report = collect_copies(workspace, assessment, source, replace=replace)
    for line in report.lines():
        click.echo(line)


@assessment.command("autograde", short_help="Corriger automatiquement les copies.")
@ASSESSMENT
@workspace_option
@click.option(
    "--student",
    "-s",
    metavar="STAGIAIRE",
    help="Ne corriger que la copie de ce stagiaire.",
)
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="Corriger de nouveau les copies déjà corrigées et inchangées (leurs notes "
    "manuelles sont gardées).",
)
@click.option(
    "--workers",
    "-j",
    type=AtLeast(1),
    metavar="N",
    help="Nombre de copies corrigées en même temps (par défaut : une par cœur du processeur).",
)
@click.option(
    "--cell-timeout",
    type=AtLeast(1),
    metavar="SECONDES",
    help="Durée maximale d'une cellule (par défaut : c.Execute.timeout de "
    "nbgrader_config.py, 120 s) ; une cellule plus longue est arrêtée et ses tests comptent 0.",
)
@click.option(
    "--timeout",
    type=AtLeast(1),
    metavar="SECONDES",
    help="Durée maximale d'une copie entière (par défaut : pas de limite) ; au-delà, la "
    "copie est arrêtée et signalée non corrigée.",
)
@click.option(
    "--memory",
    type=AtLeast(1024),
    metavar="MO",
    default=4096,
    show_default=True,
    help="Mémoire maximale du noyau Python de chaque copie, en mégaoctets.",
)
@click.option(
    "--no-isolation",
    is_flag=True,
    default=False,
    help="Ne pas isoler les copies avec bubblewrap (les limites de mémoire, de temps et de "
    "taille de fichier restent appliquées).",
)
@french_errors
def assessment_autograde(
    assessment: str,
    workspace: Path,
    student: str | None,
    force: bool,
    workers: int | None,
    cell_timeout: int | None,
    timeout: int | None,
    memory: int,
    no_isolation: bool,
) -> None:
    """Corriger automatiquement les copies d'ÉVALUATION, plusieurs à la fois.

    Chaque copie s'exécute isolée (bubblewrap : sans réseau, sans accès aux autres
    copies ni aux tests cachés) et limitée en mémoire, en temps et en taille de
    fichier. Une copie déjà corrigée et inchangée est gardée ; une copie qui ne peut
    pas être corrigée est signalée et n'empêche pas la correction des autres.
    """
    import os

    from cpts_training.trainer import FAILED, AutogradeFailed, AutogradeInterrupted, report_totals
    from cpts_training.trainer.deadlines import format_delay
    from cpts_training.trainer.pipeline import autograde  # the module autograde shadows it
    from cpts_training.trainer.sandbox import MEBIBYTE, SandboxLimits

    click.echo(f"Correction automatique de « {assessment} »…")
    at_once = workers or os.cpu_count() or 1
    durations: list[float] = []  # of the copies actually run, for the time left

    def progress(done: int, total: int, name: str, outcome: CopyOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.seconds > 0:
            durations.append(outcome.seconds)
        left = total - done
        eta = ""
        if left and durations:
            rounds = -(-left // at_once)  # copies left, at_once at a time
            left_seconds = rounds * sum(durations) / len(durations)
            eta = f" — reste environ {format_delay(left_seconds)}"
        click.secho(
            f"[{done}/{total}] {name} : {outcome.line()}{eta}",
            fg="red" if outcome.status == FAILED else None,
        )

    limits = SandboxLimits(memory_bytes=memory * MEBIBYTE)
    try:
        report = autograde(
            workspace,
            assessment,
            student=student,
            force=force,
            progress=progress,
            copy_timeout=timeout,
            workers=workers,
            cell_timeout=cell_timeout,
            isolate=not no_isolation,
            limits=limits,
        )
    except AutogradeInterrupted:
        click.echo("Interrompue.")
        raise
    except AutogradeFailed as error:
        for line in report_totals(workspace, error.report):
            click.echo(line)
        if error.report.sandbox:
            click.echo(f"Copies {error.report.sandbox}.")
        raise
    for line in [*report_totals(workspace, report), report.summary()]:
        click.echo(line)
    if report.sandbox:
        click.echo(f"Copies {report.sandbox}.")


@assessment.command("grade", short_help="Corriger à la main (formgrader).")
@workspace_option
@server_options
@french_errors
def assessment_grade(workspace: Path, port: int | None, browser: bool, token: str | None) -> None:
    """Corriger à la main les réponses rédigées : JupyterLab ouvert sur formgrader."""
    from cpts_training.trainer import (
        formgrader_command,
        formgrader_environment,
        prepare_formgrader,
    )

    root = prepare_formgrader(workspace)
    click.echo("Démarrage de JupyterLab sur formgrader… (Ctrl+C deux fois pour arrêter)")
    command = formgrader_command(root, port=port, open_browser=browser, token=token)
    _run_until_interrupted(command, formgrader_environment(root))


@assessment.command("rubric", short_help="Corriger avec la grille (carnet en français).")
@workspace_option
@server_options
@french_errors
def assessment_rubric(workspace: Path, port: int | None, browser: bool, token: str | None) -> None:
    """Corriger les réponses rédigées avec leur grille : JupyterLab ouvert sur le carnet
    correction_grille.ipynb de l'espace (créé s'il n'y est pas)."""
    from cpts_training.trainer.formgrader import (
        formgrader_environment,
        prepare_formgrader,
        rubric_grading_command,
    )
    from cpts_training.trainer.rubric_grading import prepare_rubric_grading

    root = prepare_formgrader(workspace)
    notebook = prepare_rubric_grading(root)
    click.echo(f"Carnet de correction : {notebook}")
    click.echo("Démarrage de JupyterLab… (Ctrl+C deux fois pour arrêter)")
    command = rubric_grading_command(root, port=port, open_browser=browser, token=token)
    _run_until_interrupted(command, formgrader_environment(root))


@assessment.command("feedback", short_help="Produire les retours HTML.")
@ASSESSMENT
@workspace_option
@click.option(
    "--student", "-s", metavar="STAGIAIRE", help="Ne produire que le retour de ce stagiaire."
)
@french_errors
def assessment_feedback(assessment: str, workspace: Path, student: str | None) -> None:
    """Produire les retours HTML d'ÉVALUATION pour chaque stagiaire."""
    from cpts_training.trainer import feedback_warnings
    from cpts_training.trainer.pipeline import feedback  # the module feedback shadows it

    for path in feedback(workspace, assessment, student=student):
        click.echo(f"Retour : {path}")
    for warning in feedback_warnings(workspace, assessment):
        click.secho(f"Attention : {warning}", fg="yellow")


@assessment.command("export", short_help="Exporter les notes en CSV.")
@click.argument("destination", type=PATH_ARGUMENT, metavar="FICHIER_CSV")
@workspace_option
@replace_option("Remplacer le fichier s'il existe.")
@click.option(
    "--moodle",
    is_flag=True,
    default=False,
    help="Au format d'import du carnet de notes de Moodle (une ligne par stagiaire).",
)
@french_errors
def assessment_export(destination: Path, workspace: Path, replace: bool, moodle: bool) -> None:
    """Exporter toutes les notes dans FICHIER_CSV (pour un tableur, ou pour Moodle avec
    --moodle : Notes › Importer › Fichier CSV, utilisateurs identifiés par l'adresse de
    courriel ou le numéro d'identification)."""
    if moodle:
        from cpts_training.trainer import write_moodle_grades_csv

        written = write_moodle_grades_csv(workspace, destination, replace=replace)
        click.echo(f"Notes exportées pour Moodle : {written}")
        return
    from cpts_training.trainer import export

    click.echo(f"Notes exportées : {export(workspace, destination, replace=replace)}")


@app.command(short_help="Rapports de compétences, attestations PDF et synthèse.")
@workspace_option
@output_option("Dossier des rapports.")
@replace_option("Remplacer les rapports d'un précédent passage (les autres fichiers restent).")
@french_errors
def report(workspace: Path, output: Path, replace: bool) -> None:
    """Rapports de compétences : une page HTML et une attestation PDF par stagiaire, la
    synthèse de la promotion (carte des niveaux, analyse des items) et les exports CSV et
    XLSX."""
    from cpts_training.trainer import write_reports

    outcome = write_reports(workspace, output, replace=replace)
    for path in outcome.written:
        click.echo(f"Écrit : {path}")
    for warning in outcome.warnings:
        click.echo(f"Attention : {warning}")


@app.command("moodle", short_help="Exporter le référentiel pour Moodle (CSV).")
@click.argument("destination", type=PATH_ARGUMENT, metavar="FICHIER")
@replace_option("Remplacer le fichier s'il existe.")
@click.option(
    "--workspace",
    "-w",
    "workspace",
    type=PATH_ARGUMENT,
    default=None,
    metavar="DOSSIER",
    help="Prendre l'échelle de niveaux de cet espace formateur (competences.yaml).",
)
@french_errors
def moodle(destination: Path, replace: bool, workspace: Path | None) -> None:
    """Écrire le référentiel de compétences au format CSV d'import de Moodle
    (Administration du site › Compétences › Importer un référentiel de compétences)."""
    from cpts_training.trainer import write_moodle_framework_csv
    from cpts_training.trainer.workspace import require_workspace

    root = require_workspace(workspace) if workspace is not None else None
    written = write_moodle_framework_csv(destination, replace=replace, workspace=root)
    click.echo(f"Référentiel exporté : {written}")


@app.group(
    "competency",
    short_help="Compétences des stagiaires : niveaux, dérogations, badges.",
)
def competency() -> None:
    """Niveaux de compétence des stagiaires, dérogations motivées et badges Open Badges."""


@competency.command("show", short_help="Afficher les niveaux d'un stagiaire.")
@click.argument("student", metavar="STAGIAIRE")
@workspace_option
@french_errors
def competency_show(student: str, workspace: Path) -> None:
    """Afficher les niveaux de compétence d'un stagiaire, bloc par bloc."""
    from cpts_training.trainer.competency_model import build_profile, trainee_summary

    for line in trainee_summary(build_profile(workspace), student):
        click.echo(line)


@competency.command("override", short_help="Fixer un niveau par dérogation motivée.")
@click.argument("student", metavar="STAGIAIRE")
@click.argument("competency_id", metavar="COMPETENCE")
@click.argument("level", metavar="NIVEAU")
@click.option("--motif", "reason", required=True, metavar="TEXTE", help="Motif de la dérogation.")
@click.option("--par", "by", required=True, metavar="NOM", help="Formateur qui la décide.")
@workspace_option
@french_errors
def competency_override(
    student: str, competency_id: str, level: str, reason: str, by: str, workspace: Path
) -> None:
    """Fixer le niveau d'une compétence d'un stagiaire (ex. « acquise »), avec un motif.

    Le niveau calculé reste visible à côté ; chaque dérogation est conservée."""
    from cpts_training.trainer.competency_model import override_competency

    record = override_competency(workspace, student, competency_id, level, reason, by)
    click.echo(
        f"Dérogation enregistrée : {record['stagiaire']}, {record['competence']} → "
        f"« {record['niveau']} » (par {record['par']}, motif : {record['motif']})."
    )


@competency.command("badges", short_help="Badges Open Badges 3.0 des blocs acquis.")
@workspace_option
@output_option("Dossier des badges (un fichier JSON par stagiaire et bloc acquis).")
@replace_option("Remplacer les badges d'une production précédente.")
@french_errors
def competency_badges(workspace: Path, output: Path, replace: bool) -> None:
    """Écrire un badge Open Badges 3.0 (JSON) par stagiaire et bloc acquis, à importer
    dans une plateforme de badges."""
    from cpts_training.trainer.badges import provisional_blocs, write_badges
    from cpts_training.trainer.competency_model import build_profile

    written = write_badges(workspace, output, replace=replace)
    for path in written:
        click.echo(f"Écrit : {path}")
    waiting = provisional_blocs(build_profile(workspace))
    if waiting:
        shown = ", ".join(f"{student} ({bloc})" for student, bloc in waiting)
        click.secho(
            f"Attention : pas de badge pour {shown} : le bloc est acquis, mais des réponses "
            "rédigées attendent encore leur note. Notez-les, puis relancez avec --replace.",
            fg="yellow",
        )
    if not written:
        click.echo("Aucun bloc acquis : aucun badge écrit.")
    elif not any(path.suffix == ".jwt" for path in written):
        click.echo(
            "Badges non signés (aucune clé « cle_privee » dans la section « organisme » de "
            "competences.yaml) : la plateforme qui les importe les atteste elle-même."
        )


def main() -> None:  # pragma: no cover - console entry point
    """Entry point of ``cpts-training`` and ``python -m cpts_training``."""
    app(prog_name="cpts-training")


if __name__ == "__main__":  # pragma: no cover
    main()
