"""Shocks as data: validation, the schedule, each shock alone on a small world where its
effect is known, the event record, and a run without shocks left exactly as it was."""

import tomllib

import numpy as np
import pandas as pd
import pytest

import alpaca_abm
from alpaca_abm import AlpacaModel, events, load_scenario, shocks
from alpaca_abm.breeding import elite_stud_price
from alpaca_abm.disease import Disease
from alpaca_abm.params import check_value
from alpaca_abm.report import scenario_toml, write_run
from alpaca_abm.scenarios import describe_scenarios, read_scenario_file, shipped_scenarios
from alpaca_abm.state import ShockFactors

SMALL = dict(n_breeders=40, herd_size_median=30.0)  # the worlds these tests were written on
SHOCK_SCENARIOS = (
    "disease_outbreak",
    "brexit",
    "fibre_boom",
    "price_slump",
    "maturing_industry",
    "uk_turbulence",
)


def with_events(*events, **overrides):
    return load_scenario("baseline", **overrides).replace(events=list(events))


# --- validation ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("event", "words"),
    [
        ({"kind": "plague", "start": 3}, "'kind'"),
        ({"kind": "disease", "start": -2}, "'start' = -2"),
        ({"kind": "disease", "start": "2010-13"}, "'start'"),
        ({"kind": "brexit", "start": 3, "strength": 1.5}, "'strength' = 1.5"),
        ({"kind": "demand", "start": 3, "strength": -2}, "'strength' = -2"),
        ({"kind": "demand", "start": 3}, "'strength' is missing"),
        ({"kind": "disease", "start": 3, "region": "Narnia"}, "'region' = 'Narnia'"),
        ({"kind": "price", "start": 3, "strength": 0.1, "region": "Wales"}, "'region'"),
        ({"kind": "disease", "start": 3, "duration": 0}, "'duration' = 0"),
        ({"kind": "disease", "start": 3, "breeders": [-1]}, "'breeders'"),
        ({"kind": "disease", "start": 3, "strenght": 0.5}, "Did you mean 'strength'"),
        ({"start": 3}, "'kind' is missing"),
    ],
)
def test_invalid_events_are_refused_naming_the_field(event, words):
    with pytest.raises(ValueError, match="events\\[0\\]") as err:
        with_events(event)
    assert words in str(err.value)


def test_an_invalid_event_in_a_file_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'extends = "baseline"\n[[events]]\nkind = "disease"\nstart = 12\nregion = "Atlantis"\n'
    )
    with pytest.raises(ValueError) as err:
        load_scenario(path)
    text = str(err.value)
    assert str(path) in text and "'region'" in text and "Atlantis" in text
    path.write_text('extends = "baseline"\nevents = 3\n')
    with pytest.raises(ValueError, match="mine.toml.*list of tables"):
        load_scenario(path)


def test_a_shock_after_the_run_ends_is_refused():
    with pytest.raises(ValueError, match="'start'.*after the run ends"):
        alpaca_abm.run(with_events({"kind": "brexit", "start": 30}), steps=24, **SMALL)
    with pytest.raises(ValueError, match="disease_start.*after the run ends"):
        alpaca_abm.run(steps=24, disease_start=24, **SMALL)
    with pytest.raises(ValueError, match="'start'.*after the run ends"):
        alpaca_abm.run(with_events({"kind": "brexit", "start": "2008-01"}), steps=24, **SMALL)


def test_dates_and_months_and_none_are_read_as_users_write_them():
    sc = with_events({"kind": "brexit", "start": "2021-01"})
    assert events.month_of(sc.events[0]["start"], sc.start_year, sc.start_month) == 180
    with pytest.raises(ValueError, match="before the run starts"):
        with_events({"kind": "brexit", "start": "2001-01"})
    assert check_value("disease_start", "none") is None
    assert check_value("disease_start", "60") == 60
    assert load_scenario("baseline", brexit_month="none").brexit_month is None
    with pytest.raises(ValueError, match="brexit_month"):
        load_scenario("baseline", brexit_month=-1)
    with pytest.raises(ValueError, match="demand_shock_size"):
        load_scenario("baseline", demand_shock_size=-1.5)
    assert events.parse_event_option("disease:60:0.8:24") == {
        "kind": "disease",
        "start": 60,
        "duration": 24,
        "strength": 0.8,
    }
    with pytest.raises(ValueError, match="--event"):
        events.parse_event_option("disease")


