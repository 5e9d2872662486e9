"""Helpers shared by the tests."""

from __future__ import annotations

import html
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import nbformat


def marked_regions(source: str, begin: str, end: str) -> list[str]:
    """Lines strictly between ``begin`` and ``end`` markers, stripped, non-trivial."""
    lines: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and len(line.strip()) >= 8:
            lines.append(line.strip())
    return lines


def secret_lines(notebook_path: Path) -> dict[str, list[str]]:
    """Solution bodies and hidden-test bodies of an nbgrader source notebook."""
    notebook = nbformat.read(notebook_path, as_version=4)
    solutions: list[str] = []
    hidden: list[str] = []
    for cell in notebook.cells:
        solutions += marked_regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        hidden += marked_regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    return {"solution": solutions, "hidden": hidden}


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str) -> tuple[int, str, dict[str, str]]:
    """GET ``url`` without following redirects: status, body, headers."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, "", dict(error.headers)


@contextmanager
def trainee_lab(directory: Path, log_path: Path | None = None) -> Iterator[str]:
    """Start the README's launch command headless on a free port; yield its base URL."""
    with course_server(["lab", "--directory", str(directory)], log_path) as base:
        yield base


@contextmanager
def course_server(arguments: list[str], log_path: Path | None = None) -> Iterator[str]:
    """Run ``cpts-training ARGUMENTS`` (a JupyterLab command) headless; yield its URL.

    The server's output goes to ``log_path`` when given (kept for diagnosis),
    otherwise to a temporary file.
    """
    port = free_port()
    command = [sys.executable, "-m", "cpts_training", *arguments]
    command += ["--port", str(port), "--no-browser", "--token", ""]
    # The server's log goes to a file: a pipe nobody reads would fill up and block it.
    log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if http_get(f"{base}/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("JupyterLab did not start: " + _tail(log))
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _tail(log: IO[bytes], size: int = 4_000) -> str:
    """The last ``size`` bytes of a log file, decoded."""
    log.flush()
    log.seek(0, os.SEEK_END)
    log.seek(max(0, log.tell() - size))
    return log.read().decode("utf-8", errors="replace")


def log_tail(path: Path, size: int = 6_000) -> str:
    """The last ``size`` characters of a server log written by :func:`course_server`."""
    return path.read_text(encoding="utf-8", errors="replace")[-size:] if path.exists() else ""


def visible_text(page: str) -> str:
    """The text of an HTML page as a reader sees it: tags removed, entities decoded.

    Syntax highlighting splits code into many tags; removing them gives the code
    lines back, so that a leaked line is found whatever the markup around it.
    """
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", page))


def leaked_lines(text: str, lines: list[str]) -> list[str]:
    """The secret ``lines`` (solution or hidden-test bodies) found in ``text``, as they are
    or HTML-escaped."""

    def variants(line: str) -> set[str]:
        return {
            line,
            html.escape(line),
            html.escape(line, quote=False),
            line.replace("'", "&#39;"),
        }

    return [line for line in lines if any(v in text for v in variants(line))]
