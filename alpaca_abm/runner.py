"""`run`: one whole run as a function call, with its tables and headline figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .metrics import summarise
from .model import AlpacaModel
from .params import AlpacaScenario
from .shocks import EVENT_LOG_COLUMNS, event_marks

DEFAULT_STEPS = 240  # 20 years of months: the baseline passes 2018 and January 2021


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
    scenario: AlpacaScenario | str = "baseline",
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
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps = {steps!r} is not allowed: expected an integer >= 1.")
    model = AlpacaModel(scenario, rng=rng, **overrides)
    model.shocks.check_horizon(steps)  # no event may start after the run ends
    months = range(steps)
    if progress:
        from tqdm import tqdm

        months = tqdm(months, desc=f"{model.scenario.name}", unit="month")
    for _ in months:
        model.step()
    model_df, agent_df = model.model_df, model.agent_df
    return RunResult(
        model_df=model_df,
        agent_df=agent_df,
        scenario=model.scenario,
        summary=summarise(model_df, agent_df, model),
        model=model if keep_model else None,
        events=pd.DataFrame(model.event_log, columns=list(EVENT_LOG_COLUMNS)),
        event_marks=event_marks(model.event_log),
    )
