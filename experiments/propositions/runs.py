"""Running the validation on the sweep engine, and the saved runs (JSON, never code)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import patterns

import alpaca_abm
from alpaca_abm.io import atomic_write

from .design import snapshot_months
from .indicators import extra_outcomes

STORES = "stores"  # folder of the sweep stores beside results.json (results/validation*/)
KIND_OUTCOMES, KIND_TABLE4, KIND_SPLITS = "outcomes", "table4", "splits"


@dataclass(frozen=True)
class ValidationRun:
    """What the sweep engine stores of one run: the scalar outcomes, one column each, and the
    whole result of `patterns.simulate` (splits, Table 4 counts, yearly series) as tagged JSON
    in the column `result`, restored exactly by `decode_saved`."""

    summary: dict[str, Any]
    model_df: pd.DataFrame | None = None


def _simulate(scenario: Any, steps: int, rng: int, kind: str, overrides: dict) -> ValidationRun:
    """One run of `patterns.simulate` on `scenario` (events included), encoded for the store."""
    cpu = time.process_time()
    snapshots = snapshot_months(steps) if kind == KIND_SPLITS else ()
    result = patterns.simulate(
        rng,
        steps,
        overrides,
        scenario=scenario,
        snapshots=snapshots,
        table4=kind != KIND_OUTCOMES,
        extra=extra_outcomes,
    )
    result["cpu_seconds"] = time.process_time() - cpu  # for the runtime on an idle machine
    summary = dict(result["outcomes"]) | {"result": json.dumps(encode_saved(result))}
    return ValidationRun(summary)


def run_outcomes(scenario: Any, steps: int, rng: int, **overrides: Any) -> ValidationRun:
    """Sweep run function: a run's outcomes, yearly series and splits-free result."""
    return _simulate(scenario, steps, rng, KIND_OUTCOMES, overrides)


def run_table4(scenario: Any, steps: int, rng: int, **overrides: Any) -> ValidationRun:
    """Sweep run function: as `run_outcomes`, with the Table 4 counts (pattern runs)."""
    return _simulate(scenario, steps, rng, KIND_TABLE4, overrides)


def run_splits(scenario: Any, steps: int, rng: int, **overrides: Any) -> ValidationRun:
    """Sweep run function: as `run_table4`, with the relationship-type splits at the months
    of the job's snapshots (the base arm of the pattern industry)."""
    return _simulate(scenario, steps, rng, KIND_SPLITS, overrides)


RUN_FUNCTIONS = {KIND_OUTCOMES: run_outcomes, KIND_TABLE4: run_table4, KIND_SPLITS: run_splits}


def job_kind(job: tuple) -> str:
    """Which run function a job needs: splits (snapshots), Table 4 counts, or outcomes only."""
    _, _, _, _, snapshots, table4, _ = job
    return KIND_SPLITS if snapshots else (KIND_TABLE4 if table4 else KIND_OUTCOMES)


def job_sweeps(jobs: list[tuple], desc: str) -> list[tuple[Any, list[tuple[str, int]]]]:
    """The jobs as sweeps, one per industry, shock events, run length and run function (the
    dearest industry first); each point is one job with its own seed. With each sweep, the
    (arm, seed) of its points in order."""
    from alpaca_abm.sweep import Sweep
    from experiments.engine import table_design

    groups: dict[tuple, list[tuple]] = {}
    for job in jobs:
        label, seed, steps, overrides, _, _, industry = job
        events = tuple(overrides.get("events", ()))
        groups.setdefault((industry, repr(events), steps, job_kind(job)), []).append(job)
    out = []
    order = sorted(groups, key=lambda k: (k[0] != "uk_national", k))
    for industry, _, steps, kind in order:
        group = groups[(industry, _, steps, kind)]
        events = tuple(group[0][3].get("events", ()))
        base = alpaca_abm.load_scenario(industry)
        if events:  # events ride on the scenario, not on the parameter overrides
            base = base.replace(events=(*base.events, *events))
        rows = [{k: v for k, v in job[3].items() if k != "events"} for job in group]
        name = "-".join([desc, industry, kind, *(e["kind"] for e in events), f"{steps}m"]).replace(
            " ", "_"
        )
        function = RUN_FUNCTIONS[kind]
        sweep = Sweep(
            table_design(rows, base),
            scenario=base,
            steps=steps,
            seeds=[[job[1]] for job in group],
            run_function=f"{function.__module__}.{function.__name__}",
            name=name,
        )
        out.append((sweep, [(job[0], job[1]) for job in group]))
    return out


