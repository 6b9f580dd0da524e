"""Where runs execute: `serial`, `local` (a process pool) or `dask` (a dask.distributed cluster).

Every backend runs the same top-level function, `execute_run(task) -> RunOutcome`, on a
picklable `RunTask`; results depend only on the task, so every backend gives identical
results. Workers encode results as Parquet bytes; only the driver writes to the store, so
workers need no shared file system and no two processes ever write one file.
"""

from __future__ import annotations

import io
import logging
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .store import FINGERPRINT_KEY, KEY_COLUMNS, ResultStore
from .task import RunOutcome, RunTask, SpecError, resolve_function, run_key

if TYPE_CHECKING:
    from .task import SweepPlan

__all__ = [
    "BACKENDS",
    "RunOutcome",
    "RunTask",
    "execute_run",
    "make_backend",
    "run_key",
    "run_sweep",
]

SERIAL, LOCAL, DASK = "serial", "local", "dask"
BACKENDS = (LOCAL, SERIAL, DASK)
MAX_WORKER_LOSSES = 3  # a run whose worker died this often is recorded as failed, not retried
LOCAL_TASKS_PER_WORKER = 2  # tasks in flight per process: one running, one queued behind it
DASK_TASKS_PER_THREAD = 4  # tasks handed to the scheduler per worker thread (keeps it busy)
DASK_REFRESH_SECONDS = 2.0  # how often to re-count the cluster's threads as workers come and go
DASK_CONNECT_TIMEOUT = "30s"  # a scheduler that takes longer to answer is not there
DASK_WORKER_WAIT_SECONDS = 120  # how long to wait for a cluster's first worker
WATCHDOG_SECONDS = 1.0  # how often a pool worker checks that its sweep is still alive
STOP_SECONDS = 5.0  # how long a terminated pool worker gets to exit before we move on
TOKEN_CHARS = 8  # hex digits of a sweep's random Dask key prefix: collisions are negligible
ORPHAN_EXIT_STATUS = 3  # exit status of a pool worker whose sweep process died
PROBE_STEPS = 1  # months of the probe run that checks `outcomes` names before a sweep
OUTCOME_PREFIX = "outcome_"  # a summary figure named like a parameter is stored as outcome_NAME
WORKER_LOST = "WorkerLost"  # error type of a run whose worker process died under it
# Renames are flushed to disk (directory fsync) this often rather than once per file: a
# rename lost to a power cut only means that run is redone on --resume, never a torn file.
DIRECTORY_SYNC_SECONDS = 5.0

log = logging.getLogger(__name__)


class BackendError(RuntimeError):
    """A backend that cannot start: no scheduler at the address, mismatched worker versions."""


# --- the worker side --------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _run_function(path: str) -> Any:
    return resolve_function(path)


def _plain_value(value: Any) -> Any:
    """A summary figure as a Parquet-friendly scalar: float for numbers, str otherwise."""
    if value is None:
        return math.nan
    if isinstance(value, bool | int | float) or hasattr(value, "__float__"):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    return str(value)


def select_outcomes(summary: Mapping[str, Any], wanted: tuple[str, ...]) -> dict[str, Any]:
    """The summary figures to keep (all when `wanted` is empty); KeyError naming a missing one."""
    if not wanted:
        return dict(summary)
    missing = [name for name in wanted if name not in summary]
    if missing:
        raise KeyError(f"summary has no {missing[0]!r}; it has {', '.join(sorted(summary))}")
    return {name: summary[name] for name in wanted}


def summary_record(task: RunTask, summary: Mapping[str, Any], seconds: float) -> dict[str, Any]:
    """The one row stored for a run: keys, parameters, summary figures, run time."""
    row: dict[str, Any] = {
        "run_key": task.key,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
    }
    row |= dict(task.params) | dict(task.fixed)
    for name, value in summary.items():
        column = OUTCOME_PREFIX + name if name in row or name == "run_seconds" else name
        row[column] = _plain_value(value)
    row["run_seconds"] = float(seconds)
    return row


