"""The validation's logic (experiments/propositions/), on synthetic data whose verdict is known.

No model runs but two short ones that check the counterfactual's switches: the statistics,
the judgements (supported, contradicted, underpowered, negligible, no effect, uninformative),
the arithmetic baselines (a formula's own output never counts as support), the channel
decomposition, P4's fixed directions, the paradox claims (by construction vs beyond the
rule), the robustness flips and the README block.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
import propositions as pv  # noqa: E402
from propositions import analysis as an  # noqa: E402
from propositions import baselines as bl  # noqa: E402
from propositions import readme, robustness  # noqa: E402
from propositions import stats as st  # noqa: E402
from propositions.claims import Contrast, Outcome, Proposition  # noqa: E402
from propositions.moderation import BOOST, PARADOX_CLAIMS, SHOCKS, WEAKEN  # noqa: E402
from propositions.sesoi import HUMP, LEVEL, SHARE, UNIT, Sesoi  # noqa: E402

import alpaca_abm  # noqa: E402

RNG = np.random.default_rng(7)
SEEDS = list(range(40))


# --- statistics ---------------------------------------------------------------------------
def test_seeds_needed_matches_the_paired_t_test_textbook_value():
    """A standardised effect of 1 needs 10 pairs for 80% power at 5% (two-sided); half the
    effect about four times as many; more noise never needs fewer."""
    assert st.seeds_needed(1.0, 1.0) == 10
    assert 30 <= st.seeds_needed(1.0, 0.5) <= 36
    needs = [st.seeds_needed(sd, 1.0) for sd in (0.5, 1.0, 2.0, 4.0)]
    assert needs == sorted(needs)
    assert st.seeds_needed(1.0, 0.0) == -1 and st.seeds_needed(np.nan, 1.0) == -1


def effect_of(diff: np.ndarray, baseline: np.ndarray | None = None) -> dict:
    b = RNG.normal(10, 1, len(diff))
    return st.paired(b + diff, b, baseline)


def judged(diff: np.ndarray, sign: int, sesoi: float, baseline=None, powered=True) -> str:
    e = effect_of(diff, baseline)
    return st.judge(e["excess"], e["ex_lo"], e["ex_hi"], sign, sesoi, powered)


def test_an_effect_beyond_its_sesoi_in_the_expected_direction_supports():
    assert judged(RNG.normal(1.0, 0.5, 40), +1, 0.3) == st.SUPPORTS


def test_an_effect_in_the_other_direction_contradicts():
    assert judged(RNG.normal(-1.0, 0.5, 40), +1, 0.3) == st.CONTRADICTS
    assert judged(RNG.normal(1.0, 0.5, 40), -1, 0.3) == st.CONTRADICTS


def test_an_underpowered_outcome_can_neither_support_nor_contradict():
    """Even a clear interval does not count when the pilot said the seeds lack power."""
    assert judged(RNG.normal(1.0, 0.5, 40), +1, 0.3, powered=False) == st.UNDERPOWERED
    assert not st.powered(120, 40) and st.powered(12, 40) and not st.powered(-1, 40)


def test_a_detectable_effect_below_the_sesoi_is_negligible_not_support():
    assert judged(RNG.normal(0.05, 0.02, 40), +1, 0.3) == st.NEGLIGIBLE


def test_an_interval_inside_the_sesoi_is_no_effect_and_a_wide_one_inconclusive():
    assert judged(RNG.normal(0.0, 0.05, 40), +1, 0.3) == st.NO_EFFECT
    assert judged(RNG.normal(0.0, 5.0, 40), +1, 0.3) == st.INCONCLUSIVE


def test_an_effect_the_formula_alone_predicts_does_not_support():
    """P1a's lesson: conflicts fell by what clash_factor predicted. With the baseline equal
    to the effect, the excess is nothing, however clear the raw effect."""
    diff = RNG.normal(-2.0, 0.3, 40)
    assert judged(diff, -1, 0.3) == st.SUPPORTS  # the raw effect alone would have supported
    assert judged(diff, -1, 0.3, baseline=diff + RNG.normal(0, 0.01, 40)) == st.NO_EFFECT
    # the model adds half as much again beyond the arithmetic: that part supports
    assert judged(diff * 1.5, -1, 0.3, baseline=diff) == st.SUPPORTS


def test_manipulation_checks_must_move_by_their_sesoi():
    """P1b's lesson: 'leakage costs sales' passed on 0.2 animals a decade."""
    assert not st.check_passes(0.2, 0.1, 0.3, +1, 1.0)
    assert st.check_passes(2.0, 1.5, 2.5, +1, 1.0)
    assert not st.check_passes(-2.0, -2.5, -1.5, +1, 1.0)


