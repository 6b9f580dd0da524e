"""Checkpoints: a running model saved to a file and loaded again, to resume long runs.

A checkpoint holds the model's state as plain data: the herd, firm table, contracts and
trust ledger arrays, the disease and shock schedule, market scalars, the month's tallies,
the rows the DataCollector has collected, the breeder tables, the state of both random
generators (numpy's `model.rng` and Python's `model.random`) and Mesa's clock
(`model.steps`, `model.time`). Mesa agents are not pickled: each is re-created on load
with its id and row, and the model itself is re-built from the checkpoint's scenario
before its state is put back. A run resumed from a checkpoint continues exactly as the
uninterrupted run would have.

File format (FORMAT_VERSION 1)::

    ALPACA-ABM-CHECKPOINT\\n          magic line
    {json header}\\n                   format, versions, scenario, seed, steps, payload hash
    pickle payload                    protocol 5, plain data only

The header is read and checked first: a file that is not a checkpoint, a checkpoint of
another format or of another alpaca-abm (or numpy, pandas, mesa) version, or a payload
that does not match its SHA-256 is refused with a ValueError before anything is
unpickled. Tables are stored as plain arrays, and the payload is unpickled with an
unpickler that resolves only numpy's and alpaca-abm's state classes and a handful of
re-builders. Even so, a checkpoint is a pickle: load checkpoints only from sources you
trust (your own runs).
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import pandas as pd

from .io import atomic_write

if TYPE_CHECKING:
    from .model import AlpacaModel

MAGIC = b"ALPACA-ABM-CHECKPOINT\n"
FORMAT_VERSION = 1
MAX_HEADER_BYTES = 1 << 20  # the JSON header is a few kilobytes; more is not a checkpoint
CHECKPOINT_FILE = "checkpoint.pkl"  # name of the CLI's checkpoint inside --out

# Model attributes that are caches (re-computed on demand) or rebuilt on load.
_REBUILT = {"places", "datacollector", "_tree", "_scenario"}
# DataCollector attributes that hold reporter functions (rebuilt), not collected data.
_REPORTERS = {"model_reporters", "agent_reporters", "agenttype_reporters"}
_MESA_KEYS: set[str] | None = None


def _mesa_keys() -> set[str]:
    """Attributes Mesa's Model sets itself (clock, generators, agent sets, signals)."""
    global _MESA_KEYS
    if _MESA_KEYS is None:
        _MESA_KEYS = set(vars(mesa.Model(rng=0)))
    return _MESA_KEYS


def _versions() -> dict[str, str]:
    from . import __version__

    return {
        "alpaca-abm": __version__,
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def _plain(value: Any) -> Any:
    """A JSON round trip: the form in which a header stores and compares values."""
    return json.loads(json.dumps(value))


def run_identity(scenario: Any, seed: Any = None) -> dict[str, Any]:
    """What a run is a pure function of: its scenario (every parameter, the events) and seed
    (the scenario's own rng unless `seed` is given)."""
    seed = scenario.rng if seed is None else seed
    if not isinstance(seed, int) or isinstance(seed, bool):
        seed = None  # a generator object: the checkpoint keeps its state, not a seed
    return {
        "name": scenario.name,
        "description": scenario.description,
        "seed": seed,
        "parameters": _plain(scenario.values()),
        "events": _plain([dict(e) for e in scenario.events]),
    }


def check_resumable(
    header: dict[str, Any], scenario: Any, seed: int, steps: int, path: str | Path
) -> None:
    """Refuse to resume a checkpoint into a run it does not belong to: the scenario (name,
    every parameter, the events), the seed and the run's length must all be the same."""
    saved, now = header.get("run") or {}, run_identity(scenario, seed)
    advice = (
        "Resume with the same --scenario, --set, --event, --seed and --steps, or pass "
        "--overwrite to start a new run."
    )

    def refuse(what: str) -> ValueError:
        return ValueError(f"{path} belongs to another run: {what}. {advice}")

    if saved.get("seed") != now["seed"]:
        raise refuse(f"its seed is {saved.get('seed')}, not {seed}")
    target = (header.get("meta") or {}).get("steps")
    if target != steps:
        raise refuse(f"it runs {target} months, not {steps}")
    if saved.get("name") != now["name"]:
        raise refuse(f"it is scenario '{saved.get('name')}', not '{now['name']}'")
    theirs = saved.get("parameters") or {}
    for key, value in now["parameters"].items():
        if theirs.get(key, object()) != value:
            raise refuse(f"its parameter '{key}' = {theirs.get(key)!r}, not {value!r}")
    if saved.get("events") != now["events"]:
        raise refuse("its events differ")


# --- saving ---------------------------------------------------------------------------------
def _agent(model: AlpacaModel, module: str, qualname: str, unique_id: int, attrs: dict) -> Any:
    """Re-create a saved Mesa agent: registered with `model`, its id and attributes restored."""
    import importlib

    cls = getattr(importlib.import_module(module), qualname, None)
    if module.split(".")[0] != "alpaca_abm" or not (
        isinstance(cls, type) and issubclass(cls, mesa.Agent)
    ):
        raise pickle.UnpicklingError(f"not an alpaca-abm agent class: {module}.{qualname}")
    agent = cls.__new__(cls)
    mesa.Agent.__init__(agent, model)  # registers it (in the saved order)
    vars(agent).update(attrs)
    agent.unique_id = unique_id
    return agent


def _frame_parts(df: pd.DataFrame) -> tuple[list, list | None]:
    """A DataFrame as (name, values, dtype) of each column and index level: plain arrays."""
    if not df.columns.is_unique:
        raise ValueError("checkpoint: a table with duplicate column names cannot be saved.")
    cols = [(name, df[name].to_numpy(), str(df[name].dtype)) for name in df.columns]
    index = df.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        levels = None if index.name is None else [(index.name, None, "range")]
    else:
        levels = [
            (name, index.get_level_values(i).to_numpy(), str(index.get_level_values(i).dtype))
            for i, name in enumerate(index.names)
        ]
    return cols, levels


def _series(values: Any, dtype: str) -> pd.Series:
    try:
        return pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values)


