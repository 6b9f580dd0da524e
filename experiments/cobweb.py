"""Which settings of the herd plan and of expectations make the livestock price cycle.

Runs the baseline at a few settings of `expectation_weight` (lambda, adaptive expectations)
and `herd_response` / `herd_adjustment` (the supply response), over several seeds, and
prints for each the yearly mean price path's turning points per decade and its lag-2
autocorrelation of year-on-year changes (negative when the price zig-zags). Used by
docs/ECONOMY.md. Run: `.venv/bin/python experiments/cobweb.py [months] [seeds]`.
"""

from __future__ import annotations

import sys

import numpy as np

from alpaca_abm import AlpacaModel

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


def yearly_price(months: int, seed: int, **values) -> np.ndarray:
    """Yearly mean clearing price of one baseline run."""
    m = AlpacaModel("baseline", rng=seed, **values)
    for _ in range(months):
        m.step()
    price = m.model_df["price_female"].to_numpy()
    return price[: len(price) // 12 * 12].reshape(-1, 12).mean(axis=1)


def cycle_measures(path: np.ndarray) -> tuple[float, float]:
    """Turning points per decade of the yearly path and the lag-1 autocorrelation of its
    year-on-year changes (about -0.5 for a two-year zig-zag, near 0 or above for a trend)."""
    d = np.diff(path)
    turns = int(((d[1:] * d[:-1]) < 0).sum())
    ac = float(np.corrcoef(d[1:], d[:-1])[0, 1]) if len(d) > 2 else 0.0
    return 10 * turns / max(len(d) - 1, 1), ac


def main() -> int:
    months = int(sys.argv[1]) if len(sys.argv) > 1 else 240
    seeds = range(int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    print(f"baseline, {months} months, seeds {list(seeds)}")
    print(f"{'setting':<30} {'turns/decade':>12} {'ac(lag 1)':>10} {'first yr':>9} {'last yr':>8}")
    for name, values in SETTINGS.items():
        paths = [yearly_price(months, s, **values) for s in seeds]
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
