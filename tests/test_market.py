"""Markets as pure functions: clearing price, premiums, matching with referrals, fibre pool."""

import numpy as np

from alpaca_abm import market


def test_price_falls_when_supply_doubles_at_fixed_demand():
    p1 = market.clearing_price(5000, demand=100, supply=100, flexibility=0.6)
    p2 = market.clearing_price(5000, demand=100, supply=200, flexibility=0.6)
    assert p2 < p1 and abs(p1 - 5000) < 1e-9


def test_demand_drop_lowers_price_at_equal_supply():
    high = market.clearing_price(5000, demand=120, supply=100, flexibility=0.6)
    low = market.clearing_price(5000, demand=60, supply=100, flexibility=0.6)
    assert low < high


def test_better_animal_and_better_marketer_fetch_more():
    prices = market.animal_prices(
        3000, np.array([60.0, 50.0, 50.0]), 50.0, 0.03, np.array([0.0, 0.0, 1.0]), 0.5
    )
    assert prices[0] > prices[1] and prices[2] > prices[1]


def test_cheaper_stock_brings_more_outside_buyers():
    assert market.buyers_at_price(10, 2500, 5000, 0.6) > market.buyers_at_price(10, 5000, 5000, 0.6)


def test_matching_never_sells_more_than_stock_nor_to_oneself():
    rng = np.random.default_rng(3)
    stock = np.array([3, 0, 5, 1])
    buyers = np.array([-1] * 20 + [0, 0, 2, 2])
    m = market.match_buyers(buyers, np.ones(4), stock, None, 0.5, rng)
    assert (np.bincount(m.seller, minlength=4) <= stock).all()
    assert not (m.buyer == m.seller).any()
    assert len(m.seller) + m.lost == len(buyers)


def test_referrals_to_partners_save_enquiries():
    stock = np.array([0, 50, 0, 50])
    partner_of = np.array([1, 0, 3, 2])
    sold_with, sold_without = [], []
    for seed in range(20):
        buyers = np.full(40, -1)
        with_ref = market.match_buyers(
            buyers, np.ones(4), stock, partner_of, 0.0, np.random.default_rng(seed)
        )
        without = market.match_buyers(
            buyers, np.ones(4), stock, None, 0.0, np.random.default_rng(seed)
        )
        sold_with.append(len(with_ref.seller))
        sold_without.append(len(without.seller))
        assert with_ref.referred.sum() == len(with_ref.seller) - len(without.seller)
    assert np.mean(sold_with) > np.mean(sold_without)


def test_pooled_fibre_earns_more_as_volume_grows():
    small = market.pooled_fibre_price(4.0, 500, 0.25, 1000)
    large = market.pooled_fibre_price(4.0, 8000, 0.25, 1000)
    assert 4.0 < small < large
