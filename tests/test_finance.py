"""The economics of a breeder as pure functions: accounts at market value, herd plans at
expected margins (Nerlove), entry on expected return, exit on sustained economic loss."""

import numpy as np
import pytest

from alpaca_abm import AlpacaModel, breeding, finance, trading
from alpaca_abm import herd as herd_mod


def test_buying_a_female_is_no_loss_and_a_birth_is_a_gain():
    # a purchase at her market value: cash out, stock in
    bought = finance.accounting_profit(
        np.array([0.0]), np.array([2000.0]), np.array([10_000.0]), np.array([12_000.0])
    )
    # the seller: cash in, stock out
    sold = finance.accounting_profit(
        np.array([2000.0]), np.array([0.0]), np.array([10_000.0]), np.array([8000.0])
    )
    born = finance.accounting_profit(
        np.zeros(1), np.zeros(1), np.array([10_000.0]), np.array([11_000.0])
    )
    assert bought[0] == 0 and sold[0] == 0 and born[0] > 0


def test_animals_are_valued_by_what_they_are():
    female = np.array([True, True, True, False, False])
    age = np.array([40, 6, 200, 40, 40])
    stud = np.array([False, False, False, True, False])
    quality = np.full(5, 50.0)
    v = finance.animal_values(
        female, age, stud, quality, 2000.0, 400.0, 0.03, 50.0, 18, 180, np.full(5, 9000.0)
    )
    assert v[0] == 2000  # a breeding female at the price
    assert v[1] == finance.YOUNG_FEMALE_SHARE * 2000  # a young female at a share of it
    assert v[2] == 400 and v[4] == 400  # retired females and other males at the pet price
    assert v[3] == 9000  # a working stud at its stud value


def test_a_better_female_is_worth_more_in_the_books():
    v = finance.animal_values(
        np.array([True, True]),
        np.array([40, 40]),
        np.zeros(2, bool),
        np.array([60.0, 40.0]),
        2000.0,
        400.0,
        0.03,
        50.0,
        18,
        180,
        np.zeros(2),
    )
    assert v[0] > 2000 > v[1]


def test_herd_plans_grow_when_a_female_is_worth_more_than_her_price_and_shrink_when_less():
    herd = np.array([20.0, 20.0, 20.0])
    plan = finance.planned_herd(herd, np.array([3000.0, 2000.0, 1000.0]), 2000.0, 0.5, 1.0)
    assert plan[0] > 20 and plan[1] == 20 and plan[2] < 20


def test_herd_plans_by_hand_and_capped_at_half_the_herd():
    """Herd 20, expected price 2,000, response 0.5: a female worth 3,000 to the breeder
    plans 20 x (1 + 0.5 x 1,000 / 2,000) = 25; worth 2,600, 23; worth 5,000 the gap
    0.5 x 1.5 = 0.75 is capped at +0.5 (30); worth 0 it is -0.5 (10), worth -4,000 (-1.5)
    capped at -0.5 (10). An uncertain mood of 0.5 halves growth (3,000: 22.5), not shrinking.
    A price below 1 GBP counts as 1 (no division by zero): value 1.2 at price 0.5, response
    0.1: gap 0.1 x 0.7 / 1 = 0.07, plan 21.4."""
    herd = np.full(5, 20.0)
    value = np.array([3000.0, 2600.0, 5000.0, 0.0, -4000.0])
    plan = finance.planned_herd(herd, value, 2000.0, 0.5, 1.0)
    assert plan == pytest.approx([25.0, 23.0, 30.0, 10.0, 10.0])
    wary = finance.planned_herd(herd, value, 2000.0, 0.5, 0.5)
    assert wary == pytest.approx([22.5, 21.5, 25.0, 10.0, 10.0])
    assert finance.planned_herd(np.array([20.0]), np.array([1.2]), 0.5, 0.1, 1.0) == (
        pytest.approx([21.4])
    )


def test_an_uncertain_mood_damps_growth_but_not_shrinking():
    herd = np.array([20.0, 20.0])
    calm = finance.planned_herd(herd, np.array([3000.0, 1000.0]), 2000.0, 0.5, 1.0)
    wary = finance.planned_herd(herd, np.array([3000.0, 1000.0]), 2000.0, 0.5, 0.5)
    assert 20 < wary[0] < calm[0] and wary[1] == calm[1]


