"""Yearly economy figures of a scenario over seeds, for docs/ECONOMY.md.

Each December: the share of active breeders whose last 12 months' accounting profit is
negative (cash flow on versions without accounts at market value), the share with negative
cash and the share of all animals that are adult males not working as studs; per year: the
mean price, herd and breeders in December, exits and entrants. One JSON line per seed.
Run: `.venv/bin/python experiments/economy_figures.py uk_2018 120 0,1,2,3,4`.
"""

import json
import sys
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


if __name__ == "__main__":
    scn, months = sys.argv[1], int(sys.argv[2])
    seeds = [int(s) for s in sys.argv[3].split(",")]
    for s in seeds:
        r = run(scn, months, s)
        print(json.dumps({"scenario": scn, "seed": s, **r}))