def test_shipped_shock_scenarios_extend_the_baseline_with_a_one_line_description():
    shipped = shipped_scenarios()
    lines = dict(describe_scenarios())
    for name in (*SHOCK_SCENARIOS, "no_coopetition"):
        data = read_scenario_file(shipped[name])
        assert data["extends"] == "baseline", name
        assert lines[name] and "\n" not in data["description"], name
        sc = load_scenario(name)
        events.check_horizon(sc, 240)  # every event falls inside the 20-year run
    assert load_scenario("uk_turbulence").rivalry_feedback == 1.0
    assert len(load_scenario("uk_turbulence").events) == 3


def test_params_toml_keeps_events_and_none_so_a_run_can_be_repeated(tmp_path):
    sc = with_events({"kind": "price", "start": 6, "duration": 6, "strength": -0.3}, **SMALL)
    result = alpaca_abm.run(sc, steps=12, rng=2, brexit_month=3)
    text = scenario_toml(result, 2, 12, "test")
    data = tomllib.loads(text)
    assert data["parameters"]["disease_start"] == "none"
    assert data["events"] == [{"kind": "price", "start": 6, "duration": 6, "strength": -0.3}]
    path = tmp_path / "params.toml"
    path.write_text(text)
    again = alpaca_abm.run(str(path), steps=12, rng=2)
    pd.testing.assert_frame_equal(result.model_df, again.model_df)
    pd.testing.assert_frame_equal(result.events, again.events)


def test_params_toml_says_the_master_switch_overrides_the_mechanism_switches():
    """A counterfactual's params.toml records `industry_investment = true` (its own switch)
    while the master switch stopped it: the file says so, and only when the master is off."""
    off = scenario_toml(alpaca_abm.run(steps=2, rng=1, coopetition=False, **SMALL), 1, 2, "t")
    on = scenario_toml(alpaca_abm.run(steps=2, rng=1, **SMALL), 1, 2, "t")
    assert tomllib.loads(off)["parameters"]["industry_investment"] is True
    assert "industry investment did not run" in off.replace("\n# ", " ")
    assert "master switch" not in on


# --- no shock, no change ------------------------------------------------------------------
def test_a_run_without_shocks_is_the_run_with_the_shock_machinery_switched_off(monkeypatch):
    """The baseline against the same seed with every shock hook forced to its neutral value
    and the schedule and disease never consulted: identical tables."""
    plain = alpaca_abm.run(steps=36, rng=9, **SMALL)
    # a schedule that is consulted every month but fires nothing changes nothing either
    model = AlpacaModel(rng=9, **SMALL)
    model.trigger(kind="disease", start=500)
    for _ in range(36):
        model.step()
    pd.testing.assert_frame_equal(plain.model_df, model.model_df)
    monkeypatch.setattr(shocks.ShockEngine, "begin_month", lambda self: None)
    monkeypatch.setattr(Disease, "spread", lambda self, state: None)
    # every factor the mechanisms read of the shocks (state.ShockFactors), forced neutral
    neutral = {
        "budget": 1.0,
        "coloured": 0.0,
        "fibre": 1.0,
        "export_access": 1.0,
        "export_price": 1.0,
        "import_price": 1.0,
        "entry": 1.0,
    }
    assert set(neutral) == set(ShockFactors.__annotations__)  # a new factor needs its neutral
    for name, value in neutral.items():
        fixed = property(lambda self, v=value: v, lambda self, _: None)
        monkeypatch.setattr(shocks.ShockEngine, name, fixed, raising=False)  # over the instance
    monkeypatch.setattr(shocks.ShockEngine, "buyer_factor", lambda self, segment: 1.0)
    monkeypatch.setattr(shocks.ShockEngine, "vet_factor", lambda self: 1.0)
    monkeypatch.setattr(shocks.ShockEngine, "compliance_cost", lambda self: 0.0)
    off = alpaca_abm.run(steps=36, rng=9, **SMALL)
    pd.testing.assert_frame_equal(plain.model_df, off.model_df)
    pd.testing.assert_frame_equal(plain.agent_df, off.agent_df)
    assert plain.summary == off.summary
    assert plain.events.empty and plain.event_marks == ()


