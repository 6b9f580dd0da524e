"""Checkpoints: a saved and re-loaded model continues exactly; a killed CLI run resumes to the
tables of an uninterrupted run; checkpoints of other versions, damaged, foreign, forged or
crafted files are refused, and loading one never runs code."""

import pickle
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alpaca_abm
from alpaca_abm import AlpacaModel, checkpoint
from alpaca_abm.checkpoint import load_model, read_header, save_model
from alpaca_abm.cli import main

from helpers import CLI, checkout_env, members, rewrite_header

EVENTS = (
    {"kind": "disease", "start": 4, "strength": 0.9, "herds": 3},
    {"kind": "recognition", "start": 6, "region": "Wales"},
    {"kind": "legislation", "start": 9, "strength": 3.0, "duration": 12},
    {"kind": "demand", "start": 2, "strength": -0.3, "segment": "hobby", "duration": 10},
)


def shocked_model(seed=6, n=35):
    sc = alpaca_abm.load_scenario("baseline", n_breeders=n, exit_months=6, rivalry_feedback=1.0)
    return AlpacaModel(sc.replace(events=EVENTS), rng=seed)


def assert_same_run(a, b):
    pd.testing.assert_frame_equal(a.model_df, b.model_df)
    pd.testing.assert_frame_equal(a.agent_df, b.agent_df)
    assert a.model_df.to_csv(index=False) == b.model_df.to_csv(index=False)
    assert a.agent_df.to_csv() == b.agent_df.to_csv()
    assert a.event_log == b.event_log
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.random.getstate() == b.random.getstate()
    assert (a.steps, a.time, a.agent_id_counter) == (b.steps, b.time, b.agent_id_counter)
    assert [x.unique_id for x in a.agents] == [x.unique_id for x in b.agents]


def test_a_loaded_model_continues_exactly_as_the_saved_one(tmp_path):
    a = shocked_model()
    for _ in range(14):
        a.step()
    a.trigger(kind="price", start=16, strength=-0.2, duration=6)  # a triggered event is state
    path = a.save(tmp_path / "m.npz", note="mid-run")
    b = AlpacaModel.load(path)
    assert b.steps == 14 and b.date == a.date and len(b.agents) == len(a.agents)
    assert b.shocks.state is b and b.event_log is b.shocks.log  # references re-bound
    assert all(agent.model is b for agent in b.agents)
    assert read_header(path)["meta"] == {"note": "mid-run"}
    for _ in range(30):
        a.step()
        b.step()
    assert_same_run(a, b)
    assert a.model_df["exits"].sum() > 0 and a.model_df["entrants"].sum() > 0
    assert a.model_df["culled"].sum() > 0  # the disease ran across the checkpoint


def test_a_model_saved_and_loaded_twice_still_continues_exactly(tmp_path):
    a = shocked_model(seed=2, n=20)
    for _ in range(7):
        a.step()
    b = load_model(
        save_model(load_model(save_model(a, tmp_path / "a.npz"), AlpacaModel), tmp_path / "b.npz"),
        AlpacaModel,
    )
    for _ in range(12):
        a.step()
        b.step()
    assert_same_run(a, b)


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32),
    n=st.integers(5, 40),
    at=st.integers(0, 20),
    coopetition=st.booleans(),
    every=st.integers(1, 12),
)
def test_resumed_runs_equal_uninterrupted_runs(tmp_path, seed, n, at, coopetition, every):
    """Property: for any world and any save month, save-load-continue = never stopping."""
    kw = dict(rng=seed, n_breeders=n, coopetition=coopetition, agent_report_every=every)
    a, b = AlpacaModel(**kw), AlpacaModel(**kw)
    for _ in range(at):
        a.step()
    a = AlpacaModel.load(a.save(tmp_path / "p.npz"))
    for _ in range(24 - at):
        a.step()
    for _ in range(24):
        b.step()
    assert_same_run(a, b)


