"""Facts carried into the model, each file with its provenance in data/README.md."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def load_uk_places() -> pd.DataFrame:
    """Rural counties where breeders are placed: name, country, lat, lon and a weight."""
    with resources.files(__package__).joinpath("uk_places.csv").open("r", encoding="utf-8") as f:
        places = pd.read_csv(f)
    return places.astype({"lat": float, "lon": float, "weight": float})
