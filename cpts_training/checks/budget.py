"""Former path of :mod:`cpts_training.budget.checks`.

Kept so that notebooks already handed out keep working.
"""

from cpts_training.budget.checks import *  # noqa: F403
