"""The app's Solara components rendered in-process (solara.render), without a browser."""

from __future__ import annotations

import ipyvuetify as v
import ipywidgets as widgets
import pytest
import solara

from alpaca_abm.viz import components as c
from alpaca_abm.viz.app import Page
from alpaca_abm.viz.twin import TwinRun


def _texts(rc) -> str:
    """Every text the rendered tree shows (text elements and server-rendered HTML)."""
    found = []
    for el in rc.find(v.Html).widgets + rc.find(v.Alert).widgets:
        found += [str(x) for x in el.children if isinstance(x, str)]
    found += [el.unsafe_innerHTML for el in rc.find(solara.widgets.HTML).widgets]
    return "\n".join(found)


@pytest.fixture
def run():
    r = TwinRun("baseline", seed=1)
    for _ in range(3):
        r.step()
    return r


def test_series_view_draws_a_figure_and_says_when_the_twin_is_dashed(run):
    box, rc = solara.render(c.SeriesView(run, "industry"), handle_error=False)
    assert rc.find(widgets.Image).widgets  # the matplotlib figure, as PNG
    rc.find(v.Html, children=["Solid: this run."]).assert_single()
    run.set_twin(True)
    box, rc = solara.render(c.SeriesView(run, "industry"), handle_error=False)
    text = _texts(rc)
    assert "the twin without coopetition" in text and "(0 curves)" not in text


def test_map_view_draws_the_map_and_counts_breeders_and_links(run):
    selected = solara.reactive(None)
    box, rc = solara.render(c.MapView(run, selected), handle_error=False)
    (image,) = rc.find(v.VuetifyTemplate).widgets
    assert image.src.startswith("data:image/png;base64,")
    n = int(run.live.firms.active.sum())
    assert f"Map: {n} breeders" in _texts(rc)


def test_a_click_on_the_map_selects_the_nearest_breeder(run):
    selected = solara.reactive(None)
    box, rc = solara.render(c.MapView(run, selected), handle_error=False)
    (image,) = rc.find(v.VuetifyTemplate).widgets
    image.vue_pick({"x": 300.0, "y": 495.0})  # southern England, in the PNG's pixels
    assert selected.value is not None and run.live.firms.active[selected.value]
    assert f"Selected: breeder {selected.value}" in _texts(rc)


def test_disease_button_fires_the_event_in_the_model(run):
    box, rc = solara.render(c.ShockButtons(run), handle_error=False)
    rc.find(v.Btn, children=["Disease outbreak"]).widget.click()
    assert [e["kind"] for _, e in run.fired] == ["disease"]
    run.step()
    assert any(e["kind"] == "disease" and e["action"] == "start" for e in run.live.event_log)


def test_twin_switch_starts_the_counterfactual_and_remembers_it_for_reset(run):
    params = solara.reactive({"scenario_name": "baseline", "seed": 1, "twin": False})
    box, rc = solara.render(c.TwinSwitch(run, params), handle_error=False)
    rc.find(v.Switch).widget.v_model = True
    assert run.twin is not None and run.twin.steps == run.live.steps
    assert params.value["twin"] is True


def test_parameter_slider_writes_the_value_the_next_run_uses():
    params = solara.reactive({"scenario_name": "baseline", "seed": 0, "twin": False})
    box, rc = solara.render(c.ParameterControls(params, ["baseline"]), handle_error=False)
    (slider,) = [w for w in rc.find(v.Slider).widgets if w.label.startswith("Openness mean")]
    slider.v_model = 0.25
    assert params.value["openness_mean"] == 0.25
    assert TwinRun(**params.value).live.scenario.openness_mean == 0.25


def test_inspector_shows_the_selected_breeders_herd(run):
    selected = solara.reactive(2)
    box, rc = solara.render(c.InspectorView(run, selected), handle_error=False)
    text = _texts(rc)
    assert "Breeder 2" in text and "Herd" in text
    heads = int(run.live.herd.counts_by_owner(run.live.firms.n)[2])
    from solara.components.datatable import DataTableWidget

    frames = rc.find(DataTableWidget).widgets
    assert frames and any(
        row.get("animals of") == "whole herd" and row.get("animals") == str(heads)
        for f in frames
        for row in f.items
    ), "the herd table shows the whole herd"


def test_page_steps_and_resets_through_its_controls(monkeypatch):
    monkeypatch.setenv("ALPACA_ABM_VIZ_SEED", "3")

    @solara.component
    def App():  # the sidebar is a portal into the app layout, as `solara run` gives it
        with solara.AppLayout():
            Page()

    box, rc = solara.render(App(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    rc.find(v.Html, children=["Time: 1.0"]).assert_single()
    rc.find(v.Btn, children=["Reset"]).widget.click()
    rc.find(v.Html, children=["Time: 0.0"]).assert_single()


def test_a_seed_that_is_not_a_whole_number_is_refused_in_words():
    params = solara.reactive({"scenario_name": "baseline", "seed": 0, "twin": False})
    box, rc = solara.render(c.ParameterControls(params, ["baseline"]), handle_error=False)
    field = rc.find(v.TextField, label="Seed").widget
    field.v_model = "abc"
    assert params.value["seed"] == 0 and "whole number" in _texts(rc)
    field.v_model = "7"
    assert params.value["seed"] == 7 and "whole number" not in _texts(rc)


@pytest.mark.parametrize("view", ["RunInfo", "SeriesView", "MapView", "InspectorView"])
def test_a_view_never_reads_the_industry_in_the_middle_of_a_month(run, view):
    """Mesa's controller steps in a thread of its own while the page redraws in another
    (the first redraw after ▶ came mid-month and crashed in the infection count). A month
    is held half done (every phase run, the herd not yet tidied nor the month's row
    collected); a redraw started then must wait for the month's end and show that month."""
    import threading

    run.set_twin(True)
    run.fire("Disease outbreak")
    run.step()  # the outbreak is running: the infection count reads the herd
    half_done, go_on = threading.Event(), threading.Event()
    live = run.live
    closing = live._end_month

    def wait_then_close() -> None:
        half_done.set()
        go_on.wait(timeout=60)
        closing()

    live._end_month = wait_then_close
    stepper = threading.Thread(target=run.step)
    stepper.start()
    assert half_done.wait(timeout=60)
    selected = solara.reactive(int(live.firms.active.nonzero()[0][0]))
    element = {
        "RunInfo": lambda: c.RunInfo(run),
        "SeriesView": lambda: c.SeriesView(run, "industry"),
        "MapView": lambda: c.MapView(run, selected),
        "InspectorView": lambda: c.InspectorView(run, selected),
    }[view]()
    shown: list = []
    reader = threading.Thread(target=lambda: shown.append(solara.render(element)))
    reader.start()
    reader.join(timeout=3)
    read_mid_month = not reader.is_alive()
    go_on.set()
    stepper.join(timeout=60)
    reader.join(timeout=60)
    del live._end_month
    assert not read_mid_month, f"{view} was drawn while a month was half done"
    if view == "RunInfo":
        text = _texts(shown[0][1])
        assert f"Month {live.steps} · {live.date}" in text
        assert f"Infected herds: {int((live.disease.infected_by_owner(live) > 0).sum())}" in text
