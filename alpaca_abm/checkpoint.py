"""Checkpoints: a running model saved to a file and loaded again, to resume long runs.

A checkpoint holds the model's state as plain data: the herd, firm table, contracts and
trust ledger arrays, the disease and shock schedule, market scalars, the month's tallies,
the rows the DataCollector has collected, the breeder tables, the state of both random
generators (numpy's `model.rng` and Python's `model.random`) and Mesa's clock
(`model.steps`, `model.time`). The model itself is re-built from the checkpoint's scenario
before its state is put back. A run resumed from a checkpoint continues exactly as the
uninterrupted run would have.

File format (FORMAT_VERSION 2): a numpy `.npz` archive (uncompressed zip) of

    header     uint8 bytes of a JSON document: format, versions, scenario, seed, steps,
               meta, the number of arrays, and the SHA-256 of everything below and of the
               header itself (less the hash), so no field can be changed unnoticed
    state      uint8 bytes of a JSON document: the model's state as tagged plain data
    a0, a1 ... the numeric arrays the state document refers to by number

Loading reads the file through `userfile.read_bytes` (a regular file, at most
MAX_CHECKPOINT_BYTES), opens the archive with `np.load(..., allow_pickle=False)`, checks
format, versions and hash, and rebuilds the state from the JSON document. Loading never
imports or calls anything the file names: a class is looked up by its exact name in
`STATE_CLASSES` (the project's own state classes, listed in this file) and rebuilt with
`cls.__new__` and attribute assignment; anything else is refused. Saving fails loudly,
naming the class and where it sits in the model, when the state holds an object of a
class not in `STATE_CLASSES`: add a new plain-state class there.
"""

from __future__ import annotations

import collections
import hashlib
import importlib
import inspect
import io
import json
import math
import random
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import pandas as pd

from .io import atomic_write
from .userfile import read_bytes

if TYPE_CHECKING:
    from mesa import Model as AlpacaModel  # the model class is given to load_model (no cycle)

FORMAT_VERSION = 2  # 1 was a pickle: refused, never unpickled
MAX_CHECKPOINT_BYTES = 4 << 30  # 4 GiB: a checkpoint of the largest runs is a few hundred MB
CHECKPOINT_FILE = "checkpoint.npz"  # name of the CLI's checkpoint inside --out
_HASH_DOMAIN = b"alpaca-abm-checkpoint\n"

# The classes of model state a checkpoint may hold (besides containers, numpy arrays and
# scalars, DataFrames and random generators): (module, class name). This is the one
# allow-list: a class is found here by its exact name, never imported because a file names
# it. A new plain-state class must be added here (a test saves a model that holds one of
# each); saving a model that holds an unlisted class fails with a message naming it.
STATE_CLASSES: tuple[tuple[str, str], ...] = (
    ("alpaca_abm.breeder", "FirmTable"),
    ("alpaca_abm.coownership", "Contracts"),
    ("alpaca_abm.disease", "Disease"),
    ("alpaca_abm.herd", "Herd"),
    ("alpaca_abm.market", "MarketState"),
    ("alpaca_abm.shocks", "ShockEngine"),
    ("alpaca_abm.events", "Scheduled"),
    ("alpaca_abm.events", "Event"),
    ("alpaca_abm.paradox", "ParadoxState"),
    ("alpaca_abm.trust", "TrustLedger"),
)
# Factories a defaultdict in the state may have, and numpy bit generators, by name.
_FACTORIES = {"list": list, "dict": dict, "set": set, "int": int, "float": float}
_BIT_GENERATORS = {
    "PCG64": np.random.PCG64,
    "PCG64DXSM": np.random.PCG64DXSM,
    "MT19937": np.random.MT19937,
    "Philox": np.random.Philox,
    "SFC64": np.random.SFC64,
}

# Model attributes that are caches (re-computed on demand) or rebuilt on load.
_REBUILT = {"places", "datacollector", "tree_cache", "_scenario"}
# DataCollector attributes that hold reporter functions (rebuilt), not collected data.
_REPORTERS = {"model_reporters", "agent_reporters", "agenttype_reporters"}
_MESA_KEYS: set[str] | None = None
_CLASSES: dict[str, type] | None = None


