"""Partnering's rules on tables made by hand: what breeders weigh in a candidate, and a
month of running co-ownerships (trust growth, unfair use, conflict, the end of a term)."""

from types import SimpleNamespace

import numpy as np
import pytest

from alpaca_abm import coownership as co
from alpaca_abm import partnering
from alpaca_abm.trust import TrustLedger

TERMS = SimpleNamespace(
    trust_gain=0.1,
    unfairness_trust_loss=0.5,
    conflict_rate=1.0,
    conflict_trust_loss=0.3,
    conflict_dissolution=0.0,
    acceptance=0.4,
    contract_years=2.0,
)


def test_partner_weights_are_the_scenarios_w_parameters():
    p = SimpleNamespace(
        w_trust=1.0,
        w_chemistry=2.0,
        w_history=3.0,
        w_contribution=4.0,
        w_reputation=5.0,
        w_proximity=6.0,
        w_resources=7.0,
    )
    assert partnering.partner_weights(p) == {
        "trust": 1.0,
        "chemistry": 2.0,
        "history": 3.0,
        "contribution": 4.0,
        "reputation": 5.0,
        "proximity": 6.0,
        "resources": 7.0,
    }


def test_a_month_of_three_contracts_by_hand():
    """Three co-ownerships, every tie at 0.5, no decay, trust gain 0.1 a month.

    Contract 0 (breeders 0 and 1): chemistry 0.5 (growth factor 1), each saw the other share
    fully (factor 0.5 + 0.5 x 1 = 1): both ties 0.5 + 0.1 x 0.5 = 0.55. Its term runs on.

    Contract 1 (2 and 3): chemistry 1 (factor 1.5), saw nothing shared (0.5): gain 0.075;
    the keeper caught one betrayal, which halves its gain (0.0375): keeper's trust 0.5 +
    0.0375 x 0.5 = 0.51875, partner's 0.5375. The keeper used 8 of the stud's 10 matings
    paying half: the partner loses 0.5 x (0.8 - 0.5 - 0.1 tolerance) = 0.1 of its trust,
    0.4375 (the keeper, using 0.2 for its half, loses none). Its term is due: both above
    the acceptance 0.4, it is renewed for two years (end 5 + 24 = 29).

    Contract 2 (4 and 5): full competition at rivalry 1 with a conflict rate of 1 flares
    for certain: both ties grow to 0.55, then lose 0.3: 0.25; one conflict; no dissolution
    (its chance is 0). Its term is due and 0.25 is below 0.4: it ends (term)."""
    contracts = co.Contracts(capacity=4)
    trust = TrustLedger(baseline=0.3, decay=0.0)
    trust.add_ties(np.array([0, 2, 4]), np.array([1, 3, 5]), np.full(3, 0.5), step=0)
    trust.betrayals[1] = 1  # keeper 2 caught partner 3 once
    contracts.add_many(
        3,
        keeper=np.array([0, 2, 4]),
        partner=np.array([1, 3, 5]),
        tie_kp=np.array([0, 1, 2]),
        tie_pk=np.array([3, 4, 5]),
        chemistry=np.array([0.5, 1.0, 0.5]),
        seen_by_keeper=np.array([1.0, 0.0, 1.0]),
        seen_by_partner=np.array([1.0, 0.0, 1.0]),
        share_keeper=np.full(3, 0.5),
        share_partner=np.full(3, 0.5),
        quota_keeper=np.full(3, 5),
        quota_partner=np.full(3, 5),
        used_keeper=np.array([0, 8, 0]),
        used_partner=np.array([0, 2, 0]),
        competition=np.array([0.0, 0.0, 1.0]),
        end_planned=np.array([100, 5, 5]),
    )
    stats = {"conflicts": 0, "contracts_ended": 0}
    partnering.run_contracts(
        contracts, trust, TERMS, TERMS.acceptance, 5, 1.0, np.random.default_rng(0), stats
    )
    assert trust.value[:6] == pytest.approx([0.55, 0.51875, 0.25, 0.55, 0.4375, 0.25])
    assert (trust.updated[:6] == 5).all()
    assert contracts.conflicts[:3].tolist() == [0, 0, 1]
    assert stats == {"conflicts": 1, "contracts_ended": 1}
    assert contracts.ended[:3].tolist() == [-1, -1, 5]
    assert contracts.reason[2] == co.ENDED_TERM
    assert contracts.end_planned[:3].tolist() == [100, 29, 5]


