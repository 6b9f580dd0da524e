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
    partnering.run_contracts(contracts, trust, TERMS, 5, 1.0, np.random.default_rng(0), stats)
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
        partnering.run_contracts(contracts, trust, terms, 3, 1.0, rng, stats)
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
    partnering.run_contracts(contracts, trust, TERMS, 3, 1.0, np.random.default_rng(1), stats)
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
    partnering.run_contracts(contracts, trust, terms, 4, 1.0, np.random.default_rng(0), stats)
    assert contracts.end_planned[:2].tolist() == [4 + 24, 4]
    assert contracts.ended[:3].tolist() == [-1, 4, -1]
    assert trust.value[[2, 5]] == pytest.approx([0.3, 0.2])
    assert contracts.conflicts[2] == 3 and stats == {"conflicts": 6, "contracts_ended": 2}
