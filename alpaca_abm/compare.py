"""`alpaca-abm compare A B`: two scenarios on the same seeds, side by side.

Each seed runs both scenarios (same seed, same starting industry), so the difference of an
outcome within a seed is what the scenario changes; the table gives each outcome's mean and
sd under A and B and the mean paired difference B − A with its sd, 95% confidence interval
(t), paired t-test p-value and how many seeds came out higher under B. The figure shows the
months of both (mean over seeds, band = one sd; time in calendar years) with the events
marked, and the paired differences of the headline outcomes: in per cent of A for outcomes
above zero in every run (a count of alpacas, a price), in the outcome's own unit for those
that can be zero or change sign (a profit, herds infected): a ratio of two losses reads as a
gain ("+65% profit" when a loss grew), and a per cent of zero is undefined.

Typical use: `alpaca-abm compare baseline disease_outbreak --seeds 10`, or one scenario
against itself with an event added to B: `alpaca-abm compare baseline baseline --event
disease:60:0.8`.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RESULT_FILES = (
    "compare.csv", "runs.csv", "series.csv", "compare.png", "compare.json", "DATA.md",
)  # fmt: skip
DEFAULT_SEEDS = 5
DEFAULT_STEPS = 240

# Outcomes read from the months of a run, beside the run's summary.
EXTRA_OUTCOMES = {
    "sales_total": ("sales_count", "sum"),
    "export_sales_total": ("export_sales", "sum"),
    "mean_price_female": ("price_female", "mean"),
    "herds_infected": ("new_infected_herds", "sum"),
    "peak_infected_herds": ("infected_herds", "max"),
    "peak_restricted_herds": ("restricted_herds", "max"),
    "culled_total": ("culled", "sum"),
    "coloured_sales_total": ("coloured_sales", "sum"),
    "mean_rivalry_index": ("rivalry_index", "mean"),
}
# Headline outcomes in the figure's difference panel (all outcomes go into the table).
HEADLINE = (
    "final_n_breeders",
    "final_n_alpacas",
    "final_mean_quality",
    "mean_price_female",
    "sales_total",
    "export_sales_total",
    "profit_last_year",
    "n_partnerships",
    "elite_access_share",
    "mean_trust",
    "exits",
    "herds_infected",
)
# Monthly series drawn side by side: (column, title, 12-month rolling sum?)
SERIES = (
    ("n_breeders", "Breeders", False),
    ("mean_quality", "Mean quality", False),
    ("price_female", "Price of a female (GBP)", False),
    ("sales_count", "Females sold, last 12 months", True),
    ("n_partnerships", "Co-ownerships", False),
    ("total_profit", "Industry profit, last 12 months (GBP)", True),
    ("export_sales", "Export sales, last 12 months", True),
    ("restricted_herds", "Herds under restriction", False),
)
COLOURS = ("tab:blue", "tab:orange")


@dataclass
class Comparison:
    """What `compare` produced: per-run outcomes, the table, the monthly series, the marks."""

    labels: tuple[str, str]
    runs: pd.DataFrame  # one row per (scenario, seed)
    table: pd.DataFrame  # one row per outcome
    series: pd.DataFrame  # one row per (scenario, seed, step) of the SERIES columns
    marks: tuple[tuple[tuple[float, str], ...], tuple[tuple[float, str], ...]]


def _one_run(job: tuple[str, dict[str, Any], int, int]) -> tuple[dict, pd.DataFrame, tuple]:
    """Run one scenario (given as plain data) on one seed; a top-level function for pools."""
    from .params import AlpacaScenario
    from .runner import run

    label, spec, seed, steps = job
    scenario = AlpacaScenario(**spec)
    result = run(scenario, steps=steps, rng=seed)
    df = result.model_df
    outcomes = dict(result.summary)
    for name, (column, how) in EXTRA_OUTCOMES.items():
        outcomes[name] = float(getattr(df[column], how)()) if column in df else math.nan
    cols = ["step", "date"] + [c for c, _, _ in SERIES if c in df]
    series = df[cols].copy()
    series.insert(0, "seed", seed)
    series.insert(0, "scenario", label)
    return {"scenario": label, "seed": seed, **outcomes}, series, result.event_marks


def _spec(scenario) -> dict[str, Any]:
    return {
        "events": list(scenario.events),
        "name": scenario.name,
        "description": scenario.description,
        **scenario.values(),
    }


def paired_statistics(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Mean and sd of A and B, and of the paired difference B − A with its 95% CI (t),
    two-sided paired t-test p-value and the number of pairs where B is higher."""
    from scipy import stats

    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    n = len(d)
    sd = float(d.std(ddof=1)) if n > 1 else math.nan
    mean = float(d.mean()) if n else math.nan
    if n > 1 and sd > 0:
        half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        p = float(2 * stats.t.sf(abs(mean) / (sd / math.sqrt(n)), n - 1))
    elif n > 1:  # every pair differs by the same amount
        half, p = 0.0, (1.0 if mean == 0 else 0.0)
    else:
        half, p = math.nan, math.nan
    return {
        "mean_a": float(a.mean()) if n else math.nan,
        "sd_a": float(a.std(ddof=1)) if n > 1 else math.nan,
        "mean_b": float(b.mean()) if n else math.nan,
        "sd_b": float(b.std(ddof=1)) if n > 1 else math.nan,
        "diff_mean": mean,
        "diff_sd": sd,
        "ci95_low": mean - half,
        "ci95_high": mean + half,
        "p_value": p,
        "b_higher": int((d > 0).sum()),
        "n_seeds": n,
    }


