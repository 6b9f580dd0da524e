"""The economy's pure rules: credit (interest, limit, lifestyle money, insolvency) and
pricing (the waiting reservation, spread, the outside demand schedule, exports, avoidance).
Each test checks a sign or an identity that economics fixes, on numbers small enough to
work out by hand."""

import numpy as np
import pytest

from alpaca_abm import credit, pricing


def test_bank_rate_follows_the_public_series_and_a_fixed_rate_overrides_it():
    assert credit.bank_rate(2007) == pytest.approx(0.055)
    assert credit.bank_rate(2012) == pytest.approx(0.005)
    assert credit.bank_rate(1980) == credit.bank_rate(min(credit.BANK_RATE_YEARLY))
    assert credit.bank_rate(2090) == credit.bank_rate(max(credit.BANK_RATE_YEARLY))
    assert credit.bank_rate(2012, fixed=0.04) == 0.04


def test_interest_is_charged_on_overdrafts_only_at_a_twelfth_of_the_yearly_rate():
    cash = np.array([-12_000.0, 0.0, 5_000.0])
    interest = credit.overdraft_interest(cash, 0.10)
    assert interest.tolist() == pytest.approx([100.0, 0.0, 0.0])


def test_credit_limit_is_a_share_of_the_herd_and_never_negative():
    assert credit.credit_limit(np.array([10_000.0, -5.0]), 0.5).tolist() == [5_000.0, 0.0]


def test_a_hobby_owner_pays_the_overdraft_up_to_what_is_left_of_its_budget():
    cash = np.array([-800.0, -800.0, -800.0, 300.0])
    small = np.array([True, True, False, True])
    paid = np.array([0.0, 1_700.0, 0.0, 0.0])
    give = credit.owner_contribution(cash, small, 2_000.0, paid)
    assert give.tolist() == [800.0, 300.0, 0.0, 0.0]


def test_the_insolvency_clock_counts_months_of_negative_equity_and_resets():
    months = np.array([0, 3, 5])
    clock = credit.insolvency_clock(
        months, np.array([-10.0, -10.0, 10.0]), np.array([5.0, 20.0, 0.0])
    )
    assert clock.tolist() == [1, 0, 0]


def test_a_firm_exits_after_the_documented_months_or_past_its_credit_limit():
    out = credit.must_exit(
        np.array([6, 5, 0]), 6, np.array([-1.0, -1.0, -6_000.0]), np.array([10.0, 10.0, 5_000.0])
    )
    assert out.tolist() == [True, False, True]


def test_the_waiting_reservation_solves_its_own_equation_and_follows_the_price_by_less():
    e, s, c, rate = 1_500.0, 0.2, 25.0, 0.05
    r = float(pricing.waiting_reservation(e, s, c, rate))
    beta = 1 / (1 + rate / 12)
    assert r == pytest.approx(-c + beta * (s * e + (1 - s) * r))
    slope = float(pricing.waiting_reservation(e + 1, s, c, rate)) - r
    assert 0 < slope < 1  # asks follow the expected price without feeding it
    glut = float(pricing.waiting_reservation(e, 0.02, c, rate))
    assert glut < r < e  # a glut marks asks down


def test_spread_removes_the_mass_point_and_keeps_the_median():
    rng = np.random.default_rng(1)
    bids = pricing.spread(np.full(2_001, 1_000.0), 0.15, rng.standard_normal(2_001))
    assert len(np.unique(bids)) == 2_001
    assert np.median(bids) == pytest.approx(1_000.0, rel=0.02)


def test_the_demand_schedule_slopes_down_in_quantity_and_up_in_buyers():
    med, sig, floor = 1_400.0, 0.6, 400.0
    p = pricing.clearing_wtp(100.0, 50.0, med, sig, floor)
    assert p == pytest.approx(med)  # half the buyers take half the offers: the median
    assert pricing.clearing_wtp(100.0, 80.0, med, sig, floor) < p  # more on offer: lower
    assert pricing.clearing_wtp(60.0, 50.0, med, sig, floor) < p  # fewer buyers: lower
    assert pricing.clearing_wtp(100.0, 100.0, med, sig, floor) == floor  # no one left
    assert pricing.clearing_wtp(100.0, 0.0, med, sig, floor) > med  # nothing offered


def test_the_surplus_flow_is_female_crias_less_retiring_dams():
    assert pricing.surplus_flow(40.0, 1_200.0, 0.1) == pytest.approx(30.0)
    assert pricing.surplus_flow(5.0, 1_200.0, 0.1) == 0.0


def test_a_lost_sale_costs_more_in_a_glut():
    calm = float(pricing.sale_surplus(1_500.0, 1_500.0, 0.3, 25.0, 0.05))
    glut = float(pricing.sale_surplus(1_500.0, 1_500.0, 0.02, 25.0, 0.05))
    assert 0 < calm < glut


