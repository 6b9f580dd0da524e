"""Breeders judge animals by what they can see (herd.seen_quality) in every choice."""

import numpy as np
import pytest

from alpaca_abm import AlpacaModel, breeding, trading
from alpaca_abm.herd import Herd


def one_breeder(**overrides) -> tuple[AlpacaModel, Herd]:
    """Baseline model reduced to breeder 0 with 20 females; perfect judges (no noise)."""
    m = AlpacaModel(
        "baseline", rng=0, n_breeders=3, mating_start_month=1, mating_end_month=2, **overrides
    )
    p, f = m.scenario, m.firms
    f.knowledge[:3] = 1.0  # no judging noise: seen = phenotype + other merit
    f.cash[:3] = 1e6
    f.x_km[:3] = [0.0, 1000.0, 2000.0]  # far apart: no stud for hire within reach
    f.y_km[:3] = 0.0
    m.herd = h = Herd()
    h.add(
        owner=np.zeros(20, np.int64),
        female=np.ones(20, bool),
        age=np.full(20, p.female_breeding_age + 12),
        quality=np.full(20, 50.0),
        colour=np.zeros(20, np.int8),
    )
    return m, h


def test_sire_choice_takes_the_stud_the_breeder_sees_as_best_not_the_best_genes():
    m, h = one_breeder()
    genes, looks = m.elite_level + 30, m.elite_level + 20
    h.add(  # two own studs: one with better genes but poor other merit, one that looks better
        owner=np.zeros(2, np.int64),
        female=np.zeros(2, bool),
        age=np.full(2, 60),
        quality=np.array([genes, looks]),
        other_merit=np.array([-40.0, 0.0]),
        colour=np.zeros(2, np.int8),
        stud=np.ones(2, bool),
    )
    m.month = 2  # in season, after the stud selection (studs stay as set)
    breeding.mate(m)
    pregnant = h.view("due_in") > 0
    assert pregnant.any()
    assert np.all(h.view("sire_quality")[pregnant] == np.float32(looks))


def test_a_young_male_who_looks_worse_than_the_dams_is_offered_as_a_pet():
    m, h = one_breeder()
    p = m.scenario
    young = h.add(  # genetically far better than the dams, but judged worse
        owner=np.zeros(2, np.int64),
        female=np.zeros(2, bool),
        age=np.full(2, p.stud_age),
        quality=np.array([80.0, 55.0]),
        other_merit=np.array([-60.0, 10.0]),
        colour=np.zeros(2, np.int8),
    )
    offered = trading.list_pets(m)
    assert young[0] in offered  # looks worse: sold as a pet despite its genes
    assert young[1] not in offered  # looks better than the dams: kept as a prospect


def test_an_owners_judged_mean_of_its_dams_averages_what_it_sees_with_the_right_error():
    h = Herd()
    h.add(
        owner=np.repeat([0, 1], 400),
        female=np.ones(800, bool),
        age=np.full(800, 36),
        quality=np.r_[np.full(400, 50.0), np.full(400, 60.0)],
        other_merit=np.r_[np.full(400, -5.0), np.zeros(400)],
        colour=np.zeros(800, np.int8),
    )
    rng = np.random.default_rng(1)
    noise = np.array([0.0, 20.0])
    draws = np.array(
        [trading.judged_mean_by_owner(h, np.arange(800), noise, 2, rng) for _ in range(2000)]
    )
    assert np.allclose(draws[:, 0], 45.0)  # a perfect judge sees phenotype + other merit
    assert abs(draws[:, 1].mean() - 60.0) < 0.1  # unbiased (sd of the mean 0.02)
    assert abs(draws[:, 1].std() - 20.0 / np.sqrt(400)) < 0.05  # one error of sd 20/sqrt(400)


