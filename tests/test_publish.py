"""Publishing results (alpaca_abm/io.py): one writer per output folder, the result set
published in one rename, kills between the publishing steps leave the old set or the new
one (never a mixture), the user's own files survive, and permissions follow the umask."""

import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from alpaca_abm import cli
from alpaca_abm.io import locked_output, remove_leftovers, staged_output

from helpers import CHILD, CLI, checkout_env

RUN = ["run", "--quiet", "--steps", "3", "--set", "n_breeders=6"]
COMPARED = ("model.csv", "agents.csv", "summary.json", "events.csv", "params.toml")


def child(point, *argv, umask="0o022", **kw):
    return subprocess.run(
        [sys.executable, "-c", CHILD, point, *argv],
        capture_output=True,
        text=True,
        env=checkout_env(TEST_UMASK=umask),
        **kw,
    )


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """The result files of seeds 1 and 2, written by uninterrupted runs."""
    root = tmp_path_factory.mktemp("ref")
    out = {}
    for seed in (1, 2):
        assert cli.main([*RUN, "--seed", str(seed), "--out", str(root / str(seed))]) == 0
        out[seed] = {name: (root / str(seed) / name).read_bytes() for name in COMPARED}
    out["folder"] = root / "1"
    return out


def which_run(folder, references):
    """1 or 2 if `folder` holds exactly that run's complete result set, else a description."""
    have = {name: (folder / name).read_bytes() for name in COMPARED if (folder / name).exists()}
    for seed, files in references.items():
        complete = all((folder / n).exists() for n in cli.RESULT_FILES)
        if seed in (1, 2) and have == files and complete:
            return seed
    return f"a mixture or partial set: {sorted(have)}"


def leftovers(folder):
    return [p.name for p in folder.parent.iterdir() if ".staging-" in p.name]


@pytest.mark.parametrize(
    "point", ["mid-write", "before-publish", "after-exchange", "between-renames"]
)
def test_a_kill_at_any_publishing_step_leaves_one_whole_result_set(
    tmp_path, references, point, capsys
):
    out = tmp_path / "r"
    shutil.copytree(references["folder"], out)  # run 1's results
    (out / "notes.txt").write_text("the user's own file")
    killed = child(point, *RUN, "--seed", "2", "--out", str(out), "--overwrite")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if point == "between-renames":
        assert not out.exists()  # the one moment with no folder: recovered below
    else:
        assert which_run(out, references) in (1, 2)
        if point in ("mid-write", "before-publish"):
            assert which_run(out, references) == 1  # nothing of run 2 was published
        if point == "after-exchange":
            assert which_run(out, references) == 2
    # the next writer clears what the killed one left, and brings back the user's file
    with locked_output(out):
        remove_leftovers(out, cli.OURS)
    assert which_run(out, references) in (1, 2)
    assert (out / "notes.txt").read_text() == "the user's own file"
    assert leftovers(out) == [] and not [p for p in out.iterdir() if p.name.startswith(".")]
    if point == "mid-write":  # and an ordinary publication keeps the user's file too
        assert cli.main([*RUN, "--seed", "2", "--out", str(out), "--overwrite"]) == 0
        assert which_run(out, references) == 2
        assert (out / "notes.txt").read_text() == "the user's own file"
    capsys.readouterr()


