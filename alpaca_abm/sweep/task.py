"""What one run of a sweep is, below everything else in the sweep package: its task and its
outcome (plain picklable data), its key in the store, the error a spec raises, how a run
function is found by name, and `SweepPlan`, what the engine (backends, store) reads of a
sweep. `spec.Sweep` is a SweepPlan; the engine never imports `spec`, so the package has
floors (task, design -> store -> backends -> spec -> summarise, cli), not a circle.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .design import Design

KEY_PATTERN = re.compile(r"^p(\d+)-r(\d+)$")


class SpecError(ValueError):
    """A sweep spec field that is not allowed: names the file, field, value and what is allowed."""

    def __init__(self, source: str, field_name: str, message: str) -> None:
        self.source, self.field = source, field_name
        super().__init__(f"{source}: {field_name}: {message}")


def run_key(point: int, replicate: int) -> str:
    """The name of one run in the store, e.g. 'p000012-r0003' (sorts in design order)."""
    return f"p{point:06d}-r{replicate:04d}"


def parse_run_key(key: str) -> tuple[int, int]:
    """(point, replicate) of a run key, or ValueError."""
    match = KEY_PATTERN.match(key)
    if not match:
        raise ValueError(f"{key!r} is not a run key like 'p000012-r0003'.")
    return int(match.group(1)), int(match.group(2))


def resolve_function(path: str) -> Any:
    """Import 'package.module.attr' and return the callable it names (importlib, no eval)."""
    module_name, _, attr = path.rpartition(".")
    func = getattr(importlib.import_module(module_name), attr)
    if not callable(func):
        raise TypeError(f"{path} is not callable")
    return func


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs, as plain picklable data."""

    key: str
    point: int
    replicate: int
    seed: int
    params: Mapping[str, Any]
    fixed: Mapping[str, Any]
    scenario: Any  # an AlpacaScenario (picklable) or a shipped scenario name
    steps: int
    run_function: str
    outcomes: tuple[str, ...] = ()
    keep_timeseries: bool = False
    timeseries_columns: tuple[str, ...] = ()
    fingerprint: str = ""  # the sweep's: stored with the run, checked on --resume


@dataclass(frozen=True)
class RunOutcome:
    """What a run gives back: its result as Parquet bytes, or its failure."""

    key: str
    point: int
    replicate: int
    seed: int
    ok: bool
    summary_parquet: bytes | None = None
    timeseries_parquet: bytes | None = None
    error_type: str = ""
    error_message: str = ""
    traceback: str = ""
    run_seconds: float = math.nan
    host: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


class SweepPlan(Protocol):
    """What the engine (backends.run_sweep, store.ResultStore) reads of a sweep: its name and
    source, the runs it asks for and how each is made, and its fingerprint (spec.Sweep)."""

    name: str
    description: str
    source: str  # the spec file, named in error messages
    run_function: str
    seed: int
    replicates: int
    keep: str  # "summary" or "timeseries"
    outcomes: tuple[str, ...]
    timeseries_columns: tuple[str, ...]
    fixed: Mapping[str, Any]
    design: Design

    @property
    def base_scenario(self) -> Any: ...  # an AlpacaScenario

    @property
    def points(self) -> tuple[Mapping[str, Any], ...]: ...

    @property
    def n_points(self) -> int: ...

    @property
    def n_runs(self) -> int: ...

    def tasks(self, only: set[str] | None = None) -> list[RunTask]: ...

    def run_seed(self, point: int, replicate: int) -> int: ...

    def fingerprint(self) -> str: ...

    def fingerprint_data(self) -> dict[str, Any]: ...

    def spec_dict(self) -> dict[str, Any]: ...
