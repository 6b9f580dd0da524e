"""Pattern-oriented validation: every proposition of the seed's Table 1 tested on the model.

For P1a-P2c a designed comparison on two industries (`uk_2018`, the seed's 29 firms in the
directory of 123; `uk_national`, the whole industry from 2006), 120 months each: the
mechanism on vs off (or high vs low), the same seeds in every arm (common random numbers),
the effect as the mean paired difference with a 95% t-interval. Each outcome has a role fixed
here before the run: primary (the verdict rests on it), manipulation check (did the
intervention change what it was meant to change), secondary, or definitional (true by
construction: listed apart, never counted as support). A pilot of the first seeds gives the
sd of every primary effect; the power calculation says how many seeds its smallest effect of
interest needs, and the design uses at least that (between --seeds and --max-seeds). Each
verdict is re-estimated over a Latin hypercube of the assumed parameters (alpaca_abm.sweep's
design machinery), with first-order Sobol' indices (RBD-FAST, SALib) and the parameters that
flip it. P3 regresses outcomes on practices drawn over their ranges; P4 asks whether shocks
change the coopetition effect. The seed's Table 4 is compared as a pattern (simulated share
of firms vs the seed's share of 29, with intervals); the 7/15/7 split and the public series
the calibration fits are shown apart, as fitted, not evidence.

    python experiments/propositions.py           # default design, writes docs/VALIDATION.md
    python experiments/propositions.py --quick   # a small design, to results/validation-quick
    python experiments/propositions.py --seeds 10 --max-seeds 10 --industries uk_2018
    python experiments/propositions.py --report-only   # the report again, from saved runs

Runtime, measured on this 2-core machine, idle (2026-12-01): the default design (1,096 runs)
took 19.6 minutes of wall time with 2 workers, 37.5 CPU-minutes in the runs; --quick about
4 CPU-minutes. Raw per-run results go to
results/validation*/ (runs.csv, power.csv, robustness_points.csv, p3_*.csv, results.json).

The package, in the order a reader needs it:

- `design`: the arms, shocks, propositions with their outcomes and roles, the `Design` and
  the jobs it runs (arm, seed, months, overrides);
- `runs`: the jobs as sweeps of the project's sweep engine (`alpaca_abm.sweep`, one store
  per sweep in results/validation*/stores/, resumed if interrupted; each point one job with
  its own seed), the run functions the engine calls, and the saved runs (JSON, never code);
- `analysis`: paired effects, power, robustness, P3, P4, Table 4 and the splits;
- `report`: docs/VALIDATION.md and its figures;
- `cli`: the command line (`python -m experiments.propositions`, or the thin script
  experiments/propositions.py).
"""

import sys
from pathlib import Path

_EXPERIMENTS = Path(__file__).resolve().parent.parent
for _path in (_EXPERIMENTS.parent, _EXPERIMENTS):  # experiments.engine; patterns, calibrate
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from .analysis import analyse_propositions, seeds_needed, verdict  # noqa: E402
from .cli import main  # noqa: E402
from .design import (  # noqa: E402
    ARMS,
    CHECK,
    DEFINITIONAL,
    DEFINITIONAL_CHECKS,
    FIRST_VALIDATION,
    JUDGING_CHANGES,
    PRIMARY,
    PROPOSITIONS,
    robustness_parameters,
)
from .report import wilson  # noqa: E402
from .runs import load_runs, save_runs  # noqa: E402

__all__ = [
    "ARMS",
    "CHECK",
    "DEFINITIONAL",
    "DEFINITIONAL_CHECKS",
    "FIRST_VALIDATION",
    "JUDGING_CHANGES",
    "PRIMARY",
    "PROPOSITIONS",
    "analyse_propositions",
    "load_runs",
    "main",
    "robustness_parameters",
    "save_runs",
    "seeds_needed",
    "verdict",
    "wilson",
]