def comparison_table(runs: pd.DataFrame, labels: tuple[str, str]) -> pd.DataFrame:
    """One row per outcome: the statistics of `paired_statistics`, seeds paired."""
    a = runs[runs["scenario"] == labels[0]].set_index("seed").sort_index()
    b = runs[runs["scenario"] == labels[1]].set_index("seed").sort_index()
    outcomes = [c for c in a.columns if c != "scenario"]
    rows = []
    for name in outcomes:
        stats_ = paired_statistics(a[name].to_numpy(float), b[name].to_numpy(float))
        rows.append({"outcome": name, **stats_})
    return pd.DataFrame(rows)


def compare(
    scenario_a,
    scenario_b,
    seeds: int | list[int] = DEFAULT_SEEDS,
    steps: int = DEFAULT_STEPS,
    *,
    jobs: int = 1,
    progress: bool = False,
) -> Comparison:
    """Run two scenarios (AlpacaScenario, name or path) on the same seeds and compare them."""
    from .events import check_horizon
    from .scenarios import load_scenario

    scenarios = [
        load_scenario(s) if isinstance(s, str | Path) else s for s in (scenario_a, scenario_b)
    ]
    for sc in scenarios:
        check_horizon(sc, steps)
    labels = (scenarios[0].name, scenarios[1].name)
    if labels[0] == labels[1]:
        labels = (labels[0] + " (A)", labels[1] + " (B)")
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    jobs_list = [
        (labels[i], _spec(scenarios[i]), seed, steps) for seed in seed_list for i in (0, 1)
    ]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs_list), desc="compare", unit="run")
    results = []
    if jobs > 1 and len(jobs_list) > 1:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=spawn) as pool:
            for r in pool.map(_one_run, jobs_list):
                results.append(r)
                if bar is not None:
                    bar.update()
    else:
        for job in jobs_list:
            results.append(_one_run(job))
            if bar is not None:
                bar.update()
    if bar is not None:
        bar.close()
    runs = pd.DataFrame([r[0] for r in results])
    series = pd.concat([r[1] for r in results], ignore_index=True)
    marks = tuple(next((r[2] for r in results if r[0]["scenario"] == lab), ()) for lab in labels)
    return Comparison(labels, runs, comparison_table(runs, labels), series, marks)


def ratio_outcomes(runs: pd.DataFrame, names: list[str]) -> list[str]:
    """The outcomes that may be shown in per cent of A: above zero in every run of both
    scenarios. The others (zero, negative or missing somewhere) are shown as differences
    in their own unit, since the sign of a ratio of two losses or a per cent of zero misleads."""
    return [n for n in names if n in runs and bool((runs[n].to_numpy(float) > 0).all())]


def _difference_bars(ax, table: pd.DataFrame, names: list[str], scale: pd.Series | None):
    """Mean paired differences with their 95% CIs, one row per outcome (divided by `scale`,
    times 100, when given: per cent of A)."""
    factor = 1.0 if scale is None else 100 / scale
    mean = table.loc[names, "diff_mean"] * factor
    lo = table.loc[names, "ci95_low"] * factor
    hi = table.loc[names, "ci95_high"] * factor
    y = np.arange(len(names))[::-1]
    ax.axvline(0, color="grey", lw=0.8)
    ok = np.isfinite(mean.to_numpy())
    ax.errorbar(
        mean.to_numpy()[ok],
        y[ok],
        xerr=np.vstack([(mean - lo).to_numpy()[ok], (hi - mean).to_numpy()[ok]]),
        fmt="o",
        color=COLOURS[1],
        ecolor="grey",
        capsize=3,
    )
    ax.set_ylim(-0.6, len(names) - 0.4)
    return y