# --- values worked by hand ----------------------------------------------------------------
def test_mating_share_by_hand():
    """20 open females of 20 in stock, weaning 0.8 (0.4 female crias a mating): wanting 2
    sales + 0 growth + 0.1 x 20 replacements = 4 female crias needs 4 / 8 = half of them
    bred; wanting 4 + 5 (plan 25) + 2 = 11 needs 1.375, capped at all; wanting 0 + 0 + 0.2
    (replacement 0.01) needs 0.025, floored at the least share 0.1; a breeder with no open
    female breeds 'all' of none."""
    share = breeding.mating_share(
        open_females=np.array([20.0, 20.0, 20.0, 0.0]),
        stock=np.array([20.0, 20.0, 20.0, 20.0]),
        target=np.array([20.0, 25.0, 20.0, 20.0]),
        sales_year=np.array([2.0, 4.0, 0.0, 2.0]),
        replacement_rate=np.array([0.1, 0.1, 0.01, 0.1]),
        weaning=0.8,
        least=0.1,
    )
    assert share == pytest.approx([0.5, 1.0, 0.1, 1.0])


def test_weaning_rate_by_hand():
    """A season of May to August (4 months) at a conception rate of 0.5 a month: 1 - 0.5^4
    = 0.9375 conceive, and with cria mortality 0.2, 0.75 weaned; a season across the new
    year, November to February, is also 4 months."""
    from types import SimpleNamespace

    p = SimpleNamespace(
        mating_start_month=5, mating_end_month=8, conception_rate=0.5, cria_mortality=0.2
    )
    assert breeding.weaning_rate(p) == pytest.approx(0.75)
    p.mating_start_month, p.mating_end_month = 11, 2
    assert breeding.weaning_rate(p) == pytest.approx(0.75)


def test_season_by_hand():
    """A season from May to August holds May and August, not April or September; one from
    November to February wraps the new year: it holds December and January, not March."""
    assert [breeding.in_season(m, 5, 8) for m in (4, 5, 8, 9)] == [False, True, True, False]
    assert [breeding.in_season(m, 11, 2) for m in (10, 11, 12, 1, 2, 3)] == [
        False, True, True, True, True, False,
    ]  # fmt: skip


def test_sire_choice_by_hand():
    """At 10 GBP a quality point: breeder 0 values its own stud (50) at 500, a co-owned one
    (60, 150 a mating) at 450, a hired one (55, 20) at 530: the hired one. Breeder 1 has only the
    co-owned (60, 50): 550. Breeder 2: own 500 against hired (58, 100) 480: its own. Breeder
    3 has no option: NONE. With no value per point every option is worth minus its cost:
    breeder 0's own stud (cost 0) beats the others."""
    inf = -np.inf
    choice = breeding.sire_choice(
        own_q=np.array([50.0, inf, 50.0, inf]),
        coown_q=np.array([60.0, 60.0, inf, inf]),
        coown_cost=np.array([150.0, 50.0, 0.0, 0.0]),
        service_q=np.array([55.0, inf, 58.0, inf]),
        service_cost=np.array([20.0, 0.0, 100.0, 0.0]),
        value_per_point=10.0,
    )
    assert choice.tolist() == [breeding.SERVICE, breeding.COOWNED, breeding.OWN, breeding.NONE]
    free = breeding.sire_choice(
        np.array([50.0]), np.array([60.0]), np.array([10.0]), np.array([55.0]), np.array([5.0]), 0.0
    )
    assert free.tolist() == [breeding.OWN]


def test_group_rank_numbers_each_group_from_zero():
    """Groups (3, 1, 3, 3, 1, 7): the two of group 1 rank 0 and 1, the three of group 3 rank
    0, 1 and 2, the one of group 7 ranks 0 (which one gets which rank is the draw's)."""
    groups = np.array([3, 1, 3, 3, 1, 7])
    rank = breeding.group_rank(groups, np.random.default_rng(4))
    for g, n in ((1, 2), (3, 3), (7, 1)):
        assert sorted(rank[groups == g].tolist()) == list(range(n))
    assert breeding.group_rank(np.zeros(0, int), np.random.default_rng(4)).size == 0


