"""Build the invented geography of the fictional « CPTS de la Vallée de l'Aubrenne ».

Everything this script writes is invented for the course: the communes do not exist,
their outlines are drawn from their (invented) centroids, and the travel times follow a
rule, not a road network. Run it from the repository root after changing
``cpts_training/data/territoire/communes.csv``::

    python scripts/build_case_territory.py [OUTPUT_DIR]

It writes, next to ``communes.csv`` (or in ``OUTPUT_DIR``, to compare with the committed
files without touching them; ``tests/test_territory_resources.py`` does so):

``communes.geojson``
    one Polygon per commune: the cell of its centroid in a power diagram (a Voronoi
    diagram weighted by area: the points p where |p - centre|² - POWER_WEIGHT × area / π
    is smallest for this commune), intersected with a disc of radius
    ``DISC_FACTOR × √(superficie_km2 / π)`` around the centroid, so that the outer
    communes end in a rounded edge instead of running to infinity. Cells are computed in
    a local flat projection (km), then written back in WGS 84 degrees with 4 decimals
    (about 10 m). The polygons are convex and their areas only roughly follow
    ``superficie_km2`` (the script prints both).
``temps_trajet.csv``
    the car travel time in minutes between every pair of communes:
    great-circle distance between centroids × ``DETOUR_FACTOR`` ÷ ``SPEED_KMH``,
    rounded to the minute (winding piedmont roads: 1.4 and 40 km/h). Against the
    ``distance_bourg_min`` column of ``communes.csv`` (also invented, written by hand),
    the rule is within 6 minutes for every commune; the script prints the gaps.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpts_training.territory.case_study import (  # noqa: E402
    DEFAULT_TERRITORY_DIR,
    load_communes,
)

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), for the great-circle distance."""

DETOUR_FACTOR = 1.4
"""Road distance ÷ great-circle distance on winding piedmont roads (invented)."""

SPEED_KMH = 40.0
"""Average car speed on those roads, km/h (invented)."""

DISC_FACTOR = 1.35
"""Radius of the disc that bounds a commune's cell, × the radius of a disc of its area."""

POWER_WEIGHT = 1.5
"""Weight of a commune's area in its cell (power diagram): larger communes push the
boundary away from their centre. 0 gives a plain Voronoi diagram."""

DISC_SIDES = 48
"""Number of sides of the polygon that stands for that disc."""

WARNING = (
    "Territoire fictif créé pour la formation : les contours des communes sont inventés "
    "(cellules tracées autour de centres inventés), ce ne sont pas des limites communales."
)

Point = tuple[float, float]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two WGS 84 points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def travel_minutes(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Invented car time: great-circle km × DETOUR_FACTOR ÷ SPEED_KMH, in whole minutes."""
    km = great_circle_km(lat1, lon1, lat2, lon2)
    return round(km * DETOUR_FACTOR / SPEED_KMH * 60)


def clip(polygon: list[Point], a: float, b: float, c: float) -> list[Point]:
    """Keep the part of a convex polygon where a·x + b·y ≤ c (Sutherland–Hodgman)."""
    out: list[Point] = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def shoelace(polygon: list[Point]) -> float:
    """Signed area of a polygon (positive when counter-clockwise)."""
    return 0.5 * sum(
        p[0] * q[1] - q[0] * p[1] for p, q in zip(polygon, polygon[1:] + polygon[:1], strict=True)
    )


def main(output: Path = DEFAULT_TERRITORY_DIR) -> None:
    communes = load_communes(DEFAULT_TERRITORY_DIR / "communes.csv")
    codes = list(communes["code_commune"])
    lat = list(communes["latitude"])
    lon = list(communes["longitude"])
    lat0, lon0 = sum(lat) / len(lat), sum(lon) / len(lon)
    kx = math.pi / 180 * EARTH_RADIUS_KM * math.cos(math.radians(lat0))
    ky = math.pi / 180 * EARTH_RADIUS_KM
    sites = [((x - lon0) * kx, (y - lat0) * ky) for x, y in zip(lon, lat, strict=True)]

    weights = [POWER_WEIGHT * float(a) / math.pi for a in communes["superficie_km2"]]
    features = []
    print("commune  superficie_km2  aire_polygone_km2")
    for i, (code, (sx, sy)) in enumerate(zip(codes, sites, strict=True)):
        area = float(communes["superficie_km2"].iloc[i])
        radius = DISC_FACTOR * math.sqrt(area / math.pi)
        cell = [
            (
                sx + radius * math.cos(2 * math.pi * k / DISC_SIDES),
                sy + radius * math.sin(2 * math.pi * k / DISC_SIDES),
            )
            for k in range(DISC_SIDES)
        ]
        for j, (ox, oy) in enumerate(sites):
            if j != i:
                # Points whose power distance |p - s|² - w is smaller for site i than for
                # site j: a half-plane bounded by a line parallel to the bisector.
                a, b = ox - sx, oy - sy
                c = (ox**2 + oy**2 - sx**2 - sy**2 + weights[i] - weights[j]) / 2
                cell = clip(cell, a, b, c)
        print(f"{code}    {area:6.1f}          {shoelace(cell):6.1f}")
        ring = [[round(x / kx + lon0, 4), round(y / ky + lat0, 4)] for x, y in cell]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code_commune": code,
                    "commune": str(communes["commune"].iloc[i]),
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    geojson = {
        "type": "FeatureCollection",
        "name": "Communes de la CPTS de la Vallée de l'Aubrenne (fictive)",
        "fictional": True,
        "warning": WARNING,
        "features": features,
    }
    out = output / "communes.geojson"
    out.write_text(json.dumps(geojson, ensure_ascii=False) + "\n", encoding="utf-8")

    lines = [",".join(["code_commune", *codes])]
    for i, code in enumerate(codes):
        row = [travel_minutes(lat[i], lon[i], lat[j], lon[j]) for j in range(len(codes))]
        lines.append(",".join([code, *map(str, row)]))
    (output / "temps_trajet.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("\ncommune  distance_bourg_min  règle  écart")
    bourg = int((communes["statut"] == "bourg-centre").to_numpy().nonzero()[0][0])
    for i, code in enumerate(codes):
        rule = travel_minutes(lat[bourg], lon[bourg], lat[i], lon[i])
        given = float(communes["distance_bourg_min"].iloc[i])
        print(f"{code}    {given:4.0f}               {rule:4d}   {rule - given:+.0f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TERRITORY_DIR)
