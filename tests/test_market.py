"""Markets as pure functions: the call auction, reservation prices, a female's value,
saturating (Bass) demand, local and niche search, matching with referrals, studs, fibre."""

import numpy as np

from alpaca_abm import market


# --- the call auction --------------------------------------------------------------------------
def test_auction_price_lies_between_the_marginal_bid_and_offer():
    price, q = market.clearing_price(np.array([5.0, 4.0]), np.array([3.0, 6.0]), previous=1.0)
    assert q == 1 and 4.0 <= price <= 5.0  # the second bid (4) is below the second ask (6)


def test_price_falls_when_supply_doubles_at_fixed_demand():
    rng = np.random.default_rng(0)
    bids = 3000 * np.exp(0.6 * rng.standard_normal(100))
    asks = 2000 * np.exp(0.3 * rng.standard_normal(200))
    p1, q1 = market.clearing_price(bids, asks[:100], previous=3000)
    p2, q2 = market.clearing_price(bids, asks, previous=3000)
    assert p2 < p1 and q2 >= q1


def test_demand_drop_lowers_the_price_at_equal_supply():
    rng = np.random.default_rng(1)
    bids = 3000 * np.exp(0.6 * rng.standard_normal(120))
    asks = 2500 * np.exp(0.3 * rng.standard_normal(100))
    high, _ = market.clearing_price(bids, asks, previous=3000)
    low, _ = market.clearing_price(bids[:60], asks, previous=3000)
    assert low < high


def test_no_offers_means_no_trade_and_no_new_price():
    assert market.clearing_price(np.array([9000.0]), np.zeros(0), previous=1234.0) == (1234.0, 0)


def test_no_bids_leaves_the_best_offer_as_the_price():
    assert market.clearing_price(np.zeros(0), np.array([800.0, 500.0]), previous=1.0) == (500.0, 0)


def test_the_auction_never_trades_a_bid_below_an_offer():
    rng = np.random.default_rng(2)
    for _ in range(50):
        bids, asks = (
            rng.uniform(0, 10, rng.integers(0, 30)),
            rng.uniform(0, 10, rng.integers(0, 30)),
        )
        price, q = market.clearing_price(bids, asks, previous=5.0)
        assert q == int((np.sort(bids)[::-1][:q] >= np.sort(asks)[:q]).sum())
        if q:
            assert (np.sort(bids)[::-1][:q] >= price - 1e-9).all()
            assert (np.sort(asks)[:q] <= price + 1e-9).all()


# --- what sellers ask and what a female is worth -------------------------------------------------
def test_reservation_prices_follow_keep_value_and_never_fall_below_the_pet_price():
    noise = np.zeros(3)
    asks = market.reservation_prices(np.array([-500.0, 1000.0, 3000.0]), 400.0, 0.2, noise)
    assert asks[0] == 400.0 and asks[1] < asks[2]


def test_a_female_is_worth_more_when_crias_sell_and_prices_are_higher():
    args = dict(
        pet_price=400,
        weaning_rate=0.9,
        fleece_value=10,
        cost_per_female=350,
        discount_rate=0.05,
        years=7,
        cost_per_head=250,
    )
    low_sales = market.female_value(3000, 0.2, **args)
    high_sales = market.female_value(3000, 0.8, **args)
    dearer = market.female_value(4000, 0.8, **args)
    assert low_sales < high_sales < dearer


def test_a_female_is_valued_at_what_final_buyers_pay_not_at_a_breeder_boom_price():
    args = dict(
        sell_through_year=0.9,
        pet_price=400,
        weaning_rate=0.9,
        fleece_value=10,
        cost_per_female=350,
        discount_rate=0.05,
        years=7,
        cost_per_head=250,
        final_price=2500,
    )
    assert market.female_value(10_000, **args) == market.female_value(2500, **args)


def test_adaptive_expectations_close_the_stated_share_of_the_gap_in_a_year():
    e = 1000.0
    for _ in range(12):
        e = market.adaptive(e, 2000.0, market.monthly_weight(0.8))
    assert abs(e - 1800.0) < 1e-6


# --- demand that saturates ---------------------------------------------------------------------
def test_bass_adoption_rises_then_falls_to_nothing_as_the_pool_fills():
    pool, adopters, flows = 1000.0, 10.0, []
    for _ in range(600):
        new = market.bass_adoptions(pool, adopters, 0.03, 0.38)
        flows.append(new)
        adopters += new
    peak = int(np.argmax(flows))
    assert 0 < peak < len(flows) - 1 and flows[-1] < 0.01 * flows[peak]
    assert adopters <= pool + 1e-9


