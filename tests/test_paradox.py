"""The paradox module's rules on a pair of breeders whose sign is known (paradox.py).

Each test holds everything but one cause fixed and checks the direction the seed gives.
"""

import numpy as np
import pytest

from alpaca_abm import paradox as px
from alpaca_abm.coownership import COMP_DOMINATED, COOP_DOMINATED, EQUAL

LOW, HIGH = np.array([0.1]), np.array([0.9])
NONE, FULL = np.array([0.0]), np.array([1.0])


# --- balance and regime ---------------------------------------------------------------------
def test_balance_is_one_when_both_forces_are_equal_and_falls_with_the_gap():
    assert px.balance(HIGH, HIGH)[0] == pytest.approx(1.0)
    assert px.balance(LOW, LOW)[0] == pytest.approx(1.0)
    assert px.balance(HIGH, LOW)[0] == pytest.approx(px.balance(LOW, HIGH)[0])
    assert px.balance(HIGH, LOW)[0] < px.balance(np.array([0.6]), LOW)[0]


def test_regime_follows_the_gap_with_the_fixed_margin():
    m = px.BALANCE_MARGIN
    coop = np.array([0.5 + m + 0.01, 0.5 + m - 0.01, 0.5, 0.5 - m + 0.01, 0.5 - m - 0.01])
    comp = np.full(5, 0.5)
    assert px.regime(coop, comp).tolist() == [
        COOP_DOMINATED,
        EQUAL,
        EQUAL,
        EQUAL,
        COMP_DOMINATED,
    ]


def test_both_and_needs_balance_and_an_active_response():
    assert px.both_and_weight(FULL, FULL)[0] == 1.0
    assert px.both_and_weight(FULL, NONE)[0] == 0.0  # defensive owners: either/or
    assert px.both_and_weight(np.array([0.2]), FULL)[0] < px.both_and_weight(FULL, FULL)[0]


# --- Table 1: the eight effects ---------------------------------------------------------------
def test_either_or_1_rivalry_lowers_the_willingness_to_share():
    assert px.sharing_factor(HIGH, NONE)[0] < px.sharing_factor(LOW, NONE)[0] < 1.0


def test_both_and_1_resources_built_in_competition_spill_into_joint_work():
    assert px.sharing_factor(HIGH, FULL)[0] > px.sharing_factor(LOW, FULL)[0] > 1.0


def test_either_or_2_rivalry_tempts_misappropriation():
    opp = np.array([0.2])
    assert px.temptation(opp, HIGH, NONE)[0] > px.temptation(opp, LOW, NONE)[0] > opp[0]
    assert px.temptation(opp, HIGH, FULL)[0] == pytest.approx(opp[0])  # not in both/and


def test_either_or_3_absorbing_overlapping_knowledge_starts_a_learning_race():
    a = px.conflict_factor(HIGH, HIGH, LOW, NONE)[0]
    b = px.conflict_factor(LOW, HIGH, LOW, NONE)[0]
    c = px.conflict_factor(HIGH, LOW, LOW, NONE)[0]
    assert a > b > 1.0 and a > c > 1.0


def test_both_and_4_cooperation_damps_red_queen_races():
    assert (
        px.conflict_factor(LOW, HIGH, HIGH, FULL)[0]
        < px.conflict_factor(LOW, HIGH, LOW, FULL)[0]
        < 1.0
    )


def test_both_and_3_cooperation_raises_absorptive_capacity():
    assert px.absorption_factor(HIGH, FULL)[0] > px.absorption_factor(LOW, FULL)[0] > 1.0
    assert px.absorption_factor(HIGH, NONE)[0] == 1.0


def test_either_or_4_commitment_locks_in_and_cuts_search():
    assert px.search_factor(HIGH, LOW, NONE)[0] < px.search_factor(LOW, LOW, NONE)[0] < 1.0


