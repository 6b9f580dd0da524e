"""Competition inside coopetition: each rule on a pair of breeders where the sign is known."""

import numpy as np
import pytest

from alpaca_abm import rivalry as rv
from alpaca_abm.breeder import BREEDING, MARKETING, FirmTable
from alpaca_abm.coownership import Contracts, contract_terms
from alpaca_abm.knowledge import exchange_knowledge, shared_flow
from alpaca_abm.market import MarketState, no_sales_months, reach_response, visibility
from alpaca_abm.params import AlpacaScenario
from alpaca_abm.trust import TrustLedger

TEACHER, LEARNER, STRANGER = 0, 1, 2
EFFECT = 0.5  # marketing_effect


def reach_of(marketing, segments_seen):
    """Reach (segments x breeders): visibility in the segments each breeder is seen in."""
    vis = visibility(np.asarray(marketing, float), np.full(len(marketing), 0.5), EFFECT)
    return np.asarray(segments_seen, float) * vis[None, :]


# --- leakage that costs ------------------------------------------------------------------
def test_partner_gain_in_teachers_core_domain_lowers_teachers_sales_to_shared_buyers():
    # the teacher's core is marketing; both sell to the buyers of segment 0
    teacher_k = np.array([[0.3, 0.3, 0.9]])
    learner_k = np.array([[0.3, 0.3, 0.2]])
    gain, leaked = shared_flow(
        teacher_k, learner_k, np.array([1.0]), np.array([MARKETING]), 0.0, 0.5
    )
    assert leaked[0] > 0
    seen = [[1, 1, 1], [0, 0, 1]]  # segment 0: all three; segment 1: only the stranger
    demand = np.array([100.0, 100.0])
    before = reach_of([0.9, 0.2, 0.5], seen)
    after = reach_of([0.9, 0.2 + gain[0, MARKETING], 0.5], seen)
    sales_before = rv.expected_segment_sales(demand, before)[:, TEACHER].sum()
    sales_after = rv.expected_segment_sales(demand, after)[:, TEACHER].sum()
    assert sales_after < sales_before
    uplift = rv.visibility_uplift(np.array([0.2 + gain[0, MARKETING]]), gain[:, MARKETING], EFFECT)
    lost = rv.sales_lost_to_learner(demand, after, np.array([TEACHER]), np.array([LEARNER]), uplift)
    assert lost[0] == pytest.approx(sales_before - sales_after)  # the attribution is exact


def market_reach(knowledge, seen, niche_of_segment):
    """Reach (segments x breeders) with visibility and expertise appeal (effects 0.5)."""
    knowledge = np.asarray(knowledge, float)
    vis = visibility(knowledge[:, MARKETING], np.full(len(knowledge), 0.5), EFFECT)
    appeal = rv.expertise_appeal(knowledge, np.asarray(niche_of_segment), EFFECT)
    return np.asarray(seen, float) * vis[None, :] * appeal


def test_partner_gain_in_teachers_core_breeding_lowers_teachers_sales_to_shared_buyers():
    # the teacher's core is breeding; segment 0 (breeding stock) is shared, segment 1 (pets,
    # which read health) holds the learner and the stranger
    teacher_k = np.array([[0.3, 0.9, 0.3]])
    learner_k = np.array([[0.3, 0.2, 0.3]])
    gain, leaked = shared_flow(teacher_k, learner_k, np.array([1.0]), np.array([BREEDING]), 0, 0.5)
    assert leaked[0] > 0 and gain[0, BREEDING] > 0
    seen, niche = [[1, 1, 1], [0, 1, 1]], [0, 2]
    demand = np.array([100.0, 100.0])
    k_before = np.array([[0.3, 0.9, 0.3], [0.3, 0.2, 0.3], [0.5, 0.5, 0.5]])
    k_after = k_before.copy()
    k_after[LEARNER] += gain[0]
    before, after = market_reach(k_before, seen, niche), market_reach(k_after, seen, niche)
    sales_before = rv.expected_segment_sales(demand, before)[:, TEACHER].sum()
    sales_after = rv.expected_segment_sales(demand, after)[:, TEACHER].sum()
    assert sales_after < sales_before
    uplift = rv.learned_uplift(k_after[[LEARNER]], gain, np.array(niche), EFFECT, EFFECT)
    assert uplift[0, 0] > 1 and uplift[0, 1] == pytest.approx(1.0)  # pets do not read breeding
    lost = rv.sales_lost_to_learner(demand, after, np.array([TEACHER]), np.array([LEARNER]), uplift)
    assert lost[0] == pytest.approx(sales_before - sales_after)  # the attribution is exact


def test_health_a_partner_learns_costs_nothing_where_buyers_seek_breeding():
    k = np.array([[0.9, 0.5, 0.5], [0.6, 0.5, 0.5]])
    learned = np.array([[0.3, 0.0, 0.0]])  # the learner took 0.3 of health knowledge
    uplift = rv.learned_uplift(k[[1]], learned, np.array([0, 1]), EFFECT, EFFECT)
    reach = market_reach(k, [[1, 1], [1, 1]], [0, 1])
    lost = rv.sales_lost_to_learner(
        np.array([50.0, 50.0]), reach, np.array([0]), np.array([1]), uplift
    )
    assert lost[0] == 0


def test_a_learner_outside_the_teachers_segments_costs_it_nothing():
    seen = [[1, 0, 1], [0, 1, 1]]  # teacher and learner never meet the same buyers
    reach = reach_of([0.9, 0.5, 0.5], seen)
    lost = rv.sales_lost_to_learner(
        np.array([50.0, 50.0]), reach, np.array([0]), np.array([1]), np.array([1.5])
    )
    assert lost[0] == 0


def test_competition_intensity_is_higher_for_breeders_facing_the_same_buyers():
    sales_year = np.array([[5, 4, 0], [0, 1, 6]])  # segments x breeders, the year's buyers
    same = rv.competition_intensity(sales_year, np.array([0]), np.array([1]))
    apart = rv.competition_intensity(sales_year, np.array([0]), np.array([2]))
    assert same[0] > apart[0]
    assert apart[0] == 0 and 0 < same[0] <= 1


def test_a_seller_that_won_no_buyer_in_the_year_competes_with_nobody():
    sales_year = np.array([[5, 0, 2], [1, 0, 0]])  # breeder 1 won nobody this year
    comp = rv.competition_intensity(sales_year, np.array([0, 1]), np.array([1, 2]))
    assert comp[0] == 0 and comp[1] == 0
    assert rv.competition_intensity(sales_year, np.array([0]), np.array([2]))[0] > 0


# --- openness, protection, reciprocity -------------------------------------------------------
def test_reciprocity_a_protector_gets_less_back():
    k_a, k_b = np.array([[0.5, 0.5, 0.5]]), np.array([[0.8, 0.8, 0.8]])
    received = []
    for protection in (0.0, 0.9):
        will_a = rv.willingness(np.array([0.7]), np.array([0.6]), np.array([1.0]), 0.5)
        seen_by_b = rv.observed_sharing(will_a, np.array([protection]))
        will_b = rv.willingness(np.array([0.7]), np.array([0.6]), seen_by_b, 0.5)
        gain, _ = shared_flow(k_b, k_a, will_b, np.array([0]), 0.0, 0.1)
        received.append(gain.sum())
    assert received[1] < received[0]


def test_strategy_moves_toward_protection_when_leakage_outweighs_what_comes_back():
    prot, open_ = np.array([0.5, 0.5, 0.5]), np.array([0.5, 0.5, 0.5])
    new_p, new_o = rv.strategy_step(
        prot, open_, np.array([1.0, 0.1, 0.0]), np.array([0.1, 1.0, 0.0]), 0.1
    )
    assert new_p[0] < 0.5 < new_p[1] and new_p[2] == 0.5
    assert new_o[0] > 0.5 > new_o[1] and new_o[2] == 0.5


def pair_tables(trust_teacher_in_learner, trust_learner_in_teacher):
    """Firm table, contract and trust ledger of one co-owning pair (keeper 0, partner 1)."""
    firms = FirmTable()
    firms.add(
        2,
        knowledge=np.array([[0.9, 0.9, 0.9], [0.9, 0.9, 0.9]]),
        openness=np.array([0.8, 0.8]),
        core_domain=np.array([0, 0], dtype=np.int8),
    )
    firms.fill_strategies(0.0, 0.5)
    ledger = TrustLedger(0.3, 0.0)
    ties = ledger.rows(np.array([0, 1]), np.array([1, 0]), 0)
    ledger.value[ties] = [trust_teacher_in_learner, trust_learner_in_teacher]
    con = Contracts()
    con.add(
        keeper=0, partner=1, tie_kp=ties[0], tie_pk=ties[1], seen_by_keeper=1.0, seen_by_partner=1.0
    )
    return firms, con, ledger


def test_willingness_uses_the_teachers_own_trust_so_a_victim_stops_teaching_its_cheater():
    firms, con, ledger = pair_tables(0.0, 0.9)  # the keeper (victim) no longer trusts
    firms.knowledge[1] = 0.2  # the partner (cheater) has everything to learn
    firms.knowledge[0] = 0.9
    exchange_knowledge(
        firms,
        con,
        ledger,
        AlpacaScenario().group("knowledge"),
        1,
        {"knowledge_shared": 0, "leakage": 0},
    )
    assert np.allclose(firms.knowledge[1], 0.2 + 0.002 * 0.8)  # learning by doing only
    firms, con, ledger = pair_tables(0.9, 0.0)  # the same pair, trust the other way round
    firms.knowledge[1] = 0.2
    exchange_knowledge(
        firms,
        con,
        ledger,
        AlpacaScenario().group("knowledge"),
        1,
        {"knowledge_shared": 0, "leakage": 0},
    )
    assert (firms.knowledge[1] > 0.2 + 0.002 * 0.8 + 1e-6).all()


# --- a shared stud's one season, overuse and its victim --------------------------------------
def test_opportunists_overuse_lowers_victims_matings_on_the_shared_stud_and_raises_its_fees():
    _, quotas = contract_terms(0.5, 60)
    cap_left = np.array([60, 60])  # the season's capacity, both users of one contract
    quota_left = quotas.copy()
    wanted = np.array([30, 50])  # keeper wants its quota; the partner has 50 open females
    contract = np.array([0, 0])
    honest = rv.share_stud_season(
        cap_left, quota_left, wanted, np.array([False, False]), contract, 1
    )
    cheated = rv.share_stud_season(
        cap_left, quota_left, wanted, np.array([False, True]), contract, 1
    )
    assert honest.tolist() == [30, 30]
    assert cheated[0] < honest[0]  # the victim's matings on the shared stud fall
    assert cheated.sum() <= 60  # the stud's season is not exceeded
    left_over = wanted - cheated  # the victim's females the stud can no longer take hire
    assert left_over[0] > 0 and (wanted - honest)[0] == 0


