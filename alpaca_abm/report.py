"""Writing a run to disk: tables, the exact parameters (to repeat it), summary and plots."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import matplotlib.pyplot as plt
import tomli_w

from .dictionary import dictionary_markdown
from .io import atomic_write
from .plots import individual_figure, industry_figure, organisational_figure
from .runner import RunResult


def scenario_toml(result: RunResult, seed: int, steps: int, version: str) -> str:
    """The run's parameters as a scenario file that repeats it with the same seed and steps."""
    sc = result.scenario
    header = (
        f"# Exact parameters of an alpaca-abm {version} run.\n"
        f"# Repeat it with: alpaca-abm run --scenario params.toml --seed {seed} --steps {steps}\n"
    )
    if not sc.coopetition:
        header += (
            "# coopetition = false is the master switch: co-ownership, knowledge sharing,\n"
            "# referrals and industry investment did not run, whatever their own switches say.\n"
        )
    body = {
        "name": sc.name,
        "description": sc.description or f"parameters of a {sc.name} run",
        # TOML has no null: an optional parameter that is off is written "none"
        "parameters": {k: "none" if v is None else v for k, v in sc.values().items()},
    }
    if sc.events:
        body["events"] = [dict(e) for e in sc.events]
    return header + tomli_w.dumps(body)


def json_ready(summary: dict) -> dict:
    """The summary with undefined figures (NaN) as JSON null: missing, and valid JSON."""
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in summary.items()}


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def write_run(
    result: RunResult, out: Path, *, seed: int, steps: int, version: str, command: list[str]
) -> None:
    """Write every file of a run into `out`, each atomically."""
    out = Path(out)
    title = f"{result.scenario.name}, seed {seed}"
    atomic_write(out / "model.csv", result.model_df.to_csv(index=False))
    atomic_write(out / "agents.csv", result.agent_df.to_csv())
    atomic_write(out / "params.toml", scenario_toml(result, seed, steps, version))
    run_info = {
        "version": version,
        "seed": seed,
        "steps": steps,
        "command": command,
        "scenario": result.scenario.name,
    }
    atomic_write(out / "run.json", json.dumps(run_info, indent=2))
    atomic_write(out / "summary.json", json.dumps(json_ready(result.summary), indent=2))
    atomic_write(out / "DATA.md", dictionary_markdown(f"# Data dictionary of {title}"))
    events_df = getattr(result, "events", None)
    if events_df is not None:
        atomic_write(out / "events.csv", events_df.to_csv(index=False))
    events = getattr(result, "event_marks", ())
    atomic_write(
        out / "industry.png",
        _png(industry_figure(result.model_df, events, f"Industry level: {title}")),
    )
    atomic_write(
        out / "organisational.png",
        _png(
            organisational_figure(
                result.model_df, result.agent_df, f"Organisational level: {title}", events
            )
        ),
    )
    atomic_write(
        out / "individual.png",
        _png(
            individual_figure(
                result.model_df, result.agent_df, f"Individual level: {title}", events
            )
        ),
    )
