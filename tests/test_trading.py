"""The market's wiring (trading.py): the helpers that decide what breeders list."""

import numpy as np

from alpaca_abm import trading


def _listing_model():
    """A small industry after two years, with every breeding female of the first twenty
    breeders listed (in list_females' order: by owner) at an ask below the expected price."""
    from alpaca_abm import AlpacaModel
    from alpaca_abm.herd import breeding_females

    m = AlpacaModel(rng=3, n_breeders=40, export_demand=0.5)
    for _ in range(24):
        m.step()
    trading.refresh_reach(m)
    females = breeding_females(m.herd, m.scenario.female_retire_age)
    owner = m.herd.owner[females]
    listed = females[owner < 20]
    listed = listed[np.argsort(m.herd.owner[listed], kind="stable")]
    asks = np.full(len(listed), 0.9 * m.market.expected_price)
    return m, listed, asks


def test_eu_orders_take_listed_females_whose_asks_fit_and_no_more_than_ordered():
    m, listed, asks = _listing_model()
    asks[::2] = 2.0 * m.market.expected_price  # half ask more than an order pays
    lots, flow = trading.export_orders(m, listed, asks, None)
    assert flow > 0 and len(lots.animals) > 0
    assert set(lots.animals) <= set(listed[1::2])  # only the fitting ones
    assert np.array_equal(m.herd.owner[lots.animals], lots.sellers)
    assert np.array_equal(listed[lots.index], lots.animals)
    assert len(np.unique(lots.animals)) == len(lots.animals)
    # each seller gives its first fitting females in listing order (weakest first)
    for s in np.unique(lots.sellers):
        mine = listed[1::2][m.herd.owner[listed[1::2]] == s]
        assert np.array_equal(lots.animals[lots.sellers == s], mine[: (lots.sellers == s).sum()])


def test_eu_orders_stop_when_brexit_closes_access():
    m, listed, asks = _listing_model()
    m.shocks.export_access = 0.0
    lots, flow = trading.export_orders(m, listed, asks, None)
    assert flow == 0 and len(lots.animals) == 0


def test_stock_from_a_tb_area_asks_more_in_reference_terms_and_fetches_less(monkeypatch):
    """offers: with TB news, each ask is divided by what buyers think the seller's stock
    worth (outbreak_weights), on the same random draws; settle_sales pays that much less."""
    import copy

    from alpaca_abm.herd import breeding_females

    m, _, _ = _listing_model()
    n = m.firms.n
    m.firms.target_herd[:n] = 0  # every breeder lists every breeding female
    females = breeding_females(m.herd, m.scenario.female_retire_age)
    avoid = np.where(np.arange(n) % 2 == 0, 0.5, 1.0)
    before = copy.deepcopy(m.rng.bit_generator.state)
    listed, asks = trading.offers(m, females)
    m.rng.bit_generator.state = before
    listed_tb, asks_tb = trading.offers(m, females, avoid=avoid)
    assert np.array_equal(listed, listed_tb) and len(listed) > 0
    assert np.allclose(asks_tb, asks / avoid[m.herd.owner[listed]])
    # two equal females sold to outside buyers at one price: the TB area's fetches half
    pair = np.array(
        [listed[m.herd.owner[listed] % 2 == 0][0], listed[m.herd.owner[listed] % 2 == 1][0]]
    )
    m.herd.quality[pair] = m.herd.quality[pair].mean()
    m.market.offer_quality = float(m.herd.quality[pair[0]])
    m.firms.knowledge[m.herd.owner[pair]] = 0.0  # no marketing premium either
    monkeypatch.setattr(trading, "outbreak_weights", lambda state: avoid)
    value = m.firms.sales_value[: m.firms.n].copy()
    sellers = m.herd.owner[pair].copy()
    trading.settle_sales(m, pair, sellers, np.full(2, trading.OUTSIDE_BUYER), 1000.0)
    got = m.firms.sales_value[sellers] - value[sellers]
    assert np.isclose(got[0], 0.5 * got[1]) and got[1] > 0