def pair_season(partner_opportunism: float) -> dict:
    """One mating month of a hand-made pair: keeper 0 (30 open females) and partner 1 (50)
    co-own an elite stud (quotas 30/30, one season of 60, the contract ending within the
    year); breeder 2 hires out a slightly worse stud; no home studs; control 1, so the
    partner believes any overuse is caught."""
    from alpaca_abm import AlpacaModel, breeding
    from alpaca_abm.herd import Herd

    m = AlpacaModel(
        "baseline",
        rng=0,
        n_breeders=3,
        control_strength=1.0,
        breach_dissolution=0.0,
        mating_start_month=1,
        mating_end_month=1,
        mating_plans=False,  # every open female is bred: the pair's season is the test
    )
    p, f = m.scenario, m.firms
    f.x_km[:3] = f.y_km[:3] = 0.0
    f.opportunism[:3] = [0.0, partner_opportunism, 0.0]
    f.cash[:3] = 1e6
    f.knowledge[:3] = 1.0  # no misjudging of sires
    m.herd = h = Herd()
    for owner, k in ((0, 30), (1, 50)):
        h.add(
            owner=np.full(k, owner),
            female=np.ones(k, bool),
            age=np.full(k, p.female_breeding_age + 12),
            quality=np.full(k, 50.0),
            colour=np.zeros(k, np.int8),
        )
    high = m.elite_level + 20
    studs = h.add(
        owner=np.array([0, 2]),
        female=np.zeros(2, bool),
        age=np.full(2, 60),
        quality=np.array([high, high - 5]),
        colour=np.zeros(2, np.int8),
        stud=np.ones(2, bool),
    )
    m.contracts = con = Contracts()
    ties = m.trust.rows(np.array([0, 1]), np.array([1, 0]), m.steps)
    m.trust.value[ties] = 0.6
    con.add(
        stud=studs[0],
        keeper=0,
        partner=1,
        share_keeper=0.5,
        share_partner=0.5,
        quota_keeper=30,
        quota_partner=30,
        end_planned=m.steps + 2,
        tie_kp=ties[0],
        tie_pk=ties[1],
        seen_by_keeper=1.0,
        seen_by_partner=1.0,
    )
    m.month = 1
    cash = f.cash[0]
    breeding.mate(m)
    return {
        "victim_on_shared": int(con.used_keeper[0]),
        "partner_on_shared": int(con.used_partner[0]),
        "victim_paid": float(cash - f.cash[0]),
        "victim_displaced_fees": float(f.displaced_fees[0]),
        "breaches": m.month_stats["breaches"],
    }


def test_in_the_model_an_opportunists_overuse_takes_the_victims_matings_and_it_pays_to_hire():
    honest, opportunist = pair_season(0.0), pair_season(1.0)
    assert honest["breaches"] == 0 and opportunist["breaches"] == 1
    assert honest["victim_on_shared"] == 30 and honest["victim_paid"] == 0
    assert opportunist["partner_on_shared"] > 30  # beyond its quota ...
    assert opportunist["victim_on_shared"] < 30  # ... out of the victim's
    assert opportunist["victim_paid"] > 0  # whose left-over females go to a hired stud
    assert opportunist["victim_displaced_fees"] == pytest.approx(opportunist["victim_paid"])
    assert opportunist["victim_on_shared"] + opportunist["partner_on_shared"] <= 60


def test_full_control_and_a_contract_worth_more_than_the_fee_deter_a_rational_breeder():
    fee_saved = np.array([10 * 400.0])  # ten extra females at a hire of 400
    value = rv.contract_future_value(np.array([36]), np.array([30]), np.array([400.0]))
    assert value[0] > fee_saved[0]
    lost = rv.chance_of_losing_contract(np.array([0.6]), 0.3, 0.5, 0.45)
    assert lost[0] == 1.0  # trust 0.6 - 0.3 falls below the renewal level
    rational = np.array([0.0])
    assert not rv.overuse_pays(fee_saved, np.array([1.0]), value, lost, rational)[0]
    assert rv.overuse_pays(fee_saved, np.array([0.0]), value, lost, rational)[0]  # no control
    assert rv.overuse_pays(fee_saved, np.array([1.0]), value, lost, np.array([1.0]))[0]


def test_stronger_believed_control_deters_more_breeders():
    rng = np.random.default_rng(3)
    saved = rng.uniform(0, 20_000, 500)
    value = np.full(500, 24_000.0)
    opp = rng.beta(2, 8, 500)
    rates = [
        rv.overuse_pays(saved, np.full(500, b), value, np.ones(500), opp).mean()
        for b in (0.1, 0.5, 0.9)
    ]
    assert rates[0] > rates[1] > rates[2]


def test_being_caught_raises_the_belief_in_detection_and_escaping_lowers_it():
    b = np.array([0.5, 0.5])
    after = rv.updated_belief(b, np.array([True, False]), 0.5)
    assert after[0] > 0.5 > after[1]


# --- fairness, chemistry, conflict, first impressions ----------------------------------------
def test_quota_and_cost_shares_are_separate_terms_and_underpaying_costs_trust():
    shares, quotas = contract_terms(0.5, 60, quota_share=0.3)
    assert shares.tolist() == [0.5, 0.5] and quotas.tolist() == [18, 42]
    loss = rv.unfairness_trust_loss(np.array([0.5, 0.5]), np.array([0.7, 0.55]), 0.1, 0.1)
    assert loss[0] > 0 and loss[1] == 0


def test_chemistry_lowers_clashes_and_speeds_trust():
    low, high = np.array([0.1]), np.array([0.9])
    assert rv.clash_factor(high) < rv.clash_factor(low)
    assert rv.trust_growth_factor(high) > rv.trust_growth_factor(low)
    assert rv.clash_factor(np.array([0.5])) == rv.trust_growth_factor(np.array([0.5])) == 1


def test_conflict_ends_low_trust_contracts_more_often():
    draws = np.random.default_rng(0).random(2000)
    low = rv.conflict_ends_contract(np.full(2000, 0.2), 0.3, draws).mean()
    high = rv.conflict_ends_contract(np.full(2000, 0.8), 0.3, draws).mean()
    assert low > high > 0


def test_first_impressions_read_honesty_through_noise():
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 0.25, 4000)
    honest = rv.first_impression(0.3, np.full(4000, 0.95), noise, 0.2)
    sly = rv.first_impression(0.3, np.full(4000, 0.4), noise, 0.2)
    assert honest.mean() > sly.mean()
    assert ((honest >= 0) & (honest <= 1)).all()


def test_relationship_type_follows_the_gap_between_measured_intensities():
    types = rv.relationship_type(np.array([0.9, 0.5, 0.1]), np.array([0.1, 0.5, 0.9]), -0.2, 0.2)
    assert types.tolist() == [0, 1, 2]


def test_cooperation_signal_is_the_share_exchanged_of_what_could_be():
    season, could = np.array([6.0, 6.0, 6.0, 6.0]), np.array([0.01, 0.01, 0.01, 0.0])
    used = np.array([0.0, 3.0, 6.0, 3.0])
    flow = np.array([0.0, 0.005, 0.01, 0.0])
    coop = rv.cooperation_signal(used, season, flow, could)
    assert coop[:3].tolist() == [0.0, 0.5, 1.0]
    assert coop[3] == 0.5  # nothing could pass: the stud alone


def test_cooperation_signal_rises_with_stud_use_and_with_knowledge_passed():
    base = rv.cooperation_signal(np.array([2.0]), 6.0, np.array([0.002]), np.array([0.01]))
    more_stud = rv.cooperation_signal(np.array([4.0]), 6.0, np.array([0.002]), np.array([0.01]))
    more_flow = rv.cooperation_signal(np.array([2.0]), 6.0, np.array([0.006]), np.array([0.01]))
    assert more_stud[0] > base[0] and more_flow[0] > base[0]


def test_knowledge_is_worth_more_to_a_breeder_who_sells_more_and_knows_less():
    k = np.array([[0.3, 0.3, 0.2], [0.3, 0.3, 0.8], [0.3, 0.3, 0.2]])
    value = rv.knowledge_value(np.array([30000.0, 30000.0, 0.0]), k, np.zeros(3, int), 0.5, 0.5)
    assert value[0, 2] > value[1, 2] > 0  # marketing: diminishing returns
    assert (value[2] == 0).all()  # no sales, no market value
    assert value[0, 1] > 0 and value[0, 0] == 0  # breeding-stock buyers seek breeding


def test_referrals_between_a_pair_are_counted_either_way_and_no_one_elses():
    referrer = np.array([0, 1, 0, 2, 3])
    seller = np.array([1, 0, 1, 0, 4])
    counts = rv.pair_referrals(referrer, seller, np.array([0, 1, 0, 3]), np.array([1, 2, 2, 4]))
    assert counts.tolist() == [3, 0, 1, 1]


def test_acceptance_by_rank_needs_both_sides_to_rank_the_pair_high():
    mine = np.array([0.9, 0.9, 0.2, 0.5])
    theirs = np.array([0.8, 0.1, 0.9, 0.5])  # pair 1: the candidate does not want the seeker
    assert rv.acceptable_by_rank(mine, theirs, 0.5).tolist() == [True, False, False, True]


def test_in_uk_2018_a_contrast_of_weights_leaves_the_acceptable_candidates_per_search():
    """P1a's contrast (individual criteria off, the others scaled to the same total) changed
    acceptable candidates a search by about a quarter under the absolute rule (3.3 vs 4.2,
    seeds 1-3, 60 months); relative to the pool it is within 5% on each of two seeds."""
    from alpaca_abm import AlpacaModel
    from alpaca_abm.params import PARAMETER_INDEX

    weight = {k: PARAMETER_INDEX[k].default for k in PARAMETER_INDEX if k.startswith("w_")}
    kept = ("w_contribution", "w_reputation", "w_proximity", "w_resources")
    scale = sum(weight.values()) / sum(weight[k] for k in kept)
    off = {k: (weight[k] * scale if k in kept else 0.0) for k in weight}
    for seed in (1, 2):
        per_search = []
        for weights in ({}, off):
            m = AlpacaModel("uk_2018", rng=seed, **weights)
            for _ in range(36):
                m.step()
            df = m.model_df
            per_search.append(df["acceptable_candidates"].sum() / df["searches"].sum())
        assert abs(per_search[1] / per_search[0] - 1) < 0.05


