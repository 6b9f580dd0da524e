"""Knowledge sharing: openness, trust, protection of the core, absorptive capacity."""

import numpy as np
import pytest

from alpaca_abm.knowledge import (
    absorptive_capacity,
    exchange_knowledge,
    judging_noise,
    knowledge_rows,
    learning_by_doing,
    review_strategies,
    set_knowledge_rows,
    shared_flow,
)


def flow(protection=0.0, openness=1.0, trust=1.0, learner=0.2, core=0):
    teacher = np.array([[0.9, 0.9, 0.9]])
    learn = np.full((1, 3), learner)
    willing = np.array([openness * trust])
    return shared_flow(teacher, learn, willing, np.array([core]), protection, 0.1)


def test_protection_cuts_flow_in_the_core_domain_only():
    open_gain, _ = flow(protection=0.0)
    kept_gain, leaked = flow(protection=0.8)
    assert kept_gain[0, 0] < open_gain[0, 0]
    assert kept_gain[0, 1] == open_gain[0, 1]
    assert leaked[0] == kept_gain[0, 0]


def test_no_openness_or_no_trust_means_no_flow():
    assert flow(openness=0.0)[0].sum() == 0
    assert flow(trust=0.0)[0].sum() == 0


def test_learner_that_knows_more_learns_nothing_from_that_teacher():
    assert flow(learner=0.95)[0].sum() == 0


def test_absorptive_capacity_grows_with_what_is_known():
    assert absorptive_capacity(np.full(3, 0.8)) > absorptive_capacity(np.full(3, 0.1)) > 0


def test_learning_by_doing_stays_below_one():
    k = np.array([0.0, 0.5, 0.99])
    after = learning_by_doing(k, 0.1)
    assert (after > k).all() and (after <= 1).all()


# --- values worked by hand ----------------------------------------------------------------
def test_absorptive_capacity_is_a_fifth_plus_four_fifths_of_the_mean_knowledge():
    """Knowledge (0.1, 0.4, 0.7), mean 0.4: 0.2 + 0.8 x 0.4 = 0.52; a newcomer (all 0) 0.2,
    an expert (all 1) 1.0; one value per breeder (the last axis is the domain)."""
    got = absorptive_capacity(np.array([[0.1, 0.4, 0.7], [0, 0, 0], [1, 1, 1]]))
    assert got == pytest.approx([0.52, 0.2, 1.0])


def test_shared_flow_by_hand():
    """Teacher 0.9 in every domain, learner 0.2 (gap 0.7, absorptive capacity 0.2 + 0.8 x 0.2
    = 0.36), learning rate 0.1, fully willing: each open domain gains 0.1 x 1 x 0.36 x 0.7
    = 0.0252; the core domain (0) with protection 0.8 gains 0.1 x (1 - 0.8) x 0.36 x 0.7
    = 0.00504, and that is what leaked. A second pair, willing 0.5, protection 0, core 2:
    every domain gains 0.0126, all of domain 2 leaked."""
    teacher = np.full((2, 3), 0.9)
    learner = np.full((2, 3), 0.2)
    gain, leaked = shared_flow(
        teacher, learner, np.array([1.0, 0.5]), np.array([0, 2]), np.array([0.8, 0.0]), 0.1
    )
    assert gain[0] == pytest.approx([0.00504, 0.0252, 0.0252])
    assert gain[1] == pytest.approx([0.0126, 0.0126, 0.0126])
    assert leaked == pytest.approx([0.00504, 0.0126])


def test_learning_by_doing_and_judging_noise_by_hand():
    """learning_by_doing(0.5, 0.1) = 0.5 + 0.1 x 0.5 = 0.55; judging_noise(0.25, 8) =
    8 x 0.75 = 6 (none for a full expert)."""
    assert learning_by_doing(np.array([0.5]), 0.1) == pytest.approx([0.55])
    assert judging_noise(np.array([0.25, 1.0]), 8.0) == pytest.approx([6.0, 0.0])


