"""`ResultStore`: a directory that grows one Parquet file per finished run.

Layout (see docs/SWEEPS.md):

    DIR/manifest.json            what this store holds: spec, design points, version, fingerprint
    DIR/runs/KEY.parquet         one row per finished run: point, replicate, seed, parameters,
                                 summary figures (written last: its presence means "done")
    DIR/timeseries/KEY.parquet   the run's monthly table, when the sweep keeps time series
    DIR/failures/KEY.json        error type, message and traceback of a run that failed
    DIR/report/                  tables and figures written by `--summarise`

Every file is written to a temporary name in the same directory, fsynced and renamed over
its final name (os.replace is atomic), so a sweep killed at any moment leaves whole files or
ignorable temporaries, never half a result.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .backends import RunOutcome
    from .spec import Sweep

STORE_FORMAT = "alpaca-abm-sweep-store"
STORE_FORMAT_VERSION = 1  # bump when the layout below changes
MANIFEST = "manifest.json"
RUNS_DIR = "runs"
TIMESERIES_DIR = "timeseries"
FAILURES_DIR = "failures"
REPORT_DIR = "report"
PARQUET = ".parquet"
TEMP_SUFFIX = ".tmp"  # temporaries: ".<final name>.<pid>.<random>.tmp", never read
KEY_PATTERN = re.compile(r"^p(\d+)-r(\d+)$")
KEY_COLUMNS = ("run_key", "point", "replicate", "seed")
TEMP_TOKEN_CHARS = 8  # random hex digits in a temporary's name: two writers never clash
SHOWN_DIFFERENCES = 5  # fields named when refusing another sweep's store (one short line)
SHORT = 12  # hex digits of a fingerprint shown in messages: enough to tell stores apart
TIMING_COLUMNS = ("run_seconds",)  # metadata that differs between machines, not a result


class StoreError(ValueError):
    """A store that cannot be used as asked: another sweep's, not a store, or unfinished."""


def run_key(point: int, replicate: int) -> str:
    """The name of one run in the store, e.g. 'p000012-r0003' (sorts in design order)."""
    return f"p{point:06d}-r{replicate:04d}"


def parse_run_key(key: str) -> tuple[int, int]:
    """(point, replicate) of a run key, or ValueError."""
    match = KEY_PATTERN.match(key)
    if not match:
        raise ValueError(f"{key!r} is not a run key like 'p000012-r0003'.")
    return int(match.group(1)), int(match.group(2))