def test_exports_scale_with_the_uk_herd():
    assert pricing.export_buyers_per_month(12_000.0, 0.01) == pytest.approx(10.0)
    assert pricing.export_buyers_per_month(-1.0, 0.01) == 0.0


def test_buyers_avoid_the_region_in_the_news_most():
    weight = pricing.outbreak_avoidance(np.array([0, 1, 2]), np.array([0.0, 0.2, 0.1]), 0.6)
    assert weight.tolist() == pytest.approx([1.0, 0.4, 0.7])
    assert pricing.outbreak_avoidance(np.array([0, 1]), np.zeros(2), 0.6).tolist() == [1.0, 1.0]


def test_a_dispersal_sale_asks_the_floor_at_its_deadline_and_more_with_time_left():
    cost, floor = np.full(4, 30.0), 400.0
    r = pricing.deadline_reservation(2_000.0, 0.3, cost, 0.05, np.array([0, 1, 2, 40]), floor)
    beta = 1 / (1 + 0.05 / 12)
    assert r[0] == floor
    assert r[1] == pytest.approx(-30.0 + beta * (0.3 * 2_000.0 + 0.7 * floor))
    assert r[0] < r[1] < r[2] < r[3]
    # with a long horizon it is the waiting reservation without a deadline
    assert r[3] == pytest.approx(pricing.waiting_reservation(2_000.0, 0.3, 30.0, 0.05), rel=1e-4)
    # never below the floor, even when keeping her costs more than she is worth
    assert (
        pricing.deadline_reservation(500.0, 0.1, cost, 0.05, np.arange(4), floor) >= floor
    ).all()


def test_newcomers_bid_up_to_the_going_price_and_spread_below_it():
    noise = np.random.default_rng(0).standard_normal(2_000)
    bids = pricing.going_price_bids(1_500.0, 0.15, noise)
    assert bids.max() <= 1_500.0  # never above: newcomers alone cannot bid the price up
    assert len(np.unique(bids)) == len(bids)  # no mass point at one value
    # the half-spread: median markdown exp(-0.15 x 0.674), the median of |z|
    assert np.median(bids) == pytest.approx(1_500.0 * np.exp(-0.15 * 0.6745), rel=0.02)


# --- values worked by hand ----------------------------------------------------------------
def test_bank_rate_at_the_ends_of_the_series_by_hand():
    """Bank Rate 0.75% in 2019: 0.0075. Before 2000 the first year's 6%, after 2025 the last
    year's 4.2%. A fixed rate of 0 is a rate (no interest), not 'none given'."""
    assert credit.bank_rate(2019) == pytest.approx(0.0075)
    assert credit.bank_rate(1999) == pytest.approx(0.06)
    assert credit.bank_rate(2031) == pytest.approx(0.042)
    assert credit.bank_rate(2019, fixed=0.0) == 0.0


def test_credit_edges_by_hand():
    """A hobby owner that has paid 2,500 of a 2,000 budget pays no more (not a negative
    amount). Equity of exactly 0 (cash -10, herd 10) is not negative: the clock resets. An
    overdraft of exactly its limit (-5,000 against 5,000) is not past it."""
    give = credit.owner_contribution(
        np.array([-800.0]), np.array([True]), 2_000.0, np.array([2_500.0])
    )
    assert give.tolist() == [0.0]
    assert credit.insolvency_clock(np.array([4]), np.array([-10.0]), np.array([10.0])).tolist() == [
        0
    ]
    out = credit.must_exit(np.array([0]), 6, np.array([-5_000.0]), np.array([5_000.0]))
    assert out.tolist() == [False]


def test_the_waiting_reservation_by_hand():
    """Expected price 1,200, a monthly chance of sale 0.5, keep 10 a month. With no interest
    (beta 1): r = (0.5 x 1,200 - 10) / (1 - 0.5) = 1,180; a negative rate counts as none.
    At 12% a year (beta = 1 / 1.01 = 100/101): r = (100/101 x 600 - 10) / (1 - 50/101) =
    (58,990/101) / (51/101) = 1,156.667. A sure sale (chance 2 counts as 1): 1,200 - 10 =
    1,190. No chance at all (counted as one in a million): r = (0.0012 - 10) / 1e-6 =
    -9,998,800 (she is a cost to keep). The surplus of a sale at 1,500 over waiting (no
    interest): 1,500 - 1,180 = 320."""
    assert pricing.waiting_reservation(1_200.0, 0.5, 10.0, 0.0) == pytest.approx(1_180.0)
    assert pricing.waiting_reservation(1_200.0, 0.5, 10.0, -0.5) == pytest.approx(1_180.0)
    assert pricing.waiting_reservation(1_200.0, 0.5, 10.0, 0.12) == pytest.approx(3_470 / 3)
    assert pricing.waiting_reservation(1_200.0, 2.0, 10.0, 0.0) == pytest.approx(1_190.0)
    assert pricing.waiting_reservation(1_200.0, 0.0, 10.0, 0.0) == pytest.approx(-9_998_800.0)
    assert pricing.sale_surplus(1_500.0, 1_200.0, 0.5, 10.0, 0.0) == pytest.approx(320.0)


