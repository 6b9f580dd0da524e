"""Markets as pure functions: the call auction, reservation prices, a female's value,
saturating (Bass) demand, local and niche search, matching with referrals, studs, fibre."""

import warnings

import numpy as np
import pytest

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


def test_the_auction_trades_the_largest_crossing_quantity_at_the_middle_of_its_interval():
    """Random books that always cross (bids from 3 to 12, asks from 1 to 10): q is the
    largest k with the k-th highest bid at least the k-th lowest ask (found by brute force),
    the next pair does not cross, and the price is the middle of [lo, hi], lo the larger of
    the q-th ask and the (q+1)-th bid, hi the smaller of the q-th bid and the (q+1)-th ask:
    every traded bid is at least the price, every traded ask at most, and neither the next
    bid nor the next ask would trade at it."""
    rng = np.random.default_rng(2)
    for _ in range(200):
        bids = rng.uniform(3, 12, rng.integers(1, 30))
        asks = np.r_[rng.uniform(1, 3), rng.uniform(1, 10, rng.integers(0, 30))]
        price, q = market.clearing_price(bids, asks, previous=5.0)
        b, a = np.sort(bids)[::-1], np.sort(asks)
        m = min(len(a), len(b))
        best = max(k for k in range(m + 1) if k == 0 or b[k - 1] >= a[k - 1])
        assert q == best >= 1
        assert q == m or b[q] < a[q]  # the largest: the next pair does not cross
        lo = max(a[q - 1], b[q] if q < len(b) else -np.inf)
        hi = min(b[q - 1], a[q] if q < len(a) else np.inf)
        assert price == pytest.approx(0.5 * (lo + hi))
        assert (b[:q] >= price - 1e-9).all() and (a[:q] <= price + 1e-9).all()
        assert q == len(b) or b[q] <= price + 1e-9  # the next bid would not buy
        assert q == len(a) or a[q] >= price - 1e-9  # the next offer would not sell
        # call_auction: the same price and quantity, and the last bid and ask that trade
        assert market.call_auction(bids, asks, previous=5.0) == (price, q, b[q - 1], a[q - 1])


def test_clearing_prices_worked_by_hand():
    """Bids (5, 4), asks (3, 6): one unit; the interval that clears exactly one is
    [max(3, 4), min(5, 6)] = [4, 5], price 4.5 (not its top, 5).
    Bids (10, 8, 6, 2), asks (1, 3, 7, 9): 10 >= 1 and 8 >= 3 cross, 6 < 7 does not: two
    units in [max(3, 6), min(8, 7)] = [6, 7], price 6.5.
    Every bid trades, bids (9, 8), asks (1, 2, 3): [max(2, -inf), min(8, 3)] = [2, 3], 2.5.
    Every ask trades, bids (9, 8, 7), asks (1, 2): [max(2, 7), min(8, inf)] = [7, 8], 7.5.
    Equal books, bids (5, 5) and asks (5, 5): two units at 5.
    No crossing, bid 2 and ask 5: nothing trades, the price is (2 + 5) / 2 = 3.5.
    Bids of zero or less are no bids: (0, -3, 4) against ask 2 trade one unit in [2, 4], 3."""
    cases = [
        (([5, 4], [3, 6]), (4.5, 1)),
        (([10, 8, 6, 2], [1, 3, 7, 9]), (6.5, 2)),
        (([9, 8], [1, 2, 3]), (2.5, 2)),
        (([9, 8, 7], [1, 2]), (7.5, 2)),
        (([5, 5], [5, 5]), (5.0, 2)),
        (([2], [5]), (3.5, 0)),
        (([0, -3, 4], [2]), (3.0, 1)),
    ]
    for (bids, asks), expected in cases:
        got = market.clearing_price(np.array(bids, float), np.array(asks, float), previous=1.0)
        assert got == pytest.approx(expected), (bids, asks)


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


def test_drawing_one_row_among_sellers_of_some_weight_gives_numpys_choice_over_all():
    """_draw with one row draws among the sellers of some weight only: the same sellers as
    rng.choice over the whole row, and the generator left in the same state."""
    for seed in range(20):
        rng = np.random.default_rng(seed)
        weights = rng.random(3000) * (rng.random(3000) < 0.2)  # most sellers have none
        weights[rng.integers(0, 3000, 5)] = 1e-300  # tiny shares that round away
        weights[-1] = 0.0
        full, mine = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
        expected = full.choice(len(weights), size=400, p=weights / weights.sum())
        assert np.array_equal(market._draw(weights, None, 400, mine), expected)
        assert full.random() == mine.random()


def test_reach_matrix_is_decay_times_niche_match_times_visibility():
    rng = np.random.default_rng(2)
    decay, vis, niche = rng.random((4, 7)), rng.random(7), rng.integers(0, 3, 7)
    seg_region, seg_niche = np.arange(12) // 3, np.arange(12) % 3
    reach = market.reach_matrix(vis, decay, seg_region, seg_niche, niche, 0.3)
    expected = decay[seg_region] * market.niche_match(seg_niche, niche, 0.3) * vis[None, :]
    assert np.array_equal(reach, expected)
    assert market.niches_of_regions(seg_region, seg_niche, 4)
    # segments in another order (not each region's niches in turn): the same products
    order = rng.permutation(12)
    assert not market.niches_of_regions(seg_region[order], seg_niche[order], 4)
    shuffled = market.reach_matrix(vis, decay, seg_region[order], seg_niche[order], niche, 0.3)
    assert np.array_equal(shuffled, expected[order])
    none = np.zeros(0, dtype=np.int64)  # a month with no seller: 12 segments of no column
    empty = market.reach_matrix(vis[:0], decay[:, :0], seg_region, seg_niche, none, 0.3)
    assert empty.shape == (12, 0)


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

    # the pool counts the households who look (issue #20 round 2: every one bids, the upper
    # tail buys), and only purchases take it up, so it empties over 20 years, not 8
    # (measured seeds 1, 2: the last two years' buyers 11% and 13% below the first two's)
    m = AlpacaModel(rng=1, n_breeders=30, pool_adopted_start=0.9, industry_investment=False)
    for _ in range(240):
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


# --- values worked by hand ----------------------------------------------------------------
FEMALE = dict(
    pet_price=400.0,
    weaning_rate=0.9,
    fleece_value=10.0,
    cost_per_female=350.0,
    discount_rate=0.0,
    years=7.0,
    cost_per_head=250.0,
)


