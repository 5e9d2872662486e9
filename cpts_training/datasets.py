"""Former path of :mod:`cpts_training.territory.case_study`.

Kept so that notebooks already handed out keep working.
"""

from cpts_training.territory.case_study import *  # noqa: F403
