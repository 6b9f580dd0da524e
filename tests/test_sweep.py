"""Sweeps in one process: designs, seeds, spec validation, the store, failures, the report, CLI.

Every run here is a real `alpaca_abm.run` of a small world (30 breeders, a year or two).
Multi-process backends (local pool, Dask) are tested in test_sweep_processes.py.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alpaca_abm
from alpaca_abm.sweep import ResultStore, SpecError, StoreError, Sweep, design
from alpaca_abm.sweep.__main__ import main as sweep_main
from alpaca_abm.sweep.backends import execute_run
from alpaca_abm.sweep.design import design_points, expected_point_count, run_seed
from alpaca_abm.sweep.store import RUNS_DIR, atomic_write_bytes
from alpaca_abm.sweep.summarise import summarise_store

REPO = Path(__file__).resolve().parents[1]
SMALL = {"n_breeders": 30}  # a small world: a run of 12-24 months takes well under a second
STEPS = 12
FLAG_ENV = "ALPACA_SWEEP_TEST_FAIL_FLAG"  # path of a file whose presence makes flaky_run fail


def flaky_run(scenario, steps, rng, **overrides):
    """The real model run, but point control_strength == 0.9 fails while the flag file exists."""
    flag = os.environ.get(FLAG_ENV)
    if flag and Path(flag).exists() and overrides.get("control_strength") == 0.9:
        raise RuntimeError("injected failure for control_strength = 0.9")
    return alpaca_abm.run(scenario, steps=steps, rng=rng, **overrides)


def small_grid_sweep(**changes) -> Sweep:
    kwargs = {
        "design": design.grid(control_strength=[0.1, 0.9], openness_mean=[0.3, 0.7]),
        "replicates": 2,
        "fixed": SMALL,
        "steps": STEPS,
        "outcomes": ("partnership_survival", "knowledge_leakage", "final_n_breeders"),
    }
    return Sweep(**(kwargs | changes))


# --- designs and seeds --------------------------------------------------------------------


def test_grid_has_every_combination_in_spec_order():
    d = design.grid(
        control_strength=[0.0, 0.5, 1.0], coopetition=[True, False], openness_mean=[0.2, 0.8]
    )
    points = design_points(d, sweep_seed=0)
    assert len(points) == expected_point_count(d) == 3 * 2 * 2
    assert points[0] == {"control_strength": 0.0, "coopetition": True, "openness_mean": 0.2}
    assert points[1] == {"control_strength": 0.0, "coopetition": True, "openness_mean": 0.8}
    assert len({tuple(p.values()) for p in points}) == 12


def test_latin_hypercube_stays_in_bounds_one_sample_per_stratum():
    d = design.latin_hypercube(20, control_strength=(0.2, 0.6), n_breeders=(20, 80))
    points = design_points(d, sweep_seed=3, kinds={"n_breeders": int})
    assert len(points) == 20
    cs = np.array([p["control_strength"] for p in points])
    assert ((cs >= 0.2) & (cs <= 0.6)).all()
    strata = np.floor((cs - 0.2) / 0.4 * 20).astype(int)
    assert sorted(strata) == list(range(20))  # a Latin hypercube: one point per stratum
    assert all(isinstance(p["n_breeders"], int) and 20 <= p["n_breeders"] <= 80 for p in points)
    assert points == design_points(d, sweep_seed=3, kinds={"n_breeders": int})
    assert points != design_points(d, sweep_seed=4, kinds={"n_breeders": int})


@pytest.mark.parametrize("second_order", [True, False])
def test_saltelli_sample_count(second_order):
    bounds = {"control_strength": (0, 1), "openness_mean": (0, 1), "trust_gain": (0.01, 0.1)}
    d = design.saltelli(16, second_order=second_order, **bounds)
    n, k = 16, len(bounds)
    expected = n * (2 * k + 2) if second_order else n * (k + 2)
    assert len(design_points(d, sweep_seed=1)) == expected_point_count(d) == expected


def test_morris_sample_count():
    d = design.morris(5, levels=4, control_strength=(0, 1), openness_mean=(0, 1))
    assert len(design_points(d, sweep_seed=1)) == expected_point_count(d) == 5 * (2 + 1)


def test_run_seeds_are_deterministic_spawned_and_collision_free():
    assert run_seed(42, 3, 1) == run_seed(42, 3, 1)
    ref = np.random.SeedSequence(entropy=42, spawn_key=(3, 1)).generate_state(1, np.uint64)[0]
    assert run_seed(42, 3, 1) == int(ref >> np.uint64(1))  # SeedSequence, never hash()
    seeds = {run_seed(42, p, r) for p in range(300) for r in range(40)}
    assert len(seeds) == 300 * 40
    assert all(0 <= s < 2**63 for s in seeds)
    assert run_seed(42, 0, 0) != run_seed(43, 0, 0)
    assert run_seed(42, 0, 1) != run_seed(42, 1, 0)


def test_task_seeds_depend_only_on_place_in_design():
    sweep = small_grid_sweep(seed=9)
    tasks = sweep.tasks()
    assert [t.seed for t in tasks] == [run_seed(9, t.point, t.replicate) for t in tasks]
    some = {tasks[5].key, tasks[2].key}
    assert [t.seed for t in sweep.tasks(only=some)] == [tasks[2].seed, tasks[5].seed]


def test_given_seeds_are_the_replicates_seeds_at_every_point():
    sweep = small_grid_sweep(seeds=[1000, 1001, 7], replicates=1)
    assert sweep.replicates == 3 and sweep.n_runs == 12
    assert [t.seed for t in sweep.tasks()] == [1000, 1001, 7] * 4
    assert (
        sweep.fingerprint() != small_grid_sweep(seeds=[1000, 1001, 8], replicates=3).fingerprint()
    )
    assert "seeds" not in small_grid_sweep().spec_dict(), (
        "sweeps without seeds keep their fingerprint"
    )


def test_seeds_per_point_and_a_scenario_object_built_in_python():
    base = alpaca_abm.load_scenario("baseline").replace(name="with_event")
    sweep = small_grid_sweep(seeds=[[5, 6], [7, 8], [9, 10], [11, 12]], scenario=base)
    assert [t.seed for t in sweep.tasks()] == [5, 6, 7, 8, 9, 10, 11, 12]
    assert sweep.base_scenario is base and sweep.spec_dict()["scenario"] == "with_event"
    with pytest.raises(SpecError, match="3 lists of seeds for 4 design points"):
        small_grid_sweep(seeds=[[5, 6], [7, 8], [9, 10]])
    with pytest.raises(SpecError, match=r"seeds\[1\]: .* 2 seeds, as many as seeds\[0\]"):
        small_grid_sweep(seeds=[[5, 6], [7], [9, 10], [11, 12]])


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"seeds": [1, 1]}, "seeds", "distinct"),
        ({"seeds": [1, -2]}, "seeds[1]", "an integer >= 0"),
        ({"seeds": [1, 2**63]}, "seeds[1]", "an integer in [0,"),
        ({"seeds": "1,2"}, "seeds", "a list of whole numbers"),
        ({"seeds": [1, 2, 3], "replicates": 2}, "replicates", "one replicate runs per seed"),
    ],
)
def test_bad_seeds_are_named(changes, field, words):
    with pytest.raises(SpecError) as info:
        small_grid_sweep(**changes)
    assert f": {field}: " in str(info.value) and words in str(info.value), str(info.value)


# --- spec validation ------------------------------------------------------------------------

VALID_SPEC = """
name = "t"
steps = 12
replicates = 2
seed = 1