def test_female_value_by_hand():
    """Expected price 3,000, half her females sold in the year: a female cria is worth
    0.5 x 3,000 + 0.5 x 400 (pet) = 1,700; a cria (half female, half male sold as a pet)
    0.5 x (1,700 + 400) - 250 (its year's keep) = 800; her yearly margin 0.9 x 800 + 10
    (fleece) - 350 (her keep) = 380; undiscounted over 7 years 2,660; at 5% a year
    380 x (1 - 1.05^-7) / 0.05 = 380 x 5.786373 = 2,198.82. Valued at a final price of
    2,000: a female cria 1,200, a cria 550, margin 155, value 1,085."""
    assert market.female_value(3000.0, 0.5, **FEMALE) == pytest.approx(2660.0)
    five = dict(FEMALE, discount_rate=0.05)
    assert market.female_value(3000.0, 0.5, **five) == pytest.approx(2198.8219, abs=1e-3)
    assert market.female_value(3000.0, 0.5, **FEMALE, final_price=2000.0) == pytest.approx(1085)
    costs = np.array([350.0, 450.0])  # per breeder: each 100 more keep costs 700 over 7 years
    got = market.female_value(3000.0, 0.5, **dict(FEMALE, cost_per_female=costs))
    assert got == pytest.approx([2660.0, 1960.0])


def test_annuity_by_hand():
    """1 GBP a year for 7 years: 7 undiscounted; at 5%, (1 - 1.05^-7) / 0.05 = 5.786373."""
    assert market.annuity(0.0, 7) == 7.0
    assert market.annuity(0.05, 7) == pytest.approx(5.786373, abs=1e-6)


def test_demand_functions_by_hand():
    """Bass: pool 1,000, 200 adopted, p 0.03, q 0.38: (0.03 + 0.38 x 0.2) x 800 / 12
    = 0.106 x 800 / 12 = 7.0667 a month; none from an empty pool. Replacement: 1,200
    adopters at 7% a year, 1,200 x 0.07 / 12 = 7 a month. Pool potential: base 100, gain 2,
    awareness 0.5: 100 x (1 + 2 x 0.5) = 200 (awareness above 1 counts as 1: 300).
    Awareness: at 0.2, half the firms investing, effect 1.2: rate 1.2 x 0.5 / 12 = 0.05,
    0.2 + 0.05 x 0.8 = 0.24. Starting pool for 240 a year at 30% adopted:
    (0.03 + 0.38 x 0.3) x 0.7 + 0.07 x 0.3 = 0.1218 of M a year, M = 240 / 0.1218 = 1,970.44."""
    assert market.bass_adoptions(1000.0, 200.0, 0.03, 0.38) == pytest.approx(84.8 / 12)
    assert market.bass_adoptions(0.0, 0.0, 0.03, 0.38) == 0.0
    assert market.replacement_demand(1200.0, 0.07) == pytest.approx(7.0)
    assert market.replacement_demand(-5.0, 0.07) == 0.0
    assert market.pool_potential(100.0, 0.5, 2.0) == pytest.approx(200.0)
    assert market.pool_potential(100.0, 1.5, 2.0) == pytest.approx(300.0)
    assert market.awareness_step(0.2, 0.5, 1.2) == pytest.approx(0.24)
    assert market.starting_pool(240.0, 0.3, 0.03, 0.38, 0.07) == pytest.approx(1970.4433, 1e-6)


def test_prices_and_expectations_by_hand():
    """Reservation price: keep value 1,000 with noise +1 at dispersion 0.2, 1,000 x e^0.2
    = 1,221.40, above the pet floor of 400 (a keep value of 100 asks the floor). Animal
    price: 1,000 for quality 60 against a mean of 50 at premium 0.02 a point, by a seller
    of marketing 0.5 with effect 2: 1,000 x e^0.2 x (1 + 0.2 x 2 x 0.5) = 1,465.68. Adaptive:
    1,000 toward 2,000 by a quarter: 1,250. Monthly weight of 80% a year:
    1 - 0.2^(1/12) = 0.125515. Willingness to pay: median 1,000 x budget 0.8 x e^(0.5 z)
    for the standard normal draws z of the generator."""
    asks = market.reservation_prices(np.array([1000.0, 100.0]), 400.0, 0.2, np.array([1.0, 0]))
    assert asks == pytest.approx([1221.4028, 400.0])
    got = market.animal_prices(1000.0, np.array([60.0]), 50.0, 0.02, np.array([0.5]), 2.0)
    assert got == pytest.approx([1221.4028 * 1.2])  # marketing effect 2: 1 + 0.2 x 2 x 0.5
    assert market.adaptive(1000.0, 2000.0, 0.25) == pytest.approx(1250.0)
    assert market.monthly_weight(0.8) == pytest.approx(0.1255147, abs=1e-7)
    wtp = market.willingness_to_pay(3, 1000.0, 0.5, 0.8, np.random.default_rng(5))
    z = np.random.default_rng(5).standard_normal(3)
    assert wtp == pytest.approx(800.0 * np.exp(0.5 * z))


def test_search_weights_by_hand():
    """Visibility: marketing 0.5 at effect 2, reputation 0.3: (1 + 2 x 0.5) x (0.3 + 0.5)
    = 1.6. Distance decay from (0, 0) to a seller at (30, 40), 50 km, at 100 km: e^-0.5
    = 0.606531. Niche match: 1 in the buyers' niche, the crossover 0.3 elsewhere."""
    assert market.visibility(np.array([0.5]), np.array([0.3]), 2.0) == pytest.approx([1.6])
    far = market.distance_decay(np.zeros(1), np.zeros(1), np.array([30.0]), np.array([40.0]), 100)
    assert far[0] == pytest.approx([0.606531], abs=1e-6)
    match = market.niche_match(np.array([0, 2]), np.array([0, 1, 2]), 0.3)
    assert match[0] == pytest.approx([1, 0.3, 0.3])
    assert match[1] == pytest.approx([0.3, 0.3, 1])


def test_studs_and_fibre_by_hand():
    """Stud fee: base 500, demand 8 against capacity 2, flexibility 0.5: 500 x 4^0.5 = 1,000;
    demand 100 per place at flexibility 1 is capped at 4x (2,000), 1 per 100 floored at a
    quarter (125); no studs for hire leaves the base (500), no demand the floor (125).
    Stud value: quality 80 against an elite of 90 at premium 0.05, elite price 10,000, a
    quarter of its 120-month working life used: 10,000 x e^-0.5 x 0.75 = 4,548.98; worn
    out, the floor of 500. Pooled fibre: base 10 a kg, 300 kg pooled against 100, bonus 0.1:
    10 x (1 + 0.1 x log2(4)) = 12."""
    assert market.stud_fee_level(500.0, 8.0, 2.0, 0.5) == pytest.approx(1000.0)
    assert market.stud_fee_level(500.0, 100.0, 1.0, 1.0) == pytest.approx(2000.0)
    assert market.stud_fee_level(500.0, 1.0, 100.0, 1.0) == pytest.approx(125.0)
    assert market.stud_fee_level(500.0, 5.0, 0.0, 1.0) == pytest.approx(500.0)
    assert market.stud_fee_level(500.0, 0.0, 5.0, 1.0) == pytest.approx(125.0)
    value = market.stud_value(
        np.array([80.0, 80.0]), 90.0, 10_000.0, 0.05, np.array([30, 150]), 120.0, 500.0
    )
    assert value == pytest.approx([4548.9799, 500.0])
    assert market.pooled_fibre_price(10.0, 300.0, 0.1, 100.0) == pytest.approx(12.0)