def test_the_deadline_reservation_by_hand():
    """Expected price 1,000, chance 0.5, keep 20, no interest, floor 300. No month left: the
    floor, 300; one: -20 + 0.5 x 1,000 + 0.5 x 300 = 630; two: -20 + 500 + 0.5 x 630 =
    795. With keep 40 and one month left: 610. With no chance of a sale (a chance of -1
    counts as 0) one month left is worth -20 + 300 = 280, below the floor: 300; with a sure
    sale (a chance of 2 counts as 1), -20 + 1,000 = 980. With no month left for either of
    two sellers, each gets the floor; with no seller, no answer."""
    r = pricing.deadline_reservation(1_000.0, 0.5, 20.0, 0.0, np.array([0, 1, 2]), 300.0)
    assert r == pytest.approx([300.0, 630.0, 795.0])
    two = pricing.deadline_reservation(1_000.0, 0.5, np.array([20.0, 40.0]), 0.0, 1, 300.0)
    assert two == pytest.approx([630.0, 610.0])
    assert pricing.deadline_reservation(1_000.0, -1.0, 20.0, 0.0, 1, 300.0) == pytest.approx(300.0)
    assert pricing.deadline_reservation(1_000.0, 0.5, 20.0, -1.0, 1, 300.0) == pytest.approx(630.0)
    assert pricing.deadline_reservation(1_000.0, 2.0, 20.0, 0.0, 1, 300.0) == pytest.approx(980.0)
    none_left = pricing.deadline_reservation(1_000.0, 0.5, 20.0, 0.0, np.zeros(2, int), 300.0)
    assert none_left.shape == (2,) and none_left.tolist() == [300.0, 300.0]
    assert pricing.deadline_reservation(1_000.0, 0.5, 20.0, 0.0, np.zeros(0, int), 300.0).size == 0


def test_spread_and_going_price_bids_by_hand():
    """Spread 0.5: values 100 and 200 with noise 0 and 2 become 100 and 200 x e = 543.66.
    Going-price bids at 1,000 with spread 0.5 and noise -2, 0, 2: 1,000 x e^-1 = 367.88
    either side, 1,000 at no noise."""
    spread = pricing.spread(np.array([100.0, 200.0]), 0.5, np.array([0.0, 2.0]))
    assert spread == pytest.approx([100.0, 543.656366])
    bids = pricing.going_price_bids(1_000.0, 0.5, np.array([-2.0, 0.0, 2.0]))
    assert bids == pytest.approx([367.879441, 1_000.0, 367.879441])


def test_demand_schedule_and_avoidance_by_hand():
    """Log-normal willingness to pay, median 1,400, sigma 0.5: 16 offered to 100 buyers
    clear where P(WTP >= p) = 0.16, z = 0.99446 (normal tables): 1,400 x e^0.49723 =
    2,301.82; nothing offered: the top, 1,400 x e^(3 x 0.5) = 6,274.36. At sigma 0.6, 99 of
    100: z = -2.3263, 1,400 x e^-1.3958 = 346.69, below the floor 400: 400. One offered to 100
    at sigma 0.5: z = 2.3263, 1,400 x e^1.16317 = 4,480.10.
    Avoidance above 1 counts as 1: the worst region's sellers weigh 0, one at half its news
    0.5; below 0 as 0: everyone weighs 1; with no region at all, no weight. EU demand below 0
    means no export buyers."""
    assert pricing.clearing_wtp(100.0, 16.0, 1_400.0, 0.5, 400.0) == pytest.approx(2_301.822449)
    assert pricing.clearing_wtp(100.0, 0.0, 1_400.0, 0.5, 400.0) == pytest.approx(6_274.364698)
    assert pricing.clearing_wtp(100.0, 99.0, 1_400.0, 0.6, 400.0) == 400.0
    assert pricing.clearing_wtp(100.0, 1.0, 1_400.0, 0.5, 400.0) == pytest.approx(
        4_480.10, abs=0.01
    )
    regions, news = np.array([0, 1, 2]), np.array([0.0, 0.2, 0.1])
    assert pricing.outbreak_avoidance(regions, news, 1.5) == pytest.approx([1.0, 0.0, 0.5])
    assert pricing.outbreak_avoidance(regions, news, -1.0) == pytest.approx([1.0, 1.0, 1.0])
    assert pricing.outbreak_avoidance(np.zeros(0, int), np.zeros(0), 0.6).size == 0
    assert pricing.export_buyers_per_month(12_000.0, -0.01) == 0.0
