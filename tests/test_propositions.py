"""The validation design of experiments/propositions.py: what it judges and how.

Fast checks of the statistics and of the design fixed before the run (no model runs): the
power calculation, the roles of outcomes (checks true by construction never count as
support), the robustness parameters (assumed ones only) and the verdict rules.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
import propositions as pv  # noqa: E402

from alpaca_abm.params import PARAMETER_INDEX  # noqa: E402


def test_seeds_needed_matches_the_paired_t_test_textbook_value():
    """A standardised effect of 1 needs 10 pairs for 80% power at 5% (two-sided); half the
    effect needs about four times as many; more noise never needs fewer seeds."""
    assert pv.seeds_needed(1.0, 1.0) == 10
    n_half = pv.seeds_needed(1.0, 0.5)
    assert 30 <= n_half <= 36
    sds = [0.5, 1.0, 2.0, 4.0]
    needs = [pv.seeds_needed(sd, 1.0) for sd in sds]
    assert needs == sorted(needs)


def test_seeds_needed_flags_an_undefined_effect_of_interest():
    assert pv.seeds_needed(1.0, 0.0) == -1
    assert pv.seeds_needed(float("nan"), 1.0) == -1
    assert pv.seeds_needed(0.0, 1.0) == 2


def test_definitional_checks_are_never_primary_outcomes():
    """The two tautologies the review named (more protection, less leakage; stronger control,
    more overuse caught) and every other definitional check are kept out of the verdicts."""
    primary = {
        (c.arm, c.reference, o.column)
        for p in pv.PROPOSITIONS
        for c in p.contrasts
        for o in c.outcomes
        if o.role == pv.PRIMARY
    }
    for _, c in pv.DEFINITIONAL_CHECKS:
        for o in c.outcomes:
            assert o.role == pv.DEFINITIONAL
            assert (c.arm, c.reference, o.column) not in primary
    tautologies = {
        "knowledge_leakage",
        "leakage_sales_lost",
        "detected_share",
        "undetected_breaches",
        "strong_ties",
        "coowning_share",
    }
    assert not {col for _, _, col in primary} & tautologies


def test_every_proposition_has_primary_outcomes_with_expected_signs_and_known_arms():
    for prop in pv.PROPOSITIONS:
        prim = [o for c in prop.contrasts for o in c.outcomes if o.role == pv.PRIMARY]
        assert prim, prop.key
        assert all(o.sign in (-1, 1) for o in prim), prop.key
        for c in prop.contrasts:
            assert c.arm in pv.ARMS and c.reference in pv.ARMS
    assert set(pv.FIRST_VALIDATION) == {p.key for p in pv.PROPOSITIONS} | {"P3", "P4"}
    assert set(pv.JUDGING_CHANGES) == set(pv.FIRST_VALIDATION)


def test_p1a_and_p1b_are_judged_on_what_their_mechanisms_can_move():
    """Issue 14: P1a on conflicts, overuses and the trust path, with the chosen partners'
    attributes as the manipulation check; P1b's protection arm on the protector's own
    sales and profit relative to its partner's."""
    by_key = {p.key: p for p in pv.PROPOSITIONS}
    p1a = {o.column: o.role for c in by_key["P1a"].contrasts for o in c.outcomes}
    assert {
        p1a[c]
        for c in ("conflicts_per_contract_month", "breaches_per_contract_month", "pair_trust_24")
    } == {pv.PRIMARY}
    assert p1a["chosen_chemistry"] == pv.CHECK
    protection = [c for c in by_key["P1b"].contrasts if c.arm == "protection_spread"][0]
    roles = {o.column: o.role for o in protection.outcomes}
    assert roles["protector_sales_edge"] == roles["protector_profit_edge"] == pv.PRIMARY


def test_robustness_varies_only_assumed_parameters_around_their_defaults():
    bounds = pv.robustness_parameters()
    assert len(bounds) >= 10
    for name, (lo, hi) in bounds.items():
        p = PARAMETER_INDEX[name]
        assert p.source == "assumption"
        assert lo < hi
        assert lo <= float(p.default) <= hi
        if p.low is not None:
            assert lo >= p.low
        if p.high is not None:
            assert hi <= p.high


def _frame(arms: dict[str, dict[str, list[float]]]) -> pd.DataFrame:
    rows = []
    for arm, cols in arms.items():
        n = len(next(iter(cols.values())))
        for i in range(n):
            rows.append({"arm": arm, "seed": i} | {c: v[i] for c, v in cols.items()})
    return pd.DataFrame(rows)


def test_a_passing_manipulation_check_alone_does_not_support_a_proposition():
    """P1c with no effect on its primary outcomes but a clear effect on its checks (the
    awareness the investment sets directly) is not supported."""
    rng = np.random.default_rng(0)
    seeds = list(range(8))
    prop = next(p for p in pv.PROPOSITIONS if p.key == "P1c")
    cols = [o.column for c in prop.contrasts for o in c.outcomes]
    same = {c: list(rng.normal(10, 1, 8)) for c in cols}
    checks = ("demand_index", "entrant_knowledge")
    on = {
        c: [v + (5.0 + rng.normal(0, 0.5) if c in checks else 0.0) for v in vals]
        for c, vals in same.items()
    }
    runs = _frame({"base": on, "p1c_off": same})
    res = next(r for r in pv.analyse_propositions(runs, seeds) if r["prop"].key == "P1c")
    assert res["verdict"].startswith("Not supported")
    assert res["checks_failed"] == 0


