"""The territory domain: the communes a CPTS covers, their population and its ACI size.

The model API only (no ipywidgets): the case-study loader (:mod:`.case_study`), the
presentation tables and chart (:mod:`.presentation`) and the ACI size on a date
(:mod:`.size`), and every real commune of France with its population, to describe a
trainee's own territory (:mod:`.france`); densities of professionals against sourced
references (:mod:`.density`) and an accessibility indicator in the manner of the DREES
APL (:mod:`.accessibility`, on PySAL ``access``); the case's professionals, partner
structures, travel times and commune outlines (:mod:`.resources`). The resource map lives
in :mod:`.maps` (imported on demand, as it loads matplotlib). Forms live in :mod:`.widgets`, learner
self-checks in :mod:`.checks`.
"""

from cpts_training.territory.accessibility import (
    StepDecay,
    accessibility,
    default_age_weights,
    default_decay,
    overall_accessibility,
    standardised_demand,
    zip_threshold_fte,
)
from cpts_training.territory.case_study import (
    COMMUNE_COLUMNS,
    STATUTS,
    Territory,
    load_communes,
    load_metadata,
    load_territory,
    validate_communes,
)
from cpts_training.territory.density import (
    compare_to_reference,
    density,
    reference_densities,
    share_aged_60_plus,
)
from cpts_training.territory.diagnostic import (
    DIAGNOSTIC_PROFESSIONS,
    DiagnosticDocument,
    DiagnosticSkeleton,
    diagnostic_document,
    diagnostic_skeleton,
    require_counts,
    require_structures,
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
from cpts_training.territory.resources import (
    PROFESSIONS,
    STRUCTURE_TYPES,
    load_polygons,
    load_professionals,
    load_structures,
    load_travel_times,
)
from cpts_training.territory.size import population_date, size_thresholds

__all__ = [
    "COMMUNE_COLUMNS",
    "DIAGNOSTIC_PROFESSIONS",
    "DiagnosticDocument",
    "DiagnosticSkeleton",
    "PROFESSIONS",
    "RealTerritory",
    "STATUTS",
    "STRUCTURE_TYPES",
    "StepDecay",
    "TOTAL_LABEL",
    "Territory",
    "TerritoryPresentation",
    "accessibility",
    "age_band_frame",
    "age_band_table",
    "compare_to_reference",
    "default_age_weights",
    "default_decay",
    "density",
    "describe_territory",
    "diagnostic_document",
    "diagnostic_skeleton",
    "france_source",
    "load_communes",
    "load_france_communes",
    "load_metadata",
    "load_polygons",
    "load_professionals",
    "load_structures",
    "load_territory",
    "load_travel_times",
    "overall_accessibility",
    "population_chart",
    "population_date",
    "population_in_force",
    "presentation",
    "reference_densities",
    "require_counts",
    "require_structures",
    "search_communes",
    "share_aged_60_plus",
    "size_thresholds",
    "standardised_demand",
    "validate_communes",
    "zip_threshold_fte",
]
