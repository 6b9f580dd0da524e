"""Facts carried into the model, each file with its provenance in data/README.md.

- `uk_2018_firms.csv`: the 29 interviewed firms of the seed study (its Tables 2 and 3).
- `uk_places.csv`: rural counties where the rest of the 123-breeder directory is placed.
- `fleece_bands.csv`: raw-fleece price bands by micron (an Australian table, a proxy).
- `public_figures.toml`: public UK figures (herd sizes, prices, costs, TB, biology) used to
  set parameter defaults; each with its source, or marked as an assumption.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

__all__ = [
    "figure",
    "load_fleece_bands",
    "load_public_figures",
    "load_uk_2018_firms",
    "load_uk_places",
]

_FIRM_DTYPES: dict[str, Any] = {
    "firm": "int64",
    "county_as_printed": str,
    "county": str,
    "country": str,
    "region": str,
    "lat": "float64",
    "lon": "float64",
    "founded": "int64",
    "staff_as_printed": str,
    "staff_fte": "float64",
    "staff_headcount": "int64",
    "staff_part_time": "int64",
    "herd_size": "int64",
    "markets_entered": str,
    "main_market": str,
    "trades_europe": "bool",
    "export_market": "bool",
    "relationship_type_as_printed": str,
    "relationship_type": str,
    "interviewee_as_printed": str,
    "interviewee": str,
    "owner_position": str,
    "owner_years_in_position": "float64",
    "owner_background_as_printed": str,
    "owner_background_related": "bool",
    "owner_age": "int64",
    "owner_sex": str,
}

_BOOL_TEXT = {"True": True, "False": False}


def _open_text(name: str):
    return resources.files(__package__).joinpath(name).open("r", encoding="utf-8")


def load_uk_2018_firms() -> pd.DataFrame:
    """The 29 firms of the seed study's Table 2, each joined with its interviewee (Table 3).

    One row per firm, in the printed order (`firm` 1..29). Columns ending in `_as_printed`
    keep the paper's text; the others are read from it (see data/README.md): `county` with
    spelling corrected, approximate county-centre `lat`/`lon`, `staff_fte` (an "NPT" entry
    counts as N part-timers of 0.5 FTE each), `relationship_type` in
    {"cooperation_dominated", "equal", "competition_dominated"} and boolean
    `trades_europe`, `export_market` and `owner_background_related`.
    """
    with _open_text("uk_2018_firms.csv") as f:
        firms = pd.read_csv(f, dtype=str, keep_default_na=False)
    for col, dtype in _FIRM_DTYPES.items():
        if dtype == "bool":
            firms[col] = firms[col].map(_BOOL_TEXT).astype(bool)
        else:
            firms[col] = firms[col].astype(dtype)
    return firms[list(_FIRM_DTYPES)]


def load_uk_places() -> pd.DataFrame:
    """Rural counties where breeders are placed.

    Columns: name, country, region, lat, lon (approximate county centre, 0.1 degree),
    weight (assumed relative share of breeders), seed_firms (how many of the 29 seed firms
    sit there) and as_printed_in_seed (the seed paper's spelling where it differs).
    """
    with _open_text("uk_places.csv") as f:
        places = pd.read_csv(f, keep_default_na=False)
    return places.astype(
        {
            "name": str,
            "country": str,
            "region": str,
            "lat": float,
            "lon": float,
            "weight": float,
            "seed_firms": int,
            "as_printed_in_seed": str,
        }
    )


ANCHOR_BAND = "H4"  # 26-30 µm: the band of an average UK fleece, priced at fibre_price


@cache
def _fleece_bands() -> dict[str, Any]:
    import numpy as np

    with _open_text("fleece_bands.csv") as f:
        table = pd.read_csv(f)
    anchor = float(table.loc[table["band"] == ANCHOR_BAND, "aafl_white_aud_per_kg"].iloc[0])
    return {
        "band": table["band"].astype(str).to_numpy(),
        "micron_below": table["micron_below"].astype(float).to_numpy(),
        "relative_white": table["aafl_white_aud_per_kg"].to_numpy(float) / anchor,
        "relative_coloured": table["aafl_coloured_aud_per_kg"].to_numpy(float) / anchor,
        "anchor_band": np.array(ANCHOR_BAND),
    }


def load_fleece_bands() -> dict[str, Any]:
    """Fleece price bands: `band`, `micron_below` (upper edge, µm; the last is inf), and
    `relative_white` / `relative_coloured` prices per kg relative to the anchor band H4
    (white), from the AAFL raw-fleece schedule of 2005 (a proxy: see data/README.md)."""
    return {k: v.copy() for k, v in _fleece_bands().items()}


@cache
def _figures() -> dict[str, dict[str, Any]]:
    with resources.files(__package__).joinpath("public_figures.toml").open("rb") as f:
        return tomllib.load(f)


def load_public_figures() -> dict[str, dict]:
    """All public figures: name -> {value, unit, source, note, and low/high/year if known}.

    Returns a fresh copy, so callers may change it freely.
    """
    return {name: dict(entry) for name, entry in _figures().items()}


def figure(name: str) -> float:
    """The `value` of public figure `name` from public_figures.toml, as a float.

    Raises ValueError naming the figure and listing the known names if there is none.
    """
    figures = _figures()
    if name not in figures:
        known = ", ".join(sorted(figures))
        raise ValueError(f"unknown public figure {name!r}; known figures: {known}")
    return float(figures[name]["value"])