def test_stud_fee_and_elite_level_by_hand():
    """A stud of quality 60 where the mean is 50, base fee 300, premium 0.02 a point:
    300 x e^0.2 = 366.42. Elite level: living animals of quality 40 and 60 (a dead one of
    90 does not count), mean 50, plus a margin of 1.5 sds of 8: 62."""
    from types import SimpleNamespace

    assert breeding.stud_fee(np.array([60.0, 50.0]), 50.0, 300.0, 0.02) == pytest.approx(
        [366.4208, 300.0]
    )
    h = Herd(capacity=2)
    h.add(
        owner=np.zeros(3, int),
        quality=np.array([40.0, 60.0, 90.0]),
        alive=np.array([True, True, False]),
    )
    p = SimpleNamespace(quality_mean=0.0, elite_margin=1.5, quality_sd=8.0)
    assert breeding.elite_level(h, p) == pytest.approx(62.0)
    assert breeding.elite_level(Herd(), p) == pytest.approx(12.0)  # no animal: the scenario's


def test_share_out_capacity_by_hand():
    """Two hired studs with 10 matings a season: stud 0 has served 4 (6 left) and three
    hirers ask 4, 4 and 4 of it: each gets floor(4 x 6 / 12) = 2; stud 1 has served none
    and one hirer asks 5 of it: 5. A breeder that does not hire keeps its 3."""
    h = Herd(capacity=2)
    h.add(owner=np.array([0, 1]), served=np.array([4, 0]))
    sire = np.array([0, 0, 0, 1, 1])
    hired = np.array([True, True, True, True, False])
    allowed = np.array([4, 4, 4, 5, 3])
    breeding.share_out_capacity(h, sire, hired, allowed, 10)
    assert allowed.tolist() == [2, 2, 2, 5, 3]


def test_mating_plans_and_fertile_females_by_hand():
    """Breeder 0 has 4 open females (of 4 in stock, planning 4, no sales last year), breeder
    1 has 2 (planning 4, 10 sold). Breeding life 24-180 months: replacement 12 / 156 a year;
    a one-month season at conception 1 and no cria deaths weans 1, so a mating gives 0.5
    female crias. Breeder 0 needs 0.0769 x 4 = 0.31 female crias: 0.31 / (4 x 0.5) = 0.15 of
    its females, raised to the least share 0.25: a female rests where the draw is at least
    0.25. Breeder 1 needs 10 + 2 + 0.15 > 1 x its females: none rests. Without mating plans,
    or with no open female, nobody rests (and last season's rest is cleared). Fertile: alive
    open females from 24 to 179 months; not a pregnant one, a male, a dead one, nor one of 23
    or 180 months."""
    from types import SimpleNamespace

    from alpaca_abm.breeder import FirmTable
    from alpaca_abm.herd import NOT_PREGNANT

    h = Herd()
    h.add(owner=np.array([0, 0, 0, 0, 1, 1]), female=np.ones(6, bool), age=np.full(6, 40))
    firms = FirmTable()
    firms.add(2, target_herd=np.array([4.0, 4.0]))
    firms.sales_ring[1, 0] = 10.0
    p = SimpleNamespace(
        mating_plans=True, female_retire_age=180, female_breeding_age=24,
        mating_start_month=1, mating_end_month=1, conception_rate=1.0, cria_mortality=0.0,
        least_mating_share=0.25,
    )  # fmt: skip
    breeding.plan_matings(h, firms, p, np.arange(6), np.random.default_rng(3))
    draws = np.random.default_rng(3).random(6)
    assert h.view("rested").tolist() == [bool(u >= 0.25) for u in draws[:4]] + [False, False]
    assert h.view("rested")[:4].any()  # with these draws some of breeder 0's females rest
    breeding.plan_matings(h, firms, SimpleNamespace(**{**vars(p), "mating_plans": False}),
                          np.arange(6), np.random.default_rng(3))  # fmt: skip
    assert not h.view("rested").any()
    h.rested[:2] = True
    breeding.plan_matings(h, firms, p, np.zeros(0, np.int64), np.random.default_rng(3))
    assert not h.view("rested").any()
    g = Herd()
    g.add(
        owner=np.zeros(7, int),
        female=np.array([True, True, False, True, True, True, True]),
        age=np.array([24, 179, 40, 40, 23, 180, 100]),
        due_in=np.array([NOT_PREGNANT] * 3 + [5] + [NOT_PREGNANT] * 3),
        alive=np.array([True] * 6 + [False]),
    )
    assert breeding.fertile_females(g, p).tolist() == [True, True] + [False] * 5


