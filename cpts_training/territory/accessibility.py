"""Potential accessibility to primary care per commune: a two-step floating catchment area.

:func:`accessibility` computes, for each commune, the supply of care (GP full-time
equivalents, a head count or consultations) that its inhabitants can reach, in the manner
of the DREES « accessibilité potentielle localisée » (APL). It **approximates** the APL: it
is built on the same method (an enhanced two-step floating catchment area, E2SFCA, with
distance-decay weights and age-standardised demand) but not on the same data (see the
function's docstring).

The two steps run in PySAL ``access`` (``access.Access.two_stage_fca`` with a weight
function: :class:`StepDecay`, the step function of ``access.weights.step_fn`` with its
bounds sorted once); this module validates the inputs, keeps only the
pairs of communes within the catchment (a sparse list instead of the whole matrix),
standardises the demand and reads the parameters (``territoire/*``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from cpts_training.errors import InputError
from cpts_training.reference import Parameter, load_parameter
from cpts_training.validation import require_frame

COMMUNE = "code_commune"
"""Column naming the commune in every input table (the INSEE code in the case study)."""

SUPPLY = "offre"
"""Column of the supply table: ETP, head count or consultations per commune."""

DECAY_PARAMETER = "territoire/apl_poids_distance"
AGE_WEIGHTS_PARAMETER = "territoire/poids_consommation_age"
ZIP_THRESHOLD_PARAMETER = "territoire/seuil_apl_zip"
CONSULTATIONS_PER_FTE_PARAMETER = "territoire/consultations_par_etp_mg"

OUTPUT_COLUMNS: tuple[str, ...] = (
    COMMUNE,
    "demande_standardisee",
    "accessibilite",
    "sous_seuil",
    "offre_non_attribuee",
)
"""Columns of the table returned by :func:`accessibility`."""

Decay = Mapping[float, float] | Callable[[float], float]


def _latest_value(parameter: Parameter, at: dt.date | str | None) -> Any:
    return parameter.values[-1].value if at is None else parameter.value_at(at)


def default_decay(at: dt.date | str | None = None) -> dict[float, float]:
    """Distance-decay steps ``{upper bound in minutes: weight}`` (parameter
    ``territoire/apl_poids_distance``), on ``at`` or the latest version."""
    value = _latest_value(load_parameter(DECAY_PARAMETER), at)
    return {float(k): float(v) for k, v in value.items()}


def default_age_weights(at: dt.date | str | None = None) -> dict[str, float]:
    """Consumption weight per age-band column (parameter ``territoire/poids_consommation_age``,
    the course's convention, ``verified: false``)."""
    value = _latest_value(load_parameter(AGE_WEIGHTS_PARAMETER), at)
    return {str(k): float(v) for k, v in value.items()}


def zip_threshold_fte(per: float = 100_000, at: dt.date | str | None = None) -> float:
    """The zoning threshold (2,5 consultations a year per inhabitant) in GP FTE per ``per``
    inhabitants, with 1 FTE = 5 400 consultations a year (ARS BFC convention).

    2,5 × 100 000 / 5 400 ≈ 46,3 FTE per 100 000 inhabitants.
    """
    threshold = float(_latest_value(load_parameter(ZIP_THRESHOLD_PARAMETER), at))
    per_fte = float(_latest_value(load_parameter(CONSULTATIONS_PER_FTE_PARAMETER), at))
    return threshold * per / per_fte


# --- validation (French errors; nothing is computed before every check has passed) ---


def _require_unique_communes(codes: pd.Index | pd.Series, name: str) -> None:
    duplicated = pd.Index(codes)[pd.Index(codes).duplicated()]
    if len(duplicated):
        raise InputError(
            f"{name} : la commune « {duplicated[0]} » apparaît plusieurs fois. "
            "Gardez une seule ligne par commune (additionnez les valeurs si besoin)."
        )


def _require_numbers(table: pd.DataFrame, columns: tuple[str, ...], name: str) -> np.ndarray:
    """The columns as a float array, each value a finite number ≥ 0."""
    for column in columns:
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | ~np.isfinite(values) | (values < 0)
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            commune = table[COMMUNE].iloc[position] if COMMUNE in table else position
            raise InputError(
                f"{name} : la valeur « {table[column].iloc[position]} » de la colonne "
                f"« {column} » (commune « {commune} ») n'est pas un nombre positif ou nul. "
                "Corrigez-la : une population, un effectif ou une offre ne peut pas être "
                "négatif ni vide."
            )
    return table[list(columns)].to_numpy(dtype=float)


def _travel_array(travel_times: Any, communes: pd.Index) -> np.ndarray:
    """The matrix as a numeric array ordered like ``communes`` (origin rows, destination
    columns); NaN or infinity means unreachable."""
    if not isinstance(travel_times, pd.DataFrame):
        raise InputError(
            "Matrice des temps de trajet : un tableau (DataFrame) carré est attendu, une "
            "ligne (origine) et une colonne (destination) par commune, en minutes."
        )
    rows, cols = travel_times.index, travel_times.columns
    if len(rows) != len(cols):
        raise InputError(
            f"Matrice des temps de trajet : elle n'est pas carrée ({len(rows)} lignes, "
            f"{len(cols)} colonnes). Il faut une ligne et une colonne par commune."
        )
    _require_unique_communes(rows, "Matrice des temps de trajet (lignes)")
    _require_unique_communes(cols, "Matrice des temps de trajet (colonnes)")
    for axis, labels in (("lignes", rows), ("colonnes", cols)):
        unknown = labels.difference(communes)
        if len(unknown):
            raise InputError(
                f"Matrice des temps de trajet ({axis}) : la commune « {unknown[0]} » "
                "n'est pas dans le tableau de la demande. Ajoutez sa population ou retirez-la "
                "de la matrice."
            )
        absent = communes.difference(labels)
        if len(absent):
            raise InputError(
                f"Matrice des temps de trajet ({axis}) : la commune « {absent[0]} » manque. "
                "La matrice doit couvrir toutes les communes du tableau de la demande."
            )
    in_order = rows.equals(communes) and cols.equals(communes)
    # Already in order: no copy of the matrix (5 000 communes = 25 M cells, 200 MB).
    ordered = travel_times if in_order else travel_times.reindex(index=communes, columns=communes)
    minutes = ordered.to_numpy()
    if minutes.dtype.kind not in "fiu":
        try:
            minutes = minutes.astype(float)
        except (TypeError, ValueError):
            raise InputError(
                "Matrice des temps de trajet : une valeur n'est pas un nombre de minutes. "
                "Écrivez des nombres (laissez vide une commune injoignable)."
            ) from None
    negative = minutes < 0
    if negative.any():
        i, j = np.argwhere(negative)[0]
        raise InputError(
            f"Matrice des temps de trajet : le trajet de « {communes[i]} » à "
            f"« {communes[j]} » vaut {minutes[i, j]} minutes ; un temps de trajet ne peut "
            "pas être négatif."
        )
    return minutes


class StepDecay:
    """Step decay ``{upper bound in minutes (included): weight}``, 0 beyond the last bound.

    The same function as PySAL ``access.weights.step_fn`` (checked in the tests), which
    sorts its steps at every call: on 5 000 communes (about 230 000 pairs, three passes)
    that sort took 1,6 s of 2,5 s, hence this version with the bounds sorted once
    (:func:`bisect.bisect_left`) and a vectorised :meth:`many` for whole arrays.
    """

    def __init__(self, steps: Mapping[float, float]) -> None:
        ordered = sorted((float(k), float(v)) for k, v in steps.items())
        self.bounds = [k for k, _ in ordered]
        self.weights = [v for _, v in ordered]
        self._with_zero = np.array([*self.weights, 0.0])

    def __call__(self, minutes: float) -> float:
        i = bisect.bisect_left(self.bounds, minutes)
        return self.weights[i] if i < len(self.weights) else 0.0

    def many(self, minutes: np.ndarray) -> np.ndarray:
        """Weights of an array of travel times."""
        return self._with_zero[np.searchsorted(self.bounds, minutes, side="left")]


def _decay_function(decay: Decay | None, at: dt.date | str | None) -> Callable[[float], float]:
    if decay is None:
        decay = default_decay(at)
    if callable(decay):
        return decay
    if not isinstance(decay, Mapping) or not decay:
        raise InputError(
            "Décroissance avec la distance : donnez des paliers {minutes: poids}, par exemple "
            "{10: 1, 15: 0.67, 20: 0.33}, ou une fonction du temps de trajet."
        )
    for bound, weight in decay.items():
        if not (isinstance(weight, int | float) and weight >= 0 and math.isfinite(weight)):
            raise InputError(
                f"Décroissance avec la distance : le poids {weight} du palier {bound} minutes "
                "doit être un nombre positif ou nul."
            )
        if not (isinstance(bound, int | float) and math.isfinite(bound)):
            raise InputError(
                f"Décroissance avec la distance : le palier « {bound} » doit être un nombre "
                "de minutes."
            )
    return StepDecay(decay)


def standardised_demand(demand: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Age-standardised demand per commune: Σ over age bands of weight × inhabitants.

    ``demand`` has :data:`COMMUNE` and one column per key of ``weights`` (inhabitants of
    the band). Returns a Series indexed by commune. Raises :class:`InputError` (French) on a
    missing column, a duplicate commune or a negative population.
    """
    if not weights:
        raise InputError("Poids par âge : donnez au moins une tranche d'âge et son poids.")
    for band, weight in weights.items():
        if not (isinstance(weight, int | float) and weight >= 0 and math.isfinite(weight)):
            raise InputError(
                f"Poids par âge : le poids « {weight} » de la tranche « {band} » doit être un "
                "nombre positif ou nul."
            )
    bands = tuple(weights)
    table = require_frame(demand, "Tableau de la demande", (COMMUNE, *bands))
    _require_unique_communes(table[COMMUNE], "Tableau de la demande")
    people = _require_numbers(table, bands, "Tableau de la demande")
    values = people @ np.array([float(weights[b]) for b in bands])
    return pd.Series(values, index=pd.Index(table[COMMUNE], name=COMMUNE), name="demande")


def accessibility(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    travel_times: pd.DataFrame,
    catchment_min: float = 20,
    decay: Decay | None = None,
    weights: Mapping[str, float] | None = None,
    *,
    per: float = 100_000,
    threshold: float | None = None,
    at: dt.date | str | None = None,
) -> pd.DataFrame:
    """Potential accessibility of each commune: a 2SFCA with distance decay (E2SFCA).

    **Inputs.** ``supply``: columns ``code_commune`` and ``offre`` (GP FTE, a head count or
    consultations; a commune without a row has no supply). ``demand``: ``code_commune`` and
    one column per age band of ``weights`` (inhabitants). ``travel_times``: a square table,
    one row (origin, where patients live) and one column (destination, where the providers
    practise) per commune of ``demand``, in car minutes; an empty cell or infinity means
    unreachable.

    **Method.** With ``P_i`` the standardised demand of commune ``i`` (Σ_band weight ×
    inhabitants), ``S_j`` the supply of commune ``j``, ``t_ij`` the travel time and ``w`` the
    decay (0 beyond ``catchment_min``):

    1. for each provider commune ``j``: ``R_j = S_j / Σ_i w(t_ij) · P_i`` (the supply shared
       among the weighted demand of the communes within reach);
    2. for each commune ``i``: ``A_i = Σ_j w(t_ij) · R_j``, reported as
       ``accessibilite = A_i × per``.

    Both steps are PySAL ``access`` (``Access.two_stage_fca`` with ``weight_fn``); only the
    pairs within the catchment are passed to it (a sparse list: about 50 pairs a commune
    instead of 5 000 in a 5 000-commune region). Supply whose catchment holds no demand
    (``Σ_i w·P_i = 0``) serves no one: ``R_j = 0`` and the amount is reported in
    ``offre_non_attribuee`` of that commune, so that nothing is lost silently.

    **Decay.** ``decay`` is ``{upper bound in minutes (included): weight}`` (the step
    function of PySAL ``weights.step_fn``, as :class:`StepDecay`) or any function of
    minutes; by default the parameter
    ``territoire/apl_poids_distance`` (post-2015 version: 1 up to 10 min, 2/3 up to 15,
    1/3 up to 20, 0 beyond; the 20-minute limit is sourced, the weights are
    ``verified: false``). **Age weights**: by default ``territoire/poids_consommation_age``
    (the course's convention, not sourced). ``at`` picks the parameters in force on a date
    (default: their latest version).

    **Output**, one row per commune of ``demand`` in its order: ``demande_standardisee``
    (``P_i``), ``accessibilite`` (supply units per ``per`` standardised inhabitants, e.g.
    GP FTE per 100 000), ``sous_seuil`` (``accessibilite < threshold``) and
    ``offre_non_attribuee``. The default ``threshold`` assumes the supply is in GP FTE:
    the zoning threshold of 2,5 consultations a year per inhabitant (arrêté of 13 Nov 2017)
    at 5 400 consultations per FTE (ARS BFC), i.e. ≈ 46,3 FTE per 100 000
    (:func:`zip_threshold_fte`); pass ``threshold`` in the unit of your supply otherwise
    (supply in consultations a year with ``per=1`` gives the APL's own unit, consultations
    per standardised inhabitant, to compare with ``threshold=2.5``).

    **What this is not.** It approximates the DREES APL (Barlet et al., *Études et
    Résultats* n° 795, 2012; DREES DT n° 124 / IRDES DT n° 51; ER n° 1144, 2020), which
    measures each GP's activity in consultations and visits (SNIIR-AM), converts it into
    FTE, weights demand by the observed consumption of each age group, uses its own decay
    estimated from visit rates and is computed for GPs aged 65 or less; zoning then reads
    it per territoire de vie-santé, not per commune. Here the supply, the weights and the
    decay are whatever you pass or the course's parameters.

    Raises :class:`InputError` (French, naming the commune or column) on a missing column,
    a duplicate or unknown commune, a negative value, a travel-time matrix that is not
    square or does not cover the communes of ``demand``; nothing is returned half-computed.
    """
    if not (isinstance(catchment_min, numbers.Real) and catchment_min > 0):
        raise InputError(
            f"Zone de recours : {catchment_min} minutes ; donnez un temps de trajet positif "
            "(20 minutes pour l'APL)."
        )
    if not (isinstance(per, numbers.Real) and per > 0):
        raise InputError(f"« per » vaut {per} ; donnez un nombre d'habitants positif (100 000).")
    weight_fn = _decay_function(decay, at)
    age_weights = default_age_weights(at) if weights is None else dict(weights)
    demand_std = standardised_demand(demand, age_weights)
    communes = pd.Index(demand_std.index, name=COMMUNE)

    table = require_frame(supply, "Tableau de l'offre", (COMMUNE, SUPPLY))
    _require_unique_communes(table[COMMUNE], "Tableau de l'offre")
    unknown = pd.Index(table[COMMUNE]).difference(communes)
    if len(unknown):
        raise InputError(
            f"Tableau de l'offre : la commune « {unknown[0]} » n'est pas dans le tableau de la "
            "demande ni dans la matrice des temps de trajet. Corrigez son code ou ajoutez-la."
        )
    offer = _require_numbers(table, (SUPPLY,), "Tableau de l'offre")[:, 0]
    supply_by_commune = (
        pd.Series(offer, index=pd.Index(table[COMMUNE])).reindex(communes).fillna(0.0)
    )
    minutes = _travel_array(travel_times, communes)
    if threshold is None:
        threshold = zip_threshold_fte(per, at)

    # Sparse list of the pairs (origin i, destination j) within the catchment.
    with np.errstate(invalid="ignore"):
        origin, dest = np.nonzero(minutes <= catchment_min)
    cost = minutes[origin, dest].astype(float)
    if isinstance(weight_fn, StepDecay):
        pair_weight = weight_fn.many(cost)
    else:
        pair_weight = np.fromiter((weight_fn(t) for t in cost), dtype=float, count=len(cost))
    if not (np.isfinite(pair_weight) & (pair_weight >= 0)).all():
        raise InputError(
            "Décroissance avec la distance : la fonction donne un poids négatif ou non "
            "numérique ; elle doit donner un poids positif ou nul pour chaque temps de trajet."
        )
    p = demand_std.to_numpy()
    s = supply_by_commune.to_numpy()
    # Weighted demand reaching each provider commune j: Σ_i w(t_ij) · P_i.
    reached = np.bincount(dest, weights=pair_weight * p[origin], minlength=len(communes))
    unserved = np.where(reached > 0, 0.0, s)
    served = s - unserved

    result = pd.DataFrame(
        {
            COMMUNE: communes,
            "demande_standardisee": p,
            "accessibilite": 0.0,
            "offre_non_attribuee": unserved,
        }
    )
    if served.any():
        ratio = _two_stage_fca(communes, p, served, origin, dest, cost, weight_fn)
        result["accessibilite"] = ratio * per
    result["sous_seuil"] = result["accessibilite"] < threshold
    return result[list(OUTPUT_COLUMNS)]


def _two_stage_fca(
    communes: pd.Index,
    demand: np.ndarray,
    supply: np.ndarray,
    origin: np.ndarray,
    dest: np.ndarray,
    cost: np.ndarray,
    weight_fn: Callable[[float], float],
) -> np.ndarray:
    """Σ_j w(t_ij) · R_j per commune (in the order of ``communes``), by PySAL ``access``."""
    positions = pd.RangeIndex(len(communes), name="position")
    demand_df = pd.DataFrame({"demande": demand}, index=positions)
    supply_df = pd.DataFrame({"offre": supply}, index=positions)
    cost_df = pd.DataFrame({"origine": origin, "destination": dest, "minutes": cost})
    # Imported here: PySAL access loads geopandas (about a second), which a notebook that
    # only reads the territory should not pay for.
    from access import Access  # type: ignore[import-untyped]

    model = Access(
        demand_df=demand_df,
        demand_value="demande",
        supply_df=supply_df,
        supply_value="offre",
        cost_df=cost_df,
        cost_origin="origine",
        cost_dest="destination",
        cost_name="minutes",
    )
    scores = model.two_stage_fca(name="apl", weight_fn=weight_fn)["apl_offre"]
    values = scores.reindex(positions).fillna(0.0).to_numpy(dtype=float)
    if not np.isfinite(values).all():  # pragma: no cover - guarded by offre_non_attribuee
        raise InputError("Accessibilité : calcul impossible (division par une demande nulle).")
    return values


def overall_accessibility(result: pd.DataFrame) -> float:
    """The territory's accessibility: the communes' mean weighted by their demand.

    ``Σ_i A_i · P_i / Σ_i P_i`` over the rows of ``result`` (the table returned by
    :func:`accessibility`: columns ``accessibilite`` and ``demande_standardisee``), in the
    unit of ``accessibilite`` (e.g. GP per 100 000 standardised inhabitants). Weighting by
    the standardised demand counts each inhabitant once, as a territory-wide figure should:
    a village of 300 inhabitants does not weigh as much as a town of 15 000. The DREES
    publishes the APL per commune and reads it per territoire de vie-santé with the same
    population weighting (ER n° 1144, 2020).

    Raises:
        InputError: a missing column, a negative or non-numeric value, or a total demand
            of zero (no inhabitant: the mean is undefined).
    """
    table = require_frame(
        result, "Tableau d'accessibilité", ("accessibilite", "demande_standardisee")
    )
    values = _require_numbers(
        table, ("accessibilite", "demande_standardisee"), "Tableau d'accessibilité"
    )
    access_values, demand = values[:, 0], values[:, 1]
    total = float(demand.sum())
    if total <= 0:
        raise InputError(
            "Tableau d'accessibilité : la demande totale est nulle (aucun habitant) ; la "
            "moyenne du territoire n'a pas de sens. Vérifiez les populations."
        )
    return float((access_values * demand).sum() / total)
