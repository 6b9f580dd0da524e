"""Writing results: atomic files, a lock on the output folder, and a result set published
in one rename.

- `atomic_write` writes a file through a temporary file and a rename (permissions follow
  the umask, as for any file the user creates).
- `locked_output(out)` holds an exclusive lock (`fcntl.flock` on `.<name>.lock` beside the
  folder) for as long as a run or comparison writes to `out`; a second writer is refused
  at once. The operating system drops the lock when its process ends, however it ends, so
  a crashed or killed run never leaves it stuck.
- `staged_output(out, ours)` gives a staging folder beside `out`; when the block ends
  without an error the staging folder becomes `out` in one atomic rename (an exchange of
  the two folders, `renameat2(RENAME_EXCHANGE)`, where Linux offers it). Files of ours
  (`ours`: the result files, the checkpoint) in the old folder go with it; anything else
  in it (the user's own files) is moved into the new one. A reader sees the old result
  set or the new one, never a mixture, whenever the writer is killed.
- Where `out` is a mount point, or holds one (a Docker volume, a USB disk), a folder cannot
  be renamed over it or with it: the result set is staged inside `out` instead, moved in
  file by file, and `COMPLETE_MARK` (`.alpaca-abm-complete`, listing the set) is removed
  first and written last, so a set is whole exactly when the mark is there; the user's
  entries (the mount points among them) never move.
- The lock file is opened without following a symbolic link, and must be a regular file
  of this user with one link: a link or another user's file planted in its place is
  refused, never written through.
- `remove_leftovers(out)` (called with the lock held) clears what a killed writer left
  beside `out`: its staging folders and, after an interrupted exchange, the old folder
  (whose foreign files are moved back first). Folders of a live writer are never touched:
  only the lock holder creates them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no lock (the rename is still atomic)
    fcntl = None  # type: ignore[assignment]

STAGE_MARK = ".alpaca-abm-staging"  # inside a staging folder until it is published
COMPLETE_MARK = ".alpaca-abm-complete"  # written last by an in-place publication (mounts)
MOUNTINFO = Path("/proc/self/mountinfo")
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames) to disk where the OS allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def resolved(out: Path) -> Path:
    """The absolute, symlink-free path of an output folder (one lock per real folder)."""
    real = Path(os.path.realpath(out))
    if real == real.parent:
        raise ValueError(f"--out {out}: the root folder cannot be an output folder.")
    return real


class OutputBusy(ValueError):
    """Another process is writing to the output folder."""


@contextmanager
def locked_output(out: Path, what: str = "--out") -> Iterator[Path]:
    """Hold the output folder's lock for the block; yield its real path. Refuses at once,
    naming the other process, if another writer holds it."""
    real = resolved(out)
    lock = real.parent / f".{real.name}.lock"
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, flags, 0o666)
    except OSError as err:
        if err.errno == errno.ELOOP or lock.is_symlink():
            raise ValueError(
                f"{what} {out}: its lock file {lock} is a symbolic link; a lock is never "
                "opened through a link (it would overwrite what the link points to). Remove "
                "the link if you made it, or choose another --out."
            ) from None
        raise ValueError(
            f"{what} {out}: cannot write beside it in {real.parent} (for its lock file): "
            f"{err.strerror or err}."
        ) from None
    try:
        _check_lock_file(fd, lock, what, out)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                raise OutputBusy(
                    f"{what} {out} is in use by another alpaca-abm process (pid {other}): "
                    "wait for it to finish, or choose another --out."
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield real
    finally:
        os.close(fd)  # releases the lock


def _check_lock_file(fd: int, lock: Path, what: str, out: Path) -> None:
    """Refuse a lock file that is not a regular file of this user with a single link (a
    FIFO, a device, another user's file, or a hard link to some other file)."""
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file"
    elif hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        problem = f"belongs to another user (uid {info.st_uid})"
    elif info.st_nlink != 1:
        problem = f"has {info.st_nlink} hard links (another file's name)"
    if problem:
        raise ValueError(
            f"{what} {out}: its lock file {lock} {problem}; it is not used, so nothing is "
            "written through it. Remove it if it is yours, or choose another --out."
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _carry_over(old: Path, new: Path, ours: Collection[str]) -> None:
    """Move entries of the replaced folder `old` that are not ours into `new`."""
    for item in sorted(old.iterdir()):
        name = item.name
        if name in ours or name == STAGE_MARK or _is_temporary(name, ours):
            continue
        if not (new / name).exists():
            with contextlib.suppress(OSError):  # e.g. a mount point: left where it is
                os.rename(item, new / name)


def _discard_old(old: Path, ours: Collection[str]) -> None:
    """Delete the replaced folder: our own entries, then the folder if nothing else is left
    (an entry of the user's that could not be moved back, such as a mount point, is never
    deleted: the folder is left in place for the next writer to retry)."""
    for item in list(old.iterdir()):
        if item.name in ours or item.name == STAGE_MARK or _is_temporary(item.name, ours):
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        old.rmdir()


def _is_temporary(name: str, ours: Collection[str]) -> bool:
    if name.startswith((".staging-", ".write-test-")):
        return True
    return name.endswith(".tmp") and any(name.startswith(f".{n}.") for n in ours)


def _mount_points() -> list[str] | None:
    """Every mount point of this process (from /proc/self/mountinfo), or None where the
    system does not say."""
    try:
        lines = MOUNTINFO.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    points = []
    for line in lines:
        fields = line.split(" ")
        if len(fields) > 4:  # the 5th field, with space, tab, newline, backslash as \ooo
            points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[4]))
    return points