def test_both_and_2_rivalry_keeps_the_relationship_from_inertia():
    assert px.search_factor(LOW, HIGH, FULL)[0] > px.search_factor(LOW, LOW, FULL)[0] > 1.0


# --- tensions -----------------------------------------------------------------------------------
def _targets(salience=0.5, capability=0.0, separation=0.0, staff=0.0, coop=0.5, sense=0.0):
    a = [np.array([v], float) for v in (salience, capability, separation, staff, coop, sense)]
    return [t[0] for t in px.tension_targets(*a)]


def test_salience_rises_with_both_forces_plurality_and_scarcity():
    base = px.salience(np.array([0.3]), np.array([1]), NONE)[0]
    assert px.salience(np.array([0.5]), np.array([1]), NONE)[0] > base
    assert px.salience(np.array([0.3]), np.array([3]), NONE)[0] > base
    assert px.salience(np.array([0.3]), np.array([1]), FULL)[0] > base


def test_capability_lowers_every_tension():
    plain, capable = _targets(staff=4), _targets(staff=4, capability=1.0)
    assert all(c < p for c, p in zip(capable, plain, strict=True))


def test_belonging_tension_needs_staff_and_grows_with_them_and_with_cooperation():
    assert _targets(staff=0)[2] == 0.0
    assert _targets(staff=8)[2] > _targets(staff=2)[2] > 0.0
    assert _targets(staff=4, coop=0.9)[2] > _targets(staff=4, coop=0.1)[2]
    assert _targets(staff=4, sense=1.0)[2] == 0.0  # sense-giving answers it


def test_separation_lowers_organizing_tension_but_loses_synergy():
    assert _targets(separation=0.8)[1] < _targets(separation=0.0)[1]
    assert px.synergy_kept(np.array([0.8]))[0] < px.synergy_kept(NONE)[0] == 1.0


def test_tension_follows_its_target_over_months():
    t = np.array([0.0])
    for _ in range(36):
        t = px.felt(t, np.array([0.6]))
    assert t[0] == pytest.approx(0.6, abs=0.01)


# --- responses and their costs ------------------------------------------------------------------
def test_active_owner_navigates_toward_balance():
    p = np.array([0.5, 0.5, 0.5])
    gap = np.array([0.5, 0.0, -0.5])  # cooperation-dominated, balanced, competition-dominated
    after = px.navigate(p, gap, np.ones(3))
    assert after[0] > 0.5 and after[1] == 0.5 and after[2] < 0.5
    assert (px.navigate(p, gap, np.zeros(3)) == p).all()  # a defensive owner does not


def test_defensive_owner_under_tension_tips_to_a_pole():
    p = np.array([0.5, 0.5])
    gap = np.array([0.3, -0.3])
    tipped = px.tip(p, gap, np.ones(2), np.ones(2))
    assert tipped[0] < 0.5 < tipped[1]  # over-trust where it cooperates, over-protection
    calm = px.tip(p, gap, np.ones(2), np.zeros(2))  # no tension, no tipping
    assert (calm == p).all()


def test_active_responses_cost_the_owner_time_per_partnership():
    assert px.response_cost(FULL, np.array([2]))[0] > px.response_cost(FULL, np.array([1]))[0]
    assert px.response_cost(NONE, np.array([2]))[0] == 0.0


def test_orchestration_answers_the_tensions_it_meets():
    sep, sense = px.orchestration(FULL, HIGH, LOW)
    assert sep[0] > sense[0] > 0.0
    sep0, sense0 = px.orchestration(NONE, HIGH, HIGH)
    assert sep0[0] == 0.0 and sense0[0] == 0.0


def test_belonging_tension_lets_protected_knowledge_leak():
    assert px.overshare(HIGH, HIGH)[0] < px.overshare(HIGH, LOW)[0] < HIGH[0]


