"""The coopetition paradox as an experiment: do the second seed's claims hold in the model?

Sweeps (through `alpaca_abm.sweep`) the share of active owners (`paradox_active_share`), staff
size (`paradox_staff_scale`) and the paradox's salience (`paradox_salience`) in `uk_2018` with
the paradox module on, with replicates, and tests four claims as hypotheses that could fail
(indicators: `alpaca_abm.paradox_study`):

H1  active responses sustain balance and value: within each run, partnerships of active
    owners are more balanced and create more joint value per partnership-year than those of
    defensive owners; across the design, mean balance rises with the share of active owners;
H2  unbalanced relationships dissolve early: a larger share of unbalanced partnerships ends
    early (conflict, breach, a vicious cycle) than of balanced ones;
H3  defensive owners under high tension tip to a pole: among owners feeling more than the
    median tension, more defensive than active ones hold protection at a pole;
H4  the inverted U between felt tension and performance: a quadratic fit of profit per
    animal on felt tension opens downward with its peak inside the observed range.

Each paired difference is reported with its 95% confidence interval over the runs (t
interval); a claim holds when the interval excludes 0 in the claimed direction.

    python experiments/paradox.py                    # 3 x 3 x 3 points x 4 replicates, 120 months
    python experiments/paradox.py --quick            # 2 x 2 x 2 x 2, 36 months (a smoke run)
    python experiments/paradox.py --docs             # also writes docs/figures and the table

Writes, under --out (default sweeps/paradox): the sweep store, `points.csv` (every outcome's
mean and 95% interval per design point), `hypotheses.csv`, `hypotheses.md` and figures
`balance.png`, `survival.png`, `value.png`; with --docs the figures go to docs/figures
(paradox_*.png) and the tables to docs/paradox_experiment.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from alpaca_abm.paradox_study import OUTCOMES
from alpaca_abm.sweep import Sweep, design

ROOT = Path(__file__).resolve().parent.parent
FACTORS = {
    "paradox_active_share": [0.1, 0.5, 0.9],
    "paradox_staff_scale": [0.0, 1.0, 3.0],
    "paradox_salience": [0.5, 1.0, 2.0],
}
QUICK_FACTORS = {k: [v[0], v[-1]] for k, v in FACTORS.items()}
EXTRA = ("partnership_survival", "contracts_made")
SEED = 20261206


def build(quick: bool, replicates: int | None, steps: int | None) -> Sweep:
    """The sweep of the experiment (a full or a quick design)."""
    return Sweep(
        design.grid(**(QUICK_FACTORS if quick else FACTORS)),
        scenario="uk_2018",
        steps=steps or (36 if quick else 120),
        replicates=replicates or (2 if quick else 4),
        seed=SEED,
        outcomes=OUTCOMES + EXTRA,
        run_function="alpaca_abm.paradox_study.run",
        name="paradox",
        description="The second seed's claims: balance, survival, value by response style.",
    )


def interval(x: pd.Series) -> tuple[float, float, float, int]:
    """(mean, low, high, n) of the 95% t interval of the finite values of `x`."""
    v = x.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    n = len(v)
    if n == 0:
        return (float("nan"),) * 3 + (0,)
    m = float(v.mean())
    if n < 2:
        return m, float("nan"), float("nan"), n
    half = float(stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / np.sqrt(n))
    return m, m - half, m + half, n


def hypotheses(runs: pd.DataFrame) -> pd.DataFrame:
    """Each claim as a paired difference (or a coefficient) with its 95% interval."""
    rows = []

    def add(name: str, claim: str, values: pd.Series, direction: int) -> None:
        m, lo, hi, n = interval(values)
        holds = bool(lo > 0) if direction > 0 else bool(hi < 0)
        rows.append(
            {
                "hypothesis": name,
                "claim": claim,
                "mean": m,
                "low": lo,
                "high": hi,
                "runs": n,
                "holds": holds if np.isfinite(lo) else False,
            }
        )

    add(
        "H1a",
        "balance: active - defensive pairs",
        runs.pd_balance_active - runs.pd_balance_defensive,
        1,
    )
    add(
        "H1b",
        "joint value GBP/pyear: active - defensive",
        runs.pd_value_active - runs.pd_value_defensive,
        1,
    )
    slope = []
    keys = [k for k in FACTORS if k != "paradox_active_share" and k in runs]
    for _, g in runs.groupby(keys + ["replicate"]) if keys else [(None, runs)]:
        if g.paradox_active_share.nunique() > 1:
            slope.append(np.polyfit(g.paradox_active_share, g.pd_mean_balance, 1)[0])
    add("H1c", "slope of mean balance on the active share", pd.Series(slope, dtype=float), 1)
    add(
        "H2",
        "early-end share: unbalanced - balanced",
        runs.pd_early_end_unbalanced - runs.pd_early_end_balanced,
        1,
    )
    add(
        "H3",
        "share at a pole under high tension: defensive - active",
        runs.pd_pole_defensive_tense - runs.pd_pole_active_tense,
        1,
    )
    add(
        "H4",
        "quadratic coefficient of profit/animal on tension (< 0: inverted U)",
        runs.pd_tension_quad,
        -1,
    )
    peak = runs.pd_tension_peak.where(runs.pd_tension_quad < 0)
    share_inside = float(((peak > 0) & (peak < 1)).mean())
    out = pd.DataFrame(rows)
    out.attrs["peak_inside_share"] = share_inside
    return out


def points_table(runs: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """Mean and 95% interval of every outcome at each design point."""
    records = []
    for key, g in runs.groupby(factors):
        rec = dict(zip(factors, key if isinstance(key, tuple) else (key,), strict=True))
        for col in OUTCOMES + EXTRA:
            m, lo, hi, n = interval(g[col])
            rec.update({col: m, f"{col}_low": lo, f"{col}_high": hi})
        rec["runs"] = len(g)
        records.append(rec)
    return pd.DataFrame(records)


def figures(points: pd.DataFrame, out: Path, prefix: str = "") -> list[Path]:
    """Balance, survival and value (created, destroyed) against the share of active owners,
    one line per staff scale, at the middle salience (or the only one)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sal = sorted(points.paradox_salience.unique())
    mid = points[points.paradox_salience == sal[len(sal) // 2]]
    panels = {
        "balance": [("pd_mean_balance", "mean balance (0-1)")],
        "survival": [
            ("partnership_survival", "partnership survival"),
            ("pd_early_end_unbalanced", "early end: unbalanced"),
            ("pd_early_end_balanced", "early end: balanced"),
        ],
        "value": [
            ("pd_value_per_pyear", "value created, GBP/partnership-year"),
            ("pd_destroyed_per_pyear", "value destroyed, GBP/partnership-year"),
        ],
    }
    paths = []
    for name, series in panels.items():
        fig, axes = plt.subplots(1, len(series), figsize=(4.2 * len(series), 3.4), squeeze=False)
        for ax, (col, label) in zip(axes[0], series, strict=True):
            for staff, g in mid.groupby("paradox_staff_scale"):
                g = g.sort_values("paradox_active_share")
                x = g.paradox_active_share
                ax.plot(x, g[col], marker="o", label=f"staff x{staff:g}")
                ax.fill_between(x, g[f"{col}_low"], g[f"{col}_high"], alpha=0.2)
            ax.set_xlabel("mean response style (share active)")
            ax.set_ylabel(label)
        axes[0][0].legend(fontsize=8)
        fig.suptitle(
            f"uk_2018, paradox on, salience x{sal[len(sal) // 2]:g} (95% bands)", fontsize=9
        )
        fig.tight_layout()
        path = out / f"{prefix}{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def markdown(hyp: pd.DataFrame, sweep: Sweep) -> str:
    """The hypotheses table as markdown, with the design it came from."""
    lines = [
        f"Design: {sweep.n_points} points x {sweep.replicates} replicates = {sweep.n_runs} runs "
        f"of `uk_2018`, {sweep.steps} months, sweep seed {sweep.seed}; paired differences "
        "over runs with 95% t intervals.",
        "",
        "| hypothesis | claim | mean | 95% interval | runs | holds |",
        "|---|---|---|---|---|---|",
    ]
    for r in hyp.itertuples():
        lines.append(
            f"| {r.hypothesis} | {r.claim} | {r.mean:.4g} | [{r.low:.4g}, {r.high:.4g}] | "
            f"{r.runs} | {'yes' if r.holds else 'no'} |"
        )
    lines.append("")
    lines.append(
        f"H4: the fitted peak lies inside the tension range (0, 1) in "
        f"{hyp.attrs['peak_inside_share']:.0%} of runs."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="sweeps/paradox", help="directory of the store and tables")
    ap.add_argument("--quick", action="store_true", help="2 levels per factor, 36 months")
    ap.add_argument("--replicates", type=int, default=None, help="replicates per point")
    ap.add_argument("--steps", type=int, default=None, help="months per run")
    ap.add_argument("--workers", type=int, default=2, help="local worker processes")
    ap.add_argument("--backend", default="local", choices=("local", "serial"))
    ap.add_argument("--docs", action="store_true", help="write figures and table into docs/")
    args = ap.parse_args(argv)
    for name in ("replicates", "steps", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            ap.error(f"--{name} = {value} is not allowed: a whole number of at least 1.")
    sweep = build(args.quick, args.replicates, args.steps)
    out = Path(args.out)
    store = sweep.run(out / "store", backend=args.backend, workers=args.workers, resume=True)
    runs = store.summary_frame()
    factors = list(QUICK_FACTORS if args.quick else FACTORS)
    points = points_table(runs, factors)
    hyp = hypotheses(runs)
    out.mkdir(parents=True, exist_ok=True)
    points.to_csv(out / "points.csv", index=False)
    hyp.to_csv(out / "hypotheses.csv", index=False)
    text = markdown(hyp, sweep)
    (out / "hypotheses.md").write_text(text)
    figures(points, out)
    if args.docs:
        figures(points, ROOT / "docs" / "figures", prefix="paradox_")
        (ROOT / "docs" / "paradox_experiment.md").write_text(
            "# The paradox experiment (written by experiments/paradox.py)\n\n" + text
        )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
