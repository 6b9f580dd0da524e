"""Orders of arrays that several mechanisms need, as numpy's stable sort gives them but
cheaper: the stable order of a key (of a float key, of small integers), the first q of that
order without sorting the rest, the k largest values in order, and the distinct values of an
array in order.

Results are exactly those of `np.argsort(key, kind="stable")` (equal keys in index order),
so a mechanism may use them without changing any draw or result.
"""

from __future__ import annotations

import numpy as np

RADIX_FROM = 4096  # keys at least this long are ordered by radix passes (about twice as
# fast as numpy's sort for the 50,000 keys of a month's listing; no faster for a few thousand)
_SIGN = np.uint64(1 << 63)
_DIGIT = np.uint64(0xFFFF)


def stable_order(key: np.ndarray) -> np.ndarray:
    """np.argsort(key, kind="stable") of a key without NaN, faster: a long float key by
    radix passes (`radix_order`); else the default sort, which gives the same order when no
    two keys are equal, and the stable sort decides when some are."""
    if len(key) >= RADIX_FROM and key.dtype == np.float64:
        return radix_order(key)
    order = np.argsort(key)
    ranked = key[order]
    if (ranked[1:] == ranked[:-1]).any():
        return np.argsort(key, kind="stable")
    return order


def stable_smallest(
    key: np.ndarray, q: int, ordered: bool = True, cut: float | None = None
) -> np.ndarray:
    """np.argsort(key, kind="stable")[:q] without sorting all of `key`: the q smallest keys
    (equal keys in index order) are found by a partition and only they are sorted; with
    `ordered` False, the same rows in index order (when only which rows matters). `cut`:
    the q-th smallest key, when already known (no partition then)."""
    if q <= 0:
        return np.zeros(0, dtype=np.intp)
    if q >= len(key):
        order = np.argsort(key, kind="stable")
        return order if ordered else np.sort(order)
    if cut is None:
        cut = np.partition(key, q - 1)[q - 1]  # the q-th smallest key
    if np.isnan(cut):  # NaN sorts last: leave it to the full sort
        order = np.argsort(key, kind="stable")[:q]
        return order if ordered else np.sort(order)
    below = np.flatnonzero(key < cut)
    rows = np.concatenate((below, np.flatnonzero(key == cut)[: q - len(below)]))
    rows.sort()  # index order, so that the stable sort below keeps it among equal keys
    return rows[np.argsort(key[rows], kind="stable")] if ordered else rows


def largest(values: np.ndarray, k: int) -> np.ndarray:
    """np.sort(values)[::-1][:k], the k largest values largest first, without sorting all of
    `values` when k is small: a partition finds them and only they are sorted (the same
    values; -0.0 and 0.0, equal, may change places as in any unstable sort)."""
    n = len(values)
    if k <= 0 or 2 * k >= n:
        return np.sort(values)[::-1][:k]
    return np.sort(np.partition(values, n - k)[n - k :])[::-1]


def stable_order_below(values: np.ndarray, bound: int) -> np.ndarray:
    """np.argsort(values, kind="stable") of integers in [0, bound), in linear time: numpy
    sorts 16-bit integers stably by counting (ten times its stable sort of 64-bit integers
    for a few thousand), so the values are ordered by one such pass below 2**16, by two (low
    digit, then high) below 2**32."""
    if bound <= 1 << 16:
        return np.argsort(values.astype(np.uint16), kind="stable")
    if bound > 1 << 32:
        return np.argsort(values, kind="stable")
    order = np.argsort((values & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((values[order] >> 16).astype(np.uint16), kind="stable")]


def radix_order(key: np.ndarray) -> np.ndarray:
    """np.argsort(key, kind="stable") of a float64 key without NaN, in linear time: four
    stable passes over its 16-bit digits, least significant first (numpy sorts 16-bit
    integers stably by counting). The bits are first made to sort as the numbers do: -0.0
    becomes 0.0 (they are equal keys), a negative number's bits are inverted and the others'
    sign bit set."""
    bits = (key + 0.0).view(np.uint64)  # (x + 0.0: a copy, and 0.0 for -0.0)
    u = np.where(bits & _SIGN, ~bits, bits | _SIGN)
    order = np.argsort((u & _DIGIT).astype(np.uint16), kind="stable")
    for shift in (16, 32, 48):
        digit = ((u[order] >> np.uint64(shift)) & _DIGIT).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
    return order


def distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) of a 1-d array without NaN: its distinct values in ascending order,
    by one sort (numpy 2's np.unique first hashes the values, then sorts the distinct ones:
    three to four times the time for a few thousand integers)."""
    ranked = np.sort(values)
    if len(ranked) == 0:
        return ranked
    first = np.empty(len(ranked), dtype=bool)
    first[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:])
    return ranked[first]