def test_capability_grows_with_tension_handled_actively():
    c = np.array([0.2])
    assert px.learn_capability(c, FULL, HIGH)[0] > px.learn_capability(c, FULL, LOW)[0] > 0.2
    assert px.learn_capability(c, NONE, HIGH)[0] == 0.2


def test_experience_moves_the_response_style():
    a = np.array([0.5])
    assert px.restyle(a, FULL, NONE)[0] > 0.5 > px.restyle(a, NONE, FULL)[0]


def test_capability_makes_a_response_more_active():
    a = np.array([0.3])
    assert px.active_share(a, HIGH)[0] > px.active_share(a, NONE)[0] == pytest.approx(0.3)


# --- value and cycles ---------------------------------------------------------------------------
def test_joint_value_and_value_destroyed_add_their_parts():
    v = px.pair_value(np.array([10.0]), 300.0, np.array([50.0]), np.array([1500.0]))
    assert v[0] == pytest.approx(10 * 300 + 50 + 1500)
    d = px.value_destroyed(np.array([100.0]), np.array([20.0]), np.array([0.0]))
    assert d[0] == pytest.approx(120.0)


def test_cycle_is_virtuous_when_trends_rise_and_vicious_when_they_fall():
    up, flat, down = np.array([1]), np.array([0]), np.array([-1])
    assert px.classify_cycle(up, up, flat)[0] == px.VIRTUOUS
    assert px.classify_cycle(down, down, flat)[0] == px.VICIOUS
    assert px.classify_cycle(up, down, up)[0] == px.NEUTRAL  # mixed signs
    assert px.classify_cycle(up, flat, flat)[0] == px.NEUTRAL  # one sign is not a cycle


def test_signed_trend_has_a_dead_band():
    assert px.signed_trend(np.array([0.51]), np.array([0.5]), np.array([1.0]))[0] == 0
    assert px.signed_trend(np.array([0.6]), np.array([0.5]), np.array([1.0]))[0] == 1
    assert px.signed_trend(np.array([0.4]), np.array([0.5]), np.array([1.0]))[0] == -1


def test_vicious_cycle_raises_dissolution_and_an_active_response_pulls_back():
    cyc = np.array([px.VICIOUS, px.NEUTRAL, px.VIRTUOUS])
    defensive = px.dissolution_chance(cyc, np.zeros(3))
    active = px.dissolution_chance(cyc, np.full(3, 0.8))
    assert defensive[0] > active[0] > 0.0
    assert defensive[1] == defensive[2] == 0.0


def test_state_grows_and_keeps_rows():
    s = px.ParadoxState()
    s.grow(3, 2)
    s.capability[:3] = [0.1, 0.2, 0.3]
    s.grow(10, 5)
    assert len(s.capability) >= 10 and len(s.joint_value) >= 5
    assert s.capability[:3].tolist() == [0.1, 0.2, 0.3]


# --- the module in the model ------------------------------------------------------------------
PARTS_OFF = {
    "paradox_interplay": False,
    "paradox_tensions": False,
    "paradox_responses": False,
    "paradox_cycles": False,
}


def _tables(months: int = 36, seed: int = 3, **overrides):
    from alpaca_abm.model import AlpacaModel

    model = AlpacaModel("uk_2018", rng=seed, **overrides)
    for _ in range(months):
        model.step()
    return model


def test_the_module_with_every_part_off_leaves_the_model_unchanged():
    """Its own random stream and neutral hooks: the model's own columns are identical."""
    from alpaca_abm import metrics

    plain, quiet = _tables(), _tables(paradox=True, **PARTS_OFF)
    cols = list(metrics.MODEL_COLUMNS)
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(plain.model_df[cols], quiet.model_df[cols])
    pd_testing.assert_frame_equal(plain.agent_df, quiet.agent_df[plain.agent_df.columns])