def test_a_second_run_into_a_folder_in_use_is_refused_and_the_first_completes(
    tmp_path, references, capsys
):
    out = tmp_path / "race"
    go = tmp_path / "go"
    first = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            "pause-before-publish",
            *RUN,
            "--seed",
            "1",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=checkout_env(TEST_GO=str(go)),
    )
    assert first.stdout.readline().strip() == "staged"  # its results are staged, unpublished
    second = subprocess.run(
        [*CLI, *RUN, "--seed", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        env=checkout_env(),
    )
    assert second.returncode == 2, second.stderr
    assert f"in use by another alpaca-abm process (pid {first.pid})" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    for extra in (["--overwrite"], ["--resume"], ["--resume", "--overwrite"]):  # in-process
        assert cli.main([*RUN, "--seed", "2", "--out", str(out), *extra]) == 2
        assert f"(pid {first.pid})" in capsys.readouterr().err
    assert len(leftovers(out)) == 1  # the first run's staging folder is still there
    go.touch()
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert which_run(out, references) == 1  # the first run's results, whole
    assert leftovers(out) == []


def test_a_killed_writer_does_not_leave_the_folder_locked_and_a_live_ones_stage_is_kept(
    tmp_path, capsys
):
    out = tmp_path / "held"
    holder = subprocess.Popen(
        [sys.executable, "-c", CHILD, "hold", str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=checkout_env(),
    )
    stage = Path(holder.stdout.readline().strip())
    assert stage.is_dir()
    assert cli.main([*RUN, "--out", str(out)]) == 2
    assert "in use by another" in capsys.readouterr().err
    assert stage.is_dir()  # a live writer's staging folder is never deleted
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert cli.main([*RUN, "--out", str(out)]) == 0  # the lock died with its process
    assert not stage.exists()  # and its staging folder is cleared as a dead run's
    assert all((out / name).exists() for name in cli.RESULT_FILES)


def test_result_files_and_folder_follow_the_umask(tmp_path, capsys):
    out = tmp_path / "shared"
    old = os.umask(0o027)
    try:
        assert cli.main([*RUN, "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    for name in cli.RESULT_FILES:  # group-readable (not 0600), other-unreadable
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o640, name


def test_an_output_folder_created_for_a_run_that_fails_is_removed(tmp_path, capsys, monkeypatch):
    out = tmp_path / "new" / "r"

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("alpaca_abm.report.atomic_write", full)
    assert cli.main([*RUN, "--out", str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not out.exists() and leftovers(out) == []
    kept = tmp_path / "kept"
    kept.mkdir()
    assert cli.main([*RUN, "--out", str(kept)]) == 1
    assert kept.is_dir()  # it was not created by the run: left alone
    capsys.readouterr()


@pytest.mark.parametrize("value", ["", " ", "a\0b", "x" * 5000])
def test_an_empty_or_absurd_out_is_refused_in_one_line(value, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main([*RUN, "--out", value])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "--out" in err and len(err) < 400


def test_staged_output_publishes_all_files_or_none(tmp_path):
    out = tmp_path / "set"
    with pytest.raises(RuntimeError):
        with locked_output(out), staged_output(out, ("a", "b")) as stage:
            (stage / "a").write_text("1")
            raise RuntimeError("failed before b")
    assert not out.exists() and leftovers(out) == []
    with locked_output(out), staged_output(out, ("a", "b")) as stage:
        (stage / "a").write_text("1")
        (stage / "b").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == ["a", "b"]


def test_a_user_entry_that_cannot_be_moved_back_is_never_deleted(tmp_path, monkeypatch):
    """E.g. a mount point inside --out (rename gives EBUSY): its folder is left in place."""
    out = tmp_path / "r"
    (out / "mnt").mkdir(parents=True)
    (out / "mnt" / "precious").write_text("data")
    (out / "model.csv").write_text("old")
    real_rename = os.rename

    def rename(a, b):
        if Path(a).name == "mnt":
            raise OSError(16, "Device or resource busy")
        real_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with locked_output(out), staged_output(out, cli.OURS) as stage:
        (stage / "model.csv").write_text("new")
    assert (out / "model.csv").read_text() == "new"
    kept = [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    assert len(kept) == 1 and (kept[0] / "mnt" / "precious").read_text() == "data"
    assert not (kept[0] / "model.csv").exists()  # our old file was removed
    with locked_output(out):
        remove_leftovers(out, cli.OURS)  # still cannot move it: still not deleted
    assert (kept[0] / "mnt" / "precious").read_text() == "data"
