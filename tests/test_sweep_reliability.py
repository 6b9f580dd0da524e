"""Sweeps against hostile input and damage: points checked as whole scenarios before any run,
counts before building, stored runs verified on --resume, one driver per store, a scheduler
checked before the store is written, manifests of the wrong shape, FIFOs, /dev/zero, deep
nesting and undecodable design files, all refused in one line with status 2."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from alpaca_abm.sweep import ResultStore
from alpaca_abm.sweep.__main__ import main as sweep_main
from alpaca_abm.sweep.backends import BackendError
from alpaca_abm.sweep.design import GRID, Design, expected_point_count
from alpaca_abm.sweep.store import RUNS_DIR

from helpers import CHILD, checkout_env

SPEC = """\
name = "rel"
steps = 6
replicates = 2
outcomes = ["final_n_breeders", "final_mean_quality"]
[fixed]
n_breeders = {n}
[design]
kind = "grid"
[design.parameters]
control_strength = [0.1, 0.9]
"""


def spec(tmp_path: Path, text: str = SPEC.format(n=8), name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(capsys, *argv, words):
    """Run the sweep CLI; assert status 2, one line, naming `words`; return the line."""
    status = sweep_main([*map(str, argv), "--backend", "serial", "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2, err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and "Traceback" not in err, err  # one line (after the plan line)
    assert len(err.strip().splitlines()) <= 2, err
    assert words in errors[0], err
    assert len(errors[0]) < 600
    return errors[0]


@pytest.mark.parametrize(
    ("axis", "words"),
    [
        ("max_herd_size = [200, 3]", "design point 1 (max_herd_size = 3): not a valid run"),
        ("disease_start = [2, 100]", "'disease_start' = 100 is after the run ends"),
        ("female_retire_age = [60, 300]", "design point 1 (female_retire_age = 300)"),
    ],
)
def test_a_point_invalid_as_a_whole_scenario_is_refused_before_any_run(
    tmp_path, capsys, axis, words
):
    text = SPEC.format(n=8).replace("control_strength = [0.1, 0.9]", axis)
    out = tmp_path / "o"
    refused(capsys, spec(tmp_path, text), "--out", out, words=words)
    assert not out.exists()


def test_counts_are_checked_before_any_point_is_built(tmp_path, capsys):
    huge = SPEC.format(n=8).replace("[0.1, 0.9]", "{ low = 0.0, high = 1.0, levels = 100000000 }")
    refused(capsys, spec(tmp_path, huge), words="levels: 100000000 is not allowed")
    # thirty axes of ten values: 10**30 points, beyond any 64-bit count, are counted exactly
    axes = Design(kind=GRID, values={f"p{i}": tuple(range(10)) for i in range(30)})
    assert expected_point_count(axes) == 10**30
    many = SPEC.format(n=8).replace("replicates = 2", "replicates = 9000000")
    refused(capsys, spec(tmp_path, many), words="runs is more than the 10,000,000 allowed")


def run_small(tmp_path: Path, text: str, out: Path, *extra: str) -> int:
    return sweep_main(
        [
            str(spec(tmp_path, text, f"{out.name}.toml")),
            "--backend",
            "serial",
            "--out",
            str(out),
            "--no-progress",
            *extra,
        ]
    )


def test_resume_redoes_damaged_and_foreign_run_files(tmp_path, capsys):
    out, other = tmp_path / "a", tmp_path / "b"
    assert run_small(tmp_path, SPEC.format(n=8), out) == 0
    assert run_small(tmp_path, SPEC.format(n=9), other) == 0  # another sweep, same names
    reference = ResultStore.open(out).summary_frame()
    runs = out / RUNS_DIR
    cut = runs / "p000000-r0001.parquet"
    cut.write_bytes(cut.read_bytes()[:40])  # truncated
    shutil.copy(other / RUNS_DIR / "p000001-r0000.parquet", runs / "p000001-r0000.parquet")
    with pytest.raises(ValueError, match="damaged run file"):  # summarise names the file
        ResultStore.open(out).summary_frame()
    capsys.readouterr()
    assert run_small(tmp_path, SPEC.format(n=8), out, "--resume") == 0
    err = capsys.readouterr().err
    assert "2 stored runs were damaged or not of this sweep" in err
    assert "4 of 4 runs stored" in err
    again = ResultStore.open(out).summary_frame()
    assert again.drop(columns=[]).equals(reference)  # the redone runs equal the originals


def test_a_second_driver_on_a_store_in_use_is_refused(tmp_path, capsys):
    out = tmp_path / "busy"
    holder = subprocess.Popen(
        [sys.executable, "-c", CHILD, "hold", str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=checkout_env(),
    )
    try:
        holder.stdout.readline()
        refused(capsys, spec(tmp_path), "--out", out, words=f"(pid {holder.pid})")
        assert not (out / "manifest.json").exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)


def test_an_unreachable_scheduler_writes_no_store(tmp_path, capsys, monkeypatch):
    def unreachable(self, scheduler=None, workers=None):
        raise BackendError(f"cannot reach the Dask scheduler at {scheduler}: refused")

    monkeypatch.setattr("alpaca_abm.sweep.backends.DaskBackend.__init__", unreachable)
    out = tmp_path / "s"
    path = spec(tmp_path)
    status = sweep_main(
        [str(path), "--scheduler", "tcp://127.0.0.1:1", "--out", str(out), "--no-progress"]
    )
    assert status == 2 and "cannot reach" in capsys.readouterr().err
    assert not out.exists()
    assert run_small(tmp_path, SPEC.format(n=8), out) == 0  # the corrected command, no --resume


@pytest.mark.parametrize(
    ("manifest", "words"),
    [
        ("[1, 2]", "a JSON object is expected, not a list"),
        ("5", "a JSON object is expected"),
        ('{"format": "alpaca-abm-sweep-store", "format_version": 1}', "'fingerprint'"),
        ("[" * 100_000 + "]" * 100_000, "nested more than"),
        ("\xff", "is not UTF-8 text (byte 0 is 0xff)"),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_clearly(tmp_path, capsys, manifest, words):
    store = tmp_path / "st"
    store.mkdir()
    (store / "manifest.json").write_text(manifest, encoding="latin-1")
    err = refused(capsys, "--summarise", store, words=words)
    assert "manifest.json" in err
    refused(capsys, spec(tmp_path), "--out", store, "--resume", words=words)


def test_fifos_devices_and_deep_nesting_are_refused_without_hanging(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    refused(capsys, fifo, words="is a FIFO (named pipe), not a regular file")
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    refused(capsys, zero, words="is a device, not a regular file")
    deep = tmp_path / "deep.toml"
    deep.write_text('name = "d"\nx = ' + "[" * 100_000 + "]" * 100_000 + "\n")
    refused(capsys, deep, words="nested more than 32 levels")
    inline = tmp_path / "inline.toml"
    inline.write_text("x = " + "{a = " * 2_000 + "1" + "}" * 2_000 + "\n")
    refused(capsys, inline, words="nested more than 32 levels")


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_bytes(b"control_strength\n0.5\n\xff\n"), "is not UTF-8 text (byte"),
        (lambda p: os.mkfifo(p), "is a FIFO"),
        (lambda p: p.symlink_to("/dev/zero"), "is a device"),
        (lambda p: None, "does not exist"),
    ],
)
def test_a_bad_design_file_is_named_with_its_field(tmp_path, capsys, make, words):
    csv = tmp_path / "design.csv"
    make(csv)
    text = 'name = "t"\nsteps = 6\n[design]\nkind = "table"\nfile = "design.csv"\n'
    err = refused(capsys, spec(tmp_path, text), words=words)
    assert "design.file" in err and "design.csv" in err