# --- values worked by hand ----------------------------------------------------------------
def test_overlap_and_profiles_by_hand():
    """Two segments, two breeders. The year's buyers (rows segments): breeder 0 won 3 and 1,
    breeder 1 won 1 and 1: profiles (0.75, 0.25) and (0.5, 0.5); overlap min(0.75, 0.5) +
    min(0.25, 0.5) = 0.75. A breeder that won nobody (column 2) has the profile (0, 0), so
    its overlap with anyone is 0. buyer_profiles of (1, 3) over (3, 0): (0.25, 0.75) and 0s."""
    sales_year = np.array([[3, 1, 0], [1, 1, 0]])
    got = rv.competition_intensity(sales_year, np.array([0, 0]), np.array([1, 2]))
    assert got == pytest.approx([0.75, 0.0])
    assert rv.competition_intensity(sales_year, np.zeros(0, int), np.zeros(0, int)).size == 0
    profiles = rv.buyer_profiles(np.array([[1.0, 0.0], [3.0, 0.0]]))
    assert profiles[:, 0] == pytest.approx([0.25, 0.75]) and (profiles[:, 1] == 0).all()


def test_competition_intensity_pair_by_pair():
    """Pairs naming breeders in any order and more than once (a breeder in several pairs, a
    breeder paired with itself) get each pair's overlap worked alone: the sum over segments
    of the smaller of the two buyer shares."""
    rng = np.random.default_rng(5)
    sales_year = rng.integers(0, 4, size=(4, 9)) * (rng.random((4, 9)) < 0.5)
    a, b = rng.integers(0, 9, size=40), rng.integers(0, 9, size=40)
    got = rv.competition_intensity(sales_year, a, b)
    for i, j, g in zip(a, b, got, strict=True):
        pi, pj = (sales_year[:, x] / max(sales_year[:, x].sum(), 1) for x in (i, j))
        assert g == pytest.approx(np.minimum(pi, pj).sum())


@pytest.mark.parametrize("shares", ["pair", "segment", "niche", "shared"])
def test_sales_lost_are_the_same_numbers_in_any_block_of_pairs(monkeypatch, shares):
    """_lost_rows works PAIR_BLOCK pairs at a time for speed: blocks of 1, 7 and all pairs
    give the same bits, with one learned share per pair, per pair and segment, per niche, or
    one row of shares per segment for every pair (each block takes the whole row)."""
    rng = np.random.default_rng(11)
    n, n_seg, n_pairs = 40, 12, 300
    reach_t = rng.random((n, n_seg)) * (rng.random((n, n_seg)) < 0.6)
    demand = rng.integers(0, 30, n_seg).astype(float)
    teacher, learner = rng.integers(0, n, n_pairs), rng.integers(0, n, n_pairs)
    width = {"pair": None, "segment": n_seg, "niche": 3, "shared": n_seg}[shares]
    rows = 1 if shares == "shared" else n_pairs
    share = rng.random(n_pairs) if width is None else rng.random((rows, width))
    found = []
    for block in (1, 7, n_pairs):
        monkeypatch.setattr(rv, "PAIR_BLOCK", block)
        found.append(rv._lost_rows(demand, reach_t, teacher, learner, share))
    assert (found[0] > 0).any()
    assert all(np.array_equal(f.view(np.int64), found[-1].view(np.int64)) for f in found)


def test_the_years_sales_ring_by_hand():
    """An empty year meets a month of 2 segments x 2 breeders at step 13 with 3 breeders in
    the table: the year grows to 2 x 3 (max(3, 2 x 0) columns) and is that month, the new
    breeder's column 0; slot 13 % 12 = 1 holds the month as (segment, seller, buyers) where
    it sold: (0, 0, 5), (1, 0, 1), (1, 1, 3). Step 14 adds (2, 2, 2; 2, 2, 2) in slot 2. The
    same slot 1 a year later (step 25) is replaced, not added to: the year's sum is the new
    month's (1, 0; 0, 4) plus slot 2's, (3, 2, 2; 2, 6, 2). A fourth breeder at step 27 (slot
    3) doubles the columns to 6, keeping every sum. Three segments start an empty year."""
    months, year = no_sales_months(), np.zeros((0, 0), dtype=np.int64)
    months, year = rv.remember_sales(months, year, np.array([[5, 0], [1, 3]]), 13, 3)
    assert len(months) == 12 and year.shape == (2, 3)
    assert months[1].tolist() == [[0, 1, 1], [0, 0, 1], [5, 1, 3]]
    assert sum(m.shape[1] for m in months) == 3
    assert year.tolist() == [[5, 0, 0], [1, 3, 0]]
    months, year = rv.remember_sales(months, year, np.array([[2, 2, 2], [2, 2, 2]]), 14, 3)
    months, year = rv.remember_sales(months, year, np.array([[1, 0, 0], [0, 4, 0]]), 25, 3)
    assert year.tolist() == [[3, 2, 2], [2, 6, 2]]
    dense = np.zeros_like(year)  # the year is the sum of what the slots hold
    for seg, seller, count in months:
        np.add.at(dense, (seg, seller), count)
    assert (year == dense).all()
    months, year = rv.remember_sales(months, year, np.array([[0, 0, 0, 1], [0, 0, 0, 0]]), 27, 4)
    assert year.shape == (2, 6)
    assert year.tolist() == [[3, 2, 2, 1, 0, 0], [2, 6, 2, 0, 0, 0]]
    months, year = rv.remember_sales(months, year, np.array([[1], [0], [2]]), 28, 4)
    assert year.tolist() == [[1, 0, 0, 0], [0, 0, 0, 0], [2, 0, 0, 0]]
    assert sum(m.shape[1] for m in months) == 2


def test_the_years_sales_ring_matches_the_sum_of_twelve_dense_months():
    """Thirty months of random sales over a growing table (3 segments): the year kept by
    remember_sales is always the sum of the last 12 months' dense tables, column by column."""
    rng = np.random.default_rng(3)
    months, year = no_sales_months(), np.zeros((0, 0), dtype=np.int64)
    history = []
    for step in range(30):
        n_sold = 4 + step // 3
        sales = rng.integers(0, 3, size=(3, n_sold)) * (rng.random((3, n_sold)) < 0.3)
        months, year = rv.remember_sales(months, year, sales, step, n_sold + 1)
        history.append(np.pad(sales, ((0, 0), (0, year.shape[1] - n_sold))))
        expected = sum(np.pad(h, ((0, 0), (0, year.shape[1] - h.shape[1]))) for h in history[-12:])
        assert (year == expected).all(), step


def test_cooperation_counts_referrals_where_enquiries_were_turned_away_by_hand():
    """Pair 0: 3 of 6 matings (0.5), 0.001 of 0.004 knowledge (0.25), 1 of 4 turned-away
    enquiries referred (0.25): (0.5 + 0.25 + 0.25) / 3 = 1/3. Pair 1: the same but nothing
    turned away: (0.5 + 0.25) / 2 = 0.375. Pair 2: no gap to pass on, 2 of 2 referred:
    (0.5 + 1) / 2 = 0.75."""
    coop = rv.cooperation_signal(
        np.array([3.0, 3.0, 3.0]),
        6.0,
        np.array([0.001, 0.001, 0.0]),
        np.array([0.004, 0.004, 0.0]),
        np.array([1.0, 0.0, 2.0]),
        np.array([4.0, 0.0, 2.0]),
    )
    assert coop == pytest.approx([1 / 3, 0.375, 0.75])


def test_sales_lost_to_a_learner_by_hand():
    """One segment of 10 buyers a month seeing teacher and learner with reach 1 each
    (R = 2). The learner's reach doubled by what it learned (uplift 2): without it the
    learner had 0.5 and the segment R0 = 1.5. The teacher's sales fall from 10 x 1 / 1.5
    = 6.667 to 10 x 1 / 2 = 5: it lost 1.667. No uplift (1), nothing lost."""
    reach = np.array([[1.0, 1.0]])
    lost = rv.sales_lost_to_learner(
        np.array([10.0]), reach, np.array([0, 0]), np.array([1, 1]), np.array([2.0, 1.0])
    )
    assert lost == pytest.approx([10 / 1.5 - 5.0, 0.0])


def test_what_learning_does_to_how_buyers_see_a_breeder_by_hand():
    """Domains (health, breeding, marketing). Expertise appeal at effect 0.5 of knowledge
    (0.2, 0.6, 0.9): breeding-stock and fibre buyers see breeding, 1 + 0.5 x 0.6 = 1.3; pet
    buyers health, 1.1. Visibility uplift of marketing 0.5 of which 0.25 learned, effect 2:
    (1 + 2 x 0.5) / (1 + 2 x 0.25) = 1.3333. Learned uplift of knowledge (0.2, 0.6, 0.5)
    with (0.1, 0.2, 0.25) learned: for breeding-stock buyers 1.3333 x (1 + 0.5 x 0.6) /
    (1 + 0.5 x 0.4) = 1.3333 x 1.0833 = 1.4444; for pet buyers 1.3333 x 1.1 / 1.05 = 1.3968.
    Expected segment sales: 10 buyers over reach (1, 3) buy 2.5 and 7.5."""
    appeal = rv.expertise_appeal(np.array([[0.2, 0.6, 0.9]]), np.array([0, 1, 2]), 0.5)
    assert appeal[:, 0] == pytest.approx([1.3, 1.3, 1.1])
    assert rv.visibility_uplift(np.array([0.5]), np.array([0.25]), 2.0) == pytest.approx([4 / 3])
    up = rv.learned_uplift(
        np.array([[0.2, 0.6, 0.5]]), np.array([[0.1, 0.2, 0.25]]), np.array([0, 2]), 2.0, 0.5
    )
    assert up[0] == pytest.approx([4 / 3 * 1.3 / 1.2, 4 / 3 * 1.1 / 1.05])
    sales = rv.expected_segment_sales(np.array([10.0, 0.0]), np.array([[1.0, 3.0], [0.0, 0.0]]))
    assert sales[0] == pytest.approx([2.5, 7.5]) and (sales[1] == 0).all()