# --- each shock alone ---------------------------------------------------------------------
def test_a_demand_drop_halves_outside_buyers_at_equal_supply():
    """Outside demand halved in month 24, against the same seed without, on 4 seeds: the
    same industry until then, the same animals listed in the shock's month, half the demand
    index (exact), and about half the outside buyers: the pooled ratio must lie in 0.4-0.6.
    Measured on 10 seeds when written (economy of issue #20): 0.491 (sd 0.020 a seed, so
    about 0.010 for 4 seeds pooled: a correct model fails with z > 9) and a shock that does
    not reach the buyers (1) always fails.

    The month's price is printed, not required: on this economy it hardly moves (log ratio
    -0.017, sd 0.039, lower in 7 of 10 seeds) while buyers outnumber offers, an open point
    of issue #20; before it, -0.026 (sd 0.019, lower in 16 of 16)."""
    buyers, prices = np.zeros(2), []
    for seed in range(4):
        a = alpaca_abm.run(steps=25, rng=seed, **SMALL).model_df
        b = alpaca_abm.run(
            steps=25, rng=seed, demand_shock_month=24, demand_shock_size=-0.5, **SMALL
        ).model_df
        pd.testing.assert_frame_equal(a.iloc[:24], b.iloc[:24])  # the same industry until then
        assert b["listed"].iloc[24] == a["listed"].iloc[24]  # equal supply in the shock's month
        assert b["demand_index"].iloc[24] == pytest.approx(0.5 * a["demand_index"].iloc[24])
        buyers += [a["outside_buyers"].iloc[24], b["outside_buyers"].iloc[24]]
        prices.append(np.log(b["price_female"].iloc[24] / a["price_female"].iloc[24]))
    print(f"\nprice log ratio in the shock's month by seed: {np.round(prices, 4).tolist()}")
    assert 0.4 < buyers[1] / buyers[0] < 0.6, buyers


def test_lower_budgets_lower_prices_and_their_end_restores_the_market():
    """Buyers' budgets 40% lower for two years from month 12, against the same seeds
    without: the log ratio of the mean price in the shock's second year, paired on 10
    seeds, required below -0.06 in the mean. Measured on 10 seeds when written (economy of
    issue #20): -0.231 (a ratio of 0.79; sd 0.175, lower in 8 of 10); the mean of 10 has sd
    0.055, so a correct model fails with z = 3.1 (about 1 in 1,000) and a shock that does not
    reach the price (0) passes with about 1 in 7. Before that economy: a ratio of 0.20."""
    logs = []
    for seed in range(10):
        a = alpaca_abm.run(steps=48, rng=seed, **SMALL).model_df
        sc = with_events({"kind": "price", "start": 12, "duration": 24, "strength": -0.4}, **SMALL)
        r = alpaca_abm.run(sc, steps=48, rng=seed)
        b = r.model_df
        logs.append(
            np.log(b["price_female"].iloc[24:36].mean() / a["price_female"].iloc[24:36].mean())
        )
        assert list(r.events["action"]) == ["start", "end"]
        assert list(r.events["date"]) == ["2007-01", "2009-01"]
    assert np.mean(logs) < -0.06, np.round(logs, 3)


