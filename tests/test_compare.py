"""`alpaca-abm compare` as a user meets it: real subprocesses, files written, errors in words;
and the paired statistics it reports."""

import json
import subprocess

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alpaca_abm.compare import paired_statistics

from helpers import CLI, checkout_env


def cli(*args, cwd=None):
    """Run this checkout's command line in a child process; its completed process."""
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, env=checkout_env(), timeout=600
    )


def test_paired_statistics_match_a_paired_t_test():
    a = np.array([10.0, 12.0, 9.0, 11.0, 10.5])
    b = a + np.array([1.0, 2.0, 0.5, 1.5, 1.0])
    s = paired_statistics(a, b)
    t = stats.ttest_rel(b, a)
    assert s["diff_mean"] == pytest.approx(1.2)
    assert s["p_value"] == pytest.approx(t.pvalue)
    ci = t.confidence_interval(0.95)
    assert (s["ci95_low"], s["ci95_high"]) == pytest.approx((ci.low, ci.high))
    assert s["b_higher"] == 5 and s["n_seeds"] == 5
    same = paired_statistics(a, a)
    assert same["diff_mean"] == 0 and same["p_value"] == 1.0


def test_compare_writes_a_table_runs_series_and_figure(tmp_path):
    out = tmp_path / "cmp"
    done = cli(
        "compare",
        "baseline",
        "baseline",
        "--event",
        "disease:2:1.0",
        "--seeds",
        "2",
        "--steps",
        "12",
        "--set",
        "n_breeders=20",
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    assert "herds_infected" in done.stdout and "p" in done.stdout
    for name in ("compare.csv", "runs.csv", "series.csv", "compare.png", "compare.json"):
        assert (out / name).stat().st_size > 0, name
    table = pd.read_csv(out / "compare.csv").set_index("outcome")
    for column in (
        "mean_a",
        "sd_a",
        "mean_b",
        "sd_b",
        "diff_mean",
        "diff_sd",
        "ci95_low",
        "ci95_high",
        "p_value",
        "n_seeds",
    ):
        assert column in table.columns
    assert table.loc["herds_infected", "mean_a"] == 0
    assert table.loc["herds_infected", "mean_b"] > 0
    runs = pd.read_csv(out / "runs.csv")
    assert sorted(runs["seed"].unique()) == [0, 1] and len(runs) == 4
    info = json.loads((out / "compare.json").read_text())
    assert info["events_b"] == [{"kind": "disease", "start": 2, "strength": 1.0}]
    # the progress bar is on by default; --quiet silenced it
    assert "run/s" not in done.stderr


def test_compare_refuses_bad_input_in_one_line_and_keeps_old_results(tmp_path):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "compare.csv").write_text("earlier results\n")
    for args in (  # real subprocesses: exit status and what the user sees
        ["baseline", "nope", "--out", str(out), "--overwrite"],
        ["baseline", "baseline", "--out", str(out)],
    ):
        done = cli("compare", *args, "--seeds", "1", "--steps", "2", "--quiet")
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "already holds results" in done.stderr
    assert (out / "compare.csv").read_text() == "earlier results\n"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["baseline", "baseline", "--seeds", "0"], "--seeds"),
        (["baseline", "baseline", "--steps", "x"], "--steps"),
        (["baseline", "baseline", "--set", "disease_start=-3"], "disease_start"),
        (["baseline", "baseline", "--event", "plague:3"], "'kind'"),
        (["baseline", "baseline", "--event", "disease:50", "--steps", "12"], "after the run"),
        (["baseline", "baseline", "--event", "disease"], "--event"),
        (["baseline", "disease_outbreak", "--steps", "60"], "disease_start"),
    ],
)
def test_compare_bad_input_exits_2_naming_what_is_wrong(args, words, tmp_path, capsys):
    from alpaca_abm.cli import main

    try:
        code = main(["compare", *args, "--out", str(tmp_path / "c"), "--quiet"])
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2 and words in err, err
    assert len(err.strip().splitlines()) <= 2, err  # argparse adds its usage line
    assert not (tmp_path / "c").exists()


