"""The market's wiring (trading.py): the helpers that decide what breeders list."""

import numpy as np

from alpaca_abm import herd, trading


def test_stable_order_is_the_stable_sort_with_and_without_ties():
    rng = np.random.default_rng(5)
    distinct = rng.normal(size=1000)
    tied = np.round(distinct, 1)  # many equal keys: the stable sort decides
    for key in (distinct, tied):
        assert np.array_equal(trading._stable_order(key), np.argsort(key, kind="stable"))


def test_breeding_stock_counts_the_breeding_females_of_each_owner():
    """A herd made by hand, female retirement at 180 months. Owner 0: females aged 11 (a
    cria: no), 12 and 100 (yes), 179 (yes) and 180 (retired: no), a dead female of 50 (no);
    owner 1: a male of 50 (no) and a female of 13 (yes); owner 2: nothing. Breeding females
    are rows 1, 2, 3 and 7; owner 0 has 3, owner 1 has 1, owner 2 none."""
    h = herd.Herd(capacity=4)
    h.add(
        owner=np.array([0, 0, 0, 0, 0, 0, 1, 1]),
        female=np.array([True, True, True, True, True, True, False, True]),
        age=np.array([11, 12, 100, 179, 180, 50, 50, 13]),
        alive=np.array([True, True, True, True, True, False, True, True]),
    )
    assert herd.breeding_females(h, 180).tolist() == [1, 2, 3, 7]
    assert herd.breeding_stock(h, 3, 180).tolist() == [3, 1, 0]
    assert herd.breeding_stock(h, 3, 180, females=np.array([1, 7])).tolist() == [1, 1, 0]
