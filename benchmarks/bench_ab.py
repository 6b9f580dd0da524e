"""A/B speed of the working tree against a git revision, interleaved month by month.

Run: `.venv/bin/python benchmarks/bench_ab.py --base main` (sizes 29, 123 and 1,500 breeders)
or `--sizes 123 --months 120 --seeds 0 1 2`. The revision's `alpaca_abm` is unpacked as a
package of its own (`alpaca_base`, in a temporary folder) and both versions run in this one
process, the same seed side by side, one month of each in turn (alternating which goes
first), so that both see the same load on a shared machine. Each month is timed in CPU time
(time.process_time): on two cores shared by several people a run's wall time swings by 2x,
its CPU time much less, and the ratio of the two versions stays within a few per cent.
Prints CPU µs per breeder-month of each and their ratio per size and seed, and
checks that both versions produced the same model table (a change meant only for speed must
not change a result); `--no-check` skips that comparison.
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (29, 123, 1_500)


def unpack(revision: str, into: Path) -> None:
    """The revision's alpaca_abm package as `into/alpaca_base`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "alpaca_abm"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "alpaca_abm").rename(into / "alpaca_base")


def step_in_turn(models: dict, months: int) -> tuple[dict, dict, dict]:
    """Step the models `months` months, one month of each in turn (alternating which goes
    first, so that all see the same load), each month timed in CPU time: per model its CPU
    seconds, breeder-months (firms in business) and firm-row-months (every row, exited too)."""
    spent = dict.fromkeys(models, 0.0)
    breeder_months = dict.fromkeys(models, 0)
    row_months = dict.fromkeys(models, 0)
    order = list(models)
    for month in range(months):
        for key in order if month % 2 == 0 else order[::-1]:
            model = models[key]
            breeder_months[key] += int(model.firms.active.sum())
            row_months[key] += model.firms.n
            t = time.process_time()
            model.step()
            spent[key] += time.process_time() - t
    return spent, breeder_months, row_months


def race(
    base, new, n: int, months: int, seed: int, new_only: dict | None = None, **pinned: float
) -> tuple[float, float, bool]:
    """CPU µs per breeder-month of base and new on one seed, and whether their tables agree
    (`new_only`: parameters set in the new version only, e.g. a module switched on)."""
    models = {
        "base": base.AlpacaModel(rng=seed, n_breeders=n, **pinned),
        "new": new.AlpacaModel(rng=seed, n_breeders=n, **pinned, **(new_only or {})),
    }
    spent, breeder_months, _ = step_in_turn(models, months)
    same = models["base"].model_df.equals(models["new"].model_df)
    per = {k: spent[k] / max(breeder_months[k], 1) * 1e6 for k in models}
    return per["base"], per["new"], same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision to compare against")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--months", type=int, default=240)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--no-check", action="store_true", help="do not compare model tables")
    parser.add_argument(
        "--herd-size-median",
        type=float,
        default=None,
        help="pin both versions' median starting herd (30 to compare with versions before the "
        "baseline became a 1:5 national sample of median 13); default: each version's own",
    )
    parser.add_argument(
        "--set-new",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the new version only (e.g. paradox=true to time a module "
        "switched on against the same code with it off: --base HEAD); repeatable",
    )
    args = parser.parse_args()
    # this tree's package first, before anything imports `alpaca_abm`: from another clone
    # the venv's editable install would otherwise be measured as "new"
    sys.path.insert(0, str(ROOT))
    from alpaca_abm.cli import parse_assignment

    new_only = dict(parse_assignment(text) for text in args.set_new)
    with tempfile.TemporaryDirectory() as tmp:
        unpack(args.base, Path(tmp))
        sys.path.insert(1, tmp)
        base = importlib.import_module("alpaca_base")
        new = importlib.import_module("alpaca_abm")
        if not Path(new.__file__).resolve().is_relative_to(ROOT):
            sys.exit(f"bench_ab: 'alpaca_abm' came from {new.__file__}, not from {ROOT}")
        median = args.herd_size_median
        pinned = {} if median is None else {"herd_size_median": median}
        pin = "" if median is None else f" | herd_size_median {median:g}"
        print(f"base: {args.base} | new: working tree ({ROOT}) | {args.months} months{pin}\n")
        print(
            f"{'breeders':>9} {'seed':>5} {'base µs/bm':>11} {'new µs/bm':>10} {'new/base':>9} "
            f"{'same table':>10}"
        )
        differ = False
        for n in args.sizes:
            ratios = []
            for seed in args.seeds:
                b, w, same = race(base, new, n, args.months, seed, new_only, **pinned)
                ratios.append(w / b)
                differ |= not same and not args.no_check
                check = "-" if args.no_check else ("yes" if same else "NO")
                print(
                    f"{n:>9,} {seed:>5} {b:>11.1f} {w:>10.1f} {w / b:>9.3f} {check:>10}", flush=True
                )
            print(
                f"{n:>9,} {'all':>5} {'':>11} {'':>10} {statistics.median(ratios):>9.3f} "
                "(median ratio)\n",
                flush=True,
            )
    if differ:
        print("the model tables differ: the change is not only a speed-up")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