@pytest.mark.parametrize(
    ("judgements", "failed", "expected"),
    [
        ([st.SUPPORTS, st.SUPPORTS], [], "Supported"),
        ([st.SUPPORTS, st.NO_EFFECT], [], "Partly supported"),
        ([st.SUPPORTS, st.CONTRADICTS], [], "Mixed"),
        ([st.CONTRADICTS, st.NO_EFFECT], [], "Contradicted"),
        ([st.NO_EFFECT, st.NEGLIGIBLE], [], "Not supported"),
        ([st.UNDERPOWERED, st.UNDERPOWERED], [], "Underpowered"),
        ([st.SUPPORTS, st.UNDERPOWERED], [], "Partly supported"),
        ([st.UNINFORMATIVE], ["chemistry"], "Uninformative (manipulation check failed: chemistry)"),
        (
            [st.SUPPORTS, st.UNINFORMATIVE],
            ["leakage"],
            "Supported (uninformative where a check failed: leakage)",
        ),
        (
            [st.UNDERPOWERED, st.UNINFORMATIVE],
            ["x"],
            "Underpowered (uninformative where a check failed: x)",
        ),
    ],
)
def test_verdict_rules(judgements, failed, expected):
    assert st.verdict(judgements, failed) == expected


# --- the design fixed before the run -----------------------------------------------------
DIRECT_OUTPUTS = {  # columns a manipulated formula writes directly: checks, never primary
    "conflicts_per_contract_month",
    "chosen_chemistry",
    "coowning_share",
    "demand_index",
    "entrant_knowledge",
    "incumbent_knowledge_gain",
    "mean_ties",
    "strong_ties",
    "believed_detection",
    "detected_share",
    "knowledge_leakage",
    "leakage_sales_lost",
}


def test_primary_outcomes_are_downstream_with_a_sign_and_a_sesoi():
    for p in pv.PROPOSITIONS:
        prim = [o for c in p.contrasts for o in c.outcomes if o.role == pv.PRIMARY]
        assert prim, p.key
        for o in prim:
            assert o.column not in DIRECT_OUTPUTS, (p.key, o.column)
            assert o.sign in (-1, 1) and o.rule.rule in pv.sesoi.RULES, (p.key, o)
        assert any(o.role == pv.CHECK for c in p.contrasts for o in c.outcomes), p.key
        for c in p.contrasts:
            assert c.arm in pv.ARMS and c.reference in pv.ARMS


def test_p2b_is_judged_on_partners_and_p1c_on_the_industry():
    by_key = {p.key: p for p in pv.PROPOSITIONS}
    for key in ("P2a", "P2b", "P2c"):
        for c in by_key[key].contrasts:
            assert c.channel == "dyadic"
            on, off = pv.ARMS[c.arm], pv.ARMS[c.reference]
            assert on["industry_investment"] and off["industry_investment"]
            assert all(on[s] and not off[s] for s in pv.DYADIC)
    (c,) = by_key["P1c"].contrasts
    on, off = pv.ARMS[c.arm], pv.ARMS[c.reference]
    assert on["industry_investment"] and not off["industry_investment"]
    assert all(on[s] and off[s] for s in pv.DYADIC)