def test_sharing_and_strategy_by_hand():
    """Willingness: openness 0.8 x own trust 0.5 x (0.5 + 0.5 x seen sharing 0.4) = 0.28.
    Observed sharing: willing 0.6 with protection 0.5: 0.6 x (2 + 0.5) / 3 = 0.5. Strategy:
    gained 1 against a leak costing 3, balance (3 - 1) / 4 = 0.5, step 0.1: protection
    0.5 -> 0.55, openness 0.5 -> 0.45; gained 3 against 1: 0.45 and 0.55; no exchange keeps
    both; 0.98 + 0.1 is clipped at 1."""
    assert rv.willingness(np.array([0.8]), np.array([0.5]), np.array([0.4]), 0.5) == (
        pytest.approx([0.28])
    )
    assert rv.observed_sharing(np.array([0.6]), np.array([0.5])) == pytest.approx([0.5])
    prot, op = rv.strategy_step(
        np.array([0.5, 0.5, 0.5, 0.98]),
        np.array([0.5, 0.5, 0.5, 0.02]),
        np.array([1.0, 3.0, 0.0, 0.0]),
        np.array([3.0, 1.0, 0.0, 1.0]),
        0.1,
    )
    assert prot == pytest.approx([0.55, 0.45, 0.5, 1.0])
    assert op == pytest.approx([0.45, 0.55, 0.5, 0.0])


def test_cheating_decision_by_hand():
    """Future value of a contract with 30 months left (3 seasons), quota 4, 100 saved per
    mating, each season weighed half the one before: (1 + 0.5 + 0.25) x 400 = 700; none
    left still counts this season (400); without discount 3 x 400 = 1,200. Chance of losing
    it: dissolution 0.3, or certain when the victim's trust 0.4 - 0.1 falls below
    acceptance 0.4 (trust 0.6 stays above: 0.3). Overuse pays when the fee saved (100)
    beats (1 - opportunism) x detection 0.5 x chance 0.5 x future 400 = 100 x (1 - opp):
    not at opportunism 0 (100 is not above 100), yes at 0.5; never with nothing saved.
    Belief 0.4 after being caught at step 0.5: 0.7; after getting away with it: 0.2."""
    future = rv.contract_future_value(np.array([30, 0]), np.array([4, 4]), np.array([100, 100]))
    assert future == pytest.approx([700.0, 400.0])
    flat = rv.contract_future_value(np.array([30]), np.array([4]), np.array([100]), discount=1)
    assert flat == pytest.approx([1200.0])
    lost = rv.chance_of_losing_contract(np.array([0.6, 0.4]), 0.1, 0.3, 0.4)
    assert lost == pytest.approx([0.3, 1.0])
    pays = rv.overuse_pays(
        np.array([100.0, 100.0, 0.0]),
        np.full(3, 0.5),
        np.full(3, 400.0),
        np.full(3, 0.5),
        np.array([0.0, 0.5, 1.0]),
    )
    assert pays.tolist() == [False, True, False]
    belief = rv.updated_belief(np.array([0.4, 0.4]), np.array([True, False]), 0.5)
    assert belief == pytest.approx([0.7, 0.2])


def test_a_shared_stud_season_by_hand():
    """Contract 0, 10 matings left: an overuser wanting 8 takes 8, the honest partner
    (quota 5, wanting 5) gets the 2 left. Contract 1, 10 left: two overusers wanting 8 and
    7 claim 15, scaled to 10/15 and rounded down: 5 and 4. Contract 2, 10 left: two honest
    users wanting 3 and 9 with quotas 5 get 3 and 5."""
    got = rv.share_stud_season(
        capacity_left=np.full(6, 10),
        quota_left=np.full(6, 5),
        wanted=np.array([8, 5, 8, 7, 3, 9]),
        cheats=np.array([True, False, True, True, False, False]),
        contract=np.array([0, 0, 1, 1, 2, 2]),
        n_contracts=3,
    )
    assert got.tolist() == [8, 2, 5, 4, 3, 5]


def test_fairness_chemistry_and_conflict_by_hand():
    """Unfairness: using 0.8 of a stud paying 0.5 with tolerance 0.1 at rate 0.2 costs
    0.2 x 0.2 = 0.04 trust; 0.55 is within tolerance. Chemistry 0, 0.5, 1: clash factor
    1.5, 1, 0.5; trust growth 0.5, 1, 1.5. A conflict at mean trust 0.6 with hazard 0.5 ends
    the contract when the draw is below 0.5 x 0.4 = 0.2."""
    loss = rv.unfairness_trust_loss(np.array([0.5, 0.5]), np.array([0.8, 0.55]), 0.2, 0.1)
    assert loss == pytest.approx([0.04, 0.0])
    chem = np.array([0.0, 0.5, 1.0])
    assert rv.clash_factor(chem) == pytest.approx([1.5, 1.0, 0.5])
    assert rv.trust_growth_factor(chem) == pytest.approx([0.5, 1.0, 1.5])
    ends = rv.conflict_ends_contract(np.full(2, 0.6), 0.5, np.array([0.19, 0.21]))
    assert ends.tolist() == [True, False]


def test_partner_choice_and_cooperation_by_hand():
    """Acceptable by rank at quantile 0.5 of four pairs: the seekers' scores (3, 1, 2, 4)
    rank (2, 0, 1, 3), the candidates' (1, 2, 3, 4) rank (0, 1, 2, 3); each pair stands at
    the lower, (0, 0, 1, 3); the top half, 2 pairs, are the last two. First impression:
    stranger 0.3 + 0.2 x clip(0.5 + 0.1) = 0.42; honesty 0.9 + noise 0.3 is clipped at 1:
    0.5. Cooperation: half the stud's agreed season (3 of 6) and a quarter of the knowledge
    that could pass (0.001 of 0.004): (0.5 + 0.25) / 2 = 0.375. Referrals: 1 -> 2 and 2 -> 1
    are two for the pair (1, 2), 1 -> 3 one for (1, 3), none for (4, 5). Moving average
    0.2 toward 0.8 by 0.25: 0.35. Relationship: gaps 0.4, -0.2 and 0 against (-0.1, 0.1):
    cooperation-dominated, competition-dominated, equal."""
    ok = rv.acceptable_by_rank(np.array([3.0, 1, 2, 4]), np.array([1.0, 2, 3, 4]), 0.5)
    assert ok.tolist() == [False, False, True, True]
    assert rv.acceptable_by_rank(np.zeros(0), np.zeros(0), 0.5).size == 0
    first = rv.first_impression(0.3, np.array([0.5, 0.9]), np.array([0.1, 0.3]), 0.2)
    assert first == pytest.approx([0.42, 0.5])
    signal = rv.cooperation_signal(np.array([3.0]), 6.0, np.array([0.001]), np.array([0.004]))
    assert signal == pytest.approx([0.375])
    refs = rv.pair_referrals(
        np.array([1, 2, 1]), np.array([2, 1, 3]), np.array([1, 1, 4]), np.array([2, 3, 5])
    )
    assert refs.tolist() == [2, 1, 0]
    assert rv.moving_average(np.array([0.2]), np.array([0.8]), 0.25) == pytest.approx([0.35])
    kind = rv.relationship_type(np.array([0.6, 0.3, 0.4]), np.array([0.2, 0.5, 0.4]), -0.1, 0.1)
    assert kind.tolist() == [0, 2, 1]


def test_the_edges_of_the_rivalry_rules_by_hand():
    """Profiles are per breeder (column): (1, 3) and (2, 2) give (0.25, 0.75) and (0.5, 0.5);
    a breeder seen only by half a buyer (0.5) has the profile 1. Expected sales where a
    segment's total reach is below 1 (0.5 for one seller): that seller gets all 2 buyers.
    Strategy from gains only (balance -1) at protection 0.02 and openness 0.98: protection
    floored at 0, openness capped at 1. A conflict ends the contract only when the draw is
    below the chance (0.5 x (1 - 0.5) = 0.25: a draw of exactly 0.25 does not). The
    relationship type at the bounds (-0.25, 0.25): a gap of exactly 0.25 or -0.25 is equal;
    codes are int8."""
    prof = rv.buyer_profiles(np.array([[1.0, 2.0, 0.5], [3.0, 2.0, 0.0]]))
    assert prof[:, 0] == pytest.approx([0.25, 0.75]) and prof[:, 1] == pytest.approx([0.5, 0.5])
    assert prof[:, 2] == pytest.approx([1.0, 0.0])
    sales = rv.expected_segment_sales(np.array([2.0]), np.array([[0.5, 0.0]]))
    assert sales[0] == pytest.approx([2.0, 0.0])
    prot, op = rv.strategy_step(np.array([0.02]), np.array([0.98]), np.ones(1), np.zeros(1), 0.1)
    assert prot == pytest.approx([0.0]) and op == pytest.approx([1.0])
    ends = rv.conflict_ends_contract(np.array([0.5, 0.5]), 0.5, np.array([0.25, 0.2499]))
    assert ends.tolist() == [False, True]
    kind = rv.relationship_type(np.array([0.5, 0.25]), np.array([0.25, 0.5]), -0.25, 0.25)
    assert kind.tolist() == [1, 1] and kind.dtype == np.int8


def _four_contracts():
    """Contracts at step 12: c0 (breeders 0, 1) started at 0 (12 months old), c1 (2, 3)
    started now, c2 (4, 5) 24 months old, c3 (0, 2) ended. Trust (no decay): 0.6 and 0.4
    in c0, 0.8 and 0.6 in c2, 0.5 elsewhere."""
    trust = TrustLedger(0.3, 0.0)
    trust.add_ties(np.array([0, 2, 4, 0]), np.array([1, 3, 5, 2]), np.full(4, 0.5), step=0)
    trust.value[[0, 4, 2, 6]] = [0.6, 0.4, 0.8, 0.6]
    con = Contracts()
    con.add_many(
        4,
        keeper=np.array([0, 2, 4, 0]),
        partner=np.array([1, 3, 5, 2]),
        tie_kp=np.arange(4),
        tie_pk=4 + np.arange(4),
        start=np.array([0, 12, -12, 0]),
        ended=np.array([-1, -1, -1, 6]),
        used_keeper=np.array([3, 1, 0, 0]),
        used_partner=np.array([1, 1, 0, 0]),
        quota_keeper=np.array([4, 1, 2, 1]),
        quota_partner=np.array([4, 1, 2, 1]),
        flow=np.array([0.001, 0.0, 0.002, 0.007]),
        flow_potential=np.array([0.004, 0.0, 0.002, 0.007]),
        cooperation=np.array([0.2, 0.9, 0.5, 0.3]),
        trust_12=np.full(4, -1.0),
        trust_24=np.full(4, -1.0),
    )
    # buyers won in the year (2 segments x 6 breeders)
    sales_year = np.array([[3, 1, 2, 0, 1, 1], [1, 1, 0, 5, 0, 1]])
    return con, trust, sales_year