def _pair_month(sharing_on: bool = True):
    """Keeper 0 knows 0.9 everywhere, partner 1 knows 0.2, firm 2 (inactive) 0.5; both
    partners fully open, fully trusting and having seen full sharing; the keeper's core is
    health (0) with protection 0.5, the partner's breeding with none; competition 0.5;
    learning rate 0.1, learning by doing 0.01. One month of exchange_knowledge."""
    from types import SimpleNamespace

    from alpaca_abm.breeder import FirmTable
    from alpaca_abm.coownership import Contracts
    from alpaca_abm.trust import TrustLedger

    firms = FirmTable()
    firms.add(
        3,
        knowledge=np.array([[0.9, 0.9, 0.9], [0.2, 0.2, 0.2], [0.5, 0.5, 0.5]]),
        openness=np.ones(3),
        core_domain=np.array([0, 1, 0], dtype=np.int8),
        protection=np.array([0.5, 0.0, 0.0]),
        active=np.array([True, True, False]),
    )
    ledger = TrustLedger(0.3, 0.0)
    ledger.add_ties(np.array([0]), np.array([1]), np.array([1.0]), step=0)
    con = Contracts()
    con.add(
        keeper=0, partner=1, tie_kp=0, tie_pk=1, seen_by_keeper=1.0, seen_by_partner=1.0,
        competition=0.5,
    )  # fmt: skip
    params = SimpleNamespace(learning_rate=0.1, learning_by_doing=0.01)  # the knowledge group
    stats = {"knowledge_shared": 0.0, "leakage": 0.0}
    exchange_knowledge(firms, con, ledger, params, 1, stats, sharing=sharing_on)
    return firms, con, stats


def test_a_month_of_knowledge_exchange_by_hand():
    """Willingness 1 x 1 x (0.5 + 0.5 x 1) = 1 both ways. The keeper teaches: gap 0.7, the
    partner's absorptive capacity 0.36, so 0.1 x 0.36 x 0.7 = 0.0252 in breeding and
    marketing, half that (0.0126) in the keeper's protected core, health, which leaked; the
    partner has nothing to teach. Then everyone active learns by doing 1% of the gap: the
    partner 0.2126 -> 0.220474 and 0.2252 -> 0.232948, the keeper 0.9 -> 0.901; firm 2,
    inactive, stays at 0.5. What each saw: the partner saw the keeper share
    (2 + 0.5) / 3 = 0.8333, the keeper saw 1. Flow 0.063 (both ways), the partner's learned
    marketing 0.0252, breeding 0.0252, health 0.0126 (what these earn and cost is tallied
    by rivalry.measure). With sharing off only learning by doing: the partner 0.208."""
    firms, con, stats = _pair_month()
    assert firms.knowledge[0] == pytest.approx([0.901] * 3)
    assert firms.knowledge[1] == pytest.approx([0.220474, 0.232948, 0.232948])
    assert firms.knowledge[2] == pytest.approx([0.5] * 3)
    assert (con.seen_by_partner[0], con.seen_by_keeper[0]) == pytest.approx((2.5 / 3, 1.0))
    assert con.flow[0] == pytest.approx(0.063)
    learned = [con.mkt_learned_partner[0], con.brd_learned_partner[0], con.hlt_learned_partner[0]]
    assert learned == pytest.approx([0.0252, 0.0252, 0.0126])
    assert [con.mkt_learned_keeper[0], con.brd_learned_keeper[0], con.hlt_learned_keeper[0]] == [
        0.0, 0.0, 0.0,
    ]  # fmt: skip
    assert stats == pytest.approx({"knowledge_shared": 0.063, "leakage": 0.0126})
    alone, _, stats = _pair_month(sharing_on=False)
    assert alone.knowledge[1] == pytest.approx([0.208] * 3)
    assert stats == {"knowledge_shared": 0.0, "leakage": 0.0}


def test_strategies_are_reviewed_in_january_only_by_hand():
    """In January a breeder that received 1 and leaked core knowledge costing 3 moves its
    protection by 0.1 x (3 - 1) / 4 = 0.05 (0.5 -> 0.55, openness 0.5 -> 0.45) and starts a
    new tally; in any other month nothing changes."""
    from alpaca_abm.breeder import FirmTable

    firms = FirmTable()
    firms.add(1, openness=np.array([0.5]), protection=np.array([0.5]))
    firms.knowledge_received[0], firms.core_leak_cost[0] = 1.0, 3.0
    review_strategies(firms, month=2)
    assert (firms.protection[0], firms.openness[0], firms.core_leak_cost[0]) == (0.5, 0.5, 3.0)
    review_strategies(firms, month=1)
    assert (firms.protection[0], firms.openness[0]) == pytest.approx((0.55, 0.45))
    assert firms.knowledge_received[0] == 0.0 and firms.core_leak_cost[0] == 0.0


