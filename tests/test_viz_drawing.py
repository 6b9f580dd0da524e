"""Drawing shared by the app and the run figures: year axes, map, panels, network."""

from __future__ import annotations

import numpy as np
import pytest

import alpaca_abm
from alpaca_abm.plots import (
    NO_PARTNERSHIP_TEXT,
    individual_figure,
    industry_figure,
    organisational_figure,
)
from alpaca_abm.viz import state
from alpaca_abm.viz.drawing import draw_map, draw_network, draw_panels
from alpaca_abm.viz.twin import TwinRun


@pytest.fixture(scope="module")
def result():
    return alpaca_abm.run("baseline", steps=120, rng=0)


def _labels(ax) -> list[str]:
    ax.figure.canvas.draw()
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def test_run_figures_label_time_with_whole_years_that_do_not_crowd(result):
    figs = [
        individual_figure(result.model_df, result.agent_df),
        industry_figure(result.model_df),
    ]
    for fig in figs:
        for ax in fig.axes[:2]:
            labels = _labels(ax)
            assert 2 <= len(labels) <= 7, labels
            assert all(label.lstrip("−-").isdigit() for label in labels), labels


def test_panels_draw_the_twin_dashed_beside_the_live_run():
    run = TwinRun("baseline", seed=0, twin=True)
    for _ in range(4):
        run.step()
    panels = state.SERIES["industry"]
    fig = draw_panels(panels, (run.live.model_df, None), (run.twin.model_df, None))
    n_lines = sum(len(state.panel_lines(p, run.live.model_df, None)) for p in panels)
    assert fig.twin_curves == n_lines
    dashed = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == n_lines
    alone = draw_panels(panels, (run.live.model_df, None))
    assert alone.twin_curves == 0


def test_map_marks_every_breeder_and_rings_the_selected_one():
    run = TwinRun("baseline", seed=0)
    run.step()
    firms = state.firm_frame(run.live)
    fig = draw_map(firms, state.partnership_links(run.live), "infection", int(firms.breeder_id[0]))
    offsets = [len(c.get_offsets()) for c in fig.axes[0].collections if hasattr(c, "get_offsets")]
    assert len(firms) in offsets and 1 in offsets  # the breeders, and the ring
    with pytest.raises(KeyError):
        draw_map(firms, state.partnership_links(run.live), "no such colouring")


def test_network_view_draws_the_nodes_it_was_given():
    run = TwinRun("baseline", seed=0)
    for _ in range(12):
        run.step()
    nodes, edges = state.network_frame(run.live, state.NetworkLayout())
    fig = draw_network(nodes, edges)
    assert len(fig.axes[0].collections[-1].get_offsets()) == len(nodes) > 0


def test_clicking_a_breeders_pixel_on_the_map_picks_that_breeder():
    from alpaca_abm.viz.drawing import MapPlot

    run = TwinRun("baseline", seed=0)
    run.step()
    firms = state.firm_frame(run.live)
    plot = MapPlot()
    plot.update(firms, state.partnership_links(run.live), "size class", None)
    height = plot.fig.get_size_inches()[1] * plot.fig.dpi
    for row in firms.sample(5, random_state=0).itertuples():
        px, py = plot.ax.transData.transform((row.x_km, row.y_km))
        assert plot.breeder_at(px, height - py, firms) == row.breeder_id
    assert plot.breeder_at(5, 5, firms) is None  # the top-left corner is the North Sea


def _shown(ax) -> list[str]:
    """The time axis's labels inside its view (matplotlib also keeps some beyond it)."""
    ax.figure.canvas.draw()
    left, right = ax.get_xlim()
    return [
        t.get_text()
        for t in ax.get_xticklabels()
        if t.get_text() and left <= t.get_position()[0] <= right
    ]


def _years_of(model_df) -> tuple[float, float]:
    first, last = model_df["date"].iloc[0], model_df["date"].iloc[-1]
    return int(first[:4]), int(last[:4]) + 1


def test_every_run_figure_has_one_time_axis_in_calendar_years(result):
    """The organisational figure used 'years from start' (0, 2, 4...) while the others
    used calendar years: every time axis now reads the run's own years."""
    start, end = _years_of(result.model_df)
    figs = {
        "industry": industry_figure(result.model_df),
        "organisational": organisational_figure(result.model_df, result.agent_df),
        "individual": individual_figure(result.model_df, result.agent_df),
    }
    for name, fig in figs.items():
        time_axes = [ax for ax in fig.axes if ax.get_xlabel() == "year"]
        assert len(time_axes) >= 2, f"{name}: {[ax.get_xlabel() for ax in fig.axes]}"
        for ax in time_axes:
            left, right = ax.get_xlim()
            assert start - 1 <= left and right <= end + 1, (name, left, right)
            shown = [int(label.replace("−", "-")) for label in _shown(ax)]
            assert shown and all(start <= y <= end for y in shown), (name, shown)


def test_a_view_of_one_year_is_labelled_once_not_with_the_year_repeated():
    from matplotlib.figure import Figure

    from alpaca_abm.plots import year_axis

    ax = Figure().subplots()
    ax.plot([2006.9, 2007.8], [0, 1])
    ax.set_xlim(2006.9, 2007.8)
    year_axis(ax)
    labels = _shown(ax)
    assert labels == ["2007"], labels


def test_relationship_types_panel_says_so_when_there_is_no_partnership():
    none = alpaca_abm.run("baseline", steps=6, rng=0, coownership=False)
    assert not none.model_df["n_partnerships"].any()  # the premise
    fig = industry_figure(none.model_df)
    (panel,) = [ax for ax in fig.axes if ax.get_title() == "Relationship types"]
    assert NO_PARTNERSHIP_TEXT in [t.get_text() for t in panel.texts]


def test_relationship_types_panel_has_its_legend_when_there_are_partnerships(result):
    assert result.model_df["n_partnerships"].any()
    (panel,) = [
        ax for ax in industry_figure(result.model_df).axes if ax.get_title() == "Relationship types"
    ]
    assert panel.get_legend() is not None
    assert NO_PARTNERSHIP_TEXT not in [t.get_text() for t in panel.texts]


def test_panels_redrawn_month_after_month_keep_each_y_range_on_its_data():
    """The app updates one figure in place: after month 1 (one point) and months of growth
    every panel's y range still holds its curve, and an all-zero curve (no disease yet)
    reads 0 to 1, not -0.04 to 0.04."""
    from alpaca_abm.viz.drawing import PanelsPlot

    run = TwinRun("baseline", seed=0)
    run.step()
    panels = state.SERIES["industry"]
    plot = PanelsPlot(panels, (run.live.model_df, None), ncols=2, width=6.4)
    plot.update((run.live.model_df, None))
    for _ in range(11):
        run.step()
    plot.update((run.live.model_df, None))
    flat = 0
    for ax, panel in zip(plot.axes, plot.panels, strict=True):
        low, high = ax.get_ylim()
        ys = np.concatenate([y for _, _, y in state.panel_lines(panel, run.live.model_df, None)])
        ys = ys[np.isfinite(ys)]
        if not ys.any():
            assert (low, high) == (0.0, 1.0), panel.title
            flat += 1
            continue
        assert low <= ys.min() and ys.max() <= high, (panel.title, low, high, ys.min(), ys.max())
        span = ys.max() - ys.min()
        assert high - low <= 1.5 * span + 1e-9 or span == 0, (panel.title, low, high)
    assert flat >= 1  # the disease panel: no outbreak in a year of the baseline
