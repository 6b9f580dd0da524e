"""`run`: one whole run as a function call, with its tables and headline figures."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .metrics import summarise
from .model import AlpacaModel
from .params import AlpacaScenario
from .shocks import EVENT_LOG_COLUMNS, event_marks

DEFAULT_STEPS = 240  # 20 years of months: the baseline passes 2018 and January 2021
MAX_STEPS = 12_000  # a thousand years of months (as events.MAX_MONTH): more is a typo


@dataclass
class RunResult:
    """The tables and figures of one run."""

    model_df: pd.DataFrame
    agent_df: pd.DataFrame
    scenario: AlpacaScenario
    summary: dict[str, float] = field(default_factory=dict)
    model: AlpacaModel | None = field(default=None, repr=False)
    # what fired when (shocks.py): one row per event started or ended, and (decimal year,
    # label) of each start for marks on a time axis
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_LOG_COLUMNS))
    event_marks: tuple[tuple[float, str], ...] = ()


def run(
    scenario: AlpacaScenario | str | os.PathLike = "baseline",
    steps: int = DEFAULT_STEPS,
    rng: Any = 0,
    *,
    progress: bool = False,
    keep_model: bool = False,
    **overrides: Any,
) -> RunResult:
    """Run a scenario for `steps` months from seed `rng`; a pure function of its arguments.

    Example: `run("baseline", steps=120, rng=1, coopetition=False).summary["final_mean_quality"]`.
    """
    check_steps(steps)
    if isinstance(scenario, os.PathLike):
        from .scenarios import load_scenario

        scenario = load_scenario(scenario, **overrides)
        overrides = {}
    elif isinstance(scenario, str):
        from .userfile import check_path

        check_path(scenario, "scenario")  # text, not empty, no NUL, not absurdly long
    elif scenario is not None and not isinstance(scenario, AlpacaScenario):
        from .userfile import shown

        raise ValueError(
            f"scenario = {shown(scenario)} is not allowed: expected an AlpacaScenario, a "
            "shipped scenario name or the path of a scenario .toml file."
        )
    model = AlpacaModel(scenario, rng=rng, **overrides)
    return run_model(model, steps, progress=progress, keep_model=keep_model)


def check_steps(steps: Any) -> None:
    """Refuse a run length that is not a whole number of months in [1, MAX_STEPS]."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        from .userfile import shown

        raise ValueError(
            f"steps = {shown(steps)} is not allowed: expected an integer in [1, {MAX_STEPS}] "
            "(months)."
        )


def run_model(
    model: AlpacaModel,
    steps: int,
    *,
    progress: bool = False,
    keep_model: bool = False,
    on_month: Callable[[AlpacaModel], None] | None = None,
) -> RunResult:
    """Step `model` (new, or loaded from a checkpoint) until it has run `steps` months in all;
    `on_month(model)` is called after every month (e.g. to write checkpoints)."""
    check_steps(steps)
    if model.steps > steps:
        raise ValueError(f"the model has already run {model.steps} months, more than {steps}.")
    model.shocks.check_horizon(steps - model.steps)  # no event may start after the run ends
    months = range(model.steps, steps)
    if progress:
        from tqdm import tqdm

        months = tqdm(
            months, desc=f"{model.scenario.name}", unit="month", initial=model.steps, total=steps
        )
    for _ in months:
        model.step()
        if on_month is not None:
            on_month(model)
    model_df, agent_df = model.model_df, model.agent_df
    return RunResult(
        model_df=model_df,
        agent_df=agent_df,
        scenario=model.scenario,
        summary=summarise(model_df, agent_df, model),
        model=model if keep_model else None,
        events=pd.DataFrame(model.event_log, columns=list(EVENT_LOG_COLUMNS)).astype(
            {"duration": "Int64"}
        ),
        event_marks=event_marks(model.event_log),
    )
