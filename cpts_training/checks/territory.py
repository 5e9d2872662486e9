"""Former path of :mod:`cpts_training.territory.checks`. Kept so that notebooks already handed
out keep working."""

from cpts_training.territory.checks import *  # noqa: F403
from cpts_training.territory.size import population_date, size_thresholds  # noqa: F401
