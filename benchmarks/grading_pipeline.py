"""Time the trainer's grading pipeline and the book build on this machine.

Run: ``.venv/bin/python benchmarks/grading_pipeline.py [N]`` (N simulated trainees per
assessment, default 4). Prints seconds per step and per submission (autograde runs
nbgrader once per copy; a second run, with nothing to redo, is timed too), then the peak
memory of this process and of the largest process it started (nbgrader, kernels,
Sphinx); nothing is asserted.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from cpts_training.book import build_book
from cpts_training.jupyter_env import with_interpreter_bin
from cpts_training.trainer.competency_report import write_reports
from cpts_training.trainer.pipeline import autograde, feedback, release
from cpts_training.trainer.submissions import submit
from cpts_training.trainer.workspace import init_workspace


def timed(label: str, action, per: int | None = None):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    detail = f"  ({seconds / per:.2f} s par copie)" if per else ""
    print(f"{label:<45} {seconds:7.2f} s{detail}")
    return result


def main(trainees: int) -> None:
    import os

    os.environ.update(with_interpreter_bin())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        workspace = timed("workspace init", lambda: init_workspace(root / "espace"))
        for assessment in sorted(p.name for p in (workspace / "source").iterdir()):
            released = timed(f"{assessment} : release", lambda a=assessment: release(workspace, a))
            notebook = next(released.glob("*.ipynb"))
            for index in range(trainees):
                copy = root / f"{assessment}-{index}.ipynb"
                nbformat.write(nbformat.read(notebook, as_version=4), copy)
                submit(workspace, assessment, f"stagiaire-{index:02d}", copy)
            report = timed(
                f"{assessment} : autograde ({trainees} copies)",
                lambda a=assessment: autograde(workspace, a),
                per=trainees,
            )
            each = sorted(outcome.seconds for outcome in report.outcomes)
            print(
                f"{'  dont nbgrader, par copie (min / médiane / max)':<45} "
                f"{each[0]:.2f} / {each[len(each) // 2]:.2f} / {each[-1]:.2f} s"
            )
            timed(
                f"{assessment} : autograde relancé (rien à refaire)",
                lambda a=assessment: autograde(workspace, a),
            )
            timed(
                f"{assessment} : feedback ({trainees} copies)",
                lambda a=assessment: feedback(workspace, a),
                per=trainees,
            )
        timed("rapport de compétences", lambda: write_reports(workspace, root / "rapports"))
        timed("livre public (jupyter-book build)", lambda: build_book(root / "livre"))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'mémoire maximale : ce processus':<45} {own:7.0f} Mo")
    print(f"{'mémoire maximale : le plus gros sous-processus':<45} {children:7.0f} Mo")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
