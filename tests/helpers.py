"""What several test files share: how a child process runs this checkout, serving the app
on a free port (test_readme, test_viz_browser), the tools for forging checkpoints and
killing a run at one step of publishing, and the digest of a table (results identity:
test_golden, test_paradox).

Test files import from here (`from helpers import ...`; pytest puts tests/ on the path, see
`pythonpath` in pyproject.toml), never from one another: a test file imported by another
would be collected twice or, under plain `pytest`, not be importable at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from alpaca_abm import checkpoint

# The checkout under test: the folder that holds alpaca_abm/ and tests/.
REPO = Path(__file__).resolve().parent.parent


def checkout_env(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The environment of a child Python process that must import this checkout's
    alpaca_abm, whatever copy is installed or wherever it runs: the checkout first on
    PYTHONPATH (ahead of site-packages and of any PYTHONPATH already set) and
    PYTHONSAFEPATH=1 (the working folder or script folder is not put ahead of it, so `-m`
    and `-c` from a folder holding another alpaca_abm still import this one); plus `extra`.
    tests/test_suite.py checks that every subprocess a test starts gets it."""
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONSAFEPATH"] = "1"
    env.update(extra)
    return env


# The environment of a child whose numpy uses none of its vector paths (AVX2, AVX-512), only
# the loops every x86-64 machine has: checkout_env(**NUMPY_BASELINE_ONLY). numpy reads it when
# imported, so only a new process can have it; naming a level the machine lacks is allowed.
NUMPY_BASELINE_ONLY = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4"}

# The command line of this checkout; run it with env=checkout_env().
CLI = [sys.executable, "-m", "alpaca_abm.cli"]


# --- a server on a free loopback port (tests/test_readme.py, tests/test_viz_browser.py) ----
def free_port() -> int:
    """A loopback port free now (the system's choice), for a server to listen on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    """Whether something answers on this loopback port."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def serving(
    server: subprocess.Popen, port: int, seconds: float, what: str, output: Callable[[], str]
) -> Iterator[subprocess.Popen]:
    """Wait until `server` (started to listen on `port`) answers, failing if it stops first
    (showing its `output`) or does not answer within `seconds`; run the block; then stop it
    as a person would, with Ctrl-C (SIGINT), killed if it is still running 30 s later."""
    try:
        deadline = time.monotonic() + seconds
        while not port_open(port):
            assert server.poll() is None, f"{what}: the server stopped: {output()}"
            assert time.monotonic() < deadline, f"{what}: no answer in {seconds:.0f} s"
            time.sleep(0.3)
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# --- forged checkpoints (tests/test_checkpoint.py, tests/test_checkpoint_security.py) ------
def members(path):
    """The arrays of a checkpoint file by member name."""
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def repack(out, parts, rehash=True):
    """Write checkpoint members back as an .npz; with `rehash`, a correct hash (a forgery)."""
    header = json.loads(parts["header"].tobytes())
    if rehash:
        header["arrays"] = sum(1 for k in parts if k.startswith("a") and k[1:].isdigit())
        header["sha256"] = checkpoint._digest(
            header, parts["state"].tobytes(), parts, header["arrays"]
        )
    parts = dict(parts, header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8))
    with open(out, "wb") as handle:
        np.savez(handle, **parts)
    return out


def rewrite_header(path, out, change, rehash=True):
    """A copy of the checkpoint at `path` with `change` applied to its header."""
    parts = members(path)
    header = json.loads(parts["header"].tobytes())
    change(header)
    parts["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    return repack(out, parts, rehash=rehash)


def with_state(path, out, document):
    """A correctly hashed checkpoint whose state document is `document`."""
    parts = members(path)
    parts["state"] = np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)
    return repack(out, parts)


# --- a CLI run killed at one step of publishing (test_publish.py, test_sweep_reliability.py)
# A child that runs the CLI and SIGKILLs itself at one step of publishing.
CHILD = r"""
import os, signal, sys
import alpaca_abm.io as aio
import alpaca_abm.report as report

point, argv = sys.argv[1], sys.argv[2:]
os.umask(int(os.environ.get("TEST_UMASK", "0o022"), 8))

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "mid-write":  # after three of the result files are staged
    real, calls = report.atomic_write, []
    def write(path, data):
        calls.append(path)
        if len(calls) == 4:
            die()
        real(path, data)
    report.atomic_write = write
elif point == "before-publish":  # every file staged, nothing renamed yet
    aio.publish = die
elif point == "after-exchange":  # the folders swapped, the user's files not yet moved back
    aio._carry_over = die
elif point == "between-renames":  # no atomic exchange: killed between the two renames
    aio._exchange = lambda a, b: False
    real_rename = os.rename
    def rename(a, b):
        real_rename(a, b)
        if str(b).endswith(".replaced"):
            die()
    os.rename = rename
elif point == "pause-before-publish":  # wait for a go file, then publish
    import time
    from pathlib import Path
    real_publish = aio.publish
    def publish(*args, **kwargs):
        print("staged", flush=True)
        while not Path(os.environ["TEST_GO"]).exists():
            time.sleep(0.01)
        real_publish(*args, **kwargs)
    aio.publish = publish
elif point == "hold":  # take the folder's lock, make a staging folder, and wait
    from pathlib import Path
    out = Path(argv[0])
    with aio.locked_output(out):
        stage = aio.new_stage(aio.resolved(out))
        print(stage, flush=True)
        signal.pause()
from alpaca_abm import cli
sys.exit(cli.main(argv))
"""


def _cell(value: object) -> str:
    """One value as text: floats at repr precision (round-trip exact), the rest by str."""
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def canonical_csv(df: pd.DataFrame) -> str:
    """The table as text that changes exactly when a value, column, dtype or index does."""
    flat = df.reset_index()
    lines = [",".join(f"{c}:{flat[c].dtype}" for c in flat.columns)]
    columns = [[_cell(v) for v in flat[c].tolist()] for c in flat.columns]
    lines += [",".join(row) for row in zip(*columns, strict=True)]
    return "\n".join(lines) + "\n"


def digest(df: pd.DataFrame) -> str:
    """sha256 of the canonical CSV of a table."""
    return hashlib.sha256(canonical_csv(df).encode()).hexdigest()