def holds_mount(real: Path) -> bool:
    """True if the folder `real` is a mount point or has one anywhere inside it: then it
    cannot be exchanged with a staging folder without moving the user's mounts."""
    if not real.is_dir():
        return False
    if os.path.ismount(real):
        return True
    points = _mount_points()
    if points is None:  # no mount table: look one level down
        with contextlib.suppress(OSError):
            return any(os.path.ismount(item) for item in real.iterdir() if item.is_dir())
        return False
    prefix = str(real).rstrip("/") + "/"
    return any(point.startswith(prefix) for point in points)


def new_stage(real: Path, inside: bool = False) -> Path:
    """A staging folder beside `real` (inside it, for an in-place publication), marked as
    one, with the umask's permissions."""
    if inside:
        stage = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=real))
    else:
        prefix = f".{real.name}.staging-{os.getpid()}-"
        stage = Path(tempfile.mkdtemp(prefix=prefix, dir=real.parent))
    os.chmod(stage, 0o777 & ~_umask())
    (stage / STAGE_MARK).touch()
    return stage


def publish(stage: Path, real: Path, ours: Collection[str]) -> None:
    """Make the folder `stage` the output folder `real` in one rename (see the module)."""
    (stage / STAGE_MARK).unlink(missing_ok=True)
    if not real.exists() and not real.is_symlink():
        os.rename(stage, real)
        fsync_folder(real.parent)
        return
    if not real.is_dir():
        raise ValueError(f"--out {real} is a file, not a folder: give a folder for the results.")
    if _exchange(stage, real):
        old = stage  # the old folder now sits at the staging path
    else:
        old = real.parent / f"{stage.name}.replaced"
        os.rename(real, old)
        os.rename(stage, real)
    fsync_folder(real.parent)
    with contextlib.suppress(OSError):  # an entry that cannot move stays in `old`, undeleted
        _carry_over(old, real, ours)
    _discard_old(old, ours)


def publish_in_place(stage: Path, real: Path, ours: Collection[str]) -> None:
    """Publish the staging folder `stage`, which lies inside `real`, file by file: the
    completion mark goes first, our old files not in the new set next, then each new file
    is renamed in, and the mark (listing the set) is written last. The user's entries stay
    where they are."""
    (stage / STAGE_MARK).unlink(missing_ok=True)
    mark = real / COMPLETE_MARK
    mark.unlink(missing_ok=True)
    fsync_folder(real)
    names = sorted(item.name for item in stage.iterdir())
    for name in ours:
        old = real / name
        if name not in names and (old.is_file() or old.is_symlink()):
            old.unlink()
    for name in names:
        os.replace(stage / name, real / name)
    fsync_folder(real)
    atomic_write(mark, "".join(f"{name}\n" for name in names))
    stage.rmdir()
    fsync_folder(real)


@contextmanager
def staged_output(out: Path, ours: Collection[str]) -> Iterator[Path]:
    """Write a set of files into a staging folder; publish it as `out` when the block ends
    without an error, else remove it. Call with `locked_output(out)` held. Example::

        with locked_output(out), staged_output(out, RESULT_FILES) as stage:
            atomic_write(stage / "model.csv", text)
    """
    real = resolved(out)
    remove_leftovers(real, ours)
    in_place = holds_mount(real)  # a mount point at or inside `out` never moves
    stage = new_stage(real, inside=in_place)
    published = False
    try:
        yield stage
        if in_place:
            publish_in_place(stage, real, ours)
        else:
            publish(stage, real, ours)  # after this the staging path may hold the old folder
        published = True
    finally:
        if not published and (stage / STAGE_MARK).exists():
            shutil.rmtree(stage, ignore_errors=True)


def remove_leftovers(out: Path, ours: Collection[str]) -> None:
    """Clear what a killed writer of `out` left (call with the lock held): staging folders
    beside it, an old folder of an interrupted publication (its foreign files moved back),
    and temporaries of ours inside it."""
    real = resolved(out)
    if real.is_dir():
        if (real / STAGE_MARK).exists():  # (a read-only --out is refused later, by name)
            (real / STAGE_MARK).unlink()
        for item in real.iterdir():
            if _is_temporary(item.name, ours):
                if item.is_dir() and not item.is_symlink():
                    shutil.rmtree(item, ignore_errors=True)
                else:
                    item.unlink(missing_ok=True)
    if not real.parent.is_dir():
        return
    prefix = f".{real.name}.staging-"
    for item in real.parent.iterdir():
        if not item.name.startswith(prefix) or not item.is_dir() or item.is_symlink():
            continue
        is_stage = (item / STAGE_MARK).exists() and not item.name.endswith(".replaced")
        if not is_stage:  # the old folder of an interrupted publication
            if not real.exists():
                os.rename(item, real)  # killed between the two renames: put it back
                continue
            with contextlib.suppress(OSError):
                _carry_over(item, real, ours)
            _discard_old(item, ours)
            continue
        shutil.rmtree(item, ignore_errors=True)  # a dead writer's staging folder: all ours


def remove_if_empty(out: Path, created: bool) -> None:
    """Remove the output folder `out` if this process created it and it is still empty."""
    if created:
        with contextlib.suppress(OSError):
            Path(out).rmdir()  # only succeeds while it is empty