def test_the_counterfactual_is_recorded_truthfully():
    """Every switch of the counterfactual says off, and the model agrees: no mechanism runs."""
    arm = pv.ARMS["both_off"]
    assert set(arm) == {"coopetition", *pv.DYADIC, *pv.INDUSTRY}
    assert not any(arm.values())
    sc = alpaca_abm.load_scenario("uk_2018", **arm)
    assert not any(sc.mechanism_on(s) for s in (*pv.DYADIC, *pv.INDUSTRY))
    assert not any(sc.values()[s] for s in arm)  # what a params.toml would record
    dyadic_only = alpaca_abm.load_scenario("uk_2018", **pv.ARMS["dyadic_only"])
    assert all(dyadic_only.mechanism_on(s) for s in pv.DYADIC)
    assert not dyadic_only.mechanism_on("industry_investment")


def test_the_counterfactual_runs_as_the_master_switch_alone():
    """Setting every switch off explicitly changes nothing against the master switch alone."""
    a = alpaca_abm.AlpacaModel("uk_2018", rng=3, **pv.ARMS["both_off"])
    b = alpaca_abm.AlpacaModel("uk_2018", rng=3, coopetition=False)
    for _ in range(12):
        a.step()
        b.step()
    pd.testing.assert_frame_equal(a.model_df, b.model_df)


def test_every_shock_has_a_direction_and_a_seed_passage_fixed_in_advance():
    for s in SHOCKS:
        assert s.direction in (BOOST, WEAKEN)
        assert '"' in s.passage and len(s.passage) > 40  # a quotation, not a label


def test_paradox_claims_name_their_rule_and_check():
    arms = set(pv.arms.PARADOX_ARMS)
    for h in PARADOX_CLAIMS:
        assert h.sesoi.rule in pv.sesoi.RULES and h.check_sesoi.rule in pv.sesoi.RULES
        assert h.rule
        assert h.rule_off in arms or (h.rule_off == "" and "no rule" in h.rule)