# --- refusals ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    model = AlpacaModel(rng=1, n_breeders=10)
    model.step()
    return model.save(tmp_path_factory.mktemp("ck") / "c.npz", steps=12)


def test_a_checkpoint_of_another_version_is_refused_with_a_clear_message(saved, tmp_path):
    def older(h):
        h["versions"]["alpaca-abm"] = "0.0.1"

    old = rewrite_header(saved, tmp_path / "old.npz", older)
    with pytest.raises(ValueError, match=r"written with alpaca-abm 0\.0\.1, but this is"):
        load_model(old, AlpacaModel)
    with pytest.raises(ValueError, match="alpaca-abm 0.0.1"):
        read_header(old)

    def other_format(h):
        h["format"] = 99

    with pytest.raises(ValueError, match="format 99"):
        load_model(rewrite_header(saved, tmp_path / "f.npz", other_format), AlpacaModel)


def test_a_newer_package_refuses_an_older_checkpoint(saved, monkeypatch):
    monkeypatch.setattr(alpaca_abm, "__version__", "99.0")
    with pytest.raises(ValueError, match="but this is alpaca-abm 99.0"):
        load_model(saved, AlpacaModel)


def test_damaged_and_foreign_files_are_refused(saved, tmp_path):
    data = saved.read_bytes()
    for keep in (len(data) - 100, len(data) // 2, 200):
        cut = tmp_path / "cut.npz"
        cut.write_bytes(data[:keep])
        with pytest.raises(ValueError, match="damaged checkpoint"):
            load_model(cut, AlpacaModel)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF  # one byte of the payload changed
    (tmp_path / "flip.npz").write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="damaged checkpoint"):
        load_model(tmp_path / "flip.npz", AlpacaModel)
    other = tmp_path / "other.npz"
    other.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="not an alpaca-abm checkpoint"):
        load_model(other, AlpacaModel)
    with pytest.raises(ValueError, match="does not exist"):
        load_model(tmp_path / "missing.npz", AlpacaModel)
    with pytest.raises(ValueError, match="is a folder"):
        load_model(tmp_path, AlpacaModel)
    garbled = rewrite_header(saved, tmp_path / "garbled.npz", lambda h: None)
    parts = members(garbled)
    parts["header"] = np.frombuffer(b"{not json", dtype=np.uint8)
    with open(garbled, "wb") as handle:
        np.savez(handle, **parts)
    with pytest.raises(ValueError, match="header cannot be read"):
        load_model(garbled, AlpacaModel)


# --- the command line -----------------------------------------------------------------------
def reference_csvs(steps, seed, n):
    result = alpaca_abm.run("baseline", steps=steps, rng=seed, n_breeders=n)
    return result.model_df.to_csv(index=False), result.agent_df.to_csv()


