"""Former path of :mod:`cpts_training.budget.widgets`.

Kept so that notebooks already handed out keep working.
"""

from cpts_training.budget.widgets import *  # noqa: F403
