"""Partner scoring, contract terms, control and relationship types."""

import numpy as np
import pytest

from alpaca_abm import coownership as co
from alpaca_abm.breeding import group_rank, in_season, sire_choice

WEIGHTS = {
    "trust": 5,
    "chemistry": 6,
    "history": 3,
    "contribution": 4,
    "reputation": 1,
    "proximity": 4,
    "resources": 3,
}


def facts(**change):
    base = dict(
        trust=np.array([0.3]),
        age_gap=np.array([10.0]),
        same_background=np.array([1.0]),
        associations=np.array([0]),
        complementarity=np.array([0.5]),
        reputation=np.array([0.5]),
        distance_km=np.array([80.0]),
        affordability=np.array([1.0]),
    )
    base.update({k: np.array([v], dtype=float) for k, v in change.items()})
    return co.CandidateFacts(**base)


def test_scores_rise_with_trust_and_fall_with_distance():
    s0 = co.partner_scores(facts(), WEIGHTS)[0]
    assert 0 <= s0 <= 1
    assert co.partner_scores(facts(trust=0.9), WEIGHTS)[0] > s0
    assert co.partner_scores(facts(distance_km=300), WEIGHTS)[0] < s0
    assert co.partner_scores(facts(associations=3), WEIGHTS)[0] > s0


def test_a_zero_weight_criterion_is_ignored():
    w = dict(WEIGHTS, trust=0)
    assert co.partner_scores(facts(trust=0.9), w)[0] == co.partner_scores(facts(trust=0.1), w)[0]


def test_contract_shares_sum_to_one_and_quotas_follow_them():
    for fairness in (0.5, 0.3, 0.8):
        shares, quotas = co.contract_terms(fairness, 60)
        assert abs(shares.sum() - 1) < 1e-12
        assert quotas[0] == int(np.floor(fairness * 60))


def test_breach_detected_always_at_full_control_and_never_at_none():
    rng = np.random.default_rng(0)
    assert co.breach_detected(1000, 1.0, rng).all()
    assert not co.breach_detected(1000, 0.0, rng).any()


def test_relationship_types_follow_the_gap_with_the_fixed_margin():
    m = co.BALANCE_MARGIN
    coop = np.array([0.9, 0.5 + m - 0.01, 0.5 - m + 0.01, 0.2])
    types = co.relationship_type(coop, np.array([0.2, 0.5, 0.5, 0.9]))
    assert list(types) == [co.COOP_DOMINATED, co.EQUAL, co.EQUAL, co.COMP_DOMINATED]
    assert m == 0.125  # fixed before any run (half a step of a five-point scale), not fitted


def test_sire_choice_takes_best_value_and_none_without_options():
    inf = -np.inf
    choice = sire_choice(
        own_q=np.array([50.0, 50.0, inf]),
        coown_q=np.array([70.0, inf, inf]),
        coown_cost=np.array([10.0, 0, 0]),
        service_q=np.array([72.0, 80.0, inf]),
        service_cost=np.array([900.0, 100.0, 0]),
        value_per_point=20.0,
    )
    assert list(choice) == [2, 3, 0]


def test_group_rank_and_season():
    ranks = group_rank(np.array([3, 1, 3, 3, 1]), np.random.default_rng(1))
    assert sorted(ranks[[0, 2, 3]]) == [0, 1, 2] and sorted(ranks[[1, 4]]) == [0, 1]
    assert in_season(5, 4, 9) and not in_season(11, 4, 9)
    assert in_season(1, 11, 2) and not in_season(6, 11, 2)


def test_mating_never_reads_the_stud_row_of_an_ended_contract():
    """Ended contracts keep the stud row they had when they ended, which herd compaction
    no longer follows: mating must read only running contracts' studs (a stale row once
    crashed uk_2018 with an IndexError)."""
    from alpaca_abm import AlpacaModel
    from alpaca_abm.coownership import ENDED_TERM

    model = AlpacaModel("baseline", rng=0)
    while model.contracts.n == 0:
        model.step()
    con = model.contracts
    con.end(np.array([0]), model.steps, ENDED_TERM)
    con.stud[0] = 10**9  # a row far past the herd, as a stale one can be
    for _ in range(12):  # a whole mating season
        model.step()
    assert con.ended[0] >= 0 and model.herd.n > 0


