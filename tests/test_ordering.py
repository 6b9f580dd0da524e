"""The orders of ordering.py are numpy's stable sort, exactly, with and without ties."""

import numpy as np

from alpaca_abm import ordering
from alpaca_abm.ordering import (
    RADIX_FROM,
    distinct,
    group_heads,
    group_major_order,
    largest,
    radix_order,
    run_rank,
    sorted_lookup,
    stable_order,
    stable_order_below,
    stable_smallest,
)


def test_stable_order_is_the_stable_sort_with_and_without_ties():
    rng = np.random.default_rng(5)
    distinct = rng.normal(size=1000)
    tied = np.round(distinct, 1)  # many equal keys: the stable sort decides
    for key in (distinct, tied):
        assert np.array_equal(stable_order(key), np.argsort(key, kind="stable"))


def test_long_keys_are_ordered_by_radix_passes_exactly_as_the_stable_sort():
    """Keys long enough for the radix path: distinct, tied, signed zeros among negatives and
    positives (-0.0 and 0.0 are equal keys), huge and tiny magnitudes, a listing's combined
    key (owner x 2**21 + judged quality), and a short key through radix_order itself."""
    rng = np.random.default_rng(11)
    n = RADIX_FROM + 123
    distinct = rng.normal(size=n)
    tied = np.round(distinct, 1)
    zeros = np.where(rng.random(n) < 0.3, np.where(rng.random(n) < 0.5, -0.0, 0.0), distinct)
    magnitudes = distinct * 10.0 ** rng.integers(-300, 300, n)
    listing = rng.integers(0, 5000, n) * 2.0**21 + rng.normal(0, 3, n)
    for key in (distinct, tied, zeros, magnitudes, listing, -listing):
        stable = np.argsort(key, kind="stable")
        assert np.array_equal(stable_order(key), stable)
        assert np.array_equal(radix_order(key), stable)
    short = np.array([2.0, -0.0, 1.0, 0.0, -3.0, 2.0])
    assert radix_order(short).tolist() == [4, 1, 3, 2, 0, 5]


def test_stable_smallest_is_the_head_of_the_stable_sort():
    """Random keys, many of them tied (and signed zeros, which sort as equal), every q from
    none to more than all: the first q of the stable order, and the same rows in index order
    when only which rows matters."""
    rng = np.random.default_rng(7)
    for trial in range(400):
        n = int(rng.integers(1, 40))
        key = rng.integers(0, 4, n).astype(float) if trial % 2 else rng.normal(size=n)
        if trial % 5 == 0:
            key[rng.random(n) < 0.3] = -0.0
        for q in range(n + 2):
            head = np.argsort(key, kind="stable")[:q]
            assert np.array_equal(stable_smallest(key, q), head)
            assert np.array_equal(stable_smallest(key, q, ordered=False), np.sort(head))
            if 0 < q <= n:  # the q-th smallest key given: the same rows
                cut = float(np.sort(key)[q - 1])
                assert np.array_equal(stable_smallest(key, q, cut=cut), head)


