"""Atomic file writes: a kill never leaves a half-written file that looks complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Write a set of files into `out` all together, or leave `out` as it was.

    Files are written into a hidden staging folder inside `out`; when the block ends
    without an error they are renamed into `out` (each rename is atomic), and if it
    fails the staging folder and everything in it are removed. Example::

        with staged_folder(out) as stage:
            atomic_write(stage / "model.csv", text)
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        yield stage
        for item in sorted(stage.iterdir()):
            os.replace(item, out / item.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
