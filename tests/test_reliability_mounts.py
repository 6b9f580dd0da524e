"""Issue #25, cases 1, 2, 6 and 10: results on mount points, and a lock file that follows
no link. Mount points are real tmpfs mounts, made where the tests run as root (as in CI);
elsewhere those tests are skipped, saying why."""

import os
import subprocess
from pathlib import Path

import pytest

from alpaca_abm import cli
from alpaca_abm.io import COMPLETE_MARK, holds_mount, locked_output

from helpers import checkout_env

RUN = ["run", "--quiet", "--steps", "3", "--set", "n_breeders=6", "--seed", "1"]


def _can_mount() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "mounting a tmpfs needs root (CI runs as root)"
    return None


@pytest.fixture
def mount(tmp_path):
    """mount(path, read_only=False): a tmpfs mounted at `path` (created), unmounted after."""
    reason = _can_mount()
    if reason:
        pytest.skip(reason)

    def make(path: Path, read_only: bool = False) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        options = "size=64m" + (",ro" if read_only else "")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
            capture_output=True,
            env=checkout_env(),
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        return path

    yield make
    # unmount wherever the mounts ended up (a failing run may have moved them)
    from alpaca_abm.io import _mount_points

    root = str(tmp_path.resolve()) + "/"
    for point in sorted((p for p in _mount_points() or [] if p.startswith(root)), reverse=True):
        subprocess.run(["umount", "-l", point], check=False, env=checkout_env())


def hidden_beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


# --- case 1: --out is a mount point ----------------------------------------------------------
def test_a_mount_point_as_out_receives_the_results_and_keeps_the_users_files(mount, tmp_path):
    out = mount(tmp_path / "mnt_out")
    (out / "notes.txt").write_text("mine\n")
    assert cli.main([*RUN, "--out", str(out)]) == 0
    assert os.path.ismount(out)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*cli.RESULT_FILES, "notes.txt", COMPLETE_MARK])
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / COMPLETE_MARK).read_text().split() == sorted(cli.RESULT_FILES)
    assert hidden_beside(out) == [".mnt_out.lock"]  # no staging folder left beside it
    first = (out / "model.csv").read_bytes()
    # again with --overwrite: replaced in place, the mark rewritten, the user's file kept
    assert cli.main([*RUN, "--out", str(out), "--overwrite", "--set", "n_breeders=7"]) == 0
    assert (out / "model.csv").read_bytes() != first
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / COMPLETE_MARK).exists() and os.path.ismount(out)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".staging-")]


def test_compare_into_a_mount_point_publishes_there(mount, tmp_path):
    from alpaca_abm.compare import RESULT_FILES

    out = mount(tmp_path / "cmp")
    argv = ["compare", "baseline", "baseline", "--quiet", "--steps", "3", "--seeds", "2"]
    argv += ["--set", "n_breeders=6"]
    assert cli.main([*argv, "--out", str(out)]) == 0
    assert set(RESULT_FILES) <= {p.name for p in out.iterdir()}
    assert (out / COMPLETE_MARK).exists()
    assert hidden_beside(out) == [".cmp.lock"]


def test_a_publication_killed_half_way_into_a_mount_point_is_not_marked_complete(
    mount, tmp_path, monkeypatch
):
    import alpaca_abm.io as aio

    out = mount(tmp_path / "mnt")
    assert cli.main([*RUN, "--out", str(out)]) == 0
    moved = []
    real_replace = os.replace

    def replace(a, b):
        if Path(b).parent == out and Path(a).parent.name.startswith(".staging-"):
            moved.append(b)
            if len(moved) == 3:
                raise OSError(5, "Input/output error (injected)", str(b))
        real_replace(a, b)

    monkeypatch.setattr(aio.os, "replace", replace)
    assert cli.main([*RUN, "--out", str(out), "--overwrite", "--seed", "2"]) == 1
    monkeypatch.undo()
    assert not (out / COMPLETE_MARK).exists()  # a reader sees the set is not whole
    # the next writer clears the half-moved staging folder and publishes a whole set
    assert cli.main([*RUN, "--out", str(out), "--overwrite"]) == 0
    assert (out / COMPLETE_MARK).exists()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".staging-")]


