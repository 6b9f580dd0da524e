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
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no lock (the rename is still atomic)
    fcntl = None  # type: ignore[assignment]

STAGE_MARK = ".alpaca-abm-staging"  # inside a staging folder until it is published
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
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as err:
        raise ValueError(
            f"{what} {out}: cannot write beside it in {real.parent} (for its lock file): "
            f"{err.strerror or err}."
        ) from None
    try:
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


def new_stage(real: Path) -> Path:
    """A staging folder beside `real`, marked as one, with the umask's permissions."""
    stage = Path(tempfile.mkdtemp(prefix=f".{real.name}.staging-{os.getpid()}-", dir=real.parent))
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


@contextmanager
def staged_output(out: Path, ours: Collection[str]) -> Iterator[Path]:
    """Write a set of files into a staging folder; publish it as `out` when the block ends
    without an error, else remove it. Call with `locked_output(out)` held. Example::

        with locked_output(out), staged_output(out, RESULT_FILES) as stage:
            atomic_write(stage / "model.csv", text)
    """
    real = resolved(out)
    remove_leftovers(real, ours)
    stage = new_stage(real)
    published = False
    try:
        yield stage
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
        (real / STAGE_MARK).unlink(missing_ok=True)
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
