"""Former path of :mod:`cpts_training.territory.widgets`.

Kept so that notebooks already handed out keep working.
"""

from cpts_training.territory.widgets import *  # noqa: F403
