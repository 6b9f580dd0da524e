"""The command line: `python -m experiments.propositions` (or experiments/propositions.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from alpaca_abm.io import atomic_write

from . import analysis as an
from .design import (
    INDUSTRIES,
    MAX_SEEDS,
    MIN_SEEDS,
    PATTERN_INDUSTRY,
    PILOT,
    ROBUSTNESS_POINTS,
    ROOT,
    SERIES_SEEDS,
    SNAPSHOT_INTERVIEWS,
    Design,
    check_jobs,
    hypercube_arms,
    main_jobs,
    robustness_jobs,
    robustness_parameters,
    robustness_seed,
    series_jobs,
)
from .patterns_table import patterns_table
from .readme import update_readme
from .report import report, verdict_table
from .robustness import analyse_robustness
from .runs import STORES, load_runs, run_all, save_runs

BUDGET_MINUTES = 60.0  # the default design's wall-time budget for its runs (issue: up to 60)
QUICK = {"steps": 48, "pilot": 3, "min_seeds": 3, "max_seeds": 4, "rob_points": 12, "series": 1}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Test the seeds' propositions beyond the arithmetic of their formulas; "
        "write docs/VALIDATION.md and the README's verdict table."
    )
    ap.add_argument("--quick", action="store_true",
                    help="a small design for tests and development (48 months, 3-4 seeds, 12 "
                    "hypercube points), written to results/validation-quick/ unless "
                    "--out")  # fmt: skip
    ap.add_argument("--steps", type=int, help="months per run (default 120)")
    ap.add_argument("--pilot", type=int, help=f"seeds of the pilot (default {PILOT})")
    ap.add_argument("--min-seeds", type=int, help=f"at least this many seeds (default {MIN_SEEDS})")
    ap.add_argument("--max-seeds", type=int, help=f"at most this many seeds (default {MAX_SEEDS})")
    ap.add_argument("--robustness-points", type=int,
                    help=f"points of the hypercube (default {ROBUSTNESS_POINTS})")  # fmt: skip
    ap.add_argument("--industries", default=",".join(INDUSTRIES),
                    help=f"comma-separated (default {','.join(INDUSTRIES)})")  # fmt: skip
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--budget-minutes", type=float, default=None,
                    help=f"wall time the runs may take (default {BUDGET_MINUTES:g}; --quick "
                    "none): after the pilot, the seeds per arm are cut to what fits, "
                    "measured on this machine as it is")  # fmt: skip
    ap.add_argument("--seed-base", type=int, default=1000, help="first seed (default 1000)")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the runs saved by the last run of the same "
                    "design, without running")  # fmt: skip
    ap.add_argument("--out", type=Path, help="the report (default docs/VALIDATION.md)")
    ap.add_argument("--no-readme", action="store_true", help="leave the README alone")
    args = ap.parse_args(argv)
    q = args.quick
    args.steps = args.steps or (QUICK["steps"] if q else 120)
    args.pilot = args.pilot or (QUICK["pilot"] if q else PILOT)
    args.min_seeds = args.min_seeds or (QUICK["min_seeds"] if q else MIN_SEEDS)
    args.max_seeds = args.max_seeds or (QUICK["max_seeds"] if q else MAX_SEEDS)
    if args.robustness_points is None:
        args.robustness_points = QUICK["rob_points"] if q else ROBUSTNESS_POINTS
    args.industries = tuple(i.strip() for i in args.industries.split(",") if i.strip())
    if PATTERN_INDUSTRY not in args.industries:
        ap.error(f"--industries must include {PATTERN_INDUSTRY}")
    if args.pilot < 2 or args.min_seeds < args.pilot or args.max_seeds < args.min_seeds:
        ap.error("need 2 <= --pilot <= --min-seeds <= --max-seeds")
    if args.steps < 24 or args.workers < 1:
        ap.error("--steps must be at least 24 and --workers at least 1")
    if args.out is None:
        args.out = (ROOT / "results/validation-quick/VALIDATION.md") if q else (
            ROOT / "docs/VALIDATION.md"
        )  # fmt: skip
    return args


def commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def budget_seeds(
    pilot: dict, design: Design, elapsed: float, budget: float, extra: list[tuple]
) -> tuple[int, dict[str, float]]:
    """The most seeds per arm whose runs fit the rest of the time budget (seconds), from the
    pilot's own throughput on this machine as it is now (wall seconds per CPU second, which
    a shared machine raises); `extra`: the other jobs still to run (hypercube, series)."""
    cpu = np.array([r.get("cpu_seconds", np.nan) for r in pilot.values()], float)
    rate = elapsed / max(np.nansum(cpu), 1e-9)
    per_seed = np.nansum(cpu) / design.pilot
    by_industry = {}
    for (label, _), r in pilot.items():
        by_industry.setdefault(label.split("/")[0], []).append(r.get("cpu_seconds", np.nan))
    per_run = {k: float(np.nanmean(v)) for k, v in by_industry.items()}
    fixed = sum(
        per_run.get(job[6], per_seed) * job[2] / design.steps for job in extra
    )  # CPU seconds of the hypercube and the series
    left = budget - elapsed - rate * fixed
    n = design.pilot + max(0, int(left // (rate * per_seed))) if per_seed > 0 else design.pilot
    info = {"rate": rate, "per_seed_cpu": per_seed, "fixed_cpu": fixed, "budget": budget}
    return n, info


def run(design: Design, workers: int, raw: Path, budget: float) -> dict[str, Any]:
    """The pilot, the power calculation and the time budget, then the rest of the design."""
    t0 = time.perf_counter()
    stores = raw / STORES / commit()  # a model of another commit never reads these runs back
    results = run_all(main_jobs(design, 0, design.pilot), workers, "pilot", stores)
    pilot = {i: an.Runs(an.industry_frame(results, i), design.seeds(design.pilot))
             for i in design.industries}  # fmt: skip
    power = an.power_table(pilot)
    wanted = an.seeds_from_power(power, design.min_seeds, design.max_seeds)
    series = series_jobs(design)
    elapsed = time.perf_counter() - t0
    # the most seeds (up to what power asks) whose runs fit the budget with the hypercube
    # the powered quantities need at that many seeds
    n, fits, info = design.pilot, design.pilot, {}
    for cand in range(wanted, design.pilot - 1, -1):
        arms = hypercube_arms(power, cand)
        extra = robustness_jobs(design, arms)[0] + series
        fits, info = budget_seeds(results, design, elapsed, budget, extra)
        if fits >= cand or cand == design.pilot:
            n = cand
            break
    _, points = robustness_jobs(design)
    need = power["needed"][power["needed"] > 0]
    print(
        f"seeds: {n} per arm (power asks up to {int(need.max()) if len(need) else 'n/a'}, "
        f"the design allows {wanted}, the time budget {fits}; {info['rate']:.2f} wall s per "
        f"CPU s on this machine now); the hypercube runs {len(arms)} arms"
    )
    results |= run_all(main_jobs(design, design.pilot, n) + extra, workers, "validation", stores)
    return {"results": results, "power": power, "seeds": n, "points": points,
            "rob_arms": arms, "wall": time.perf_counter() - t0,
            "budget": info | {"wanted": wanted, "fits": fits}}  # fmt: skip


def analyse(design: Design, stored: dict[str, Any]) -> dict[str, Any]:
    results, n, power = stored["results"], stored["seeds"], stored["power"]
    seeds = design.seeds(n)
    runs = {i: an.Runs(an.industry_frame(results, i), seeds) for i in design.industries}
    props = {i: an.analyse_propositions(runs[i], power, i) for i in design.industries}
    pat = runs[PATTERN_INDUSTRY]
    p4 = an.analyse_p4(pat, power, PATTERN_INDUSTRY)
    paradox = an.analyse_paradox(pat, power, PATTERN_INDUSTRY)
    from .stats import verdict

    need = power["needed"][power["needed"] > 0]
    return {
        "seeds": n,
        "power": power,
        "power_max": int(need.max()) if len(need) else -1,
        "props": props,
        "channels": {i: an.analyse_channels(runs[i]) for i in design.industries},
        "p3": an.p3_verdict(props[PATTERN_INDUSTRY]),
        "p4": p4,
        "p4_verdict": verdict([r["judgement"] for s in p4 for r in s["rows"]]),
        "paradox": paradox,
        "patterns": patterns_table(results, SNAPSHOT_INTERVIEWS),
        "rob": analyse_robustness(
            results,
            stored["points"],
            list(design.robustness),
            lambda i: robustness_seed(design, i),
            props[PATTERN_INDUSTRY],
            p4,
            paradox,
        ),  # fmt: skip
        "rob_arms": stored.get("rob_arms", []),
        "wall": stored["wall"],
        "budget": stored.get("budget", {}),
        "n_runs": len(results),
        "cpu": float(np.nansum([r.get("cpu_seconds", np.nan) for r in results.values()])),
        "date": dt.date.today().isoformat(),
        "commit": commit(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    design = Design(
        args.steps, args.seed_base, pilot=args.pilot, min_seeds=args.min_seeds,
        max_seeds=args.max_seeds, rob_points=args.robustness_points,
        series_seeds=QUICK["series"] if args.quick else SERIES_SEEDS,
        industries=args.industries, quick=args.quick, robustness=robustness_parameters(),
    )  # fmt: skip
    raw = ROOT / ("results/validation-quick" if args.quick else "results/validation")
    saved = raw / "results.json"
    if args.report_only:
        if not saved.exists():
            print(f"error: no saved runs in {saved}; run without --report-only first",
                  file=sys.stderr)  # fmt: skip
            return 2
        try:
            stored = load_runs(saved)
        except (ValueError, KeyError, TypeError) as err:
            print(f"error: {saved} is not a saved validation run: {err}", file=sys.stderr)
            return 2
        if tuple(stored.get("key", ())) != design.key():
            print(f"error: {saved} holds another design", file=sys.stderr)
            return 2
        _, stored["points"] = robustness_jobs(design)
    else:
        problems = check_jobs(main_jobs(design, 0, 1) + robustness_jobs(design)[0][:8])
        if problems:
            print("error: the model cannot run this design:\n  " + "\n  ".join(problems),
                  file=sys.stderr)  # fmt: skip
            return 2
        budget = args.budget_minutes or (1e9 if args.quick else BUDGET_MINUTES)
        stored = run(design, args.workers, raw, 60 * budget)
        save_runs(saved, {k: v for k, v in stored.items() if k != "points"} | {"key": design.key()})
    command = " ".join(
        ["python experiments/propositions.py", *(argv if argv is not None else sys.argv[1:])]
    )
    ctx = analyse(design, stored) | {"workers": args.workers, "command": command}
    atomic_write(args.out, report(design, ctx))
    ctx["power"].to_csv(raw / "power.csv", index=False)
    if not args.quick and not args.no_readme:
        if not update_readme(ROOT / "README.md", verdict_table(ctx, compact=True)):
            print("warning: README.md has no verdict markers; left alone", file=sys.stderr)
    print(f"wrote {args.out} ({ctx['wall'] / 60:.1f} min wall, {ctx['cpu'] / 60:.1f} min CPU)")
    for ind, props in ctx["props"].items():
        for res in props:
            print(f"  {ind} {res['prop'].key}: {res['verdict']}")
    print(f"  P3: {ctx['p3'][0]}; P4: {ctx['p4_verdict']}")
    for h in ctx["paradox"]:
        print(f"  {h['claim'].key}: {h['verdict']}")
    return 0