# --- the analysis on synthetic runs ---------------------------------------------------------
def synthetic_frame(arms: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    rows = []
    for arm, cols in arms.items():
        for i, s in enumerate(SEEDS):
            rows.append({"arm": arm, "seed": s} | {k: float(v[i]) for k, v in cols.items()})
    return pd.DataFrame(rows)


def one_prop(sign: int, check_move: float, effect: float) -> Proposition:
    return Proposition(
        "PX",
        "industry",
        "synthetic",
        "synthetic",
        (
            Contrast(
                "a - b",
                "a",
                "b",
                "synthetic",
                (
                    Outcome("chk", "check", +1, pv.CHECK, rule=Sesoi(UNIT)),
                    Outcome("y", "outcome", sign, pv.PRIMARY, rule=Sesoi(LEVEL, "scale")),
                ),
            ),
        ),
    )


def run_synthetic(monkeypatch, sign: int, effect: float, check_move: float, noise: float = 0.2):
    n = len(SEEDS)
    base = RNG.normal(5, 1, n)
    frame = synthetic_frame(
        {
            "a": {
                "y": base + effect + RNG.normal(0, noise, n),
                "chk": base * 0 + check_move,
                "scale": base * 0 + 5.0,
            },
            "b": {"y": base, "chk": base * 0, "scale": base * 0 + 5.0},  # SESOI 0.5
        }
    )
    monkeypatch.setattr(an, "PROPOSITIONS", (one_prop(sign, check_move, effect),))
    runs = an.Runs(frame, SEEDS)
    power = an.power_table({"x": runs})
    return an.analyse_propositions(runs, power, "x")[0]


def test_a_known_effect_comes_out_supported(monkeypatch):
    assert run_synthetic(monkeypatch, +1, 1.0, 1.0)["verdict"] == "Supported"


def test_a_known_opposite_effect_comes_out_contradicted(monkeypatch):
    assert run_synthetic(monkeypatch, +1, -1.0, 1.0)["verdict"] == "Contradicted"


def test_a_noisy_effect_comes_out_underpowered(monkeypatch):
    assert run_synthetic(monkeypatch, +1, 1.0, 1.0, noise=20.0)["verdict"] == "Underpowered"


def test_a_manipulation_that_did_not_move_is_uninformative(monkeypatch):
    res = run_synthetic(monkeypatch, +1, 1.0, 0.0)
    assert res["verdict"].startswith("Uninformative")


def test_the_p1a_baseline_is_clash_factor_arithmetic():
    """Chemistry from 0.5 to 0.8: clash falls from 1 to 1 - 0.3 x spread; conflicts scale."""
    from alpaca_abm import rivalry

    ref = {"chosen_chemistry": 0.5, "conflicts_per_contract_month": 0.03,
           "ended_by_conflict_share": 0.2}  # fmt: skip
    arm = {"chosen_chemistry": 0.8}
    ratio = float(rivalry.clash_factor(np.array(0.8)) / rivalry.clash_factor(np.array(0.5)))
    assert bl.CONFLICTS_FROM_CHEMISTRY(ref, arm) == pytest.approx(0.03 * (ratio - 1))
    assert bl.SURVIVAL_FROM_CHEMISTRY(ref, arm) == pytest.approx(-0.2 * (ratio - 1))
    assert bl.ZERO(ref, arm) == 0.0
    assert np.isnan(bl.MARKET_FROM_AWARENESS(ref, arm))  # a missing term is missing, not 0


def test_p4_interaction_in_the_unexpected_direction_contradicts(monkeypatch):
    """Every shock expects a boost; a synthetic shock that halves a positive coopetition
    effect on profit is judged against that direction."""
    n = len(SEEDS)
    base = RNG.normal(0, 1000, n)
    cols = {o.column: None for o in pv.moderation.P4_OUTCOMES}

    def arm(level):
        scales = {"costs_per_breeder": np.full(n, 10_000.0), "final_quality_sd": np.full(n, 8.0)}
        return {c: base + level + RNG.normal(0, 10, n) for c in cols} | scales

    arms = {"both_on": arm(4000), "both_off": arm(0)}
    for s in SHOCKS:
        arms[f"{s.key}:on"], arms[f"{s.key}:off"] = arm(2000), arm(0)
    runs = an.Runs(synthetic_frame(arms), SEEDS)
    power = an.power_table({"x": runs})
    p4 = an.analyse_p4(runs, power, "x")
    profit = [r for s in p4 for r in s["rows"] if r["outcome"].column == "profit_per_breeder"]
    assert profit and all(r["judgement"] == st.CONTRADICTS for r in profit)


PX_SCALES = {  # the levels the paradox claims' SESOI rules read, in the module-on arm
    "pc_early_share": 0.5,
    "pc_virtuous_share": 0.5,
    "pc_pole_share": 0.5,
    "pc_value_mean": 1000.0,
    "pc_profit_per_animal": 500.0,
    "pc_tension_halfrange": 0.2,
}


def paradox_runs(n: int, noise: float = 0.1) -> tuple[an.Runs, dict[str, float]]:
    """Module on: every claim at 5 x its SESOI; its rule off: nothing left (both with noise
    of `noise` x the SESOI per seed)."""
    sesoi = {h.key: h.sesoi(h.column, PX_SCALES) for h in PARADOX_CLAIMS}
    cols = {k: np.full(n, v) for k, v in PX_SCALES.items()}
    for h in PARADOX_CLAIMS:
        cols[h.column] = sesoi[h.key] * (5 + RNG.normal(0, noise, n))
        cols[h.check] = np.full(n, 0.3)
    off = dict(cols)
    for h in PARADOX_CLAIMS:
        off[h.column] = sesoi[h.key] * RNG.normal(0, noise, n)
    arms = {"px_on": cols} | {h.rule_off: off for h in PARADOX_CLAIMS if h.rule_off}
    return an.Runs(synthetic_frame(arms), SEEDS[:n]), sesoi


def test_a_paradox_claim_that_only_the_rule_writes_in_holds_by_construction():
    runs, _ = paradox_runs(len(SEEDS))
    power = an.power_table({"x": runs})
    res = {r["claim"].key: r["verdict"] for r in an.analyse_paradox(runs, power, "x")}
    for h in PARADOX_CLAIMS:
        expected = "Holds by construction (only with the rule)" if h.rule_off else "Supported"
        assert res[h.key] == expected, h.key


def test_an_underpowered_claim_says_nothing_even_when_its_interval_is_clear():
    """Power comes from the pilot: a noisy pilot leaves every claim underpowered, and a
    clear result on the seeds run after it must not turn into support or 'by construction'."""
    pilot, _ = paradox_runs(len(SEEDS), noise=200.0)
    clear, _ = paradox_runs(len(SEEDS))
    power = an.power_table({"x": pilot})
    assert (power["needed"] > len(SEEDS)).all()
    for r in an.analyse_paradox(clear, power, "x"):
        assert r["verdict"] == "Underpowered", r["claim"].key


def test_an_underpowered_proposition_neither_supports_nor_contradicts(monkeypatch):
    """The same for P1a-P2c and P4: a pilot too noisy for the SESOI, then clear seeds."""
    monkeypatch.setattr(an, "PROPOSITIONS", (one_prop(+1, 1.0, 1.0),))
    n = len(SEEDS)
    base = RNG.normal(5, 1, n)

    def frame(noise):
        return synthetic_frame(
            {
                "a": {"y": base + 1.0 + RNG.normal(0, noise, n), "chk": base * 0 + 1.0,
                      "scale": base * 0 + 5.0},
                "b": {"y": base, "chk": base * 0, "scale": base * 0 + 5.0},
            }
        )  # fmt: skip

    power = an.power_table({"x": an.Runs(frame(20.0), SEEDS)})
    res = an.analyse_propositions(an.Runs(frame(0.1), SEEDS), power, "x")[0]
    assert [r["judgement"] for r in res["rows"] if r["outcome"].role == pv.PRIMARY] == [
        st.UNDERPOWERED
    ]
    assert res["verdict"] == "Underpowered"
    # the same clear seeds with a pilot that had the power: supported
    power = an.power_table({"x": an.Runs(frame(0.1), SEEDS)})
    assert an.analyse_propositions(an.Runs(frame(0.1), SEEDS), power, "x")[0]["verdict"] == (
        "Supported"
    )


def test_a_failed_check_makes_its_contrast_uninformative_not_the_proposition(monkeypatch):
    """P1b's protection: when leakage does not matter, its contrast counts for nothing and the
    other contrasts still decide."""
    n = len(SEEDS)
    base = RNG.normal(5, 1, n)
    chk = Outcome("chk", "check", +1, pv.CHECK, rule=Sesoi(UNIT))
    y = Outcome("y", "outcome", +1, pv.PRIMARY, rule=Sesoi(LEVEL, "scale"))
    prop = Proposition("PX", "organisational", "s", "s", (
        Contrast("a - b", "a", "b", "moved", (chk, y)),
        Contrast("c - d", "c", "d", "did not move", (chk, y)),
    ))  # fmt: skip
    scale = base * 0 + 5.0
    frame = synthetic_frame({
        "a": {"y": base + 1 + RNG.normal(0, 0.1, n), "chk": base * 0 + 1, "scale": scale},
        "b": {"y": base, "chk": base * 0, "scale": scale},
        "c": {"y": base - 1 + RNG.normal(0, 0.1, n), "chk": base * 0, "scale": scale},
        "d": {"y": base, "chk": base * 0, "scale": scale},
    })  # fmt: skip
    monkeypatch.setattr(an, "PROPOSITIONS", (prop,))
    runs = an.Runs(frame, SEEDS)
    res = an.analyse_propositions(runs, an.power_table({"x": runs}), "x")[0]
    judged = [(r["contrast"].label, r["judgement"]) for r in res["rows"]]
    assert ("a - b", st.SUPPORTS) in judged and ("c - d", st.UNINFORMATIVE) in judged
    assert res["verdict"] == "Supported (uninformative where a check failed: check)"


def test_sesoi_rules_scale_with_their_reference():
    ref = {"y": -200.0, "costs": 20_000.0, "p": 0.9, "q": 0.3, "sd": 8.0}
    assert Sesoi(LEVEL)("y", ref) == pytest.approx(20.0)
    assert Sesoi(LEVEL, "costs")("y", ref) == pytest.approx(2000.0)
    assert Sesoi(SHARE)("p", ref) == pytest.approx(0.02)  # a tenth of 0.1, floored at 2 points
    assert Sesoi(SHARE)("q", ref) == pytest.approx(0.03)
    assert pv.sesoi.Sesoi(pv.sesoi.SCORE, "sd")("quality", ref) == pytest.approx(0.8)
    assert np.isnan(Sesoi(LEVEL, "missing")("y", ref))
    # H6: a hump of a tenth of profit per animal across half the tension range
    hump = Sesoi(HUMP)
    ref = {"pc_profit_per_animal": 400.0, "pc_tension_halfrange": 0.2}
    assert hump("pc_tension_invu", ref) == pytest.approx(0.1 * 400 / 0.04)
    assert hump("pc_tension_invu", ref | {"pc_profit_per_animal": 800.0}) == pytest.approx(2000)
    assert hump("pc_tension_invu", ref | {"pc_tension_halfrange": 0.4}) == pytest.approx(250)


def test_no_sesoi_is_a_number_set_by_hand():
    for p in pv.PROPOSITIONS:
        for c in p.contrasts:
            for o in c.outcomes:
                assert isinstance(o.rule, Sesoi) and o.rule.rule in pv.sesoi.RULES, o
    for o in pv.moderation.P4_OUTCOMES:
        assert isinstance(o.rule, Sesoi)
    for h in PARADOX_CLAIMS:
        assert isinstance(h.sesoi, Sesoi) and isinstance(h.check_sesoi, Sesoi)


def test_every_industry_runs_every_arm_of_p1a_to_p2c():
    from propositions.design import INDUSTRIES, industry_arms

    needed = {a for p in pv.PROPOSITIONS for c in p.contrasts for a in (c.arm, c.reference)}
    for ind in INDUSTRIES:
        assert needed <= set(industry_arms(ind)), ind


def test_the_hypercube_runs_every_arm_every_verdict_reads():
    from propositions.design import Design, robustness_jobs, robustness_parameters

    design = Design(steps=24, seed_base=0, rob_points=3, robustness=robustness_parameters())
    jobs, points = robustness_jobs(design)
    assert len(points) == 3
    at_zero = {label.split("/", 1)[1] for label, *_ in jobs if label.startswith("rob:0/")}
    needed = {a for p in pv.PROPOSITIONS for c in p.contrasts for a in (c.arm, c.reference)}
    needed |= {"both_on", "both_off"} | {f"{s.key}:{x}" for s in SHOCKS for x in ("on", "off")}
    needed |= {"px_on"} | {h.rule_off for h in PARADOX_CLAIMS if h.rule_off}
    assert needed <= at_zero


def test_the_hypercube_rereads_every_verdict():
    """P1a-P2c, P4's interactions and H1-H6 each get rows, and a flipping parameter is named
    for a P4 interaction as for an outcome."""
    from propositions.design import PATTERN_INDUSTRY, industry_arms

    points = 40
    x = RNG.uniform(0, 1, (points, 2))
    results = {}
    for i in range(points):
        for arm in industry_arms(PATTERN_INDUSTRY):
            out = {"profit_per_breeder": 0.0}
            if arm == "disease:on":  # the interaction changes sign along parameter "b"
                out["profit_per_breeder"] = -1.0 + 4.0 * x[i, 1]
            results[(f"rob:{i}/{arm}", 100 + i)] = {"outcomes": out}
    o = next(o for o in pv.moderation.P4_OUTCOMES if o.column == "profit_per_breeder")
    disease = next(s for s in SHOCKS if s.key == "disease")
    p4 = [{"shock": disease, "rows": [{"outcome": o, "judgement": st.SUPPORTS, "sesoi": 0.2}]}]
    paradox = [{"claim": h, "judgement": st.NO_EFFECT, "sesoi": 0.1} for h in PARADOX_CLAIMS]
    rob = robustness.analyse_robustness(
        results, pd.DataFrame(x, columns=["a", "b"]), ["a", "b"], lambda i: 100 + i, [], p4,
        paradox,
    )  # fmt: skip
    keys = {r["prop"] for r in rob["rows"]}
    assert {p.key for p in pv.PROPOSITIONS} | {"P4"} | {h.key for h in PARADOX_CLAIMS} <= keys
    (row,) = [r for r in rob["rows"] if r["prop"] == "P4"]
    assert row["flips"] == ["b"]
    assert robustness.robustness_summary(rob, "P4") == "flipped by `b`"


def test_the_default_budget_is_the_issues_hour():
    from propositions.cli import BUDGET_MINUTES

    assert BUDGET_MINUTES == 60.0


def test_the_hypercube_names_the_parameter_that_flips_a_sign():
    n = 80
    x = RNG.uniform(0, 1, (n, 3))
    y = -1.0 + 4.0 * x[:, 1] + RNG.normal(0, 0.1, n)  # negative at one end, positive at the other
    flipping, weakening = robustness.flips(y, x, ["a", "b", "c"], +1, 0.2, st.SUPPORTS)
    assert flipping == ["b"] and weakening == []
    y2 = 1.0 + 0.5 * x[:, 2] + RNG.normal(0, 0.05, n)  # always positive: nothing flips
    assert robustness.flips(y2, x, ["a", "b", "c"], +1, 0.2, st.SUPPORTS) == ([], [])


def test_the_readme_block_is_replaced_between_its_markers_only():
    text = f"intro\n{readme.START}\nold\n{readme.END}\nrest\n"
    new = readme.replace_block(text, ["| a |", "| b |"])
    assert new == f"intro\n{readme.START}\n| a |\n| b |\n{readme.END}\nrest\n"
    with pytest.raises(ValueError):
        readme.replace_block("no markers", ["x"])


def test_the_time_budget_cuts_the_seeds_to_what_fits():
    """A pilot of 2 seeds x 2 arms at 1 CPU second a run, 8 wall seconds in all (2 wall
    seconds per CPU second): 100 s left of a 108 s budget pays 25 more seeds (4 s each),
    less the 10 hypercube runs (20 s of wall): 20 more, 22 in all."""
    from propositions.cli import budget_seeds
    from propositions.design import Design

    design = Design(steps=120, seed_base=0, pilot=2)
    pilot = {(f"uk_2018/{a}", s): {"cpu_seconds": 1.0} for a in ("x", "y") for s in (0, 1)}
    extra = [("rob:0/x", 0, 120, {}, (), False, "uk_2018")] * 10
    n, info = budget_seeds(pilot, design, elapsed=8.0, budget=108.0, extra=extra)
    assert info["rate"] == pytest.approx(2.0) and n == 22
    n, _ = budget_seeds(pilot, design, elapsed=8.0, budget=10.0, extra=extra)
    assert n == 2  # nothing fits: the pilot's seeds only


def test_the_hypercube_runs_the_arms_of_the_powered_quantities_only():
    """An underpowered quantity has no verdict to flip: its arms need not run there."""
    from propositions.design import PATTERN_INDUSTRY, hypercube_arms

    p2b = next(p for p in pv.PROPOSITIONS if p.key == "P2b").contrasts[0]
    power = pd.DataFrame(
        [
            {"industry": PATTERN_INDUSTRY, "family": "prop", "key": "P2b",
             "contrast": p2b.label, "needed": 10},
            {"industry": PATTERN_INDUSTRY, "family": "p4", "key": "disease", "contrast": "",
             "needed": 500},
            {"industry": PATTERN_INDUSTRY, "family": "paradox", "key": "H1", "contrast": "",
             "needed": 5},
            {"industry": "uk_national", "family": "p4", "key": "price", "contrast": "",
             "needed": 5},
        ]
    )  # fmt: skip
    assert hypercube_arms(power, 20) == ["both_on", "industry_only", "px_no_cycles"]
    assert hypercube_arms(power, 8) == ["px_no_cycles"]
    assert set(hypercube_arms(power, 600)) >= {"disease:on", "disease:off", "both_off"}