def test_awareness_enlarges_the_pool_but_never_without_limit():
    a = 0.0
    for _ in range(10_000):
        a = market.awareness_step(a, investor_share=1.0, effect=5.0)
    assert a <= 1.0
    assert market.pool_potential(100.0, a, 2.0) <= 300.0 + 1e-9
    assert market.pool_potential(100.0, 0.5, 2.0) > market.pool_potential(100.0, 0.0, 2.0)


def test_starting_pool_gives_the_stated_flow_at_the_start():
    m = market.starting_pool(240.0, 0.3, 0.03, 0.38, 0.07)
    flow = 12 * market.bass_adoptions(m, 0.3 * m, 0.03, 0.38)
    flow += 12 * market.replacement_demand(0.3 * m, 0.07)
    assert abs(flow - 240.0) < 1e-6


# --- local and niche search --------------------------------------------------------------------
def test_buyers_reach_near_sellers_in_their_niche_most():
    decay = market.distance_decay(
        np.array([0.0]), np.array([0.0]), np.array([10.0, 200.0, 10.0]), np.zeros(3), 80.0
    )
    seg_region, seg_niche = np.array([0, 0, 0]), np.array([0, 1, 2])
    reach = market.reach_matrix(np.ones(3), decay, seg_region, seg_niche, np.array([0, 0, 2]), 0.3)
    assert reach[0, 0] > reach[0, 1]  # same niche: the nearer seller is seen more
    assert reach[0, 0] > reach[0, 2]  # same distance: the seller in the niche is seen more
    assert reach[2, 2] > reach[2, 0]  # pet buyers see the pet seller first


def test_segment_code_is_region_times_three_plus_niche():
    state = market.MarketState(
        1.0,
        1.0,
        0.1,
        0.0,
        0.0,
        0.0,
        region_x=np.zeros(4),
        region_y=np.zeros(4),
        region_weight=np.ones(4),
    )
    assert state.n_segments == 12
    assert state.segment_of(np.array([2]), np.array([1]))[0] == 7
    assert state.segment_region[7] == 2 and state.segment_niche[7] == 1


def test_buyers_of_a_segment_buy_only_from_sellers_they_reach():
    rng = np.random.default_rng(4)
    reach = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    segment = np.r_[np.zeros(20, int), np.ones(20, int)]
    m = market.match_buyers(np.full(40, -1), reach, np.array([50, 50, 50]), None, 0.5, rng, segment)
    assert set(m.seller[m.segment == 0].tolist()) == {0}
    assert set(m.seller[m.segment == 1].tolist()) == {2}


def test_matching_never_sells_more_than_stock_nor_to_oneself():
    rng = np.random.default_rng(3)
    stock = np.array([3, 0, 5, 1])
    buyers = np.array([-1] * 20 + [0, 0, 2, 2])
    m = market.match_buyers(buyers, np.ones(4), stock, None, 0.5, rng)
    assert (np.bincount(m.seller, minlength=4) <= stock).all()
    assert not (m.buyer == m.seller).any()
    assert len(m.seller) + m.lost == len(buyers)


def test_drawing_among_the_sellers_with_stock_gives_the_draws_over_the_whole_table():
    rng = np.random.default_rng(8)
    weights = rng.random((6, 40))
    weights[4] = 0.0  # a segment that sees no seller
    stock = np.zeros(40, dtype=np.int64)
    stock[rng.choice(39, size=8, replace=False)] = 3  # the table's last seller has none
    segment = rng.integers(0, 6, size=500)
    whole = market._draw(weights * (stock > 0), segment, 500, np.random.default_rng(1))
    sellers = market._drawable(stock, by_segment=True)
    among = market._draw_among(
        weights[:, sellers] * (stock[sellers] > 0), sellers, segment, 500, np.random.default_rng(1)
    )
    assert np.array_equal(whole, among)
    assert (among[segment == 4] == -1).all() and (stock[among[segment != 4]] > 0).all()


def test_reach_matrix_is_decay_times_niche_match_times_visibility():
    rng = np.random.default_rng(2)
    decay, vis, niche = rng.random((4, 7)), rng.random(7), rng.integers(0, 3, 7)
    seg_region, seg_niche = np.arange(12) // 3, np.arange(12) % 3
    reach = market.reach_matrix(vis, decay, seg_region, seg_niche, niche, 0.3)
    expected = decay[seg_region] * market.niche_match(seg_niche, niche, 0.3) * vis[None, :]
    assert np.array_equal(reach, expected)


