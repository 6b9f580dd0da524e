"""Fixed examples of the wide invariant search (`python -m alpaca_abm.invariants`, run
before each release; issue #25, case 11): every world the search found breaking an
invariant is kept here and checked on every CI run, after its fix.

To add one: paste the line the search printed into FOUND (parameters, seed, months).
"""

import numpy as np
import pytest

from alpaca_abm import invariants, market

FOUND = [
    # issue #25, case 11: the breeding-female price fell to 7.80 GBP, then -34.05 GBP, in
    # months 21-22 (a breeder bidding a negative capital value; fixed in
    # market.clearing_price: a willingness to pay of zero or less is no bid)
    (
        {
            "n_breeders": 5,
            "control_strength": 0.0,
            "openness_mean": 0.0,
            "fairness": 0.5,
            "opportunism_mean": 0.5,
            "breach_dissolution": 0.0,
            "industry_investment": True,
            "exit_months": 12,
            "marketing_cost": 60.0,
            "search_rate": 0.125,
            "agent_report_every": 1,
            "disease_start": 2,
            "disease_strength": 0.9375,
        },
        531317,
        24,
    ),
    # found by `--worlds 150 --seed 99` with the old auction rule put back, on the economy
    # of issue #20 (where the world above no longer goes negative): -53.12 GBP in month 29
    (
        {
            "n_breeders": 5,
            "control_strength": 0.5133913985473276,
            "openness_mean": 0.5628299814109712,
            "fairness": 0.16172269530017513,
            "opportunism_mean": 0.7643074327278325,
            "breach_dissolution": 0.9217915906534252,
            "exit_months": 9,
            "marketing_cost": 400.0,
            "search_rate": 0.05131638159062524,
            "agent_report_every": 1,
            "coopetition": True,
            "coownership": True,
            "knowledge_sharing": False,
            "referrals": False,
            "industry_investment": False,
            "entry_exit": False,
            "disease_start": 5,
            "disease_strength": 0.46603480760812854,
        },
        240333173,
        37,
    ),
    # the same search: -67.41 GBP in month 22
    (
        {
            "n_breeders": 8,
            "control_strength": 0.7041493756609047,
            "openness_mean": 0.2795730447874417,
            "fairness": 0.920225286556368,
            "opportunism_mean": 0.5778980064641887,
            "breach_dissolution": 0.7274688174834445,
            "exit_months": 26,
            "marketing_cost": 400.0,
            "search_rate": 0.21550773046755267,
            "agent_report_every": 4,
            "coopetition": True,
            "coownership": False,
            "knowledge_sharing": False,
            "referrals": True,
            "industry_investment": True,
            "entry_exit": True,
            "disease_start": 12,
            "disease_strength": 0.336555039590029,
        },
        383180959,
        40,
    ),
]


def old_clearing_price(bids, asks, previous):
    """market.clearing_price before the fix of case 11 (negative bids counted)."""
    b = np.sort(np.asarray(bids, dtype=float))[::-1]
    a = np.sort(np.asarray(asks, dtype=float))
    if len(a) == 0:
        return float(previous), 0
    if len(b) == 0:
        return float(a[0]), 0
    m = min(len(a), len(b))
    q = int((b[:m] >= a[:m]).sum())
    if q == 0:
        return float(0.5 * (b[0] + a[0])), 0
    lo = max(a[q - 1], b[q] if q < len(b) else -np.inf)
    hi = min(b[q - 1], a[q] if q < len(a) else np.inf)
    return float(0.5 * (lo + hi)), q


@pytest.mark.parametrize("values, seed, months", FOUND, ids=[str(s) for _, s, _ in FOUND])
def test_each_world_the_search_found_now_keeps_every_invariant(values, seed, months):
    assert invariants.check_world(values, seed, months) == []


def test_the_search_finds_a_negative_price_when_the_bug_is_put_back(monkeypatch):
    """The checker can fail: with the old auction rule it reports the worlds found."""
    monkeypatch.setattr(market, "clearing_price", old_clearing_price)
    values, seed, months = FOUND[1]
    found = invariants.check_world(values, seed, months)
    assert any("price_female" in f and "not above zero" in f for f in found), found


def test_random_worlds_are_a_pure_function_of_the_search_seed():
    a = [invariants.random_world(np.random.default_rng(7)) for _ in range(3)]
    b = [invariants.random_world(np.random.default_rng(7)) for _ in range(3)]
    assert a == b
    values, seed, months = a[0]
    assert 5 <= values["n_breeders"] <= 60 and 24 <= months <= 42 and 0 <= seed < 2**32


def test_the_quick_search_prints_its_seed_and_exits_0_when_all_hold(capsys):
    assert invariants.main(["--quick", "--worlds", "3", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert "seed 11 (repeat with --seed 11)" in out and "3 worlds from seed 11 (quick)" in out
