"""Parameter sweeps: designs, replicates, a resumable Parquet store; serial, local or Dask.

Example:
    >>> from alpaca_abm.sweep import Sweep
    >>> store = Sweep.from_toml("experiments/control_openness.toml").run("sweeps/co")
    >>> store.summary_frame().head()   # one row per run
"""

from . import design
from .backends import BACKENDS, BackendError, RunOutcome, RunTask, execute_run
from .design import Design
from .spec import SpecError, Sweep
from .store import ResultStore, StoreError


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
