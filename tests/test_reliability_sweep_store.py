"""Issue #25, cases 4 and 5, and issue #22's finished-run item for sweeps: a stored run file
must have the columns of the sweep's run files (an outcome dropped from one file is redone
on --resume and refused by --summarise, never averaged over fewer replicates in silence);
a folder in place of a run file is redone like a FIFO; --resume on a finished sweep says so
and exits 0."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from alpaca_abm.sweep import ResultStore
from alpaca_abm.sweep.__main__ import main as sweep_main
from alpaca_abm.sweep.store import MANIFEST, RUNS_DIR, StoreError

SPEC = """\
name = "schema"
steps = 4
replicates = 2
{outcomes}
[fixed]
n_breeders = 8
[design]
kind = "grid"
[design.parameters]
control_strength = [0.1, 0.9]
"""
LISTED = 'outcomes = ["final_n_breeders", "final_price_female"]'


def run(tmp_path: Path, out: Path, *extra: str, outcomes: str = LISTED) -> int:
    spec = tmp_path / f"{out.name}.toml"
    spec.write_text(SPEC.format(outcomes=outcomes))
    argv = [str(spec), "--backend", "serial", "--out", str(out), "--no-progress", *extra]
    return sweep_main(argv)


def drop_column(path: Path, column: str) -> None:
    """Rewrite a run file without `column`, keeping its metadata (the sweep's fingerprint)."""
    table = pq.read_table(path)
    kept = table.drop_columns([column])
    pq.write_table(kept.replace_schema_metadata(table.schema.metadata), path)


def add_column(path: Path, column: str, value: float) -> None:
    table = pq.read_table(path)
    wider = table.append_column(column, pa.array([value]))
    pq.write_table(wider.replace_schema_metadata(table.schema.metadata), path)


@pytest.mark.parametrize("outcomes", [LISTED, ""], ids=["outcomes-listed", "all-outcomes"])
def test_a_run_file_missing_an_outcome_is_redone_and_never_summarised(tmp_path, capsys, outcomes):
    out = tmp_path / "s"
    assert run(tmp_path, out, outcomes=outcomes) == 0
    manifest = json.loads((out / MANIFEST).read_text())
    assert "final_price_female" in manifest["run_columns"]
    reference = ResultStore.open(out).summary_frame()
    victim = out / RUNS_DIR / "p000001-r0000.parquet"
    drop_column(victim, "final_price_female")
    with pytest.raises(StoreError, match="lacks 'final_price_female'.*--resume"):
        ResultStore.open(out).summary_frame()
    assert sweep_main(["--summarise", str(out)]) == 2
    assert "p000001-r0000" in capsys.readouterr().err
    assert run(tmp_path, out, "--resume", outcomes=outcomes) == 0
    err = capsys.readouterr().err
    assert "1 stored runs were damaged or not of this sweep" in err
    assert "4 of 4 runs stored" in err
    again = ResultStore.open(out).summary_frame()
    assert again.equals(reference)  # redone: the same values as the original run


def test_an_extra_column_is_not_summarised_as_an_outcome(tmp_path, capsys):
    out = tmp_path / "x"
    assert run(tmp_path, out) == 0
    add_column(out / RUNS_DIR / "p000000-r0000.parquet", "smuggled", 1e9)
    with pytest.raises(StoreError, match="extra column 'smuggled'"):
        ResultStore.open(out).summary_frame()
    assert run(tmp_path, out, "--resume") == 0
    assert "smuggled" not in ResultStore.open(out).summary_frame().columns


def test_a_store_made_before_run_columns_were_recorded_learns_them_on_resume(tmp_path):
    out = tmp_path / "old"
    assert run(tmp_path, out) == 0
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest["run_columns"]
    (out / MANIFEST).write_text(json.dumps(manifest))
    drop_column(out / RUNS_DIR / "p000000-r0001.parquet", "final_n_breeders")
    assert run(tmp_path, out, "--resume") == 0
    assert "run_columns" in json.loads((out / MANIFEST).read_text())
    frame = ResultStore.open(out).summary_frame()
    assert frame["final_n_breeders"].notna().all() and len(frame) == 4


def test_a_folder_in_place_of_a_run_file_is_redone(tmp_path, capsys):
    out = tmp_path / "d"
    assert run(tmp_path, out) == 0
    reference = ResultStore.open(out).summary_frame()
    victim = out / RUNS_DIR / "p000000-r0000.parquet"
    victim.unlink()
    victim.mkdir()
    (victim / "junk").write_text("x")
    store = ResultStore.open(out)
    assert len(store.done_keys()) == 3  # a folder is no result: summarise says so
    capsys.readouterr()
    assert run(tmp_path, out, "--resume") == 0
    err = capsys.readouterr().err
    assert "4 of 4 runs stored" in err
    assert victim.is_file() and ResultStore.open(out).summary_frame().equals(reference)


def test_a_fifo_in_place_of_a_run_file_is_still_redone(tmp_path):
    out = tmp_path / "f"
    assert run(tmp_path, out) == 0
    victim = out / RUNS_DIR / "p000001-r0001.parquet"
    victim.unlink()
    os.mkfifo(victim)
    assert run(tmp_path, out, "--resume") == 0
    assert victim.is_file()


def test_resume_on_a_finished_sweep_says_it_is_finished_and_exits_0(tmp_path, capsys):
    out = tmp_path / "done"
    assert run(tmp_path, out) == 0
    before = {p.name: p.stat().st_mtime_ns for p in (out / RUNS_DIR).iterdir()}
    capsys.readouterr()
    assert run(tmp_path, out, "--resume") == 0
    err = capsys.readouterr().err
    assert "is finished: all 4 runs are stored" in err
    assert {p.name: p.stat().st_mtime_ns for p in (out / RUNS_DIR).iterdir()} == before