def state_classes() -> dict[str, type]:
    """{class name: class} of STATE_CLASSES that exist in this version of the package."""
    global _CLASSES
    if _CLASSES is None:
        found = {}
        for module, name in STATE_CLASSES:
            cls = getattr(importlib.import_module(module), name, None)
            if isinstance(cls, type):
                found[name] = cls
        _CLASSES = found
    return _CLASSES


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
    header: dict[str, Any],
    scenario: Any,
    seed: int,
    steps: int,
    path: str | Path,
    advice: str = "Resume with the same --scenario, --set, --event, --seed and --steps, or "
    "pass --overwrite to start a new run.",
) -> None:
    """Refuse to resume a checkpoint into a run it does not belong to: the scenario (name,
    every parameter, the events), the seed and the run's length must all be the same."""
    from .userfile import shown

    saved, now = header.get("run"), run_identity(scenario, seed)
    saved = saved if isinstance(saved, dict) else {}
    meta = header.get("meta") if isinstance(header.get("meta"), dict) else {}

    def refuse(what: str) -> ValueError:
        return ValueError(f"{path} belongs to another run: {what}. {advice}")

    if saved.get("seed") != now["seed"]:
        raise refuse(f"its seed is {shown(saved.get('seed'))}, not {seed}")
    if meta.get("steps") != steps:
        raise refuse(f"it runs {shown(meta.get('steps'))} months, not {steps}")
    if saved.get("name") != now["name"]:
        raise refuse(f"it is scenario {shown(saved.get('name'))}, not '{now['name']}'")
    theirs = saved.get("parameters") if isinstance(saved.get("parameters"), dict) else {}
    for key, value in now["parameters"].items():
        if theirs.get(key, object()) != value:
            raise refuse(f"its parameter '{key}' = {shown(theirs.get(key))}, not {shown(value)}")
    if saved.get("events") != now["events"]:
        raise refuse("its events differ")


# --- the state as tagged plain data ------------------------------------------------------------
class UnknownStateError(TypeError):
    """The model's state holds an object a checkpoint cannot store as plain data."""


class _Where(Exception):
    """Carries the place in the state where encoding failed, built up on the way out."""

    def __init__(self, cause: Exception, parts: list[str]) -> None:
        super().__init__(str(cause))
        self.cause, self.parts = cause, parts


_SCALARS = (type(None), bool, int, str)


