"""The market's wiring (trading.py): the helpers that decide what breeders list."""

import numpy as np

from alpaca_abm import trading


def test_stable_order_is_the_stable_sort_with_and_without_ties():
    rng = np.random.default_rng(5)
    distinct = rng.normal(size=1000)
    tied = np.round(distinct, 1)  # many equal keys: the stable sort decides
    for key in (distinct, tied):
        assert np.array_equal(trading._stable_order(key), np.argsort(key, kind="stable"))
