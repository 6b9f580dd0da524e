"""The browser app: `alpaca-abm viz` serves this page with Solara (`solara run`).

Built from Mesa's SolaraViz pieces (`ShowSteps`, `force_update`) and our components: the run
controls (controls.py: Reset, Play, Step and the render interval, as Mesa's
`ModelController` has them, without its race of one month more after Pause or Reset), and
what Mesa has no component for (the map, the twin run, shocks, the inspector). The scenario
and seed the command was given arrive in the environment (ALPACA_ABM_VIZ_SCENARIO,
ALPACA_ABM_VIZ_SEED).
"""

from __future__ import annotations

import os

import solara
import solara.lab
from mesa.visualization.solara_viz import ShowSteps

from ..runner import DEFAULT_STEPS
from ..scenarios import shipped_scenarios
from . import components as c
from .controls import RunControls
from .twin import TwinRun

SCENARIO_ENV, SEED_ENV = "ALPACA_ABM_VIZ_SCENARIO", "ALPACA_ABM_VIZ_SEED"
MONTHS_ENV = "ALPACA_ABM_VIZ_MONTHS"  # the run's length (default: a command-line run's 240)
# short names, so that every tab shows without scrolling at 1280x720
TABS = ("Map", "Firms", "Owners", "Relationships", "Network", "Inspector", "About")


def start_parameters() -> dict:
    """Scenario, seed and run length from the command line (through the environment)."""
    return {
        "scenario_name": os.environ.get(SCENARIO_ENV, "baseline"),
        "seed": int(os.environ.get(SEED_ENV, "0")),
        "months": int(os.environ.get(MONTHS_ENV, str(DEFAULT_STEPS))),
        "twin": False,
    }


@solara.component
def Page():
    """The whole app: controls on the left, the views in tabs."""
    first = solara.use_memo(start_parameters, [])
    params = solara.use_reactive(first)
    model = solara.use_reactive(solara.use_memo(lambda: TwinRun(**first), []))
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    selected = solara.use_reactive(None)
    tab = solara.use_reactive(0)
    scenarios = sorted(shipped_scenarios())
    if first["scenario_name"] not in scenarios:
        scenarios.append(first["scenario_name"])  # a TOML file given on the command line
    run = model.value

    solara.Title("alpaca-abm")
    with solara.AppBar():
        solara.AppBarTitle("alpaca-abm: coopetition among UK alpaca breeders")
    with solara.Sidebar():
        with solara.Card("Run"):
            RunControls(model, params, play_interval, render_interval)
            solara.SliderInt(
                f"Render every N steps: {render_interval.value}",
                value=render_interval,
                min=1,
                max=24,
            )
            solara.SliderInt(
                f"Play interval: {play_interval.value} ms",
                value=play_interval,
                min=0,
                max=1000,
                step=50,
            )
            with solara.Column(gap="0px"):
                ShowSteps(run)
                c.RunInfo(run)
        with solara.Card("Twin run"):
            c.TwinSwitch(run, params)
        with solara.Card("Shocks"):
            c.ShockButtons(run)
        with solara.Card("Scenario and parameters"):
            c.ParameterControls(params, scenarios)
            c.RunParameters(run)
        with solara.Card("Download"):
            c.Downloads(run)
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab(TABS[0]):
            with solara.Columns([2, 3]):
                with solara.Column():
                    c.MapView(run, selected)
                    c.BreederPicker(run, selected)
                c.SeriesView(run, "industry", ncols=2, width=6.4)
        with solara.lab.Tab(TABS[1]):
            c.SeriesView(run, "organisational")
        with solara.lab.Tab(TABS[2]):
            c.SeriesView(run, "individual", ncols=2)
        with solara.lab.Tab(TABS[3]):
            c.SeriesView(run, "relationships", ncols=1)
        with solara.lab.Tab(TABS[4]):
            c.NetworkView(run, selected)
        with solara.lab.Tab(TABS[5]):
            c.InspectorView(run, selected)
        with solara.lab.Tab(TABS[6]):
            c.About(run)