def test_a_killed_cli_run_resumes_to_the_tables_of_an_uninterrupted_run(tmp_path):
    steps, seed, n = 120, 4, 30
    out = tmp_path / "run"
    args = ["run", "--steps", str(steps), "--seed", str(seed), "--set", f"n_breeders={n}"]
    args += ["--out", str(out), "--quiet", "--checkpoint-every", "12"]
    proc = subprocess.Popen(
        [*CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=checkout_env(),
    )
    ck = out / "checkpoint.npz"
    deadline = time.monotonic() + 300
    while not ck.exists():
        assert proc.poll() is None, "the run ended before a checkpoint could be taken"
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "model.csv").exists()  # killed before any result was written
    done_before = read_header(ck)["steps"]
    assert 12 <= done_before < steps and done_before % 12 == 0

    resumed = subprocess.run(
        [*CLI, *args, "--resume"],
        capture_output=True,
        text=True,
        env=checkout_env(),
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming from" in resumed.stdout and f"at month {done_before}" in resumed.stdout
    model_csv, agents_csv = reference_csvs(steps, seed, n)
    assert (out / "model.csv").read_text() == model_csv
    assert (out / "agents.csv").read_text() == agents_csv
    assert not ck.exists()  # finished: nothing left to resume
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary files


def run_cli(capsys, *args):
    code = main(["run", "--quiet", *args])
    err = capsys.readouterr().err
    return code, err


def test_resume_refuses_a_checkpoint_of_another_run_in_one_line(tmp_path, capsys):
    out = tmp_path / "r"
    out.mkdir()
    model = AlpacaModel(alpaca_abm.load_scenario("baseline", n_breeders=12), rng=3)
    for _ in range(5):
        model.step()
    model.save(out / "checkpoint.npz", steps=24, checkpoint_every=5)
    base = ["--out", str(out), "--steps", "24", "--seed", "3", "--set", "n_breeders=12"]
    cases = [
        (["--seed", "4"], "its seed is 3, not 4"),
        (["--steps", "36"], "it runs 24 months, not 36"),
        (["--set", "openness_mean=0.2"], "parameter 'openness_mean' = 0.6, not 0.2"),
        (["--scenario", "no_coopetition"], "scenario 'baseline', not 'no_coopetition'"),
        (["--event", "rivalry:3"], "its events differ"),
    ]
    for extra, words in cases:
        code, err = run_cli(capsys, *base, *extra, "--resume")
        assert code == 2 and words in err, (extra, err)
        assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    code, err = run_cli(capsys, *base)  # neither --resume nor --overwrite
    assert code == 2 and "holds a checkpoint of an unfinished run" in err
    rewrite_header(
        out / "checkpoint.npz",
        out / "checkpoint.npz",
        lambda h: h["versions"].update({"alpaca-abm": "0.0.1"}),
    )
    code, err = run_cli(capsys, *base, "--resume")
    assert code == 2 and "alpaca-abm 0.0.1" in err
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.npz"]  # nothing else written


def test_resume_continues_a_checkpoint_in_process_and_finishes(tmp_path, capsys, monkeypatch):
    """An interrupted run (Ctrl-C in month 11) resumes to the uninterrupted tables; the
    final checkpoint is removed once every result file is written."""
    out = tmp_path / "r"
    args = ["--out", str(out), "--steps", "20", "--seed", "8", "--set", "n_breeders=15"]
    from alpaca_abm import runner

    real_step = AlpacaModel.step

    def step_then_stop(self):
        real_step(self)
        if self.steps == 11:  # Ctrl-C during month 11: the checkpoint of month 10 is kept
            raise KeyboardInterrupt

    monkeypatch.setattr(AlpacaModel, "step", step_then_stop)
    code, err = run_cli(capsys, *args, "--checkpoint-every", "5")
    assert code == 130 and "--resume" in err
    assert read_header(out / "checkpoint.npz")["steps"] == 10
    monkeypatch.setattr(AlpacaModel, "step", real_step)
    (out / ".checkpoint.npz.x1y2.tmp").write_bytes(b"half a checkpoint")  # killed mid-write
    (out / ".staging-abc").mkdir()
    (out / ".staging-abc" / "model.csv").write_text("half")
    (out / ".mine").write_text("not ours: kept")
    code, err = run_cli(capsys, *args, "--resume")
    assert code == 0, err
    assert sorted(p.name for p in out.glob(".*")) == [".mine"]
    model_csv, agents_csv = reference_csvs(20, 8, 15)
    assert (out / "model.csv").read_text() == model_csv
    assert (out / "agents.csv").read_text() == agents_csv
    assert not (out / "checkpoint.npz").exists()
    assert runner.MAX_STEPS >= 240


def test_clock_and_generators_are_restored(tmp_path):
    model = AlpacaModel(rng=9, n_breeders=8)
    for _ in range(3):
        model.step()
    loaded = AlpacaModel.load(model.save(tmp_path / "c.npz"))
    assert loaded._default_schedule.next_scheduled_time == 4.0
    assert loaded.rng.random() == model.rng.random()
    assert loaded.random.random() == model.random.random()
    assert np.array_equal(loaded.herd.view("quality"), model.herd.view("quality"))
    assert checkpoint.CHECKPOINT_FILE == "checkpoint.npz"
