"""The outline of Great Britain drawn under the map, read from data shipped in the package.

`gb_outline.json` holds the coastline polygons of England, Scotland and Wales (longitude,
latitude in degrees) cut from Natural Earth's 1:50m Admin 0 countries, which are in the
public domain; `build_outline` made it from the `world-atlas` npm package (see
`alpaca_abm/viz/data/README.md`). No map tile is ever fetched.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..world import to_km

OUTLINE_FILE = "gb_outline.json"
UK_ISO_NUMERIC = "826"  # ISO 3166-1 numeric code of the United Kingdom
MIN_RING_POINTS = 4  # rings with fewer points (tiny islets) are left out


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    """Arcs of a quantised TopoJSON topology as (lon, lat) arrays."""
    scale = np.asarray(topology["transform"]["scale"], float)
    shift = np.asarray(topology["transform"]["translate"], float)
    return [np.cumsum(np.asarray(arc, float), axis=0) * scale + shift for arc in topology["arcs"]]


def _ring(arcs: list[np.ndarray], refs: list[int]) -> np.ndarray:
    """Join the arcs of one ring (a negative index ~i is arc i reversed)."""
    parts = [arcs[r] if r >= 0 else arcs[~r][::-1] for r in refs]
    return np.concatenate([parts[0], *[p[1:] for p in parts[1:]]])


def _in_northern_ireland(ring: np.ndarray) -> bool:
    """Northern Ireland lies west of 5.3°W and south of 55.4°N; Scotland's isles do not."""
    lon, lat = ring.mean(axis=0)
    return lon < -5.3 and lat < 55.4


def build_outline(topojson: str | Path, out: str | Path) -> int:
    """Cut Great Britain's polygons (outer rings) from world-atlas countries-50m.json into
    `out`; return how many rings were kept."""
    topology = json.loads(Path(topojson).read_text())
    arcs = _decode_arcs(topology)
    countries = topology["objects"]["countries"]["geometries"]
    (uk,) = [g for g in countries if g.get("id") == UK_ISO_NUMERIC]
    polygons = uk["arcs"] if uk["type"] == "MultiPolygon" else [uk["arcs"]]
    rings = []
    for polygon in polygons:
        outer = _ring(arcs, polygon[0])
        if len(outer) >= MIN_RING_POINTS and not _in_northern_ireland(outer):
            rings.append(np.round(outer, 4).tolist())
    body = {
        "source": "Natural Earth 1:50m Admin 0 countries v4.1.0 (public domain), via the "
        "world-atlas 2.0.2 npm package (countries-50m.json); United Kingdom less "
        "Northern Ireland",
        "crs": "longitude, latitude (degrees, WGS84)",
        "rings": rings,
    }
    Path(out).write_text(json.dumps(body, separators=(",", ":")))
    return len(rings)


@cache
def gb_rings_lonlat() -> tuple[np.ndarray, ...]:
    """The shipped outline: one (lon, lat) array per island."""
    text = resources.files(__package__).joinpath("data", OUTLINE_FILE).read_text()
    return tuple(np.asarray(r, float) for r in json.loads(text)["rings"])


@cache
def gb_rings_km() -> tuple[np.ndarray, ...]:
    """The outline in the model's kilometre coordinates (as firms' x_km, y_km)."""
    rings = []
    for ring in gb_rings_lonlat():
        x, y = to_km(ring[:, 1], ring[:, 0])
        rings.append(np.c_[x, y])
    return tuple(rings)