[fixed]
n_breeders = 30

[design]
kind = "grid"

[design.parameters]
control_strength = [0.1, 0.9]
"""


def write_spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_valid_spec_reads(tmp_path):
    sweep = Sweep.from_toml(write_spec(tmp_path, VALID_SPEC))
    assert (sweep.n_points, sweep.n_runs, sweep.steps) == (2, 4, 12)
    assert sweep.fixed == {"n_breeders": 30}


@pytest.mark.parametrize("name", ["control_openness", "sensitivity", "shock_study"])
def test_shipped_experiments_are_valid(name):
    sweep = Sweep.from_toml(REPO / "experiments" / f"{name}.toml")
    assert sweep.n_runs >= 60


BAD_SPECS = [
    # (old text, new text, field named in the message, words the message must hold)
    ("replicates = 2", "replicate = 2", "replicate", "Did you mean 'replicates'"),
    ("steps = 12", 'steps = "12"', "steps", "an integer >= 1"),
    ("steps = 12", "steps = 0", "steps", "0 is not allowed"),
    ("replicates = 2", "replicates = 0", "replicates", "an integer >= 1"),
    ("seed = 1", "seed = -1", "seed", "an integer >= 0"),
    ("seed = 1", 'seed = 1\nkeep = "all"', "keep", "'summary', 'timeseries'"),
    ('kind = "grid"', 'kind = "grdi"', "design.kind", "Did you mean 'grid'"),
    (
        "control_strength = [0.1, 0.9]",
        "control_strenght = [0.1, 0.9]",
        "design.parameters.control_strenght",
        "Did you mean 'control_strength'",
    ),
    (
        "control_strength = [0.1, 0.9]",
        "control_strength = [0.1, 1.5]",
        "design.parameters.control_strength[1]",
        "1.5",
    ),
    (
        "control_strength = [0.1, 0.9]",
        "control_strength = []",
        "design.parameters.control_strength",
        "at least one value",
    ),
    ("n_breeders = 30", 'n_breeders = "many"', "fixed.n_breeders", "an integer"),
    ("n_breeders = 30", "n_breders = 30", "fixed.n_breders", "Did you mean 'n_breeders'"),
    ("n_breeders = 30", "control_strength = 0.5", "fixed.control_strength", "also varied"),
    ('kind = "grid"', 'kind = "grid"\nsamples = 4', "design.samples", "unknown key"),
    (
        '[design]\nkind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        '[design]\nkind = "lhs"\nsamples = 8\n\n[design.parameters]\n'
        "control_strength = { low = 0.8, high = 0.2 }",
        "design.parameters.control_strength",
        "expected low < high",
    ),
    (
        '[design]\nkind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        '[design]\nkind = "lhs"\nsamples = 8\n\n[design.parameters]\n'
        "openness_mean = { low = 0.2, high = 1.5 }",
        "design.parameters.openness_mean.high",
        "in [0, 1]",
    ),
    (
        '[design]\nkind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        '[design]\nkind = "lhs"\nsample = 8\n\n[design.parameters]\n'
        "openness_mean = { low = 0.2, high = 0.5 }",
        "design.sample",
        "Did you mean 'samples'",
    ),
    (
        '[design]\nkind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        '[design]\nkind = "saltelli"\nsamples = 12\n\n[design.parameters]\n'
        "openness_mean = { low = 0.2, high = 0.5 }",
        "design.samples",
        "a power of two",
    ),
    (
        '[design]\nkind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        '[design]\nkind = "morris"\nsamples = 4\nlevels = 3\n\n[design.parameters]\n'
        "openness_mean = { low = 0.2, high = 0.5 }",
        "design.levels",
        "even number",
    ),
    (
        '[design]\nkind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        '[design]\nkind = "lhs"\nsamples = 4\n\n[design.parameters]\n'
        "coopetition = { low = 0, high = 1 }",
        "design.parameters.coopetition",
        "cannot draw it",
    ),
    (
        "seed = 1",
        'seed = 1\ntimeseries_columns = ["n_breeders"]',
        "timeseries_columns",
        "keep = 'timeseries'",
    ),
    ("seed = 1", 'seed = 1\nscenario = "baselin"', "scenario", "baseline"),
    ("seed = 1", 'seed = 1\nrun_function = "no such thing"', "run_function", "dotted path"),
    ("seed = 1", 'seed = 1\noutcomes = "final_n_breeders"', "outcomes", "a list of strings"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), BAD_SPECS)
def test_bad_spec_field_is_named(tmp_path, old, new, field, words):
    assert old in VALID_SPEC
    path = write_spec(tmp_path, VALID_SPEC.replace(old, new, 1))
    with pytest.raises(SpecError) as info:
        Sweep.from_toml(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {field}:"), message
    assert words in message, message
    assert isinstance(info.value, ValueError)


def test_missing_design_and_bad_toml_are_named(tmp_path):
    path = write_spec(tmp_path, "steps = 12\n")
    with pytest.raises(SpecError, match=r"design: missing"):
        Sweep.from_toml(path)
    path.write_text("steps = = 3\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid TOML"):
        Sweep.from_toml(path)


def test_unknown_outcome_is_caught_before_any_run(tmp_path):
    sweep = small_grid_sweep(outcomes=("partnership_survivl",))
    with pytest.raises(SpecError, match="Did you mean 'partnership_survival'"):
        sweep.run(tmp_path / "store", backend="serial", progress=False)
    assert not (tmp_path / "store").exists()


def test_table_design_from_csv(tmp_path):
    (tmp_path / "points.csv").write_text("control_strength,coopetition\n0.2,true\n0.7,false\n")
    spec = VALID_SPEC.replace(
        'kind = "grid"\n\n[design.parameters]\ncontrol_strength = [0.1, 0.9]',
        'kind = "table"\nfile = "points.csv"',
    )
    sweep = Sweep.from_toml(write_spec(tmp_path, spec))
    assert sweep.points == (
        {"control_strength": 0.2, "coopetition": True},
        {"control_strength": 0.7, "coopetition": False},
    )


# --- the store ---------------------------------------------------------------------------------


def test_sweep_fills_store_one_row_per_run(tmp_path):
    sweep = small_grid_sweep()
    store = sweep.run(tmp_path / "s", backend="serial", progress=False)
    frame = store.summary_frame()
    assert len(frame) == sweep.n_runs == 8
    assert list(frame.columns[:4]) == ["run_key", "point", "replicate", "seed"]
    assert {
        "control_strength",
        "openness_mean",
        "n_breeders",
        "partnership_survival",
        "knowledge_leakage",
        "final_n_breeders",
    } <= set(frame.columns)
    assert (
        frame["seed"]
        == [sweep.run_seed(p, r) for p, r in zip(frame["point"], frame["replicate"], strict=True)]
    ).all()
    # a stored run equals the model run with the same seed and parameters
    row = frame.iloc[5]
    direct = alpaca_abm.run(
        "baseline",
        steps=STEPS,
        rng=int(row["seed"]),
        n_breeders=30,
        control_strength=row["control_strength"],
        openness_mean=row["openness_mean"],
    )
    assert row["knowledge_leakage"] == direct.summary["knowledge_leakage"]
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["fingerprint"] == sweep.fingerprint()
    assert manifest["package_version"] == alpaca_abm.__version__
    assert len(manifest["fingerprint_data"]["points"]) == 4


def test_leftover_temp_file_is_ignored(tmp_path):
    sweep = small_grid_sweep()
    store = sweep.run(tmp_path / "s", backend="serial", progress=False)
    runs = tmp_path / "s" / RUNS_DIR
    victim = runs / "p000001-r0001.parquet"
    (runs / ".p000001-r0001.parquet.1234.abcd.tmp").write_bytes(victim.read_bytes()[:40])
    victim.unlink()  # as if killed between writing the temporary and renaming it
    assert "p000001-r0001" not in store.done_keys()
    assert len(store.summary_frame()) == 7
    with pytest.raises(StoreError, match="7 of 8 runs"):  # unfinished: needs --resume
        sweep.run(tmp_path / "s", backend="serial", progress=False)
    store = sweep.run(tmp_path / "s", backend="serial", progress=False, resume=True)
    assert len(store.summary_frame()) == 8
    assert not [n for n in os.listdir(runs) if n.endswith(".tmp")]


def test_atomic_write_leaves_only_the_final_file(tmp_path):
    atomic_write_bytes(tmp_path / "a.bin", b"x" * 1000)
    atomic_write_bytes(tmp_path / "a.bin", b"y")
    assert os.listdir(tmp_path) == ["a.bin"]
    assert (tmp_path / "a.bin").read_bytes() == b"y"


def test_other_sweep_store_is_refused(tmp_path):
    small_grid_sweep().run(tmp_path / "s", backend="serial", progress=False)
    other = small_grid_sweep(steps=STEPS + 1)
    with pytest.raises(StoreError) as info:
        other.run(tmp_path / "s", backend="serial", progress=False, resume=True)
    message = str(info.value)
    assert "different sweep" in message and "spec.steps" in message and "new --out" in message
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty"):
        other.run(tmp_path / "junk", backend="serial", progress=False)


def test_finished_store_runs_nothing_again(tmp_path):
    sweep = small_grid_sweep()
    sweep.run(tmp_path / "s", backend="serial", progress=False)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "s" / RUNS_DIR).iterdir()}
    sweep.run(tmp_path / "s", backend="serial", progress=False)
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "s" / RUNS_DIR).iterdir()}
    assert before == after


def test_each_run_is_written_once(tmp_path):
    sweep = small_grid_sweep()
    store = ResultStore.for_sweep(tmp_path / "s", sweep)
    outcome = execute_run(sweep.tasks()[0])
    assert store.record(outcome) is True
    path = tmp_path / "s" / RUNS_DIR / f"{outcome.key}.parquet"
    stamp = path.stat().st_mtime_ns
    assert store.record(outcome) is False  # a duplicate (e.g. Dask re-ran it) is not rewritten
    assert path.stat().st_mtime_ns == stamp
    assert len(list((tmp_path / "s" / RUNS_DIR).iterdir())) == 1


def test_failures_are_recorded_and_retried_on_resume(tmp_path, monkeypatch):
    flag = tmp_path / "fail-now"
    flag.touch()
    monkeypatch.setenv(FLAG_ENV, str(flag))
    sweep = small_grid_sweep(run_function=f"{__name__}.flaky_run")
    store = sweep.run(tmp_path / "s", backend="serial", progress=False)
    failures = store.failures()
    assert len(failures) == 4 and len(store.summary_frame()) == 4
    first = failures.iloc[0]
    assert first["error_type"] == "RuntimeError"
    assert "injected failure" in first["error_message"]
    assert "Traceback" in first["traceback"] and "flaky_run" in first["traceback"]
    flag.unlink()
    store = sweep.run(tmp_path / "s", backend="serial", progress=False, resume=True)
    assert store.failures().empty and store.is_complete
    reference = small_grid_sweep().run(tmp_path / "ref", backend="serial", progress=False)
    outcome_cols = ["partnership_survival", "knowledge_leakage", "final_n_breeders"]
    pd.testing.assert_frame_equal(
        store.summary_frame()[outcome_cols], reference.summary_frame()[outcome_cols]
    )


def test_timeseries_kept(tmp_path):
    sweep = small_grid_sweep(
        keep="timeseries", timeseries_columns=("n_breeders", "mean_trust"), replicates=1
    )
    store = sweep.run(tmp_path / "s", backend="serial", progress=False)
    series = store.timeseries_frame()
    assert len(series) == 4 * STEPS
    assert list(series.columns) == [
        "run_key",
        "point",
        "replicate",
        "seed",
        "step",
        "n_breeders",
        "mean_trust",
    ]
    files = summarise_store(tmp_path / "s")
    names = {f.name for f in files}
    assert {"timeseries.csv", "timeseries_mean_trust.png"} <= names


# --- the report ------------------------------------------------------------------------------


def test_summarise_grid_writes_tables_and_surfaces(tmp_path):
    small_grid_sweep().run(tmp_path / "s", backend="serial", progress=False)
    files = summarise_store(tmp_path / "s")
    names = {f.name for f in files}
    assert {
        "runs.csv",
        "points.csv",
        "knowledge_leakage_surface.png",
        "knowledge_leakage.png",
    } <= names
    points = pd.read_csv(tmp_path / "s" / "report" / "points.csv")
    assert len(points) == 4
    row = points.iloc[0]
    assert row["knowledge_leakage_ci_low"] <= row["knowledge_leakage_mean"]
    assert row["knowledge_leakage_mean"] <= row["knowledge_leakage_ci_high"]
    assert (tmp_path / "s" / "report" / "knowledge_leakage_surface.png").read_bytes()[
        :4
    ] == b"\x89PNG"


def test_summarise_saltelli_gives_sobol_indices(tmp_path):
    sweep = Sweep(
        design.saltelli(4, control_strength=(0.0, 1.0), openness_mean=(0.1, 1.0)),
        fixed=SMALL,
        steps=STEPS,
        outcomes=("knowledge_leakage", "mean_trust"),
    )
    assert sweep.n_runs == 4 * (2 * 2 + 2)
    sweep.run(tmp_path / "s", backend="serial", progress=False)
    summarise_store(tmp_path / "s")
    indices = pd.read_csv(tmp_path / "s" / "report" / "sobol_indices.csv")
    assert list(indices.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(indices) == 2 * 2
    assert (tmp_path / "s" / "report" / "sobol_knowledge_leakage.png").exists()
    summarise_store(tmp_path / "s", tmp_path / "again")
    again = pd.read_csv(tmp_path / "again" / "sobol_indices.csv")
    pd.testing.assert_frame_equal(indices, again)  # the bootstrap is seeded: the same report


def test_summarise_morris_gives_mu_star_and_sigma(tmp_path):
    sweep = Sweep(
        design.morris(2, control_strength=(0.0, 1.0), openness_mean=(0.1, 1.0)),
        fixed=SMALL,
        steps=STEPS,
        outcomes=("knowledge_leakage",),
    )
    sweep.run(tmp_path / "s", backend="serial", progress=False)
    summarise_store(tmp_path / "s")
    indices = pd.read_csv(tmp_path / "s" / "report" / "morris_indices.csv")
    assert {"mu_star", "sigma", "mu_star_conf"} <= set(indices.columns)
    assert len(indices) == 2


# --- the command line ------------------------------------------------------------------------


def test_cli_bad_spec_exits_2_with_a_short_message(tmp_path, capsys):
    path = write_spec(tmp_path, VALID_SPEC.replace("replicates = 2", "replicates = 0"))
    status = sweep_main([str(path), "--backend", "serial", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2
    assert f"{path}: replicates: 0 is not allowed" in err


def test_cli_option_errors_exit_2(tmp_path, capsys):
    assert sweep_main([]) == 2
    assert "SPEC.toml" in capsys.readouterr().err
    spec = write_spec(tmp_path, VALID_SPEC)
    assert sweep_main([str(spec), "--backend", "local", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler is only used with --backend dask" in capsys.readouterr().err
    assert sweep_main(["--summarise", str(tmp_path / "nowhere")]) == 2
    assert "not a sweep store" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:  # argparse's own checks also exit 2
        sweep_main([str(spec), "--workers", "0"])
    assert info.value.code == 2


def test_cli_runs_then_summarises(tmp_path, capsys):
    spec = write_spec(tmp_path, VALID_SPEC)
    out = tmp_path / "o"
    assert sweep_main([str(spec), "--backend", "serial", "--out", str(out), "--no-progress"]) == 0
    assert len(ResultStore.open(out).summary_frame()) == 4
    assert sweep_main(["--summarise", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert str(out / "report" / "points.csv") in printed


def test_a_spec_file_may_not_name_code_outside_alpaca_abm(tmp_path):
    """Spec files are data: naming os.system (or any module) as run_function is refused."""
    spec = tmp_path / "evil.toml"
    spec.write_text(
        'name = "evil"\nrun_function = "os.system"\nsteps = 2\n'
        '[design]\nkind = "grid"\n[design.parameters]\nn_breeders = [10]\n'
    )
    with pytest.raises(ValueError, match="run_function"):
        Sweep.from_toml(spec)
