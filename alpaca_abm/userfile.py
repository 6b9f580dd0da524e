"""Reading a file a user named, safely: one place for every reader of the project.

Scenario files, sweep specs, design CSVs, store manifests, run files and checkpoints are
all read through `read_bytes` / `read_text` / `read_toml` / `read_json`, which refuse, with
one line naming the file (and what it is meant to be):

- anything that is not a regular file (a folder, a FIFO, a device such as `/dev/zero`, a
  socket; a symlink counts as what it points to), without blocking on a FIFO;
- a file larger than the reader's limit (checked before reading, and again while reading,
  so a file that grows cannot exhaust memory);
- text that is not UTF-8 (the message gives the byte offset);
- TOML or JSON nested deeper than `MAX_NESTING` levels (a RecursionError never escapes);
- a path that is not text, is empty, holds a NUL or is absurdly long.

`shown(value)` is how messages quote a value a user wrote: at most `MAX_SHOWN_CHARS`
characters, and huge numbers in scientific notation, never 5,000 characters or 309 digits.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

MAX_NESTING = 32  # arrays or tables inside each other: a parameter file needs 3 or 4
MAX_PATH_CHARS = 4096  # PATH_MAX on Linux: a longer "path" is not one
MAX_SHOWN_CHARS = 60  # how much of a user's value an error message quotes
MAX_SHOWN_DIGITS = 15  # integers with more digits are shown as 1.2e+308
MAX_TEXT_BYTES = 10_000_000  # a default limit for text inputs (specs, CSV designs: 10 MB)


def shown(value: Any) -> str:
    """`repr(value)` cut to a readable length: what error messages quote."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and abs(value) >= 10**MAX_SHOWN_DIGITS:
        try:
            return f"{float(value):.3g}"
        except OverflowError:
            digits = int(abs(value).bit_length() * math.log10(2)) + 1
            return f"an integer of about {digits:,} digits"
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 10**MAX_SHOWN_DIGITS:
        return f"{value:.3g}"
    text = value if isinstance(value, str) and not isinstance(value, Path) else None
    out = repr(text) if text is not None else repr(value)
    if len(out) > MAX_SHOWN_CHARS:
        out = f"{out[: MAX_SHOWN_CHARS - 3]}... ({len(out):,} characters)"
    return out


def check_path(path: Any, what: str = "file") -> Path:
    """`path` as a Path, or ValueError if it is not text, is empty, has a NUL or is too long."""
    if isinstance(path, bytes) or not isinstance(path, str | os.PathLike):
        raise ValueError(f"{what} must be a path (text), not {shown(path)}.")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a path (text), not {shown(path)}.")
    if not text.strip():
        raise ValueError(f"{what}: an empty path is not allowed.")
    if "\0" in text:
        raise ValueError(f"{what} {shown(text)} contains a NUL character.")
    if len(text) > MAX_PATH_CHARS:
        raise ValueError(
            f"{what} {shown(text)} is too long for a path (at most {MAX_PATH_CHARS:,} characters)."
        )
    return Path(text)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: Any, what: str, max_bytes: int) -> bytes:
    """The bytes of the regular file `path` (at most `max_bytes`), or ValueError naming it."""
    path = check_path(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ValueError(f"{what} {path} does not exist.") from None
    except IsADirectoryError:
        raise ValueError(f"{what} {path} is a folder, not a file.") from None
    except OSError as err:
        raise ValueError(f"{what} {path} cannot be read: {err.strerror or err}.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{what} {path} is {_kind(info.st_mode)}, not a regular file.")
        if info.st_size > max_bytes:
            raise ValueError(
                f"{what} {path} is too large: {info.st_size:,} bytes, more than the "
                f"{max_bytes:,} allowed."
            )
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise ValueError(
                    f"{what} {path} is too large: more than the {max_bytes:,} bytes allowed."
                )
        return b"".join(chunks)
    except OSError as err:
        raise ValueError(f"{what} {path} cannot be read: {err.strerror or err}.") from None
    finally:
        os.close(fd)


def decode_text(data: bytes, path: Any, what: str) -> str:
    """`data` as UTF-8 text, or ValueError naming the file and the offending byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{what} {path} is not UTF-8 text (byte {err.start:,} is 0x{data[err.start]:02x})."
        ) from None


def read_text(path: Any, what: str, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of the regular file `path`, or ValueError naming it."""
    return decode_text(read_bytes(path, what, max_bytes), path, what)


def nesting_depth(value: Any, limit: int = MAX_NESTING) -> int:
    """How deeply lists and dicts nest in `value` (iterative: never recurses), up to limit+1."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            depth += 1
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            stack.extend((x, depth) for x in (item.values() if isinstance(item, dict) else item))
    return deepest


def _too_deep(where: str) -> ValueError:
    return ValueError(
        f"{where}: nested more than {MAX_NESTING} levels deep (arrays or tables inside each "
        "other): not a file this program reads."
    )


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """Parse TOML text; ValueError naming `where` if it is invalid or nested too deeply."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{where}: not valid TOML: {err}.") from None
    except RecursionError:
        raise _too_deep(where) from None
    if nesting_depth(data) > MAX_NESTING:
        raise _too_deep(where)
    return data


def parse_json(text: str | bytes, where: str) -> Any:
    """Parse JSON text; ValueError naming `where` if it is invalid or nested too deeply."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{where}: not valid JSON: {err}.") from None
    except RecursionError:
        raise _too_deep(where) from None
    if nesting_depth(data) > MAX_NESTING:
        raise _too_deep(where)
    return data


def read_toml(path: Any, what: str, max_bytes: int = MAX_TEXT_BYTES) -> dict[str, Any]:
    """A TOML file, read with every check above."""
    return parse_toml(read_text(path, what, max_bytes), f"{what} {path}")


def read_json(path: Any, what: str, max_bytes: int = MAX_TEXT_BYTES) -> Any:
    """A JSON file, read with every check above."""
    return parse_json(read_text(path, what, max_bytes), f"{what} {path}")