def compare_figure(comparison: Comparison, title: str = ""):
    """Months of both scenarios (mean ± sd over seeds) and the paired differences."""
    import matplotlib.pyplot as plt

    from .dictionary import label as unit_label
    from .plots import _mark_events, year_axis

    series = comparison.series
    table = comparison.table.set_index("outcome")
    names = [h for h in HEADLINE if h in table.index]
    ratios = ratio_outcomes(comparison.runs, names)
    own_unit = [h for h in names if h not in ratios]
    rows = max(1, len(own_unit))  # the differences' rows: one per own-unit outcome
    fig = plt.figure(figsize=(15, 11), constrained_layout=True)
    grid = fig.add_gridspec(2 + rows, 4, height_ratios=[3, 3] + [4 / rows] * rows)
    panels = [c for c in SERIES if c[0] in series]
    for k, (column, name, rolling) in enumerate(panels[:8]):
        ax = fig.add_subplot(grid[k // 4, k % 4])
        for label, colour in zip(comparison.labels, COLOURS, strict=True):
            df = series[series["scenario"] == label]
            wide = df.pivot(index="step", columns="seed", values=column)
            if rolling:
                wide = wide.rolling(12, min_periods=1).sum()
            dates = df.drop_duplicates("step").set_index("step")["date"].reindex(wide.index)
            parts = dates.str.split("-", expand=True).astype(int)
            t = parts[0] + (parts[1] - 1) / 12
            mean, sd = wide.mean(axis=1), wide.std(axis=1).fillna(0.0)
            ax.plot(t, mean, color=colour, label=label, lw=1.2)
            ax.fill_between(t, mean - sd, mean + sd, color=colour, alpha=0.15, lw=0)
        ax.set_title(name, fontsize=10)
        year_axis(ax)
        marks = {m for group in comparison.marks for m in group}
        _mark_events(ax, sorted(marks))
        if k == 0:
            ax.legend(fontsize=8)
    n = int(table["n_seeds"].iloc[0]) if len(table) else 0
    a, b = comparison.labels
    if ratios:
        ax = fig.add_subplot(grid[2:, :2])
        y = _difference_bars(ax, table, ratios, table.loc[ratios, "mean_a"])
        ax.set_yticks(y, ratios, fontsize=8)
        ax.set_xlabel(f"{b} − {a}, % of {a}'s mean (paired over {n} seeds, 95% CI)")
        ax.set_title("Paired differences: outcomes above zero in every run", fontsize=10)
    if own_unit:  # one small axis each: their units differ
        for k, name in enumerate(own_unit):
            ax = fig.add_subplot(grid[2 + k, 2:])
            _difference_bars(ax, table, [name], None)
            ax.set_yticks([0], [name], fontsize=8)
            ax.set_xlabel(f"{b} − {a}: {unit_label(name)}", fontsize=8)
            ax.tick_params(axis="x", labelsize=8)
            if k == 0:
                ax.set_title(
                    "Paired differences in their own unit (can be zero or negative)", fontsize=10
                )
    fig.suptitle(title or f"{comparison.labels[0]} vs {comparison.labels[1]}")
    return fig


def add_compare_parser(subparsers) -> argparse.ArgumentParser:
    """The `compare` sub-command's arguments."""
    from .cliargs import whole_number

    cmp = subparsers.add_parser(
        "compare",
        help="run two scenarios on the same seeds; write a side-by-side figure and table",
        description="Run scenarios A and B on the same seeds and compare their headline "
        "outcomes: mean, sd, and the paired difference B - A with its 95% CI and p-value.",
    )
    cmp.add_argument("scenario_a", help="shipped scenario name or .toml path (the reference)")
    cmp.add_argument("scenario_b", help="shipped scenario name or .toml path (the variant)")
    cmp.add_argument(
        "--seeds",
        type=whole_number("--seeds"),
        default=DEFAULT_SEEDS,
        help=f"number of seeds, 0..N-1, each run under both (default: {DEFAULT_SEEDS})",
    )
    cmp.add_argument(
        "--first-seed",
        type=whole_number("--first-seed", least=0),
        default=0,
        help="first seed (default: 0)",
    )
    cmp.add_argument(
        "--steps",
        type=whole_number("--steps"),
        default=DEFAULT_STEPS,
        help=f"months to simulate (default: {DEFAULT_STEPS})",
    )
    cmp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter in both scenarios (repeatable)",
    )
    cmp.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="KIND:START[:STRENGTH[:DURATION]]",
        help="add an event to scenario B only, e.g. disease:60:0.8 (repeatable)",
    )
    cmp.add_argument(
        "--jobs", type=whole_number("--jobs"), default=1, help="processes (default: 1)"
    )
    from .cliargs import output_path

    cmp.add_argument("--out", type=output_path, default=None, help="output folder")
    cmp.add_argument("--overwrite", action="store_true", help="replace earlier results")
    cmp.add_argument("--quiet", action="store_true", help="no progress bar")
    return cmp


