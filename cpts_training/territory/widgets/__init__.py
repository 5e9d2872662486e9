"""Forms over the territory domain, for trainees who do not program.

- :class:`CommuneExplorer` and :func:`aci_size_quiz` (module 00): a commune's card and the
  ACI size question.

Every figure comes from :mod:`cpts_training.territory`; the forms read their controls,
call the domain and show what it returns, in French, never a traceback.
"""

from cpts_training.territory.widgets._forms import (
    CommuneExplorer,
    aci_size_options,
    aci_size_quiz,
    commune_card,
)

__all__ = ["CommuneExplorer", "aci_size_options", "aci_size_quiz", "commune_card"]
