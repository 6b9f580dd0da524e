"""Whether two versions of the code give the same tables: model_df and agent_df of seeded
runs across the shipped scenarios, compared exactly.

Run: `.venv/bin/python benchmarks/same_tables.py --base main` (the working tree against main,
16 runs, about 1.5 minutes of CPU each side) or `--base HEAD~1 --new HEAD`, or
`--scenarios uk_2018 brexit` for a part. A revision is unpacked as a package of its own
(bench_ab.unpack): with `--new`, files edited while it runs change nothing. A change meant
only for speed or structure must print "16 of 16"; tests/test_golden.py checks fewer,
shorter runs. Exits 1 if any table differs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

from bench_ab import ROOT, unpack

# (scenario, months, seed, overrides): every shipped scenario, the paradox module on twice,
# events brought forward to fire inside the run, and the switchable rules' other branches
RUNS = (
    ("uk_2018", 120, 2, {}),
    ("uk_2018", 120, 3, {}),
    ("uk_2018", 96, 4, {"paradox": True}),
    ("no_coopetition", 120, 2, {}),
    ("no_coopetition", 96, 3, {}),
    ("baseline", 120, 5, {}),
    ("baseline", 96, 6, {"paradox": True}),
    ("disease_outbreak", 96, 2, {"disease_start": 24}),
    ("brexit", 96, 2, {"brexit_month": 36}),
    ("price_slump", 120, 2, {}),
    ("fibre_boom", 96, 2, {}),
    ("uk_turbulence", 160, 2, {"disease_start": 20, "brexit_month": 80}),
    ("uk_national", 48, 2, {}),
    ("uk_2000", 96, 2, {}),
    ("maturing_industry", 96, 2, {}),
    (
        "baseline",
        72,
        7,
        {
            "deliberate_cheating": False,
            "strategy_learning": False,
            "mating_plans": False,
            "n_breeders": 600,
        },
    ),
)


def same(a, b) -> bool:
    """Both runs' model_df and agent_df equal, shape and values (NaN equal to NaN)."""
    return all(
        getattr(a, t).shape == getattr(b, t).shape and getattr(a, t).equals(getattr(b, t))
        for t in ("model_df", "agent_df")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision to compare against")
    parser.add_argument("--new", default=None, help="git revision (default: the working tree)")
    parser.add_argument("--scenarios", nargs="+", default=None, help="only these scenarios")
    args = parser.parse_args()
    runs = [r for r in RUNS if args.scenarios is None or r[0] in args.scenarios]
    with tempfile.TemporaryDirectory() as tmp:
        unpack(args.base, Path(tmp))  # as alpaca_base
        sys.path.insert(0, tmp)
        base = importlib.import_module("alpaca_base.runner")
        if args.new is None:
            sys.path.insert(0, str(ROOT))
            new = importlib.import_module("alpaca_abm.runner")
        else:
            new_dir = Path(tmp) / "new"
            new_dir.mkdir()
            unpack(args.new, new_dir)
            (new_dir / "alpaca_base").rename(new_dir / "alpaca_new")
            sys.path.insert(0, str(new_dir))
            new = importlib.import_module("alpaca_new.runner")
        label = args.new or "working tree"
        print(f"base: {args.base} | new: {label} ({Path(new.__file__).parent})\n")
        n_same = 0
        for scenario, months, seed, overrides in runs:
            t = time.process_time()
            a = base.run(scenario, steps=months, rng=seed, **overrides)
            b = new.run(scenario, steps=months, rng=seed, **overrides)
            ok = same(a, b)
            n_same += ok
            print(
                f"{'same' if ok else 'DIFFER':>6}  {scenario} {months} months, seed {seed} "
                f"{overrides or ''} ({time.process_time() - t:.0f} s CPU)",
                flush=True,
            )
        print(f"\n{n_same} of {len(runs)} runs with identical model_df and agent_df")
    return 0 if n_same == len(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