def test_hired_fallback_shares_what_is_left_of_the_hired_studs_season_by_hand():
    """Breeders 0 and 1 hire stud 10 (season of 6, 3 served already); breeder 2 hires
    nobody. This month one of breeder 0's females went to stud 10 as a first choice: 4
    booked, 2 left. Left over on shared studs: 2 of breeder 0's females, 3 of breeder 1's,
    1 of breeder 2's. Asked 5 of 2 places: each gets floor(asked x 2/5): breeder 0 none,
    breeder 1 one (which of its three is the draw's), breeder 2 none (no hired stud)."""
    h = Herd()
    h.add(owner=np.zeros(11, int), served=np.r_[np.zeros(10, int), 3])
    f_owner = np.array([0, 0, 0, 1, 1, 1, 2])
    out = breeding.hired_fallback(
        h,
        f_owner,
        sire=np.array([10, 5, 4]),
        primary=np.array([True] + [False] * 6),
        wanting=np.array([False] + [True] * 6),
        service_stud=np.array([10, 10, -1]),
        capacity=6,
        rng=np.random.default_rng(0),
    )
    assert out[:3].tolist() == [False, False, False] and not out[6]
    assert out[3:6].sum() == 1
    nobody = breeding.hired_fallback(
        h, f_owner, np.array([10, 5, 4]), np.zeros(7, bool), np.zeros(7, bool),
        np.array([10, 10, -1]), 6, np.random.default_rng(0),
    )  # fmt: skip
    assert not nobody.any()
    roomy = breeding.hired_fallback(
        h, f_owner, np.array([10, 5, 4]), np.zeros(7, bool), np.ones(7, bool),
        np.array([10, 10, -1]), 100, np.random.default_rng(0),
    )  # fmt: skip
    assert roomy.tolist() == [True] * 6 + [False]  # room for all who hire


def test_a_one_month_season_holds_its_month_only():
    """A season from May to May is one month: May is in it, June and April are not (a season
    whose end equals its start does not wrap the year)."""
    assert [breeding.in_season(m, 5, 5) for m in (4, 5, 6, 12, 1)] == [False, True] + [False] * 3


def test_sire_choice_reads_no_option_as_none_even_without_a_premium():
    """With no value per point (0 x -inf is undefined) a missing stud must still read as no
    option, silently: breeder 0 has no own stud but a co-owned one at 10 a mating (worth
    -10) and takes it; breeder 1 has only its own stud (worth 0); breeder 2 has nothing."""
    import warnings

    inf = -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 'invalid value' warning leaks out
        choice = breeding.sire_choice(
            own_q=np.array([inf, 50.0, inf]),
            coown_q=np.array([60.0, inf, inf]),
            coown_cost=np.array([10.0, 0.0, 0.0]),
            service_q=np.array([inf, inf, inf]),
            service_cost=np.zeros(3),
            value_per_point=0.0,
        )
    assert choice.tolist() == [breeding.COOWNED, breeding.OWN, breeding.NONE]


def test_group_rank_of_a_single_item_is_zero():
    """One item in one group ranks 0."""
    assert breeding.group_rank(np.array([5]), np.random.default_rng(0)).tolist() == [0]


