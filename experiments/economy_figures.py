"""Yearly economy figures of a scenario over seeds, for docs/ECONOMY.md.

Each December: the share of active breeders whose last 12 months' accounting profit is
negative (cash flow on versions without accounts at market value), the share with negative
cash and the share of all animals that are adult males not working as studs; per year: the
mean price, herd and breeders in December, exits and entrants. One JSON line per seed.
Run: `.venv/bin/python experiments/economy_figures.py uk_2018 120 0,1,2,3,4` (JSON lines), or
`... uk_2018 120 20 --markdown` (seeds 0-19, one table of means and ranges over seeds).
"""

import json
import time

from alpaca_abm import AlpacaModel


def run(scn, months, seed):
    m = AlpacaModel(scn, rng=seed)
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


def _one(args: tuple[str, int, int]) -> dict:
    scn, months, seed = args
    return run(scn, months, seed)


if __name__ == "__main__":
    import argparse
    from concurrent.futures import ProcessPoolExecutor

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
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(_one, [(args.scenario, args.months, s) for s in seeds]))
    if args.markdown:
        print(markdown(args.scenario, results, load_scenario(args.scenario).start_year))
    else:
        for s, r in zip(seeds, results, strict=True):
            print(json.dumps({"scenario": args.scenario, "seed": s, **r}))