def run_all(
    jobs: list[tuple], workers: int, desc: str, stores: Path
) -> dict[tuple[str, int], dict]:
    """Every job on the sweep engine (`workers` processes, a store per sweep in `stores`,
    resumed if interrupted); {(arm, seed): result of patterns.simulate}."""
    from experiments.engine import run_on_engine

    results: dict[tuple[str, int], dict] = {}
    for sweep, labels in job_sweeps(jobs, desc):
        store = run_on_engine(
            sweep, stores, workers, describe=lambda p, labels=labels: f"run '{labels[p][0]}'"
        )
        frame = store.summary_frame()
        for point, text in zip(frame["point"], frame["result"], strict=True):
            results[labels[int(point)]] = decode_saved(json.loads(text))
    return results


# --- saved runs: data, never code ---------------------------------------------------------------
# The runs are saved as JSON so that --report-only reads numbers only (a pickle would run
# whatever a changed file told it to). JSON has only string keys and lists, so dicts with
# other keys, tuples, arrays and data frames are tagged and restored exactly.
def encode_saved(obj: Any) -> Any:
    """`obj` as JSON-ready data: dicts with non-string keys, tuples, arrays, frames tagged."""
    if isinstance(obj, pd.DataFrame):
        columns = [str(c) for c in obj.columns]
        data = [encode_saved(obj[c].tolist()) for c in obj.columns]
        return {"__frame__": {"columns": columns, "data": data}}
    if isinstance(obj, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in obj):
            return {k: encode_saved(v) for k, v in obj.items()}
        return {"__items__": [[encode_saved(k), encode_saved(v)] for k, v in obj.items()]}
    if isinstance(obj, tuple):
        return {"__tuple__": [encode_saved(v) for v in obj]}
    if isinstance(obj, list):
        return [encode_saved(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return {
            "__array__": {
                "dtype": obj.dtype.str,
                "shape": list(obj.shape),
                "data": obj.ravel().tolist(),
            }
        }
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    raise TypeError(f"cannot save a {type(obj).__name__} in the validation runs")


def decode_saved(obj: Any) -> Any:
    """The inverse of `encode_saved`."""
    if isinstance(obj, list):
        return [decode_saved(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__frame__" in obj:
        frame = obj["__frame__"]
        data = dict(zip(frame["columns"], decode_saved(frame["data"]), strict=True))
        return pd.DataFrame(data, columns=frame["columns"])
    if "__items__" in obj:
        return {_hashable(decode_saved(k)): decode_saved(v) for k, v in obj["__items__"]}
    if "__tuple__" in obj:
        return tuple(decode_saved(v) for v in obj["__tuple__"])
    if "__array__" in obj:
        array = obj["__array__"]
        return np.array(array["data"], dtype=np.dtype(array["dtype"])).reshape(array["shape"])
    return {k: decode_saved(v) for k, v in obj.items()}


def _hashable(key: Any) -> Any:
    """A decoded key usable as a dict key (a list inside a key becomes a tuple)."""
    return tuple(_hashable(k) for k in key) if isinstance(key, list | tuple) else key


def save_runs(path: Path, stored: dict[str, Any]) -> None:
    """Write the saved runs as JSON, atomically (a half-written file never replaces one)."""
    atomic_write(path, json.dumps(encode_saved(stored)))


def load_runs(path: Path) -> dict[str, Any]:
    """The runs `save_runs` wrote: numbers and names only, nothing is executed."""
    stored = decode_saved(json.loads(path.read_text(encoding="utf-8")))
    if not isinstance(stored, dict) or not isinstance(stored.get("results"), dict):
        raise ValueError("no 'results' table")
    return stored
