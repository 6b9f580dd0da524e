"""Smallest effects of interest (SESOI): every one derived from a stated rule, none by hand.

A SESOI is the smallest change a breeder, a breed society or the seed's authors would count
as a change. Each outcome names a rule and the reference column it scales; the number comes
from the reference arm's mean in the pilot (the arm the effect is measured against), so it
is fixed before the seeds that decide the verdict are run. The rules:

- `LEVEL`: a tenth of the reference level (`RELATIVE` x |mean of the scale column|), for
  quantities with a natural zero (GBP, animals, breeders, value, knowledge, ties). Profit per
  breeder crosses zero, so it is scaled by what a breeder spends a year (costs per breeder):
  a change of a tenth of the business it is the margin of.
- `SHARE`: a tenth of the smaller of the share and its complement (of the minority: those
  who fail for a survival share, those who get in for an access share), and at least
  `SHARE_FLOOR` (2 percentage points: a share of the seed's 29 interviewed firms moves by
  3.4 points per firm, so less than 2 could not show in the interviews at all).
- `SCORE`: a tenth of the spread between firms (`RELATIVE` x the reference's sd column), for
  a score with no natural zero (herd quality, an index).
- `UNIT`: a tenth of the unit interval, for the manipulation checks of the paradox claims
  (how far apart the groups compared lie on a 0-1 scale: balance, response style, tension).
- `HUMP`: the inverted U of profit per animal on felt tension: a hump of a tenth of the mean
  profit per animal (`RELATIVE` x |mean|) across half the tension range, taken as two sds of
  felt tension; as a quadratic coefficient, hump / half-range squared. It scales with both
  the profit and the tension the runs produce, so it cannot be mis-scaled against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

RELATIVE = 0.1  # a tenth: of a level, of the minority of a share, of a spread, of a hump
SHARE_FLOOR = 0.02

LEVEL, SHARE, SCORE, UNIT, HUMP = "level", "share", "score", "unit", "hump"
RULES = {
    LEVEL: f"{RELATIVE:.0%} of the reference mean",
    SHARE: f"{RELATIVE:.0%} of the smaller of the reference share and its complement, at least "
    f"{SHARE_FLOOR * 100:.0f} percentage points",
    SCORE: f"{RELATIVE:.0%} of the reference's sd between firms",
    UNIT: f"{RELATIVE:.0%} of the unit interval",
    HUMP: f"a hump of {RELATIVE:.0%} of mean profit per animal over half the tension range "
    "(2 sd), as a quadratic coefficient",
}


@dataclass(frozen=True)
class Sesoi:
    """A SESOI rule and the reference column it scales ('' = the outcome's own column)."""

    rule: str
    scale: str = ""

    def __call__(self, column: str, reference: Mapping[str, float]) -> float:
        """The SESOI of `column` given the reference arm's means (column -> mean); NaN when
        the reference lacks what the rule reads."""
        if self.rule == UNIT:
            return RELATIVE
        if self.rule == HUMP:
            profit = reference.get("pc_profit_per_animal", np.nan)
            half = float(reference.get("pc_tension_halfrange", np.nan))
            return float(RELATIVE * abs(profit) / half**2) if half > 0 else float("nan")
        x = float(reference.get(self.scale or column, np.nan))
        if not np.isfinite(x):
            return float("nan")
        if self.rule == LEVEL:
            return RELATIVE * abs(x)
        if self.rule == SHARE:
            return max(SHARE_FLOOR, RELATIVE * min(x, 1 - x))
        if self.rule == SCORE:
            return RELATIVE * x
        raise ValueError(f"unknown SESOI rule {self.rule!r}")

    def text(self, column: str) -> str:
        scale = self.scale or column
        if self.rule in (UNIT, HUMP):
            return RULES[self.rule]
        return RULES[self.rule] + ("" if scale == column else f" of `{scale}`")


LEVEL_OWN = Sesoi(LEVEL)
SHARE_OWN = Sesoi(SHARE)
PROFIT = Sesoi(LEVEL, "costs_per_breeder")
QUALITY = Sesoi(SCORE, "final_quality_sd")
