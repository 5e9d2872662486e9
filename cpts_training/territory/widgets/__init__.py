"""Forms over the territory domain, for trainees who do not program.

- :class:`CommuneExplorer` and :func:`aci_size_quiz` (module 00): a commune's card and the
  ACI size question;
- :class:`TerritoryExplorer` (module 02): communes, indicator and profession chosen, the
  table, the map and a bar chart updated together; the accessibility threshold is the
  trainee's choice;
- :class:`MyTerritory` (module 02): the trainee's own communes (INSEE codes, names or an
  EPCI) described with their real populations and ACI size, their counts of professionals
  and partners, and the diagnostic exported as DOCX and HTML.

Every figure comes from :mod:`cpts_training.territory`; the forms read their controls,
call the domain and show what it returns, in French, never a traceback.
"""

from cpts_training.territory.widgets._forms import (
    CommuneExplorer,
    aci_size_options,
    aci_size_quiz,
    commune_card,
)
from cpts_training.territory.widgets.explorer import TerritoryExplorer
from cpts_training.territory.widgets.my_territory import MyTerritory

__all__ = [
    "CommuneExplorer",
    "MyTerritory",
    "TerritoryExplorer",
    "aci_size_options",
    "aci_size_quiz",
    "commune_card",
]