# --- values worked by hand ----------------------------------------------------------------
def test_partner_score_by_hand():
    """A candidate with trust 0.6; owners 10 years apart of the same background, chemistry
    0.5 x (1 - 10/40) + 0.5 = 0.875; one past venture, history 1 - e^-1 = 0.632121;
    complementarity 0.4; reputation 0.7; 100 km away, proximity e^-1 = 0.367879; able to
    pay 1.5 times its share, resources 1 (capped). Equal weights: the mean of the seven,
    4.575 / 7 = 0.653571. Weights trust 2, chemistry 1, proximity 1: (1.2 + 0.875 +
    0.367879) / 4 = 0.610720. All weights zero: 0.5."""
    one = co.CandidateFacts(
        trust=np.array([0.6]),
        age_gap=np.array([10.0]),
        same_background=np.array([1.0]),
        associations=np.array([1]),
        complementarity=np.array([0.4]),
        reputation=np.array([0.7]),
        distance_km=np.array([100.0]),
        affordability=np.array([1.5]),
    )
    names = ("trust", "chemistry", "history", "contribution", "reputation", "proximity")
    equal = dict.fromkeys((*names, "resources"), 1.0)
    assert co.partner_scores(one, equal) == pytest.approx([0.653571], abs=1e-6)
    some = dict(equal, trust=2.0, history=0.0, contribution=0.0, reputation=0.0, resources=0.0)
    assert co.partner_scores(one, some) == pytest.approx([0.610720], abs=1e-6)
    assert co.partner_scores(one, dict.fromkeys(equal, 0.0)) == pytest.approx([0.5])


def test_complementarity_chemistry_and_terms_by_hand():
    """Complementarity of me (0.5, 0.2, 0.9) and a candidate (0.7, 0.6, 0.1): gaps where it
    knows more 0.2 and 0.4, mean over three 0.2, doubled 0.4; a far better one is capped at
    1. Chemistry: 20 years apart, different backgrounds, 0.5 x 0.5 = 0.25; 50 years apart
    (age part 0) of the same background, 0.5. Terms at fairness 0.7 for a stud of 25
    matings: shares (0.7, 0.3), quotas floor(17.5) = 17 and floor(7.5) = 7; with a quota
    share of 0.4, quotas 10 and 15."""
    got = co.complementarity(
        np.array([[0.5, 0.2, 0.9], [0, 0, 0]]), np.array([[0.7, 0.6, 0.1], [1, 1, 1]])
    )
    assert got == pytest.approx([0.4, 1.0])
    assert co.chemistry(np.array([20.0, 50.0]), np.array([0.0, 1.0])) == pytest.approx([0.25, 0.5])
    shares, quotas = co.contract_terms(0.7, 25)
    assert shares == pytest.approx([0.7, 0.3]) and quotas.tolist() == [17, 7]
    assert co.contract_terms(0.7, 25, quota_share=0.4)[1].tolist() == [10, 15]


def test_relationship_type_at_the_fixed_margin_bounds():
    """Gap cooperation - competition against the fixed margin 0.125 (not fitted): 0.15 is
    cooperation-dominated, 0.125 (not above) and -0.125 (not below) equal, -0.15
    competition-dominated."""
    got = co.relationship_type(np.array([0.65, 0.625, 0.375, 0.35]), np.array([0.5, 0.5, 0.5, 0.5]))
    assert got.tolist() == [co.COOP_DOMINATED, co.EQUAL, co.EQUAL, co.COMP_DOMINATED]


def test_the_contract_table_by_hand():
    """Three contracts added one by one into room for one (the table grows), two more at
    once: keepers 1, 1, 2, 5, 6 with partners 2, 3, 4, 7, 8. Ending contract 1 (reason 2),
    then 1 and 0 (only 0 still runs: one ended). Running: 2, 3, 4; partners of 2: [4], of
    5: [7], of 9: none; one partner per breeder; counts per breeder; trust-ledger rows,
    keepers' first; a stud that herd compaction dropped (contract 4's) is reported, the
    others follow their new rows."""
    c = co.Contracts(capacity=1)
    for keeper, partner in ((1, 2), (1, 3), (2, 4)):
        c.add(keeper=keeper, partner=partner, stud=10 + keeper, tie_kp=keeper, tie_pk=partner)
    rows = c.add_many(2, keeper=np.array([5, 6]), partner=np.array([7, 8]), stud=np.array([0, 1]))
    assert rows.tolist() == [3, 4] and c.n == 5
    assert c.view("ended").tolist() == [-1] * 5  # running until ended
    assert c.end(np.array([1]), step=9, reason=2) == 1
    assert c.end(np.array([1, 0]), step=10, reason=3) == 1  # contract 1 already ended
    assert c.ended[:5].tolist() == [10, 9, -1, -1, -1] and c.reason[1] == 2
    assert c.running().tolist() == [2, 3, 4]
    assert c.partners_of(2) == [4] and c.partners_of(5) == [7] and c.partners_of(9) == []
    assert c.partner_lookup(9).tolist() == [-1, -1, 4, -1, 2, 7, 8, 5, 6]
    assert c.partner_counts(9).tolist() == [0, 0, 1, 0, 1, 1, 1, 1, 1]
    assert c.ties(np.array([0, 2])).tolist() == [1, 2, 2, 4]
    gone = c.remap_studs(np.array([0, -1] + [-1] * 10 + [5]))  # stud 12 (contract 2) -> 5
    assert gone.tolist() == [4] and c.stud[2] == 5 and c.stud[3] == 0
    assert set(c.state()) >= {"keeper", "partner", "ended"} and len(c.state()["keeper"]) == 5