class _Encoder:
    """Turns the model's state into a JSON document and a list of numeric arrays."""

    def __init__(self, model: AlpacaModel) -> None:
        self.model = model
        self.arrays: list[np.ndarray] = []
        self.memo: dict[int, int] = {}
        self.keep: list[Any] = []  # objects seen, kept alive so that their ids stay unique
        self.classes = state_classes()

    def _array(self, arr: np.ndarray) -> int:
        self.arrays.append(np.ascontiguousarray(arr))
        return len(self.arrays) - 1

    def _remember(self, obj: Any) -> int | None:
        """The reference number of an object seen before, else None (and number it)."""
        key = id(obj)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = len(self.memo)
        self.keep.append(obj)
        return None

    def encode(self, value: Any, where: str) -> Any:
        try:
            return self._encode(value)
        except _Where as err:
            place = where + "".join(reversed(err.parts))
            raise UnknownStateError(f"checkpoint: {err.cause} (at {place}).") from None

    def _items(self, values, label) -> list:
        out = []
        for i, v in enumerate(values):
            try:
                out.append(self._encode(v))
            except _Where as err:
                err.parts.append(label(i))
                raise
        return out

    def _encode(self, v: Any) -> Any:
        t = type(v)
        if t in _SCALARS:
            return v
        if t is float:
            return v if math.isfinite(v) else {"$": "float", "v": repr(v)}
        if v is self.model:
            return {"$": "model"}
        if t is tuple:
            return {"$": "tuple", "v": self._items(v, lambda i: f"[{i}]")}
        if isinstance(v, np.generic):
            if v.dtype.hasobject:
                raise _Where(UnknownStateError("a numpy object scalar"), [])
            return {"$": "scalar", "a": self._array(np.asarray(v))}
        ref = self._remember(v)
        if ref is not None:
            return {"$": "ref", "n": ref}
        n = self.memo[id(v)]
        if t is list:
            return {"$": "list", "n": n, "v": self._items(v, lambda i: f"[{i}]")}
        if t in (dict, collections.OrderedDict, collections.defaultdict):
            return self._mapping(v, t, n)
        if t in (set, frozenset):
            return {"$": t.__name__, "n": n, "v": self._items(list(v), lambda i: "<member>")}
        if t is collections.deque:
            return {"$": "deque", "n": n, "max": v.maxlen, "v": self._items(v, lambda i: f"[{i}]")}
        if t is np.ndarray:
            if v.dtype.hasobject:
                flat = self._items(v.ravel().tolist(), lambda i: f"[{i}]")
                return {"$": "objarray", "n": n, "shape": list(v.shape), "v": flat}
            return {"$": "array", "n": n, "a": self._array(v)}
        if t is pd.DataFrame:
            return self._frame(v, n)
        if t is np.random.Generator:
            return self._generator(v, n)
        if t is random.Random:
            return {
                "$": "random",
                "n": n,
                "state": self._items([v.getstate()], lambda i: ".state")[0],
            }
        return self._object(v, t, n)

    def _mapping(self, v: Any, t: type, n: int) -> dict[str, Any]:
        """A dict, OrderedDict or defaultdict (of a known factory): its keys and values."""
        keys = list(v)
        node = {
            "$": "dict",
            "n": n,
            "k": self._items(keys, lambda i: ".<key>"),
            "v": self._items(v.values(), lambda i: f"[{keys[i]!r}]"),
        }
        if t is collections.OrderedDict:
            node["$"] = "odict"
        if t is collections.defaultdict:
            name = getattr(v.default_factory, "__name__", None)
            if _FACTORIES.get(name) is not v.default_factory:
                raise _Where(UnknownStateError(f"a defaultdict of {v.default_factory!r}"), [])
            node["$"], node["f"] = "defaultdict", name
        return node

    def _generator(self, v: np.random.Generator, n: int) -> dict[str, Any]:
        """A numpy generator on a known bit generator: its name and state."""
        bit = type(v.bit_generator).__name__
        if _BIT_GENERATORS.get(bit) is not type(v.bit_generator):
            raise _Where(UnknownStateError(f"a numpy generator on {bit}"), [])
        return {
            "$": "generator",
            "n": n,
            "bit": bit,
            "state": self._items([v.bit_generator.state], lambda i: ".state")[0],
        }

    def _object(self, v: Any, t: type, n: int) -> dict[str, Any]:
        """An object of a class in STATE_CLASSES (or an agent): its class and attributes."""
        name = t.__name__
        if self.classes.get(name) is not t:
            raise _Where(
                UnknownStateError(
                    f"cannot save an object of class {t.__module__}.{t.__qualname__}: a "
                    "checkpoint holds plain data and the classes in STATE_CLASSES "
                    "(alpaca_abm/checkpoint.py); add the class there if it holds plain model state"
                ),
                [],
            )
        attrs = _attributes(v)
        node = {"$": "object", "cls": name, "n": n}
        if isinstance(v, mesa.Agent):
            node["$"], node["id"] = "agent", v.unique_id
            attrs.pop("model", None)  # re-bound when the agent is re-created
        keys = list(attrs)
        node["k"] = keys
        node["v"] = self._items(attrs.values(), lambda i: f".{keys[i]}")
        return node

    def _frame(self, df: pd.DataFrame, n: int) -> dict[str, Any]:
        if not df.columns.is_unique:
            raise _Where(ValueError("a table with duplicate column names cannot be saved"), [])
        cols = [
            [self._encode(name), self._encode(df[name].to_numpy()), str(df[name].dtype)]
            for name in df.columns
        ]
        index = df.index
        if isinstance(index, pd.RangeIndex):
            levels = {
                "range": [int(index.start), int(index.stop), int(index.step)],
                "name": self._encode(index.name),
            }
        else:
            levels = {
                "levels": [
                    [
                        self._encode(name),
                        self._encode(index.get_level_values(i).to_numpy()),
                        str(index.get_level_values(i).dtype),
                    ]
                    for i, name in enumerate(index.names)
                ]
            }
        return {"$": "frame", "n": n, "columns": cols, "index": levels}


def _attributes(obj: Any) -> dict[str, Any]:
    attrs = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                attrs[slot] = getattr(obj, slot)
    return attrs


class DamagedCheckpoint(ValueError):
    """Raised inside decoding; turned into one clear message naming the file."""


def _series(values: Any, dtype: str) -> pd.Series:
    try:
        return pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values)