def test_the_module_on_adds_its_columns_and_changes_the_run():
    from alpaca_abm import metrics

    plain, on = _tables(), _tables(paradox=True)
    assert set(px.COLUMNS) <= set(on.model_df.columns)
    assert not set(px.COLUMNS) & set(plain.model_df.columns)
    assert set(px.BREEDER_COLUMNS) <= set(on.agent_df.columns)
    cols = list(metrics.MODEL_COLUMNS)
    assert not plain.model_df[cols].equals(on.model_df[cols])
    df = on.model_df
    assert df["mean_balance"].between(0, 1).all() and df["mean_tension"].between(0, 1).all()
    assert (df["joint_value"] >= 0).all() and (df["value_destroyed"] >= 0).all()
    assert df["joint_value"].sum() > 0


def test_each_sides_capture_adds_up_to_the_joint_value():
    model = _tables(months=24, paradox=True)
    table = px.partnership_table(model.paradox, model.contracts, model.steps)
    assert len(table) > 0
    total = table.capture_keeper_gbp + table.capture_partner_gbp
    assert np.allclose(total, table.joint_value_gbp, rtol=1e-9, atol=1e-6)
    assert set(table.regime) <= {"cooperation_dominated", "equal", "competition_dominated"}
    assert table.balance.between(0, 1).all()


def test_active_owners_respond_and_pay_for_their_time():
    """All owners active: no tipping, their time costs cash; all defensive: no cost."""
    active = _tables(months=24, paradox=True, paradox_active_share=0.999)
    defensive = _tables(months=24, paradox=True, paradox_active_share=0.001)
    assert active.paradox.response_cost.sum() > 0
    assert defensive.paradox.response_cost.sum() < 0.05 * active.paradox.response_cost.sum()


def test_staff_carry_belonging_tension():
    alone = _tables(months=24, paradox=True, paradox_staff_scale=0.0)
    staffed = _tables(months=24, paradox=True, paradox_staff_scale=3.0)
    assert alone.paradox.belonging.max() == 0.0
    assert staffed.paradox.belonging.max() > 0.0


def test_paradox_off_reproduces_the_model_without_the_module():
    """The digests of uk_2018, seed 1, 48 months with `paradox = false` equal those recorded
    in golden_digests.json by the commit before the module was wired in (same seed, same
    tables); tests/test_golden.py checks the other scenarios the same way."""
    import json
    from pathlib import Path

    from alpaca_abm.runner import run

    from helpers import digest

    stored = json.loads(Path(__file__).with_name("golden_digests.json").read_text())
    result = run("uk_2018", steps=48, rng=1, paradox=False)
    got = {table: digest(getattr(result, table)) for table in ("model_df", "agent_df")}
    assert got == stored["runs"]["uk_2018-s1"]


def test_a_checkpoint_with_the_paradox_on_resumes_exactly(tmp_path):
    """The module's state and its random stream are saved: a resumed run equals the original."""
    from alpaca_abm.model import AlpacaModel

    model = _tables(months=14, seed=2, paradox=True)
    path = model.save(tmp_path / "paradox.ckpt")
    resumed = AlpacaModel.load(path)
    for _ in range(6):
        model.step()
        resumed.step()
    assert model.model_df.equals(resumed.model_df)
    assert model.agent_df.equals(resumed.agent_df)


def test_the_app_has_a_paradox_switch_off_by_default_and_draws_its_curves_only_when_on():
    from alpaca_abm.viz import state

    assert "paradox" in state.SWITCHES and state.switch_default("paradox") is False
    panels = [p for p in state.SERIES["relationships"] if p.title in ("Balance", "Cycles")]
    assert len(panels) == 2
    plain, on = _tables(months=6), _tables(months=6, paradox=True)
    for panel in panels:
        assert state.panel_lines(panel, plain.model_df, None) == []
        assert len(state.panel_lines(panel, on.model_df, None)) == len(panel.lines)
    links = state.partnership_links(on)  # each co-owner line on the map has its regime
    assert set(links["rtype"]) <= {0, 1, 2}


