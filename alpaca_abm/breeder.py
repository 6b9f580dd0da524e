"""Breeders: the firm table, one row per micro-firm, numpy arrays.

State lives in `FirmTable` so that a month's decisions run as array operations for the
whole industry; a breeder is its row (there is no agent object per breeder: docs/ODD.md).
"""

from __future__ import annotations

import numpy as np

from .tables import grow_columns

HEALTH, BREEDING, MARKETING = 0, 1, 2
DOMAINS = ("health", "breeding", "marketing")
SMALL_HERD = 50  # seed §3.3 splits the directory at 50 alpacas

_FIELDS: dict[str, tuple[type, tuple[int, ...]]] = {
    "active": (np.bool_, ()),
    "x_km": (np.float64, ()),  # projected east-west position
    "y_km": (np.float64, ()),  # projected north-south position
    "place": (np.int32, ()),  # row of uk_places (region)
    "founded": (np.int32, ()),  # calendar year of founding
    "entered_step": (np.int32, ()),
    "exited_step": (np.int32, ()),
    "seed_firm": (np.int32, ()),  # 1..29 for a firm of the seed's Table 2, else -1
    "synthetic": (np.bool_, ()),
    "directory": (np.bool_, ()),  # in the commercial tier: the 123-breeder directory (seed §3.3)
    "cash": (np.float64, ()),
    "revenue": (np.float64, ()),  # this month
    "costs": (np.float64, ()),  # this month
    # the last 12 months, one slot per calendar month (step % 12)
    "revenue_ring": (np.float64, (12,)),
    "costs_ring": (np.float64, (12,)),
    "sales_ring": (np.float64, (12,)),
    "sales_value_ring": (np.float64, (12,)),
    "loss_months": (np.int32, ()),  # consecutive months of economic loss
    "insolvent_months": (np.int32, ()),  # consecutive months of negative equity (credit.py)
    "owner_in": (np.float64, ()),  # this month: lifestyle money the owner paid in
    "owner_paid": (np.float64, ()),  # this calendar year: lifestyle money the owner paid in
    "interest_paid": (np.float64, ()),  # cumulative: overdraft interest paid
    "stock_value": (np.float64, ()),  # the herd at market value, at the end of the month
    "acct_profit": (np.float64, ()),  # this month: revenue - costs + change in stock value
    "acct_profit_ring": (np.float64, (12,)),  # the last 12 months' accounting profit
    "knowledge": (np.float64, (3,)),
    "core_domain": (np.int8, ()),
    "openness": (np.float64, ()),
    "opportunism": (np.float64, ()),
    "related_background": (np.bool_, ()),
    "owner_age": (np.float64, ()),
    "target_herd": (np.float64, ()),
    "investor": (np.bool_, ()),
    "exports": (np.bool_, ()),
    "niche": (np.int8, ()),  # 0 breeding stock, 1 fibre, 2 pets and experiences
    "reputation": (np.float64, ()),
    "elite_access_step": (np.int32, ()),
    "wants": (np.int32, ()),
    "restricted": (
        np.bool_,
        (),
    ),  # under movement restrictions (disease)  # breeding females it wants to buy
    # cumulative counters for the accounting of animals
    "births": (np.int64, ()),
    "deaths": (np.int64, ()),
    "culled": (np.int64, ()),  # reactors slaughtered under disease control
    "sold_out": (np.int64, ()),  # animals sold to anyone (breeders or outside buyers)
    "bought_in": (np.int64, ()),
    "sales_count": (np.float64, ()),  # this month
    "sales_value": (np.float64, ()),  # this month
    # --- competition inside coopetition (rivalry.py; issue 14) ---
    "protection": (np.float64, ()),  # share of its core domain kept from partners (strategy)
    "believed_detection": (np.float64, ()),  # its belief in the chance overuse is caught
    "knowledge_received": (np.float64, ()),  # this year, GBP: what partners' knowledge earned it
    "core_leak_cost": (np.float64, ()),  # this year, GBP: sales lost to what partners learned
    "sales_lost_to_partners": (np.float64, ()),  # cumulative: sales lost to partners' learning
    "displaced_matings": (np.int64, ()),  # cumulative: its quota matings a partner's overuse took
    "displaced_fees": (np.float64, ()),  # cumulative: fees paid to hire for those females
}
UNSET = -1.0  # protection and believed_detection of a new row until the scenario fills them


class FirmTable:
    """Growable struct-of-arrays of all breeders ever present; rows are never reused."""

    def __init__(self, capacity: int = 256) -> None:
        self.n = 0
        for name, (dtype, shape) in _FIELDS.items():
            setattr(self, name, np.zeros((capacity, *shape), dtype=dtype))

    @property
    def capacity(self) -> int:
        return len(self.active)

    def view(self, name: str) -> np.ndarray:
        """The filled part of one column."""
        return getattr(self, name)[: self.n]

    def add(self, k: int, **columns: np.ndarray) -> np.ndarray:
        """Append `k` breeders; return their rows."""
        grow_columns(self, _FIELDS, self.n, self.n + k)
        rows = np.arange(self.n, self.n + k)
        defaults = {
            "active": True,
            "exited_step": -1,
            "seed_firm": -1,
            "elite_access_step": -999,
            "protection": UNSET,
            "believed_detection": UNSET,
        }
        for name in _FIELDS:
            getattr(self, name)[rows] = columns.get(name, defaults.get(name, 0))
        self.n += k
        return rows

    def fill_strategies(
        self,
        protection: float,
        believed_detection: float,
        protection_sd: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> None:
        """Give new breeders the scenario's starting protection (spread by `protection_sd`,
        drawn only when it is above 0) and its belief in detection."""
        col = self.view("protection")
        new = np.flatnonzero(col < 0)
        if len(new):
            spread = protection_sd > 0 and rng is not None
            draw = rng.normal(protection, protection_sd, len(new)) if spread else protection
            col[new] = np.clip(draw, 0.0, 1.0)
        belief = self.view("believed_detection")
        belief[belief < 0] = believed_detection

    def active_rows(self) -> np.ndarray:
        """Rows of breeders still in business."""
        return np.flatnonzero(self.view("active"))

    def state(self) -> dict[str, np.ndarray]:
        """Copies of the filled columns (for checkpoints and tests)."""
        return {name: self.view(name).copy() for name in _FIELDS}


def size_class(herd_size: np.ndarray) -> np.ndarray:
    """'small' below 50 alpacas, 'large' from 50, as the seed's directory splits them."""
    return np.where(herd_size < SMALL_HERD, "small", "large")
