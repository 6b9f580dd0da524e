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
import shutil
import socket
import stat
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..io import fsync_folder
from .task import KEY_PATTERN, parse_run_key, run_key

if TYPE_CHECKING:
    from .task import RunOutcome, SweepPlan

STORE_FORMAT = "alpaca-abm-sweep-store"
STORE_FORMAT_VERSION = 1  # bump when the layout below changes
MANIFEST = "manifest.json"
RUNS_DIR = "runs"
TIMESERIES_DIR = "timeseries"
FAILURES_DIR = "failures"
REPORT_DIR = "report"
PARQUET = ".parquet"
TEMP_SUFFIX = ".tmp"  # temporaries: ".<final name>.<pid>.<random>.tmp", never read
KEY_COLUMNS = ("run_key", "point", "replicate", "seed")
TEMP_TOKEN_CHARS = 8  # random hex digits in a temporary's name: two writers never clash
SHOWN_DIFFERENCES = 5  # fields named when refusing another sweep's store (one short line)
MAX_MANIFEST_BYTES = 1 << 30  # a manifest lists every design point: 1 GB is ~10 million
MAX_RUN_FILE_BYTES = 1 << 30  # one run's Parquet file (its monthly table at most)
FINGERPRINT_KEY = b"alpaca_abm_sweep_fingerprint"  # Parquet metadata: the sweep it belongs to
SHORT = 12  # hex digits of a fingerprint shown in messages: enough to tell stores apart
TIMING_COLUMNS = ("run_seconds",)  # metadata that differs between machines, not a result


class StoreError(ValueError):
    """A store that cannot be used as asked: another sweep's, not a store, or unfinished."""


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
        fsync_folder(path.parent)


