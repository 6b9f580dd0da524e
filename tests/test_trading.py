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
    from alpaca_abm import AlpacaModel

    m = AlpacaModel(rng=0, n_breeders=12)
    h, retire = m.herd, m.scenario.female_retire_age
    rows = herd.breeding_females(h, retire)
    age = h.view("age")[rows]
    assert h.view("female")[rows].all() and h.view("alive")[rows].all()
    assert ((age >= trading.PET_SALE_AGE) & (age < retire)).all()
    grown = h.view("female") & (h.view("age") >= trading.PET_SALE_AGE) & (h.view("age") < retire)
    assert np.array_equal(
        herd.breeding_stock(h, m.firms.n, retire), h.counts_by_owner(m.firms.n, grown)
    )
