"""Argument helpers shared by the commands (run, compare, sweep, viz): argparse types that
refuse bad values in words, and the checks of an --out folder. A floor below `cli`, which
imports the commands, so that the commands can use these without importing `cli` back."""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any


def parse_assignment(text: str) -> tuple[str, Any]:
    """'key=value' → (key, value); the value is read as a TOML literal, else kept as text."""
    if "=" not in text:
        raise ValueError(f"--set '{text}' is not of the form key=value.")
    key, raw = (part.strip() for part in text.split("=", 1))
    if not key:
        raise ValueError(f"--set '{text}' has no parameter name before '='.")
    from .userfile import MAX_NESTING, nesting_depth, shown

    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except RecursionError:
        value = None
    if value is None or nesting_depth(value) > MAX_NESTING:
        raise ValueError(
            f"--set {shown(key)}: the value is nested more than {MAX_NESTING} levels deep."
        )
    return key, value


def whole_number(name: str, least: int = 1, most: int | None = None):
    """An argparse type: a whole number in [least, most], refused in words naming `name`."""

    def parse(text: str) -> int:
        from .userfile import MAX_SHOWN_DIGITS, shown

        digits = text.strip().lstrip("+-").lstrip("0")
        if digits.isdigit() and len(digits) > MAX_SHOWN_DIGITS + 3:
            bound = (
                f"at most {most:,}"
                if most is not None
                else f"a whole number of at most {MAX_SHOWN_DIGITS + 3} digits"
            )
            raise argparse.ArgumentTypeError(
                f"{name} must be {bound}, not a number of {len(digits):,} digits."
            )
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, not {shown(text)}."
            ) from None
        if value < least:
            floor = "0 or more" if least == 0 else f"at least {least}"
            raise argparse.ArgumentTypeError(f"{name} must be {floor}, not {value}.")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"{name} must be at most {most:,}, not {value:,}.")
        return value

    return parse


def output_path(text: str) -> Path:
    """An argparse type for --out: a folder path, not empty, without NUL, not too long."""
    from .userfile import check_path

    try:
        return check_path(text, "--out")
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def safe_name(name: str) -> str:
    """A scenario's name made safe as a folder name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")[:100] or "run"


def check_out_shape(out: Path) -> None:
    """Refuse, before anything is written, an --out that is a file or lies under a file."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder: give a folder for the results.")
    for parent in Path(os.path.abspath(out)).parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"--out {out}: {parent} is a file, not a folder.")
            break


def prepare_out(out: Path) -> bool:
    """Make sure results can be written into `out` and beside it (where they are staged)
    before the run starts (a run may take hours); return whether the folder was created."""
    check_out_shape(out)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        for folder in (out, Path(os.path.realpath(out)).parent):
            fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
            os.close(fd)
            os.unlink(probe)
    except OSError as err:
        from .io import remove_if_empty

        remove_if_empty(out, created)
        raise ValueError(
            f"--out {out}: cannot write results there: {err.strerror or err}."
        ) from None
    return created


ERROR_FILE = "alpaca-abm-error.txt"  # the traceback of an internal error, in --out


class InternalError(Exception):
    """An error raised inside the simulation after every input was checked: a fault of
    alpaca-abm, reported as one (exit 1), with its traceback saved in --out."""

    def __init__(self, cause: BaseException, out: Path) -> None:
        import traceback

        self.cause, self.saved = cause, None
        text = "".join(traceback.format_exception(cause))
        try:
            from .io import atomic_write

            atomic_write(out / ERROR_FILE, text)
            self.saved = out / ERROR_FILE
        except OSError:
            pass
        where = f"traceback in {self.saved}" if self.saved else "run with ALPACA_ABM_TRACEBACK=1"
        super().__init__(
            f"internal error in the simulation ({type(cause).__name__}: {str(cause)[:200]}); "
            f"{where}. This is a fault of alpaca-abm, not of your input: please report it."
        )