def test_a_months_intensities_types_and_trust_path_by_hand():
    """Competition (overlap of the year's buyer profiles): c0 (3, 1) against (1, 1): 0.75;
    c1 (2, 0) against (0, 5): 0; c2 (1, 0) against (1, 1): 0.5.
    Cooperation: c0 used 4 of its 8 matings (0.5) and passed 0.001 of 0.004 knowledge
    (0.25); breeder 1 referred one buyer to breeder 0 of the 2 + 2 enquiries the pair
    turned away (0.25): signal (0.5 + 0.25 + 0.25) / 3 = 1/3, a 12-month average from 0.2:
    0.2 + (1/3 - 0.2) / 12 = 0.211111 (without the referrals: (0.5 + 0.25) / 2 = 0.375,
    0.2 + 0.175 / 12 = 0.214583). c1 is new: its signal, 2 of 2 matings, 1.0 (nothing to
    pass, nobody turned away). c2: 0 of 4 matings, 0.002 of 0.002 knowledge: 0.5, from 0.5.
    Types (margin 0.125): c0 0.21 - 0.75 competition-dominated, c1 1 - 0 cooperation-
    dominated, c2 0.5 - 0.5 equal. The month's flow is reset to 0. Trust path: c0 at 12
    months (0.6 + 0.4) / 2 = 0.5, c2 at 24 months (0.8 + 0.6) / 2 = 0.7. The ended c3 keeps
    everything."""
    con, trust, sales_year = _four_contracts()
    turned_away = np.array([2, 2, 0, 0, 0, 0])
    rv.measure_intensities(con, trust, sales_year, 12, np.array([[1], [0]]), turned_away)
    assert con.competition[:4] == pytest.approx([0.75, 0.0, 0.5, 0.0])
    assert con.cooperation[:4] == pytest.approx([0.211111, 1.0, 0.5, 0.3], abs=1e-6)
    assert con.rtype[:3].tolist() == [2, 0, 1]
    assert con.flow[:4].tolist() == [0.0, 0.0, 0.0, 0.007]
    assert con.trust_12[:4] == pytest.approx([0.5, -1.0, -1.0, -1.0])
    assert con.trust_24[:4] == pytest.approx([-1.0, -1.0, 0.7, -1.0])
    con, trust, sales_year = _four_contracts()
    no_referrals, nobody_turned_away = np.zeros((2, 0), dtype=np.int64), np.zeros(6, np.int64)
    rv.measure_intensities(con, trust, sales_year, 12, no_referrals, nobody_turned_away)
    assert con.cooperation[0] == pytest.approx(0.214583, abs=1e-6)
    empty = Contracts()
    rv.measure_intensities(empty, trust, sales_year, 12, no_referrals, nobody_turned_away)
    assert empty.n == 0


def test_a_months_leakage_and_its_payoffs_by_hand():
    """Keeper 0 (marketing 0.2, niche 0) and partner 1 (marketing 0.5) each learned 0.1 of
    marketing from the other (contract c0). Marketing effect 1: the partner is seen
    (1 + 0.5) / (1 + 0.4) times more for it, so c = 1 - 1.4/1.5 = 1/15 of its reach is owed
    to the keeper; the keeper (1.2 / 1.1) c = 1/12. Two segments: in s0 both are seen
    (reach 1 each, 4 buyers: D/R = 2), in s1 only the keeper (2 buyers).
    Sales lost = D r_T (1/R0 - 1/R): the keeper to its partner 2 x 1/15 / (2 - 1/15) = 2/29
    in s0 (none in s1, where the partner is not seen); the partner to the keeper 2 x 1/12 /
    (2 - 1/12) = 2/23. At 1,000 a sale: core leak costs 68.97 and 86.96. Cumulative columns
    add to what was there (1 each); the month's tally 1 + 2/29 + 2/23 = 1.155922.
    What the learning earns (knowledge_value x learned / 12 a month): the partner (yearly
    sales 1,200) (1/1.5 + 0.2/1.1) x 1,200 x 0.1 / 12 = 8.484848; the keeper (600)
    (1/1.2 + 0.2/1.04) x 600 x 0.1 / 12 = 5.128205.
    Contract c1's keeper 2 has closed: its partner 3's learning counts for nothing; c2 (0 and
    1 again) recorded no learning: nothing either."""
    firms, con, reach, sales, scenario = _leaky_pairs()
    stats = {"leakage_sales_lost": 1.0}
    rv.measure_leakage(firms, con, reach, sales, scenario, stats, 1_000.0)
    assert con.leak_sales_keeper[:3] == pytest.approx([1 + 2 / 29, 0.0, 0.0])
    assert con.leak_sales_partner[:3] == pytest.approx([1 + 2 / 23, 0.0, 0.0])
    assert firms.sales_lost_to_partners[:4] == pytest.approx([2 / 29, 2 / 23, 0.0, 0.0])
    assert firms.core_leak_cost[:4] == pytest.approx([2_000 / 29, 2_000 / 23, 0.0, 0.0])
    assert firms.knowledge_received[:4] == pytest.approx([5.128205, 8.484848, 0.0, 0.0])
    assert stats["leakage_sales_lost"] == pytest.approx(1 + 2 / 29 + 2 / 23)


def test_measure_pads_for_new_breeders_and_prices_lost_sales_at_zero_by_default():
    """The same pairs measured after a month in which breeder 4 joined (the market's tables
    have four columns, the firm table five): the same sales lost (2/29, 2/23), costed at
    nothing when the month's price is 0 (measure) or no sale value is given
    (measure_leakage); competition from the year's sales, which after an empty ring are the
    month's: c0 (3, 2) against (1, 0), profiles (0.6, 0.4) and (1, 0): min(0.6, 1) + min(0.4,
    0) = 0.6; c1 nothing sold: 0. The market keeps the month in its ring (slot 5 % 12 = 5, as
    (segment, seller, buyers) where it sold) and the year's sum (five columns)."""
    for measure in (rv.measure, rv.measure_leakage):
        firms, con, reach, sales, scenario = _leaky_pairs()
        firms.add(1)
        stats = {"leakage_sales_lost": 0.0}
        if measure is rv.measure:
            trust, market = _measure_inputs(con, reach, sales, 0.0)
            rv.measure(firms, con, trust, market, scenario, 5, stats)
            assert con.competition[:3] == pytest.approx([0.6, 0.0, 0.6])
            assert market.sales_year.shape == (2, 5)
            assert market.sales_year[:, :4].tolist() == sales.tolist()
            seg, seller, count = market.sales_ring[5]
            assert (sales[seg, seller] == count).all() and count.sum() == sales.sum()
        else:
            reach, sales = np.pad(reach, ((0, 0), (0, 1))), np.pad(sales, ((0, 0), (0, 1)))
            rv.measure_leakage(firms, con, reach, sales, scenario, stats)
        assert con.leak_sales_keeper[:2] == pytest.approx([1 + 2 / 29, 0.0])
        assert con.leak_sales_partner[:2] == pytest.approx([1 + 2 / 23, 0.0])
        assert (firms.core_leak_cost[:5] == 0).all(), measure


def _leaky_pairs(offset=0):
    """The pairs, reach and sales of test_a_months_leakage_and_its_payoffs_by_hand; with
    `offset` breeders no buyer sees (and in no contract) ahead of them in the tables."""
    from types import SimpleNamespace

    firms = FirmTable()
    firms.add(
        4 + offset,
        knowledge=np.array(
            [[0, 0, 0]] * offset + [[0, 0, 0.2], [0, 0, 0.5], [0, 0, 0.5], [0, 0, 0.5]]
        ),
        niche=np.zeros(4 + offset, np.int8),
        active=np.array([True] * offset + [True, True, False, True]),
    )
    firms.sales_value_ring[offset : offset + 4, 0] = [600.0, 1_200.0, 1_200.0, 1_200.0]
    con = Contracts()
    con.add_many(
        3,
        keeper=np.array([0, 2, 0]) + offset,
        partner=np.array([1, 3, 1]) + offset,
        mkt_learned_partner=np.array([0.1, 0.1, 0.0]),
        mkt_learned_keeper=np.array([0.1, 0.0, 0.0]),
        leak_sales_keeper=np.array([1.0, 0.0, 0.0]),
        leak_sales_partner=np.array([1.0, 0.0, 0.0]),
    )
    reach = np.pad(np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]), ((0, 0), (offset, 0)))
    sales = np.pad(np.array([[3, 1, 0, 0], [2, 0, 0, 0]]), ((0, 0), (offset, 0)))
    scenario = SimpleNamespace(marketing_effect=1.0, expertise_effect=2.0, buyer_consideration=1)
    return firms, con, reach, sales, scenario


def _measure_inputs(con, reach, sales, price):
    """The trust ledger and the month's market that `measure` reads for _leaky_pairs'
    contracts: their ties at trust 0.5, and the market at `price` with nobody turned away."""
    trust = TrustLedger(0.3, 0.0)
    trust.add_ties(np.array([0, 2, 0]), np.array([1, 3, 1]), np.full(3, 0.5), step=0)
    con.tie_kp[:3], con.tie_pk[:3] = [0, 1, 2], [3, 4, 5]
    market = MarketState(price, 0.0, 0.0, 0.0, 0.0, 0.0, reach=reach, segment_sales=sales)
    market.turned_away = np.zeros(4, dtype=np.int64)
    return trust, market


def test_leakage_whatever_the_rows_number_types_and_segments_by_hand():
    """The pairs of test_a_months_leakage_and_its_payoffs_by_hand lose the same sales (2/29
    by the keeper, 2/23 by the partner) when two breeders no buyer sees come first in the
    tables, when sales are counted in floats, and with only the first segment (where all the
    loss was). When only the partner learned (0.1 of marketing, in its last column of
    learning but not the contract's last), the keeper loses its 2/29 and the partner
    nothing."""
    for offset, floats, one_segment in ((2, False, False), (0, True, False), (0, False, True)):
        firms, con, reach, sales, scenario = _leaky_pairs(offset)
        if floats:
            sales = sales.astype(float)
        if one_segment:
            reach, sales = reach[:1], sales[:1]
        rv.measure_leakage(firms, con, reach, sales, scenario, {"leakage_sales_lost": 0.0})
        assert con.leak_sales_keeper[0] == pytest.approx(1 + 2 / 29), (offset, floats)
        assert con.leak_sales_partner[0] == pytest.approx(1 + 2 / 23), (offset, floats)
    firms, con, reach, sales, scenario = _leaky_pairs()
    con.mkt_learned_keeper[0] = 0.0
    rv.measure_leakage(firms, con, reach, sales, scenario, {"leakage_sales_lost": 0.0})
    assert con.leak_sales_keeper[0] == pytest.approx(1 + 2 / 29)
    assert con.leak_sales_partner[0] == pytest.approx(1.0)


