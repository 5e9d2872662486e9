"""Self-checks for trainees: each answers in French with what is right, what is wrong, a hint.

A check never raises on a trainee's answer: an empty, placeholder (``...``) or
non-numeric answer gets a French explanation instead of a traceback. This package holds
the shared, domain-free pieces; each domain's self-checks live in
``cpts_training/<domain>/checks.py``.
"""

from typing import Any

from cpts_training.checks.core import (
    CheckResult,
    as_number,
    check_choice,
    check_number,
    missing_answer,
)

_FORMER_NAMES = {"check_aci_size": "territory", "check_share_75_plus": "territory"}
"""Domain checks once exported here, kept for notebooks already handed out."""


def __getattr__(name: str) -> Any:
    if name in _FORMER_NAMES:
        from importlib import import_module

        return getattr(import_module(f"cpts_training.{_FORMER_NAMES[name]}.checks"), name)
    raise AttributeError(f"module 'cpts_training.checks' has no attribute {name!r}")


__all__ = [
    "CheckResult",
    "as_number",
    "check_choice",
    "check_number",
    "missing_answer",
]