def test_entry_follows_the_expected_return_of_a_starting_herd():
    good = finance.starting_herd_return(600.0, 6, 720.0, 2000.0)
    bad = finance.starting_herd_return(50.0, 6, 720.0, 2000.0)
    assert good > 0 > bad
    assert finance.entry_factor(0.03, 0.03, 0.0) == 1.0
    assert finance.entry_factor(good, 0.03, 0.0) > 1 > finance.entry_factor(bad, 0.03, 0.0)
    assert finance.entry_factor(bad, 0.03, 0.2) > finance.entry_factor(bad, 0.03, 0.0)  # lifestyle


def test_economic_loss_is_a_loss_beyond_what_is_tolerated():
    year = np.array([-1000.0, -1000.0, 500.0])
    tolerated = np.array([2000.0, 0.0, 0.0])
    loss = finance.economic_loss(year, tolerated)
    assert list(loss) == [False, True, False]  # hobby tolerance; a profit is no loss
    # insolvency is judged on equity by its own clock (credit.insolvency_clock), not here


def test_book_losses_do_not_count_while_the_herd_is_expected_to_pay_its_way():
    year, tolerated = np.array([-5000.0, -5000.0]), np.zeros(2)
    loss = finance.economic_loss(year, tolerated, np.array([800.0, -800.0]))
    assert list(loss) == [False, True]


def test_weaning_rate_is_below_one_and_falls_with_cria_mortality():
    sc = AlpacaModel(rng=0, n_breeders=5).scenario
    assert 0 < breeding.weaning_rate(sc) < 1
    assert breeding.weaning_rate(sc.replace(cria_mortality=0.3)) < breeding.weaning_rate(sc)


def test_a_female_is_worth_more_to_every_breeder_when_her_crias_sell_better():
    m = AlpacaModel(rng=0, n_breeders=10)
    m.market.sell_through = 0.02
    slow = finance.female_values(m)
    m.market.sell_through = 0.2
    fast = finance.female_values(m)
    assert (fast > slow).all()


def test_stock_values_start_at_the_herd_and_follow_the_expected_price():
    m = AlpacaModel(rng=1, n_breeders=10)
    heads = m.herd.counts_by_owner(m.firms.n)
    value = finance.stock_values(m)
    assert (value > 0).all() and np.allclose(value, m.firms.stock_value[: m.firms.n])
    assert (value[heads > 0] >= 0).all()
    m.market.expected_price *= 0.5
    assert (finance.stock_values(m) < value).all()


def test_no_breeder_exits_in_the_month_after_buying_its_foundation_herd():
    m = AlpacaModel(rng=2, n_breeders=20, exit_months=1)
    for _ in range(24):
        m.step()
    firms = m.firms
    young = (m.steps - firms.entered_step[: firms.n]) < finance.MIN_YEAR_FOR_EXIT
    assert firms.active[: firms.n][young].all()  # a newcomer's first year is not judged


def test_a_breeder_breeds_for_its_sales_plan_and_replacements_not_beyond():
    # three breeders with 20 open females of 20 in stock: one sells many, one plans to grow,
    # one sells nothing and keeps its herd
    share = breeding.mating_share(
        open_females=np.array([20.0, 20.0, 20.0]),
        stock=np.array([20.0, 20.0, 20.0]),
        target=np.array([20.0, 30.0, 20.0]),
        sales_year=np.array([10.0, 0.0, 0.0]),
        replacement_rate=0.07,
        weaning=0.85,
        least=0.2,
    )
    assert share[0] == 1.0  # its crias sell: it breeds every female
    assert share[1] == 1.0  # growing by ten needs more crias than its twenty give
    assert share[2] == 0.2  # it needs 1.4 replacements a year: the least share
    more_sales = breeding.mating_share(
        np.array([20.0]), np.array([20.0]), np.array([20.0]), np.array([3.0]), 0.07, 0.85, 0.0
    )
    fewer_sales = breeding.mating_share(
        np.array([20.0]), np.array([20.0]), np.array([20.0]), np.array([1.0]), 0.07, 0.85, 0.0
    )
    assert 0 < fewer_sales[0] < more_sales[0] < 1


