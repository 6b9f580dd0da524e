"""Validation that could have failed: the seeds' propositions tested beyond the arithmetic.

For every proposition of the first seed's Table 1 (P1a-P2c) a designed comparison on two
industries (`uk_2018`, the seed's 29 firms in the directory of 123; `uk_national`, the whole
industry from 2006): the same seeds in every arm (common random numbers), the effect as the
mean paired difference, and beside it the effect the manipulated formula alone predicts
(the arithmetic baseline). A verdict counts only what the model adds beyond that baseline,
on primary outcomes at least one causal step downstream of the formula, with a smallest
effect of interest (SESOI) derived by a stated rule from the pilot and the power the pilot
says the seeds give (an underpowered outcome neither supports nor contradicts).
The coopetition effect is decomposed into its dyadic arm (co-owned studs, knowledge sharing,
referrals) and its industry arm (investment in education and awareness), each on and off
alone and together. P4's shocks each carry a direction fixed in advance. The second seed's
claims are tested on the paradox module with and without the rule that writes each in. One
table compares the patterns, each marked fitted or independent. A Latin hypercube of the
assumed parameters, running every arm, says which parameters flip each verdict.

    python experiments/propositions.py           # the default design: docs/VALIDATION.md, README
    python experiments/propositions.py --budget-minutes 90   # more time: more seeds
    python experiments/propositions.py --quick   # a small design, to results/validation-quick
    python experiments/propositions.py --report-only   # the report again, from saved runs

The package, in the order a reader needs it: `arms` (what each run changes; the
counterfactual, defined once), `sesoi` (the rules every smallest effect of interest comes
from), `claims` (P1a-P2c: outcomes, roles, SESOI rules, baselines),
`baselines` (the arithmetic), `moderation` (P4's directions and the paradox claims),
`design` (size and jobs), `runs` (the sweep engine, alpaca_abm.sweep; saved runs as JSON),
`indicators` (outcomes read from a finished run), `stats` (paired effects, power,
judgements), `analysis`, `robustness`, `patterns_table`, `report`, `readme`, `cli`.
"""

import sys
from pathlib import Path

_EXPERIMENTS = Path(__file__).resolve().parent.parent
for _path in (_EXPERIMENTS.parent, _EXPERIMENTS):  # experiments.engine; patterns, calibrate
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from .arms import ARMS, COUNTERFACTUAL, DYADIC, INDUSTRY, coopetition  # noqa: E402
from .claims import CHECK, PRIMARY, PROPOSITIONS  # noqa: E402
from .cli import main  # noqa: E402
from .moderation import PARADOX_CLAIMS, SHOCKS  # noqa: E402
from .stats import check_passes, judge, paired, seeds_needed, verdict  # noqa: E402

__all__ = [
    "ARMS",
    "CHECK",
    "COUNTERFACTUAL",
    "DYADIC",
    "INDUSTRY",
    "PARADOX_CLAIMS",
    "PRIMARY",
    "PROPOSITIONS",
    "SHOCKS",
    "check_passes",
    "coopetition",
    "judge",
    "main",
    "paired",
    "seeds_needed",
    "verdict",
]