def test_the_seeds_printed_relationship_type_is_no_input(monkeypatch):
    """uk_2018 with every seed firm's printed type changed runs exactly the same: the type
    is an outcome to compare with, never an input (issue 21)."""
    from alpaca_abm import data
    from alpaca_abm.model import AlpacaModel

    original = data.load_uk_2018_firms
    swap = {
        "cooperation_dominated": "competition_dominated",
        "equal": "cooperation_dominated",
        "competition_dominated": "equal",
    }

    def relabelled():
        firms = original().copy()
        firms["relationship_type"] = firms["relationship_type"].map(swap)
        return firms

    def run():
        model = AlpacaModel("uk_2018", rng=3)
        for _ in range(12):
            model.step()
        return model.model_df

    plain = run()
    monkeypatch.setattr(data, "load_uk_2018_firms", relabelled)
    assert plain.equals(run())


def test_breaches_are_caught_with_the_stated_chance_by_hand():
    """Each of 6 overuses is caught where the generator's draw is below the control
    strength 0.4."""
    draws = np.random.default_rng(11).random(6)
    caught = co.breach_detected(6, 0.4, np.random.default_rng(11))
    assert caught.tolist() == (draws < 0.4).tolist()


def test_the_edges_of_partner_choice_and_contracts_by_hand():
    """Resources are the candidate's affordability within 0-1: -0.5 counts 0, 0.5 counts
    0.5. Weights that sum to 1 (trust alone) score the trust itself (0.6). Complementarity
    of one candidate given as plain domain lists: 0.4. Quotas and type codes are integers.
    Unnamed contract columns start at 0 (no conflicts, no matings used), `ended` at -1. A
    contract ended at step 0 is not running and cannot be ended again. A stud that
    compaction moves to row 0 follows it."""

    def one(afford):
        return co.CandidateFacts(
            trust=np.array([0.6]), age_gap=np.zeros(1), same_background=np.zeros(1),
            associations=np.zeros(1, int), complementarity=np.zeros(1), reputation=np.zeros(1),
            distance_km=np.zeros(1), affordability=np.array([afford]),
        )  # fmt: skip

    only = dict.fromkeys(("trust", "chemistry", "history", "contribution"), 0.0)
    only |= dict.fromkeys(("reputation", "proximity"), 0.0)
    assert co.partner_scores(one(-0.5), only | {"resources": 1.0}) == pytest.approx([0.0])
    assert co.partner_scores(one(0.5), only | {"resources": 1.0}) == pytest.approx([0.5])
    assert co.partner_scores(one(0.5), only | {"trust": 1.0, "resources": 0.0}) == (
        pytest.approx([0.6])
    )
    assert co.complementarity(np.array([0.5, 0.2, 0.9]), np.array([0.7, 0.6, 0.1])) == (
        pytest.approx(0.4)
    )
    assert co.contract_terms(0.7, 25)[1].dtype == np.int64
    assert co.relationship_type(np.array([0.5]), np.array([0.0])).dtype == np.int8
    c = co.Contracts(capacity=1)
    c.add(keeper=0, partner=1, stud=7)
    c.add_many(1, keeper=np.array([2]), partner=np.array([3]), stud=np.array([1]))
    for name in ("conflicts", "used_keeper", "breaches", "reason"):
        assert c.view(name).tolist() == [0, 0], name
    assert c.view("ended").tolist() == [-1, -1]
    assert c.end(np.array([0]), step=0, reason=1) == 1
    assert c.running().tolist() == [1]
    assert c.end(np.array([0]), step=5, reason=2) == 0 and c.ended[0] == 0
    remap = np.full(8, -1)
    remap[1] = 0
    assert c.remap_studs(remap).tolist() == [] and c.stud[1] == 0
