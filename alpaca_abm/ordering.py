"""Orders of arrays that several mechanisms need, as numpy's stable sort gives them but
cheaper: the stable order of a key, and the first q of that order without sorting the rest.

Results are exactly those of `np.argsort(key, kind="stable")` (equal keys in index order),
so a mechanism may use them without changing any draw or result.
"""

from __future__ import annotations

import numpy as np


def stable_order(key: np.ndarray) -> np.ndarray:
    """np.argsort(key, kind="stable") of a key without NaN, faster: the default sort gives
    the same order when no two keys are equal, and the stable sort decides when some are."""
    order = np.argsort(key)
    ranked = key[order]
    if (ranked[1:] == ranked[:-1]).any():
        return np.argsort(key, kind="stable")
    return order


def stable_smallest(key: np.ndarray, q: int, ordered: bool = True) -> np.ndarray:
    """np.argsort(key, kind="stable")[:q] without sorting all of `key`: the q smallest keys
    (equal keys in index order) are found by a partition and only they are sorted; with
    `ordered` False, the same rows in index order (when only which rows matters)."""
    if q <= 0:
        return np.zeros(0, dtype=np.intp)
    if q >= len(key):
        order = np.argsort(key, kind="stable")
        return order if ordered else np.sort(order)
    cut = np.partition(key, q - 1)[q - 1]  # the q-th smallest key
    if np.isnan(cut):  # NaN sorts last: leave it to the full sort
        order = np.argsort(key, kind="stable")[:q]
        return order if ordered else np.sort(order)
    below = np.flatnonzero(key < cut)
    rows = np.concatenate((below, np.flatnonzero(key == cut)[: q - len(below)]))
    rows.sort()  # index order, so that the stable sort below keeps it among equal keys
    return rows[np.argsort(key[rows], kind="stable")] if ordered else rows