def test_serving_drawing_and_matching_by_hand():
    """_serve: enquiries aimed at sellers (2, 0, 2, 2, 1) with stock (1, 0, 2): seller 0
    serves its one, seller 1 has none, seller 2 the first two of its three, first come
    first served. _draw over one row of weights (0, 1, 3) is numpy's choice with p = (0,
    1/4, 3/4); with no weight, -1. Per segment, weights (1, 3), (0, 0), (2, 2): a buyer of
    segment 0 with draw r takes seller 0 if r < 1/4, else 1; of segment 2 seller 0 if
    r < 1/2; of segment 1 nobody (-1).
    match_buyers: outsiders -1, -2, -3 and breeder 0 all reach seller 0 only (stock 2);
    seller 0 refers to its partner 1 (stock 5), no retry: -1 and -2 buy from 0, -3 and
    breeder 0 (who never buys from itself) are referred to 1; nobody is lost."""
    served = market._serve(np.array([2, 0, 2, 2, 1]), np.array([1, 0, 2]))
    assert served.tolist() == [True, True, True, False, False]
    one = market._draw(np.array([0.0, 1.0, 3.0]), None, 5, np.random.default_rng(7))
    assert one.tolist() == np.random.default_rng(7).choice(3, 5, p=[0, 0.25, 0.75]).tolist()
    assert market._draw(np.zeros(3), None, 2, np.random.default_rng(7)).tolist() == [-1, -1]
    weights = np.array([[1.0, 3.0], [0.0, 0.0], [2.0, 2.0]])
    segment = np.array([0, 2, 1, 0])
    cols = market._draw(weights, segment, 4, np.random.default_rng(8))
    r = np.random.default_rng(8).random(4)
    want = [int(r[0] >= 0.25), int(r[1] >= 0.5), -1, int(r[3] >= 0.25)]
    assert cols.tolist() == want
    m = market.match_buyers(
        buyers=np.array([-1, -2, -3, 0]),
        weights=np.array([1.0, 0.0]),
        stock=np.array([2, 5]),
        partner_of=np.array([1, 0]),
        retry=0.0,
        rng=np.random.default_rng(9),
    )
    assert m.buyer.tolist() == [-1, -2, -3, 0] and m.seller.tolist() == [0, 0, 1, 1]
    assert m.referred.tolist() == [False, False, True, True]
    assert m.referrer.tolist() == [-1, -1, 0, 0] and m.lost == 0


def test_the_edges_of_demand_and_prices_by_hand():
    """Bass from a pool of half an animal with 0.1 adopted: (0.03 + 0.38 x 0.2) x 0.4 / 12
    = 0.0035333. Awareness with investment so strong that a month's rate would pass 1 (24 x
    1 / 12 = 2) closes the whole gap: 1. A starting pool for an adopted share above 1 is the
    one for 0.999; with no adoption or replacement at all, no pool (0). A yearly weight above
    1 counts as 1, below 0 as 0. A female's value without keep per cria uses none."""
    assert market.bass_adoptions(0.5, 0.1, 0.03, 0.38) == pytest.approx(0.106 * 0.4 / 12)
    assert market.awareness_step(0.2, 1.0, 24.0) == pytest.approx(1.0)
    assert market.starting_pool(240.0, 1.5, 0.03, 0.38, 0.07) == pytest.approx(
        market.starting_pool(240.0, 0.999, 0.03, 0.38, 0.07)
    )
    assert market.starting_pool(240.0, 0.3, 0.0, 0.0, 0.0) == 0.0
    assert market.monthly_weight(1.5) == 1.0 and market.monthly_weight(-0.5) == 0.0
    no_keep = {k: v for k, v in FEMALE.items() if k != "cost_per_head"}
    assert market.female_value(3000.0, 0.5, **no_keep) == pytest.approx(2660.0 + 7 * 0.9 * 250)


def test_the_edges_of_search_by_hand():
    """Distance from a region centred at (10, 20) to a seller at (40, 60): 50 km, at 100 km
    decay e^-0.5. A decay length of 0 sees only a seller at the centre itself. A reach
    matrix from a 0/1 (integer) decay is worked out in floats: 1 x 0.3 crossover x
    visibility 2 = 0.6."""
    far = market.distance_decay(
        np.array([10.0]), np.array([20.0]), np.array([40.0, 10.0]), np.array([60.0, 20.0]), 100
    )
    assert far[0] == pytest.approx([0.606531, 1.0], abs=1e-6)
    sharp = market.distance_decay(np.zeros(1), np.zeros(1), np.array([0.0, 1.0]), np.zeros(2), 0)
    assert sharp[0].tolist() == [1.0, 0.0]
    reach = market.reach_matrix(
        np.array([2.0, 2.0]), np.array([[1, 0]]), np.array([0]), np.array([1]), np.array([0, 1]),
        0.3,
    )  # fmt: skip
    assert reach[0] == pytest.approx([0.6, 0.0])


def test_the_edges_of_studs_by_hand():
    """Stud fee with no demand at flexibility 0 is still the floor (125 of a base of 500),
    not (0 / 5)^0 = 1; with half a place for hire and 2 matings asked at flexibility 1 the
    ratio is 4 (capped): 2,000. A stud of a one-month working life is used up after a month
    (its floor, 500) and new at none (10,000 at the elite's quality)."""
    assert market.stud_fee_level(500.0, 0.0, 5.0, 0.0) == pytest.approx(125.0)
    assert market.stud_fee_level(500.0, 2.0, 0.5, 1.0) == pytest.approx(2000.0)
    assert market.stud_fee_level(500.0, 1.0, 0.5, 1.0) == pytest.approx(1000.0)
    value = market.stud_value(
        np.array([90.0, 90.0]), 90.0, 10_000.0, 0.05, np.array([1, 0]), 1.0, 500.0
    )
    assert value == pytest.approx([500.0, 10_000.0])