class _Decoder:
    """Rebuilds state from a JSON document and its arrays; imports and calls nothing named
    by the file (classes come from `state_classes()` by exact name)."""

    def __init__(self, arrays: Any, n_arrays: int, model: AlpacaModel) -> None:
        self.arrays, self.n_arrays, self.model = arrays, n_arrays, model
        self.memo: dict[int, Any] = {}
        self.classes = state_classes()

    def _array(self, index: Any) -> np.ndarray:
        if type(index) is not int or not 0 <= index < self.n_arrays:
            raise DamagedCheckpoint(f"array number {index!r} is not in the file")
        return self.arrays[f"a{index}"]

    def _register(self, node: dict, obj: Any) -> Any:
        n = node["n"]
        if type(n) is not int or n in self.memo:
            raise DamagedCheckpoint("an object number is missing or repeated")
        self.memo[n] = obj
        return obj

    def _list(self, node: dict, key: str = "v") -> list:
        items = node[key]
        if type(items) is not list:
            raise DamagedCheckpoint(f"'{key}' is not a list")
        return [self.decode(x) for x in items]

    def decode(self, node: Any) -> Any:
        t = type(node)
        if t in _SCALARS or t is float:
            return node
        if t is not dict:
            raise DamagedCheckpoint(f"unexpected {t.__name__} in the state document")
        tag = node.get("$")
        handler = _HANDLERS.get(tag) if isinstance(tag, str) else None
        if handler is None:
            raise DamagedCheckpoint(f"unknown entry {str(tag)[:40]!r}")
        return handler(self, node)

    def _float(self, node):
        if node["v"] not in ("nan", "inf", "-inf"):
            raise DamagedCheckpoint("a float that is not nan, inf or -inf")
        return float(node["v"])

    def _model(self, node):
        return self.model

    def _tuple(self, node):
        return tuple(self._list(node))

    def _scalar(self, node):
        arr = self._array(node["a"])
        if arr.shape != ():
            raise DamagedCheckpoint("a scalar that is not 0-dimensional")
        return arr[()]

    def _ref(self, node):
        n = node["n"]
        if type(n) is not int or n not in self.memo:
            raise DamagedCheckpoint("a reference to nothing")
        return self.memo[n]

    def _seq(self, node):
        tag = node["$"]
        if tag == "list":
            out = self._register(node, [])
            out.extend(self._list(node))
            return out
        if tag == "deque":
            maxlen = node["max"]
            if maxlen is not None and type(maxlen) is not int:
                raise DamagedCheckpoint("a deque's maxlen is not a whole number")
            out = self._register(node, collections.deque(maxlen=maxlen))
            out.extend(self._list(node))
            return out
        if tag == "set":
            out = self._register(node, set())
            out.update(self._list(node))
            return out
        return self._register(node, frozenset(self._list(node)))

    def _dict(self, node):
        tag = node["$"]
        if tag == "defaultdict":
            factory = _FACTORIES.get(node["f"]) if isinstance(node["f"], str) else None
            if factory is None:
                raise DamagedCheckpoint("a defaultdict of an unknown factory")
            out = collections.defaultdict(factory)
        else:
            out = collections.OrderedDict() if tag == "odict" else {}
        self._register(node, out)
        keys, values = self._list(node, "k"), self._list(node, "v")
        if len(keys) != len(values):
            raise DamagedCheckpoint("a table whose keys and values differ in number")
        out.update(zip(keys, values, strict=True))
        return out

    def _ndarray(self, node):
        if node["$"] == "array":
            return self._register(node, self._array(node["a"]))
        shape = node["shape"]
        if type(shape) is not list or not all(type(s) is int and s >= 0 for s in shape):
            raise DamagedCheckpoint("an array shape that is not a list of sizes")
        flat = self._list(node)
        if math.prod(shape) != len(flat):
            raise DamagedCheckpoint("an array whose shape and values differ")
        arr = np.empty(len(flat), dtype=object)
        arr[:] = flat if flat else arr
        return self._register(node, arr.reshape(shape))

    def _frame(self, node):
        cols = node["columns"]
        if type(cols) is not list:
            raise DamagedCheckpoint("a table whose columns are not a list")
        data = {}
        for name, values, dtype in cols:
            data[self.decode(name)] = _series(self.decode(values), str(dtype))
        index = node["index"]
        if "range" in index:
            start, stop, step = (int(x) for x in index["range"])
            idx = pd.RangeIndex(start, stop, step, name=self.decode(index["name"]))
        else:
            levels = [
                (self.decode(nm), _series(self.decode(v), str(dt))) for nm, v, dt in index["levels"]
            ]
            if len(levels) == 1:
                idx = pd.Index(levels[0][1], name=levels[0][0])
            else:
                idx = pd.MultiIndex.from_arrays(
                    [s for _, s in levels], names=[nm for nm, _ in levels]
                )
        df = pd.DataFrame(data) if data else pd.DataFrame(index=pd.RangeIndex(len(idx)))
        if len(df) != len(idx):
            raise DamagedCheckpoint("a table whose index and columns differ in length")
        df.index = idx
        return self._register(node, df)

    def _generator(self, node):
        cls = _BIT_GENERATORS.get(node["bit"]) if isinstance(node["bit"], str) else None
        if cls is None:
            raise DamagedCheckpoint("a random generator of an unknown kind")
        gen = np.random.Generator(cls())
        gen.bit_generator.state = self.decode(node["state"])
        return self._register(node, gen)

    def _random(self, node):
        gen = random.Random()
        gen.setstate(self.decode(node["state"]))
        return self._register(node, gen)

    def _object(self, node):
        name = node["cls"]
        cls = self.classes.get(name) if isinstance(name, str) else None
        if cls is None:
            raise DamagedCheckpoint(f"class {str(name)[:40]!r} is not a state class")
        is_agent = node["$"] == "agent"
        if is_agent != issubclass(cls, mesa.Agent):
            raise DamagedCheckpoint(f"class {name!r} stored as the wrong kind")
        obj = cls.__new__(cls)
        if is_agent:
            unique_id = node["id"]
            if type(unique_id) is not int:
                raise DamagedCheckpoint("an agent without a whole-number id")
            mesa.Agent.__init__(obj, self.model)  # registers it (in the saved order)
        self._register(node, obj)
        keys, values = self._list(node, "k"), self._list(node, "v")
        if len(keys) != len(values) or not all(type(k) is str for k in keys):
            raise DamagedCheckpoint(f"the attributes of a {name} cannot be read")
        for key, value in zip(keys, values, strict=True):
            object.__setattr__(obj, key, value)
        if is_agent:
            obj.unique_id = unique_id
        return obj