def test_rested_females_are_not_bred_and_without_mating_plans_none_rest():
    from alpaca_abm import breeding
    from alpaca_abm.herd import NOT_PREGNANT

    def first_mating_month(**overrides):
        m = AlpacaModel("baseline", rng=3, **overrides)
        while m.month != m.scenario.mating_start_month or m.steps < 2:
            m.step()
        breeding.mate(m)  # the season's first month: plans made, some females mated
        return m.herd

    herd = first_mating_month()
    alive = herd.view("alive")
    rested = herd.view("rested") & alive
    assert rested.sum() > 0  # some breeders sell too little to breed all their females
    assert not (rested & (herd.view("due_in") != NOT_PREGNANT)).any()  # none of them mated
    assert first_mating_month(mating_plans=False).view("rested").sum() == 0


def test_herd_plans_count_breeding_females_not_crias():
    from alpaca_abm.herd import breeding_stock

    m = AlpacaModel("baseline", rng=0)
    h = m.herd
    stock = breeding_stock(h, m.firms.n, m.scenario.female_retire_age)
    alive, female, age = h.view("alive"), h.view("female"), h.view("age")
    # breeding females: a year (12 months) old or more and not retired
    grown = alive & female & (age >= 12) & (age < m.scenario.female_retire_age)
    assert stock.sum() == grown.sum() < alive.sum()
    # at the start every breeder plans its breeding females at the scenario's ratio to them
    active = m.firms.active[: m.firms.n] & (stock > 0)
    ratio = m.firms.target_herd[: m.firms.n][active] / stock[active]
    assert np.allclose(ratio, ratio[0]) and 1.0 <= ratio[0] <= 1.5


def test_an_exiting_herd_is_dispersed_through_the_market_then_as_pets():
    m = AlpacaModel(rng=4, n_breeders=30)
    for _ in range(3):
        m.step()
    stock = herd_mod.breeding_stock(m.herd, m.firms.n, m.scenario.female_retire_age)
    b = int(np.argmax(stock))
    females = herd_mod.breeding_females(m.herd, m.scenario.female_retire_age)
    mine = females[m.herd.owner[females] == b]
    finance.exit_breeders(m, np.array([b]))
    alive = m.herd.view("alive") & (m.herd.view("owner") == b)
    # the breeding females stay for the dispersal sale; males, crias and old females go now
    assert set(np.flatnonzero(alive)) == set(mine.tolist())
    assert finance.dispersing(m.firms, m.steps)[b]
    listed = trading.list_females(m)
    assert set(mine.tolist()) <= set(listed.tolist())  # every one of them is on offer
    for _ in range(finance.DISPERSAL_MONTHS):
        m.step()
    assert not finance.dispersing(m.firms, m.steps)[b]
    assert not (
        m.herd.view("alive") & (m.herd.view("owner") == b)
    ).any()  # what no one bought went as pets


def test_eu_buyers_find_sellers_who_do_not_trade_in_europe_themselves():
    """EU orders (one a year per alpaca: more than the listed females) are filled through
    agents when no breeder trades in Europe; this small industry first lists females after
    about three years."""
    m = AlpacaModel(rng=5, n_breeders=40, export_demand=1.0)
    m.firms.exports[:] = False
    for _ in range(48):
        m.step()
    assert m.model_df["export_sales"].sum() > 0


# --- values worked by hand ----------------------------------------------------------------
def test_entry_factor_by_hand():
    """Entry relative to par, 2 / (1 + e^-x) with x = (return + lifestyle - outside) / 0.05:
    a starting herd earning 8% against an outside 3% gives x = 1, 2 / (1 + e^-1) = 1.462117;
    -2% gives x = -1, 0.537883; 3% with a lifestyle value of 5% is x = 1 again; far above
    par it tends to 2 (x clipped at 50), far below to 0."""
    assert finance.entry_factor(0.08, 0.03, 0.0) == pytest.approx(1.462117, abs=1e-6)
    assert finance.entry_factor(-0.02, 0.03, 0.0) == pytest.approx(0.537883, abs=1e-6)
    assert finance.entry_factor(0.03, 0.03, 0.05) == pytest.approx(1.462117, abs=1e-6)
    assert finance.entry_factor(100.0, 0.0, 0.0) == pytest.approx(2.0)
    assert finance.entry_factor(-100.0, 0.0, 0.0) == pytest.approx(0.0, abs=1e-20)


