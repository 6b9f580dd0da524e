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