def _finished_keys(directory: Path, suffix: str, files_only: bool = True) -> set[str]:
    """Run keys with an entry `KEY<suffix>` in `directory`: regular files only (a folder,
    FIFO or device under that name is no result), or every entry (`files_only=False`)."""
    if not directory.is_dir():
        return set()
    out = set()
    for name in os.listdir(directory):
        if name.startswith(".") or not name.endswith(suffix):
            continue  # temporaries of an interrupted write are ignored
        key = name[: -len(suffix)]
        if KEY_PATTERN.match(key) and (not files_only or _is_regular(directory / name)):
            out.add(key)
    return out


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _remove_entry(path: Path) -> None:
    """Remove whatever sits at `path` (a file, a link, a FIFO, or a folder in the store)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


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
        self.redone: list[str] = []  # stored runs found damaged or foreign on resume

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: str | Path) -> ResultStore:
        """Open an existing store (read its manifest); StoreError if it is not one."""
        from alpaca_abm.userfile import check_path, read_json

        directory = check_path(directory, "sweep store")
        path = directory / MANIFEST
        if not (path.exists() or path.is_symlink()):
            raise StoreError(f"{directory}: not a sweep store (no {MANIFEST}).")
        try:
            manifest = read_json(path, "manifest", MAX_MANIFEST_BYTES)
        except ValueError as err:  # not a regular file, too large, not UTF-8 or JSON, too deep
            raise StoreError(str(err)) from None
        check_manifest(manifest, path)
        return cls(directory, manifest)

    @classmethod
    def create(cls, directory: str | Path, sweep: SweepPlan) -> ResultStore:
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
    def existing(
        cls, directory: str | Path, sweep: SweepPlan, resume: bool = False
    ) -> ResultStore | None:
        """The store of `sweep` already at `directory` (None if there is none), checked
        without writing anything: refuses another sweep's store (different fingerprint)
        whatever `resume` says, and an unfinished one without `resume`."""
        directory = Path(directory)
        if not ((directory / MANIFEST).exists() or (directory / MANIFEST).is_symlink()):
            if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
                raise StoreError(
                    f"{directory}: exists and is not empty, and holds no sweep store: "
                    "choose a new --out directory."
                )
            return None
        store = cls.open(directory)
        fingerprint = sweep.fingerprint()
        if store.fingerprint != fingerprint:
            old = store.manifest.get("fingerprint_data", {})
            changed = _differences(old, sweep.fingerprint_data())
            shown = ", ".join(changed[:SHOWN_DIFFERENCES])
            shown += ", ..." if len(changed) > SHOWN_DIFFERENCES else ""
            raise StoreError(
                f"{directory} holds a different sweep ('{str(store.manifest.get('name'))[:60]}', "
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
        return store

    @classmethod
    def for_sweep(
        cls, directory: str | Path, sweep: SweepPlan, resume: bool = False
    ) -> ResultStore:
        """The store `sweep` writes to: new, or (with resume) the same sweep's unfinished one
        (its temporaries removed and every stored run verified, see `verify_runs`).

        Refuses another sweep's store (different fingerprint) whatever `resume` says: results
        from different sweeps never mix.
        """
        store = cls.existing(directory, sweep, resume)
        if store is None:
            return cls.create(directory, sweep)
        if resume:
            store.remove_temporaries()
            store.redone = store.verify_runs(sweep)
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

    def verify_runs(self, sweep: SweepPlan) -> list[str]:
        """Check every stored run against `sweep` (readable, written for this sweep: its
        fingerprint, key, point, seed and parameter values); remove those that are not, so
        that they are redone. Returns their keys."""
        import pyarrow.parquet as pq

        fingerprint = sweep.fingerprint().encode("ascii")
        points = sweep.points
        columns = self.run_columns
        bad = []
        for key in sorted(_finished_keys(self.directory / RUNS_DIR, PARQUET, files_only=False)):
            path = self.directory / RUNS_DIR / f"{key}{PARQUET}"
            try:
                point, replicate = parse_run_key(key)
                table = read_run_table(path)
                meta = table.schema.metadata or {}
                row = table.to_pylist()
                ok = (
                    meta.get(FINGERPRINT_KEY) == fingerprint
                    and len(row) == 1
                    and point < len(points)
                    and replicate < sweep.replicates
                    and row[0].get("run_key") == key
                    and row[0].get("point") == point
                    and row[0].get("replicate") == replicate
                    and row[0].get("seed") == sweep.run_seed(point, replicate)
                    and all(row[0].get(k) == v for k, v in points[point].items())
                    and (columns is None or sorted(table.column_names) == sorted(columns))
                )
                series = self.directory / TIMESERIES_DIR / f"{key}{PARQUET}"
                if ok and sweep.keep == "timeseries":
                    from alpaca_abm.userfile import read_bytes

                    pq.read_metadata(pa_buffer(read_bytes(series, "run file", MAX_RUN_FILE_BYTES)))
            except Exception:  # noqa: BLE001 - any damage at all means "redo this run"
                ok = False
            if not ok:
                bad.append(key)
                _remove_entry(path)
                _remove_entry(self.directory / TIMESERIES_DIR / f"{key}{PARQUET}")
        return bad

    @property
    def run_columns(self) -> list[str] | None:
        """The columns every run file of this store has (the manifest's `run_columns`,
        recorded when the store was made; None for a store made before it was recorded)."""
        columns = self.manifest.get("run_columns")
        if isinstance(columns, list) and all(isinstance(c, str) for c in columns):
            return list(columns)
        return None

    def record_run_columns(self, columns: list[str]) -> None:
        """Record in the manifest the columns every run file must have (see run_columns)."""
        self.manifest["run_columns"] = list(columns)
        atomic_write_bytes(
            self.directory / MANIFEST,
            json.dumps(self.manifest, indent=1, default=repr).encode("utf-8"),
        )

    def check_run_columns(self, path: Path, names: list[str]) -> None:
        """StoreError naming the run file if its columns are not the store's run columns."""
        columns = self.run_columns
        if columns is None or sorted(names) == sorted(columns):
            return
        missing = [c for c in columns if c not in names]
        extra = [c for c in names if c not in columns]
        what = f"it lacks {missing[0]!r}" if missing else f"it has an extra column {extra[0]!r}"
        raise StoreError(
            f"{path}: not a run file of this sweep ({what}); run the sweep again with --resume "
            "to redo it."
        )

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
            atomic_write_bytes(
                folder / f"{outcome.key}{PARQUET}", outcome.timeseries_parquet, sync_directory=False
            )
        atomic_write_bytes(final, outcome.summary_parquet, sync_directory=False)
        (self.directory / FAILURES_DIR / f"{outcome.key}.json").unlink(missing_ok=True)
        return True

    def sync(self) -> None:
        """Flush the store's renames to disk (file contents are fsynced as they are written)."""
        for sub in (RUNS_DIR, TIMESERIES_DIR, FAILURES_DIR):
            if (self.directory / sub).is_dir():
                fsync_folder(self.directory / sub)

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
        frame = _read_parquet_files(
            self.directory / RUNS_DIR, sorted(self.done_keys()), self.check_run_columns
        )
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
        from alpaca_abm.userfile import read_json

        rows = []
        for key in sorted(self.failed_keys()):
            try:
                record = read_json(folder / f"{key}.json", "failure record")
            except ValueError as err:
                record = {"run_key": key, "error_type": "unreadable", "error_message": str(err)}
            rows.append(record if isinstance(record, dict) else {"run_key": key})
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


