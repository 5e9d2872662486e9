"""Self-checks for trainees: each answers in French with what is right, what is wrong, a hint.

A check never raises on a trainee's answer: an empty, placeholder (``...``) or
non-numeric answer gets a French explanation instead of a traceback.
"""

from cpts_training.checks.core import (
    CheckResult,
    as_number,
    check_choice,
    check_number,
    missing_answer,
)
from cpts_training.checks.territory import check_aci_size, check_share_75_plus

__all__ = [
    "CheckResult",
    "as_number",
    "check_aci_size",
    "check_choice",
    "check_number",
    "check_share_75_plus",
    "missing_answer",
]
