"""Arithmetic baselines: the effect the manipulated formula alone predicts, seed by seed.

Each baseline reads the outcomes of one seed's reference run and arm run (dicts of floats)
and returns the difference arm - reference that the manipulated formula predicts when
everything downstream of it stays as it was in the reference run. A verdict counts only what
the model adds beyond it. `ZERO` is the baseline of an outcome the manipulated formula does
not enter: arithmetic alone predicts no change there, and every change is the model's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from alpaca_abm import rivalry

Row = dict[str, float]


@dataclass(frozen=True)
class Baseline:
    text: str  # what the formula is and what it predicts, in words
    predict: Callable[[Row, Row], float]

    def __call__(self, reference: Row, arm: Row) -> float:
        try:
            value = float(self.predict(reference, arm))
        except (KeyError, ZeroDivisionError, TypeError):
            return float("nan")
        return value if np.isfinite(value) else float("nan")


ZERO = Baseline(
    "none: the manipulated formula does not enter this outcome, so arithmetic alone predicts "
    "no change; all of the effect runs through the model",
    lambda ref, arm: 0.0,
)


def _clash_ratio(ref: Row, arm: Row) -> float:
    """Conflict rate in the arm over the reference from the chosen pairs' chemistry alone
    (clash_factor is linear, so the mean chemistry gives the mean factor)."""
    return float(
        rivalry.clash_factor(np.array(arm["chosen_chemistry"]))
        / rivalry.clash_factor(np.array(ref["chosen_chemistry"]))
    )


CONFLICTS_FROM_CHEMISTRY = Baseline(
    "the conflict chance is multiplied by clash_factor(chemistry) (rivalry.py); the change "
    "in the chosen pairs' chemistry alone predicts conflicts x clash(arm) / clash(reference)",
    lambda ref, arm: ref["conflicts_per_contract_month"] * (_clash_ratio(ref, arm) - 1),
)
SURVIVAL_FROM_CHEMISTRY = Baseline(
    "conflicts end contracts with a fixed chance each; if only the conflict rate changed (by "
    "clash_factor of the chosen chemistry), the share ended by conflict would scale with it: "
    "survival changes by -(share ended by conflict) x (clash ratio - 1)",
    lambda ref, arm: -ref["ended_by_conflict_share"] * (_clash_ratio(ref, arm) - 1),
)
MARKET_FROM_AWARENESS = Baseline(
    "outside (pet) buyers arrive in proportion to the pool's size over its base, which "
    "awareness raises (market.pool_potential, trading.py): sales to outside buyers in the "
    "last year x (pool ratio in the arm / in the reference - 1)",
    lambda ref, arm: (
        ref["pet_sales_last_year"] * (arm["pool_ratio_last_year"] / ref["pool_ratio_last_year"] - 1)
    ),
)
ENTRY_FROM_AWARENESS = Baseline(
    "entry is proportional to the pool's size over its base (finance.py): entrants over the "
    "run x (mean pool ratio in the arm / in the reference - 1), all of them still in business",
    lambda ref, arm: ref["entrants"] * (arm["pool_ratio_mean"] / ref["pool_ratio_mean"] - 1),
)
PROFIT_FROM_EDUCATION_COST = Baseline(
    "investors pay education_cost a year (finance.py): profit per breeder changes by minus "
    "the change in education_cost x the investors' share of breeders",
    lambda ref, arm: -(arm["education_paid_per_breeder"] - ref["education_paid_per_breeder"]),
)