def _frame(cols: list, levels: list | None) -> pd.DataFrame:
    """Re-build a DataFrame from `_frame_parts`."""
    df = pd.DataFrame({name: _series(values, dtype) for name, values, dtype in cols})
    if not cols:
        n = 0 if not levels or levels[0][1] is None else len(levels[0][1])
        df = pd.DataFrame(index=pd.RangeIndex(n))
    if levels is None:
        return df
    if levels[0][2] == "range":
        df.index.name = levels[0][0]
        return df
    arrays = [_series(values, dtype) for _, values, dtype in levels]
    names = [name for name, _, _ in levels]
    if len(arrays) == 1:
        df.index = pd.Index(arrays[0], name=names[0])
    else:
        df.index = pd.MultiIndex.from_arrays(arrays, names=names)
    return df


class _StatePickler(pickle.Pickler):
    """Pickles plain data: the model becomes a reference re-bound on load, agents are saved
    as (class, id, attributes) and re-created, tables as plain arrays."""

    def __init__(self, file, model: AlpacaModel) -> None:
        super().__init__(file, protocol=5)
        self.model = model

    def persistent_id(self, obj: Any) -> Any:
        if obj is self.model:
            return "model"
        if isinstance(obj, mesa.Model):
            raise ValueError("checkpoint: the model's state refers to another model.")
        return None

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, mesa.Agent):
            attrs = {k: v for k, v in vars(obj).items() if k != "model"}
            cls = type(obj)
            return _agent, (self.model, cls.__module__, cls.__qualname__, obj.unique_id, attrs)
        if isinstance(obj, pd.DataFrame):
            return _frame, _frame_parts(obj)
        return NotImplemented


def _state(model: AlpacaModel) -> dict[str, Any]:
    skip = _mesa_keys() | _REBUILT
    dc = model.datacollector
    return {
        "agents": list(model.agents),  # first: re-created in this order on load
        "attributes": {k: v for k, v in vars(model).items() if k not in skip},
        "datacollector": {k: v for k, v in vars(dc).items() if k not in _REPORTERS},
        "clock": {
            "steps": model.steps,
            "time": float(model.time),
            "running": model.running,
            "agent_id_counter": model.agent_id_counter,
            "executions": model._default_schedule.execution_count,
        },
        "rng": model.rng.bit_generator.state,
        "random": model.random.getstate(),
        "seeds": {"_rng": model._rng, "_seed": model._seed},
    }


def save_model(model: AlpacaModel, path: str | Path, meta: dict[str, Any] | None = None) -> Path:
    """Write `model` to `path` atomically (a kill never leaves a half-written checkpoint).

    `meta` is stored in the header as it is (JSON), e.g. the number of months the run is
    to reach; read it back with `read_header`. Returns the path.
    """
    path = Path(path)
    buffer = io.BytesIO()
    _StatePickler(buffer, model).dump(_state(model))
    payload = buffer.getvalue()
    header = {
        "format": FORMAT_VERSION,
        "versions": _versions(),
        "steps": model.steps,
        "date": model.date,
        "run": run_identity(model.scenario),
        "meta": _plain(meta or {}),
        "payload_bytes": len(payload),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    atomic_write(path, MAGIC + head + b"\n" + payload)
    return path


# --- loading --------------------------------------------------------------------------------
def _read(path: str | Path) -> tuple[dict[str, Any], bytes, Path]:
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(MAGIC))
            if magic != MAGIC:
                raise ValueError(f"{path}: not an alpaca-abm checkpoint.")
            line = handle.readline(MAX_HEADER_BYTES)
            payload = handle.read()
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not a checkpoint file.") from None
    except FileNotFoundError:
        raise ValueError(f"{path}: no such checkpoint file.") from None
    except OSError as err:
        raise ValueError(f"{path}: cannot read the checkpoint: {err.strerror or err}.") from None
    try:
        header = json.loads(line.decode("utf-8"))
        if not isinstance(header, dict):
            raise ValueError
    except ValueError:
        raise ValueError(f"{path}: damaged checkpoint (its header cannot be read).") from None
    return header, payload, path