def test_the_apps_paradox_panels_name_their_switch():
    from alpaca_abm.viz import state

    for panel in state.SERIES["relationships"]:
        columns = {column for column, _ in panel.lines}
        assert (panel.switch == "paradox") == bool(columns & set(px.COLUMNS)), panel.title


# --- values worked by hand ----------------------------------------------------------------------
def test_both_and_temptation_and_factors_by_hand():
    """Both/and share: balance 0.8 x activeness 0.5 = 0.4; it stays within 0-1 whatever it
    is given (1.2 x 1 -> 1; -0.5 x 1 -> 0). Temptation at opportunism 0.2, full competition,
    all either/or: 0.2 + 0.8 x 0.5 x 1 x 1 = 0.6; half both/and: 0.2 + 0.8 x 0.5 x 0.5 =
    0.4."""
    both = px.both_and_weight(np.array([0.8, 1.2, -0.5]), np.array([0.5, 1.0, 1.0]))
    assert both == pytest.approx([0.4, 1.0, 0.0])
    t = px.temptation(np.array([0.2, 0.2]), np.array([1.0, 1.0]), np.array([0.0, 0.5]))
    assert t == pytest.approx([0.6, 0.4])


def test_navigating_and_tipping_by_hand():
    """Navigating (step 0.1, fully active) from protection 0.3: a gap of 0.5 targets
    0.5 + 0.25 = 0.75: 0.3 + 0.1 x 0.45 = 0.345; a gap of exactly the margin 0.125 is inside
    it: the target is its own level, 0.3; gaps beyond +-1 count as +-1: targets 1 and 0,
    0.37 and 0.27. A protection below 0 given to it (never in the model) comes back as 0.
    Tipping (step 0.1, fully defensive, full tension) from 0.5: at a gap of exactly 0 to
    over-trust (0): 0.45; below 0 to over-protection (1): 0.55; with a protection of 1.5 or
    -0.5 given (never in the model) the answer stays within 0-1."""
    p = np.full(4, 0.3)
    after = px.navigate(p, np.array([0.5, 0.125, 2.0, -2.0]), np.ones(4))
    assert after == pytest.approx([0.345, 0.3, 0.37, 0.27])
    assert px.navigate(np.array([-1.0]), np.zeros(1), np.ones(1)).tolist() == [0.0]
    tipped = px.tip(np.full(2, 0.5), np.array([0.0, -0.3]), np.ones(2), np.ones(2))
    assert tipped == pytest.approx([0.45, 0.55])
    out = px.tip(np.array([1.5, -0.5]), np.array([-0.3, 0.3]), np.ones(2), np.ones(2))
    assert out.tolist() == [1.0, 0.0]


def test_costs_capability_and_style_by_hand():
    """An owner half active with 2 partnerships spends 4 h x 12 GBP x 0.5 x 2 = 48 GBP a
    month. Capability 0.5, fully active under full tension: 0.5 + 0.02 x 0.5 = 0.51. Style
    0.5 with every partnership virtuous: 0.52; at 1 it stays 1; at 0 with every one vicious
    it stays 0."""
    assert px.response_cost(np.array([0.5]), np.array([2])) == pytest.approx([48.0])
    assert px.learn_capability(np.array([0.5]), FULL, FULL) == pytest.approx([0.51])
    style = px.restyle(np.array([0.5, 1.0, 0.0]), np.array([1.0, 1.0, 0.0]), np.array([0, 0, 1.0]))
    assert style == pytest.approx([0.52, 1.0, 0.0])


