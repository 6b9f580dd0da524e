"""Case 11 of issue #25: the breeding-female price went negative in a valid world.

Cause: a breeder whose capital value of a female is negative (costs above what she earns)
still wanted females toward its herd plan and bid that negative value; with no crossing,
the auction's price was the middle of that bid and the best ask (7.80 GBP, then -34.05).
A willingness to pay of zero or less is now no bid.
"""

import numpy as np

from alpaca_abm import AlpacaModel, market

NEGATIVE_PRICE_WORLD = dict(  # issue #25, case 11: found by a search of random worlds
    n_breeders=5,
    control_strength=0.0,
    openness_mean=0.0,
    fairness=0.5,
    opportunism_mean=0.5,
    breach_dissolution=0.0,
    industry_investment=True,
    exit_months=12,
    marketing_cost=60.0,
    search_rate=0.125,
    agent_report_every=1,
    disease_start=2,
    disease_strength=0.9375,
)


def test_a_bid_of_zero_or_less_is_no_bid():
    asks = np.array([400.0, 450.0])
    # the month of the issue: one bid of -384.40 against one ask of 400
    assert market.clearing_price(np.array([-384.4]), asks[:1], previous=9.0) == (400.0, 0)
    assert market.clearing_price(np.array([0.0, -1.0]), asks, previous=9.0) == (400.0, 0)
    # a positive bid below every ask still sets the quote in the middle, as before
    assert market.clearing_price(np.array([100.0, -5.0]), asks, previous=9.0) == (250.0, 0)
    # and a crossing is priced as before, whatever negative bids sit below it
    with_neg = market.clearing_price(np.array([900.0, 420.0, -50.0]), asks, previous=9.0)
    assert with_neg == market.clearing_price(np.array([900.0, 420.0]), asks, previous=9.0)


def test_random_bids_including_negative_ones_never_give_a_price_below_the_lowest_ask_or_bid():
    rng = np.random.default_rng(11)
    for _ in range(500):
        bids = rng.normal(0, 1000, rng.integers(0, 20))
        asks = rng.uniform(400, 3000, rng.integers(1, 20))
        price, q = market.clearing_price(bids, asks, previous=1.0)
        positive = bids[bids > 0]
        assert price > 0
        assert price >= min(asks.min(), positive.max() if len(positive) else np.inf) / 2


def test_the_issue_world_keeps_a_positive_price_for_two_years():
    model = AlpacaModel(rng=531317, **NEGATIVE_PRICE_WORLD)
    negative_bid_months = 0
    original = market.call_auction  # what the month's trade calls

    def watched(bids, asks, previous):
        nonlocal negative_bid_months
        negative_bid_months += bool((np.asarray(bids) <= 0).any())
        return original(bids, asks, previous)

    market.call_auction = watched
    try:
        for _ in range(24):
            model.step()
            assert model.market.price > 0, (model.steps, model.market.price)
    finally:
        market.call_auction = original
    # the economy may change so that this world no longer makes such bids (after the new
    # economy of issue #20 it makes them in one month, before it in two): the unit tests
    # above pin the rule itself
    print(f"months with bids of zero or less: {negative_bid_months}")
    assert (model.model_df["price_female"] > 0).all()