def test_brexit_with_prohibitive_cost_stops_every_export():
    """Without Brexit some of 5 seeds export after month 12 (measured on 10 seeds with the
    economy of issue #20: 1 to 8 animals, none without; before it 0 to 16, none in 3 of 16,
    so all five without exports had a chance of about 2 in 10,000); with a prohibitive
    Brexit no seed exports (exact)."""
    exports = 0
    for seed in range(5):
        exports += (
            alpaca_abm.run(steps=48, rng=seed, **SMALL).model_df["export_sales"].iloc[12:].sum()
        )
        shut = alpaca_abm.run(steps=48, rng=seed, brexit_month=12, brexit_strength=1.0, **SMALL)
        assert shut.model_df["export_sales"].iloc[12:].sum() == 0
    assert exports > 0  # without it exports go on
    r = alpaca_abm.run(steps=48, rng=1, brexit_month=12, brexit_strength=1.0, keep_model=True)
    df = r.model_df
    assert df["export_sales"].iloc[12:].sum() == 0
    assert r.model.shocks.export_access == 0.0
    assert elite_stud_price(r.model) > r.model.scenario.elite_stud_price  # dearer imports
    mood = df["investment_mood"]
    assert (mood.iloc[:12] == 1.0).all() and (mood.iloc[12:36] < 1.0).all()
    assert (mood.iloc[36:] == 1.0).all()  # the uncertainty passes after two years


def test_coloured_demand_changes_what_is_bought():
    """A preference for coloured animals from month 12: the coloured share of sales with it
    minus without, paired on 2 seeds; required a mean above 0.05. Measured on 10 seeds when
    written (economy of issue #20): +0.225 (sd 0.027, 0.181 to 0.277); the mean of 2 has sd
    0.019, so a correct model fails with z = 9 and no effect (0) passes with about 1 in 200.
    Before that economy: +0.196 (sd 0.068)."""
    diffs = []
    for seed in (2, 3):
        shares = []
        for event in ((), ({"kind": "coloured", "start": 12, "strength": 1.0},)):
            run = alpaca_abm.run(with_events(*event, **SMALL), steps=48, rng=seed)
            df = run.model_df.iloc[12:]
            shares.append(df["coloured_sales"].sum() / df["sales_count"].sum())
        diffs.append(shares[1] - shares[0])
    assert np.mean(diffs) > 0.05, np.round(diffs, 3)


def test_fibre_demand_raises_what_fleece_earns():
    prices = []
    for event in ((), ({"kind": "fibre", "start": 0, "strength": 0.5},)):
        df = alpaca_abm.run(with_events(*event, **SMALL), steps=18, rng=2).model_df
        prices.append(df.loc[df["date"] == "2007-06", "fibre_price"].iloc[0])
    assert prices[1] > 1.3 * prices[0]


def test_recognition_and_law_change_costs_only_where_they_apply():
    """Same seed, one month: recognition in Wales cuts Welsh vet bills only; a national law
    adds its compliance cost per alpaca to every breeder's costs."""
    costs, heads = [], None
    for event in (
        None,
        {"kind": "recognition", "start": 0, "strength": 0.5, "region": "Wales"},
        {"kind": "legislation", "start": 0, "strength": 3.0},
    ):
        m = AlpacaModel(rng=8, **SMALL)
        n0 = m.firms.n
        if event:
            m.trigger(event)
        m.step()
        costs.append(m.firms.costs[:n0].copy())
        if heads is None:
            in_wales = np.isin(m.firms.place[:n0], events.region_rows("Wales"))
            heads = m.herd.counts_by_owner(m.firms.n)[:n0]
    assert in_wales.any() and (~in_wales).any()
    assert (costs[1][in_wales] < costs[0][in_wales]).all()
    assert np.allclose(costs[1][~in_wales], costs[0][~in_wales])
    assert np.allclose(costs[2] - costs[0], 3.0 * heads)