def test_referrals_to_partners_save_enquiries_when_a_seller_sells_out():
    stock = np.array([2, 50])
    weights = np.array([1.0, 0.001])  # buyers look first at seller 0, who has little stock
    partner_of = np.array([1, 0])
    sold_with, sold_without = [], []
    for seed in range(20):
        buyers = np.full(30, -1)
        with_ref = market.match_buyers(
            buyers, weights, stock, partner_of, 0.0, np.random.default_rng(seed)
        )
        without = market.match_buyers(
            buyers, weights, stock, None, 0.0, np.random.default_rng(seed)
        )
        sold_with.append(len(with_ref.seller))
        sold_without.append(len(without.seller))
        assert with_ref.referred.sum() == len(with_ref.seller) - len(without.seller)
    assert np.mean(sold_with) > np.mean(sold_without)


# --- prices of animals, studs and fibre --------------------------------------------------------
def test_better_animal_and_better_marketer_fetch_more():
    prices = market.animal_prices(
        3000, np.array([60.0, 50.0, 50.0]), 50.0, 0.03, np.array([0.0, 0.0, 1.0]), 0.5
    )
    assert prices[0] > prices[1] and prices[2] > prices[1]


def test_stud_fees_rise_when_studs_for_hire_are_scarce_and_stay_bounded():
    base = market.stud_fee_level(450, 1.0, 1.0, 0.5)
    assert base == 450
    assert (
        market.stud_fee_level(450, 4.0, 1.0, 0.5) > base > market.stud_fee_level(450, 0.5, 1, 0.5)
    )
    assert market.stud_fee_level(450, 1e9, 1.0, 0.5) == 4 * 450


def test_a_stud_is_worth_more_when_better_and_less_as_it_ages():
    v = market.stud_value(
        np.array([70.0, 60.0, 70.0]), 70.0, 15750, 0.03, np.array([0.0, 0.0, 60.0]), 120, 400
    )
    assert v[0] == 15750 and v[1] < v[0] and v[2] < v[0]
    assert (
        market.stud_value(np.array([0.0]), 70.0, 15750, 0.03, np.array([200.0]), 120, 400)[0] == 400
    )


def test_pooled_fibre_earns_more_as_volume_grows():
    small = market.pooled_fibre_price(4.0, 500, 0.25, 1000)
    large = market.pooled_fibre_price(4.0, 8000, 0.25, 1000)
    assert 4.0 < small < large


# --- the market in the model ---------------------------------------------------------------------
def test_every_home_sale_is_counted_in_its_buyers_segment():
    from alpaca_abm import AlpacaModel

    m = AlpacaModel(rng=3, n_breeders=40)
    for _ in range(30):
        m.step()
        mk, row = m.market, m._report
        # one column per breeder at the month's market (the month's entrants come after it)
        assert mk.reach.shape == mk.segment_sales.shape
        assert mk.reach.shape[0] == mk.n_segments and mk.reach.shape[1] <= m.firms.n
        assert mk.segment_sales.sum() == row["sales_count"] - row["export_sales"]
        assert (mk.reach >= 0).all()


def test_idle_adult_males_stay_few_and_uk_bred_studs_change_hands():
    from alpaca_abm import AlpacaModel

    idle, studs = [], 0
    for seed in range(3):
        m = AlpacaModel(rng=seed)
        for _ in range(60):
            m.step()
        df = m.model_df
        idle.append(df["idle_male_share"].iloc[24:].mean())
        studs += int(df["stud_sales"].sum())
    assert max(idle) < 0.10  # the landed core kept 14-16% of all animals as idle males
    assert studs > 0


def test_outside_demand_falls_once_the_pool_is_taken_up():
    from alpaca_abm import AlpacaModel

    m = AlpacaModel(rng=1, n_breeders=30, pool_adopted_start=0.9, industry_investment=False)
    for _ in range(96):
        m.step()
    buyers = m.model_df["outside_buyers"].to_numpy()
    assert buyers[-24:].mean() < buyers[:24].mean()
    assert m.market.adopters <= m.market.pool_size


def test_first_enquiries_turned_away_are_counted_at_the_seller_that_sold_out():
    # seller 0 has one animal and all the reach: of three buyers, one buys and two are
    # turned away there (then referred to partner 1, who has stock)
    m = market.match_buyers(
        np.array([-1, -1, -1]),
        np.array([1.0, 0.0]),
        np.array([1, 5]),
        np.array([1, -1]),
        0.0,
        np.random.default_rng(0),
    )
    assert m.turned_away.tolist() == [0, 0]
    assert int(m.referred.sum()) == 2
