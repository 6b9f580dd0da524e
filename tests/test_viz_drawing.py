"""Drawing shared by the app and the run figures: year axes, map, panels, network."""

from __future__ import annotations

import pytest

import alpaca_abm
from alpaca_abm.plots import individual_figure, industry_figure
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