_HANDLERS = {
    "float": _Decoder._float,
    "model": _Decoder._model,
    "tuple": _Decoder._tuple,
    "scalar": _Decoder._scalar,
    "ref": _Decoder._ref,
    "list": _Decoder._seq,
    "deque": _Decoder._seq,
    "set": _Decoder._seq,
    "frozenset": _Decoder._seq,
    "dict": _Decoder._dict,
    "odict": _Decoder._dict,
    "defaultdict": _Decoder._dict,
    "array": _Decoder._ndarray,
    "objarray": _Decoder._ndarray,
    "frame": _Decoder._frame,
    "generator": _Decoder._generator,
    "random": _Decoder._random,
    "object": _Decoder._object,
    "agent": _Decoder._object,
}


# --- saving ---------------------------------------------------------------------------------
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


def _digest(header: dict[str, Any], state: bytes, arrays: Any, n_arrays: int) -> str:
    """SHA-256 of the header (less its hash), the state document and every array."""
    h = hashlib.sha256(_HASH_DOMAIN)
    body = {k: v for k, v in header.items() if k != "sha256"}
    h.update(json.dumps(body, sort_keys=True).encode("utf-8") + b"\n")
    h.update(len(state).to_bytes(8, "little") + state)
    for i in range(n_arrays):
        arr = np.ascontiguousarray(arrays[f"a{i}"])
        descr = f"{i}:{np.lib.format.dtype_to_descr(arr.dtype)!r}:{arr.shape}\n"
        h.update(descr.encode("utf-8"))
        h.update(memoryview(arr).cast("B") if arr.size else b"")
    return h.hexdigest()