def test_the_edges_of_matching_by_hand():
    """_serve: of 200 enquiries to three sellers with 10, 20 and 30 on offer, the first 10,
    20 and 30 to arrive at each are served; of no enquiry, an empty boolean array.
    No buyers, or buyers who see nobody: nothing sold, every enquiry lost (2), empty arrays
    (segment codes empty too when segments are given). One buyer who sees the one seller
    with stock buys from it. Sellers out of stock draw no enquiries: four outsiders who see
    seller 0 (no stock) and seller 1 (ten) equally all buy from seller 1.
    Per segment: a buyer of segment 1 sees only seller 1 (stock 2) and buys; two of segment
    0 see only seller 0 (stock 1): one buys, the other is referred to seller 0's partner,
    seller 1, which has one left and sells it; a buyer of segment 2 sees nobody: lost."""
    many = np.random.default_rng(0).integers(0, 3, 200)  # enquiries in order of arrival
    served = market._serve(many, np.array([10, 20, 30]))
    for seller, stock in ((0, 10), (1, 20), (2, 30)):  # the first to arrive are served
        assert served[many == seller].tolist() == [True] * stock + [False] * (
            (many == seller).sum() - stock
        )
    empty = market._serve(np.zeros(0, np.int64), np.array([1]))
    assert empty.dtype == bool and empty.size == 0
    assert market._serve(np.array([0]), np.array([1])).dtype == bool
    for buyers, weights in ((np.zeros(0, np.int64), np.ones(2)), (np.array([-1, -2]), np.zeros(2))):
        m = market.match_buyers(
            buyers, weights, np.array([1, 1]), None, 0.0, np.random.default_rng(0)
        )
        assert m.buyer.size == m.seller.size == m.referred.size == m.referrer.size == 0
        assert m.lost == len(buyers) and m.segment is None
    seg = market.match_buyers(
        np.array([-1, -2]), np.zeros((1, 2)), np.array([1, 1]), None, 0.0,
        np.random.default_rng(0), segment=np.array([0, 0]),
    )  # fmt: skip
    assert seg.segment is not None and seg.segment.size == 0 and seg.lost == 2
    one = market.match_buyers(
        np.array([-1]), np.array([0.0, 2.0]), np.array([0, 3]), None, 0.0, np.random.default_rng(0)
    )
    assert one.seller.tolist() == [1] and one.lost == 0
    four = market.match_buyers(
        np.array([-1, -2, -3, -4]), np.ones(2), np.array([0, 10]), None, 0.0,
        np.random.default_rng(0),
    )  # fmt: skip
    assert four.seller.tolist() == [1, 1, 1, 1] and four.lost == 0
    m = market.match_buyers(
        buyers=np.array([-1, -2, -3, -4]),
        weights=np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
        stock=np.array([1, 2]),
        partner_of=np.array([1, 0]),
        retry=0.0,
        rng=np.random.default_rng(0),
        segment=np.array([1, 0, 0, 2]),
    )
    assert sorted(zip(m.buyer.tolist(), m.seller.tolist(), m.referred.tolist(), strict=True)) == [
        (-3, 1, True), (-2, 0, False), (-1, 1, False),
    ]  # fmt: skip
    assert m.lost == 1 and sorted(m.segment.tolist()) == [0, 0, 1]


def test_annuity_with_a_vanishing_rate_is_the_undiscounted_sum():
    """A rate so small that 1 + rate rounds to 1 (1e-128 a year) is no discounting: 8 years
    of 1 GBP are worth 8 GBP, not 0 (which once divided a breeder's margin by zero). A
    billion years at 5% are worth what 1 GBP a year forever is, 1 / 0.05 = 20."""
    assert market.annuity(1e-128, 8) == 8.0
    assert market.annuity(1e-12, 8) == pytest.approx(8.0, rel=1e-9)
    assert market.annuity(0.05, 1e9) == pytest.approx(20.0)


def test_the_auction_ignores_bids_of_zero_and_trades_small_ones_by_hand():
    """A bid of 0 is no bid: against an ask of 5 there is no bid at all, so the price is the
    best ask, 5, and nothing trades (counted as a bid it would give (0 + 5) / 2 = 2.5). A bid
    of 0.8 against an ask of 0.4 crosses: one unit at (0.4 + 0.8) / 2 = 0.6."""
    assert market.clearing_price(np.array([0.0]), np.array([5.0]), previous=9.0) == (5.0, 0)
    price, q = market.clearing_price(np.array([0.8]), np.array([0.4]), previous=9.0)
    assert q == 1 and price == pytest.approx(0.6)


def test_draw_per_segment_when_weights_sum_below_one_by_hand():
    """One segment seeing sellers with weights (0.3, 0.2, 0): a draw r takes seller 0 if
    r < 0.3 / 0.5 = 0.6, else seller 1, never seller 2 (no weight), however small the
    weights' sum."""
    cols = market._draw(
        np.array([[0.3, 0.2, 0.0]]), np.zeros(1000, int), 1000, np.random.default_rng(3)
    )
    r = np.random.default_rng(3).random(1000)
    assert cols.tolist() == (r >= 0.6).astype(int).tolist()


def test_a_draw_that_rounds_to_the_end_of_its_row_takes_the_rows_last_seller():
    """Segment 1's shares are stacked on (1, 2]: a draw of 1 - 2^-53 adds to 1 + 0.99...9,
    which rounds to 2.0, the end of the row; it still picks segment 1's last seller (column
    1 of two), not a column past the table."""

    class Edge:  # a generator whose every uniform draw is the largest below 1
        def random(self, n):
            return np.full(n, 1 - 2**-53)

    assert market._draw(np.ones((2, 2)), np.array([1, 0]), 2, Edge()).tolist() == [1, 1]


def test_matching_with_nothing_to_draw_uses_no_random_number():
    """No buyer, or buyers who reach nobody (one row of weights or per segment), even with a
    chance to retry: nothing sold, every enquiry lost, no seller turned away (an empty
    integer array), no referral (an empty boolean array), and the random stream untouched
    (its next draw is the generator's first)."""
    cases = (
        (np.zeros(0, np.int64), np.ones(2), None),
        (np.array([-1, -2]), np.zeros(2), None),
        (np.array([-1, -2]), np.zeros((1, 2)), np.array([0, 0])),
    )
    for buyers, weights, segment in cases:
        rng = np.random.default_rng(5)
        m = market.match_buyers(buyers, weights, np.array([1, 1]), None, 0.5, rng, segment)
        assert m.lost == len(buyers) and m.referred.dtype == bool and m.referred.size == 0
        assert m.turned_away.size == 0 and m.turned_away.dtype == np.int64
        assert rng.random() == np.random.default_rng(5).random()


