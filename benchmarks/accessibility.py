"""Benchmark of territory.accessibility on a synthetic region of 5 000 communes.

A script, not a test: ``python benchmarks/accessibility.py [n_communes]``. Communes are
scattered at random on a square the size of a large French region (about 16 km² a commune,
as in France), car minutes = straight-line km × 1.3 (detours) at 60 km/h; catchment 20
minutes, post-2015 decay parameter, six age bands with the course's weights. It prints the
time of :func:`cpts_training.territory.accessibility.accessibility` (validation included)
and of a straightforward pandas implementation of the same E2SFCA on the same pairs, their
ratio and the largest difference between the two results.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cpts_training.territory.accessibility import (
    accessibility,
    default_age_weights,
    default_decay,
)

CATCHMENT_MIN = 20


def synthetic_territory(n: int, seed: int = 2026) -> tuple[pd.DataFrame, ...]:
    rng = np.random.default_rng(seed)
    side_km = np.sqrt(16.0 * n)
    xy = rng.uniform(0, side_km, size=(n, 2))
    # Square matrix of car minutes, computed row block by row block (float64, 8 × n² bytes).
    minutes = np.empty((n, n))
    for start in range(0, n, 500):
        block = xy[start : start + 500, None, :] - xy[None, :, :]
        minutes[start : start + 500] = np.sqrt((block**2).sum(axis=2)) * 1.3
    codes = [f"{i:05d}" for i in range(n)]
    times = pd.DataFrame(minutes, index=codes, columns=codes, copy=False)
    bands = list(default_age_weights())
    population = rng.lognormal(6.5, 1.2, size=n).round()
    shares = rng.dirichlet(np.ones(len(bands)) * 5, size=n)
    demand = pd.DataFrame({"code_commune": codes}).join(
        pd.DataFrame((population[:, None] * shares).round(), columns=bands)
    )
    has_gp = rng.random(n) < 0.3
    supply = pd.DataFrame(
        {
            "code_commune": np.array(codes)[has_gp],
            "offre": rng.integers(1, 8, size=int(has_gp.sum())).astype(float),
        }
    )
    return supply, demand, times


def pandas_2sfca(supply: pd.DataFrame, demand: pd.DataFrame, times: pd.DataFrame) -> pd.Series:
    """Plain pandas E2SFCA: long table of pairs, merges and group-bys (per 100 000)."""
    steps = default_decay()
    weights = default_age_weights()
    values = times.to_numpy()
    origin, dest = np.nonzero(values <= CATCHMENT_MIN)
    pairs = pd.DataFrame(
        {
            "origine": times.index.to_numpy()[origin],
            "destination": times.columns.to_numpy()[dest],
            "minutes": values[origin, dest],
        }
    )
    bounds = [-np.inf, *sorted(steps)]
    pairs["poids"] = pd.cut(
        pairs["minutes"], bins=bounds, labels=[steps[b] for b in sorted(steps)], ordered=False
    ).astype(float)
    p = (demand.set_index("code_commune")[list(weights)] * pd.Series(weights)).sum(axis=1)
    pairs["demande"] = pairs["origine"].map(p) * pairs["poids"]
    reached = pairs.groupby("destination")["demande"].sum()
    s = supply.set_index("code_commune")["offre"]
    ratio = (s / reached.reindex(s.index)).fillna(0.0)
    pairs["r"] = pairs["destination"].map(ratio).fillna(0.0) * pairs["poids"]
    return pairs.groupby("origine")["r"].sum().reindex(p.index).fillna(0.0) * 100_000


def main(n: int = 5_000) -> None:
    supply, demand, times = synthetic_territory(n)
    origin, _ = np.nonzero(times.to_numpy() <= CATCHMENT_MIN)
    print(
        f"Territoire synthétique : {n} communes, {len(origin)} paires à {CATCHMENT_MIN} min "
        f"ou moins ({len(origin) / n:.1f} par commune), {int(supply['offre'].sum())} ETP."
    )
    start = time.perf_counter()
    ours = accessibility(supply, demand, times, catchment_min=CATCHMENT_MIN)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    plain = pandas_2sfca(supply, demand, times)
    t_pandas = time.perf_counter() - start
    gap = np.abs(ours["accessibilite"].to_numpy() - plain.to_numpy()).max()
    print(f"accessibility (PySAL access) : {t_ours:.2f} s")
    print(f"pandas direct               : {t_pandas:.2f} s")
    print(f"rapport access / pandas     : {t_ours / t_pandas:.2f}")
    print(f"écart maximal entre les deux : {gap:.2e} ETP pour 100 000")
    print(f"communes sous le seuil      : {int(ours['sous_seuil'].sum())}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000)