def test_sales_lost_with_a_share_per_niche_by_hand():
    """Six segments, two regions of the three niches (segment s in niche s % 3), one buyer
    each; the teacher's reach 1 and the learner's 2 everywhere (R = 3). What the learner
    learned doubles how buyers of niche 0 see it (c = 1/2), no one else's: in segments 0
    and 3, R0 = 3 - 1 = 2 and the teacher lost 1 x 1 x (1/2 - 1/3) = 1/6 each: 1/3."""
    reach = np.tile(np.array([[1.0, 2.0]]), (6, 1))
    lost = rv.sales_lost_to_learner(
        np.ones(6), reach, np.array([0]), np.array([1]), np.array([[2.0, 1.0, 1.0]])
    )
    assert lost == pytest.approx([1 / 3])


def test_the_edges_of_cooperation_and_intensities_by_hand():
    """Cooperation of 1 mating of a season of 4 (0.25): with one of two enquiries turned
    away referred (0.5) and no knowledge part, (0.25 + 0.5) / 2 = 0.375; with the knowledge
    part (0.001 of 0.004: 0.25) and only the turned-away count (no referrals given), the
    referral part is left out: 0.25; knowledge passed beyond what could pass (0.005 of
    0.004) counts as all of it: (0.25 + 1) / 2 = 0.625.
    Intensities of c0 alone (the others ended), no referral and no enquiry turned away:
    cooperation 0.2 + ((0.5 + 0.25) / 2 - 0.2) / 12 = 0.214583, competition 0.75."""
    one, four = np.array([1.0]), np.array([4.0])
    assert rv.cooperation_signal(one, four, None, None, one, np.array([2.0])) == pytest.approx(
        [0.375]
    )
    part = rv.cooperation_signal(one, four, np.array([0.001]), four / 1000, None, np.array([2.0]))
    assert part == pytest.approx([0.25])
    over = rv.cooperation_signal(one, four, np.array([0.005]), four / 1000)
    assert over == pytest.approx([0.625])
    con, trust, sales_year = _four_contracts()
    con.ended[1:3] = 6
    rv.measure_intensities(con, trust, sales_year, 12, np.zeros((2, 0), int), np.zeros(6, int))
    assert con.cooperation[0] == pytest.approx(0.214583, abs=1e-6)
    assert con.competition[0] == pytest.approx(0.75)


def test_what_a_point_of_knowledge_earns_by_hand():
    """Marketing effect 1, expertise effect 2. Breeder 0 (yearly sales 1,000; marketing 0.5;
    niche 0, whose buyers seek breeding, where it knows 0): a point of marketing raises reach
    by 1 / (1 + 0.5) and price by 0.2 / (1 + 0.1): 0.848485 x 1,000 = 848.48; a point of
    breeding 2 / (1 + 0) x 1,000 = 2,000; health nothing. Breeder 1 (2,000; marketing 0;
    niche 2, which seeks health, where it knows 0.5): marketing (1 + 0.2) x 2,000 = 2,400,
    health 2 / (1 + 1) x 2,000 = 2,000, breeding nothing."""
    value = rv.knowledge_value(
        np.array([1_000.0, 2_000.0]),
        np.array([[0.0, 0.0, 0.5], [0.5, 0.0, 0.0]]),
        np.array([0, 2]),
        1.0,
        2.0,
    )
    assert value[0] == pytest.approx([0.0, 2_000.0, 848.484848])
    assert value[1] == pytest.approx([2_000.0, 0.0, 2_400.0])
    # marketing effect 0.5: 0.5 / 1.25 + 0.1 / 1.05 = 0.495238 a point, and 0.5 + 0.1 = 0.6
    half = rv.knowledge_value(
        np.array([1_000.0, 2_000.0]), np.array([[0.0, 0.0, 0.5], [0.5, 0.0, 0.0]]),
        np.array([0, 2]), 0.5, 2.0,
    )  # fmt: skip
    assert half[:, 2] == pytest.approx([495.238095, 1_200.0])


def test_sales_lost_where_reach_is_thin_or_nobody_is_seen_by_hand():
    """Segment 0 (4 buyers) sees teacher and learner at reach 0.5 each (R = 1); segment 1 (3
    buyers) sees nobody. The learner's reach doubled (uplift 2, c = 0.5): without it R0 =
    1 - 0.25 = 0.75, and the teacher lost 4 x 0.5 x (1 / 0.75 - 1 / 1) = 2/3 in segment 0,
    nothing in segment 1 (no buyer there finds anyone: no loss, not 0 / 0). With no pair,
    no answer."""
    reach = np.array([[0.5, 0.5], [0.0, 0.0]])
    lost = rv.sales_lost_to_learner(
        np.array([4.0, 3.0]), reach, np.array([0]), np.array([1]), np.array([2.0])
    )
    assert lost == pytest.approx([2 / 3])
    none = rv.sales_lost_to_learner(
        np.array([4.0, 3.0]), reach, np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    )
    assert none.size == 0


def test_the_edges_of_cheating_sharing_and_first_impressions_by_hand():
    """A contract with 13 months left spans 2 seasons: 5 quota matings saving 100 each, the
    second season at half weight: (1 + 0.5) x 500 = 750; with none left, the present season:
    500; without discounting (1) the two seasons count fully: 1,000.
    A victim trusting 0.75 that loses 0.25 stands exactly at the acceptance 0.5, not below:
    only the dissolution chance 0.3 ends the contract. A fee saving of 0.5 GBP with no
    believed detection is worth overusing for.
    A shared stud of 4 matings left: the cheater claims all 4 (it wants 6) and the honest
    partner, within quota, gets 4 - 4 = 0; whole matings (integers).
    A stranger level of 0.9 plus 0.2 x full honesty is 1.1: at most 1. An honesty of 0.1
    read with noise -0.5 reads as 0 (not -0.4): 0.3 + 0.
    Cooperation: 1 mating of a season of 1 is the whole season (1.0); 8 of a season of 6
    (overuse) is also 1.0."""
    value = rv.contract_future_value(np.array([13, 0]), np.array([5, 5]), np.full(2, 100.0))
    assert value == pytest.approx([750.0, 500.0])
    flat = rv.contract_future_value(np.array([13]), np.array([5]), np.array([100.0]), 1.0)
    assert flat == pytest.approx([1_000.0])
    assert rv.chance_of_losing_contract(np.array([0.75]), 0.25, 0.3, 0.5) == pytest.approx([0.3])
    pays = rv.overuse_pays(np.array([0.5]), np.zeros(1), np.ones(1), np.ones(1), np.zeros(1))
    assert pays.tolist() == [True]
    got = rv.share_stud_season(
        capacity_left=np.array([4, 4]), quota_left=np.array([2, 2]), wanted=np.array([6, 2]),
        cheats=np.array([True, False]), contract=np.array([0, 0]), n_contracts=1,
    )  # fmt: skip
    assert got.tolist() == [4, 0] and got.dtype.kind == "i"
    seen = rv.first_impression(
        np.array([0.9, 0.3]), np.array([1.0, 0.1]), np.array([0.0, -0.5]), 0.2
    )
    assert seen == pytest.approx([1.0, 0.3])
    coop = rv.cooperation_signal(
        np.array([1.0, 8.0]), np.array([1.0, 6.0]), np.zeros(2), np.zeros(2)
    )
    assert coop == pytest.approx([1.0, 1.0])


def test_referrals_and_acceptance_at_the_edges_by_hand():
    """Referrals are counted by pair whatever the rows: breeder 7 referring a buyer to 1
    is no referral between 2 and 3 (with keys built on too small a row count, 1 x 4 + 7 and
    2 x 4 + 3 would both be 11); nor is 3 referring to 4 one between 2 and 9 (with 5 rows,
    3 x 5 + 4 = 2 x 5 + 9). One referral between the one pair asked: 1; none at all: 0 for
    each pair asked.
    Acceptance of one candidate pair when half are accepted: ceil(0.5 x 1) = 1, it is; of
    none, an empty boolean array. Twenty pairs scored 0, 1, 0, 1, ... on both sides, a
    quarter accepted (5): ties are broken by row (the same order on every platform and numpy
    version), so the ten scored 1 rank 10-19 in row order and the last five of them are
    accepted, rows 11, 13, 15, 17 and 19. Seventeen pairs whose two sides rank each other in
    opposite orders (scores 0..16 and 16..0) stand at min(r, 16 - r); 55% accepted is
    ceil(9.35) = 10: rows 4-12 (standing 4 or more) and, of rows 3 and 13 (both standing 3),
    the first, 3."""
    for ref, sel, a, b in (([7], [1], [2], [3]), ([1], [7], [2], [3]), ([3], [4], [2], [9]),
                           ([3], [4], [9], [2])):  # fmt: skip
        got = rv.pair_referrals(np.array(ref), np.array(sel), np.array(a), np.array(b))
        assert got.tolist() == [0], (ref, sel, a, b)
    assert rv.pair_referrals(
        np.array([3]), np.array([5]), np.array([5]), np.array([3])
    ).tolist() == [1]
    none = rv.pair_referrals(np.zeros(0, int), np.zeros(0, int), np.array([0, 1]), np.array([2, 3]))
    assert none.tolist() == [0, 0]
    assert rv.acceptable_by_rank(np.array([0.5]), np.array([0.5]), 0.5).tolist() == [True]
    empty = rv.acceptable_by_rank(np.zeros(0), np.zeros(0), 0.5)
    assert empty.dtype == bool and empty.size == 0
    scores = np.array([0.0, 1.0] * 10)
    tied = rv.acceptable_by_rank(scores, scores.copy(), 0.75)
    assert np.flatnonzero(tied).tolist() == [11, 13, 15, 17, 19]
    mixed = rv.acceptable_by_rank(scores, np.ones(20), 0.75)  # theirs all alike: row order
    assert np.flatnonzero(mixed).tolist() == [11, 13, 15, 17, 19]
    opposite = rv.acceptable_by_rank(np.arange(17.0), np.arange(17.0)[::-1].copy(), 0.45)
    assert np.flatnonzero(opposite).tolist() == list(range(3, 13))