def test_a_conflict_that_breaks_trust_ends_the_contract_at_once():
    """One contract whose ties stand at 0.35 grow to 0.35 + 0.1 x 0.65 = 0.415 and the
    conflict's loss of 0.3 leaves 0.115 (above 0.1): with dissolution 1 it ends when the
    generator's second draw is below 1 x (1 - 0.115) = 0.885 (seed 0: 0.270, it ends; seed
    1: 0.950, it runs on). From 0.2 (0.28 after growth) trust falls to 0, below 0.1: it
    ends even with no dissolution chance. Ended for conflict, not at its term."""
    for start, dissolution, seed, ends in (
        (0.35, 1.0, 0, True),
        (0.35, 1.0, 1, False),
        (0.2, 0.0, 1, True),
    ):
        contracts = co.Contracts()
        trust = TrustLedger(baseline=0.3, decay=0.0)
        trust.add_ties(np.array([0]), np.array([1]), np.array([start]), step=0)
        contracts.add(
            keeper=0, partner=1, tie_kp=0, tie_pk=1, chemistry=0.5, competition=1.0,
            seen_by_keeper=1.0, seen_by_partner=1.0, share_keeper=0.5, share_partner=0.5,
            quota_keeper=5, quota_partner=5, end_planned=100,
        )  # fmt: skip
        terms = SimpleNamespace(**{**vars(TERMS), "conflict_dissolution": dissolution})
        stats = {"conflicts": 0, "contracts_ended": 0}
        rng = np.random.default_rng(seed)
        partnering.run_contracts(contracts, trust, terms, terms.acceptance, 3, 1.0, rng, stats)
        assert trust.value[:2] == pytest.approx([max(0.0, start + 0.1 * (1 - start) - 0.3)] * 2)
        if ends:
            assert contracts.ended[0] == 3 and contracts.reason[0] == co.ENDED_CONFLICT
        else:
            assert contracts.ended[0] == -1
        assert stats == {"conflicts": 1, "contracts_ended": int(ends)}


def test_no_running_contract_is_a_month_with_nothing_to_do():
    contracts = co.Contracts()
    trust = TrustLedger(baseline=0.3, decay=0.0)
    stats = {"conflicts": 0, "contracts_ended": 0}
    partnering.run_contracts(
        contracts, trust, TERMS, TERMS.acceptance, 3, 1.0, np.random.default_rng(1), stats
    )
    assert stats == {"conflicts": 0, "contracts_ended": 0} and trust.n == 0


def test_renewal_needs_both_sides_and_tallies_accumulate_by_hand():
    """No trust growth (gain 0). Contract 0, due, keeper's trust 0.4 (exactly the acceptance)
    and partner's 0.5: renewed. Contract 1, due, 0.5 and 0.3: one side below 0.4, it ends.
    Contract 2 runs on: its keeper used the one mating of the season (1 of 1 used, paying
    half): the partner's trust in it loses 0.5 x (1 - 0.5 - 0.1) = 0.2, 0.7 -> 0.5; a certain
    conflict at rivalry 1 (competition 1) takes 0.3 more from both (0.3 and 0.2) and adds
    to the counts already there (2 conflicts -> 3; month tallies 5 -> 6 conflicts, 1 -> 2
    contracts ended)."""
    contracts = co.Contracts()
    trust = TrustLedger(baseline=0.3, decay=0.0)
    trust.add_ties(np.array([0, 2, 4]), np.array([1, 3, 5]), np.array([0.4, 0.5, 0.6]), step=0)
    trust.value[3:6] = [0.5, 0.3, 0.7]  # the partners' trust in their keepers
    contracts.add_many(
        3,
        keeper=np.array([0, 2, 4]),
        partner=np.array([1, 3, 5]),
        tie_kp=np.array([0, 1, 2]),
        tie_pk=np.array([3, 4, 5]),
        chemistry=np.full(3, 0.5),
        share_keeper=np.full(3, 0.5),
        share_partner=np.full(3, 0.5),
        quota_keeper=np.full(3, 5),
        quota_partner=np.full(3, 5),
        used_keeper=np.array([0, 0, 1]),
        competition=np.array([0.0, 0.0, 1.0]),
        conflicts=np.array([0, 0, 2]),
        end_planned=np.array([4, 4, 100]),
    )
    terms = SimpleNamespace(**{**vars(TERMS), "trust_gain": 0.0})
    stats = {"conflicts": 5, "contracts_ended": 1}
    partnering.run_contracts(
        contracts, trust, terms, terms.acceptance, 4, 1.0, np.random.default_rng(0), stats
    )
    assert contracts.end_planned[:2].tolist() == [4 + 24, 4]
    assert contracts.ended[:3].tolist() == [-1, 4, -1]
    assert trust.value[[2, 5]] == pytest.approx([0.3, 0.2])
    assert contracts.conflicts[2] == 3 and stats == {"conflicts": 6, "contracts_ended": 2}


