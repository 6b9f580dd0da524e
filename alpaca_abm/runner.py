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

# The memory a run needs, from measured peak RSS (baseline, seed 1, Python 3.13, numpy 2,
# mesa 3.5.1; 2026-12-06 21:30, on the model after the firm-table refactor (no Breeder
# agents), `resource.getrusage` of a fresh process):
#   breeders   months   agent-table rows   peak RSS
#          1        3                  1     173 MB   (the interpreter and libraries)
#     10,000        3             10,602     229 MB
#     40,000        3             42,349     391 MB
#    100,000        3            105,937     713 MB
#     10,000       36             45,315     284 MB   (the industry grows: more rows)
# Model: BASE + breeders x (PER_BREEDER + PER_AGENT_ROW x reports), reports = the agent
# table's collections (months // agent_report_every + 1). It counts the breeders at the
# start only (entrants add more), so it is a lower bound: it reproduces the 3-month rows
# within 4% and gives 256 MB for the 36-month row. (The 2.7 GB for 400,000
# breeders was measured before the refactor; this model gives 2.2 GiB.) A run is refused
# only when even this lower bound exceeds the machine's memory (2,000,000 breeders for 240
# months: about 51 GiB).
MEMORY_BASE_BYTES = 173 * 2**20
MEMORY_PER_BREEDER_BYTES = 4_300  # the firm table, ~21 animals each, the network
MEMORY_PER_AGENT_ROW_BYTES = 1_100  # one breeder's row of the agent table (~42 columns)


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
    from .scenarios import load_scenario

    if isinstance(scenario, AlpacaScenario):
        planned = scenario.replace(**overrides) if overrides else scenario
    else:
        planned = load_scenario(scenario or "baseline", **overrides)
    check_memory(planned, steps)
    model = AlpacaModel(scenario, rng=rng, **overrides)
    return run_model(model, steps, progress=progress, keep_model=keep_model)


def memory_estimate(n_breeders: int, steps: int, report_every: int) -> int:
    """Bytes a run of `n_breeders` for `steps` months needs at least (see MEMORY_BASE_BYTES)."""
    reports = steps // max(report_every, 1) + 1
    per_breeder = MEMORY_PER_BREEDER_BYTES + MEMORY_PER_AGENT_ROW_BYTES * reports
    return MEMORY_BASE_BYTES + n_breeders * per_breeder


def machine_memory() -> int | None:
    """This machine's physical memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(scenario: AlpacaScenario, steps: int) -> None:
    """Refuse, before anything is built, a run that cannot fit in this machine's memory."""
    need = memory_estimate(scenario.n_breeders, steps, scenario.agent_report_every)
    have = machine_memory()
    if have is not None and need > have:
        raise ValueError(
            f"n_breeders = {scenario.n_breeders:,} for {steps:,} months needs at least "
            f"{need / 2**30:.1f} GiB of memory (estimated from measured runs), but this "
            f"machine has {have / 2**30:.1f} GiB: use fewer breeders (or fewer months, or a "
            "larger agent_report_every), or a machine with more memory."
        )


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