def _both_ways(paradox=None):
    """Keeper 0 knows (health, breeding, marketing) = (0.9, 0.2, 0.5), partner 1 (0.2, 0.9,
    0.5); firm 2, inactive, holds out-of-range knowledge (1.2, -0.1, 0.5). Fully willing;
    the keeper protects half of its core (health), the partner nothing of its (breeding).
    Learning rate 0.1, no learning by doing; learned columns and tallies start at 1."""
    from types import SimpleNamespace

    from alpaca_abm.breeder import FirmTable
    from alpaca_abm.coownership import Contracts
    from alpaca_abm.trust import TrustLedger

    firms = FirmTable()
    firms.add(
        3,
        knowledge=np.array([[0.9, 0.2, 0.5], [0.2, 0.9, 0.5], [1.2, -0.1, 0.5]]),
        openness=np.ones(3),
        core_domain=np.array([0, 1, 0], dtype=np.int8),
        protection=np.array([0.5, 0.0, 0.0]),
        active=np.array([True, True, False]),
    )
    ledger = TrustLedger(0.3, 0.0)
    ledger.add_ties(np.array([0]), np.array([1]), np.array([1.0]), step=0)
    con = Contracts()
    learned = ("mkt", "brd", "hlt")
    con.add(
        keeper=0, partner=1, tie_kp=0, tie_pk=1, seen_by_keeper=1.0, seen_by_partner=1.0,
        **{f"{d}_learned_{side}": 1.0 for d in learned for side in ("keeper", "partner")},
    )  # fmt: skip
    params = SimpleNamespace(learning_rate=0.1, learning_by_doing=0.0)  # the knowledge group
    stats = {"knowledge_shared": 1.0, "leakage": 1.0}
    exchange_knowledge(firms, con, ledger, params, 1, stats, paradox=paradox)
    return firms, con, stats


def test_knowledge_flows_both_ways_and_accumulates_by_hand():
    """Both absorb 0.2 + 0.8 x 1.6 / 3 = 0.626667. The keeper teaches health (gap 0.7) at
    half (its protection): 0.1 x 0.5 x 0.626667 x 0.7 = 0.021933, all leaked; the partner
    teaches breeding (gap 0.7) fully: 0.043867, all leaked. Knowledge: partner's health
    0.221933, keeper's breeding 0.243867; firm 2's is clipped into 0-1 (1, 0, 0.5). Flow
    0.0658; what could flow (full willingness, nothing protected) 2 x 0.043867 = 0.087733.
    Learned columns add to what was there (1 + the gain in that domain), and so do the
    month's tallies (1 + 0.0658 shared, 1 + 0.0658 leaked)."""
    firms, con, stats = _both_ways()
    assert firms.knowledge[0] == pytest.approx([0.9, 0.243867, 0.5], abs=1e-6)
    assert firms.knowledge[1] == pytest.approx([0.221933, 0.9, 0.5], abs=1e-6)
    assert firms.knowledge[2] == pytest.approx([1.0, 0.0, 0.5])
    assert con.flow[0] == pytest.approx(0.0658)
    assert con.flow_potential[0] == pytest.approx(0.087733, abs=1e-6)
    got = {name: getattr(con, name)[0] for name in con.__dict__ if "_learned_" in name}
    assert got == pytest.approx(
        {
            "hlt_learned_partner": 1.021933,
            "brd_learned_keeper": 1.043867,
            "mkt_learned_partner": 1.0,
            "mkt_learned_keeper": 1.0,
            "brd_learned_partner": 1.0,
            "hlt_learned_keeper": 1.0,
        },  # fmt: skip
        abs=1e-6,
    )
    assert stats == pytest.approx({"knowledge_shared": 1.0658, "leakage": 1.0658})


def test_the_paradox_scales_sharing_protection_and_absorption_by_hand():
    """With the paradox module: the keeper's willingness scaled by 0.5, half its staff's
    belonging letting half its protection through (0.5 -> 0.25), absorption doubled (rate
    0.2): the keeper teaches health at 0.5 x 0.75 = 0.375: 0.2 x 0.375 x 0.626667 x 0.7 =
    0.0329; the partner (willingness 1, no belonging) breeding at 0.2 x 0.626667 x 0.7 =
    0.087733."""
    from types import SimpleNamespace

    paradox = SimpleNamespace(
        share_keeper=np.array([0.5]),
        share_partner=np.array([1.0]),
        belonging=np.array([0.5, 0.0, 0.0]),
        absorb=np.array([2.0]),
    )
    firms, con, _ = _both_ways(paradox)
    assert firms.knowledge[1, 0] == pytest.approx(0.2 + 0.0329)
    assert firms.knowledge[0, 1] == pytest.approx(0.2 + 0.087733, abs=1e-6)