def save_model(model: AlpacaModel, path: str | Path, meta: dict[str, Any] | None = None) -> Path:
    """Write `model` to `path` atomically (a kill never leaves a half-written checkpoint).

    `meta` is stored in the header as it is (JSON), e.g. the number of months the run is
    to reach; read it back with `read_header`. Returns the path. Raises UnknownStateError
    (a TypeError) naming the class if the state holds an object not in STATE_CLASSES.
    """
    path = Path(path)
    encoder = _Encoder(model)
    document = encoder.encode(_state(model), "model")
    state = json.dumps(document, allow_nan=False, separators=(",", ":")).encode("utf-8")
    arrays = {f"a{i}": arr for i, arr in enumerate(encoder.arrays)}
    header = {
        "format": FORMAT_VERSION,
        "versions": _versions(),
        "steps": model.steps,
        "date": model.date,
        "run": run_identity(model.scenario),
        "meta": _plain(meta or {}),
        "arrays": len(arrays),
    }
    header["sha256"] = _digest(header, state, arrays, len(arrays))
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    buffer = io.BytesIO()
    np.savez(
        buffer,
        header=np.frombuffer(head, dtype=np.uint8),
        state=np.frombuffer(state, dtype=np.uint8),
        **arrays,
    )
    atomic_write(path, buffer.getvalue())
    return path


# --- loading --------------------------------------------------------------------------------
def _damaged(path: Any, why: str) -> ValueError:
    return ValueError(f"{path}: damaged checkpoint ({why}); it cannot be resumed.")


def _open(path: str | Path) -> tuple[dict[str, Any], Any, bytes, Path]:
    """Read and check a checkpoint: (header, its arrays, the state document, path)."""
    path = Path(path)
    data = read_bytes(path, "checkpoint", MAX_CHECKPOINT_BYTES)
    if data.startswith(b"ALPACA-ABM-CHECKPOINT\n"):
        raise ValueError(
            f"{path}: a checkpoint of format 1 (a pickle, written by an earlier alpaca-abm): "
            "it is not loaded, because loading a pickle can run code. Start the run again."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        if data.startswith(b"PK\x03\x04"):  # the start of an archive: cut short or changed
            raise _damaged(path, "not a complete archive: truncated or changed") from None
        raise ValueError(f"{path}: not an alpaca-abm checkpoint.") from None
    names = {info.filename for info in infos}
    if not {"header.npy", "state.npy"} <= names:
        raise ValueError(f"{path}: not an alpaca-abm checkpoint.")
    if any(info.compress_type != zipfile.ZIP_STORED for info in infos):
        raise _damaged(path, "compressed members: checkpoints are written uncompressed")
    _check_member_sizes(data, infos, path)
    try:
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        head = arrays["header"]
        header = json.loads(head.tobytes().decode("utf-8")) if head.dtype == np.uint8 else None
    except (
        ValueError,
        OSError,
        EOFError,
        KeyError,
        UnicodeDecodeError,
        RecursionError,
        zipfile.BadZipFile,
    ):
        raise _damaged(path, "its header cannot be read") from None
    if not isinstance(header, dict):
        raise _damaged(path, "its header cannot be read")
    check_header(header, path)
    n_arrays = header.get("arrays")
    if type(n_arrays) is not int or names != {"header.npy", "state.npy"} | {
        f"a{i}.npy" for i in range(n_arrays)
    }:
        raise _damaged(path, "its members are not the ones its header lists")
    try:
        state = arrays["state"]
        if state.dtype != np.uint8 or state.ndim != 1:
            raise ValueError
        state = state.tobytes()
        ok = _digest(header, state, arrays, n_arrays) == header.get("sha256")
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile):
        raise _damaged(path, "its contents cannot be read") from None
    if not ok:
        raise _damaged(path, "truncated or changed since written: its hash does not match")
    return header, arrays, state, path


def _check_member_sizes(data: bytes, infos: list[zipfile.ZipInfo], path: Path) -> None:
    """Refuse an archive member whose declared array (shape x item size) is not exactly
    what it stores, before any array is loaded: a header may declare a shape of 10^15
    elements in a file of a few bytes (numpy would try to allocate it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in infos:
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                    else:
                        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                    start = member.tell()
            except (ValueError, OSError, EOFError, SyntaxError, TypeError, zipfile.BadZipFile):
                raise _damaged(
                    path, f"member {info.filename[:40]!r} is not a numpy array"
                ) from None
            if dtype.hasobject:
                raise _damaged(path, f"member {info.filename[:40]!r} holds Python objects")
            declared = math.prod(shape) * dtype.itemsize
            if declared != info.file_size - start:
                raise _damaged(
                    path,
                    f"member {info.filename[:40]!r} declares {declared:,} bytes of data but "
                    f"holds {max(info.file_size - start, 0):,}",
                )


def check_header(header: dict[str, Any], path: str | Path) -> None:
    """Refuse a checkpoint of another format or written by other versions of the software."""
    fmt = header.get("format")
    if fmt != FORMAT_VERSION:
        from .userfile import shown

        raise ValueError(
            f"{path}: checkpoint format {shown(fmt)}; this alpaca-abm reads format "
            f"{FORMAT_VERSION}."
        )
    theirs, ours = header.get("versions"), _versions()
    theirs = theirs if isinstance(theirs, dict) else {}
    for name, version in ours.items():
        if theirs.get(name) != version:
            raise ValueError(
                f"{path}: checkpoint written with {name} {str(theirs.get(name))[:40]}, but this is "
                f"{name} {version}; a checkpoint is resumed only by the versions that wrote "
                "it. Start the run again (or install the versions that wrote it)."
            )


def read_header(path: str | Path) -> dict[str, Any]:
    """The checked header of a checkpoint (versions, steps done, run identity, meta); the
    whole file's hash is verified first, so every field is as written."""
    return _open(path)[0]