def record_parquet(row: Mapping[str, Any], fingerprint: str = "") -> bytes:
    """One row as Parquet bytes, built straight in Arrow (no pandas: ~5x faster per run).

    No statistics or compression: they cost time and save nothing on a single row.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    table = pa.table({k: [v] for k, v in row.items()})
    if fingerprint:
        table = table.replace_schema_metadata({FINGERPRINT_KEY: fingerprint.encode("ascii")})
    pq.write_table(table, sink, write_statistics=False, compression="none")
    return sink.getvalue()


def timeseries_table(task: RunTask, model_df: pd.DataFrame) -> pd.DataFrame:
    """The run's monthly table with run_key, point, replicate and seed in front."""
    frame = model_df
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    if task.timeseries_columns:
        missing = [c for c in task.timeseries_columns if c not in frame.columns]
        if missing:
            raise KeyError(
                f"model_df has no column {missing[0]!r}; it has "
                f"{', '.join(map(str, frame.columns))}"
            )
        keep = list(dict.fromkeys(["step", *task.timeseries_columns]))
        frame = frame[[c for c in keep if c in frame.columns]]
    frame = frame.copy()
    for i, column in enumerate(KEY_COLUMNS):
        value = getattr(task, "key" if column == "run_key" else column)
        if column in frame.columns:
            frame = frame.rename(columns={column: OUTCOME_PREFIX + column})
        frame.insert(i, column, value)
    return frame.reset_index(drop=True)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A table as Parquet file bytes; columns Arrow cannot type are stored as text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == object or isinstance(frame[column].dtype, pd.PeriodDtype):
                frame[column] = frame[column].astype(str)
        table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def execute_run(task: RunTask) -> RunOutcome:
    """Run one model run and encode its result; an exception becomes a failure outcome.

    Example: `execute_run(sweep.tasks()[0]).ok`.
    """
    ids = {"key": task.key, "point": task.point, "replicate": task.replicate, "seed": task.seed}
    start = time.perf_counter()
    try:
        func = _run_function(task.run_function)
        result = func(task.scenario, steps=task.steps, rng=task.seed, **task.fixed, **task.params)
        seconds = time.perf_counter() - start
        summary = select_outcomes(result.summary, task.outcomes)
        series = None
        if task.keep_timeseries:
            series = parquet_bytes(timeseries_table(task, result.model_df))
        row = record_parquet(summary_record(task, summary, seconds), task.fingerprint)
        return RunOutcome(
            **ids, ok=True, summary_parquet=row, timeseries_parquet=series, run_seconds=seconds
        )
    except Exception as err:  # a failed run is data: record it and let the sweep go on
        return failure_outcome(
            task, type(err).__name__, str(err), traceback.format_exc(), time.perf_counter() - start
        )


def failure_outcome(
    task: RunTask, error_type: str, message: str, trace: str = "", seconds: float = math.nan
) -> RunOutcome:
    """The outcome of a run that did not finish."""
    return RunOutcome(
        key=task.key,
        point=task.point,
        replicate=task.replicate,
        seed=task.seed,
        ok=False,
        error_type=error_type,
        error_message=message,
        traceback=trace,
        run_seconds=seconds,
    )


def _worker_package_version() -> str:
    import alpaca_abm

    return alpaca_abm.__version__


