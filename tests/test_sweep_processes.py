"""Sweeps across real processes: a Dask scheduler and workers on 127.0.0.1, a local pool, kills.

Each test starts what it needs as separate OS processes (subprocess.Popen), records their
PIDs, and stops them in a fixture teardown or `finally`: workers first, then the scheduler,
SIGTERM then SIGKILL after a timeout, by PID only. Worlds are small (30 breeders, 2 years)
so that a run takes a fraction of a second.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from alpaca_abm.sweep import ResultStore, Sweep

from helpers import checkout_env

pytestmark = pytest.mark.slow

DASK = Path(sys.executable).with_name("dask")  # the dask CLI of this very environment
START_TIMEOUT = 60.0  # seconds for a scheduler or worker to come up on a loaded CI machine
STOP_TIMEOUT = 10.0  # seconds a process gets to exit after SIGTERM before SIGKILL
SWEEP_TIMEOUT = 240.0  # seconds for one small sweep through the CLI, kills included
POLL = 0.05  # seconds between looks at the store while waiting to kill mid-sweep
KILL_AFTER_RUNS = 4  # kill once this many runs are stored: well inside the sweep

SPEC = """
name = "processes"
steps = 24
replicates = 6
seed = 5
outcomes = ["partnership_survival", "knowledge_leakage", "final_n_breeders", "mean_trust"]

[fixed]
n_breeders = 30

[design]
kind = "grid"

[design.parameters]
control_strength = [0.1, 0.5, 0.9]
openness_mean = [0.3, 0.8]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(processes: list[psutil.Process]) -> None:
    """SIGTERM each process (in the order given), wait, SIGKILL what is left; by PID only."""
    for proc in processes:
        try:
            proc.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=STOP_TIMEOUT)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=STOP_TIMEOUT)


def family(popen: subprocess.Popen) -> list[psutil.Process]:
    """A process we started and its descendants (worker processes it forked), children last."""
    try:
        root = psutil.Process(popen.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def sweep_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "alpaca_abm.sweep", *args, "--no-progress"]


def wait_for_runs(out: Path, count: int, popen: subprocess.Popen) -> int:
    """Wait until `count` runs are stored (or the sweep ended); return how many are."""
    deadline = time.monotonic() + SWEEP_TIMEOUT
    done = 0
    while time.monotonic() < deadline and popen.poll() is None:
        runs = out / "runs"
        done = len([n for n in os.listdir(runs) if n.endswith(".parquet")]) if runs.is_dir() else 0
        if done >= count:
            return done
        time.sleep(POLL)
    return done


def assert_every_run_once(out: Path, sweep: Sweep) -> pd.DataFrame:
    store = ResultStore.open(out)
    files = [n for n in os.listdir(out / "runs") if n.endswith(".parquet")]
    assert len(files) == sweep.n_runs
    assert store.done_keys() == set(store.run_keys())
    assert store.failures().empty
    frame = store.summary_frame()
    assert len(frame) == sweep.n_runs
    assert not frame.duplicated(["point", "replicate"]).any()
    return frame


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "processes.toml"
    path.write_text(textwrap.dedent(SPEC), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def serial_reference(spec_path, tmp_path_factory) -> pd.DataFrame:
    """The same sweep run in this process, one run after another: the reference result."""
    out = tmp_path_factory.mktemp("serial") / "store"
    return Sweep.from_toml(spec_path).run(out, backend="serial", progress=False).summary_frame()


@pytest.fixture
def dask_cluster(tmp_path):
    """A real Dask scheduler and two single-thread workers, as separate processes on 127.0.0.1.

    Yields (address, worker Popens). Teardown stops the workers (and what they forked)
    first, then the scheduler.
    """
    assert DASK.exists(), f"no dask executable next to {sys.executable}"
    port, dashboard = free_port(), free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    started: list[subprocess.Popen] = []
    workers: list[subprocess.Popen] = []
    worker_family: list[psutil.Process] = []
    log_files = []
    try:
        log_files.append(open(logs / "scheduler.log", "wb"))
        scheduler = subprocess.Popen(
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                f"127.0.0.1:{dashboard}",
            ],
            env=checkout_env(),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=log_files[-1],
        )
        started.append(scheduler)
        for i in range(2):
            log_files.append(open(logs / f"worker-{i}.log", "wb"))
            worker = subprocess.Popen(
                [
                    str(DASK),
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--dashboard-address",
                    "127.0.0.1:0",
                    "--death-timeout",
                    "60",
                    "--local-directory",
                    str(tmp_path / f"worker-{i}"),
                ],
                env=checkout_env(),
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=log_files[-1],
            )
            started.append(worker)
            workers.append(worker)
        from distributed import Client

        with Client(address, timeout=f"{START_TIMEOUT:.0f}s") as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
        for worker in workers:  # each `dask worker` runs its worker in a child (nanny) process
            worker_family.extend(family(worker))
        yield address, workers
    finally:
        worker_procs = [p for w in workers for p in family(w)] + worker_family
        stop(list({p.pid: p for p in worker_procs}.values()))
        stop([p for s in started if s not in workers for p in family(s)])
        for popen in started:
            popen.wait(timeout=STOP_TIMEOUT)
        for handle in log_files:
            handle.close()


