"""The `sweep` sub-command: `alpaca-abm sweep SPEC.toml [--backend ...]` and `--summarise DIR`.

The lead's `alpaca_abm/cli.py` wires it in with `add_sweep_parser(subparsers)`; until then
`python -m alpaca_abm.sweep ...` runs the same parser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cliargs import whole_number
from .backends import BACKENDS, DASK, LOCAL, BackendError
from .spec import Sweep
from .store import FAILURES_DIR, StoreError

DEFAULT_OUT_ROOT = "sweeps"  # stores go to sweeps/<spec name> unless --out says otherwise
SUMMARISE_RUN_OUTPUT = ""  # `--summarise` with no DIR after a SPEC: summarise what it wrote
EXIT_OK = 0
EXIT_RUNS_FAILED = 1  # the sweep finished but some runs failed (stored as failures)
EXIT_USAGE = 2  # a bad spec, option or store: nothing was run
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def add_sweep_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the `sweep` sub-command (its options and handler) to an argparse sub-parser set."""
    parser = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep from a TOML spec, or summarise a sweep's store",
        description="Run every run of a sweep spec (designs, replicates, seeds) into a "
        "resumable Parquet store, on this machine or a Dask cluster; or turn a store into "
        "tables and figures. See docs/SWEEPS.md.",
    )
    parser.add_argument(
        "spec",
        nargs="?",
        metavar="SPEC.toml",
        help="the sweep spec (optional with --summarise DIR)",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="where runs execute: local process pool (default), serial, or "
        "dask (default when --scheduler is given)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://127.0.0.1:8786 (default: a "
        "LocalCluster started for the sweep)",
    )
    parser.add_argument(
        "--workers",
        type=whole_number("--workers"),
        metavar="N",
        help="worker processes for local, or for dask's LocalCluster (default: all cores)",
    )
    parser.add_argument(
        "--out", metavar="DIR", help=f"the result store (default: {DEFAULT_OUT_ROOT}/<spec name>)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="finish an interrupted store of the same sweep; retries failed runs",
    )
    parser.add_argument(
        "--summarise",
        "--summarize",
        nargs="?",
        const=SUMMARISE_RUN_OUTPUT,
        metavar="DIR",
        dest="summarise",
        help="write tables (CSV) and figures (PNG) of the store DIR to "
        "DIR/report; after a SPEC, DIR may be left out",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar (e.g. in batch-job logs)"
    )
    parser.set_defaults(func=run_sweep_command)


def _error(message: str) -> int:
    print(f"alpaca-abm sweep: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _summarise(directory: str | Path) -> None:
    from .summarise import summarise_store

    files = summarise_store(directory)
    for path in files:
        print(path)
    print(
        f"alpaca-abm sweep: wrote {len(files)} tables and figures to "
        f"{files[0].parent if files else directory}",
        file=sys.stderr,
    )


def run_sweep_command(args: argparse.Namespace) -> int:
    """Carry out `alpaca-abm sweep`; return the exit status (0 ok, 1 runs failed, 2 usage)."""
    try:
        if args.spec is None:
            if not args.summarise:
                return _error(
                    "give a SPEC.toml to run a sweep, or --summarise DIR to summarise a store."
                )
            _summarise(args.summarise)
            return EXIT_OK
        backend = args.backend or (DASK if args.scheduler else LOCAL)
        if args.scheduler and backend != DASK:
            return _error(f"--scheduler is only used with --backend dask, not {backend}.")
        if args.out and args.summarise and Path(args.out) != Path(args.summarise):
            return _error(
                f"--out {args.out} and --summarise {args.summarise} name different "
                "stores; give one."
            )
        sweep = Sweep.from_toml(args.spec)
        out = Path(args.out or args.summarise or Path(DEFAULT_OUT_ROOT) / sweep.name)
        print(
            f"alpaca-abm sweep: '{sweep.name}': {sweep.n_runs} runs ({sweep.n_points} points"
            f" x {sweep.replicates} replicates) on {backend} -> {out}",
            file=sys.stderr,
        )
        store = sweep.run(
            out,
            backend=backend,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=not args.no_progress,
        )
        done, failed = len(store.done_keys()), len(store.failed_keys())
        print(f"alpaca-abm sweep: {done} of {store.n_runs} runs stored in {out}", file=sys.stderr)
        if args.summarise is not None:
            _summarise(out)
        if failed:
            print(
                f"alpaca-abm sweep: {failed} runs failed (see {out / FAILURES_DIR}); "
                "--resume retries them.",
                file=sys.stderr,
            )
            return EXIT_RUNS_FAILED
        return EXIT_OK
    except (ValueError, BackendError) as err:  # SpecError and StoreError are ValueErrors
        return _error(str(err))
    except ImportError as err:  # the sweep extra is not installed
        return _error(
            f"{err} (pip install 'alpaca-abm[sweep]')"
            if "pip install" not in str(err)
            else str(err)
        )
    except KeyboardInterrupt:
        print(
            "alpaca-abm sweep: interrupted; finished runs are stored. Run the same command "
            "with --resume to finish.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


__all__ = ["StoreError", "add_sweep_parser", "run_sweep_command"]
