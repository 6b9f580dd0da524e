"""Reset, Play/Pause and Step for the app's run, each month stepped for the run it was meant for.

Mesa 3.5's `ModelController` did this before, and had a race that a class saw: its Play
thread sleeps out the play interval and then steps whatever run is current, and when Play
was switched off during that sleep it steps once more through its Step path. So ❚❚ let one
more month run after it was pressed, and Reset pressed while ▶ played gave a new run that
showed month 1 (two tries in three in a browser). Here a Play holds the run it was started
for and a token of its own, and checks just before every month that it is still the current
Play of the current run: ❚❚ stops the run where it is, and Reset's new run starts at month 0.
The buttons keep Mesa's labels and behaviour (Step is disabled while playing and at the
run's end; "Render every N steps" steps N months a click or a Play tick), and the views
redraw through Mesa's `force_update`, as before.
"""

from __future__ import annotations

import threading
import time
import traceback

import solara
import solara.lab
from mesa.visualization.utils import force_update

from .twin import TwinRun


class PlayToken:
    """Which Play may step: each ▶, ❚❚ and Reset makes the earlier Plays stale."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current = 0

    def renew(self) -> int:
        """Make every earlier Play stale; return the new token."""
        with self._lock:
            self._current += 1
            return self._current

    def is_current(self, token: int) -> bool:
        return token == self._current


@solara.component
def RunControls(
    model: solara.Reactive[TwinRun],
    params: solara.Reactive[dict],
    play_interval: solara.Reactive[int],
    render_interval: solara.Reactive[int],
):
    """Reset (a new run from `params`), ▶/❚❚ and Step for the run in `model`."""
    playing = solara.use_reactive(False)
    running = solara.use_reactive(True)
    error = solara.use_reactive(None)
    plays = solara.use_memo(PlayToken, [])

    def play() -> None:
        """The Play task: months of the run that was current at ▶, one every play interval,
        while this Play is the current one (a stale Play stops before its next month)."""
        run, token = model.value, plays.renew() if playing.value else None
        if token is None:
            return

        def may_step() -> bool:
            return plays.is_current(token) and model.value is run and run.running

        try:
            while may_step():
                time.sleep(play_interval.value / 1000)
                stepped = 0
                while stepped < render_interval.value and may_step():
                    run.step()
                    stepped += 1
                if stepped:
                    if not run.running and plays.is_current(token):  # the run's end
                        running.value = False
                        playing.value = False
                    force_update()
        except Exception as e:  # shown on the page, as Mesa's controller did
            error.value = f"error in step: {e}"
            playing.value = False
            traceback.print_exc()

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def toggle() -> None:
        plays.renew()  # a Play still sleeping out its interval steps no more
        playing.value = not playing.value

    def step() -> None:
        run = model.value
        try:
            for _ in range(render_interval.value):
                if not run.running:  # (Mesa would count a month past the end)
                    break
                run.step()
        except Exception as e:
            error.value = f"error in step: {e}"
            traceback.print_exc()
        running.value = run.running
        force_update()

    def reset() -> None:
        plays.renew()
        playing.value = False
        error.value = None
        model.value = TwinRun(**params.value)
        running.value = model.value.running
        force_update()

    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset)
        solara.Button(
            label="❚❚" if playing.value else "▶",
            color="primary",
            on_click=toggle,
            disabled=not running.value,
        )
        solara.Button(
            label="Step",
            color="primary",
            on_click=step,
            disabled=playing.value or not running.value,
        )
    if error.value:
        solara.Error(label=error.value)