def test_dask_cluster_matches_serial_and_survives_a_killed_worker(
    dask_cluster, spec_path, serial_reference, tmp_path
):
    address, workers = dask_cluster
    sweep = Sweep.from_toml(spec_path)

    # 1. the whole sweep on the cluster, through the CLI: identical to the serial backend
    out = tmp_path / "dask-store"
    done = subprocess.run(
        sweep_cli(str(spec_path), "--backend", "dask", "--scheduler", address, "--out", str(out)),
        env=checkout_env(),
        capture_output=True,
        text=True,
        timeout=SWEEP_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(assert_every_run_once(out, sweep), serial_reference)

    # 2. again into a new store, SIGKILLing one worker (and its worker process) mid-sweep
    out = tmp_path / "dask-kill-store"
    popen = subprocess.Popen(
        sweep_cli(str(spec_path), "--backend", "dask", "--scheduler", address, "--out", str(out)),
        env=checkout_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stored = wait_for_runs(out, KILL_AFTER_RUNS, popen)
        assert KILL_AFTER_RUNS <= stored < sweep.n_runs, "the sweep was not mid-way at the kill"
        victims = family(workers[0])  # the `dask worker` process and the worker it runs
        for proc in victims:
            proc.send_signal(signal.SIGKILL)
        _, alive = psutil.wait_procs(victims, timeout=STOP_TIMEOUT)
        assert not alive
        _, err = popen.communicate(timeout=SWEEP_TIMEOUT)
    finally:
        if popen.poll() is None:
            stop(family(popen))
    assert popen.returncode == 0, err
    pd.testing.assert_frame_equal(assert_every_run_once(out, sweep), serial_reference)


def test_killed_local_sweep_resumes_to_the_uninterrupted_result(
    spec_path, serial_reference, tmp_path
):
    sweep = Sweep.from_toml(spec_path)
    out = tmp_path / "local-store"
    command = sweep_cli(str(spec_path), "--backend", "local", "--workers", "2", "--out", str(out))
    popen = subprocess.Popen(
        command, env=checkout_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    pool: list[psutil.Process] = []
    try:
        stored = wait_for_runs(out, KILL_AFTER_RUNS, popen)
        assert KILL_AFTER_RUNS <= stored < sweep.n_runs, "the sweep was not mid-way at the kill"
        pool = family(popen)[1:]  # the pool's worker processes (and its fork server)
        assert pool, "the local backend started no worker processes"
        os.kill(popen.pid, signal.SIGKILL)  # a real kill of the CLI process, no clean-up
        popen.wait(timeout=STOP_TIMEOUT)
        # orphaned pool workers notice that the sweep died and exit by themselves
        _, alive = psutil.wait_procs(pool, timeout=STOP_TIMEOUT)
        assert not alive, f"pool workers outlived the killed sweep: {alive}"
    finally:
        if popen.poll() is None:
            popen.kill()
            popen.wait(timeout=STOP_TIMEOUT)
        stop([p for p in pool if p.is_running()])
        popen.stderr.close()

    partial = ResultStore.open(out)
    assert len(partial.done_keys()) < sweep.n_runs
    refused = subprocess.run(
        command, env=checkout_env(), capture_output=True, text=True, timeout=SWEEP_TIMEOUT
    )
    assert refused.returncode == 2 and "--resume" in refused.stderr  # no silent mixing
    resumed = subprocess.run(
        [*command, "--resume"],
        env=checkout_env(),
        capture_output=True,
        text=True,
        timeout=SWEEP_TIMEOUT,
    )
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(assert_every_run_once(out, sweep), serial_reference)


def test_local_pool_replaces_a_killed_worker(spec_path, serial_reference, tmp_path):
    """A pool worker SIGKILLed mid-sweep: the pool is rebuilt, only lost runs are redone."""
    sweep = Sweep.from_toml(spec_path)
    out = tmp_path / "pool-store"
    popen = subprocess.Popen(
        sweep_cli(str(spec_path), "--backend", "local", "--workers", "2", "--out", str(out)),
        env=checkout_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stored = wait_for_runs(out, KILL_AFTER_RUNS, popen)
        assert KILL_AFTER_RUNS <= stored < sweep.n_runs, "the sweep was not mid-way at the kill"
        # pool workers are the fork server's children (the sweep's own children are the fork
        # server and multiprocessing's resource tracker)
        workers = [p for p in family(popen)[1:] if p.ppid() != popen.pid]
        assert workers
        workers[-1].send_signal(signal.SIGKILL)
        _, err = popen.communicate(timeout=SWEEP_TIMEOUT)
    finally:
        if popen.poll() is None:
            stop(family(popen))
    assert popen.returncode == 0, err
    assert "worker process died" in err
    pd.testing.assert_frame_equal(assert_every_run_once(out, sweep), serial_reference)