def test_lifestyle_yield_by_hand():
    """1,200 GBP a year of lifestyle value on six females at 2,000 GBP is 1,200 / 12,000 =
    10% of the starting herd's capital; at 5,000 GBP it is 4%, at 10,000 2%, so entry at the
    same margin (none) falls from above par to below it as the price rises; no value (or a
    negative one) adds nothing; a price of 0 counts the capital as 1 GBP."""
    assert finance.lifestyle_yield(1200.0, 6, 2000.0) == pytest.approx(0.10)
    assert finance.lifestyle_yield(1200.0, 6, 5000.0) == pytest.approx(0.04)
    assert finance.lifestyle_yield(0.0, 6, 2000.0) == 0.0
    assert finance.lifestyle_yield(-50.0, 6, 2000.0) == 0.0
    assert finance.lifestyle_yield(1200.0, 6, 0.0) == pytest.approx(1200.0)
    cheap = finance.entry_factor(0.0, 0.03, finance.lifestyle_yield(1200.0, 6, 2000.0))
    dear = finance.entry_factor(0.0, 0.03, finance.lifestyle_yield(1200.0, 6, 10000.0))
    assert cheap > 1 > dear


def test_starting_herd_return_and_accounting_profit_by_hand():
    """Six females with a margin of 600 each, fixed costs 720 a year, price 2,000: (3,600 -
    720) / 12,000 = 0.24 a year; a price of 0 counts the capital as 1 GBP. Profit: revenue
    1,000 - costs 300 + closing stock 5,000 - opening stock 4,500 = 1,200."""
    assert finance.starting_herd_return(600.0, 6, 720.0, 2000.0) == pytest.approx(0.24)
    assert finance.starting_herd_return(600.0, 6, 720.0, 0.0) == pytest.approx(2880.0)
    profit = finance.accounting_profit(
        np.array([1000.0]), np.array([300.0]), np.array([4500.0]), np.array([5000.0])
    )
    assert profit == pytest.approx([1200.0])


def test_animal_values_by_hand():
    """Price 2,000, premium 0.03 a point about a mean quality of 50, breeding from 18 months,
    retired at 180: a female of quality 60 aged 40 is worth 2,000 x e^0.3 = 2,699.72, of
    quality 40 aged 179 2,000 x e^-0.3 = 1,481.64; a young female (6 months) of quality 60
    half of 2,699.72 = 1,349.86; a retired female (180) and a male that is no stud the pet
    price 400; a working stud its stud value (9,000); a female flagged as stud is valued as
    a female."""
    v = finance.animal_values(
        female=np.array([True, True, True, True, False, False, True]),
        age=np.array([40, 179, 6, 180, 40, 40, 40]),
        stud=np.array([False, False, False, False, False, True, True]),
        quality=np.array([60.0, 40.0, 60.0, 60.0, 60.0, 60.0, 50.0]),
        price=2000.0,
        pet_price=400.0,
        premium=0.03,
        mean_quality=50.0,
        breeding_age=18,
        retire_age=180,
        stud_values=np.full(7, 9000.0),
    )
    assert v == pytest.approx([2699.7176, 1481.6364, 1349.8588, 400, 400, 9000, 2000])


def test_percentile_rank_by_hand():
    """Values (5, 1, 3, 9) with the last masked out rank 1 -> 0, 3 -> 0.5, 5 -> 1 (masked:
    0); one value alone ranks 0.5; none, all 0."""
    got = finance._percentile_rank(np.array([5.0, 1.0, 3.0, 9.0]), np.array([1, 1, 1, 0], bool))
    assert got == pytest.approx([1.0, 0.0, 0.5, 0.0])
    one = finance._percentile_rank(np.array([5.0, 1.0]), np.array([False, True]))
    assert one == pytest.approx([0.0, 0.5])
    assert finance._percentile_rank(np.ones(2), np.zeros(2, bool)) == pytest.approx([0, 0])


