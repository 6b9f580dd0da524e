"""Orders of arrays that several mechanisms need, as numpy's stable sort gives them but
cheaper: the stable order of a key (of a float key, of small integers), by group then value,
the first q of that order without sorting the rest, each group's first rows of it, the k
largest values in order, the distinct values of an array in order, and where values sit in
a sorted array (found or not); and the sums and means of short rows (the knowledge domains,
a ledger's 12 months) as numpy's reduction adds them.

Results are exactly those of `np.argsort(key, kind="stable")` (equal keys in index order)
and of `values.sum(axis=-1)`, so a mechanism may use them without changing any draw or
result.
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


HEAD_BUCKETS = 16  # buckets of the coarse count in group_heads


def group_heads(
    key: np.ndarray,
    group: np.ndarray,
    within: np.ndarray,
    take: np.ndarray,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """The stable order of `key` (np.argsort(key, kind="stable")) with only each group's
    first take[g] rows kept, without sorting the rest. `key` must sort group-major (every key
    of a group below every key of a higher group; `group`: integers, none negative) and
    `within` be a non-decreasing function of `key` inside each group (a float; equal keys,
    equal values).

    A count of each group's rows by bucket of `within` finds the bucket its take[g]-th row
    falls in; the rows of higher buckets cannot be among its first take[g], and only the
    others are sorted (a few thousand of a listing's 60,000 candidates). `groups`: the
    groups that may have rows, ascending (any without rows are passed over), when known."""
    n = len(key)
    lo, hi = (float(within.min()), float(within.max())) if n >= RADIX_FROM else (0.0, 0.0)
    scale = HEAD_BUCKETS / (hi - lo) if hi > lo else np.inf
    if not np.isfinite(scale):  # few rows, one value or NaN: sort them all
        keep = np.arange(n)
    else:
        bucket = ((within - lo) * scale).astype(np.int64)
        np.minimum(bucket, HEAD_BUCKETS - 1, out=bucket)
        present = np.flatnonzero(np.bincount(group)) if groups is None else groups
        place = np.zeros(present[-1] + 1, dtype=np.int64)
        place[present] = np.arange(len(present))
        g = place[group]
        count = np.bincount(g * HEAD_BUCKETS + bucket, minlength=len(present) * HEAD_BUCKETS)
        upto = np.cumsum(count.reshape(len(present), HEAD_BUCKETS), axis=1)
        need = np.minimum(take[present], upto[:, -1])
        last = np.argmax(upto >= need[:, None], axis=1)  # the bucket of the need-th row
        keep = np.flatnonzero(bucket <= last[g])  # index order: ties stay in it below
    order = keep[stable_order(key[keep])]
    o = group[order]
    return order[run_rank(o) < take[o]]


def run_rank(ranked: np.ndarray) -> np.ndarray:
    """Each entry's place in its run of equal values of a sorted array (0 for a run's first):
    np.arange(n) - np.searchsorted(ranked, ranked), in two linear passes."""
    index = np.arange(len(ranked))
    if len(ranked) == 0:
        return index
    start = np.where(_run_starts(ranked), index, 0)
    np.maximum.accumulate(start, out=start)
    index -= start
    return index


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


def group_major_order(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """np.lexsort((values, groups)) for integer groups in [0, n_groups): by group, then value,
    then index, as two stable sorts (numpy's lexsort with a float key takes several times as
    long)."""
    by_value = np.argsort(values, kind="stable")
    return by_value[stable_order_below(groups[by_value], n_groups)]


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
    return ranked[_run_starts(ranked)]


def sorted_lookup(ranked: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `values` would sit in the sorted, non-empty array `ranked` (its
    searchsorted position, at most the last) and whether it is there: ranked[at] == value."""
    at = np.searchsorted(ranked, values)
    np.minimum(at, len(ranked) - 1, out=at)
    return at, ranked[at] == values


def _run_starts(ranked: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted, non-empty array starts (a mask)."""
    first = np.empty(len(ranked), dtype=bool)
    first[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:])
    return first


PAIRWISE_UNROLL = 8  # numpy's pairwise sum: fewer values than this are added one by one,
PAIRWISE_BLOCK = 128  # up to this many in eight running sums, combined in a fixed order


def _by_columns(values: np.ndarray) -> bool:
    """Whether row_sum repeats numpy's additions for `values`: 2-d float64 rows of at most
    PAIRWISE_BLOCK values (other arrays take numpy's own sum and mean)."""
    return values.dtype == np.float64 and values.ndim == 2 and 0 < values.shape[1] <= PAIRWISE_BLOCK


def row_sum(values: np.ndarray) -> np.ndarray:
    """`values.sum(axis=-1)` of a 2-d float64 array bit for bit, by whole columns.

    numpy sums each short row (up to PAIRWISE_BLOCK values) from +0.0: fewer than
    PAIRWISE_UNROLL values one after another; more in eight running sums (value j into sum
    j mod 8, in blocks of eight), combined as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) +
    (s6 + s7)), then the values left over one by one. The same additions done column by
    column over all rows (the knowledge domains, the 12 months of a ledger) take a few
    passes instead of numpy's reduction per short row (two to four times faster)."""
    if not _by_columns(values):
        return values.sum(axis=-1)
    width = values.shape[1]
    if width < PAIRWISE_UNROLL:
        total = values[:, 0] + 0.0  # (from +0.0: a row of -0.0 sums to +0.0)
        for column in range(1, width):
            total += values[:, column]
        return total
    sums = [values[:, j].copy() for j in range(PAIRWISE_UNROLL)]
    done = width - width % PAIRWISE_UNROLL
    for start in range(PAIRWISE_UNROLL, done, PAIRWISE_UNROLL):
        for j in range(PAIRWISE_UNROLL):
            sums[j] += values[:, start + j]
    total, right = sums[0] + sums[1], sums[4] + sums[5]
    total += sums[2] + sums[3]
    right += sums[6] + sums[7]
    total += right
    for column in range(done, width):
        total += values[:, column]
    total += 0.0  # (the sum starts from +0.0)
    return total


def row_mean(values: np.ndarray) -> np.ndarray:
    """`values.mean(axis=-1)` bit for bit: numpy's mean is the sum (row_sum) divided by the
    number of columns."""
    if not _by_columns(values):
        return values.mean(axis=-1)
    total = row_sum(values)
    total /= values.shape[1]
    return total
