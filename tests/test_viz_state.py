"""The app's adapter (alpaca_abm/viz/state.py), outline and twin run, without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpaca_abm.model import AlpacaModel
from alpaca_abm.params import PARAMETER_INDEX
from alpaca_abm.viz import state
from alpaca_abm.viz.outline import gb_rings_km, gb_rings_lonlat
from alpaca_abm.viz.twin import SHOCK_BUTTONS, TwinRun


@pytest.fixture(scope="module")
def stepped():
    model = AlpacaModel("baseline", rng=3)
    for _ in range(14):
        model.step()
    return model


def test_outline_is_great_britain_and_holds_every_place(stepped):
    rings = gb_rings_lonlat()
    lonlat = np.concatenate(rings)
    assert -8.7 < lonlat[:, 0].min() < -7.5 and 1.5 < lonlat[:, 0].max() < 1.8  # Hebrides, Norfolk
    assert 49.8 < lonlat[:, 1].min() < 50.1 and 60.7 < lonlat[:, 1].max() < 60.9  # Lizard, Unst
    from matplotlib.path import Path

    mainland = max(gb_rings_km(), key=len)
    places = stepped.places
    from alpaca_abm.world import to_km

    x, y = to_km(places["lat"].to_numpy(float), places["lon"].to_numpy(float))
    inside = Path(mainland).contains_points(np.c_[x, y])
    assert inside.mean() > 0.9, places["name"][~inside].tolist()


def test_a_listed_column_the_model_lacks_is_skipped_not_an_error(stepped):
    panel = state.Panel(
        "Fleece", "unit", (("a_column_from_the_future", "new"), ("n_breeders", "q"))
    )
    lines = state.panel_lines(panel, stepped.model_df, None)
    assert [label for label, _, _ in lines] == ["q"]
    assert (
        state.panel_lines(state.Panel("x", "y", (("no_such", "n"),)), stepped.model_df, None) == []
    )


def test_a_line_not_measured_yet_has_no_legend_entry_until_it_is():
    """The fleece plot before the first shearing: 'last clip' is all zeros (no clip sold yet),
    so only the genetic mean is drawn; from the month a clip sells, both lines are."""
    panel = next(p for p in state.SERIES["industry"] if p.title == "Fleece fineness")
    model_df = pd.DataFrame(
        {"date": ["2006-01", "2006-02", "2006-03"], "step": [1, 2, 3],
         "mean_micron": [24.0, 24.1, 24.1], "fleece_micron": [0.0, 0.0, 0.0]}
    )  # fmt: skip
    assert [label for label, _, _ in state.panel_lines(panel, model_df, None)] == ["genetic mean"]
    model_df.loc[2, "fleece_micron"] = 23.5
    lines = state.panel_lines(panel, model_df, None)
    assert [label for label, _, _ in lines] == ["genetic mean", "last clip"]
    clip = lines[1][2]
    assert np.isnan(clip[:2]).all() and clip[2] == 23.5  # the zeros before stay gaps


def test_every_plot_has_a_column_the_model_reports_today(stepped):
    model_df, agent_df = stepped.model_df, stepped.agent_df
    for level, every in state.SERIES.items():
        # panels of a module switched off in this run (the paradox) are not drawn
        panels = [p for p in every if not p.switch or getattr(stepped.scenario, p.switch)]
        drawn = [p for p in panels if state.panel_lines(p, model_df, agent_df)]
        assert len(drawn) >= len(panels) - 1, level  # at most one awaits a future column
        for panel in panels:
            if panel.title != "Fleece fineness":
                assert state.panel_lines(panel, model_df, agent_df), (level, panel.title)


def test_time_axis_is_decimal_years_of_the_date_column(stepped):
    t = state.years(stepped.model_df)
    assert t[0] == 2006.0 and t[12] == 2007.0 and t[1] == pytest.approx(2006 + 1 / 12)


def test_firm_frame_has_one_row_per_active_breeder_with_its_herd(stepped):
    f = state.firm_frame(stepped)
    assert len(f) == int(stepped.firms.active.sum())
    heads = stepped.herd.counts_by_owner(stepped.firms.n)
    assert (f["herd"].to_numpy() == heads[f["breeder_id"].to_numpy()]).all()
    assert set(f["size_class"]) <= {"small", "large"}
    assert (f["relationship"] >= -1).all() and (f["relationship"] <= 2).all()


def test_breeder_detail_counts_the_whole_herd_and_names_partners(stepped):
    links = state.partnership_links(stepped)
    breeder = int(links["keeper"].iloc[0]) if len(links) else 0
    d = state.breeder_detail(stepped, breeder)
    heads = stepped.herd.counts_by_owner(stepped.firms.n)[breeder]
    parts = d["herd"]["animals"]
    assert parts["whole herd"] == heads == parts.iloc[:3].sum()
    assert sorted(d["partners"]["partner"]) == stepped.contracts.partners_of(breeder)
    assert list(d["knowledge"].index) == ["health", "breeding", "marketing"]
    with pytest.raises(ValueError, match="no breeder"):
        state.breeder_detail(stepped, stepped.firms.n + 5)


def test_reading_the_state_leaves_the_run_unchanged():
    quiet, watched = AlpacaModel("baseline", rng=5), AlpacaModel("baseline", rng=5)
    layout = state.NetworkLayout()
    for _ in range(15):
        quiet.step()
        watched.step()
        state.firm_frame(watched)
        state.network_frame(watched, layout)
        state.breeder_detail(watched, 1)
        state.model_csv(watched)
        state.breeder_csv(watched)
    pd.testing.assert_frame_equal(quiet.model_df, watched.model_df)


def test_network_positions_of_known_breeders_never_move(stepped):
    layout = state.NetworkLayout(seed=1)
    first = layout.positions([1, 2, 3], [(1, 2)])
    again = layout.positions([1, 2, 3, 4], [(1, 2), (3, 4)])
    assert {k: again[k] for k in first} == first and 4 in again


def test_sliders_take_label_unit_range_and_help_from_the_parameter_table():
    for name in state.SLIDERS:
        spec, p = state.slider_spec(name), PARAMETER_INDEX[name]
        assert p.unit in spec.label and spec.help == p.doc
        assert p.low <= spec.low < spec.high <= p.high
        assert spec.low <= p.default <= spec.high


def test_twin_is_the_same_industry_without_coopetition_in_lockstep():
    run = TwinRun("baseline", seed=2, twin=True)
    for _ in range(6):
        run.step()
    assert run.twin.steps == run.live.steps == 6
    assert run.twin.scenario.coopetition is False and run.live.scenario.coopetition is True
    alone = AlpacaModel("baseline", rng=2, coopetition=False)
    for _ in range(6):
        alone.step()
    pd.testing.assert_frame_equal(alone.model_df, run.twin.model_df)


def test_a_shock_fired_reaches_the_twin_in_the_same_month_even_when_it_starts_late():
    run = TwinRun("baseline", seed=4)
    for _ in range(3):
        run.step()
    run.fire("Disease outbreak")
    for _ in range(2):
        run.step()
    run.set_twin(True)  # switched on after the shock: catches up, shock included
    for _ in range(2):
        run.step()
    starts = [
        (e["step"], e["kind"])
        for m in (run.live, run.twin)
        for e in m.event_log
        if e["action"] == "start"
    ]
    assert starts == [(4, "disease"), (4, "disease")]
    assert state.infected_herds(run.live) > 0 and state.infected_herds(run.twin) > 0


@pytest.mark.parametrize("label", list(SHOCK_BUTTONS))
def test_every_shock_button_is_a_valid_event(label):
    run = TwinRun("baseline", seed=0)
    event = run.fire(label)
    assert event["kind"] == SHOCK_BUTTONS[label][0]
    run.step()
    assert any(e["kind"] == event["kind"] for e in run.live.event_log)


def test_downloads_are_the_runs_model_and_breeder_tables(stepped):
    import io

    model = pd.read_csv(io.StringIO(state.model_csv(stepped)))
    assert list(model.columns) == list(stepped.model_df.columns)
    assert len(model) == stepped.steps
    breeders = pd.read_csv(io.StringIO(state.breeder_csv(stepped)), index_col=[0, 1])
    assert breeders.index.names == ["step", "breeder_id"]
    assert len(breeders) == len(stepped.agent_df)
