"""The command line as a user meets it: real subprocesses, files written, errors in words."""

import json
import subprocess
import tomllib

import pandas as pd

from helpers import CLI, checkout_env


def cli(*args, cwd=None):
    """Run this checkout's command line in a child process; its completed process."""
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, env=checkout_env(), timeout=600
    )


def test_run_writes_tables_parameters_and_plots_and_can_be_repeated(tmp_path):
    out = tmp_path / "r"
    done = cli(
        "run",
        "--steps",
        "24",
        "--seed",
        "3",
        "--set",
        "n_breeders=30",
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    assert "final_mean_quality" in done.stdout
    for name in (
        "model.csv",
        "agents.csv",
        "params.toml",
        "run.json",
        "summary.json",
        "industry.png",
        "organisational.png",
        "individual.png",
    ):
        assert (out / name).stat().st_size > 0, name
    params = tomllib.loads((out / "params.toml").read_text())
    assert params["parameters"]["n_breeders"] == 30
    again = tmp_path / "again"
    done = cli(
        "run",
        "--scenario",
        str(out / "params.toml"),
        "--steps",
        "24",
        "--seed",
        "3",
        "--out",
        str(again),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_csv(out / "model.csv"), pd.read_csv(again / "model.csv"))
    assert json.loads((out / "summary.json").read_text()) == json.loads(
        (again / "summary.json").read_text()
    )


def test_errors_are_one_line_without_traceback_and_keep_old_results(tmp_path):
    out = tmp_path / "r"
    assert (
        cli("run", "--steps", "2", "--set", "n_breeders=5", "--out", str(out), "--quiet").returncode
        == 0
    )
    before = (out / "model.csv").read_bytes()
    for args in (
        ["--set", "coopetion=false"],
        ["--set", "control_strength=3"],
        ["--scenario", "nope"],
        ["--steps", "-4"],
        ["--seed", "x"],
        ["--set", "novalue"],
    ):
        done = cli("run", "--out", str(out), "--overwrite", "--quiet", *args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr and done.stderr.strip(), args
        assert len(done.stderr.strip().splitlines()) <= 3, done.stderr
    done = cli("run", "--steps", "2", "--out", str(out), "--quiet")
    assert done.returncode == 2 and "already holds results" in done.stderr
    assert (out / "model.csv").read_bytes() == before


def test_scenarios_lists_a_line_each():
    done = cli("scenarios")
    assert done.returncode == 0
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert "baseline" in names and "no_coopetition" in names


def test_a_closed_output_pipe_is_not_an_error(tmp_path):
    """`alpaca-abm run ... | head -1`: the results are written, and no error is printed."""
    proc = subprocess.Popen(
        [
            *CLI,
            "run",
            "--steps",
            "2",
            "--set",
            "n_breeders=5",
            "--out",
            str(tmp_path / "r"),
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=checkout_env(),
    )
    proc.stdout.close()  # the reader goes away before the summary is printed
    err = proc.stderr.read()
    assert proc.wait(timeout=600) == 0, err
    assert "error" not in err
    assert (tmp_path / "r" / "model.csv").stat().st_size > 0


def test_partnership_survival_is_missing_when_no_partnership_was_made(tmp_path):
    out = tmp_path / "alone"
    done = cli(
        "run", "--scenario", "no_coopetition", "--steps", "6", "--set", "n_breeders=20",
        "--out", str(out), "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["contracts_made"] == 0
    assert summary["partnership_survival"] is None  # undefined: null, not a survival of 1
    line = next(x for x in done.stdout.splitlines() if "partnership_survival" in x)
    assert line.split()[1] == "none"