def test_who_is_turned_away_and_who_is_referred_by_hand():
    """Outsiders -1 and -2 reach seller 0 only (stock 1): one buys, the other is turned away
    by seller 0 (which sold out). Breeder 0 reaching only itself is not turned away (it
    never buys from itself). A buyer of segment 0 reaches nobody: with partners (0 <-> 1)
    and stock at seller 1 it is still not referred: it asked no one, so it is lost."""
    m = market.match_buyers(
        np.array([-1, -2]), np.array([1.0, 0.0]), np.array([1, 0]), None, 0.0,
        np.random.default_rng(0),
    )  # fmt: skip
    assert m.turned_away.tolist() == [0] and m.lost == 1
    own = market.match_buyers(
        np.array([0]), np.array([1.0, 0.0]), np.array([1, 0]), None, 0.0, np.random.default_rng(0)
    )
    assert own.turned_away.tolist() == [] and own.lost == 1 and own.seller.size == 0
    blind = market.match_buyers(
        np.array([-1]), np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1, 1]),
        np.array([1, 0]), 0.0, np.random.default_rng(0), segment=np.array([0]),
    )  # fmt: skip
    assert blind.seller.size == 0 and blind.lost == 1


def test_retries_find_the_sellers_with_stock_left_by_hand():
    """Seller 0 is seen by everyone (weight 1) but has one animal; sellers 1 and 2 are barely
    seen (weight 1e-9 each) and have 100 each. Of 50 outsiders, all first ask seller 0 (the
    chance that any asks another is 50 x 2e-9): one buys, 49 wait; with a retry chance of 1
    all 49 ask again among the sellers with stock left (1 and 2, whose weights sum to only
    2e-9), each on its own draw, so both sellers sell, and nobody is lost.
    With one animal at seller 1 instead: of 2 outsiders, one buys from 0 and the other, on
    retry, buys seller 1's last animal. Sales by referral name their referrer as a row
    number; the others -1.
    With a retry chance of 0.5 and 1,000 outsiders against those two animals: 2 sales; the
    998 others are lost, whether they gave up or retried and found nothing."""
    out = -np.arange(1, 51)
    m = market.match_buyers(
        out, np.array([1.0, 1e-9, 1e-9]), np.array([1, 100, 100]), None, 1.0,
        np.random.default_rng(0),
    )  # fmt: skip
    assert m.lost == 0 and np.bincount(m.seller).tolist()[0] == 1
    assert set(m.seller.tolist()) == {0, 1, 2}
    two = market.match_buyers(
        np.array([-1, -2]), np.array([1.0, 1e-9]), np.array([1, 1]), None, 1.0,
        np.random.default_rng(0),
    )  # fmt: skip
    assert sorted(two.seller.tolist()) == [0, 1] and two.lost == 0
    assert two.referrer.tolist() == [-1, -1] and two.referrer.dtype == np.int64
    crowd = market.match_buyers(
        -np.arange(1, 1001), np.array([1.0, 1e-9]), np.array([1, 1]), None, 0.5,
        np.random.default_rng(0),
    )  # fmt: skip
    assert sorted(crowd.seller.tolist()) == [0, 1] and crowd.lost == 998


def test_the_stud_fee_with_no_demand_for_one_place_by_hand():
    """One mating for hire and none asked: the floor, a quarter of the base fee (500 / 4 =
    125), as for any supply; only with no supply at all is the fee the base (500)."""
    assert market.stud_fee_level(500.0, 0.0, 1.0, 1.0) == pytest.approx(125.0)
    assert market.stud_fee_level(500.0, 0.0, 0.0, 1.0) == pytest.approx(500.0)


def test_per_segment_matching_weighs_each_seller_once():
    """Per segment: 3,000 outsiders of one segment see three sellers equally, each with
    3,000 on offer: each seller gets a third, 1,000 (binomial sd 26; the bounds 850-1,150
    are 5.8 sd away), the table's last seller no more than the others. With the last seller
    out of stock, the other two get half each, 1,500 (sd 27; bounds 1,350-1,650, 5.5 sd
    away). When no seller has stock, nothing sells and both enquiries are lost."""
    m = market.match_buyers(
        -np.arange(1, 3001), np.ones((1, 3)), np.full(3, 3000), None, 0.0,
        np.random.default_rng(0), segment=np.zeros(3000, int),
    )  # fmt: skip
    counts = np.bincount(m.seller, minlength=3)
    assert m.lost == 0 and ((counts > 850) & (counts < 1150)).all(), counts
    two = market.match_buyers(
        -np.arange(1, 3001), np.ones((1, 3)), np.array([3000, 3000, 0]), None, 0.0,
        np.random.default_rng(0), segment=np.zeros(3000, int),
    )  # fmt: skip
    halves = np.bincount(two.seller, minlength=3)
    assert halves[2] == 0 and ((halves[:2] > 1350) & (halves[:2] < 1650)).all(), halves
    none = market.match_buyers(
        np.array([-1, -2]), np.ones((1, 2)), np.zeros(2, int), None, 0.0,
        np.random.default_rng(0), segment=np.zeros(2, int),
    )  # fmt: skip
    assert none.seller.size == 0 and none.lost == 2


# --- buyers who compare a few sellers (buyer_consideration) --------------------------------
def test_choice_shares_by_hand():
    """Weights 1 and 3. One draw: a quarter and three quarters. Two draws, the higher taken:
    the small seller only when both draws are it, (1/4)^2 = 1/16; the large one 15/16. Equal
    weights share their group's chance: 1 and 1 with two draws, a half each."""
    assert market.choice_shares(np.array([1.0, 3.0]), 1) == pytest.approx([0.25, 0.75])
    assert market.choice_shares(np.array([1.0, 3.0]), 2) == pytest.approx([1 / 16, 15 / 16])
    assert market.choice_shares(np.array([[1.0, 1.0, 0.0]]), 2)[0] == pytest.approx([0.5, 0.5, 0])


def test_choice_shares_read_each_segment_on_its_own_total():
    """Segments of reach 0.1 and 0.3 (a total below 1), none at all, and 2 and 6: the first
    and last are the same segment at two scales (1/16 and 15/16 with two draws), the empty
    one chooses nobody and does not stop the rows after it; whole-number reach reads alike."""
    w = np.array([[0.1, 0.3], [0.0, 0.0], [2.0, 6.0]])
    got = market.choice_shares(w, 2)
    assert got[0] == pytest.approx([1 / 16, 15 / 16]) and got[2] == pytest.approx(got[0])
    assert np.array_equal(got[1], [0.0, 0.0])
    assert market.choice_shares(np.array([1, 3]), 2) == pytest.approx([1 / 16, 15 / 16])


