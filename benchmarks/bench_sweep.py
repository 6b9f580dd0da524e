"""Benchmark the sweep backends against each other and against Mesa's `batch_run`.

    python benchmarks/bench_sweep.py                 # 200 runs of the baseline, 60 months
    python benchmarks/bench_sweep.py --runs 20       # a quick check

Prints wall times of the same runs on `serial`, `local` (all cores), `dask` (a loopback
LocalCluster of two workers) and `mesa.batch_run` (all cores), the speed-ups, and the
overhead of the store and the scheduling per run as a share of the model's own run time.
Targets: local >= 1.8x serial on 2 cores, overhead < 2 %, faster than batch_run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from alpaca_abm.sweep import Sweep, design
from alpaca_abm.sweep.backends import available_cores

DEFAULT_RUNS = 200  # enough runs that pool and cluster start-up are a small share
DEFAULT_STEPS = 60  # five years of months: short runs make overheads easy to see
DASK_WORKERS = 2  # the loopback LocalCluster the issue asks to compare
BENCH_SEED = 2024  # any fixed seed: every backend runs the same 200 seeds
TARGET_LOCAL_SPEEDUP = 1.8  # on 2 cores: within 10% of perfect scaling
TARGET_OVERHEAD = 0.02  # store + scheduling below 2% of the model's own run time
BUSY_LOAD = 0.5  # a 1-minute load average above this before starting: someone else computes


def baseline_sweep(runs: int, steps: int) -> Sweep:
    """`runs` replicates of the baseline at its default values (one design point)."""
    return Sweep(
        design.grid(coopetition=[True]), replicates=runs, steps=steps, seed=BENCH_SEED, name="bench"
    )


def timed_sweep(sweep: Sweep, out: Path, **options) -> tuple[float, float]:
    """(wall seconds, summed model run seconds) of one backend."""
    start = time.perf_counter()
    store = sweep.run(out, progress=False, **options)
    wall = time.perf_counter() - start
    frame = store.summary_frame(include_timing=True)
    assert len(frame) == sweep.n_runs, f"{out}: {len(frame)} of {sweep.n_runs} runs"
    return wall, float(frame["run_seconds"].sum())


def timed_batch_run(sweep: Sweep, processes: int) -> float:
    """Wall seconds of mesa.batch_run on the same runs (same seeds, same steps)."""
    from mesa.batchrunner import batch_run

    from alpaca_abm import AlpacaModel

    seeds = [sweep.run_seed(0, r) for r in range(sweep.replicates)]
    start = time.perf_counter()
    results = batch_run(
        AlpacaModel,
        parameters={},
        number_processes=processes,
        rng=seeds,
        max_steps=sweep.steps,
        data_collection_period=-1,
        display_progress=False,
    )
    wall = time.perf_counter() - start
    assert len(results) == sweep.replicates
    return wall


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument(
        "--workers",
        type=int,
        default=available_cores(),
        help="local pool and batch_run processes (default: all cores)",
    )
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-batch-run", action="store_true")
    args = parser.parse_args()
    sweep = baseline_sweep(args.runs, args.steps)
    print(f"{args.runs} runs of the baseline, {args.steps} months each, {args.workers} cores")
    load_before = os.getloadavg()[0]
    if load_before > BUSY_LOAD:
        print(
            f"WARNING: load average {load_before:.1f} before starting: other processes use "
            "the cores, so the speed-ups below understate what an idle machine gives."
        )
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        tmp = Path(tmp)
        serial, serial_model = timed_sweep(sweep, tmp / "serial", backend="serial")
        local, local_model = timed_sweep(
            sweep, tmp / "local", backend="local", workers=args.workers
        )
        dask = None
        if not args.skip_dask:
            dask, _ = timed_sweep(sweep, tmp / "dask", backend="dask", workers=DASK_WORKERS)
    batch = None if args.skip_batch_run else timed_batch_run(sweep, args.workers)

    mean_run = serial_model / args.runs
    store_overhead = (serial - serial_model) / serial_model
    local_overhead = (local * args.workers - local_model) / local_model
    speedup = serial / local
    print(f"mean model run (serial)       {mean_run * 1000:8.1f} ms")
    print(f"serial                        {serial:8.2f} s   1.00x")
    print(
        f"local ({args.workers} workers)             {local:8.2f} s   {speedup:.2f}x serial"
        f"   [target >= {TARGET_LOCAL_SPEEDUP}x on 2 cores: "
        f"{'met' if speedup >= TARGET_LOCAL_SPEEDUP else 'NOT met'}]"
    )
    if dask is not None:
        print(
            f"dask LocalCluster ({DASK_WORKERS} workers) {dask:8.2f} s   "
            f"{serial / dask:.2f}x serial   (includes starting the cluster)"
        )
    if batch is not None:
        print(
            f"mesa.batch_run ({args.workers} processes)  {batch:8.2f} s   "
            f"local is {batch / local:.2f}x faster "
            f"[{'met' if batch > local else 'NOT met'}]"
        )
    print(
        f"store + driver overhead/run   {(serial - serial_model) / args.runs * 1000:8.2f} ms"
        f" = {store_overhead:.2%} of run time   [target < {TARGET_OVERHEAD:.0%}: "
        f"{'met' if store_overhead < TARGET_OVERHEAD else 'NOT met'}]"
    )
    print(
        f"local pool overhead           {local_overhead:8.2%} of run time "
        "(start-up, scheduling, idle cores at the end)"
    )
    print(
        f"model run time, local / serial {local_model / serial_model:7.2f}x  (above 1: runs "
        "slow each other down, e.g. shared cores or memory bandwidth)"
    )
    print(f"load average before / after    {load_before:.1f} / {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
