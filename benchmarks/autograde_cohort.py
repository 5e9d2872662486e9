"""Time the automatic correction of a synthetic cohort, against nbgrader and the floor.

Run (about 30 minutes with the defaults on 2 cores)::

    .venv/bin/python benchmarks/autograde_cohort.py [--trainees 30]
        [--assessments evaluation_00,evaluation_01] [--workers N] [--keep DOSSIER]

A cohort of ``--trainees`` trainees answers every assessment of the course (right,
partly right or mostly wrong answers: :mod:`cohort_answers`); the copies are deposited
in a workspace with :func:`cpts_training.trainer.submissions.submit`. Then, in the same
run, on copies of that workspace:

a. nbgrader's own sequential command, ``python -m nbgrader autograde ÉVALUATION`` (one
   nbgrader process for the whole assessment);
b. ours, :func:`cpts_training.trainer.pipeline.autograde` (with ``workers=N`` when the
   installed version accepts it; N = the number of cores by default);
c. the floor: plain nbclient execution of the very notebooks nbgrader executed (its
   ``autograded/`` copies, outputs cleared: the trainee's answers with the source's
   tests), one process per core, then one process at a time.

Prints the seconds per copy of each, the ratios and the target (ours within 1,3× of the
floor on every core), and compares (a) and (b) score by score in both gradebooks (a
difference is printed in capitals). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort_answers import answered_copy  # noqa: E402

from cpts_training.jupyter_env import with_interpreter_bin  # noqa: E402
from cpts_training.trainer import pipeline  # noqa: E402
from cpts_training.trainer.submissions import submit  # noqa: E402
from cpts_training.trainer.workspace import COURSE_ID, init_workspace  # noqa: E402

CELL_TIMEOUT = 120
"""Seconds per cell for the floor's execution: the workspace's ``Execute.timeout``."""

TARGET = 1.3
"""Ours should take at most this many times the floor on every core."""


def fr(seconds: float, decimals: int = 2) -> str:
    """« 3,27 » : a French decimal with ``decimals`` digits."""
    return f"{seconds:.{decimals}f}".replace(".", ",")


def say(text: str) -> None:
    print(text, flush=True)


def build_cohort(
    root: Path, assessments: list[str] | None, trainees: int
) -> tuple[Path, list[str]]:
    """A workspace with every assessment released and answered by ``trainees`` trainees."""
    workspace = init_workspace(root / "cohorte")
    available = sorted(p.name for p in (workspace / "source").iterdir() if p.is_dir())
    chosen = assessments or available
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise SystemExit(
            f"Évaluation(s) inconnue(s) : {', '.join(unknown)}. "
            f"Évaluations du cours : {', '.join(available)}."
        )
    copies = root / "copies"
    for assessment in chosen:
        released_dir = pipeline.release(workspace, assessment)
        profiles: Counter[str] = Counter()
        right = total = 0
        for rank in range(trainees):
            student = f"stagiaire-{rank + 1:03d}"
            for released in sorted(released_dir.glob("*.ipynb")):
                source = workspace / "source" / assessment / released.name
                copy = answered_copy(source, released, rank)
                path = copies / assessment / student / released.name
                path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(copy.notebook, path)
                submit(workspace, assessment, student, path)
                profiles[copy.profile] += 1
                right += copy.right
                total += copy.answers
        say(
            f"  {assessment} : publiée, {trainees} copies déposées "
            f"({', '.join(f'{n} {p}' for p, n in sorted(profiles.items()))} ; "
            f"{right} réponses justes sur {total})"
        )
    return workspace, chosen


def copies_of(workspace: Path, assessment: str) -> list[str]:
    return sorted(p.parent.name for p in (workspace / "submitted").glob(f"*/{assessment}"))


def nbgrader_sequential(workspace: Path, assessment: str) -> float:
    """Wall time of ``python -m nbgrader autograde ASSESSMENT`` in ``workspace``."""
    total = len(copies_of(workspace, assessment))
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "nbgrader", "autograde", assessment],
        cwd=workspace,
        env=with_interpreter_bin(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    log: list[str] = []
    done = 0
    for line in process.stdout:
        log.append(line)
        if "Autograding " in line:
            done += 1
            elapsed = time.perf_counter() - start
            say(f"    nbgrader : copie {done}/{total} en cours ({fr(elapsed, 0)} s écoulées)")
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        say(f"    !!! nbgrader autograde a échoué (code {process.returncode}) :")
        say("".join(log[-15:]))
    return seconds


def ours(workspace: Path, assessment: str, workers: int) -> float:
    """Wall time of :func:`pipeline.autograde` on ``workspace`` (all copies)."""
    options: dict[str, Any] = {}
    accepted = inspect.signature(pipeline.autograde).parameters
    if "workers" in accepted:
        options["workers"] = workers
    if "progress" in accepted:
        start = time.perf_counter()
        finished = [0]

        def progress(*arguments: object) -> None:
            # (rank, total, student, outcome): outcome is None when a copy starts.
            if len(arguments) >= 4 and arguments[-1] is not None:
                finished[0] += 1
                total = arguments[1]
                elapsed = time.perf_counter() - start
                say(
                    f"    cpts-training : {finished[0]}/{total} copies corrigées "
                    f"({fr(elapsed, 0)} s écoulées)"
                )

        options["progress"] = progress
    start = time.perf_counter()
    try:
        pipeline.autograde(workspace, assessment, **options)
    except Exception as error:  # AutogradeFailed and the like: report and go on
        say(f"    !!! correction incomplète : {error}")
    return time.perf_counter() - start


def cleared_copies(graded: Path, assessment: str, destination: Path) -> list[Path]:
    """nbgrader's autograded notebooks of ``assessment``, outputs cleared, in ``destination``.

    Each copy gets a folder of its own (the notebook's working directory when run).
    """
    notebooks = []
    for folder in sorted((graded / "autograded").glob(f"*/{assessment}")):
        student = folder.parent.name
        for path in sorted(folder.glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    cell.execution_count = None
            target = destination / assessment / student / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
            notebooks.append(target)
    return notebooks


def execute(path: str) -> float:
    """Execute one notebook with nbclient in its folder, as autograde does; seconds."""
    from nbclient import NotebookClient

    start = time.perf_counter()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    client.execute()
    return time.perf_counter() - start


def _quiet_kernels() -> None:
    """In a floor worker: send the kernels' start-up warnings to /dev/null (their stderr)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def floor(notebooks: list[Path], processes: int, label: str) -> float:
    """Wall time of executing ``notebooks`` with ``processes`` processes at once."""
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, initializer=_quiet_kernels) as pool:
        futures = [pool.submit(execute, str(path)) for path in notebooks]
        for done, future in enumerate(as_completed(futures), start=1):
            future.result()
            if done % 10 == 0 or done == len(futures):
                elapsed = time.perf_counter() - start
                say(
                    f"    plancher {label} : {done}/{len(futures)} carnets exécutés "
                    f"({fr(elapsed, 0)} s écoulées)"
                )
    return time.perf_counter() - start