def test_measure_costs_lost_sales_at_the_months_price_by_hand():
    """The pairs of test_a_months_leakage_and_its_payoffs_by_hand measured in a month whose
    clearing price is 1,000 GBP: the keeper's 2/29 lost sales cost it 2,000/29 = 68.97, the
    partner's 2/23 cost 2,000/23 = 86.96."""
    firms, con, reach, sales, scenario = _leaky_pairs()
    trust, market = _measure_inputs(con, reach, sales, 1_000.0)
    rv.measure(firms, con, trust, market, scenario, 5, {"leakage_sales_lost": 0.0})
    assert firms.core_leak_cost[:4] == pytest.approx([2_000 / 29, 2_000 / 23, 0.0, 0.0])


# --- leakage when buyers compare a few sellers (buyer_consideration) -----------------------
def test_a_learner_that_overtakes_its_teacher_takes_most_of_its_buyers_when_buyers_compare():
    """One segment, 10 buyers; the teacher's reach 2, the learner's 3 now and 1 without what
    it learned (uplift 3). In proportion to reach the teacher falls from 2/3 to 2/5 of the
    buyers: 10 x (2/3 - 2/5) = 2.67 lost. With two draws, the higher taken, the teacher went
    from 1 - (1/3)^2 = 8/9 (it outranked the learner) to (2/5)^2 = 0.16 (it is outranked):
    7.29 lost. With two sellers whatever one gains the other loses: diversion 1."""
    reach = np.array([[2.0, 3.0]])
    one = rv.sales_lost_to_learner(np.array([10.0]), reach, np.array([0]), np.array([1]),
                                   np.array([3.0]))  # fmt: skip
    assert one == pytest.approx([10 * (2 / 3 - 2 / 5)])
    two = rv.sales_lost_to_learner(np.array([10.0]), reach, np.array([0]), np.array([1]),
                                   np.array([3.0]), consider=2)  # fmt: skip
    assert two == pytest.approx([10 * (8 / 9 - 0.16)])
    lost, gained = rv.sales_shift(np.array([10.0]), reach, np.array([0]), np.array([1]),
                                  np.array([3.0]), 2)  # fmt: skip
    assert lost == pytest.approx(gained) and gained == pytest.approx([10 * (0.84 - 1 / 9)])


def test_comparison_leakage_is_the_fall_of_the_teachers_choice_share():
    """Two segments, four sellers of distinct reach, the learner's reach up 1.5 times in
    segment 0 and 1.2 in segment 1: for k = 1, 2, 4 the teacher's loss is, segment by
    segment, demand x (its market.choice_shares without the uplift - with it)."""
    from alpaca_abm.market import choice_shares

    reach = np.array([[1.0, 2.5, 4.0, 0.7], [3.0, 0.5, 1.1, 2.0]])
    uplift = np.array([[1.5, 1.2]])
    demand = np.array([12.0, 5.0])
    before = reach.copy()
    before[:, LEARNER] /= uplift[0]
    for k in (1, 2, 4):
        expected = demand @ (choice_shares(before, k) - choice_shares(reach, k))[:, TEACHER]
        lost = rv.sales_lost_to_learner(
            demand, reach, np.array([TEACHER]), np.array([LEARNER]), uplift, consider=k
        )
        assert lost == pytest.approx([expected])
        assert expected > 0


def test_knowledge_value_scales_its_reach_parts_by_the_markets_response():
    """Twice the response to reach doubles what marketing's reach and the sought expertise
    earn, not what marketing's price premium earns: marketing 0.2, e = 0.5: reach 0.5 / 1.1,
    price 0.1 / 1.02; breeding (sought by breeding-stock buyers) 0.5 / 1.15; x sales 1,000."""
    k = np.array([[0.3, 0.3, 0.2]])  # health, breeding, marketing
    one = rv.knowledge_value(np.array([1000.0]), k, np.zeros(1, int), 0.5, 0.5)
    two = rv.knowledge_value(np.array([1000.0]), k, np.zeros(1, int), 0.5, 0.5, np.array([2.0]))
    assert one[0, MARKETING] == pytest.approx(1000 * (0.5 / 1.1 + 0.1 / 1.02))
    assert two[0, MARKETING] == pytest.approx(1000 * (2 * 0.5 / 1.1 + 0.1 / 1.02))
    assert one[0, BREEDING] == pytest.approx(1000 * 0.5 / 1.15)
    assert two[0, BREEDING] == pytest.approx(2 * 1000 * 0.5 / 1.15)


def test_a_run_where_buyers_compare_sellers_weighs_knowledge_by_the_markets_response():
    """uk_2018 with buyers comparing three sellers, 13 months: the market's response to reach
    is worked out for every breeder, above 1 for some (sellers a rise of reach lifts past
    others) and below 1 for others (the favourites, whose buyers come anyway); in
    proportion (the default) it is never worked out."""
    from alpaca_abm.model import AlpacaModel

    model = AlpacaModel("uk_2018", rng=1, buyer_consideration=3)
    for _ in range(13):
        model.step()
    response = model.market.reach_response  # the breeders of the month's market
    assert len(response) == model.market.reach.shape[1] > 100
    assert (response > 1.05).any() and (response < 0.95).any()
    plain = AlpacaModel("uk_2018", rng=1)
    for _ in range(13):
        plain.step()
    assert len(plain.market.reach_response) == 0


# --- customer contacts: buyers a partner takes from its teacher ------------------------------
def test_contact_chance_rises_with_marketing_learned_and_falls_with_protection():
    chance = rv.contact_chance(np.array([0.0, 0.01, 0.02, 0.02, 0.5]),
                               np.array([0.0, 0.0, 0.0, 0.5, 0.0]), 30.0)  # fmt: skip
    assert chance == pytest.approx([0.0, 0.3, 0.6, 0.3, 1.0])
    assert (rv.contact_chance(np.array([0.02]), np.array([0.0]), 0.0) == 0).all()


def test_contact_takers_pick_the_partner_that_knows_most_of_each_teachers_contacts():
    """Breeder 0 has two running partners: 1 learned 0.01 of its marketing, 2 learned 0.03;
    2 takes 0's buyers (chance 30 x 0.03 x (1 - 0.5) = 0.45). 0 learned 0.02 from 1 (1
    unprotected: 0.6) and nothing from 2. The ended contract (3 learned from 4) counts for
    nothing."""
    con = Contracts()
    con.add_many(
        3,
        keeper=np.array([0, 0, 4]),
        partner=np.array([1, 2, 3]),
        mkt_learned_partner=np.array([0.01, 0.03, 0.05]),
        mkt_learned_keeper=np.array([0.0, 0.0, 0.0]),
    )
    con.mkt_learned_keeper[0] = 0.02
    con.ended[2] = 5
    taker, chance = rv.contact_takers(con, np.array([0.5, 0.0, 0.0, 0.0, 0.0]), 5, 30.0)
    assert taker.tolist() == [2, 0, -1, -1, -1]
    assert chance == pytest.approx([0.45, 0.6, 0.0, 0.0, 0.0])


def test_contact_takers_among_equal_chances_take_the_first_contracts_partner():
    """Breeder 0's partners 1, 2 and 3 (contracts 0, 1, 2) learned 0.01, 0.02 and 0.02 of
    its marketing: 2 and 3 tie at the highest chance, 30 x 0.02 = 0.6; 2's contract comes
    first. Breeder 4 is the partner of 6 in contract 3 and the keeper of 5 in contract 4,
    both learning 0.01 from it (0.3): its contracts as keeper come first, so 5 takes its
    buyers. Breeder 1 learned nothing from 0: no taker for it."""
    con = Contracts()
    con.add_many(
        5,
        keeper=np.array([0, 0, 0, 6, 4]),
        partner=np.array([1, 2, 3, 4, 5]),
        mkt_learned_partner=np.array([0.01, 0.02, 0.02, 0.0, 0.01]),
        mkt_learned_keeper=np.array([0.0, 0.0, 0.0, 0.01, 0.0]),
    )
    taker, chance = rv.contact_takers(con, np.zeros(7), 7, 30.0)
    assert taker.tolist() == [2, -1, -1, -1, 5, -1, -1]
    assert chance == pytest.approx([0.6, 0.0, 0.0, 0.0, 0.3, 0.0, 0.0])


def test_directed_pairs_count_each_way():
    source, target = np.array([0, 0, 1, 2, 3]), np.array([1, 1, 0, 3, 2])
    ab, ba = rv.directed_pairs(source, target, np.array([0, 2, 4]), np.array([1, 3, 5]))
    assert ab.tolist() == [2, 1, 0] and ba.tolist() == [1, 1, 0]


def test_buyers_taken_through_contacts_are_the_teachers_leakage_and_the_learners_gain():
    """The pairs of test_a_months_leakage_and_its_payoffs_by_hand, and this month partner 1
    took two of keeper 0's buyers and 0 one of 1's (c0, running); 3 took one of 2's (c1,
    whose keeper has closed: not counted). Each is a whole sale lost by the teacher and won
    by the learner at 1,000: the reach part (2/29, 2/23) plus 2 and 1."""
    firms, con, reach, sales, scenario = _leaky_pairs()
    stats = {"leakage_sales_lost": 0.0}
    diversions = np.array([[0, 0, 1, 2], [1, 1, 0, 3]])
    rv.measure_leakage(firms, con, reach, sales, scenario, stats, 1_000.0, None, diversions)
    assert con.leak_sales_keeper[:3] == pytest.approx([1 + 2 / 29 + 2, 0.0, 0.0])
    assert con.leak_sales_partner[:3] == pytest.approx([1 + 2 / 23 + 1, 0.0, 0.0])
    assert firms.core_leak_cost[:4] == pytest.approx([2_000 / 29 + 2_000, 2_000 / 23 + 1_000, 0, 0])
    assert firms.knowledge_received[:4] == pytest.approx([5.128205 + 1_000, 8.484848 + 2_000, 0, 0])
    assert stats["leakage_sales_lost"] == pytest.approx(2 / 29 + 2 / 23 + 3)


