"""Accessibility (2SFCA on PySAL access) and densities, checked against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from access import weights as access_weights  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_training.errors import InputError
from cpts_training.reference import load_parameter
from cpts_training.territory.accessibility import (
    OUTPUT_COLUMNS,
    StepDecay,
    accessibility,
    default_age_weights,
    default_decay,
    standardised_demand,
    zip_threshold_fte,
)
from cpts_training.territory.density import (
    TERRITORY_LABEL,
    compare_to_reference,
    density,
    reference_densities,
    share_aged_60_plus,
)

CODES = ["A", "B", "C", "D"]
AGE_WEIGHTS = {"jeunes": 1.0, "ages": 2.0}
STEPS = {10: 1.0, 20: 0.5}  # weight 1 up to 10 min, 0.5 up to 20 min, 0 beyond

# Travel times (minutes, symmetric): A-B 8, A-C 15, A-D 25, B-C 12, B-D 18, C-D 30.
MINUTES = [
    [0, 8, 15, 25],
    [8, 0, 12, 18],
    [15, 12, 0, 30],
    [25, 18, 30, 0],
]


def toy_demand() -> pd.DataFrame:
    # Standardised demand P = jeunes × 1 + âgés × 2:
    # A 800 + 2×100 = 1000 ; B 1500 + 2×250 = 2000 ; C 300 + 2×100 = 500 ; D 200 + 2×150 = 500
    return pd.DataFrame(
        {"code_commune": CODES, "jeunes": [800, 1500, 300, 200], "ages": [100, 250, 100, 150]}
    )


def toy_supply() -> pd.DataFrame:
    # 3 GP FTE in A, 1 in C, none in D (B has no row: no supply).
    return pd.DataFrame({"code_commune": ["A", "C", "D"], "offre": [3.0, 1.0, 0.0]})


def toy_times() -> pd.DataFrame:
    return pd.DataFrame(MINUTES, index=CODES, columns=CODES, dtype=float)


def toy(**kwargs: object) -> pd.DataFrame:
    args: dict = {"decay": STEPS, "weights": AGE_WEIGHTS} | kwargs
    return accessibility(toy_supply(), toy_demand(), toy_times(), **args)


# --- the toy territory, by hand ---------------------------------------------------------


def test_toy_territory_by_hand() -> None:
    result = toy()
    assert list(result.columns) == list(OUTPUT_COLUMNS)
    assert list(result["code_commune"]) == CODES
    assert list(result["demande_standardisee"]) == [1000, 2000, 500, 500]
    # Weights w(t): A-B 8 min → 1 ; A-C 15 → 0.5 ; B-C 12 → 0.5 ; B-D 18 → 0.5 ;
    # A-D 25 and C-D 30 are beyond 20 min → 0 ; each commune to itself (0 min) → 1.
    # Step 1, weighted demand reaching each provider and its ratio R_j = S_j / Σ_i w·P_i:
    #   A: 1×1000 (A) + 1×2000 (B) + 0.5×500 (C) + 0×500 (D) = 3250 → R_A = 3 / 3250
    #   C: 0.5×1000 (A) + 0.5×2000 (B) + 1×500 (C) + 0×500 (D) = 2000 → R_C = 1 / 2000
    # Step 2, A_i = Σ_j w(t_ij)·R_j, per 100 000 standardised inhabitants:
    #   A: 1×3/3250 + 0.5×1/2000 = 0.000923077 + 0.00025 → 117.3077
    #   B: 1×3/3250 + 0.5×1/2000 (B-A 8 min, B-C 12 min)   → 117.3077
    #   C: 0.5×3/3250 + 1×1/2000 = 0.000461538 + 0.0005  → 96.1538
    #   D: A at 25 min and C at 30 min are out of reach   → 0
    assert result["accessibilite"].tolist() == pytest.approx(
        [117.3077, 117.3077, 96.1538, 0.0], abs=1e-4
    )
    # Default threshold 2.5 × 100 000 / 5 400 = 46.30 FTE per 100 000: only D is under it.
    assert result["sous_seuil"].tolist() == [False, False, False, True]
    assert result["offre_non_attribuee"].tolist() == [0, 0, 0, 0]
    # Supply preserved: Σ_i A_i/100 000 × P_i
    #   = 1.173077×1 + 1.173077×2 + 0.961538×0.5 + 0 = 1.173077 + 2.346154 + 0.480769 = 4 FTE
    total = (result["accessibilite"] / 100_000 * result["demande_standardisee"]).sum()
    assert total == pytest.approx(4.0)


def test_threshold_and_per_are_in_the_unit_of_the_supply() -> None:
    # threshold 100: A and B (117.3) are above, C (96.2) and D (0) under.
    assert toy(threshold=100)["sous_seuil"].tolist() == [False, False, True, True]
    # per 10 000: the values of the toy divided by 10 (117.3077 / 10 = 11.73077).
    assert toy(per=10_000)["accessibilite"].iloc[0] == pytest.approx(11.73077, abs=1e-5)


def test_catchment_cuts_the_pairs_beyond_it() -> None:
    # Catchment 10 min: only A-B (8 min) is kept besides the diagonal.
    #   R_A = 3 / (1000 + 2000) = 0.001 ; R_C = 1 / 500 = 0.002
    #   A: 0.001 → 100 ; B: 0.001 → 100 ; C: 0.002 → 200 ; D: 0
    result = toy(catchment_min=10)
    assert result["accessibilite"].tolist() == pytest.approx([100, 100, 200, 0])


def test_supply_without_demand_in_reach_is_reported_not_lost() -> None:
    demand = toy_demand()
    demand.loc[3, ["jeunes", "ages"]] = 0  # D empty
    supply = pd.DataFrame({"code_commune": ["A", "D"], "offre": [3.0, 2.0]})
    result = accessibility(supply, demand, toy_times(), decay=STEPS, weights=AGE_WEIGHTS)
    # D has no inhabitants, but B (18 min, weight 0.5) reaches it:
    #   weighted demand at D = 0.5 × 2000 = 1000 > 0, so R_D = 2 / 1000 ; R_A = 3 / 3250.
    #   B: 1×3/3250 + 0.5×2/1000 = 0.000923077 + 0.001 → 192.3077
    assert result["accessibilite"].iloc[1] == pytest.approx(192.3077, abs=1e-4)
    assert result["offre_non_attribuee"].sum() == 0
    # With D out of everybody's reach (60 min from B), its 2 FTE serve no one.
    times = toy_times()
    times.loc["B", "D"] = times.loc["D", "B"] = 60
    result = accessibility(supply, demand, times, decay=STEPS, weights=AGE_WEIGHTS)
    assert result["offre_non_attribuee"].tolist() == [0, 0, 0, 2]
    assert np.isfinite(result["accessibilite"]).all()


def test_default_parameters() -> None:
    # Post-2015 decay: 1 up to 10 min, 0.6667 up to 15, 0.3333 up to 20 (verified: false).
    assert default_decay() == {10: 1, 15: 0.6667, 20: 0.3333}
    assert default_decay("2013-01-01") == {5: 1, 10: 0.3, 15: 0.1}
    assert not load_parameter("territoire/apl_poids_distance").verified_at("2020-01-01")
    assert load_parameter("territoire/apl_poids_distance").verified_at("2013-01-01")
    assert default_age_weights()["pop_75_plus"] == 1.8
    assert not load_parameter("territoire/poids_consommation_age").verified
    assert load_parameter("territoire/seuil_apl_zip").value_at("2020-01-01") == 2.5
    # 2.5 consultations × 100 000 / 5 400 consultations per FTE = 46.296 FTE per 100 000
    assert zip_threshold_fte() == pytest.approx(46.296, abs=1e-3)


def test_default_decay_and_age_weights() -> None:
    bands = list(default_age_weights())
    demand = pd.DataFrame({"code_commune": ["X", "Y"]} | {b: [1000, 0] for b in bands})
    demand.loc[1, "pop_0_14"] = 2000
    # P_X = 1000 × (0.9 + 0.7 + 0.8 + 1.0 + 1.3 + 1.8) = 6500 ; P_Y = 2000 × 0.9 = 1800
    times = pd.DataFrame([[0, 12], [12, 0]], index=["X", "Y"], columns=["X", "Y"])
    supply = pd.DataFrame({"code_commune": ["X"], "offre": [1.0]})
    result = accessibility(supply, demand, times)
    assert result["demande_standardisee"].tolist() == pytest.approx([6500, 1800])
    # 12 min → weight 0.6667. R_X = 1 / (6500 + 0.6667 × 1800) = 1 / 7700.06
    #   X: 1e5 / 7700.06 = 12.9869 ; Y: 0.6667 × 1e5 / 7700.06 = 8.6584
    assert result["accessibilite"].tolist() == pytest.approx([12.9869, 8.6584], abs=1e-4)


def test_unreachable_cells_and_callable_decay() -> None:
    times = toy_times()
    times.loc["A", "B"] = np.nan  # unreachable from A to B: no weight on that pair
    # Flat decay 1 within 20 min (plain 2SFCA). Pairs kept: A-C 15, B-A 8, B-C 12, B-D 18.
    #   R_A = 3 / (1000 + 2000 (B→A) + 500 (C→A)) = 3 / 3500
    #   R_C = 1 / (1000 + 2000 + 500) = 1 / 3500 ; D has no supply
    #   A: R_A + R_C (A→B missing) = 4 / 3500 → 114.2857 ; D: nothing within 20 min → 0
    result = accessibility(
        toy_supply(), toy_demand(), times, decay=lambda t: 1.0, weights=AGE_WEIGHTS
    )
    assert result["accessibilite"].iloc[0] == pytest.approx(114.2857, abs=1e-4)
    assert result["accessibilite"].iloc[3] == 0


# --- bad input ----------------------------------------------------------------------------


def test_standardised_demand_negative_population() -> None:
    demand = toy_demand()
    demand.loc[2, "ages"] = -5
    with pytest.raises(InputError, match=r"« -5 ».*« ages ».*« C »"):
        standardised_demand(demand, AGE_WEIGHTS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s, d, t: (s, d.drop(columns="ages"), t), r"colonne\(s\) manquante\(s\) : ages"),
        (lambda s, d, t: (s.drop(columns="offre"), d, t), r"manquante\(s\) : offre"),
        (lambda s, d, t: (s, pd.concat([d, d.iloc[[1]]]), t), r"« B » apparaît plusieurs fois"),
        (lambda s, d, t: (pd.concat([s, s.iloc[[0]]]), d, t), r"« A » apparaît plusieurs fois"),
        (
            lambda s, d, t: (s.assign(code_commune=["A", "Z", "D"]), d, t),
            r"offre : la commune « Z » n'est pas",
        ),
        (lambda s, d, t: (s, d, t.iloc[:, :3]), r"pas carrée \(4 lignes, 3 colonnes\)"),
        (lambda s, d, t: (s, d, t.iloc[:3, :3]), r"la commune « D » manque"),
        (lambda s, d, t: (s, d, t.rename(index={"D": "Z"}, columns={"D": "Z"})), r"« Z »"),
        (lambda s, d, t: (s, d, t.rename(index={"D": "A"})), r"« A » apparaît plusieurs fois"),
        (lambda s, d, t: (s, d, t.replace(30, -1)), r"« C » à « D » vaut -1"),
        (lambda s, d, t: (s.assign(offre=[3, -1, 0]), d, t), r"« -1 ».*« offre ».*« C »"),
        (lambda s, d, t: (s, d, "matrice"), r"DataFrame\) carré"),
        (
            lambda s, d, t: (s, d, t.astype(object).replace(8.0, "huit")),
            "n'est pas un nombre de minutes",
        ),
    ],
)
def test_bad_input_french_error(change, message) -> None:
    supply, demand, times = change(toy_supply(), toy_demand(), toy_times())
    with pytest.raises(InputError, match=message):
        accessibility(supply, demand, times, decay=STEPS, weights=AGE_WEIGHTS)


def test_bad_decay_and_catchment() -> None:
    with pytest.raises(InputError, match="poids -1"):
        toy(decay={10: -1})
    with pytest.raises(InputError, match="poids négatif"):
        toy(decay=lambda t: -1.0)
    with pytest.raises(InputError, match="Zone de recours"):
        toy(catchment_min=0)


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(st.integers(1, 40), st.floats(0, 1), min_size=1, max_size=4),
    st.lists(st.floats(0, 60) | st.integers(0, 60), min_size=1, max_size=20),
)
def test_step_decay_is_pysal_step_fn(steps, minutes) -> None:
    reference = access_weights.step_fn(steps)
    ours = StepDecay(steps)
    expected = [reference(t) for t in minutes]
    assert [ours(t) for t in minutes] == expected
    assert ours.many(np.array(minutes, dtype=float)).tolist() == expected


@st.composite
def territories(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(1, 6))
    codes = [f"c{i}" for i in range(n)]
    people = draw(st.lists(st.integers(0, 5000), min_size=n, max_size=n))
    elders = draw(st.lists(st.integers(0, 2000), min_size=n, max_size=n))
    offer = draw(st.lists(st.floats(0, 20), min_size=n, max_size=n))
    cells = draw(st.lists(st.integers(1, 40), min_size=n * n, max_size=n * n))
    minutes = np.array(cells, dtype=float).reshape(n, n)
    np.fill_diagonal(minutes, 0)
    demand = pd.DataFrame({"code_commune": codes, "jeunes": people, "ages": elders})
    supply = pd.DataFrame({"code_commune": codes, "offre": offer})
    return supply, demand, pd.DataFrame(minutes, index=codes, columns=codes)


def run(supply: pd.DataFrame, demand: pd.DataFrame, times: pd.DataFrame) -> pd.DataFrame:
    return accessibility(supply, demand, times, decay=STEPS, weights=AGE_WEIGHTS)


@settings(max_examples=20, deadline=None)
@given(territories())
def test_accessibility_is_finite_and_non_negative(territory) -> None:
    result = run(*territory)
    assert np.isfinite(result["accessibilite"]).all()
    assert (result["accessibilite"] >= 0).all()


@settings(max_examples=25, deadline=None)
@given(territories())
def test_no_supply_no_accessibility(territory) -> None:
    supply, demand, times = territory
    result = run(supply.assign(offre=0.0), demand, times)
    assert (result["accessibilite"] == 0).all()


@settings(max_examples=20, deadline=None)
@given(territories(), st.randoms(use_true_random=False))
def test_independent_of_row_order(territory, rnd) -> None:
    supply, demand, times = territory
    order = list(times.index)
    rnd.shuffle(order)
    shuffled = run(
        supply.sample(frac=1, random_state=1),
        demand.set_index("code_commune").loc[order].reset_index(),
        times.loc[order, order[::-1]],
    )
    expected = run(supply, demand, times).set_index("code_commune")
    got = shuffled.set_index("code_commune").loc[expected.index]
    assert np.allclose(got["accessibilite"], expected["accessibilite"])


@settings(max_examples=20, deadline=None)
@given(territories())
def test_total_supply_preserved(territory) -> None:
    # Σ_i A_i × P_i = Σ_i Σ_j w_ij R_j P_i = Σ_j R_j × (Σ_i w_ij P_i) = Σ_j S_j for every
    # provider with demand in reach; the others are in offre_non_attribuee.
    supply, demand, times = territory
    result = run(supply, demand, times)
    served = (result["accessibilite"] / 100_000 * result["demande_standardisee"]).sum()
    assert served + result["offre_non_attribuee"].sum() == pytest.approx(
        supply["offre"].sum(), rel=1e-9, abs=1e-9
    )


# --- densities ------------------------------------------------------------------------------


def counts_and_population() -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = pd.DataFrame(
        {"code_commune": ["A", "B"], "medecins_generalistes": [3, 1], "infirmiers": [5, 2]}
    )
    population = pd.DataFrame({"code_commune": ["A", "B", "C"], "population": [2000, 3000, 0]})
    return counts, population


def test_density_by_hand() -> None:
    result = density(*counts_and_population())
    # A: 3 / 2000 × 10 000 = 15 GP, 5 / 2000 × 10 000 = 25 nurses
    # B: 1 / 3000 × 10 000 = 3.3333, 2 / 3000 × 10 000 = 6.6667
    # C: no inhabitants → NaN ; territory: 4 / 5000 × 10 000 = 8 GP, 7 / 5000 × 10 000 = 14
    assert list(result.index) == ["A", "B", "C", TERRITORY_LABEL]
    assert result.loc["A"].tolist() == [15, 25]
    assert result.loc["B"].tolist() == pytest.approx([3.3333, 6.6667], abs=1e-4)
    assert result.loc["C"].isna().all()
    assert result.loc[TERRITORY_LABEL].tolist() == [8, 14]
    # per 100 000: 4 / 5000 × 100 000 = 80
    assert density(*counts_and_population(), per=100_000).loc[TERRITORY_LABEL].iloc[0] == 80


def test_compare_to_reference() -> None:
    result = compare_to_reference(*counts_and_population())
    # France 2022: 149 GPs per 100 000 = 14.9 per 10 000 (parameter, verified)
    # gap 8 − 14.9 = −6.9 ; ratio 8 / 14.9 = 0.5369
    assert result["profession"].tolist() == ["medecins_generalistes"]
    row = result.iloc[0]
    assert row["densite_territoire"] == 8
    assert row["densite_reference"] == 14.9
    assert row["ecart"] == pytest.approx(-6.9)
    assert row["rapport"] == pytest.approx(0.5369, abs=1e-4)
    assert bool(row["verifie"])
    assert "PQE" in row["source"]
    # Occitanie 2023: 350 doctors per 100 000 = 35 per 10 000 (all doctors)
    occitanie = reference_densities("occitanie", per=100_000)
    assert occitanie.set_index("profession")["densite_reference"].to_dict() == {"medecins": 350}
    with pytest.raises(InputError, match="Aucune profession"):
        compare_to_reference(*counts_and_population(), area="occitanie")
    with pytest.raises(InputError, match="Référence « lune » inconnue"):
        reference_densities("lune")


def test_density_bad_input() -> None:
    counts, population = counts_and_population()
    with pytest.raises(InputError, match=r"« -3 ».*« population ».*« C »"):
        density(counts, population.assign(population=[2000, 3000, -3]))
    with pytest.raises(InputError, match=r"« Z » n'est pas dans le tableau de la population"):
        density(counts.assign(code_commune=["A", "Z"]), population)
    with pytest.raises(InputError, match=r"« A » apparaît plusieurs fois"):
        density(counts.assign(code_commune=["A", "A"]), population)
    with pytest.raises(InputError, match=r"manquante\(s\) : population"):
        density(counts, population.drop(columns="population"))
    with pytest.raises(InputError, match="aucun habitant"):
        density(counts, population.assign(population=0))


def test_share_aged_60_plus() -> None:
    # 60 and 67 out of 45, 60, 67, 59 → 2 / 4 = 0.5
    assert share_aged_60_plus(pd.DataFrame({"age": [45, 60, 67, 59]})) == 0.5
    with pytest.raises(InputError, match="vide"):
        share_aged_60_plus(pd.DataFrame({"age": []}))
    with pytest.raises(InputError, match=r"« -2 » \(ligne 2\)"):
        share_aged_60_plus(pd.DataFrame({"age": [50, -2]}))
    with pytest.raises(InputError, match=r"manquante\(s\) : age"):
        share_aged_60_plus(pd.DataFrame({"annee": [1960]}))
