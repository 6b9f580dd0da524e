"""Scale benchmark: seconds per simulated month, cost per breeder- and animal-month, memory.

Run: `.venv/bin/python benchmarks/bench_scale.py` (all sizes, about 15-25 minutes on two
cores) or `--quick` (the three small sizes). Each size runs in a fresh process so that its
peak memory is its own. In the same run it times Mesa's Boltzmann wealth example per
agent-step, the framework's floor, and prints our per-breeder-month cost as a ratio to it.
The (cpu) column is the process's CPU time per breeder-month: on a shared machine it swings
less than wall time (compare two versions with `bench_ab.py`, which interleaves them).
Writes `benchmarks/out/scale.csv` and `benchmarks/out/scale.png` (log-log cost vs size).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
# (breeders, months, repeats): the seed's 29 firms, the 123-breeder directory, a national
# industry, and two larger ones (herd sizes drawn alike). The largest runs fewer months.
SIZES = [(29, 240, 3), (123, 240, 3), (1_500, 240, 3), (15_000, 240, 1), (100_000, 60, 1)]
QUICK = SIZES[:3]

CHILD = r"""
import json, resource, sys, time
from alpaca_abm import AlpacaModel, metrics
n, months = int(sys.argv[1]), int(sys.argv[2])
spent = {"collect": 0.0}
def timed(fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent["collect"] += time.perf_counter() - t
    return wrapper
metrics.industry_row = timed(metrics.industry_row)
metrics.breeder_table = timed(metrics.breeder_table)
metrics.clustering = timed(metrics.clustering)
t0 = time.perf_counter()
# herds of median 30, the size these figures were first measured at (the default became 13
# when baseline became a 1:5 sample of the national industry): figures stay comparable
model = AlpacaModel(rng=0, n_breeders=n, herd_size_median=30.0)
t1, c1 = time.perf_counter(), time.process_time()
breeder_months = animal_months = 0
for _ in range(months):
    breeder_months += int(model.firms.active.sum())
    animal_months += int(model.herd.n)
    model.step()
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({
    "breeders": n, "months": months, "init_s": t1 - t0, "run_s": t2 - t1, "cpu_s": c2 - c1,
    "breeder_months": breeder_months, "animal_months": animal_months,
    "final_breeders": int(model.firms.active.sum()), "final_animals": int(model.herd.n),
    "collect_s": spent["collect"],
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

BOLTZMANN = r"""
import json, sys, time
from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth
n = int(sys.argv[1]); side = int(round(n ** 0.5))
model = BoltzmannWealth(BoltzmannScenario(n=n, width=side, height=side, rng=0))
steps = max(20, 200_000 // n)
t = time.perf_counter()
for _ in range(steps):
    model.step()
print(json.dumps({"us_per_agent_step": (time.perf_counter() - t) / steps / n * 1e6}))
"""


def child(code: str, *args: object) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def boltzmann_floor(repeats: int = 3) -> float:
    """Median µs per agent-step of Mesa's Boltzmann wealth model at 1,000 agents."""
    return statistics.median(child(BOLTZMANN, 1000)["us_per_agent_step"] for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the three small sizes")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    floor = boltzmann_floor()
    print(f"Mesa Boltzmann wealth (1,000 agents): {floor:.2f} µs per agent-step (the floor)\n")
    header = (
        f"{'breeders':>9} {'months':>6} {'s/month':>8} {'µs/breeder-mo':>14} {'(cpu)':>6} "
        f"{'µs/animal-mo':>13} {'x floor':>8} {'collect %':>9} {'peak MB':>8} "
        f"{'animals (end)':>13} {'total s':>8}"
    )
    print(header)
    rows = []
    for n, months, repeats in QUICK if args.quick else SIZES:
        runs = [child(CHILD, n, months) for _ in range(repeats)]
        run = sorted(runs, key=lambda r: r["run_s"])[len(runs) // 2]  # the median run
        per_month = run["run_s"] / months
        per_breeder = run["run_s"] / run["breeder_months"] * 1e6
        per_breeder_cpu = run["cpu_s"] / run["breeder_months"] * 1e6
        per_animal = run["run_s"] / run["animal_months"] * 1e6
        row = {
            **run,
            "s_per_month": per_month,
            "us_per_breeder_month": per_breeder,
            "us_per_animal_month": per_animal,
            "cpu_us_per_breeder_month": per_breeder_cpu,
            "ratio_to_floor": per_breeder / floor,
            "collect_share": run["collect_s"] / run["run_s"],
            "repeats": repeats,
            "boltzmann_us": floor,
        }
        rows.append(row)
        print(
            f"{n:>9,} {months:>6} {per_month:>8.4f} {per_breeder:>14.1f} {per_breeder_cpu:>6.1f} "
            f"{per_animal:>13.2f} "
            f"{row['ratio_to_floor']:>8.1f} {100 * row['collect_share']:>9.1f} "
            f"{run['peak_mb']:>8.0f} {run['final_animals']:>13,} {run['run_s']:>8.1f}",
            flush=True,
        )
    import pandas as pd

    table = pd.DataFrame(rows)
    table.to_csv(OUT / "scale.csv", index=False)
    big = table[table["breeders"] >= 1500]
    if len(big) > 1:
        growth = big["us_per_breeder_month"].iloc[-1] / big["us_per_breeder_month"].iloc[0]
        print(
            f"\ncost per breeder-month grows {growth:.2f}x from {big['breeders'].iloc[0]:,} to "
            f"{big['breeders'].iloc[-1]:,} breeders (target: at most 1.5x)"
        )
    national = table[table["breeders"] == 1500]
    if len(national):
        total = national["run_s"].iloc[0] * 240 / national["months"].iloc[0]
        print(f"1,500 breeders for 240 months: {total:.1f} s (target: under 5 s)")
    largest = table[table["breeders"] == 100_000]
    if len(largest):
        r = largest.iloc[0]
        print(
            f"100,000 breeders: {r['run_s'] / r['months'] * 240 / 60:.1f} min for 240 months "
            f"(extrapolated from {int(r['months'])}), peak {r['peak_mb'] / 1024:.2f} GB "
            "(targets: under 10 min, under 4 GB)"
        )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    ax.loglog(table["breeders"], table["us_per_breeder_month"], "o-", label="alpaca-abm")
    ax.axhline(floor, color="grey", ls="--", label="Mesa Boltzmann (floor)")
    ax.axhline(3 * floor, color="grey", ls=":", label="3 x floor (target)")
    ax.set_xlabel("breeders")
    ax.set_ylabel("µs per breeder-month")
    ax.legend()
    ax.set_title(f"Cost against size ({time.strftime('%Y-%m-%d')})")
    fig.savefig(OUT / "scale.png", dpi=110)
    print(f"\nwrote {OUT / 'scale.csv'} and {OUT / 'scale.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