def test_table_1_factors_tensions_and_cycles_by_hand():
    """Table 1 at competition 0.8, cooperation 0.6, both/and 0.25 (either/or 0.75), all
    strengths 0.5: sharing (1 - 0.5 x 0.8 x 0.75) x (1 + 0.5 x 0.8 x 0.25) = 0.7 x 1.1 =
    0.77; conflict, half the passable knowledge passed: (1 + 0.5 x 0.5 x 0.8 x 0.75) x
    (1 - 0.5 x 0.6 x 0.25) = 1.15 x 0.925 = 1.06375; absorption 1 + 0.5 x 0.6 x 0.25 =
    1.075; search (1 - 0.5 x 0.6 x 0.75) x 1.1 = 0.775 x 1.1 = 0.8525.
    Salience of forces 0.3 with 3 partners (plurality 1 + 0.5 x 2 = 2) and scarcity 0.5
    (x 1.25): 0.75; with none (plurality 1): 0.375; of forces 0.5 with 3: 1.25, at most 1.
    Targets at salience 0.8, capability 0.5 (damping 1 - 0.6 x 0.5 = 0.7), separation 0.25,
    3 staff (3 / (3 + 3) = 0.5), cooperation 0.6, sense-giving 0.5: performing 0.56,
    organizing 0.8 x 0.75 x 0.7 = 0.42, belonging 0.5 x 0.6 x 0.5 x 0.7 = 0.105. A tension
    of 0.2 heading to 0.8 moves a sixth of the way: 0.3. Style 0.3 with capability 0.5:
    0.3 + 0.7 x 0.5 x 0.6 = 0.51 active. Orchestration at 0.5 active, organizing 0.4,
    belonging 0.2: separation 0.2, sense-giving 0.1; separation 0.5 keeps 1 - 0.3 x 0.5 =
    0.85 of the synergy; belonging 0.25 leaves 0.6 x 0.75 = 0.45 of a protection of 0.6.
    Trends (dead band 0.02 of scale 1): +0.05 up, exactly +-0.02 flat, -0.05 down. Cycles:
    two up and none down virtuous, two down and none up vicious, two up and one down or one
    up alone neutral. Dissolution: 0.03 a month in a vicious cycle, 0.015 with owners half
    active, none otherwise."""
    comp, coop, both = np.array([0.8]), np.array([0.6]), np.array([0.25])
    assert px.sharing_factor(comp, both) == pytest.approx([0.77])
    assert px.conflict_factor(np.array([0.5]), comp, coop, both) == pytest.approx([1.06375])
    assert px.absorption_factor(coop, both) == pytest.approx([1.075])
    assert px.search_factor(coop, comp, both) == pytest.approx([0.8525])
    sal = px.salience(np.array([0.3, 0.3, 0.5]), np.array([3, 0, 3]), np.full(3, 0.5))
    assert sal == pytest.approx([0.75, 0.375, 1.0])
    targets = px.tension_targets(
        np.array([0.8]), np.array([0.5]), np.array([0.25]), np.array([3.0]), coop, np.array([0.5])
    )
    assert [float(t[0]) for t in targets] == pytest.approx([0.56, 0.42, 0.105])
    assert px.felt(np.array([0.2]), np.array([0.8])) == pytest.approx([0.3])
    assert px.active_share(np.array([0.3]), np.array([0.5])) == pytest.approx([0.51])
    sep, sense = px.orchestration(np.array([0.5]), np.array([0.4]), np.array([0.2]))
    assert (sep[0], sense[0]) == pytest.approx((0.2, 0.1))
    assert px.synergy_kept(np.array([0.5])) == pytest.approx([0.85])
    assert px.overshare(np.array([0.6]), np.array([0.25])) == pytest.approx([0.45])
    trend = px.signed_trend(np.array([0.05, 0.02, -0.02, -0.05]), np.zeros(4), np.ones(4))
    assert trend.tolist() == [1, 0, 0, -1]
    cycle = px.classify_cycle(
        np.array([1, -1, 1, 1]), np.array([1, -1, 1, 0]), np.array([0, 0, -1, 0])
    )
    assert cycle.tolist() == [px.VIRTUOUS, px.VICIOUS, px.NEUTRAL, px.NEUTRAL]
    chance = px.dissolution_chance(np.array([-1, -1, 0, 1]), np.array([0.0, 0.5, 0.0, 0.0]))
    assert chance == pytest.approx([0.03, 0.015, 0.0, 0.0])