def test_a_buyer_comparing_sellers_keeps_the_first_drawn_among_equals():
    """Sellers of equal reach: a buyer who compares three keeps the first it drew, so its
    choice is the one a buyer comparing none makes on the same draws; a single buyer among
    reach 1 and 2 comparing twenty takes the larger (the smaller twenty times running has
    chance (1/3)^20), in every one of 30 seeds."""
    equal = np.array([1.0, 1.0, 1.0])
    for seed in range(5):
        first = market._draw(equal, None, 200, np.random.default_rng(seed))
        kept = market._consider(equal, None, 200, 3, np.random.default_rng(seed))
        assert np.array_equal(kept, first)
    for seed in range(30):
        one = market._consider(np.array([1.0, 2.0]), None, 1, 20, np.random.default_rng(seed))
        assert one.tolist() == [1]


def test_comparing_buyers_choose_as_choice_shares_says():
    """20,000 buyers of one segment, sellers of weight 1, 2, 3 (and one unseen), three draws
    each: the counts match choice_shares (1/216, 19/216, 196/216 of 20,000: 93, 1,759,
    18,148), each within 5 binomial sd (at most 5 x 41 = 205)."""
    w = np.array([[1.0, 2.0, 3.0, 0.0]])
    m = market.match_buyers(
        -np.arange(1, 20001), w, np.full(4, 20000), None, 0.0,
        np.random.default_rng(3), segment=np.zeros(20000, int), consider=3,
    )  # fmt: skip
    counts = np.bincount(m.seller, minlength=4)
    expected = 20000 * market.choice_shares(w, 3)[0]
    sd = np.sqrt(expected * (1 - expected / 20000))
    assert counts[3] == 0 and (np.abs(counts - expected) <= 5 * sd + 1e-9).all(), counts


def test_a_sellers_appeal_diverts_more_from_the_seller_it_is_compared_with():
    """Two sellers, A and B, equal weight 1: half the buyers each, whatever the set size.
    A's appeal doubles (weight 2): with one draw A wins 2/3 (B loses 1/6 of the buyers);
    when buyers compare two, A wins 1 - (1/3)^2 = 8/9 (B loses 7/18 of them): comparing
    sellers makes the same edge take more than twice as many buyers from the other.
    4,000 buyers, enough stock; bounds 5 binomial sd (about 150 and 100)."""

    def share_of_a(weight_a, k):
        m = market.match_buyers(
            -np.arange(1, 4001), np.array([weight_a, 1.0]), np.full(2, 4000), None, 0.0,
            np.random.default_rng(7), consider=k,
        )  # fmt: skip
        return np.mean(m.seller == 0)

    for k in (1, 2):
        assert abs(share_of_a(1.0, k) - 0.5) < 0.04
    assert abs(share_of_a(2.0, 1) - 2 / 3) < 0.04
    assert abs(share_of_a(2.0, 2) - 8 / 9) < 0.03


def test_reach_response_by_hand():
    """Weights 1 and 3, one segment, buyers compare two; each seller's reach up a tenth. The
    small one: chosen with chance (1/4)^2, then (1.1/4.1)^2, against 1/4 then 1.1/4.1 in
    proportion; the large one: 1 - (1/4)^2, then 1 - (1/4.3)^2, against 3/4 then 3.3/4.3. The
    response is the ratio of the relative rises (about 2.07 and 0.35); a seller no buyer sees
    is 1, and in proportion (k = 1) all are 1. Weights 1 and 1.05: the first overtakes the
    second, and its chance jumps from (1/2.05)^2 to 1 - (1.05/2.15)^2."""
    small = ((1.1 / 4.1) ** 2 / (1 / 4) ** 2 - 1) / ((1.1 / 4.1) / 0.25 - 1)
    large = ((1 - (1 / 4.3) ** 2) / (1 - 1 / 16) - 1) / ((3.3 / 4.3) / 0.75 - 1)
    w = np.array([[1.0, 3.0, 0.0]])
    assert market.reach_response(w, np.array([5.0]), 2) == pytest.approx([small, large, 1.0])
    assert small > 2 and large < 0.4
    assert market.reach_response(w, np.array([5.0]), 1) == pytest.approx([1.0, 1.0, 1.0])
    close = market.reach_response(np.array([[1.0, 1.05]]), np.array([1.0]), 2)[0]
    jump = ((1 - (1.05 / 2.15) ** 2) / (1 / 2.05) ** 2 - 1) / ((1.1 / 2.15) / (1 / 2.05) - 1)
    assert close == pytest.approx(jump) and jump > 20


def test_choice_chance_by_hand_in_a_small_segment_and_an_empty_one():
    """Two sellers of reach 0.2 and 0.3 (a segment's total below 1), buyers compare two: the
    first is chosen with chance (0.2/0.5)^2 = 0.16, the second with 1 - 0.16 = 0.84. In a
    segment with no reach at all nobody is chosen (0, not a division by zero)."""
    below, own, total = np.array([[0.0, 0.2]]), np.array([[0.2, 0.3]]), np.array([[0.5]])
    assert market.choice_chance(below, own, total, 2)[0] == pytest.approx([0.16, 0.84])
    with np.errstate(all="raise"):
        empty = market.choice_chance(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 1)), 2)
    assert np.array_equal(empty, np.zeros((1, 2)))


def test_reach_response_reads_each_segment_on_its_own_scale():
    """Shares depend on a segment's weights relative to its own total: segments with weights
    1, 3, 0 and 3, 9, 0 (three times over) and demands 2 and 3 respond as one segment of
    weights 1, 3, 0 with demand 5. A seller who holds all of a segment's reach cannot gain
    share from more of it: its response is 1 (no division by a rise of zero)."""
    two = market.reach_response(np.array([[1.0, 3.0, 0.0], [3.0, 9.0, 0.0]]), [2.0, 3.0], 2)
    one = market.reach_response(np.array([[1.0, 3.0, 0.0]]), [5.0], 2)
    assert two == pytest.approx(one, rel=1e-12) and one[0] > 2
    sole = market.reach_response(np.array([[0.0, 4.0, 0.0]]), [5.0], 3)
    assert np.array_equal(sole, [1.0, 1.0, 1.0])