# --- case 6: a mount point inside --out ------------------------------------------------------
def test_a_mount_point_inside_out_stays_where_it_is(mount, tmp_path):
    out = tmp_path / "work"
    out.mkdir()
    inner = mount(out / "data")
    (inner / "big.bin").write_bytes(b"x" * 100)
    (out / "notes.txt").write_text("mine\n")
    assert holds_mount(out) and not os.path.ismount(out)
    assert cli.main([*RUN, "--out", str(out)]) == 0
    assert os.path.ismount(out / "data") and (out / "data" / "big.bin").exists()
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "model.csv").exists() and (out / COMPLETE_MARK).exists()
    assert hidden_beside(out) == [".work.lock"]
    # deeper down too: the mount table is read, not only the first level
    out2 = tmp_path / "work2"
    mount(out2 / "a" / "b")
    assert holds_mount(out2)
    assert cli.main([*RUN, "--out", str(out2)]) == 0
    assert os.path.ismount(out2 / "a" / "b")


def test_out_dot_in_a_folder_holding_a_mount_point(mount, tmp_path, monkeypatch):
    here = tmp_path / "cwd"
    here.mkdir()
    mount(here / "vol")
    monkeypatch.chdir(here)
    assert cli.main([*RUN, "--out", "."]) == 0
    assert os.path.ismount(here / "vol") and (here / "model.csv").exists()
    assert hidden_beside(here) == [".cwd.lock"]


# --- case 10: a read-only mount point as --out ------------------------------------------------
def test_a_read_only_mount_point_is_refused_naming_the_folder(mount, tmp_path, capsys):
    out = mount(tmp_path / "ro", read_only=True)
    assert cli.main([*RUN, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--out {out}" in err and "Read-only file system" in err
    assert ".alpaca-abm-staging" not in err


# --- case 2: the lock file follows no link ----------------------------------------------------
def test_a_symlink_planted_as_the_lock_file_is_refused_and_its_target_untouched(tmp_path, capsys):
    precious = tmp_path / "precious.txt"
    precious.write_text("precious\n")
    (tmp_path / ".lk_out.lock").symlink_to(precious)
    assert cli.main([*RUN, "--out", str(tmp_path / "lk_out")]) == 2
    assert precious.read_text() == "precious\n"
    assert "symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "lk_out").exists()
    # a dangling link is not followed to create a file either
    (tmp_path / ".lk2.lock").symlink_to(tmp_path / "created-through-link")
    assert cli.main([*RUN, "--out", str(tmp_path / "lk2")]) == 2
    assert not (tmp_path / "created-through-link").exists()


def test_the_sweep_lock_follows_no_link_either(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("precious\n")
    (tmp_path / ".store.lock").symlink_to(precious)
    with pytest.raises(ValueError, match="symbolic link"):
        with locked_output(tmp_path / "store", "sweep store"):
            pass
    assert precious.read_text() == "precious\n"


def test_a_hard_link_fifo_or_other_users_file_as_lock_is_refused(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("precious\n")
    os.link(precious, tmp_path / ".a.lock")
    with pytest.raises(ValueError, match="hard links"):
        with locked_output(tmp_path / "a"):
            pass
    assert precious.read_text() == "precious\n"
    os.mkfifo(tmp_path / ".b.lock")
    with pytest.raises(ValueError, match="not a regular file"):
        with locked_output(tmp_path / "b"):
            pass
    if os.geteuid() == 0:  # root can give a file away: another user's lock is refused
        lock = tmp_path / ".c.lock"
        lock.write_text("")
        os.chown(lock, 12345, 12345)
        with pytest.raises(ValueError, match="another user"):
            with locked_output(tmp_path / "c"):
                pass
        assert lock.read_text() == ""
    with locked_output(tmp_path / "d"):  # an ordinary lock still works, and holds a pid
        assert (tmp_path / ".d.lock").read_text().strip() == str(os.getpid())