def test_breeding_years_by_hand():
    """Breeding from 24 to 180 months: half of 13 years, 6.5."""
    from types import SimpleNamespace

    p = SimpleNamespace(female_retire_age=180, female_breeding_age=24)
    assert finance.breeding_years(p) == pytest.approx(6.5)


def test_economic_loss_and_dispersal_by_hand():
    """A year's profit of -1,000 against a tolerated loss of 1,000 is not below it (-1,000
    is not < -1,000); -1,001 is, and with an expected margin of -1 (or none given) it is a
    month of economic loss, with a margin of 0 or more it is not. Dispersal: breeders 1 and
    3 close; their live animals (two of 1's, one of 3's) leave the herd, a dead one of 1's
    is not counted, breeder 0's and 2's stay."""
    year = np.array([-1000.0, -1001.0, -1001.0, -1001.0])
    loss = finance.economic_loss(year, np.full(4, 1000.0), np.array([-1.0, -1.0, 0.0, 5.0]))
    assert loss.tolist() == [False, True, False, False]
    assert finance.economic_loss(np.array([-1001.0]), np.array([1000.0])).tolist() == [True]
    from alpaca_abm.herd import Herd

    h = Herd(capacity=2)
    h.add(
        owner=np.array([0, 1, 1, 1, 2, 3]),
        alive=np.array([True, True, True, False, True, True]),
    )
    counts = finance.disperse_herds(h, 4, np.array([1, 3]))
    assert counts.tolist() == [2, 1]
    assert h.view("alive").tolist() == [True, False, False, False, True, False]


def test_the_edges_of_the_finance_rules_by_hand():
    """A female of exactly breeding age (18 months) is valued as a breeder (2,000 at mean
    quality), not as a young one. Percentile ranks of two breeders: 0 and 1; of twenty
    equal values, in the order given (0, 1/19, ..., 1), as are equal values among 200.
    Entry far below par is 2 / (1 + e^50) = 3.86e-22, x clipped at -50 (not 0 from an
    overflow). Dispersal: a firm that left
    at month 0 is still selling at month 2 and done at month 3 (3 months); an active firm
    or one that never left is not dispersing. With the retirement age given, a closing
    herd's breeding females (12 months or more, under 180) stay for the dispersal sale."""
    v = finance.animal_values(
        np.array([True]), np.array([18]), np.zeros(1, bool), np.array([50.0]), 2000.0, 400.0,
        0.03, 50.0, 18, 180, np.zeros(1),
    )  # fmt: skip
    assert v == pytest.approx([2000.0])
    two = finance._percentile_rank(np.array([5.0, 1.0]), np.ones(2, bool))
    assert two == pytest.approx([1.0, 0.0])
    ties = finance._percentile_rank(np.zeros(20), np.ones(20, bool))
    assert ties == pytest.approx(np.arange(20) / 19)
    many = np.random.default_rng(1).integers(0, 3, 200).astype(float)
    ranked = finance._percentile_rank(many, np.ones(200, bool))
    for value in (0.0, 1.0, 2.0):  # equal values rank in the order given
        assert (np.diff(ranked[many == value]) > 0).all()
    far_below = finance.entry_factor(-100.0, 0.0, 0.0)
    assert far_below == pytest.approx(2 / (1 + np.exp(50)), rel=1e-9, abs=0.0)
    from alpaca_abm.breeder import FirmTable
    from alpaca_abm.herd import Herd

    firms = FirmTable()
    firms.add(3, active=np.array([False, True, False]), exited_step=np.array([0, -1, -1]))
    assert finance.dispersing(firms, 2).tolist() == [True, False, False]
    assert finance.dispersing(firms, 3).tolist() == [False, False, False]
    h = Herd()
    h.add(owner=np.zeros(3, int), female=np.array([True, True, False]), age=np.array([40, 6, 40]))
    assert finance.disperse_herds(h, 1, np.array([0]), keep_breeding=180).tolist() == [2]
    assert h.view("alive").tolist() == [True, False, False]
