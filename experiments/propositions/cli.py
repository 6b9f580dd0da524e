"""The command line: `python -m experiments.propositions` (or experiments/propositions.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from alpaca_abm.io import atomic_write

from .analysis import analyse, power_table, robustness_verdict, seeds_from_power
from .design import (
    INDUSTRIES,
    MAX_SEEDS,
    MIN_SEEDS,
    P3_PRACTICES,
    PATTERN_INDUSTRY,
    ROBUSTNESS_ARMS,
    ROBUSTNESS_POINTS,
    ROOT,
    SERIES_SEEDS,
    SNAPSHOT_CALIBRATION,
    Design,
    check_arms,
    check_environments,
    main_jobs,
    p3_jobs,
    robustness_jobs,
    robustness_parameters,
    series_jobs,
)
from .report import figures, p3_summary_verdict, p4_summary, report
from .runs import STORES, calibrate_types, load_runs, run_all, save_runs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Test the seed's propositions (Table 1) and patterns (Tables 2 and 4) on "
        "the model; write docs/VALIDATION.md and its figures."
    )
    ap.add_argument(
        "--seeds",
        type=int,
        default=None,
        help=f"at least this many replicates per arm (default {MIN_SEEDS}); the "
        "power calculation may ask for more, up to --max-seeds",
    )
    ap.add_argument(
        "--max-seeds",
        type=int,
        default=None,
        help=f"at most this many replicates per arm (default {MAX_SEEDS})",
    )
    ap.add_argument(
        "--pilot",
        type=int,
        default=None,
        help="seeds of the pilot the power calculation reads (default 10)",
    )
    ap.add_argument("--steps", type=int, default=None, help="months per run (default 120)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument(
        "--p3-runs",
        type=int,
        default=None,
        help="runs of the P3 practice design (default 3 x seeds)",
    )
    ap.add_argument(
        "--robustness-points",
        type=int,
        default=None,
        help=f"points of the Latin hypercube of assumed parameters (default {ROBUSTNESS_POINTS})",
    )
    ap.add_argument(
        "--industries",
        default=",".join(INDUSTRIES),
        help=f"comma-separated scenarios (default {','.join(INDUSTRIES)})",
    )
    ap.add_argument("--seed-base", type=int, default=1000, help="first seed (default 1000)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="a small design (pilot 2, 3 seeds, 48 months, 10 P3 runs, 6 "
        "robustness points) written to results/validation-quick/ unless --out is "
        "given; its report says it is quick",
    )
    ap.add_argument(
        "--calibrate-types",
        action="store_true",
        help="print the relationship-type thresholds fitted to the seed's 7/15/7 "
        "(coownership.TYPE_LOW, TYPE_HIGH) and stop",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite the report and figures from the runs saved by the last run "
        "of the same design (results/validation*/results.json), without running",
    )
    ap.add_argument(
        "--out", type=Path, default=None, help="the report (default docs/VALIDATION.md)"
    )
    ap.add_argument(
        "--figures",
        type=Path,
        default=None,
        help="folder for the figures (default docs/figures beside the report)",
    )
    args = ap.parse_args(argv)
    quick = args.quick
    args.seeds = args.seeds or (3 if quick else MIN_SEEDS)
    args.max_seeds = args.max_seeds or (args.seeds if quick else max(MAX_SEEDS, args.seeds))
    args.pilot = args.pilot or (2 if quick else 10)
    args.steps = args.steps or (48 if quick else 120)
    args.p3_runs = (
        args.p3_runs
        if args.p3_runs is not None
        else (len(P3_PRACTICES) + 3 if quick else 3 * args.seeds)
    )
    args.robustness_points = (
        args.robustness_points
        if args.robustness_points is not None
        else (6 if quick else ROBUSTNESS_POINTS)
    )
    args.series_seeds = 2 if quick else SERIES_SEEDS
    args.industries = tuple(i.strip() for i in args.industries.split(",") if i.strip())
    if PATTERN_INDUSTRY not in args.industries:
        ap.error(f"--industries must include {PATTERN_INDUSTRY} (the patterns are read there)")
    if args.out is None:
        args.out = (
            ROOT / "results/validation-quick/VALIDATION.md"
            if quick
            else ROOT / "docs/VALIDATION.md"
        )
    if args.figures is None:
        args.figures = args.out.parent / "figures"
    for name in ("seeds", "steps", "workers", "pilot"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.seeds < 2 or args.pilot < 2:
        ap.error("--seeds and --pilot must be at least 2 for a confidence interval")
    if args.pilot > args.seeds:
        ap.error("--pilot must not exceed --seeds (the pilot seeds are part of the sample)")
    if args.max_seeds < args.seeds:
        ap.error("--max-seeds must be at least --seeds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.calibrate_types:
        fit = calibrate_types()
        print(
            f"TYPE_LOW, TYPE_HIGH = {fit['low']:.2f}, {fit['high']:.2f}: split "
            f"{np.round(fit['split'], 3).tolist()} of {fit['firms']} firms with partners "
            f"({fit['pairs']} partnerships) at month {SNAPSHOT_CALIBRATION}, seeds 0-11"
        )
        return 0
    envs, missing = check_environments(args.steps)
    design = Design(
        args.seeds,
        args.steps,
        args.workers,
        args.seed_base,
        args.p3_runs,
        pilot=args.pilot,
        max_seeds=args.max_seeds,
        rob_points=args.robustness_points,
        industries=args.industries,
        series_seeds=args.series_seeds,
        quick=args.quick,
        environments=envs,
        missing_environments=missing,
        missing_arms=check_arms(args.steps),
        robustness=robustness_parameters(),
    )
    raw = ROOT / ("results/validation-quick" if args.quick else "results/validation")
    saved = raw / "results.json"
    key = (
        design.seeds,
        design.max_seeds,
        design.pilot,
        design.steps,
        design.seed_base,
        design.p3_runs,
        design.rob_points,
        design.series_seeds,
        design.industries,
        sorted(envs),
    )
    p3j, practices = p3_jobs(design)
    robj, points = robustness_jobs(design)
    if args.report_only:
        if not saved.exists():
            print(
                f"error: no saved runs in {saved}; run without --report-only first", file=sys.stderr
            )
            return 2
        try:
            stored = load_runs(saved)
        except (ValueError, KeyError, TypeError) as err:
            print(f"error: {saved} is not a saved validation run: {err}", file=sys.stderr)
            return 2
        if stored["key"] != key:
            print(
                f"error: {saved} holds another design {stored['key']}, not {key}", file=sys.stderr
            )
            return 2
        if stored.get("robustness", design.robustness) != design.robustness:
            print(
                f"error: {saved} varied other robustness parameters {sorted(stored['robustness'])}",
                file=sys.stderr,
            )
            return 2
        results, wall, n_runs = stored["results"], stored["wall"], len(stored["results"])
        power, n_seeds = stored["power"], stored["n_seeds"]
    else:
        print(
            f"design: industries {', '.join(design.industries)}; {design.steps} months; "
            f"pilot {design.pilot} seeds, then {design.seeds}-{design.max_seeds} by power; "
            f"P3 {design.p3_runs} runs; robustness {design.rob_points} points x "
            f"{len(ROBUSTNESS_ARMS)} arms over {len(design.robustness)} parameters; "
            f"shocks for P4: {', '.join(envs) or 'none'}"
            + (f" (missing: {', '.join(missing)})" if missing else "")
        )
        t0 = time.perf_counter()
        results = run_all(main_jobs(design, 0, design.pilot), design.workers, "pilot", raw / STORES)
        power = power_table(results, design, design.pilot)
        n_seeds = seeds_from_power(power, design)
        print(
            f"power: {n_seeds} seeds per arm (largest need "
            f"{int(power['needed'].max()) if len(power) else 'n/a'})"
        )
        rest = main_jobs(design, design.pilot, n_seeds) + p3j + robj + series_jobs(design)
        results |= run_all(rest, design.workers, "validation", raw / STORES)
        wall = time.perf_counter() - t0
        n_runs = len(results)
        save_runs(
            saved,
            {
                "key": key,
                "results": results,
                "wall": wall,
                "power": power,
                "n_seeds": n_seeds,
                "robustness": design.robustness,
            },
        )
    ctx = analyse(results, design, n_seeds, power, practices, points)
    ctx |= {
        "wall": wall,
        "n_runs": n_runs,
        "cpu": float(sum(r.get("cpu_seconds", np.nan) for r in results.values())),
    }
    paths = figures(
        args.figures,
        ctx["props"],
        ctx["p3"],
        ctx["p4"],
        ctx["table4"],
        ctx["splits"],
        list(envs),
        ctx["rob"],
    )
    text = report(design, ctx, paths, args.out)
    atomic_write(args.out, text)
    raw.mkdir(parents=True, exist_ok=True)
    pd.concat([f.assign(industry=i) for i, f in ctx["frames"].items()]).to_csv(
        raw / "runs.csv", index=False
    )
    practices.to_csv(raw / "p3_practices.csv", index_label="i")
    points.to_csv(raw / "robustness_points.csv", index_label="i")
    power.to_csv(raw / "power.csv", index=False)
    if len(ctx["p3"]["table"]):
        ctx["p3"]["table"].to_csv(raw / "p3_coefficients.csv", index=False)
    print(
        f"wrote {args.out} and {len(paths)} figures in {args.figures} "
        f"({wall / 60:.1f} min wall, {ctx['cpu'] / 60:.1f} min CPU in the runs); raw "
        f"results in {raw}"
    )
    for ind in design.industries:
        for res in ctx["props"][ind]:
            rv = robustness_verdict(res, ctx["rob"]) if ind == PATTERN_INDUSTRY else ("", [])
            print(
                f"  {ind} {res['prop'].key}: {res['verdict']}"
                + (
                    f" [robustness: {rv[0]}{' ' + ','.join(rv[1]) if rv[1] else ''}]"
                    if rv[0]
                    else ""
                )
            )
    print(f"  P3: {p3_summary_verdict(ctx['p3'])}")
    print(f"  P4: {p4_summary(ctx['p4'], list(envs))[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