def fsync_directory(directory: Path) -> None:
    """Flush a directory entry (a rename) to disk where the OS allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories: rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, sync_directory: bool = True) -> None:
    """Write `data` to `path` so that readers see either nothing or the whole file.

    Writes a temporary file in the same directory, fsyncs it, then os.replace()s it; with
    `sync_directory` also fsyncs the directory so that the rename itself is on disk.
    """
    token = uuid.uuid4().hex[:TEMP_TOKEN_CHARS]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{token}{TEMP_SUFFIX}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    if sync_directory:
        fsync_directory(path.parent)


def _finished_keys(directory: Path, suffix: str) -> set[str]:
    if not directory.is_dir():
        return set()
    out = set()
    for name in os.listdir(directory):
        if name.startswith(".") or not name.endswith(suffix):
            continue  # temporaries of an interrupted write are ignored
        key = name[: -len(suffix)]
        if KEY_PATTERN.match(key):
            out.add(key)
    return out


def _differences(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted names of the fields where two fingerprint records differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in old or key not in new:
                out.append(name)
            else:
                out.extend(_differences(old[key], new[key], name))
        return out
    return [] if old == new else [prefix or "(all)"]


class ResultStore:
    """The results of one sweep on disk; grows as runs finish and survives being killed.

    Example:
        >>> store = ResultStore.open("sweeps/control_openness")   # doctest: +SKIP
        >>> store.summary_frame().groupby("control_strength")["partnership_survival"].mean()
    """

    def __init__(self, directory: str | Path, manifest: dict[str, Any]) -> None:
        self.directory = Path(directory)
        self.manifest = manifest

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: str | Path) -> ResultStore:
        """Open an existing store (read its manifest); StoreError if it is not one."""
        directory = Path(directory)
        path = directory / MANIFEST
        if not path.is_file():
            raise StoreError(f"{directory}: not a sweep store (no {MANIFEST}).")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise StoreError(f"{path}: unreadable manifest: {err}.") from None
        if manifest.get("format") != STORE_FORMAT:
            raise StoreError(f"{path}: not an alpaca-abm sweep manifest.")
        if manifest.get("format_version") != STORE_FORMAT_VERSION:
            raise StoreError(
                f"{path}: store format version {manifest.get('format_version')}, "
                f"this alpaca-abm reads version {STORE_FORMAT_VERSION}."
            )
        return cls(directory, manifest)

    @classmethod
    def create(cls, directory: str | Path, sweep: Sweep) -> ResultStore:
        """Make a new store for `sweep` in an empty or missing directory."""
        directory = Path(directory)
        if directory.exists() and any(directory.iterdir()):
            raise StoreError(
                f"{directory}: exists and is not empty, and holds no sweep store: "
                "choose a new --out directory."
            )
        for sub in (RUNS_DIR, FAILURES_DIR):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        manifest = build_manifest(sweep)
        if manifest["spec"]["keep"] == "timeseries":
            (directory / TIMESERIES_DIR).mkdir(exist_ok=True)
        atomic_write_bytes(
            directory / MANIFEST, json.dumps(manifest, indent=1, default=repr).encode("utf-8")
        )
        return cls(directory, manifest)

    @classmethod
    def for_sweep(cls, directory: str | Path, sweep: Sweep, resume: bool = False) -> ResultStore:
        """The store `sweep` writes to: new, or (with resume) the same sweep's unfinished one.

        Refuses another sweep's store (different fingerprint) whatever `resume` says: results
        from different sweeps never mix.
        """
        directory = Path(directory)
        if not (directory / MANIFEST).is_file():
            return cls.create(directory, sweep)
        store = cls.open(directory)
        fingerprint = sweep.fingerprint()
        if store.fingerprint != fingerprint:
            changed = _differences(
                store.manifest.get("fingerprint_data", {}), sweep.fingerprint_data()
            )
            shown = ", ".join(changed[:SHOWN_DIFFERENCES])
            shown += ", ..." if len(changed) > SHOWN_DIFFERENCES else ""
            raise StoreError(
                f"{directory} holds a different sweep ('{store.manifest.get('name')}', "
                f"fingerprint {store.fingerprint[:SHORT]}, this one {fingerprint[:SHORT]}; "
                f"differs in {shown or 'package version'}): results would mix. Choose a new --out "
                "directory, or delete that one to start over."
            )
        done, total = len(store.done_keys()), store.n_runs
        if not resume and (done < total or store.failed_keys()):
            raise StoreError(
                f"{directory} already holds {done} of {total} runs of this sweep: pass --resume "
                "(resume=True) to finish it and retry failed runs, or choose a new --out."
            )
        if resume:
            store.remove_temporaries()
        return store

    # --- what is in it ---------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """The sweep fingerprint this store was made for."""
        return str(self.manifest["fingerprint"])

    @property
    def points(self) -> list[dict[str, Any]]:
        """The design points, in order."""
        return list(self.manifest["fingerprint_data"]["points"])

    @property
    def replicates(self) -> int:
        """Runs per design point."""
        return int(self.manifest["spec"]["replicates"])

    @property
    def n_runs(self) -> int:
        """Runs the sweep has in all (done or not)."""
        return len(self.points) * self.replicates

    def run_keys(self) -> list[str]:
        """Every run key of the sweep, in design order."""
        return [run_key(p, r) for p in range(len(self.points)) for r in range(self.replicates)]

    def done_keys(self) -> set[str]:
        """Keys of runs whose result file is complete."""
        return _finished_keys(self.directory / RUNS_DIR, PARQUET)

    def failed_keys(self) -> set[str]:
        """Keys of runs whose last attempt failed (and that have not succeeded since)."""
        return _finished_keys(self.directory / FAILURES_DIR, ".json") - self.done_keys()

    @property
    def is_complete(self) -> bool:
        """True when every run of the sweep has a result."""
        return len(self.done_keys()) == self.n_runs

    def remove_temporaries(self) -> int:
        """Delete temporaries left by an interrupted write; return how many."""
        count = 0
        for sub in (RUNS_DIR, TIMESERIES_DIR, FAILURES_DIR, ""):
            folder = self.directory / sub
            if not folder.is_dir():
                continue
            for name in os.listdir(folder):
                if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                    (folder / name).unlink(missing_ok=True)
                    count += 1
        return count

    # --- writing -----------------------------------------------------------------------------

    def record(self, outcome: RunOutcome) -> bool:
        """Store a finished run or its failure; False if the run was already stored."""
        if outcome.ok:
            return self.write_run(outcome)
        self.write_failure(outcome)
        return True

    def write_run(self, outcome: RunOutcome) -> bool:
        """Write one run's files (time series first, summary row last); once per key."""
        final = self.directory / RUNS_DIR / f"{outcome.key}{PARQUET}"
        if final.exists():
            return False  # e.g. Dask delivered a re-run of a task already stored
        if outcome.timeseries_parquet is not None:
            folder = self.directory / TIMESERIES_DIR
            folder.mkdir(exist_ok=True)
            atomic_write_bytes(folder / f"{outcome.key}{PARQUET}", outcome.timeseries_parquet,
                               sync_directory=False)
        atomic_write_bytes(final, outcome.summary_parquet, sync_directory=False)
        (self.directory / FAILURES_DIR / f"{outcome.key}.json").unlink(missing_ok=True)
        return True

    def sync(self) -> None:
        """Flush the store's renames to disk (file contents are fsynced as they are written)."""
        for sub in (RUNS_DIR, TIMESERIES_DIR, FAILURES_DIR):
            if (self.directory / sub).is_dir():
                fsync_directory(self.directory / sub)

    def write_failure(self, outcome: RunOutcome) -> None:
        """Record a failed run: key, error type and message, traceback, when and where."""
        record = {
            "run_key": outcome.key,
            "point": outcome.point,
            "replicate": outcome.replicate,
            "seed": outcome.seed,
            "error_type": outcome.error_type,
            "error_message": outcome.error_message,
            "traceback": outcome.traceback,
            "host": outcome.host or socket.gethostname(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        folder = self.directory / FAILURES_DIR
        folder.mkdir(exist_ok=True)
        atomic_write_bytes(
            folder / f"{outcome.key}.json", json.dumps(record, indent=1).encode("utf-8")
        )

    # --- reading -------------------------------------------------------------------------------

    def summary_frame(self, include_timing: bool = False) -> pd.DataFrame:
        """One row per finished run: run_key, point, replicate, seed, parameters, summary figures.

        `include_timing` adds run_seconds (wall time of the model run), which differs between
        machines and backends; everything else is identical on every backend.
        """
        frame = _read_parquet_files(self.directory / RUNS_DIR, sorted(self.done_keys()))
        if frame.empty:
            return pd.DataFrame(columns=list(KEY_COLUMNS))
        if not include_timing:
            frame = frame.drop(columns=[c for c in TIMING_COLUMNS if c in frame.columns])
        return frame.sort_values(["point", "replicate"]).reset_index(drop=True)

    def timeseries_frame(self) -> pd.DataFrame:
        """The monthly tables of every finished run, stacked (run_key, point, replicate, seed
        first); join `points_frame()` on 'point' for the parameter values."""
        folder = self.directory / TIMESERIES_DIR
        if not folder.is_dir():
            raise StoreError(
                f"{self.directory}: this sweep kept no time series (keep = 'summary')."
            )
        keys = sorted(_finished_keys(folder, PARQUET) & self.done_keys())
        frame = _read_parquet_files(folder, keys)
        if frame.empty:
            return pd.DataFrame(columns=list(KEY_COLUMNS))
        order = ["point", "replicate"] + (["step"] if "step" in frame.columns else [])
        return frame.sort_values(order).reset_index(drop=True)

    def points_frame(self) -> pd.DataFrame:
        """The design points: one row per point (index 'point'), one column per parameter."""
        frame = pd.DataFrame(self.points)
        frame.index.name = "point"
        return frame

    def failures(self) -> pd.DataFrame:
        """Failed runs still without a result: key, point, replicate, seed, error and traceback."""
        folder = self.directory / FAILURES_DIR
        rows = [
            json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            for key in sorted(self.failed_keys())
        ]
        columns = [
            "run_key",
            "point",
            "replicate",
            "seed",
            "error_type",
            "error_message",
            "traceback",
            "host",
            "time",
        ]
        return pd.DataFrame(rows, columns=columns)


def build_manifest(sweep: Sweep) -> dict[str, Any]:
    """The manifest of a new store: the spec, the design points, versions, the fingerprint."""
    data = sweep.fingerprint_data()
    return {
        "format": STORE_FORMAT,
        "format_version": STORE_FORMAT_VERSION,
        "fingerprint": sweep.fingerprint(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "package_version": data["package_version"],
        "name": sweep.name,
        "description": sweep.description,
        "spec_source": sweep.source,
        "spec": sweep.spec_dict(),
        "design": {
            "kind": sweep.design.kind,
            "parameters": sweep.design.parameter_names,
            "n_points": sweep.n_points,
            "replicates": sweep.replicates,
            "n_runs": sweep.n_runs,
        },
        "fingerprint_data": data,
    }


def _read_parquet_files(folder: Path, keys: Iterable[str]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(folder / f"{key}{PARQUET}") for key in keys]
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()