def _one_month(n, start_kp, start_pk, rivalry_level=1.0, seed=0, stats=None, factor=None, **terms):
    """`n` contracts (keeper 2i, partner 2i + 1) whose ties start at `start_kp` and
    `start_pk`, run for a month at step 3 with TERMS changed by `terms`; no trust growth
    unless asked. Contract columns default to chemistry 0.5, full competition, equal shares
    and quotas, no use, and a term that runs to step 100."""
    columns = {
        "chemistry": np.full(n, 0.5), "competition": np.ones(n), "share_keeper": np.full(n, 0.5),
        "share_partner": np.full(n, 0.5), "quota_keeper": np.full(n, 5),
        "quota_partner": np.full(n, 5), "end_planned": np.full(n, 100),
    }  # fmt: skip
    columns.update({k: v for k, v in terms.items() if not hasattr(TERMS, k)})
    p = SimpleNamespace(
        **{
            **vars(TERMS),
            "trust_gain": 0.0,
            **{k: v for k, v in terms.items() if hasattr(TERMS, k)},
        }
    )
    contracts = co.Contracts()
    trust = TrustLedger(baseline=0.3, decay=0.0)
    trust.add_ties(2 * np.arange(n), 2 * np.arange(n) + 1, np.full(n, 0.5), step=0)
    trust.value[:n], trust.value[n : 2 * n] = start_kp, start_pk
    contracts.add_many(
        n, keeper=2 * np.arange(n), partner=2 * np.arange(n) + 1, tie_kp=np.arange(n),
        tie_pk=n + np.arange(n), **columns,
    )  # fmt: skip
    stats = {"conflicts": 0, "contracts_ended": 0} if stats is None else stats
    rng = np.random.default_rng(seed)
    partnering.run_contracts(
        contracts, trust, p, p.acceptance, 3, rivalry_level, rng, stats, factor
    )
    return contracts, trust, stats


def test_the_chance_of_a_conflict_by_hand():
    """Conflict rate 1 and full competition; the chance is rivalry x clash factor x the
    paradox's factor: chemistry 1 (clash 1.5 - 1 = 0.5) at rivalry 1; chemistry 0.5 (clash 1)
    at rivalry 0.5; chemistry 0.5 at rivalry 1 with a paradox factor of 0.5: 0.5 each time.
    The generator's first draw flares it: 0.637 (seed 0) does not, 0.262 (seed 2) does (no
    trust is lost: conflict loss 0). Two contracts at 0.5 draw one number each: with seed 0
    (0.637, 0.270) the second flares, the first does not."""
    cases = (
        dict(chemistry=np.ones(1)),
        dict(rivalry_level=0.5),
        dict(factor=np.array([0.5])),
    )
    for case in cases:
        for seed, flares in ((0, 0), (2, 1)):
            con, _, stats = _one_month(1, 0.5, 0.5, seed=seed, conflict_trust_loss=0.0, **case)
            assert stats["conflicts"] == flares and con.conflicts[0] == flares, (case, seed)
    con, _, stats = _one_month(2, 0.5, 0.5, 0.5, seed=0, conflict_trust_loss=0.0)
    assert con.conflicts[:2].tolist() == [0, 1]


