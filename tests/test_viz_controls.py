"""The app's run controls (viz/controls.py) rendered in-process, their Play in its own thread.

Mesa 3.5's ModelController, which the app used before, let one more month run after ❚❚ and
gave Reset's new run a month when Reset came while ▶ waited out its play interval. Each test
presses the button in that window: a while (SLEEPING_S) after a month began, when the month
and its redraw are over and the next month is still far off (PLAY_MS). Rendered in-process
with Mesa's controller in its place, the pause and Reset tests failed (2 months, and the new
run at month 1).
"""

from __future__ import annotations

import time

import ipyvuetify as v
import solara

from alpaca_abm.viz.controls import RunControls
from alpaca_abm.viz.twin import TwinRun

PLAY_MS = 1000  # the play interval: each month comes this long after the last
SLEEPING_S = 0.3  # after a month began: the month (about 0.05 s) and its redraw are over
SETTLE_S = 2 * PLAY_MS / 1000  # long enough for a stray month to show


def _controls(months: int = 24, render_every: int = 1):
    params = solara.reactive({"scenario_name": "baseline", "seed": 1, "months": months})
    model = solara.reactive(TwinRun(**params.value))
    box, rc = solara.render(
        RunControls(model, params, solara.reactive(PLAY_MS), solara.reactive(render_every)),
        handle_error=False,
    )
    return model, rc


def _press(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def _wait_for_month(run: TwinRun, month: int, timeout_s: float = 60) -> None:
    """Until month `month` has begun (Mesa counts a step as it starts), then SLEEPING_S more:
    the Play is then waiting out its interval."""
    end = time.monotonic() + timeout_s
    while run.steps < month:
        assert time.monotonic() < end, f"month {month} never came (at {run.steps})"
        time.sleep(0.005)
    time.sleep(SLEEPING_S)


def test_pause_stops_the_run_where_it_is():
    model, rc = _controls()
    run = model.value
    _press(rc, "▶")
    _wait_for_month(run, 1)
    _press(rc, "❚❚")  # while the Play waits out its interval before month 2
    time.sleep(SETTLE_S)
    assert run.steps == 1
    rc.find(v.Btn, children=["▶"]).assert_single()
    _press(rc, "Step")
    assert run.steps == 2


def test_reset_while_playing_gives_a_run_at_month_0_that_stays_there():
    model, rc = _controls()
    old = model.value
    _press(rc, "▶")
    _wait_for_month(old, 1)
    _press(rc, "Reset")
    new = model.value
    assert new is not old
    time.sleep(SETTLE_S)
    assert (new.steps, new.time, old.steps) == (0, 0, 1)
    _press(rc, "▶")  # and a new Play plays the new run
    _wait_for_month(new, 2)
    _press(rc, "❚❚")


def test_play_stops_at_the_runs_end_and_disables_play_and_step():
    model, rc = _controls(months=3)
    run = model.value
    _press(rc, "▶")
    _wait_for_month(run, 3)
    time.sleep(SETTLE_S)
    assert run.steps == 3 and not run.running
    for label in ("▶", "Step"):
        assert rc.find(v.Btn, children=[label]).widget.disabled


def test_step_of_several_months_stops_at_the_runs_end():
    """Step steps "Render every N steps" months, none past the run's end (each would count
    on Mesa's clock though the run itself stops)."""
    model, rc = _controls(months=3, render_every=2)
    run = model.value
    _press(rc, "Step")
    assert (run.steps, run.live.steps) == (2, 2)
    _press(rc, "Step")
    assert (run.steps, run.time, run.live.steps) == (3, 3, 3)
    assert rc.find(v.Btn, children=["Step"]).widget.disabled