def scores(workspace: Path, assessment: str) -> dict[tuple[str, str, str], tuple]:
    """(trainee, notebook, cell) → (automatic score, score, needs manual grade)."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{workspace / 'gradebook.db'}", COURSE_ID) as gradebook:
        for submission in gradebook.assignment_submissions(assessment):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    key = (submission.student.id, notebook.name, grade.name)
                    found[key] = (grade.auto_score, grade.score, grade.needs_manual_grade)
    return found


def compare(sequential: Path, parallel: Path, assessment: str) -> int:
    """Print every cell whose scores differ between the two gradebooks; how many do."""
    theirs, mine = scores(sequential, assessment), scores(parallel, assessment)
    differences = 0
    for key in sorted(set(theirs) | set(mine)):
        if theirs.get(key) != mine.get(key):
            differences += 1
            if differences <= 20:
                say(
                    f"    !!! DIFFÉRENCE {assessment} {' / '.join(key)} : "
                    f"nbgrader {theirs.get(key)} ≠ cpts-training {mine.get(key)}"
                )
    if differences:
        say(
            f"  !!! {assessment} : {differences} NOTE(S) DIFFÉRENTE(S) entre nbgrader et "
            "cpts-training (sur "
            f"{len(set(theirs) | set(mine))} cellules notées) !!!"
        )
    else:
        say(
            f"  {assessment} : notes identiques ({len(theirs)} cellules notées, "
            f"{sum(1 for v in theirs.values() if v[0] is not None)} automatiquement)"
        )
    return differences


def table(
    rows: list[tuple[str, dict[str, float]]], assessments: list[str], counts: dict[str, int]
) -> None:
    width = max(len(label) for label, _ in rows) + 2
    header = "".join(f"{a.replace('evaluation_', 'éval. '):>10}" for a in assessments)
    say(f"{'secondes par copie':<{width}}{header}{'ensemble':>10}")
    total_copies = sum(counts.values())
    for label, seconds in rows:
        cells = "".join(f"{fr(seconds[a] / counts[a]):>10}" for a in assessments)
        overall = sum(seconds.values()) / total_copies
        say(f"{label:<{width}}{cells}{fr(overall):>10}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=30, help="stagiaires (30)")
    parser.add_argument(
        "--assessments", default="", help="évaluations, séparées par des virgules (toutes)"
    )
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=int, default=cores, help=f"copies corrigées à la fois ({cores})"
    )
    parser.add_argument("--keep", type=Path, help="garder les espaces dans ce dossier (neuf)")
    args = parser.parse_args(argv)
    chosen = [a.strip() for a in args.assessments.split(",") if a.strip()] or None
    # The same environment for the three: the kernels inherit it.
    os.environ.update(with_interpreter_bin())
    load_before = os.getloadavg()[2]
    parallel_engine = "workers" in inspect.signature(pipeline.autograde).parameters

    with tempfile.TemporaryDirectory(prefix="banc-correction-") as tmp:
        root = Path(args.keep).resolve() if args.keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        say(
            f"Banc de correction automatique : {args.trainees} stagiaires, {cores} cœurs, "
            f"{args.workers} correction(s) à la fois pour cpts-training"
            + ("" if parallel_engine else " (version installée : une copie après l'autre)")
        )
        say("1. Cohorte synthétique")
        start = time.perf_counter()
        workspace, assessments = build_cohort(root, chosen, args.trainees)
        say(f"  prête en {fr(time.perf_counter() - start, 0)} s")
        sequential = root / "nbgrader-sequentiel"
        parallel = root / "cpts-training"
        shutil.copytree(workspace, sequential)
        shutil.copytree(workspace, parallel)
        counts = {a: len(copies_of(workspace, a)) for a in assessments}

        timings: dict[str, dict[str, float]] = {
            "nbgrader": {},
            "ours": {},
            "floor1": {},
            "floorN": {},
        }
        say("2a. nbgrader autograde, séquentiel (une commande par évaluation)")
        for assessment in assessments:
            seconds = nbgrader_sequential(sequential, assessment)
            timings["nbgrader"][assessment] = seconds
            say(f"  {assessment} : {fr(seconds, 1)} s, {fr(seconds / counts[assessment])} s/copie")
        say(f"2b. cpts-training (pipeline.autograde, workers={args.workers})")
        for assessment in assessments:
            seconds = ours(parallel, assessment, args.workers)
            timings["ours"][assessment] = seconds
            say(f"  {assessment} : {fr(seconds, 1)} s, {fr(seconds / counts[assessment])} s/copie")
        say("2c. Plancher : nbclient seul sur les carnets exécutés par nbgrader")
        for assessment in assessments:
            notebooks = cleared_copies(sequential, assessment, root / "plancher")
            for key, processes, label in (
                ("floorN", cores, f"{cores} processus"),
                ("floor1", 1, "1 processus"),
            ):
                seconds = floor(notebooks, processes, label)
                timings[key][assessment] = seconds
                say(
                    f"  {assessment}, {label} : {fr(seconds, 1)} s, "
                    f"{fr(seconds / counts[assessment])} s/copie"
                )
        say("3. Notes : nbgrader séquentiel et cpts-training, cellule par cellule")
        differences = sum(compare(sequential, parallel, a) for a in assessments)

        say("")
        say(
            f"Résultats — {args.trainees} stagiaires × {len(assessments)} évaluation(s) = "
            f"{sum(counts.values())} copies, {cores} cœurs, "
            f"{time.strftime('%d/%m/%Y %H:%M %Z')}"
        )
        say(
            "Charge de la machine (moyenne sur 15 min, processus prêts à tourner) : "
            f"{fr(load_before, 1)} au début, {fr(os.getloadavg()[2], 1)} à la fin ; "
            f"au-delà de {cores}, d'autres programmes prenaient une part des cœurs."
        )
        rows: list[tuple[str, dict[str, float]]] = [
            ("nbgrader autograde séquentiel", timings["nbgrader"]),
            (f"cpts-training ({args.workers} à la fois)", timings["ours"]),
            ("plancher nbclient, 1 processus", timings["floor1"]),
            (f"plancher nbclient, {cores} processus", timings["floorN"]),
        ]
        if not parallel_engine:
            rows[1] = ("cpts-training (une après l'autre)", timings["ours"])
        table(rows, assessments, counts)
        total = {key: sum(values.values()) for key, values in timings.items()}
        ratio: Callable[[str, str], str] = lambda a, b: fr(total[a] / total[b])  # noqa: E731
        say("")
        say(f"cpts-training / plancher {cores} cœurs   : {ratio('ours', 'floorN')}")
        say(f"cpts-training / nbgrader séquentiel : {ratio('ours', 'nbgrader')}")
        say(f"nbgrader séquentiel / plancher {cores} cœurs : {ratio('nbgrader', 'floorN')}")
        say(f"plancher 1 cœur / plancher {cores} cœurs : {ratio('floor1', 'floorN')}")
        reached = total["ours"] <= TARGET * total["floorN"]
        say(
            f"Objectif : cpts-training à {fr(TARGET, 1)}× le plancher sur {cores} cœurs au plus "
            f"→ {'atteint' if reached else 'NON atteint'}"
        )
        if differences:
            say(f"!!! {differences} NOTE(S) DIFFÉRENTE(S) ENTRE NBGRADER ET CPTS-TRAINING !!!")
        else:
            say("Notes identiques entre nbgrader séquentiel et cpts-training.")
        if args.keep:
            say(f"Espaces gardés dans {root}")


if __name__ == "__main__":
    main()
