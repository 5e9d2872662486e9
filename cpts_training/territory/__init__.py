"""The territory domain: the communes a CPTS covers, their population and its ACI size.

The model API only (no ipywidgets): the case-study loader (:mod:`.case_study`), the
presentation tables and chart (:mod:`.presentation`) and the ACI size on a date
(:mod:`.size`), and every real commune of France with its population, to describe a
trainee's own territory (:mod:`.france`). Forms live in :mod:`.widgets`, learner
self-checks in :mod:`.checks`.
"""

from cpts_training.territory.case_study import (
    COMMUNE_COLUMNS,
    STATUTS,
    Territory,
    load_communes,
    load_metadata,
    load_territory,
    validate_communes,
)
from cpts_training.territory.france import (
    RealTerritory,
    describe_territory,
    france_source,
    load_france_communes,
    population_in_force,
    search_communes,
)
from cpts_training.territory.presentation import (
    TOTAL_LABEL,
    TerritoryPresentation,
    age_band_frame,
    age_band_table,
    population_chart,
    presentation,
)
from cpts_training.territory.size import population_date, size_thresholds

__all__ = [
    "COMMUNE_COLUMNS",
    "RealTerritory",
    "STATUTS",
    "TOTAL_LABEL",
    "Territory",
    "TerritoryPresentation",
    "age_band_frame",
    "age_band_table",
    "describe_territory",
    "france_source",
    "load_communes",
    "load_france_communes",
    "load_metadata",
    "load_territory",
    "population_chart",
    "population_date",
    "population_in_force",
    "presentation",
    "search_communes",
    "size_thresholds",
    "validate_communes",
]
