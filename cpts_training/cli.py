"""``cpts-training``: the course's command line, a thin shell over the library.

Every error the library raises (:class:`CPTSError`) is shown as its French
message alone, with exit code 1.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from cpts_training.errors import CPTSError

T = TypeVar("T")

app = typer.Typer(
    help="Formation des coordinateurs de CPTS : cours, livre public et outils du formateur.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
workspace_app = typer.Typer(
    help="Espace formateur (dossier de cours nbgrader).", no_args_is_help=True
)
assessment_app = typer.Typer(
    help="Évaluations : publier, déposer, corriger, rendre les retours, exporter.",
    no_args_is_help=True,
)
app.add_typer(workspace_app, name="workspace")
app.add_typer(assessment_app, name="assessment")

WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="Dossier de l'espace formateur."),
]


PortOption = Annotated[int | None, typer.Option(help="Port du serveur JupyterLab.")]
BrowserOption = Annotated[
    bool, typer.Option("--browser/--no-browser", help="Ouvrir le navigateur.")
]
TokenOption = Annotated[
    str | None, typer.Option(help="Jeton d'accès (par défaut, JupyterLab en crée un).")
]


def french_errors(function: Callable[..., T]) -> Callable[..., T]:
    """Show a :class:`CPTSError` as its message, without a traceback."""

    @wraps(function)
    def wrapper(*args: object, **kwargs: object) -> T:
        try:
            return function(*args, **kwargs)
        except CPTSError as error:
            typer.secho(f"Erreur : {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=1) from None

    return wrapper


@app.command()
@french_errors
def lab(
    directory: Annotated[
        Path, typer.Option("--directory", "-d", help="Dossier de travail du stagiaire.")
    ] = Path("espace-stagiaire"),
    port: PortOption = None,
    browser: BrowserOption = True,
    token: TokenOption = None,
) -> None:
    """Ouvrir le cours dans JupyterLab (en français, sur la page d'accueil)."""
    from cpts_training.lab import lab_command, prepare_trainee_space, trainee_environment

    space = prepare_trainee_space(directory)
    typer.echo(space.report())
    typer.echo("Démarrage de JupyterLab… (Ctrl+C deux fois pour arrêter)")
    command = lab_command(space.root, port=port, open_browser=browser, token=token)
    _run_until_interrupted(command, trainee_environment(space.root))


def _run_until_interrupted(command: list[str], env: dict[str, str]) -> None:
    """Run a server until it stops or the user presses Ctrl+C."""
    try:
        completed = subprocess.run(command, env=env, check=False)
    except KeyboardInterrupt:
        return
    if completed.returncode not in (0, -2, 130):
        raise typer.Exit(code=completed.returncode)


@app.command()
@french_errors
def book(
    output: Annotated[
        Path | None, typer.Option(help="Dossier de sortie (par défaut book/_build).")
    ] = None,
) -> None:
    """Construire le livre public (Jupyter Book) : modules exécutés, sans corrigé."""
    from cpts_training.book import build_book

    html = build_book(output)
    typer.echo(f"Livre construit : {html / 'index.html'}")


@workspace_app.command("init")
@french_errors
def workspace_init(
    directory: Annotated[Path, typer.Argument(help="Dossier à créer, hors du dépôt du cours.")],
    source: Annotated[
        Path | None,
        typer.Option(
            help="Dossier d'évaluations à utiliser à la place de celles du dépôt "
            "(par exemple une banque d'évaluations privée)."
        ),
    ] = None,
) -> None:
    """Créer un espace formateur nbgrader avec les évaluations du cours."""
    from cpts_training.trainer.workspace import init_workspace

    root = init_workspace(directory, source=source)
    typer.echo(f"Espace formateur créé : {root}\nMode d'emploi : {root / 'LISEZMOI.md'}")


@workspace_app.command("update")
@french_errors
def workspace_update(
    directory: Annotated[Path, typer.Argument(help="Espace formateur existant.")],
    source: Annotated[
        Path | None, typer.Option(help="Dossier d'évaluations (par défaut, celles du dépôt).")
    ] = None,
) -> None:
    """Ajouter à un espace formateur les nouvelles évaluations (sans rien remplacer)."""
    from cpts_training.trainer.workspace import update_workspace

    outcome = update_workspace(directory, source=source)
    for status, names in outcome.items():
        if names:
            typer.echo(f"Évaluations {status} : {', '.join(names)}")
    if outcome["modifiées"]:
        typer.echo(
            "Les évaluations modifiées n'ont pas été remplacées : si aucune copie n'a encore "
            "été déposée, supprimez leur dossier dans source/ puis relancez cette commande."
        )


@assessment_app.command("release")
@french_errors
def assessment_release(
    assessment: Annotated[str, typer.Argument(help="Nom de l'évaluation, ex. evaluation_00.")],
    workspace: WorkspaceOption,
) -> None:
    """Produire la version stagiaire (sans solution ni test caché)."""
    from cpts_training.trainer.pipeline import release

    folder = release(workspace, assessment)
    typer.echo(f"Version stagiaire : {folder}")


@assessment_app.command("submit")
@french_errors
def assessment_submit(
    assessment: Annotated[str, typer.Argument(help="Nom de l'évaluation.")],
    student: Annotated[str, typer.Argument(help="Identifiant du stagiaire, ex. dupont-marie.")],
    notebook: Annotated[Path, typer.Argument(help="Carnet .ipynb rendu par le stagiaire.")],
    workspace: WorkspaceOption,
    replace: Annotated[
        bool, typer.Option("--replace", help="Remplacer une copie déjà déposée (archivée).")
    ] = False,
) -> None:
    """Déposer la copie d'un stagiaire dans l'espace formateur."""
    from cpts_training.trainer.submissions import submit

    folder = submit(workspace, assessment, student, notebook, replace=replace)
    typer.echo(f"Copie déposée : {folder}")


@assessment_app.command("autograde")
@french_errors
def assessment_autograde(
    assessment: Annotated[str, typer.Argument(help="Nom de l'évaluation.")],
    workspace: WorkspaceOption,
) -> None:
    """Corriger automatiquement les copies déposées (les copies déjà corrigées sont gardées)."""
    from cpts_training.trainer.pipeline import autograde, scores

    submitted = autograde(workspace, assessment)
    typer.echo(
        f"Correction automatique terminée ({len(submitted)} copie(s) déposée(s) ; "
        "une copie déjà corrigée et inchangée n'est pas recorrigée)."
    )
    table = scores(workspace, assessment)
    if not table.empty:
        totals = table.groupby("stagiaire")[["points", "points_max"]].sum()
        pending = table.groupby("stagiaire")["a_corriger"].sum()
        for student, row in totals.iterrows():
            typer.echo(
                f"  {student} : {row['points']:g} / {row['points_max']:g} points"
                f" ({int(pending[student])} réponse(s) à corriger à la main)"
            )


@assessment_app.command("grade")
@french_errors
def assessment_grade(
    workspace: WorkspaceOption,
    port: PortOption = None,
    browser: BrowserOption = True,
    token: TokenOption = None,
) -> None:
    """Corriger à la main les réponses rédigées : JupyterLab ouvert sur formgrader."""
    from cpts_training.trainer.formgrader import (
        formgrader_command,
        formgrader_environment,
        prepare_formgrader,
    )

    root = prepare_formgrader(workspace)
    typer.echo("Démarrage de JupyterLab sur formgrader… (Ctrl+C deux fois pour arrêter)")
    command = formgrader_command(root, port=port, open_browser=browser, token=token)
    _run_until_interrupted(command, formgrader_environment(root))


@assessment_app.command("feedback")
@french_errors
def assessment_feedback(
    assessment: Annotated[str, typer.Argument(help="Nom de l'évaluation.")],
    workspace: WorkspaceOption,
) -> None:
    """Produire les retours HTML pour chaque stagiaire."""
    from cpts_training.trainer.pipeline import feedback

    for path in feedback(workspace, assessment):
        typer.echo(f"Retour : {path}")


@assessment_app.command("export")
@french_errors
def assessment_export(
    destination: Annotated[Path, typer.Argument(help="Fichier CSV à écrire.")],
    workspace: WorkspaceOption,
    replace: Annotated[
        bool, typer.Option("--replace", help="Remplacer le fichier s'il existe.")
    ] = False,
) -> None:
    """Exporter toutes les notes en CSV."""
    from cpts_training.trainer.pipeline import export

    typer.echo(f"Notes exportées : {export(workspace, destination, replace=replace)}")


@app.command()
@french_errors
def report(
    workspace: WorkspaceOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="Dossier des rapports.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Écrire dans un dossier qui n'est pas vide.")
    ] = False,
) -> None:
    """Rapport de compétences : niveau de chaque stagiaire sur le référentiel (CSV + HTML)."""
    from cpts_training.trainer.competency_report import write_reports

    for path in write_reports(workspace, output, replace=replace):
        typer.echo(f"Écrit : {path}")


def main() -> None:  # pragma: no cover - console entry point
    """Entry point used by ``python -m cpts_training``."""
    app(prog_name="cpts-training")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