def _init_pool_worker(sweep_pid: int) -> None:
    """Pool worker start-up: leave Ctrl-C to the sweep, and exit if the sweep process dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def sweep_alive() -> bool:
        if os.getppid() != parent:  # our parent (the sweep or its fork server) has gone
            return False
        try:
            os.kill(sweep_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch() -> None:
        while sweep_alive():
            time.sleep(WATCHDOG_SECONDS)
        os._exit(ORPHAN_EXIT_STATUS)

    threading.Thread(target=watch, name="sweep-watchdog", daemon=True).start()


# --- the backends ----------------------------------------------------------------------------


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity and cgroup-pinned sets)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Backend:
    """One way of executing runs: `execute(tasks)` yields outcomes as runs finish."""

    name = "base"

    def __init__(self) -> None:
        self.running = 0  # runs executing now, as far as the backend knows

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release processes, clusters and connections."""

    def describe(self) -> str:
        """A few words on where runs execute, for the log."""
        return self.name

    def execute(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Run every task; yield each outcome as soon as it is known (any order)."""
        raise NotImplementedError


class SerialBackend(Backend):
    """Runs one after another in this process: simplest, and the reference for the others."""

    name = SERIAL

    def execute(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Run the tasks in order in this process."""
        self.running = 1
        try:
            for task in tasks:
                yield execute_run(task)
        finally:
            self.running = 0


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method of pool workers: a fork server where there is one, else spawn.

    A fork server is fast (it imports the model once) and, unlike fork, safe in a sweep
    process that has threads (tqdm, Dask). Its workers see this process's sys.path.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


class LocalBackend(Backend):
    """A pool of worker processes on this machine (all cores by default).

    Survives a killed worker: on BrokenProcessPool it builds a new pool and resubmits only
    the runs that were lost; a run lost MAX_WORKER_LOSSES times is recorded as failed.
    """

    name = LOCAL

    def __init__(self, workers: int | None = None) -> None:
        super().__init__()
        self.workers = workers or available_cores()
        self.pool_rebuilds = 0
        self._executor: ProcessPoolExecutor | None = None

    def describe(self) -> str:
        """Pool size."""
        return f"local process pool, {self.workers} workers"

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=pool_context(),
            initializer=_init_pool_worker,
            initargs=(os.getpid(),),
        )

    def execute(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Run the tasks on the pool, at most workers x LOCAL_TASKS_PER_WORKER in flight."""
        pending = deque(tasks)
        inflight: dict[Future, RunTask] = {}
        losses: Counter[str] = Counter()
        window = self.workers * LOCAL_TASKS_PER_WORKER
        barren_pools = 0  # pools in a row that broke before finishing a single run
        self._executor = self._new_executor()
        finished_here = 0  # runs finished by the current pool
        try:
            while pending or inflight:
                lost: list[RunTask] = []
                while pending and len(inflight) < window:
                    task = pending.popleft()
                    try:
                        inflight[self._executor.submit(execute_run, task)] = task
                    except BrokenProcessPool:
                        lost.append(task)
                        break
                if not lost:
                    self.running = min(len(inflight), self.workers)
                    done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                    for future in done:
                        outcome = self._collect(future, inflight.pop(future), lost)
                        if outcome is not None:
                            finished_here += 1
                            yield outcome
                    if not lost:
                        continue
                # The pool is broken: every other run in flight fails with it. Keep those
                # that finished first, rebuild the pool and resubmit only the lost runs.
                wait(list(inflight))
                for future, task in list(inflight.items()):
                    outcome = self._collect(future, task, lost)
                    if outcome is not None:
                        finished_here += 1
                        yield outcome
                inflight.clear()
                self._discard_executor()
                barren_pools = barren_pools + 1 if finished_here == 0 else 0
                if barren_pools >= MAX_WORKER_LOSSES:
                    raise BackendError(
                        f"worker processes died {barren_pools} times in a row before finishing "
                        "any run. A sweep started from a script must sit under "
                        "`if __name__ == '__main__':` (workers import the script); a run that "
                        "runs out of memory looks the same (try fewer --workers)."
                    )
                self.pool_rebuilds += 1
                log.warning(
                    "a worker process died; rebuilding the pool and resubmitting %d lost runs",
                    len(lost),
                )
                for task in reversed(lost):
                    losses[task.key] += 1
                    if losses[task.key] >= MAX_WORKER_LOSSES:
                        yield failure_outcome(
                            task,
                            WORKER_LOST,
                            f"the worker process died {losses[task.key]} times while running it",
                        )
                    else:
                        pending.appendleft(task)
                self._executor = self._new_executor()
                finished_here = 0
        finally:
            self.running = 0
            self._discard_executor()

    @staticmethod
    def _collect(future: Future, task: RunTask, lost: list[RunTask]) -> RunOutcome | None:
        try:
            return future.result()
        except BrokenProcessPool:
            lost.append(task)
            return None
        except Exception as err:  # e.g. a task that could not be pickled
            return failure_outcome(
                task, type(err).__name__, str(err), "".join(traceback.format_exception(err))
            )

    def _discard_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        # Stop at once (Ctrl-C, a broken pool): end the worker processes we started, by PID.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=STOP_SECONDS)

    def close(self) -> None:
        """Stop the pool if it is still up."""
        self._discard_executor()


class DaskBackend(Backend):
    """A dask.distributed cluster: the scheduler at `scheduler` (e.g. tcp://10.0.0.5:8786), or
    a LocalCluster of `workers` single-threaded processes started (and stopped) here.

    Dask re-runs tasks whose worker died; a task whose workers keep dying ends as
    KilledWorker and is recorded as a failure.
    """

    name = DASK

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        super().__init__()
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise BackendError(
                "the dask backend needs dask[distributed]: pip install 'alpaca-abm[sweep]'"
            ) from None

        self.cluster = None
        self.scheduler = scheduler
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
            else:
                self.cluster = LocalCluster(
                    n_workers=workers or available_cores(),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as err:
            self.close()
            raise BackendError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
        try:
            self.client.wait_for_workers(1, timeout=DASK_WORKER_WAIT_SECONDS)
        except TimeoutError:
            self.close()
            raise BackendError(
                f"the Dask scheduler at {scheduler} has had no worker for "
                f"{DASK_WORKER_WAIT_SECONDS} s: start some with "
                f"'dask worker {scheduler}'."
            ) from None
        self._check_versions()
        self._threads, self._counted_at = 0, -math.inf

    def describe(self) -> str:
        """Scheduler address and threads."""
        where = self.scheduler or "a LocalCluster"
        return f"dask at {where}, {self._thread_count()} worker threads"

    def _check_versions(self) -> None:
        import alpaca_abm

        mine = alpaca_abm.__version__
        theirs = self.client.run(_worker_package_version)
        wrong = {w: v for w, v in theirs.items() if v != mine}
        if wrong:
            worker, version = next(iter(wrong.items()))
            self.close()
            raise BackendError(
                f"Dask worker {worker} runs alpaca-abm {version}, this sweep "
                f"{mine}: install the same version on every worker."
            )

    def _thread_count(self) -> int:
        now = time.monotonic()
        if now - self._counted_at > DASK_REFRESH_SECONDS:
            self._threads = max(1, sum(self.client.nthreads().values()))
            self._counted_at = now
        return self._threads

    def execute(self, tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
        """Submit tasks a window at a time; yield outcomes as Dask finishes them."""
        import uuid

        from distributed import as_completed

        todo = iter(tasks)
        token = uuid.uuid4().hex[:TOKEN_CHARS]  # keys unique on a long-lived scheduler
        inflight: dict[str, tuple[Any, RunTask]] = {}
        finished = as_completed()

        def refill() -> None:
            window = self._thread_count() * DASK_TASKS_PER_THREAD
            while len(inflight) < window:
                task = next(todo, None)
                if task is None:
                    return
                future = self.client.submit(
                    execute_run, task, key=f"alpaca-{task.key}-{token}", pure=False
                )
                inflight[future.key] = (future, task)
                finished.add(future)

        try:
            refill()
            self.running = min(len(inflight), self._thread_count())
            for future in finished:
                _, task = inflight.pop(future.key)
                if future.status == "finished":
                    outcome = future.result()
                elif future.status == "cancelled":
                    outcome = failure_outcome(task, "Cancelled", "the Dask task was cancelled")
                else:  # KilledWorker (its workers kept dying) or an error outside the run
                    err = future.exception()
                    outcome = failure_outcome(task, type(err).__name__, str(err))
                future.release()
                refill()
                self.running = min(len(inflight), self._thread_count())
                yield outcome
        finally:
            self.running = 0
            if inflight:
                self.client.cancel([future for future, _ in inflight.values()])

    def close(self) -> None:
        """Disconnect; stop the LocalCluster if this backend started it."""
        client, cluster = getattr(self, "client", None), self.cluster
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def make_backend(name: str, workers: int | None = None, scheduler: str | None = None) -> Backend:
    """The backend called `name` (serial, local or dask)."""
    if name == SERIAL:
        return SerialBackend()
    if name == LOCAL:
        return LocalBackend(workers)
    if name == DASK:
        return DaskBackend(scheduler, workers)
    raise ValueError(f"backend {name!r} is not allowed: expected one of {', '.join(BACKENDS)}.")


# --- the driver ---------------------------------------------------------------------------------


def probe_outcomes(sweep: SweepPlan) -> None:
    """Check `outcomes` and `timeseries_columns` against a short run, before any run starts.

    A probe that itself fails proves nothing about the names, so it is ignored (the runs will
    record the same failure).
    """
    if not sweep.outcomes and not sweep.timeseries_columns:
        return
    import difflib

    try:
        func = _run_function(sweep.run_function)
        result = func(
            sweep.base_scenario, steps=PROBE_STEPS, rng=sweep.seed, **sweep.fixed, **sweep.points[0]
        )
        summary, columns = set(result.summary), set(result.model_df.columns)
        columns |= set(result.model_df.index.names) - {None}
    except Exception:  # noqa: BLE001 - see docstring
        return
    for field_name, wanted, have in (
        ("outcomes", sweep.outcomes, summary),
        ("timeseries_columns", sweep.timeseries_columns, columns),
    ):
        for i, name in enumerate(wanted):
            if name not in have:
                close = difflib.get_close_matches(name, sorted(have), n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise SpecError(
                    sweep.source,
                    f"{field_name}[{i}]",
                    f"{name!r} is not allowed: the model gives no such figure.{hint}"
                    f" Allowed: {', '.join(sorted(have))}.",
                )


def expected_run_columns(sweep: SweepPlan) -> list[str] | None:
    """The columns every run file of `sweep` has (keys, parameters, the kept summary
    figures, run time), from a probe run of PROBE_STEPS months; None if the probe fails
    (the runs will record the same failure)."""
    try:
        func = _run_function(sweep.run_function)
        result = func(
            sweep.base_scenario, steps=PROBE_STEPS, rng=sweep.seed, **sweep.fixed, **sweep.points[0]
        )
        summary = select_outcomes(result.summary, sweep.outcomes)
        task = sweep.tasks(only={run_key(0, 0)})[0]
    except Exception:  # noqa: BLE001 - see docstring
        return None
    return list(summary_record(task, summary, 0.0))


def run_sweep(
    sweep: SweepPlan,
    out_dir: str | Path,
    backend: str = LOCAL,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
) -> ResultStore:
    """Run every run of `sweep` not yet stored in `out_dir`, on `backend`; return the store.

    Shows a progress bar on stderr (done/total, running, failed, time left) unless
    `progress` is False. Failed runs are stored as failures and do not stop the sweep.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"backend {backend!r} is not allowed: expected one of {', '.join(BACKENDS)}."
        )
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"workers = {workers!r} is not allowed: expected an integer >= 1.")
    if scheduler and backend != DASK:
        raise ValueError("a scheduler address is only used with backend 'dask'.")
    try:
        import pyarrow  # noqa: F401 - the store's file format
    except ImportError:
        raise BackendError(
            "sweeps store results as Parquet and need pyarrow: pip install 'alpaca-abm[sweep]'"
        ) from None
    probe_outcomes(sweep)
    from alpaca_abm.io import locked_output

    with locked_output(Path(out_dir), "sweep store"):  # one driver per store at a time
        return _drive(sweep, Path(out_dir), backend, workers, scheduler, resume, progress)