def test_the_edges_of_regimes_trends_cycles_and_ranges_by_hand():
    """A gap of 0.2 is balanced (equal) at a margin of 0.3, cooperation-dominated at the
    default 0.125. Value destroyed adds its three parts: 10 + 20 + 30 = 60. A trend of +0.03
    on a scale of 2 (dead band 0.02 x 2 = 0.04) is flat; +0.05 rises. Three flat trends are
    neutral (no vote falls, none rises). Results stay within 0-1 whatever they are given
    (values the model never gives): salience of forces -0.5 is 0; a style of 1.5 with no
    capability is at most 1 (of -0.5, at least 0); a protection of 1.5 navigated inside the
    margin stays at its own level, at most 1."""
    gap = (np.array([0.6]), np.array([0.4]))
    assert px.regime(*gap, margin=0.3).tolist() == [EQUAL]
    assert px.regime(*gap).tolist() == [COOP_DOMINATED]
    assert px.value_destroyed(np.array([10.0]), np.array([20.0]), np.array([30.0])) == [60.0]
    trend = px.signed_trend(np.array([0.03, 0.05]), np.zeros(2), np.full(2, 2.0))
    assert trend.tolist() == [0, 1]
    flat = np.zeros(1, np.int8)
    assert px.classify_cycle(flat, flat, flat).tolist() == [px.NEUTRAL]
    assert px.salience(np.array([-0.5]), np.array([1]), np.zeros(1)).tolist() == [0.0]
    assert px.active_share(np.array([1.5, -0.5]), np.zeros(2)).tolist() == [1.0, 0.0]
    assert px.navigate(np.array([1.5]), np.zeros(1), np.ones(1)).tolist() == [1.0]


def test_state_rows_staff_means_and_early_endings_by_hand():
    """A new state grown to 3 breeders draws the style of all three (each above 0, from a
    Beta) and their staff: seed firm 1 has its own Table 2 headcount (5), seed firm 2 its own
    (4). Breeder 0 keeps two partnerships (values 0.2 and 0.6: mean 0.4), breeders 1 and 2 one
    each (0.2, 0.6), breeder 3 none (0). Two partnerships in a vicious cycle, owners fully
    defensive: each ends with chance 0.03 on its own draw: seed 34 draws 0.004 (ends) and
    0.872 (runs on); the month's tallies add one each (1 -> 2, 2 -> 3)."""
    from types import SimpleNamespace

    from alpaca_abm.coownership import Contracts

    state = px.ParadoxState()
    state.grow(3, 0)
    px.fill_firms(state, 3, np.array([1, 0, 2]), 0.5, np.random.default_rng(0))
    assert state.firms_filled == 3 and (state.activeness[:3] > 0).all()
    assert state.staff[0] == 5.0 and state.staff[2] == 4.0
    means, count = px.per_firm_mean(4, np.array([0, 0]), np.array([1, 2]), np.array([0.2, 0.6]))
    assert means[0] == pytest.approx([0.4, 0.2, 0.6, 0.0]) and count.tolist() == [2, 1, 1, 0]
    con = Contracts()
    con.add_many(2, keeper=np.array([0, 2]), partner=np.array([1, 3]))
    stats = {"premature_dissolutions": 1, "contracts_ended": 2}
    vicious = np.full(2, px.VICIOUS)
    ended = px._dissolve_vicious(
        con, SimpleNamespace(paradox_cycles=True), con.running(), 5, vicious, np.zeros(2),
        np.random.default_rng(34), stats,
    )  # fmt: skip
    assert ended.tolist() == [True, False] and con.ended[:2].tolist() == [5, -1]
    assert stats == {"premature_dissolutions": 2, "contracts_ended": 3}