def test_distinct_is_np_unique_of_integers_and_floats_with_repeats_or_none():
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 7, 5_000):
        for values in (rng.integers(-40, 40, n), rng.integers(0, 2**40, n), rng.normal(size=n)):
            values = np.r_[values, values[: n // 2]]  # repeats
            got = distinct(values)
            assert got.dtype == values.dtype
            assert np.array_equal(got, np.unique(values))


def test_largest_are_the_head_of_the_descending_sort():
    """Random values with ties, NaN (sorted as the largest) and too few values, every k from
    none to more than all: the values of np.sort(values)[::-1][:k]."""
    rng = np.random.default_rng(9)
    for trial in range(300):
        n = int(rng.integers(0, 60))
        values = rng.integers(0, 5, n).astype(float) if trial % 2 else rng.normal(size=n)
        if trial % 7 == 0 and n:
            values[rng.random(n) < 0.2] = np.nan
        for k in range(n + 2):
            want = np.sort(values)[::-1][:k]
            assert np.array_equal(largest(values, k), want, equal_nan=True)


def test_stable_order_below_is_the_stable_sort_of_small_and_wide_integers():
    """Integers below 2**16 (one counting pass), below 2**32 (two) and wider (numpy's sort),
    many of them equal: exactly the stable sort."""
    rng = np.random.default_rng(13)
    for bound in (1, 7, 1 << 16, (1 << 16) + 1, 1 << 20, 1 << 32, 1 << 40):
        for n in (0, 1, 50, 3_000):
            values = rng.integers(0, min(bound, 1 << 40), n)
            values[: n // 3] = values[n // 3 : 2 * (n // 3)]  # repeats
            got = stable_order_below(values, bound)
            assert np.array_equal(got, np.argsort(values, kind="stable"))


def _group_heads_by_sorting(key, group, take):
    order = np.argsort(key, kind="stable")
    o = group[order]
    rank = np.arange(len(o)) - np.searchsorted(o, o)
    return order[rank < take[o]]


def test_group_heads_are_each_groups_first_rows_of_the_stable_order():
    """Listing-like keys (group x 2**21 + a value, rounded: equal keys within a group),
    groups of skewed sizes, takes from none to more than the group, a few huge values that
    stretch the buckets, short keys (all sorted) and one value throughout: exactly each
    group's first take[g] rows of the stable sort, in its order."""
    rng = np.random.default_rng(17)
    for trial in range(40):
        n = int(rng.choice([10, 500, RADIX_FROM + 1, 3 * RADIX_FROM]))
        n_groups = int(rng.integers(1, 3000))
        group = np.minimum(rng.geometric(min(1.0, 3.0 / n_groups), n) - 1, n_groups - 1)
        value = np.round(rng.normal(0, 3, n), int(rng.integers(0, 4)))
        if trial % 4 == 1:
            value[rng.random(n) < 0.001] = 2.0**18
        if trial % 10 == 3:
            value[:] = 1.5
        base = group.astype(np.float64) * 2.0**21
        key = base + value
        take = rng.integers(0, 6, n_groups)
        take[rng.random(n_groups) < 0.2] = 10_000
        got = group_heads(key, group, key - base, take)
        assert np.array_equal(got, _group_heads_by_sorting(key, group, take))
        # the groups given, with some that have no rows among them: the same rows
        groups = np.union1d(group, rng.integers(0, n_groups, 50))
        assert np.array_equal(group_heads(key, group, key - base, take, groups), got)


def test_row_sum_and_mean_are_numpys_bit_for_bit():
    """Sums and means by whole columns equal numpy's of each row exactly (widths 1 to 17,
    the 12 months of a ledger, up to and past numpy's pairwise block of 128; rows strided
    or not, values of mixed scales and signs of zero); other dtypes take numpy's own."""
    rng = np.random.default_rng(11)
    for width in (*range(1, 18), 24, 100, 128, 130):
        values = rng.random((2_001, width)) * rng.choice([-1e-3, 1.0, 1e6], (2_001, width))
        for v in (values, values[::3]):
            assert np.array_equal(ordering.row_mean(v), v.mean(axis=-1))
            assert np.array_equal(ordering.row_sum(v), v.sum(axis=-1))
    for zeros in (np.full((2, 3), -0.0), np.full((2, 12), -0.0)):
        zeros[1, ::2] = 0.0
        for mine, numpys in ((ordering.row_sum, np.sum), (ordering.row_mean, np.mean)):
            assert np.array_equal(np.signbit(mine(zeros)), np.signbit(numpys(zeros, axis=-1)))
    small = rng.random((50, 3)).astype(np.float32)
    assert np.array_equal(ordering.row_mean(small), small.mean(axis=-1))
    assert ordering.row_mean(small).dtype == np.float32


def test_run_rank_is_the_place_in_each_run_of_equal_values():
    rng = np.random.default_rng(9)
    for ranked in (np.sort(rng.integers(0, 50, 2000)), np.zeros(0, dtype=np.int64), np.array([7])):
        expected = np.arange(len(ranked)) - np.searchsorted(ranked, ranked)
        assert np.array_equal(run_rank(ranked), expected)
    assert run_rank(np.array([3, 3, 5, 5, 5, 9])).tolist() == [0, 1, 0, 1, 2, 0]


def test_group_major_order_is_numpys_lexsort():
    """By group, then value, then index, exactly as np.lexsort((values, groups)): ties of
    value within a group, -0.0 beside 0.0, NaN and infinities, groups past 2**16 and none."""
    rng = np.random.default_rng(5)
    for n, n_groups in ((0, 3), (1, 1), (500, 7), (4_000, 300), (3_000, 70_000)):
        groups = rng.integers(0, n_groups, n)
        values = rng.integers(-3, 4, n).astype(float)  # many equal values
        values[rng.random(n) < 0.1] = -0.0
        values[rng.random(n) < 0.05] = np.nan
        values[rng.random(n) < 0.05] = -np.inf
        expected = np.lexsort((values, groups))
        assert np.array_equal(group_major_order(groups, values, n_groups), expected)


def test_sorted_lookup_finds_present_values_and_clips_past_the_end():
    """Positions are np.searchsorted's, clipped to the last index (values past the end);
    found is exact membership, as np.isin gives it."""
    rng = np.random.default_rng(11)
    for ranked in (np.array([4]), np.sort(rng.choice(1_000, 300, replace=False))):
        values = rng.integers(-5, 1_010, 2_000)
        at, found = sorted_lookup(ranked, values)
        expected = np.minimum(np.searchsorted(ranked, values), len(ranked) - 1)
        assert np.array_equal(at, expected)
        assert np.array_equal(found, np.isin(values, ranked))
        assert np.array_equal(ranked[at[found]], values[found])
    at, found = sorted_lookup(np.array([2, 5, 9]), np.array([9, 10, 1, 5]))
    assert at.tolist() == [2, 2, 0, 1] and found.tolist() == [True, False, False, True]