def test_hired_fallback_with_one_female_or_stud_row_zero_by_hand():
    """Stud 0 (herd row 0: a valid row) has a season of 4 and has served 4: full. Breeder 0's
    only left-over female asks it: 0 places, she stays unmated. With a season of 5 (1 place
    left) she goes. Breeder 1, hiring stud 2 (nothing served, season 5), asks for its only
    female too: it gets her place. The answer is a mask of the females (booleans)."""
    h = Herd()
    h.add(owner=np.zeros(3, int), served=np.array([4, 0, 0]))
    f_owner = np.array([0, 1])
    args = dict(sire=np.array([7, 7]), primary=np.zeros(2, bool), wanting=np.ones(2, bool))
    full = breeding.hired_fallback(
        h, f_owner, **args, service_stud=np.array([0, 2]), capacity=4, rng=np.random.default_rng(0)
    )
    assert full.dtype == bool and full.tolist() == [False, True]
    alone = breeding.hired_fallback(
        h, f_owner[:1], sire=np.array([7]), primary=np.zeros(1, bool), wanting=np.ones(1, bool),
        service_stud=np.array([0]), capacity=4, rng=np.random.default_rng(0),
    )  # fmt: skip
    assert alone.tolist() == [False]  # one female, a full stud: still no place
    room = breeding.hired_fallback(
        h, f_owner, **args, service_stud=np.array([0, 2]), capacity=5, rng=np.random.default_rng(0)
    )
    assert room.tolist() == [True, True]


def test_share_out_capacity_cuts_hirers_only_by_hand():
    """Stud 0 has a season of 10 and has served 10: full. Its only hirer asks 1 mating and
    gets floor(1 x 0 / 1) = 0. Breeder 1 uses its own stud (row 1, served 9: it would be
    nearly full if hired) for 3 matings: it is not a hirer, so it keeps 3."""
    h = Herd()
    h.add(owner=np.array([0, 1]), served=np.array([10, 9]))
    allowed = np.array([1, 3])
    breeding.share_out_capacity(h, np.array([0, 1]), np.array([True, False]), allowed, 10)
    assert allowed.tolist() == [0, 3]


def test_mating_share_of_small_and_empty_herds_by_hand():
    """Weaning 0.8: a mating gives 0.4 female crias. One open female (stock 1, no sales, no
    growth, replacement 0.2 a year: 0.2 wanted) needs 0.2 / 0.4 = 0.5 of her; two open
    females with 0.4 wanted need 0.4 / 0.8 = 0.5; a breeder with no open female and nothing
    wanted breeds 'all' of none (1), not the least share 0.1."""
    share = breeding.mating_share(
        open_females=np.array([1.0, 2.0, 0.0]),
        stock=np.array([1.0, 2.0, 0.0]),
        target=np.array([1.0, 2.0, 0.0]),
        sales_year=np.zeros(3),
        replacement_rate=0.2,
        weaning=0.8,
        least=0.1,
    )
    assert share == pytest.approx([0.5, 0.5, 1.0])


def test_plan_matings_breeds_for_replacements_by_hand():
    """Breeding life 24-120 months: a dam is replaced every 96 months, 12 / 96 = 0.125 of the
    stock a year. Breeder 1 has 400 open females (stock 400, plan 400, no sales): 50 female
    crias wanted; a one-month season at conception 1, no cria deaths, gives 0.5 female crias
    a mating: 50 / 200 = 0.25 of them bred (least share 0.01), so a female rests where her
    draw is at least 0.25. Breeders 0 and 2 have no female. Alone, one open female (stock 1,
    breeder 0) wants 0.125 female crias: 0.125 / 0.5 = 0.25 too, and rests with her draw of
    0.262 (seed 2)."""
    from types import SimpleNamespace

    from alpaca_abm.breeder import FirmTable

    p = SimpleNamespace(
        mating_plans=True, female_retire_age=120, female_breeding_age=24,
        mating_start_month=1, mating_end_month=1, conception_rate=1.0, cria_mortality=0.0,
        least_mating_share=0.01,
    )  # fmt: skip
    h = Herd()
    h.add(owner=np.ones(400, int), female=np.ones(400, bool), age=np.full(400, 40))
    firms = FirmTable()
    firms.add(3, target_herd=np.array([1.0, 400.0, 0.0]))
    breeding.plan_matings(h, firms, p, np.arange(400), np.random.default_rng(1))
    draws = np.random.default_rng(1).random(400)
    # the draws tell 0.25 from 13 / 96 x 400 / 200 = 0.271 and from 12 / 144 x 2 = 0.167
    assert ((draws >= 0.25) & (draws < 0.271)).any() and ((draws >= 0.167) & (draws < 0.25)).any()
    assert h.view("rested").tolist() == (draws >= 0.25).tolist()
    one = Herd()
    one.add(owner=np.zeros(1, int), female=np.ones(1, bool), age=np.full(1, 40))
    breeding.plan_matings(one, firms, p, np.arange(1), np.random.default_rng(2))
    assert one.view("rested").tolist() == [True]