def check_manifest(manifest: Any, path: Path) -> None:
    """Refuse a manifest of the wrong shape (valid JSON, but not what a store writes), naming
    the first field that is wrong."""
    from .design import DESIGN_KINDS, SAMPLING_KINDS

    def bad(field: str, expected: str) -> StoreError:
        return StoreError(
            f"{path}: not an alpaca-abm sweep manifest: '{field}' should be {expected}."
        )

    if not isinstance(manifest, dict):
        raise StoreError(
            f"{path}: not an alpaca-abm sweep manifest (a JSON object is expected, not a "
            f"{type(manifest).__name__})."
        )
    if manifest.get("format") != STORE_FORMAT:
        raise StoreError(f"{path}: not an alpaca-abm sweep manifest.")
    if manifest.get("format_version") != STORE_FORMAT_VERSION:
        from alpaca_abm.userfile import shown

        raise StoreError(
            f"{path}: store format version {shown(manifest.get('format_version'))}, "
            f"this alpaca-abm reads version {STORE_FORMAT_VERSION}."
        )
    fingerprint = manifest.get("fingerprint")
    if not isinstance(fingerprint, str) or not re.fullmatch(r"[0-9a-f]{64}", fingerprint):
        raise bad("fingerprint", "a SHA-256 in hex")
    if not isinstance(manifest.get("name", ""), str):
        raise bad("name", "text")
    data = manifest.get("fingerprint_data")
    if not isinstance(data, dict):
        raise bad("fingerprint_data", "an object")
    points = data.get("points")
    if not isinstance(points, list) or not points or not all(isinstance(p, dict) for p in points):
        raise bad("fingerprint_data.points", "a list of design points (objects)")
    spec = manifest.get("spec")
    if not isinstance(spec, dict):
        raise bad("spec", "an object")
    replicates = spec.get("replicates")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise bad("spec.replicates", "a whole number >= 1")
    if spec.get("keep") not in ("summary", "timeseries"):
        raise bad("spec.keep", "'summary' or 'timeseries'")
    if not isinstance(spec.get("fixed", {}), dict):
        raise bad("spec.fixed", "an object")
    design = spec.get("design")
    if not isinstance(design, dict) or design.get("kind") not in DESIGN_KINDS:
        raise bad("spec.design", "an object with a known 'kind'")
    if design["kind"] in SAMPLING_KINDS:
        params = design.get("parameters")
        if not isinstance(params, dict) or not all(
            isinstance(b, dict) and all(isinstance(b.get(e), int | float) for e in ("low", "high"))
            for b in params.values()
        ):
            raise bad("spec.design.parameters", "parameter bounds {low, high}")
    summary = manifest.get("design")
    if not isinstance(summary, dict) or summary.get("kind") != design["kind"]:
        raise bad("design", "an object whose 'kind' is the spec's")
    names = summary.get("parameters")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise bad("design.parameters", "a list of parameter names")


def build_manifest(sweep: SweepPlan) -> dict[str, Any]:
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


def pa_buffer(data: bytes) -> Any:
    """Bytes as an Arrow buffer reader (for reading Parquet from memory)."""
    import pyarrow as pa

    return pa.BufferReader(data)


def read_run_table(path: Path) -> Any:
    """One run file as an Arrow table, read through the project's file checks; StoreError
    naming the file if it is not a readable Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from alpaca_abm.userfile import read_bytes

    try:
        data = read_bytes(path, "run file", MAX_RUN_FILE_BYTES)
        return pq.read_table(pa.BufferReader(data))
    except (ValueError, OSError, pa.ArrowException) as err:
        raise StoreError(
            f"{path}: damaged run file ({str(err)[:200]}); run the sweep again with --resume "
            "to redo it."
        ) from None


def _read_parquet_files(folder: Path, keys: Iterable[str], check: Any = None) -> pd.DataFrame:
    """The run files of `keys` in `folder`, stacked; `check(path, column_names)` may refuse
    one (StoreError)."""
    import pyarrow as pa

    tables = []
    for key in keys:
        path = folder / f"{key}{PARQUET}"
        table = read_run_table(path)
        if check is not None:
            check(path, table.column_names)
        tables.append(table)
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()