def _scenario(run: dict[str, Any]):
    from .params import AlpacaScenario

    if not isinstance(run["parameters"], dict) or not isinstance(run["events"], list):
        raise TypeError("run")
    return AlpacaScenario(
        rng=run["seed"],
        events=tuple(run["events"]),
        name=run["name"],
        description=run["description"],
        **run["parameters"],
    )


def _set_clock(model: AlpacaModel, clock: dict[str, Any]) -> None:
    """Put Mesa's clock where the saved model stood: steps, time, and the next step."""
    for key, kinds in (
        ("steps", int),
        ("time", float),
        ("running", bool),
        ("agent_id_counter", int),
        ("executions", int),
    ):
        if type(clock[key]) is not kinds:
            raise DamagedCheckpoint(f"clock field {key!r} has the wrong type")
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


_CACHES = {"_female_values"}  # model attributes set during a month, not by the constructor
# Float columns of state classes that may hold NaN (missing); every other float array of a
# state object must be finite. Integer columns that count and can never be negative.
MAY_BE_MISSING = {("Contracts", "trust_12"), ("Contracts", "trust_24")}
COUNTS = {
    "FirmTable": (
        "births",
        "bought_in",
        "culled",
        "deaths",
        "sold_out",
        "wants",
        "insolvent_months",
        "loss_months",
        "displaced_matings",
    ),
    "Herd": ("age", "served"),
}


def _check_invariants(model: AlpacaModel) -> None:
    """Refuse a loaded state the model could never reach: NaN or infinite floats where
    values are never missing, negative counts, table sizes beyond their arrays, animals
    owned by no breeder row."""
    classes = tuple(state_classes().values())
    for name, obj in vars(model).items():
        if not isinstance(obj, classes):
            continue
        kind = type(obj).__name__
        attrs = _attributes(obj)
        for key, value in attrs.items():
            if type(value) is not np.ndarray or value.dtype.kind not in "fiu":
                continue
            if value.dtype.kind == "f" and (kind, key) not in MAY_BE_MISSING:
                if not np.isfinite(value).all():
                    raise DamagedCheckpoint(f"{name}.{key} holds NaN or infinite values")
            if key in COUNTS.get(kind, ()) and value.size and value.min() < 0:
                raise DamagedCheckpoint(f"{name}.{key} holds negative counts")
        size = attrs.get("n") if kind in COUNTS else None  # the tables whose n is a row count
        arrays = [v for v in attrs.values() if type(v) is np.ndarray and v.ndim >= 1]
        if type(size) is int and arrays and not 0 <= size <= min(len(v) for v in arrays):
            raise DamagedCheckpoint(f"{name}.n = {size} does not fit its columns")
    herd, firms = model.__dict__.get("herd"), model.__dict__.get("firms")
    if herd is not None and firms is not None:
        owner = np.asarray(herd.owner[: herd.n])
        if owner.size and (owner.min() < -1 or owner.max() >= firms.n):
            raise DamagedCheckpoint("herd.owner names a breeder row that does not exist")