def test_the_keeper_learns_in_every_domain_and_its_columns_add_up_by_hand():
    """Keeper 0 knows 0.2 in every domain, partner 1 knows 0.7: fully willing both ways
    (openness 1, trust 1, seen sharing 1), nothing protected, learning rate 0.1, no learning
    by doing. The keeper absorbs 0.2 + 0.8 x 0.2 = 0.36 and gains 0.1 x 0.36 x 0.5 = 0.018
    in each domain (knowledge 0.218); the partner, ahead everywhere, learns nothing. The
    keeper's learned columns (health, breeding, marketing) rise from 0.5 to 0.518; the
    partner's stay at 0.5."""
    from types import SimpleNamespace

    from alpaca_abm.breeder import FirmTable
    from alpaca_abm.coownership import Contracts
    from alpaca_abm.trust import TrustLedger

    firms = FirmTable()
    firms.add(
        2,
        knowledge=np.array([[0.2, 0.2, 0.2], [0.7, 0.7, 0.7]]),
        openness=np.ones(2),
        core_domain=np.array([0, 1], dtype=np.int8),
        protection=np.zeros(2),
    )
    ledger = TrustLedger(0.3, 0.0)
    ledger.add_ties(np.array([0]), np.array([1]), np.array([1.0]), step=0)
    con = Contracts()
    con.add(
        keeper=0, partner=1, tie_kp=0, tie_pk=1, seen_by_keeper=1.0, seen_by_partner=1.0,
        **{f"{d}_learned_{s}": 0.5 for d in ("mkt", "brd", "hlt") for s in ("keeper", "partner")},
    )  # fmt: skip
    params = SimpleNamespace(learning_rate=0.1, learning_by_doing=0.0)  # the knowledge group
    stats = {"knowledge_shared": 0.0, "leakage": 0.0}
    exchange_knowledge(firms, con, ledger, params, 1, stats)
    assert firms.knowledge[0] == pytest.approx([0.218] * 3)
    assert firms.knowledge[1] == pytest.approx([0.7] * 3)
    for d in ("hlt", "brd", "mkt"):
        assert getattr(con, f"{d}_learned_keeper")[0] == pytest.approx(0.518), d
        assert getattr(con, f"{d}_learned_partner")[0] == pytest.approx(0.5), d


def test_shared_flow_potential_is_the_open_flow_bit_for_bit():
    """What could flow (`potential`) is exactly the gain at full willingness with nothing
    protected, summed over domains, for a scalar rate and a rate per pair; the gain and the
    leak are those of the call without it."""
    rng = np.random.default_rng(4)
    teacher, learner = rng.random((500, 3)), rng.random((500, 3))
    core = rng.integers(0, 3, 500)
    for rate in (0.1, 0.1 * rng.random(500)):
        willing, protection = rng.random(500), rng.random(500)
        gain, leaked, could = shared_flow(
            teacher, learner, willing, core, protection, rate, potential=True
        )
        open_gain = shared_flow(teacher, learner, np.ones(500), core, 0.0, rate)[0]
        assert np.array_equal(could, open_gain.sum(axis=1))
        plain_gain, plain_leaked = shared_flow(teacher, learner, willing, core, protection, rate)
        assert np.array_equal(gain, plain_gain) and np.array_equal(leaked, plain_leaked)


def test_knowledge_rows_read_and_write_what_fancy_indexing_does():
    """Rows read by np.take and written whole as bytes: the same table as knowledge[rows]
    and knowledge[rows] = values, for a slice of a larger table, -0.0 and NaN kept as they
    are, and no rows at all."""
    rng = np.random.default_rng(4)
    table = rng.random((40, 3))
    table[3] = [-0.0, np.nan, 1.0]
    for rows in (np.array([3, 0, 17, 5]), np.arange(0), np.arange(30)[::3]):
        k = table[:30]  # a month's view: the first n rows of the stored table
        assert np.array_equal(knowledge_rows(k, rows), k[rows], equal_nan=True)
        values = rng.random((len(rows), 3))
        values[: min(len(values), 1)] = -0.0
        expected = table.copy()
        expected[:30][rows] = values
        set_knowledge_rows(k, rows, values)
        assert np.array_equal(table, expected, equal_nan=True)
        assert np.array_equal(np.signbit(table), np.signbit(expected))
