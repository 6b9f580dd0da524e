"""What the experiments share to run on the project's sweep engine (`alpaca_abm.sweep`).

An experiment builds a `Sweep` (a table design of its arms or points, the seeds it always
used via `seeds=`, its own run function when it reads more than `RunResult.summary`) and runs
it with `run_on_engine`: every run goes through the engine's backends (serial, or the local
process pool) into a result store named by the sweep's fingerprint, so an interrupted
experiment resumes where it stopped and a changed design starts a store of its own. No
experiment keeps a process pool of its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run functions are imported by dotted path: experiments.*
    sys.path.insert(0, str(ROOT))

# A table row must set at least one parameter; an experiment's only point may set none (its
# arm is the scenario as it is). It then sets this collection-only parameter to the
# scenario's own value, which changes nothing.
NO_OP_PARAMETER = "agent_report_every"
FINGERPRINT_CHARS = 12  # of a store's folder name: <sweep name>-<fingerprint>


def table_design(rows: Sequence[Mapping[str, Any]], base: Any) -> Any:
    """A table design of `rows` (parameter overrides), every row given the same parameters:
    one a row does not set takes the base scenario's own value (a no-op)."""
    from alpaca_abm.sweep import design

    names = list(dict.fromkeys(name for row in rows for name in row)) or [NO_OP_PARAMETER]
    return design.table([{n: row.get(n, getattr(base, n)) for n in names} for row in rows])


def workers_backend(workers: int) -> str:
    """The sweep backend for `workers` processes: serial for one, the local pool for more."""
    return "serial" if workers <= 1 else "local"


def run_on_engine(
    sweep: Any,
    store_root: Path,
    workers: int,
    progress: bool = True,
    describe: Callable[[int], str] | None = None,
) -> Any:
    """Run `sweep` into store_root/<name>-<fingerprint> (resuming a store of the same sweep)
    and return its `ResultStore`; RuntimeError naming the first failed run if any failed
    (its point in the experiment's words when `describe(point)` is given)."""
    if workers < 1:
        raise ValueError(f"workers = {workers!r} is not allowed: expected an integer >= 1.")
    store_dir = Path(store_root) / f"{sweep.name}-{sweep.fingerprint()[:FINGERPRINT_CHARS]}"
    store = sweep.run(
        store_dir,
        backend=workers_backend(workers),
        workers=workers,
        resume=True,
        progress=progress,
    )
    failures = store.failures()
    if len(failures):
        first = failures.iloc[0]
        point = int(first["point"])
        where = describe(point) if describe else f"point {point}"
        raise RuntimeError(
            f"{len(failures)} of {store.n_runs} runs of '{sweep.name}' failed (store "
            f"{store_dir}); the first, {where} seed {first['seed']}: "
            f"{first['error_type']}: {first['error_message']}"
        )
    return store