def test_run_takes_events_and_shock_parameters_from_the_command_line(tmp_path):
    out = tmp_path / "r"
    done = cli(
        "run",
        "--steps",
        "8",
        "--set",
        "n_breeders=15",
        "--set",
        "brexit_month=2",
        "--event",
        "price:4:-0.3:2",
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    events = pd.read_csv(out / "events.csv")
    assert list(events["kind"]) == ["brexit", "price", "price"]
    assert list(events["action"]) == ["start", "start", "end"]
    bad = cli(
        "run", "--steps", "8", "--set", "disease_start=9", "--out", str(tmp_path / "x"), "--quiet"
    )
    assert bad.returncode == 2 and "disease_start" in bad.stderr


# --- compare has the same guarantees as run ---------------------------------------------------
CMP = [
    "compare",
    "baseline",
    "baseline",
    "--seeds",
    "1",
    "--steps",
    "2",
    "--quiet",
    "--set",
    "n_breeders=6",
]


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if any seed is run."""

    def refuse(*args, **kwargs):
        raise AssertionError("a seed ran before --out was checked")

    monkeypatch.setattr("alpaca_abm.compare.compare", refuse)


def test_compare_checks_out_before_running_any_seed(tmp_path, capsys, no_runs):
    from alpaca_abm.cli import main

    afile = tmp_path / "afile"
    afile.write_text("keep")
    for out in (afile, afile / "under"):
        assert main([*CMP, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "is a file, not a folder" in err and len(err.strip().splitlines()) == 1
    assert afile.read_text() == "keep"
    from alpaca_abm.io import locked_output

    busy = tmp_path / "busy"
    with locked_output(busy):
        assert main([*CMP, "--out", str(busy)]) == 2
    assert "in use by another alpaca-abm process" in capsys.readouterr().err


@pytest.mark.parametrize("overwrite", [False, True])
def test_compare_interrupted_during_the_figure_publishes_nothing(
    tmp_path, capsys, monkeypatch, overwrite
):
    from alpaca_abm.cli import main
    from alpaca_abm.compare import RESULT_FILES

    out = tmp_path / "cmp"
    if overwrite:
        out.mkdir()
        for name in RESULT_FILES:
            (out / name).write_text(f"old {name}")

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("alpaca_abm.compare.compare_figure", ctrl_c)
    extra = ["--overwrite"] if overwrite else []
    assert main([*CMP, "--out", str(out), *extra]) == 130
    capsys.readouterr()
    if overwrite:  # the old set, whole and untouched
        assert {p.name: p.read_text() for p in out.iterdir()} == {
            name: f"old {name}" for name in RESULT_FILES
        }
    else:
        assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    monkeypatch.undo()
    assert main([*CMP, "--out", str(out), "--overwrite"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(RESULT_FILES)
    # the new set replaced the old (not "old" in the text: the command line it records
    # may hold the word, e.g. pytest's own arguments naming tests/test_golden.py)
    assert (out / "compare.json").read_text() != "old compare.json"


def _comparison(profit_a, profit_b, alpacas_a, alpacas_b):
    """A comparison of two made-up scenarios over three seeds and 24 months (no model run)."""
    from alpaca_abm.compare import Comparison, comparison_table

    rows = []
    for label, profit, alpacas in (("A", profit_a, alpacas_a), ("B", profit_b, alpacas_b)):
        for seed, (p, n) in enumerate(zip(profit, alpacas, strict=True)):
            rows.append({"scenario": label, "seed": seed, "profit_last_year": p,
                         "final_n_alpacas": n, "herds_infected": 0.0})  # fmt: skip
    runs = pd.DataFrame(rows)
    months = pd.DataFrame({"step": range(1, 25), "date": [f"{2006 + m // 12}-{m % 12 + 1:02d}"
                                                          for m in range(24)]})  # fmt: skip
    series = pd.concat(
        months.assign(scenario=label, seed=seed, n_breeders=100 + seed)
        for label in ("A", "B")
        for seed in range(3)
    )
    return Comparison(("A", "B"), runs, comparison_table(runs, ("A", "B")), series, ((), ()))


def _points(ax) -> list[float]:
    """The x of the points of an errorbar panel (the paired mean differences)."""
    (bars,) = ax.containers
    return [round(float(x), 6) for x in bars.lines[0].get_xdata()]


def test_a_loss_that_grows_is_a_fall_in_profit_in_pounds_not_a_rise_in_per_cent():
    """The disease outbreak 'raised profit +65%': a ratio of two losses. An outcome that
    is not above zero in every run is shown as a difference in its own unit."""
    from alpaca_abm.compare import compare_figure, ratio_outcomes

    cmp = _comparison([-100.0, -90.0, -110.0], [-165.0, -150.0, -180.0], [500, 510, 490],
                      [550, 561, 539])  # fmt: skip
    assert ratio_outcomes(cmp.runs, ["profit_last_year", "final_n_alpacas", "herds_infected"]
                          ) == ["final_n_alpacas"]  # fmt: skip
    fig = compare_figure(cmp)
    by_outcome = {}
    for ax in fig.axes:
        for tick in ax.get_yticklabels():
            by_outcome.setdefault(tick.get_text(), ax)
    profit, alpacas = by_outcome["profit_last_year"], by_outcome["final_n_alpacas"]
    assert profit is not alpacas
    assert "GBP" in profit.get_xlabel() and "%" not in profit.get_xlabel()
    assert _points(profit) == [pytest.approx(-65.0)]  # B − A in pounds: the loss grew by 65
    assert "%" in alpacas.get_xlabel()
    assert _points(alpacas) == [pytest.approx(10.0)]  # +50 of 500 alpacas: +10%
    assert "herds_infected" in by_outcome  # zero in every run: in herds, not dropped
    assert "%" not in by_outcome["herds_infected"].get_xlabel()


def test_compare_figure_time_axes_are_in_calendar_years():
    from alpaca_abm.compare import compare_figure

    cmp = _comparison([1.0] * 3, [2.0] * 3, [500] * 3, [510] * 3)
    fig = compare_figure(cmp)
    (panel,) = [ax for ax in fig.axes if ax.get_title() == "Breeders"]
    fig.canvas.draw()
    left, right = panel.get_xlim()
    shown = [t.get_text() for t in panel.get_xticklabels()
             if t.get_text() and left <= t.get_position()[0] <= right]  # fmt: skip
    assert shown and set(shown) <= {"2006", "2007", "2008"}, shown
    assert panel.get_xlabel() == "year"