def check_header(header: dict[str, Any], path: str | Path) -> None:
    """Refuse a checkpoint of another format or written by other versions of the software."""
    fmt = header.get("format")
    if fmt != FORMAT_VERSION:
        raise ValueError(
            f"{path}: checkpoint format {fmt!r}; this alpaca-abm reads format {FORMAT_VERSION}."
        )
    theirs, ours = header.get("versions"), _versions()
    theirs = theirs if isinstance(theirs, dict) else {}
    for name, version in ours.items():
        if theirs.get(name) != version:
            raise ValueError(
                f"{path}: checkpoint written with {name} {theirs.get(name)}, but this is "
                f"{name} {version}; a checkpoint is resumed only by the versions that wrote "
                "it. Start the run again (or install the versions that wrote it)."
            )


def read_header(path: str | Path) -> dict[str, Any]:
    """The checked header of a checkpoint (versions, steps done, run identity, meta)."""
    header, _, path = _read(path)
    check_header(header, path)
    return header


# Names a checkpoint may refer to: containers, numpy arrays and scalars, alpaca-abm's
# state classes, and the two re-builders above. Anything else is refused, not imported.
_ALLOWED_BUILTINS = {"set", "frozenset", "slice", "range", "complex", "bytearray", "object"}
_ALLOWED_FUNCTIONS = {
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
    ("copyreg", "_reconstructor"),
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("collections", "Counter"),
    ("collections", "deque"),
    (__name__, "_agent"),
    (__name__, "_frame"),
}


class _StateUnpickler(pickle.Unpickler):
    """Resolves only the names a checkpoint needs; re-binds the model."""

    def __init__(self, file, model: AlpacaModel) -> None:
        super().__init__(file)
        self.model = model

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _ALLOWED_BUILTINS:
            return super().find_class(module, name)
        if (module, name) in _ALLOWED_FUNCTIONS:
            return super().find_class(module, name)
        root = module.split(".")[0]
        if root in ("numpy", "alpaca_abm"):
            found = super().find_class(module, name)
            if isinstance(found, type):  # a class (array, dtype, state container), not a function
                return found
        raise pickle.UnpicklingError(f"a checkpoint may not refer to {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        if pid == "model":
            return self.model
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def _scenario(run: dict[str, Any]):
    from .params import AlpacaScenario

    return AlpacaScenario(
        rng=run["seed"],
        events=tuple(run["events"]),
        name=run["name"],
        description=run["description"],
        **run["parameters"],
    )


def _set_clock(model: AlpacaModel, clock: dict[str, Any]) -> None:
    """Put Mesa's clock where the saved model stood: steps, time, and the next step."""
    model.steps = clock["steps"]
    model.time = clock["time"]
    model.running = clock["running"]
    model.agent_id_counter = clock["agent_id_counter"]
    gen = model._default_schedule  # Mesa's generator of step events (interval 1)
    if gen._current_event is not None:
        gen._current_event.cancel()
    gen._execution_count = clock["executions"]
    gen._schedule_next(clock["time"] + gen._get_interval())
    model._event_list.compact()
    upcoming = model._event_list.peek_ahead(1)
    if len(upcoming) != 1 or upcoming[0].time != clock["time"] + 1:
        raise RuntimeError("checkpoint: Mesa's schedule could not be restored (mesa changed?).")


def load_model(path: str | Path) -> AlpacaModel:
    """Load a model saved with `save_model`; it continues exactly where the saved one stood.

    Raises ValueError naming the file if it is not a checkpoint, is damaged, or was written
    by another version of alpaca-abm (or of numpy, pandas or mesa).
    """
    from .model import AlpacaModel

    header, payload, path = _read(path)
    check_header(header, path)
    if len(payload) != header.get("payload_bytes") or (
        hashlib.sha256(payload).hexdigest() != header.get("payload_sha256")
    ):
        raise ValueError(f"{path}: damaged checkpoint (truncated or changed since written).")
    try:
        scenario = _scenario(header["run"])
    except (KeyError, TypeError, AttributeError):
        raise ValueError(f"{path}: damaged checkpoint (its run cannot be read).") from None
    except ValueError as err:
        raise ValueError(f"{path}: the checkpoint's scenario is not valid here: {err}") from None
    model = AlpacaModel(scenario, rng=scenario.rng)
    for agent in list(model.agents):  # the saved agents replace the newly built ones
        agent.remove()
    try:
        state = _StateUnpickler(io.BytesIO(payload), model).load()
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError) as err:
        raise ValueError(f"{path}: damaged or foreign checkpoint: {err}.") from None
    model.__dict__.update(state["attributes"])
    model._tree = None  # spatial index: rebuilt on first use
    vars(model.datacollector).update(state["datacollector"])
    model.rng.bit_generator.state = state["rng"]
    model.random.setstate(state["random"])
    model._rng, model._seed = state["seeds"]["_rng"], state["seeds"]["_seed"]
    _set_clock(model, state["clock"])
    return model