def test_rivalry_rises_with_an_event_and_follows_maturity_when_fed_back():
    """A rivalry event of strength 5: conflicts over five years with it and without, summed
    over 6 paired seeds (a single calm run can have no conflict at all, which made a
    per-seed log ratio infinite whatever the event did). Required: the pooled ratio above 2.
    Measured when written (seeds 4-9, the economy and competition-from-sales of this round):
    122 against 22, a ratio of 5.5; with counts this size the log ratio's sd is about
    sqrt(1/22 + 1/122) = 0.23, so a correct model fails at z = (1.71 - 0.69) / 0.23 = 4.4
    (about 1 in 200,000) and an event that did nothing (ratio 1) passes at z = 3 (1 in 700)."""
    calm_total = heated_total = 0
    for seed in range(4, 10):
        calm = alpaca_abm.run(steps=60, rng=seed, **SMALL).model_df
        sc = with_events({"kind": "rivalry", "start": 0, "strength": 5.0}, **SMALL)
        heated = alpaca_abm.run(sc, steps=60, rng=seed).model_df
        calm_total += int(calm["conflicts"].sum())
        heated_total += int(heated["conflicts"].sum())
        assert calm["rivalry_index"].iloc[-1] > 1.0  # the industry filled up
    assert calm_total >= 10, calm_total  # enough conflicts for the ratio to mean something
    assert heated_total > 2 * calm_total, (heated_total, calm_total)
    m = AlpacaModel(rng=4, rivalry_feedback=1.0, **SMALL)
    for _ in range(24):
        index = m.rivalry_index
        m.step()
        assert m.rivalry == pytest.approx(index)  # set at the month's start from last month


def test_a_disease_event_in_a_region_starts_there():
    sc = with_events({"kind": "disease", "start": 0, "herds": 3, "region": "South West"})
    r = alpaca_abm.run(sc, steps=1, rng=1, keep_model=True)
    herds = [int(x) for x in r.events["detail"].iloc[0].split(";")[0].split(":")[1].split()]
    assert len(herds) == 3
    assert np.isin(r.model.firms.place[herds], events.region_rows("South West")).all()


# --- while a model runs, and what a run records ------------------------------------------
def test_trigger_fires_an_event_mid_run_and_refuses_bad_ones():
    m = AlpacaModel(rng=2, **SMALL)
    for _ in range(6):
        m.step()
    checked = m.trigger(kind="demand", strength=-0.4)
    assert checked["start"] == 6  # the next month
    m.step()
    assert m.event_log[-1]["kind"] == "demand" and m.event_log[-1]["month"] == 6
    assert m.shocks.buyer_factor("hobby") == pytest.approx(0.6)
    m.trigger(events.Event("brexit", start="2006-08", strength=1.0))  # the next month
    m.step()
    assert m.shocks.export_access == 0.0
    with pytest.raises(ValueError, match="'start'.*already passed"):
        m.trigger(kind="fibre", start=2, strength=0.2)
    with pytest.raises(ValueError, match="'breeders'"):
        m.trigger(kind="disease", breeders=[10_000])
    with pytest.raises(ValueError, match="'kind'"):
        m.trigger(kind="locusts")


def test_a_run_records_what_fired_when_and_writes_it(tmp_path):
    result = alpaca_abm.run("disease_outbreak", steps=66, rng=1, n_breeders=30)
    ev = result.events
    assert list(ev.columns) == list(shocks.EVENT_LOG_COLUMNS)
    assert ev.iloc[0]["kind"] == "disease" and ev.iloc[0]["date"] == "2011-01"
    assert result.event_marks == ((2011.0, "disease"),)
    for column in (
        "infected_herds",
        "found_herds",
        "restricted_herds",
        "export_sales",
        "demand_index",
        "rivalry_index",
    ):
        assert column in result.model_df
    assert result.model_df["infected_herds"].iloc[60:].max() > 0
    write_run(result, tmp_path, seed=1, steps=66, version="test", command=["test"])
    written = pd.read_csv(tmp_path / "events.csv")
    assert written.loc[0, "kind"] == "disease" and written.loc[0, "month"] == 60
    assert (tmp_path / "industry.png").stat().st_size > 0


def test_event_naming_a_breeder_that_does_not_exist_is_refused():
    sc = alpaca_abm.load_scenario("baseline", n_breeders=20).replace(
        events=({"kind": "disease", "start": 3, "breeders": [25]},)
    )
    with pytest.raises(ValueError, match=r"events\[0\].*'breeders'.*25"):
        alpaca_abm.AlpacaModel(sc, rng=1)