# --- customer contacts: a partner takes a teacher's buyers (divert_to_contacts) ---------------
def test_a_partner_takes_buyers_who_drew_its_teacher_with_the_contact_chance_only_with_stock():
    """Seller 0's partner 1 knows its contacts (chance 0.3); seller 2 has no such partner.
    Buyers who drew 0 go to 1 about 30% of the time; those who drew 2 never move; with the
    partner out of stock, or the partner the buyer itself, nobody moves; a partner with 5
    animals for sale approaches 5 buyers, the first drawn."""
    rng = np.random.default_rng(0)
    targets = np.r_[np.zeros(5000, dtype=np.int64), np.full(5000, 2), -1]
    buyers = np.full(len(targets), -1)
    contact_of, chance = np.array([1, -1, -1]), np.array([0.3, 0.0, 0.0])
    new, origin = market.divert_to_contacts(
        targets, buyers, contact_of, chance, np.array([5, 5000, 5]), rng
    )
    moved = new != targets
    assert 0.27 < moved[:5000].mean() < 0.33
    assert not moved[5000:].any() and new[-1] == -1
    assert np.array_equal(origin[moved], np.zeros(moved.sum())) and (origin[~moved] == -1).all()
    no_stock = np.array([5, 0, 5])
    sold_out = market.divert_to_contacts(targets, buyers, contact_of, chance, no_stock, rng)
    assert np.array_equal(sold_out[0], targets)
    itself = market.divert_to_contacts(targets, np.full(len(targets), 1), contact_of, chance,
                                       np.array([5, 5, 5]), rng)  # fmt: skip
    assert np.array_equal(itself[0], targets)
    few, _ = market.divert_to_contacts(targets, buyers, contact_of, chance, np.array([5, 5, 5]),
                                       np.random.default_rng(0))  # fmt: skip
    assert (few == 1).sum() == 5
    assert np.array_equal(np.flatnonzero(few == 1), np.flatnonzero(moved)[:5])


def test_contact_takers_draw_once_per_buyer_they_could_approach_in_the_buyers_order():
    """Seller 1's partner is seller 0 (row 0 takes buyers too); seller 2's partner, 3, has no
    animals for sale, so the buyers who drew 2 are not approached and use no draw: the
    buyers who drew 1 take the uniform draws in their order (chance 0.5). With one animal
    for sale and a certain reach, partner 0 takes the first buyer who drew 1 only. A buyer
    who drew no seller stays without one whatever the chance of the last seller."""
    targets = np.tile([1, 2], 200)
    buyers = np.full(len(targets), -1)
    contact_of = np.array([-1, 0, 3, -1])
    chance = np.array([0.0, 0.5, 0.5, 1.0])
    stock = np.array([1_000, 5, 5, 0])
    new, origin = market.divert_to_contacts(
        targets, buyers, contact_of, chance, stock, np.random.default_rng(7)
    )
    drew_1 = np.flatnonzero(targets == 1)
    expected = drew_1[np.random.default_rng(7).random(len(drew_1)) < 0.5]
    assert np.array_equal(np.flatnonzero(new != targets), expected)
    assert (new[expected] == 0).all() and (origin[expected] == 1).all()
    certain, one_for_sale = np.array([0.0, 1.0, 1.0, 1.0]), np.array([1, 5, 5, 0])
    rng = np.random.default_rng(7)
    one, _ = market.divert_to_contacts(targets, buyers, contact_of, certain, one_for_sale, rng)
    assert np.flatnonzero(one != targets).tolist() == [0] and one[0] == 0
    none_drawn, all_stocked = np.full(10, -1), np.array([5, 5, 5, 5])
    rng = np.random.default_rng(7)
    kept, origin = market.divert_to_contacts(
        none_drawn, none_drawn, contact_of, chance, all_stocked, rng
    )
    assert (kept == -1).all() and (origin == -1).all()


def test_match_buyers_records_the_sales_partners_make_through_contacts():
    """Everyone draws seller 0 (weight 1 vs 0): with its partner 1 certain to reach them
    first, 1 sells its stock of 4 to buyers who drew 0, each marked as diverted from 0; the
    rest buy from 0. Without contacts no draw is made: the same matches as before."""
    buyers, weights, stock = np.full(10, -1), np.array([1.0, 0.0]), np.array([20, 4])
    contacts = (np.array([1, -1]), np.array([1.0, 0.0]))
    m = market.match_buyers(buyers, weights, stock, None, 0.0, np.random.default_rng(1),
                            contacts=contacts)  # fmt: skip
    assert (m.seller == 1).sum() == 4 and (m.seller == 0).sum() == 6
    assert np.array_equal(m.diverted_from[m.seller == 1], np.zeros(4))
    assert (m.diverted_from[m.seller == 0] == -1).all()
    plain = market.match_buyers(buyers, weights, stock, None, 0.0, np.random.default_rng(1))
    also = market.match_buyers(buyers, weights, stock, None, 0.0, np.random.default_rng(1),
                               contacts=None)  # fmt: skip
    assert np.array_equal(plain.seller, also.seller) and (plain.diverted_from == -1).all()


# --- the edges of matching that mutation testing found unpinned --------------------------------
def _diverted_then_turned_away(partner_of, retry):
    """Buyer 0 (segment 0) sees only seller 0, buyer 1 (segment 1) only seller 1; seller 1's
    partner 0 knows its contacts and reaches them first (chance 1), with one animal for sale.
    So buyer 1 is diverted to 0, and buyer 0, first in line, buys 0's only animal."""
    return market.match_buyers(
        np.array([-1, -2]), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 5]), partner_of,
        retry, np.random.default_rng(0), segment=np.array([0, 1]),
        contacts=(np.array([-1, 0]), np.array([0.0, 1.0])),
    )  # fmt: skip


def test_a_diverted_buyer_who_buys_later_is_not_marked_diverted_by_hand():
    """The diverted buyer 1 finds seller 0 sold out. Referred by 0 to its partner 1, or
    retrying and drawing 1 (the only seller with stock), it buys from the seller it first
    drew: no partner took it through contacts, so neither sale is marked diverted (-1). The
    referral names its referrer, 0; the retry sale none."""
    referred = _diverted_then_turned_away(np.array([1, 0]), 0.0)
    assert referred.buyer.tolist() == [-1, -2] and referred.seller.tolist() == [0, 1]
    assert referred.referred.tolist() == [False, True] and referred.referrer.tolist() == [-1, 0]
    assert referred.diverted_from.tolist() == [-1, -1] and referred.lost == 0
    retried = _diverted_then_turned_away(None, 1.0)
    assert retried.seller.tolist() == [0, 1] and retried.referred.tolist() == [False, False]
    assert retried.diverted_from.tolist() == [-1, -1] and retried.lost == 0
    assert retried.diverted_from.dtype == np.int64 and retried.referrer.dtype == np.int64


