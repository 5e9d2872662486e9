"""A grading process: nbgrader's own autograde, copy after copy, in one long-lived process.

Started by :mod:`cpts_training.trainer.autograde` (``python -m
cpts_training.trainer.grading_worker``) in the workspace, several at once. Each loads
nbgrader and the workspace's ``nbgrader_config.py`` once. Then, for every job it reads
(one JSON line on standard input: ``{"assessment", "student", "cell_timeout"}``), it
runs ``NbGraderAPI.autograde`` — exactly what ``nbgrader autograde ASSESSMENT
--student ID --force`` runs — and answers JSON lines on its own channel (the file
descriptor given as argument; standard output is left to nbgrader and the kernels):
``{"start": ID}`` when it begins, then ``{"student", "success", "log", "seconds"}``.

Starting nbgrader costs seconds; starting it once per process rather than once per copy
is what makes a cohort fast. Kernels run in the sandbox
(:class:`~cpts_training.trainer.sandbox.SandboxedExecute`). The gradebook is shared by
the processes: SQLite serialises their short writes, waiting up to a minute for a lock.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

GRADEBOOK_WAIT = 60
"""Seconds a process waits for the gradebook's SQLite lock before failing."""


def _preprocessors() -> list[Any]:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        SaveAutoGrades,
    )

    from cpts_training.trainer.preprocessors.limit_output import LimitOutputSize
    from cpts_training.trainer.sandbox import SandboxedExecute

    # nbgrader's own list (converters/autograde.py), with its Execute sandboxed and
    # its LimitOutput also capping the size of each output.
    return [
        SandboxedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutputSize,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]


def serve(channel: Any, workspace: str) -> None:
    """Answer grading jobs read from standard input until it closes."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader

    app = NbGrader()
    app.initialize([], root=workspace)
    app.coursedir.db_url = (
        f"sqlite:///{os.path.join(workspace, 'gradebook.db')}?timeout={GRADEBOOK_WAIT}"
    )
    app.config.Autograde.autograde_preprocessors = _preprocessors()
    default_timeout = app.config.Execute.get("timeout", 30)
    api = NbGraderAPI(coursedir=app.coursedir, parent=app)
    for line in sys.stdin:
        job = json.loads(line)
        channel.write(json.dumps({"start": job["student"]}) + "\n")
        channel.flush()
        config = app.config
        config.Execute.timeout = job.get("cell_timeout") or default_timeout
        api.update_config(config)
        start = time.monotonic()
        result = api.autograde(job["assessment"], job["student"], force=True, create=True)
        answer = {
            "student": job["student"],
            "success": bool(result.get("success")),
            "log": (result.get("log") or "") + (result.get("error") or ""),
            "seconds": time.monotonic() - start,
        }
        channel.write(json.dumps(answer) + "\n")
        channel.flush()


def main(argv: list[str]) -> None:
    """``WORKSPACE FD``: serve jobs for ``WORKSPACE``, answering on file descriptor FD."""
    workspace, descriptor = argv
    channel = os.fdopen(int(descriptor), "w", encoding="utf-8")
    os.chdir(workspace)
    serve(channel, workspace)


if __name__ == "__main__":  # pragma: no cover - started by the autograde module
    main(sys.argv[1:])