def test_verdict_rules():
    assert pv.verdict(["supports", "supports"]) == "Supported"
    assert pv.verdict(["supports", "no effect"]) == "Partly supported"
    assert pv.verdict(["supports", "contradicts"]) == "Mixed"
    assert pv.verdict(["no effect"]).startswith("Not supported (no")
    assert pv.verdict(["contradicts"]).startswith("Not supported (contra")


@pytest.mark.parametrize("k", [0, 1, 7, 15, 28, 29])
def test_wilson_interval_holds_the_share_inside_zero_one(k):
    lo, hi = pv.wilson(k, 29)
    assert 0.0 <= lo <= k / 29 <= hi <= 1.0


def test_saved_runs_come_back_exactly_and_as_data_only(tmp_path):
    """--report-only reads the runs from JSON (no pickle): every kind of value a run holds
    (tuple keys, year keys, pairs, arrays of each dtype, NaN, the power frame) comes back
    equal and of the same type."""
    stored = {
        "key": (20, 22, ("uk_2018", "uk_national"), ["brexit"]),
        "results": {
            ("uk_2018/base", 1000): {
                "outcomes": {"profit": -1.5, "missing": float("nan"), "n": 3},
                "yearly": {"price_female": {2018: 1584.25, 2019: 1595.0}},
                "split": {24: {"coop": np.array([0.1, np.nan]), "ids": np.array([3, 4], "i8")}},
                "table4": {"elite:coowning": (3.0, 7.0)},
                "flags": np.array([[True, False]]),
            }
        },
        "wall": 1140.5,
        "power": pd.DataFrame({"outcome": ["a", "b"], "needed": [46, 1000], "sd": [0.1, 0.2]}),
        "robustness": {"search_rate": (0.03, 0.09)},
    }
    path = tmp_path / "results.json"
    pv.save_runs(path, stored)
    assert "pickle" not in path.read_text() and path.read_text().startswith("{")
    back = pv.load_runs(path)
    assert back["key"] == stored["key"] and back["robustness"] == stored["robustness"]
    assert back["wall"] == stored["wall"]
    pd.testing.assert_frame_equal(back["power"], stored["power"])
    run = back["results"][("uk_2018/base", 1000)]
    assert run["outcomes"]["profit"] == -1.5 and np.isnan(run["outcomes"]["missing"])
    assert isinstance(run["outcomes"]["n"], int)
    assert run["yearly"]["price_female"] == {2018: 1584.25, 2019: 1595.0}
    assert run["table4"]["elite:coowning"] == (3.0, 7.0)
    coop, ids = run["split"][24]["coop"], run["split"][24]["ids"]
    np.testing.assert_array_equal(
        coop, stored["results"][("uk_2018/base", 1000)]["split"][24]["coop"]
    )
    assert ids.dtype == np.int64 and ids.tolist() == [3, 4]
    assert run["flags"].dtype == bool and run["flags"].shape == (1, 2)


def test_a_file_that_is_not_saved_runs_is_refused(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"key": [1]}')
    with pytest.raises(ValueError, match="results"):
        pv.load_runs(path)
    path.write_text("not json")
    with pytest.raises(ValueError):
        pv.load_runs(path)
    with pytest.raises(TypeError, match="cannot save"):
        pv.save_runs(tmp_path / "x.json", {"results": {"a": object()}})
    assert not (tmp_path / "x.json").exists()


def _same(a, b) -> bool:
    """Equal results of a run, NaN equal to NaN, arrays compared by value and dtype."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, tuple | list):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    return type(a) is type(b) and a == b


def test_runs_on_the_sweep_engine_equal_direct_runs(tmp_path):
    """run_all sends the jobs through alpaca_abm.sweep (arms filled to one table, events on the
    scenario, each job's own seed, the result through the store as JSON); every result equals
    patterns.simulate run directly with the same seed, overrides and events."""
    import patterns
    from propositions import runs

    price = {"events": ({"kind": "price", "start": 1, "strength": -0.3},)}
    jobs = [
        ("uk_2018/base", 1000, 3, {}, pv.design.split_months(3), True, "uk_2018"),
        ("uk_2018/control_high", 1001, 3, {"control_strength": 0.9}, (), False, "uk_2018"),
        ("uk_2018/price:on", 1000, 3, price, (), True, "uk_2018"),
        ("uk_2018/price:off", 1000, 3, price | {"coopetition": False}, (), False, "uk_2018"),
    ]
    sweeps = runs.job_sweeps(jobs, "t")
    assert sorted(label for _, labels in sweeps for label in labels) == sorted(
        (j[0], j[1]) for j in jobs
    )
    results = runs.run_all(jobs, 1, "t", tmp_path)
    for label, seed, steps, overrides, snapshots, table4, _ in jobs:
        direct = patterns.simulate(seed, steps, overrides, snapshots=snapshots, table4=table4)
        got = dict(results[(label, seed)])
        assert got.pop("cpu_seconds") >= 0
        assert _same(got, direct), label