def test_elite_level_of_a_living_herd_and_of_a_dead_one_by_hand():
    """Margin 1.5 sds of 8 (12). A herd just compacted (every row alive) of qualities 40 and
    60: mean 50, elite from 62. A herd whose only animal is dead: the scenario's mean (0),
    elite from 12. Living studs: of a living stud of 60, a living non-stud of 70, a dead stud
    of 80 and a living stud of 50, the studs are rows 0 and 3; of at least 60, row 0 (60
    itself counts)."""
    from types import SimpleNamespace

    p = SimpleNamespace(quality_mean=0.0, elite_margin=1.5, quality_sd=8.0)
    alive = Herd()
    alive.add(owner=np.zeros(2, int), quality=np.array([40.0, 60.0]))
    assert breeding.elite_level(alive, p) == pytest.approx(62.0)
    dead = Herd()
    dead.add(owner=np.zeros(1, int), quality=np.array([90.0]), alive=np.array([False]))
    assert breeding.elite_level(dead, p) == pytest.approx(12.0)
    h = Herd()
    h.add(
        owner=np.zeros(4, int),
        quality=np.array([60.0, 70.0, 80.0, 50.0]),
        stud=np.array([True, False, True, True]),
        alive=np.array([True, True, False, True]),
    )
    assert breeding.living_studs(h).tolist() == [0, 3]
    assert breeding.living_studs(h, 60.0).tolist() == [0]


def test_sire_choice_is_the_first_best_option_as_an_argmax_gives_it():
    """The options compared one after the other give what an argmax over the stacked values
    gives (NaN read as no option, the first of equal values, none where nothing is finite):
    ties, missing options, infinite values and a zero premium."""
    rng = np.random.default_rng(9)
    n = 5_000
    for premium in (0.0, 2.5):
        q = [rng.integers(-2, 3, n).astype(float) for _ in range(3)]
        for qi in q:
            qi[rng.random(n) < 0.3] = -np.inf
            qi[rng.random(n) < 0.01] = np.inf
        cost = [rng.integers(0, 2, n).astype(float) for _ in range(2)]
        with np.errstate(invalid="ignore"):
            values = np.stack(
                [
                    np.full(n, -np.inf),
                    premium * q[0],
                    premium * q[1] - cost[0],
                    premium * q[2] - cost[1],
                ]
            )
        values = np.where(np.isnan(values), -np.inf, values)
        expected = np.where(np.isfinite(values.max(axis=0)), values.argmax(axis=0), breeding.NONE)
        got = breeding.sire_choice(q[0], q[1], cost[0], q[2], cost[1], premium)
        assert np.array_equal(got, expected)


def test_group_rank_of_breeder_rows_is_the_stable_sorts_rank():
    """Breeder rows (non-negative integers, past 2**16 too) ranked by counting passes give
    the ranks the stable sort of the shuffled groups gives, draw for draw; negative groups
    take the sort."""
    for n, top, low in ((2_000, 300, 0), (3_000, 70_000, 0), (500, 40, -20)):
        groups = np.random.default_rng(n).integers(low, top, n)
        rng = np.random.default_rng(7)
        shuffle = rng.permutation(n)
        order = shuffle[np.argsort(groups[shuffle], kind="stable")]
        sorted_g = groups[order]
        starts = np.flatnonzero(np.r_[True, sorted_g[1:] != sorted_g[:-1]])
        expected = np.empty(n, dtype=np.int64)
        expected[order] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
        assert np.array_equal(breeding.group_rank(groups, np.random.default_rng(7)), expected)
