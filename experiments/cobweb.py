"""Which settings of the herd plan and of expectations make the livestock price cycle.

Runs the baseline at a few settings of `expectation_weight` (lambda, adaptive expectations)
and `herd_response` / `herd_adjustment` (the supply response), over several seeds, and
prints for each the yearly mean price path's turning points per decade and its lag-2
autocorrelation of year-on-year changes (negative when the price zig-zags). Used by
docs/ECONOMY.md. Run: `.venv/bin/python experiments/cobweb.py [months] [seeds] [workers]`.
The runs go through the sweep engine (experiments/engine.py): one table point per setting,
the same seeds 0.. at every point, the monthly price kept; stores in runs/cobweb/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # experiments.* importable

STORES = Path(__file__).resolve().parent.parent / "runs" / "cobweb"

SETTINGS = {
    "default": {},
    "naive expectations": {"expectation_weight": 1.0},
    "naive, strong fast response": {
        "expectation_weight": 1.0,
        "herd_response": 4.0,
        "herd_adjustment": 1.0,
    },
    "slow expectations": {"expectation_weight": 0.2},
}


def yearly_price(monthly: np.ndarray) -> np.ndarray:
    """Yearly mean clearing price of one run's monthly prices (whole years only)."""
    return monthly[: len(monthly) // 12 * 12].reshape(-1, 12).mean(axis=1)


def price_paths(months: int, seeds: list[int], workers: int) -> dict[str, list[np.ndarray]]:
    """Per setting, the yearly price path of each seed (in seed order), run on the engine."""
    from alpaca_abm import load_scenario
    from alpaca_abm.sweep import Sweep
    from experiments.engine import run_on_engine, table_design

    sweep = Sweep(
        table_design(list(SETTINGS.values()), load_scenario("baseline")),
        scenario="baseline",
        steps=months,
        seeds=seeds,
        keep="timeseries",
        timeseries_columns=("price_female",),
        name="cobweb",
    )
    series = run_on_engine(sweep, STORES, workers).timeseries_frame()
    paths: dict[str, list[np.ndarray]] = {}
    for point, name in enumerate(SETTINGS):
        runs = series[series["point"] == point]
        paths[name] = [
            yearly_price(runs.loc[runs["seed"] == s, "price_female"].to_numpy()) for s in seeds
        ]
    return paths


def cycle_measures(path: np.ndarray) -> tuple[float, float]:
    """Turning points per decade of the yearly path and the lag-1 autocorrelation of its
    year-on-year changes (about -0.5 for a two-year zig-zag, near 0 or above for a trend)."""
    d = np.diff(path)
    turns = int(((d[1:] * d[:-1]) < 0).sum())
    ac = float(np.corrcoef(d[1:], d[:-1])[0, 1]) if len(d) > 2 else 0.0
    return 10 * turns / max(len(d) - 1, 1), ac


def main() -> int:
    months = int(sys.argv[1]) if len(sys.argv) > 1 else 240
    seeds = list(range(int(sys.argv[2]) if len(sys.argv) > 2 else 3))
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    print(f"baseline, {months} months, seeds {seeds}")
    print(f"{'setting':<30} {'turns/decade':>12} {'ac(lag 1)':>10} {'first yr':>9} {'last yr':>8}")
    for name, paths in price_paths(months, seeds, workers).items():
        measures = np.array([cycle_measures(p) for p in paths])
        first = np.mean([p[0] for p in paths])
        last = np.mean([p[-1] for p in paths])
        print(
            f"{name:<30} {measures[:, 0].mean():>12.1f} {measures[:, 1].mean():>10.2f} "
            f"{first:>9,.0f} {last:>8,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