def test_strategy_weighs_the_size_of_the_stakes_against_what_an_owner_notices():
    """Stake 500: lost 300 and gained 100 moves protection +0.1 x 200/500 = +0.04; lost 0.3
    and nothing gained +0.1 x 0.3/500 (nothing an owner sees); lost 100 and gained 900 (over
    the stake) the normalised -0.1 x 800/1000 = -0.08. Stake 0 is the normalised balance:
    the owner who lost 0.3 moves a full step."""
    prot, open_ = np.full(3, 0.5), np.full(3, 0.5)
    gained, lost = np.array([100.0, 0.0, 900.0]), np.array([300.0, 0.3, 100.0])
    new_p, new_o = rv.strategy_step(prot, open_, gained, lost, 0.1, 500.0)
    assert new_p == pytest.approx([0.54, 0.5 + 0.1 * 0.3 / 500, 0.42])
    assert new_o == pytest.approx([0.46, 0.5 - 0.1 * 0.3 / 500, 0.58])
    sign_only, _ = rv.strategy_step(prot, open_, gained, lost, 0.1, 0.0)
    assert sign_only[1] == pytest.approx(0.6)


# --- what measure hands the leakage, and the leakage's edges ----------------------------------
def _measured_month(floats, consideration=2):
    """The pairs of test_a_months_leakage_and_its_payoffs_by_hand measured by `measure` in a
    month when breeder 4 joined, buyers compare `consideration` sellers, the price is 1,000
    and partner 1 took two of keeper 0's buyers through contacts and 0 one of 1's."""
    from types import SimpleNamespace

    firms, con, reach, sales, _ = _leaky_pairs()
    firms.add(1)
    scenario = SimpleNamespace(
        marketing_effect=1.0, expertise_effect=2.0, buyer_consideration=consideration
    )
    sales = sales.astype(float) if floats else sales
    trust, market = _measure_inputs(con, reach, sales, 1_000.0)
    market.diversions = np.array([[0, 0, 1], [1, 1, 0]])
    stats = {"leakage_sales_lost": 0.0}
    rv.measure(firms, con, trust, market, scenario, 5, stats)
    return firms, con, stats, market


@pytest.mark.parametrize("floats", [False, True])
def test_measure_hands_the_leakage_the_markets_response_and_diversions(floats):
    """measure prices the month's leakage with what the market measured: the response of
    each seller's sales to its reach when buyers compare two (market.reach_response over the
    year's buyers, the new breeder's column padded in) and the buyers partners took through
    contacts; with sales counted in whole numbers or in floats. The same as measure_leakage
    given them, and not the same as without them."""
    firms, con, stats, market = _measured_month(floats)
    f2, c2, reach, sales, scenario = _leaky_pairs()
    f2.add(1)
    scenario.buyer_consideration = 2
    pad = ((0, 0), (0, 1))
    reach, sales = np.pad(reach, pad), np.pad(sales, pad).astype(float)
    response = reach_response(reach, sales.sum(axis=1), 2)
    assert market.reach_response.tolist() == response.tolist() and (response[:2] != 1).all()
    stats2 = {"leakage_sales_lost": 0.0}
    rv.measure_leakage(f2, c2, reach, sales, scenario, stats2, 1_000.0, response,
                       market.diversions)  # fmt: skip
    for got, want in (
        (con.leak_sales_keeper, c2.leak_sales_keeper),
        (con.leak_sales_partner, c2.leak_sales_partner),
        (firms.core_leak_cost, f2.core_leak_cost),
        (firms.knowledge_received, f2.knowledge_received),
    ):
        assert got[: len(want)] == pytest.approx(want, rel=1e-12)
    assert stats["leakage_sales_lost"] == pytest.approx(stats2["leakage_sales_lost"], rel=1e-12)
    f3, c3, reach3, sales3, _ = _leaky_pairs()
    f3.add(1)
    rv.measure_leakage(f3, c3, np.pad(reach3, pad), np.pad(sales3, pad), scenario,
                       {"leakage_sales_lost": 0.0}, 1_000.0)  # fmt: skip
    assert firms.knowledge_received[1] != pytest.approx(f3.knowledge_received[1])
    assert firms.core_leak_cost[0] != pytest.approx(f3.core_leak_cost[0])


def test_leakage_when_buyers_compare_is_the_fall_of_the_teachers_chance_of_being_chosen():
    """The pairs of test_a_months_leakage_and_its_payoffs_by_hand, the partner seen 0.8 in
    segment 0 (no tie with the keeper), buyers comparing two: each teacher loses what
    sales_lost_to_learner says at k = 2 for its learner's uplift (the partner 1.5 / 1.4, the
    keeper 1.2 / 1.1), which is not what it loses at k = 1."""
    demand, lost = np.array([4.0, 2.0]), {}
    for k in (1, 2):
        firms, con, reach, sales, scenario = _leaky_pairs()
        reach[0, 1] = 0.8
        scenario.buyer_consideration = k
        rv.measure_leakage(firms, con, reach, sales, scenario, {"leakage_sales_lost": 0.0})
        lost[k] = (con.leak_sales_keeper[0] - 1.0, con.leak_sales_partner[0] - 1.0)
        keeper = rv.sales_lost_to_learner(demand, reach, np.array([0]), np.array([1]),
                                          np.array([1.5 / 1.4]), k)  # fmt: skip
        partner = rv.sales_lost_to_learner(demand, reach, np.array([1]), np.array([0]),
                                           np.array([1.2 / 1.1]), k)  # fmt: skip
        assert lost[k] == pytest.approx((keeper[0], partner[0]), rel=1e-12)
    assert lost[1][0] != pytest.approx(lost[2][0]) and lost[1][1] != pytest.approx(lost[2][1])


def test_what_learning_earns_is_scaled_by_the_markets_response_by_hand():
    """The pairs of test_a_months_leakage_and_its_payoffs_by_hand with responses 2 (keeper)
    and 3 (partner): marketing's reach part scales, its price part does not. The keeper
    (2 / 1.2 + 0.2 / 1.04) x 600 x 0.1 / 12; the partner (3 / 1.5 + 0.2 / 1.1) x 1,200 x
    0.1 / 12."""
    firms, con, reach, sales, scenario = _leaky_pairs()
    rv.measure_leakage(firms, con, reach, sales, scenario, {"leakage_sales_lost": 0.0}, 0.0,
                       np.array([2.0, 3.0, 1.0, 1.0]))  # fmt: skip
    assert firms.knowledge_received[:4] == pytest.approx(
        [(2 / 1.2 + 0.2 / 1.04) * 5.0, (3 / 1.5 + 0.2 / 1.1) * 10.0, 0.0, 0.0]
    )


def test_buyers_taken_through_contacts_count_for_the_running_contract_only_by_hand():
    """Keeper 0 and partner 1 also had an earlier contract (c2, ended in month 3) in which
    the partner learned 0.1 of marketing: its reach leakage still counts (2/29 again), but
    the two buyers 1 took through contacts this month count once, for the running c0."""
    firms, con, reach, sales, scenario = _leaky_pairs()
    con.mkt_learned_partner[2], con.ended[2] = 0.1, 3
    diversions = np.array([[0, 0], [1, 1]])
    rv.measure_leakage(firms, con, reach, sales, scenario, {"leakage_sales_lost": 0.0}, 1_000.0,
                       None, diversions)  # fmt: skip
    assert con.leak_sales_keeper[:3] == pytest.approx([1 + 2 / 29 + 2, 0.0, 2 / 29])
    assert np.isfinite(firms.core_leak_cost).all()
    assert firms.core_leak_cost[0] == pytest.approx(2 * 2_000 / 29 + 2_000)


def test_the_shift_of_sales_of_several_pairs_is_each_pairs_own():
    """sales_shift over three pairs (one uplift each, two segments) gives each pair what it
    gives that pair alone, lost and gained, at k = 1 and 2 (where a learner growing below its
    teacher can even lift the teacher's sales: a negative loss)."""
    reach = np.array([[1.0, 0.5, 2.0, 0.0], [0.3, 1.0, 0.0, 1.5]])
    demand = np.array([10.0, 6.0])
    teacher, learner, uplift = np.array([0, 1, 2]), np.array([1, 3, 0]), np.array([1.2, 1.5, 1.1])
    for k in (1, 2):
        lost, gained = rv.sales_shift(demand, reach, teacher, learner, uplift, k)
        for i in range(3):
            one = rv.sales_shift(demand, reach, teacher[i : i + 1], learner[i : i + 1],
                                 uplift[i : i + 1], k)  # fmt: skip
            assert (lost[i], gained[i]) == pytest.approx((one[0][0], one[1][0]), rel=1e-12)
        assert (lost != 0).all() and (gained > 0).all()


def test_the_strategy_by_default_weighs_the_balance_of_the_stakes_only():
    """With no stake given (0), 0.3 GBP lost and nothing gained moves protection a whole
    step (balance 1), as 300 lost would; a stake of 1 GBP would make it 0.3 of a step."""
    protection, _ = rv.strategy_step(np.array([0.5]), np.array([0.5]), np.array([0.0]),
                                     np.array([0.3]), 0.1)  # fmt: skip
    assert protection[0] == pytest.approx(0.6)
    staked, _ = rv.strategy_step(np.array([0.5]), np.array([0.5]), np.array([0.0]),
                                 np.array([0.3]), 0.1, 1.0)  # fmt: skip
    assert staked[0] == pytest.approx(0.53)


def test_one_running_contract_is_enough_for_a_contact_taker():
    """A single running contract: partner 1 learned 0.02 of keeper 0's marketing, so it takes
    0's buyers with chance 30 x 0.02 = 0.6."""
    con = Contracts()
    con.add_many(
        1,
        keeper=np.array([0]),
        partner=np.array([1]),
        mkt_learned_partner=np.array([0.02]),
        mkt_learned_keeper=np.array([0.0]),
    )
    taker, chance = rv.contact_takers(con, np.zeros(2), 2, 30.0)
    assert taker.tolist() == [1, -1] and chance == pytest.approx([0.6, 0.0])


def test_directed_pairs_tell_the_two_ways_apart_whatever_the_rows():
    """One event from 0 to 2 (the largest row): the pair (0, 2) counts it one way only, and
    the pairs (1, 1) and (2, 0) read it as theirs only the right way round."""
    ab, ba = rv.directed_pairs(np.array([0]), np.array([2]), np.array([0, 1, 2]),
                               np.array([2, 1, 0]))  # fmt: skip
    assert ab.tolist() == [1, 0, 0] and ba.tolist() == [0, 0, 1]