def test_a_conflict_ends_a_contract_by_hand():
    """Certain conflicts (chance 1) with no dissolution chance: a keeper whose trust falls
    0.35 -> 0.05 (below 0.1) ends the contract though its partner still trusts at 0.9 -> 0.6;
    the month's tally adds it to the one already ended (2). Trust of exactly 0.1 both ways
    (0.2 less a conflict loss of 0.1) is not below 0.1: the contract runs on.
    With dissolution 1 a conflict ends a contract with chance 1 - mean trust: at 0.115 both
    ways (0.415 - 0.3) that is 0.885, and seed 13's second draw 0.855 ends it. Two contracts
    at 0.5 (0.8 - 0.3) end with chance 0.5 each on their own draws: seed 2's third and
    fourth, 0.814 (runs on) and 0.092 (ends)."""
    con, _, stats = _one_month(
        1, 0.35, 0.9, conflict_dissolution=0.0, stats={"conflicts": 0, "contracts_ended": 1}
    )
    assert con.ended[0] == 3 and stats == {"conflicts": 1, "contracts_ended": 2}
    con, trust, _ = _one_month(1, 0.2, 0.2, conflict_dissolution=0.0, conflict_trust_loss=0.1)
    assert trust.value[:2].tolist() == [0.1, 0.1] and con.ended[0] == -1
    con, _, _ = _one_month(1, 0.415, 0.415, seed=13, conflict_dissolution=1.0)
    assert con.ended[0] == 3
    con, _, _ = _one_month(2, 0.8, 0.8, seed=2, conflict_dissolution=1.0)
    assert con.ended[:2].tolist() == [-1, 3]


def test_unfair_use_by_quota_before_any_use_by_hand():
    """A stud whose season quota is all the keeper's (1 of 1) and no mating used yet: the
    keeper's use share is its quota share, 1, for half the cost: the partner's trust in it
    loses 0.5 x (1 - 0.5 - 0.1) = 0.2 (0.7 -> 0.5); the keeper's in the partner (use 0)
    loses nothing (0.7). No competition: no conflict."""
    _, trust, _ = _one_month(
        1, 0.7, 0.7, competition=np.zeros(1), quota_keeper=np.ones(1), quota_partner=np.zeros(1)
    )
    assert trust.value[:2] == pytest.approx([0.7, 0.5])


def test_a_term_ends_or_renews_on_both_sides_trust_by_hand():
    """A contract due at step 3, no competition: trusts 0.5 and exactly the acceptance 0.4:
    renewed for two years (3 + 24 = 27). Alone and due with the partner at 0.3: it ends at
    its term."""
    due = dict(competition=np.zeros(1), end_planned=np.full(1, 3))
    con, _, _ = _one_month(1, 0.5, 0.4, **due)
    assert con.end_planned[0] == 27 and con.ended[0] == -1
    con, _, stats = _one_month(1, 0.5, 0.3, **due)
    assert con.ended[0] == 3 and con.reason[0] == co.ENDED_TERM
    assert stats["contracts_ended"] == 1


def test_new_pairs_by_hand_drops_running_partners_either_way_round():
    """Seekers 1 and 2 look at 0, 2 and 3 (2 twice); 1 already co-owns with 3 (kept by 3),
    so (1, 3) goes; (2, 2)-style self pairs are the caller's to drop. Left: (1, 0), (1, 2),
    (2, 0), (2, 3), ordered by seeker then candidate."""
    src, dst = np.array([1, 1, 1, 2, 2, 2]), np.array([2, 0, 3, 3, 0, 3])
    a, b = partnering.new_pairs(src, dst, np.array([3]), np.array([1]), 5)
    assert a.tolist() == [1, 1, 2, 2] and b.tolist() == [0, 2, 0, 3]


def test_new_pairs_keys_do_not_overflow_in_a_large_firm_table():
    """Contracts store rows as int32: with 50,000 firm rows, row 49,999 x 50,000 is about
    2.5e9, past int32's 2.1e9. The running pair (49,999, 49,998) must still be recognised
    and the fresh pair (49,999, 7) kept."""
    n = 50_000
    keeper, partner = np.array([49_999], np.int32), np.array([49_998], np.int32)
    src, dst = np.array([49_999, 49_999], np.int32), np.array([49_998, 7], np.int32)
    a, b = partnering.new_pairs(src, dst, keeper, partner, n)
    assert a.tolist() == [49_999] and b.tolist() == [7]


def test_new_pairs_above_every_running_pair_are_rows_by_hand():
    """Four firm rows; breeders 0 and 1 co-own (keys 0 x 4 + 1 = 1 and 1 x 4 + 0 = 4).
    Candidates (2, 3) (key 11, above both) and (1, 0) (already partners): only (2, 3) is
    new, returned as integer rows of the firm table."""
    src, dst = partnering.new_pairs(
        np.array([2, 1]), np.array([3, 0]), np.array([0]), np.array([1]), 4
    )
    assert src.tolist() == [2] and dst.tolist() == [3]
    assert src.dtype.kind == "i" and dst.dtype.kind == "i"
