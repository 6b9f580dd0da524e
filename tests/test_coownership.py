"""Partner scoring, contract terms, control and relationship types."""

import numpy as np

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
