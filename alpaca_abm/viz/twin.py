"""The app's model: the live industry and, when asked, its twin without coopetition.

`TwinRun` is the Mesa model the app's controls drive (Step, Play, Reset; viz/controls.py).
It holds the live `AlpacaModel` and, while the twin switch is on, the counterfactual
industry: the same scenario and seed with `coopetition=False`, stepped in lockstep and hit
by the same shocks in the same months, so that the two curves differ only by what
cooperation changes.

The controls step the model in a thread of their own while the page redraws in another (a
click, a switch, the redraw after ▶). A month changes the herd's arrays in several places,
so a view read mid-month sees arrays of different lengths (an IndexError in the infection
count) and may even write into them (the disease flags grow when read). So every change of
the runs (`step`, `set_twin`, `trigger`) holds `lock`, and every view reads them inside
`reading()`: the page always sees the industry between two months.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mesa

from ..model import AlpacaModel
from ..runner import DEFAULT_STEPS
from ..scenarios import load_scenario

SHOCK_BUTTONS: dict[str, tuple[str, dict[str, Any]]] = {
    # label: (kind, fields); strengths left out take the scenario's default (docs/SHOCKS.md)
    "Disease outbreak": ("disease", {"herds": 6, "strength": 0.8}),
    "Brexit": ("brexit", {}),
    "Demand slump": ("demand", {"strength": -0.4}),
    "Fibre boom": ("fibre", {"strength": 1.0}),
    "Rivalry": ("rivalry", {"strength": 2.0}),
}


class TwinRun(mesa.Model):
    """The live run and its optional counterfactual twin, stepped together.

    Args:
        scenario_name: a shipped scenario name or a TOML path.
        seed: the random seed of both runs (text from a field is converted).
        twin: whether to run the counterfactual beside the live run.
        months: the run's length; the run stops there (Step and Play are disabled), as a
            command-line run of the same scenario would (`alpaca-abm run`'s 240 months).
        **params: parameter values that replace the scenario's (validated).
    """

    def __init__(
        self,
        scenario_name: str = "baseline",
        seed: int | str = 0,
        twin: bool = False,
        months: int | str = DEFAULT_STEPS,
        **params: Any,
    ) -> None:
        super().__init__()
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            raise ValueError(f"the seed must be a whole number, not {seed!r}.") from None
        try:
            months = int(months)
        except (TypeError, ValueError):
            raise ValueError(f"the run length must be a whole number, not {months!r}.") from None
        if months < 1:
            raise ValueError(f"the run length must be at least 1 month, not {months}.")
        self.months = months
        self.lock = threading.RLock()  # held while a month runs or the runs change
        self.scenario_name = scenario_name
        self.seed = seed
        self.params = dict(params)
        self.alpaca_scenario = load_scenario(scenario_name, **params)
        self.live = AlpacaModel(self.alpaca_scenario, rng=seed)
        self.twin: AlpacaModel | None = None
        self.fired: list[tuple[int, dict[str, Any]]] = []  # (month, event) of each shock fired
        self.running = True
        if twin:
            self.set_twin(True)

    @property
    def datacollector(self):
        """The live run's collector (what Mesa's plot components read)."""
        return self.live.datacollector

    @property
    def finished(self) -> bool:
        """Whether the run has reached its length (`months`)."""
        return self.live.steps >= self.months

    @contextmanager
    def reading(self) -> Iterator[TwinRun]:
        """Hold the runs still while a view reads them (no month runs meanwhile)."""
        with self.lock:
            yield self

    def step(self) -> None:
        """One month of the live run and, in lockstep, of the twin; none past the end."""
        with self.lock:
            if self.finished:
                self.running = False
                return
            self.live.step()
            if self.twin is not None:
                self._step_twin()
            self.running = not self.finished  # the controls stop Play and Step on False

    def _step_twin(self) -> None:
        for month, event in self.fired:
            if month == self.twin.steps:
                self.twin.trigger(event)
        self.twin.step()

    def set_twin(self, on: bool) -> None:
        """Switch the twin on (it catches up with the live run, same shocks) or off."""
        with self.lock:
            if not on:
                self.twin = None
                return
            if self.twin is not None:
                return
            twin = AlpacaModel(self.alpaca_scenario.replace(coopetition=False), rng=self.seed)
            self.twin = twin
            while twin.steps < self.live.steps:
                self._step_twin()

    def trigger(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Fire a shock in the live run from the next month (and in the twin the same month)."""
        with self.lock:
            event = {"kind": kind, "start": self.live.steps, **fields}
            checked = self.live.trigger(event)
            self.fired.append((self.live.steps, event))  # the twin gets it before that month
            return checked

    def fire(self, label: str) -> dict[str, Any]:
        """Fire the shock of a shock button by its label."""
        kind, fields = SHOCK_BUTTONS[label]
        return self.trigger(kind, **fields)
