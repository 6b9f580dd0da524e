"""Yearly economy figures of a scenario over seeds, for docs/ECONOMY.md.

Each December: the share of active breeders whose last 12 months' accounting profit is
negative (cash flow on versions without accounts at market value), the share with negative
cash and the share of all animals that are adult males not working as studs; per year: the
mean price, herd and breeders in December, exits and entrants. One JSON line per seed.
Run: `.venv/bin/python experiments/economy_figures.py uk_2018 120 0,1,2,3,4` (JSON lines), or
`... uk_2018 120 20 --markdown` (seeds 0-19, one table of means and ranges over seeds).
The runs go through the sweep engine (experiments/engine.py): one point, the seeds given
outright, `economy_run` as the run function; stores in runs/economy_figures/.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # experiments.* importable

from alpaca_abm import AlpacaModel  # noqa: E402

STORES = Path(__file__).resolve().parent.parent / "runs" / "economy_figures"
INT_FIGURES = ("price", "alpacas_dec", "breeders_dec", "exits", "entrants", "profit_k")
FLAT = re.compile(r"^(\w+)\[(\d+)\]$")  # a flattened list item: name[i]


def run(scn, months, seed):
    """The yearly figures of one run of scenario `scn` from `seed`."""
    return measure(AlpacaModel(scn, rng=seed), months)


def measure(m: AlpacaModel, months: int) -> dict[str, Any]:
    """Step `m` for `months` months, reading the December figures; the yearly figures."""
    loss_share, neg_cash, idle = [], [], []
    t = time.perf_counter()
    for _ in range(months):
        m.step()
        if m.month == 12:
            f = m.firms
            n = f.n
            act = f.active[:n]
            if hasattr(f, "acct_profit_ring"):
                prof = f.acct_profit_ring[:n].sum(axis=1)
            else:
                prof = f.revenue_ring[:n].sum(axis=1) - f.costs_ring[:n].sum(axis=1)
            loss_share.append(float((prof[act] < 0).mean()) if act.any() else float("nan"))
            neg_cash.append(float((f.cash[:n][act] < 0).mean()) if act.any() else float("nan"))
            h = m.herd
            al = h.view("alive")
            idle_m = al & ~h.view("female") & ~h.view("stud") & (h.view("age") >= 30)
            idle.append(float(idle_m.sum() / max(al.sum(), 1)))
    el = time.perf_counter() - t
    df = m.model_df
    df["year"] = df["date"].str[:4].astype(int)
    g = df.groupby("year")
    out = {
        "price": g["price_female"].mean().round(0).astype(int).tolist(),
        "alpacas_dec": g["n_alpacas"].last().tolist(),
        "breeders_dec": g["n_breeders"].last().tolist(),
        "exits": g["exits"].sum().astype(int).tolist(),
        "entrants": g["entrants"].sum().astype(int).tolist(),
        "profit_k": (g["total_profit"].sum() / 1000).round(0).astype(int).tolist(),
        "loss_share": [round(x, 2) for x in loss_share],
        "neg_cash": [round(x, 2) for x in neg_cash],
        "idle_males": [round(x, 3) for x in idle],
        "secs": round(el, 1),
    }
    return out


@dataclass(frozen=True)
class EconomyRun:
    """What the sweep engine stores of one run: the figures, one number per column."""

    summary: dict[str, float]
    model_df: pd.DataFrame


def economy_run(scenario: Any, steps: int, rng: int, **overrides: Any) -> EconomyRun:
    """The sweep's run function: `measure`'s lists flattened to one figure a year (name[i])."""
    model = AlpacaModel(scenario, rng=rng, **overrides)
    figures = measure(model, steps)
    flat: dict[str, float] = {"secs": figures.pop("secs")}
    for name, values in figures.items():
        flat |= {f"{name}[{i}]": v for i, v in enumerate(values)}
    return EconomyRun(flat, model.model_df)


def unflatten(row: dict[str, Any]) -> dict[str, Any]:
    """One stored run's figures as `run` returns them (lists again; counts as integers)."""
    lists: dict[str, dict[int, Any]] = {}
    for column, value in row.items():
        match = FLAT.match(str(column))
        if match:
            name, i = match.group(1), int(match.group(2))
            lists.setdefault(name, {})[i] = int(value) if name in INT_FIGURES else value
    out: dict[str, Any] = {name: [v[i] for i in sorted(v)] for name, v in lists.items()}
    return out | {"secs": row["secs"]}


def run_seeds(scenario: str, months: int, seeds: list[int], workers: int) -> list[dict]:
    """The figures of `scenario` for each seed (in that order), run on the sweep engine."""
    from alpaca_abm import load_scenario
    from alpaca_abm.sweep import Sweep
    from experiments.engine import run_on_engine, table_design

    sweep = Sweep(
        table_design([{}], load_scenario(scenario)),
        scenario=scenario,
        steps=months,
        seeds=seeds,
        run_function="experiments.economy_figures.economy_run",
        name=f"economy-{scenario}",
    )
    summary = run_on_engine(sweep, STORES, workers).summary_frame().set_index("seed")
    return [unflatten(summary.loc[s].to_dict()) for s in seeds]


def markdown(scn: str, runs: list[dict], start_year: int) -> str:
    """A yearly table over seeds: the mean, and the range over seeds in brackets."""
    import numpy as np

    cols = [
        ("price", "price (GBP)", 0),
        ("alpacas_dec", "alpacas (Dec)", 0),
        ("breeders_dec", "breeders (Dec)", 0),
        ("entrants", "entrants", 1),
        ("exits", "exits", 1),
        ("loss_share", "loss-making share", 2),
        ("neg_cash", "negative cash share", 2),
    ]
    n_years = min(len(r["price"]) for r in runs)
    lines = [
        f"**{scn}** ({len(runs)} seeds: mean [lowest-highest over seeds])",
        "",
        "| year | " + " | ".join(c[1] for c in cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    for y in range(n_years):
        cells = []
        for key, _, digits in cols:
            v = np.array([r[key][y] for r in runs], dtype=float)
            cells.append(f"{v.mean():,.{digits}f} [{v.min():,.{digits}f}-{v.max():,.{digits}f}]")
        lines.append(f"| {start_year + y} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    from alpaca_abm.scenarios import load_scenario

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("months", type=int)
    parser.add_argument("seeds", help="comma-separated seeds, or a count N for seeds 0..N-1")
    parser.add_argument("--markdown", action="store_true", help="print one table over seeds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seeds = (
        list(range(int(args.seeds)))
        if "," not in args.seeds and int(args.seeds) > 1 and args.markdown
        else [int(s) for s in args.seeds.split(",")]
    )
    results = run_seeds(args.scenario, args.months, seeds, args.workers)
    if args.markdown:
        print(markdown(args.scenario, results, load_scenario(args.scenario).start_year))
    else:
        for s, r in zip(seeds, results, strict=True):
            print(json.dumps({"scenario": args.scenario, "seed": s, **r}))
