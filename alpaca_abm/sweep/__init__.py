"""Parameter sweeps: designs, replicates, a resumable Parquet store; serial, local or Dask.

Example:
    >>> from alpaca_abm.sweep import Sweep
    >>> store = Sweep.from_toml("experiments/control_openness.toml").run("sweeps/co")
    >>> store.summary_frame().head()   # one row per run

Floors (each module imports only those below it; tests/test_imports.py keeps it so):
task and design (what a run is, the design's points), store, backends (the engine, which
reads a sweep through task.SweepPlan), spec (`Sweep`), then summarise and cli.
"""

from . import design
from .backends import BACKENDS, BackendError, execute_run
from .design import Design
from .spec import Sweep
from .store import ResultStore, StoreError
from .task import RunOutcome, RunTask, SpecError


def __getattr__(name: str):
    """Import the report code (matplotlib, SALib) only when it is used."""
    if name == "summarise_store":
        from .summarise import summarise_store

        return summarise_store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BACKENDS",
    "BackendError",
    "Design",
    "ResultStore",
    "RunOutcome",
    "RunTask",
    "SpecError",
    "StoreError",
    "Sweep",
    "design",
    "execute_run",
    "summarise_store",
]
