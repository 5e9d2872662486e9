"""One command at a time on a workspace: an exclusive lock, and who holds it.

Two trainers (or two terminals) running commands on the same workspace must never
interleave: two corrections writing the same gradebook, a withdrawal in the middle
of a correction. Every command that writes to a workspace therefore holds its lock:

- the lock is an exclusive ``fcntl.flock`` on ``.cpts-training/verrou``; the kernel
  releases it when the process ends, however it ends (Ctrl+C, crash, ``kill -9``):
  a lock is never left behind;
- its holder writes who it is in ``.cpts-training/verrou.json`` (one JSON object:
  ``action`` in French, ``user``, ``host``, ``pid``, ``since`` in ISO 8601 UTC), so
  that a command that finds the workspace busy says who holds it, doing what, since
  when. A ``verrou.json`` left by a command that was killed is ignored (its lock is
  free) and overwritten by the next holder;
- the lock is re-entrant within a process (and thread): a locked function calling
  another one (``collect_copies`` deposits each copy with ``submit``) does not wait
  for itself.

Default policy: the library's functions **wait** for the lock (indefinitely), so
that two trainers' commands queue up instead of failing. A program can change this
for the calls it makes with :func:`lock_policy` (for instance ``wait=0`` to fail at
once with :class:`WorkspaceBusy`, or ``on_wait`` to tell the user it is waiting).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import fcntl
import functools
import getpass
import inspect
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from cpts_training.errors import CPTSError

LOCK_FOLDER = ".cpts-training"
LOCK_NAME = "verrou"
HOLDER_NAME = "verrou.json"
POLL_SECONDS = 0.2
"""How often a command waiting a limited time tries the lock again (seconds)."""

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class LockHolder:
    """Who holds a workspace's lock: what it does (French), user, host, process id,
    and since when (aware UTC datetime)."""

    action: str
    user: str
    host: str
    pid: int
    since: dt.datetime

    def describe(self) -> str:
        """« correction automatique de evaluation_01 (commande lancée par claire, pid 1234,
        sur poste-3 le 01/12/2026 à 09:12) » (Paris time)."""
        from cpts_training.trainer.deadlines import french_moment

        return (
            f"{self.action} (commande lancée par {self.user}, pid {self.pid}, sur "
            f"{self.host} le {french_moment(self.since)})"
        )


OnWait = Callable[[LockHolder | None], None]
"""Called once when a command starts waiting for the lock, with its holder (``None``
when it cannot be read)."""


class WorkspaceBusy(CPTSError):
    """The workspace's lock is held by another command: who, doing what, since when,
    and what to do (French). ``holder`` is the :class:`LockHolder` (``None`` if unknown);
    ``waited``: the seconds the command agreed to wait (named when not zero)."""

    def __init__(self, workspace: Path, holder: LockHolder | None, waited: float) -> None:
        self.workspace = workspace
        self.holder = holder
        self.waited = waited
        who = holder.describe() if holder else "une autre commande en cours"
        after = f" (après {_seconds(waited)} d'attente)" if waited > 0 else ""
        super().__init__(
            f"L'espace {_shown(workspace)} est occupé{after} : {who}. Attendez la fin de "
            "cette commande, ou, si elle a été arrêtée, relancez : le verrou est libéré "
            "automatiquement à l'arrêt d'une commande."
        )

    def __reduce__(self) -> tuple[type[WorkspaceBusy], tuple[Path, LockHolder | None, float]]:
        """Pickled with its arguments (it may cross from a worker process)."""
        return (type(self), (self.workspace, self.holder, self.waited))


def waiting_message(holder: LockHolder | None) -> str:
    """What a command line prints when it starts waiting: « Espace occupé par
    correction automatique de evaluation_01 (commande lancée par …) : attente de la fin
    de cette commande (Ctrl+C pour abandonner)… »."""
    who = holder.describe() if holder else "une autre commande"
    return (
        f"Espace occupé par {who} : attente de la fin de cette commande (Ctrl+C pour abandonner)…"
    )


def _seconds(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} s"


def _shown(workspace: Path) -> str:
    """``workspace`` as a trainer typed it: ``~/promo`` for a folder of the home."""
    try:
        return f"~/{workspace.relative_to(Path.home()).as_posix()}"
    except ValueError:
        return str(workspace)


def _lock_paths(workspace: Path) -> tuple[Path, Path]:
    folder = workspace / LOCK_FOLDER
    return folder / LOCK_NAME, folder / HOLDER_NAME


def _read_holder(path: Path) -> LockHolder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        since = dt.datetime.fromisoformat(data["since"])
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return LockHolder(
            str(data["action"]), str(data["user"]), str(data["host"]), int(data["pid"]), since
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_holder(path: Path, action: str) -> None:
    holder = LockHolder(
        action=action,
        user=_user(),
        host=socket.gethostname(),
        pid=os.getpid(),
        since=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
    record = asdict(holder) | {"since": holder.since.isoformat()}
    scratch = path.with_name(f"{path.name}.{os.getpid()}")
    scratch.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(scratch, path)  # readers never see half a record


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return f"uid {os.getuid()}"


def _is_free(lock_file: Path) -> bool:
    """Whether nobody holds the flock of ``lock_file`` (tried on a new descriptor, so
    this process's own lock counts as held)."""
    try:
        descriptor = os.open(lock_file, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    finally:
        os.close(descriptor)


def lock_holder(workspace: Path) -> LockHolder | None:
    """Who holds ``workspace``'s lock now, or ``None`` when it is free.

    A holder record left by a command that was killed (its lock is free) gives
    ``None``. While a command has just taken the lock and not yet written its record,
    the previous record may be returned.
    """
    lock_file, holder_file = _lock_paths(Path(workspace).expanduser().resolve())
    if _is_free(lock_file):
        return None
    return _read_holder(holder_file)


@dataclass
class _Held:
    """This process's hold on one workspace: its descriptor and nesting depth."""

    guard: threading.RLock
    descriptor: int = -1
    depth: int = 0


_HELD: dict[Path, _Held] = {}
_HELD_GUARD = threading.Lock()


def _held(workspace: Path) -> _Held:
    with _HELD_GUARD:
        return _HELD.setdefault(workspace, _Held(threading.RLock()))


@contextmanager
def workspace_lock(
    workspace: Path,
    action: str,
    wait: float | None = None,
    on_wait: OnWait | None = None,
) -> Iterator[None]:
    """Hold ``workspace``'s exclusive lock for the ``with`` block, doing ``action``
    (French, e.g. « correction automatique de evaluation_01 »: shown to whoever finds
    the workspace busy).

    ``wait``: ``None`` waits as long as needed (``on_wait`` is called once, with the
    holder, when the wait starts; nothing is printed here); ``0`` fails at once; a
    number of seconds tries again every :data:`POLL_SECONDS` up to that delay.
    Re-entrant: a nested lock on the same workspace in the same thread is taken at
    once (the outer action stays the one shown).

    Raises:
        CPTSError: ``workspace`` is not a workspace (nothing is created then).
        WorkspaceBusy: the lock is still held by another command after ``wait``.
    """
    from cpts_training.trainer.workspace import require_workspace

    root = require_workspace(workspace)
    held = _held(root)
    started = time.monotonic()
    on_wait = _once(on_wait)
    if not _acquire_guard(held.guard, root, wait, on_wait):
        raise WorkspaceBusy(root, lock_holder(root), wait or 0.0)
    try:
        if held.depth == 0:
            elapsed = time.monotonic() - started
            remaining = None if wait is None else max(wait - elapsed, 0.0)
            held.descriptor = _take_flock(root, action, remaining, on_wait, wait or 0.0)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0:
                _release_flock(root, held.descriptor)
                held.descriptor = -1
    finally:
        held.guard.release()


def _once(on_wait: OnWait | None) -> OnWait | None:
    """``on_wait`` called at most once (a command may wait for a thread, then a process)."""
    if on_wait is None:
        return None
    called = False

    def notify(holder: LockHolder | None) -> None:
        nonlocal called
        if not called:
            called = True
            on_wait(holder)

    return notify


def _acquire_guard(
    guard: threading.RLock, root: Path, wait: float | None, on_wait: OnWait | None
) -> bool:
    """Take the in-process guard (another thread of this process may hold the lock)."""
    if guard.acquire(blocking=False):
        return True
    if wait is not None:
        return guard.acquire(timeout=wait) if wait > 0 else False
    if on_wait is not None:
        on_wait(lock_holder(root))
    return guard.acquire()


def _take_flock(
    root: Path, action: str, wait: float | None, on_wait: OnWait | None, asked: float
) -> int:
    lock_file, holder_file = _lock_paths(root)
    lock_file.parent.mkdir(exist_ok=True)
    # flock needs no write access: another trainer's lock file may be read-only for us.
    descriptor = os.open(lock_file, os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        _flock(descriptor, root, wait, on_wait, asked)
        _write_holder(holder_file, action)
    except BaseException:
        os.close(descriptor)  # also releases a flock taken before the failure
        raise
    return descriptor


def _flock(
    descriptor: int, root: Path, wait: float | None, on_wait: OnWait | None, asked: float
) -> None:
    """Take the flock of ``descriptor``, waiting ``wait`` seconds at most (``None``: as
    long as needed); ``asked`` is the caller's whole wait, for the message."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if wait is None:
        if on_wait is not None:
            on_wait(_read_holder(_lock_paths(root)[1]))
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # Ctrl+C interrupts the wait
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            continue
    raise WorkspaceBusy(root, _read_holder(_lock_paths(root)[1]), asked)


def _release_flock(root: Path, descriptor: int) -> None:
    _, holder_file = _lock_paths(root)
    try:
        holder_file.unlink(missing_ok=True)
    finally:
        os.close(descriptor)  # closing the only descriptor releases the flock


@dataclass(frozen=True)
class _Policy:
    wait: float | None = None
    on_wait: OnWait | None = None


_POLICY: contextvars.ContextVar[_Policy | None] = contextvars.ContextVar(
    "cpts_training_lock_policy", default=None
)


@contextmanager
def lock_policy(wait: float | None = None, on_wait: OnWait | None = None) -> Iterator[None]:
    """How the library's functions wait for a busy workspace, within the ``with`` block.

    Default (outside any ``lock_policy``): wait indefinitely, silently. A command line
    passes ``on_wait`` to print :func:`waiting_message`; ``wait=0`` makes a busy
    workspace fail at once with :class:`WorkspaceBusy`.
    """
    token = _POLICY.set(_Policy(wait, on_wait))
    try:
        yield
    finally:
        _POLICY.reset(token)


def locked(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function whose first parameter is a workspace so that it runs under
    :func:`workspace_lock`, with the current :func:`lock_policy`.

    ``action`` is a French template formatted with the call's arguments by name, e.g.
    ``@locked("publication de {assessment}")``.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        first = next(iter(signature.parameters))

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            policy = _POLICY.get() or _Policy()
            workspace = Path(bound.arguments[first])
            with workspace_lock(
                workspace, action.format(**bound.arguments), policy.wait, policy.on_wait
            ):
                return function(*args, **kwargs)

        return wrapper

    return decorate