def run_compare_command(args: argparse.Namespace) -> int:
    """`alpaca-abm compare`: validate everything, run, write the files, print the table."""
    from . import __version__
    from .cliargs import parse_assignment
    from .dictionary import dictionary_markdown
    from .events import check_horizon, parse_event_option
    from .io import atomic_write
    from .report import _png
    from .scenarios import load_scenario

    overrides = dict(parse_assignment(s) for s in args.set)
    a = load_scenario(args.scenario_a, **overrides)
    b = load_scenario(args.scenario_b, **overrides)
    if args.event:
        added = tuple(parse_event_option(e) for e in args.event)
        b = b.replace(events=b.events + added)
    for sc in (a, b):
        check_horizon(sc, args.steps)
    from .cliargs import InternalError, check_out_shape, prepare_out, safe_name
    from .io import locked_output, remove_if_empty, remove_leftovers, staged_output

    out = args.out or Path("results") / safe_name(f"compare-{a.name}-vs-{b.name}")
    check_out_shape(out)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    with locked_output(out):  # held until the results are published: one writer per folder
        remove_leftovers(out, RESULT_FILES)
        existing = [f for f in RESULT_FILES if (out / f).exists()]
        if existing and not args.overwrite:
            raise ValueError(
                f"{out} already holds results ({', '.join(existing)}). Choose another --out or "
                "pass --overwrite to replace them."
            )
        created = prepare_out(out)  # checked before any seed runs
        try:
            try:
                result = compare(a, b, seeds, args.steps, jobs=args.jobs, progress=not args.quiet)
            except (KeyboardInterrupt, OSError):
                raise
            except Exception as err:  # inputs were checked before the first seed: ours
                raise InternalError(err, out) from err
            title = (
                f"{result.labels[0]} vs {result.labels[1]}: {len(seeds)} seeds, {args.steps} months"
            )
            with staged_output(out, RESULT_FILES) as stage:  # every file, or none
                atomic_write(stage / "compare.csv", result.table.to_csv(index=False))
                atomic_write(stage / "runs.csv", result.runs.to_csv(index=False))
                atomic_write(stage / "series.csv", result.series.to_csv(index=False))
                atomic_write(stage / "compare.png", _png(compare_figure(result, title)))
                info = {
                    "version": __version__,
                    "scenario_a": result.labels[0],
                    "scenario_b": result.labels[1],
                    "seeds": seeds,
                    "steps": args.steps,
                    "set": args.set,
                    "events_b": [dict(e) for e in b.events],
                    "command": ["alpaca-abm", *sys.argv[1:]],
                }
                atomic_write(stage / "compare.json", json.dumps(info, indent=2))
                atomic_write(stage / "DATA.md", dictionary_markdown())
        except OSError as err:
            remove_if_empty(out, created)
            raise OSError(err.errno, err.strerror or str(err), str(out)) from None
        except BaseException:
            remove_if_empty(out, created)
            raise
    print(f"alpaca-abm {__version__}: {title}")
    print(f"  {'outcome':<22} {'A':>12} {'B':>12} {'B - A':>12} {'95% CI':>25} {'p':>7}")
    table = result.table.set_index("outcome")
    for name in HEADLINE:
        if name not in table.index:
            continue
        r = table.loc[name]
        ci = f"[{r['ci95_low']:,.2f}, {r['ci95_high']:,.2f}]"
        print(
            f"  {name:<22} {r['mean_a']:>12,.2f} {r['mean_b']:>12,.2f} {r['diff_mean']:>12,.2f} "
            f"{ci:>25} {r['p_value']:>7.3f}"
        )
    print(f"results in {out}/")
    return 0