def test_a_buyer_is_never_diverted_to_itself_when_matched_by_hand():
    """Breeder 0 (segment 1) draws seller 1, whose partner with its contacts is breeder 0
    itself, certain to reach its buyers first and with stock: breeder 0 is not sent to
    itself but buys from seller 1, unmarked."""
    m = market.match_buyers(
        np.array([0]), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([5, 5]), None, 0.0,
        np.random.default_rng(0), segment=np.array([1]),
        contacts=(np.array([-1, 0]), np.array([0.0, 1.0])),
    )  # fmt: skip
    assert m.seller.tolist() == [1] and m.diverted_from.tolist() == [-1] and m.lost == 0


@pytest.mark.parametrize("by_segment", [False, True])
@pytest.mark.parametrize("k", [1, 2])
def test_buyers_who_retry_compare_sellers_as_on_their_first_try(by_segment, k):
    """Seller 0 is seen by all (weight 1e9) and has one animal; sellers 1 and 2 are seen
    with weights 1 and 3 (in segment 1 of the per-segment case: 3 and 1) and have plenty.
    4,000 outsiders first ask seller 0 (the chance that any asks another is 4,000 x k x
    4e-9): one buys and the rest retry among 1 and 2, comparing k of them as on their first
    try, so the larger takes choice_shares' 3/4 (k = 1) or 15/16 (k = 2) of the retries.
    Bounds of 5 binomial sd: 0.034 and 0.019."""
    n = 4000
    rows = np.array([[1e9, 1.0, 3.0], [1e9, 3.0, 1.0]])
    weights, segment = (rows, np.arange(n) % 2) if by_segment else (rows[0], None)
    m = market.match_buyers(
        -np.arange(1, n + 1), weights, np.array([1, n, n]), None, 1.0,
        np.random.default_rng(11), segment=segment, consider=k,
    )  # fmt: skip
    assert m.lost == 0 and (m.seller == 0).sum() == 1
    retry = m.seller != 0
    larger = np.where(m.segment == 1, 1, 2) if by_segment else np.full(len(m.seller), 2)
    share = np.mean(m.seller[retry] == larger[retry])
    expected = market.choice_shares(np.array([1.0, 3.0]), k)[1]
    assert abs(share - expected) < 5 * np.sqrt(expected * (1 - expected) / (n - 1)), share


def test_a_buyer_compares_no_sellers_unless_asked_to():
    """match_buyers' default is choice in proportion to reach: the same matches as
    consider=1 on the same random numbers, not those of consider=2."""

    def sellers(**kw):
        m = market.match_buyers(
            -np.arange(1, 201), np.array([1.0, 3.0]), np.full(2, 200), None, 0.0,
            np.random.default_rng(4), **kw,
        )  # fmt: skip
        return m.seller.tolist()

    assert sellers() == sellers(consider=1) != sellers(consider=2)


def test_matching_with_nothing_to_draw_marks_no_referrer_and_no_diversion():
    """The three cases of no draw return empty integer arrays of referrers and diversions,
    like those of a month with sales (not None)."""
    for buyers, weights, segment in (
        (np.zeros(0, np.int64), np.ones(2), None),
        (np.array([-1, -2]), np.zeros(2), None),
        (np.array([-1, -2]), np.zeros((1, 2)), np.array([0, 0])),
    ):
        m = market.match_buyers(
            buyers, weights, np.array([1, 1]), None, 0.5, np.random.default_rng(5), segment
        )
        for column in (m.referrer, m.diverted_from, m.seller, m.buyer):
            assert column.size == 0 and column.dtype == np.int64


def test_a_year_of_no_sales_is_twelve_empty_months():
    """The sales ring starts with 12 months of no sale: (segment, seller, buyers) rows with
    no column, each its own array."""
    months = market.no_sales_months()
    assert len(months) == 12 and all(m.shape == (3, 0) and m.dtype == np.int64 for m in months)
    assert len({id(m) for m in months}) == 12


def test_segments_of_regions_in_order_need_their_niches_in_order_too():
    """Two regions' segments with the regions in order but niches 2, 1, 0 are not the
    standard numbering; reach_matrix then takes each segment's own niche (its row is
    decay x match of that niche x visibility), not the standard one."""
    region = np.repeat([0, 1], market.N_NICHES)
    assert market.niches_of_regions(region, np.tile([0, 1, 2], 2), 2)
    niche = np.tile([2, 1, 0], 2)
    assert not market.niches_of_regions(region, niche, 2)
    decay, seller_niche, vis = np.array([[1.0, 0.5], [0.25, 1.0]]), np.array([0, 2]), np.ones(2)
    reach = market.reach_matrix(vis, decay, region, niche, seller_niche, 0.3)
    match = market.niche_match(np.arange(market.N_NICHES), seller_niche, 0.3)
    assert np.array_equal(reach, decay[region] * match[niche])


def test_present_segments_are_numpys_unique_including_none():
    """_present counts what np.unique(return_inverse=True) finds, for segments with gaps,
    repeats, one segment and none."""
    for segment in ([3, 0, 3, 5, 0], [2], []):
        seg = np.array(segment, dtype=np.int64)
        present, place = market._present(seg)
        values, inverse = np.unique(seg, return_inverse=True)
        assert np.array_equal(present, values) and np.array_equal(place, inverse)


def test_choice_shares_of_a_segment_that_sees_nobody_are_zero_without_a_warning():
    """A segment whose sellers all weigh 0 gives every seller a chance of 0 and divides
    nothing by its zero total (no floating-point warning); the other segment is unchanged."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shares = market.choice_shares(np.array([[0.0, 0.0], [1.0, 3.0]]), 2)
    assert shares[0].tolist() == [0.0, 0.0] and shares[1].tolist() == [1 / 16, 15 / 16]


def test_reach_response_of_a_seller_too_small_to_be_chosen_is_one():
    """Weights 0.001, 1 and 1 with buyers comparing 200: the small seller's chance of being
    chosen, (0.001 / 2.001)^200, is below the smallest float, so no buyer would choose it
    and its response is 1 (not 0 / 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = market.reach_response(np.array([[1e-3, 1.0, 1.0]]), np.array([1.0]), 200)
    assert response[0] == 1.0


def test_weight_below_whole_numbers_is_a_weight():
    """Thresholds given as whole numbers: the weight below 1 of sellers weighing 0.5 and 1.5
    is 0.5 (a float, not truncated), below 2 it is 2."""
    out = market.weight_below(np.array([[0.5, 1.5]]), np.array([[1, 2]]))
    assert out.tolist() == [[0.5, 2.0]] and out.dtype == float
