"""Every command in the README runs as written, in order, on a copy of a fresh clone.

Each fenced `bash` or `python` block of README.md is preceded by a marker that says how it
is checked (the README's own text says the same to its reader):

- `<!-- example -->`: every line runs as written (bash from the clone's top folder; Python
  with the clone's `.venv/bin/python`), in order, and must succeed;
- `<!-- example: --steps 12 old->new key=value -->`: the same, with these stated changes to
  keep the suite short: an option's value replaced (`--steps 12`), a literal replaced
  (`old->new`), or a `key=...` setting given another value;
- `<!-- example: setup -->`: the two set-up commands; the first runs here with the install
  left out (this suite's environment is the install) and `--steps 12`;
- `<!-- example: server -->`: the command starts a server, on a free port, that must answer
  and stop cleanly on Ctrl-C;
- `<!-- example: long -->`: runs of many minutes: the script must exist and accept every
  option the README gives it (its `--help` names each);
- `pending-N` in a marker: expected to fail until issue N lands (not strict).

The copy holds the files git knows (tracked, or new and not ignored), like a clone; its
`.venv/bin/` holds wrappers that call this test's own interpreter and `alpaca-abm`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import free_port, port_open, serving

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARKER = re.compile(r"^<!-- example(?::\s*(?P<spec>.*?))?\s*-->$")
FENCE = re.compile(r"^```(\w*)\s*$")
KINDS = {"setup", "server", "long"}
SETUP_COMMANDS = ["bash scripts/run-baseline.sh", "bash scripts/test.sh"]
COMMAND_TIMEOUT_S = 600


@dataclass(frozen=True)
class Block:
    """One fenced block of the README with the marker before it."""

    line: int  # of the opening fence, 1-based
    language: str
    code: str
    spec: str

    @property
    def kind(self) -> str:
        words = self.spec.split()
        return next((w for w in words if w in KINDS), "example")

    @property
    def pending(self) -> str | None:
        return next((w for w in self.spec.split() if w.startswith("pending-")), None)

    def commands(self) -> list[str]:
        """The block's shell commands (comments and blank lines left out), changed as the
        marker states."""
        out = []
        for raw in self.code.splitlines():
            text = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if text:
                out.append(apply_changes(text, self.spec))
        return out


def apply_changes(text: str, spec: str) -> str:
    """`text` with the marker's changes: `--opt value`, `old->new` and `key=value`."""
    words = [w for w in spec.split() if w not in KINDS and not w.startswith("pending-")]
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") and i + 1 < len(words):
            text = re.sub(rf"(?<!\S){re.escape(word)} \S+", f"{word} {words[i + 1]}", text)
            i += 2
            continue
        if "->" in word:
            old, new = word.split("->", 1)
            text = text.replace(old, new)
        elif "=" in word:
            key, value = word.split("=", 1)
            text = re.sub(rf"\b{re.escape(key)}=[^\s,)]+", f"{key}={value}", text)
        i += 1
    return text


def readme_blocks(text: str) -> list[Block]:
    """Every bash and python block of the README; an unmarked one is an error."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        language = fence.group(1)
        if language in ("bash", "python", "sh", "shell"):
            before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            marker = MARKER.match(before.strip())
            if marker is None:
                raise AssertionError(
                    f"README.md line {i + 1}: a {language} block without an `<!-- example -->` "
                    "marker before it; every command in the README must be checked here."
                )
            code = "\n".join(lines[i + 1 : end])
            blocks.append(Block(i + 1, language, code, marker.group("spec") or ""))
        i = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of the files a fresh clone would hold, with a `.venv` that is this one."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    here = tmp_path_factory.mktemp("clone")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the work tree but not yet in git
        target = here / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        target.chmod(source.stat().st_mode)
    bin_dir = here / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    real_bin = Path(sys.executable).parent
    for name, target in (("python", sys.executable), ("alpaca-abm", real_bin / "alpaca-abm")):
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nexec "{target}" "$@"\n')
        wrapper.chmod(0o755)
    # the set-up's install is this suite's own environment: the copy's env.sh does nothing
    (here / "scripts" / "env.sh").write_text("#!/usr/bin/env bash\n# installed: see the test\n")
    return here


def _run(command: list[str], clone: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        command, cwd=clone, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, env=env
    )


def _check(done: subprocess.CompletedProcess, what: str) -> None:
    assert done.returncode == 0, (
        f"README command failed ({done.returncode}): {what}\n{done.stdout[-2000:]}\n"
        f"{done.stderr[-3000:]}"
    )


def test_the_readme_has_the_two_setup_commands_and_marks_every_block():
    setup = [b for b in BLOCKS if b.kind == "setup"]
    assert len(setup) == 1 and setup[0].commands() == SETUP_COMMANDS
    assert BLOCKS.index(setup[0]) == 0, "the set-up commands come before every other command"
    assert sum(b.kind == "server" for b in BLOCKS) >= 1


def test_marker_changes_apply_as_stated():
    line = "alpaca-abm run --set disease_start=60 --event brexit:180:1.0 --steps 240 --seeds 10"
    spec = "--steps 12 --seeds 2 disease_start=6 brexit:180->brexit:6"
    assert apply_changes(line, spec) == (
        "alpaca-abm run --set disease_start=6 --event brexit:6:1.0 --steps 12 --seeds 2"
    )
    assert apply_changes('run("baseline", steps=240, rng=3)', "steps=12") == (
        'run("baseline", steps=12, rng=3)'
    )


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: f"line{b.line}-{b.kind}")
def test_readme_block_runs_as_written(block: Block, clone: Path):
    if block.pending:
        pytest.xfail(f"{block.pending}: waits for that issue's change")
    if block.kind == "setup":
        _check(_run(["bash", "scripts/run-baseline.sh", "--steps", "12"], clone), "setup")
        assert len((clone / "results/baseline/model.csv").read_text().splitlines()) == 13
        assert (clone / "scripts/test.sh").is_file()
        return
    if block.language == "python":
        script = clone / f"readme_block_{block.line}.py"
        script.write_text(apply_changes(block.code, block.spec))
        _check(_run([str(clone / ".venv/bin/python"), script.name], clone), block.code)
        return
    for command in block.commands():
        words = shlex.split(command)
        if block.kind == "long":
            _check_options(words, clone, command)
        elif block.kind == "server":
            _check_server(words, clone, command)
        else:
            _check(_run(["bash", "-c", command], clone), command)


def _check_options(words: list[str], clone: Path, command: str) -> None:
    """A long run: its script exists and its --help names every option the README uses."""
    assert (clone / words[1]).is_file(), f"{command}: no {words[1]}"
    done = _run([*words[:2], "--help"], clone)
    _check(done, f"{words[1]} --help")
    for option in (w for w in words[2:] if w.startswith("--")):
        assert option.split("=")[0] in done.stdout, f"{command}: {option} is not an option"


def _check_server(words: list[str], clone: Path, command: str) -> None:
    """A server: it starts on a free port, answers, and stops on Ctrl-C."""
    port = free_port()
    env = dict(os.environ, SOLARA_HOME=str(clone / ".solara-home"))
    server = subprocess.Popen(
        [*words, "--port", str(port)],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    with serving(server, port, 90, command, server.stdout.read):
        pass  # it answered
    output = server.stdout.read()
    assert f"open http://127.0.0.1:{port}/" in output, output
    assert not port_open(port)