def _check_value(value: Any, like: Any, where: str) -> None:
    """Refuse a loaded value whose kind differs from what a newly built model holds there:
    an array of another dtype kind or number of dimensions (floats saved as complex,
    counts as floats or text), a state object of another class or with other attributes,
    a number where text is held, an array where a list is held (MarketState.sales_ring was
    one array before it was a list of months), a NaN where a finite number is held, and so
    on."""
    if like is None or value is None:
        return
    if isinstance(like, np.ndarray):
        if type(value) is not np.ndarray:
            raise DamagedCheckpoint(f"{where} is not an array")
        if value.dtype.kind != like.dtype.kind or value.ndim != like.ndim:
            raise DamagedCheckpoint(
                f"{where} is an array of {value.dtype} with {value.ndim} dimensions, not of "
                f"{like.dtype} with {like.ndim}"
            )
        return
    if type(like) in state_classes().values():
        if type(value) is not type(like):
            raise DamagedCheckpoint(f"{where} is not a {type(like).__name__}")
        _check_like(_attributes(value), _attributes(like), where, type(like), strict=False)
        return
    kinds = {bool: (bool,), int: (int,), float: (float, int), str: (str,), list: (list,)}
    allowed = kinds.get(type(like))
    if allowed is not None and not (type(value) in allowed or isinstance(value, np.generic)):
        raise DamagedCheckpoint(f"{where} is a {type(value).__name__}, not a {type(like).__name__}")
    if isinstance(value, float) and not math.isfinite(value) and math.isfinite(like):
        raise DamagedCheckpoint(f"{where} is not a finite number")


def _check_like(
    loaded: dict[str, Any], fresh: dict[str, Any], where: str, cls: type, strict: bool = True
) -> None:
    """Check loaded attributes against those of a newly built object: no name that hides
    a method or property of its class (such as `step`), only names the new object has (or the
    model's known caches) when `strict` (the model; state classes may gain columns), and
    each of the same kind as the new object's (`_check_value`)."""
    for name, value in loaded.items():
        found = inspect.getattr_static(cls, name, None)
        if name.startswith("__") or callable(found) or hasattr(found, "__get__"):
            raise DamagedCheckpoint(f"{where} sets {name[:40]!r}, a name of its class")
        if strict and name not in fresh and name not in _CACHES:
            raise DamagedCheckpoint(f"{where} has no attribute {name[:40]!r}")
        if name in fresh:
            _check_value(value, fresh[name], f"{where}.{name[:40]}")


def load_model(path: str | Path, model_class: type[AlpacaModel]) -> AlpacaModel:
    """Load a model saved with `save_model`; it continues exactly where the saved one stood.

    Raises ValueError naming the file if it is not a checkpoint, is damaged (including a
    correctly hashed file of the wrong structure), or was written by another version of
    alpaca-abm (or of numpy, pandas or mesa). Nothing in the file is imported or called.
    """
    header, arrays, state, path = _open(path)
    try:
        scenario = _scenario(header["run"])
    except (KeyError, TypeError, AttributeError):
        raise _damaged(path, "its run cannot be read") from None
    except ValueError as err:
        raise ValueError(f"{path}: the checkpoint's scenario is not valid here: {err}") from None
    model = model_class(scenario, rng=scenario.rng)
    for agent in list(model.agents):  # the saved agents replace the newly built ones
        agent.remove()
    try:
        document = json.loads(state.decode("utf-8"))
        data = _Decoder(arrays, header["arrays"], model).decode(document)
        if not isinstance(data, dict):
            raise DamagedCheckpoint("the state is not a table")
        attributes, collected = data["attributes"], data["datacollector"]
        if not isinstance(attributes, dict) or not isinstance(collected, dict):
            raise DamagedCheckpoint("the model's attributes are not a table")
        if not all(isinstance(k, str) for k in (*attributes, *collected)):
            raise DamagedCheckpoint("an attribute name is not text")
        _check_like(attributes, dict(model.__dict__), "model", type(model))
        model.__dict__.update(attributes)
        model.tree_cache = None  # spatial index: rebuilt on first use
        vars(model.datacollector).update(collected)
        model.rng.bit_generator.state = data["rng"]
        model.random.setstate(data["random"])
        model._rng, model._seed = data["seeds"]["_rng"], data["seeds"]["_seed"]
        _set_clock(model, data["clock"])
        _check_invariants(model)
    except DamagedCheckpoint as err:
        raise _damaged(path, str(err)) from None
    except (
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        OverflowError,
        RecursionError,
        UnicodeDecodeError,
        zipfile.BadZipFile,
        OSError,
    ) as err:
        raise _damaged(path, f"its state has the wrong structure: {type(err).__name__}") from None
    return model
