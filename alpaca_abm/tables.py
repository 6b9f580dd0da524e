"""Growable tables: the one helper that the herd, the firm table, the contracts, the trust
ledger and the disease state share to grow their columns together.

A table is a struct of numpy arrays (one per column, rows first) and a count of rows in
use; appending past the capacity doubles it, so appends cost amortised O(1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def grow_columns(
    table: object,
    names: Iterable[str],
    n_used: int,
    needed: int,
    fill: Mapping[str, Any] | None = None,
) -> None:
    """Make the columns `names` of `table` hold at least `needed` rows, keeping the first
    `n_used`: the capacity doubles (or jumps to `needed`); new rows hold `fill[name]`, else 0."""
    names = tuple(names)
    capacity = len(getattr(table, names[0]))
    if needed <= capacity:
        return
    new_capacity = max(2 * capacity, needed)
    fill = fill or {}
    for name in names:
        old = getattr(table, name)
        grown = np.full((new_capacity, *old.shape[1:]), fill.get(name, 0), dtype=old.dtype)
        grown[:n_used] = old[:n_used]
        setattr(table, name, grown)
