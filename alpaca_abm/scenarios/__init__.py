"""Scenario files: TOML data (never code) naming parameter values and, later, events.

A scenario file has `name`, `description`, an optional `extends` (another scenario it
starts from) and a `[parameters]` table. Shipped scenarios live beside this module; any
other path works too.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Any

from ..params import AlpacaScenario
from ..userfile import check_path, read_toml, shown

TOP_LEVEL_KEYS = {"name", "description", "extends", "parameters", "events"}
MAX_EXTENDS_DEPTH = 10
MAX_FILE_BYTES = 1_000_000  # a scenario file is a few kilobytes; more is not a scenario
MAX_NAME_CHARS = 100


def shipped_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios shipped with the package."""
    folder = resources.files(__package__)
    return {
        Path(str(entry)).stem: Path(str(entry))
        for entry in folder.iterdir()
        if str(entry).endswith(".toml")
    }


def _resolve(name_or_path: str | Path, base: Path | None = None) -> Path:
    """Path of a shipped scenario name or a file; a relative path in a file's `extends` is
    looked up beside that file (`base`) first."""
    shipped = shipped_scenarios()
    check_path(name_or_path, "scenario")  # text, not empty, no NUL, not absurdly long
    text = str(name_or_path)
    if text in shipped and not isinstance(name_or_path, Path):
        return shipped[text]
    try:
        path = Path(text).expanduser()
        if base is not None and not path.is_absolute() and (base / path).exists():
            path = base / path
        if path.suffix == ".toml" or path.exists() or isinstance(name_or_path, Path):
            if path.is_dir():
                raise ValueError(f"scenario '{path}' is a folder, not a scenario (.toml) file.")
            if not path.exists():
                raise ValueError(f"scenario file '{path}' does not exist.")
            if not path.is_file():
                raise ValueError(f"scenario '{path}' is not a regular file.")
            return path
    except OSError as err:  # e.g. a name longer than the file system allows
        raise ValueError(f"scenario {shown(text)}: {err.strerror or err}.") from None
    close = difflib.get_close_matches(text, list(shipped), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ValueError(
        f"unknown scenario {shown(text)}.{hint} Shipped scenarios: {', '.join(sorted(shipped))}; "
        "or give the path of a .toml file."
    )


def read_scenario_file(path: Path) -> dict[str, Any]:
    """Parse and check the shape of one scenario file (not its values)."""
    # a regular file of at most MAX_FILE_BYTES, UTF-8, valid TOML, not nested too deeply
    data = read_toml(path, "scenario file", MAX_FILE_BYTES)
    unknown = set(data) - TOP_LEVEL_KEYS
    if unknown:
        key = sorted(unknown)[0]
        close = difflib.get_close_matches(key, sorted(TOP_LEVEL_KEYS), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(
            f"{path}: unknown top-level key '{key}'.{hint} Allowed: "
            f"{', '.join(sorted(TOP_LEVEL_KEYS))}."
        )
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise ValueError(f"{path}: 'parameters' must be a table ([parameters]).")
    for key in ("name", "description", "extends"):
        if key in data and not isinstance(data[key], str):
            raise ValueError(f"{path}: '{key}' must be a string, not {shown(data[key])}.")
    name = data.get("name", "")
    if len(name) > MAX_NAME_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValueError(
            f"{path}: 'name' = {name[:MAX_NAME_CHARS]!r} is not allowed: expected a line of "
            f"text of at most {MAX_NAME_CHARS} characters."
        )
    return data


def _where(path: Path) -> str:
    """How messages name a scenario file: shipped ones by name, others by path."""
    shipped = shipped_scenarios()
    return f"scenario {path.name}" if shipped.get(path.stem) == path else str(path)


def _collect(
    name_or_path: str | Path, depth: int = 0, base: Path | None = None
) -> tuple[dict, dict, list, Path]:
    """Parameters, header and events of a scenario, following `extends`."""
    if depth > MAX_EXTENDS_DEPTH:
        raise ValueError(
            f"scenario '{name_or_path}': 'extends' chain longer than "
            f"{MAX_EXTENDS_DEPTH} (a cycle?)."
        )
    path = _resolve(name_or_path, base)
    data = read_scenario_file(path)
    from ..params import check_value  # each file's values checked with the file's name

    own = {k: check_value(k, v, where=_where(path)) for k, v in data.get("parameters", {}).items()}
    params, events = {}, []
    if "extends" in data:
        try:
            _resolve(data["extends"], path.parent)
        except ValueError as err:
            raise ValueError(f"{path}: 'extends' = {shown(data['extends'])}: {err}") from None
        params, _, events, _ = _collect(data["extends"], depth + 1, path.parent)
    params = params | own
    from ..events import check_events  # each file's events checked with the file's name

    events = events + list(check_events(data.get("events", []), where=str(path)))
    header = {"name": data.get("name", path.stem), "description": data.get("description", "")}
    return params, header, events, path


def load_scenario(name_or_path: str | Path = "baseline", **overrides: Any) -> AlpacaScenario:
    """Load a shipped scenario by name, or a TOML file by path, with validated overrides.

    Example: `load_scenario("baseline", n_breeders=100, coopetition=False)`.
    """
    params, header, events, path = _collect(name_or_path)
    where = str(path) if str(name_or_path) not in shipped_scenarios() else f"scenario {path.name}"
    from ..params import check_value

    checked = {k: check_value(k, v, where=where) for k, v in params.items()}
    checked |= {k: check_value(k, v, where="override") for k, v in overrides.items()}
    return AlpacaScenario(
        events=tuple(events), name=header["name"], description=header["description"], **checked
    )


def describe_scenarios() -> list[tuple[str, str]]:
    """(name, one-line description) of each shipped scenario."""
    out = []
    for name, path in sorted(shipped_scenarios().items()):
        data = read_scenario_file(path)
        out.append(
            (
                name,
                data.get("description", "").strip().splitlines()[0:1][0]
                if data.get("description")
                else "",
            )
        )
    return out