def _drive(
    sweep: SweepPlan,
    out_dir: Path,
    backend: str,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    progress: bool,
) -> ResultStore:
    """run_sweep's work, with the store's lock held: check the store, start the backend
    (a scheduler that cannot be reached is found before the store is written), run."""
    store = ResultStore.existing(out_dir, sweep, resume=resume)
    if store is not None and resume:
        if store.run_columns is None:  # a store made before run files' columns were recorded
            columns = expected_run_columns(sweep)
            if columns is not None:
                store.record_run_columns(columns)
        store.remove_temporaries()
        store.redone = store.verify_runs(sweep)
        if store.redone:
            print(
                f"alpaca-abm sweep: {len(store.redone)} stored runs were damaged or not of "
                f"this sweep ({store.redone[0]}, ...): redoing them.",
                file=sys.stderr,
            )
    if store is not None:
        todo = sweep.tasks(only=set(store.run_keys()) - store.done_keys())
        if not todo:
            print(
                f"alpaca-abm sweep: {out_dir} is finished: all {store.n_runs} runs are stored; "
                "nothing to run.",
                file=sys.stderr,
            )
            return store
    with make_backend(backend, workers, scheduler) as runner:
        if store is None:
            store = ResultStore.create(out_dir, sweep)
            columns = expected_run_columns(sweep)
            if columns is not None:
                store.record_run_columns(columns)
            todo = sweep.tasks()
        return _execute(sweep, store, runner, todo, progress)


def _execute(
    sweep: SweepPlan, store: ResultStore, runner: Backend, todo: list, progress: bool
) -> ResultStore:
    """Run `todo` on `runner`, recording each outcome in `store` as it arrives."""
    from tqdm import tqdm

    done = store.done_keys()

    failed = 0
    synced_at = time.monotonic()
    bar = tqdm(
        total=store.n_runs,
        initial=len(done),
        desc=sweep.name,
        unit="run",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )
    try:
        for outcome in runner.execute(todo):
            store.record(outcome)
            failed += not outcome.ok
            bar.update(1)
            bar.set_postfix(running=runner.running, failed=failed, refresh=False)
            if time.monotonic() - synced_at > DIRECTORY_SYNC_SECONDS:
                store.sync()
                synced_at = time.monotonic()
    finally:
        bar.close()
        store.sync()
    return store
