"""Scenario files: TOML data (never code) naming parameter values and, later, events.

A scenario file has `name`, `description`, an optional `extends` (another scenario it
starts from) and a `[parameters]` table. Shipped scenarios live beside this module; any
other path works too.
"""

from __future__ import annotations

import difflib
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ..params import AlpacaScenario

TOP_LEVEL_KEYS = {"name", "description", "extends", "parameters", "events"}
MAX_EXTENDS_DEPTH = 10


def shipped_scenarios() -> dict[str, Path]:
    """Names and paths of the scenarios shipped with the package."""
    folder = resources.files(__package__)
    return {
        Path(str(entry)).stem: Path(str(entry))
        for entry in folder.iterdir()
        if str(entry).endswith(".toml")
    }


def _resolve(name_or_path: str | Path) -> Path:
    shipped = shipped_scenarios()
    text = str(name_or_path)
    if text in shipped:
        return shipped[text]
    path = Path(text).expanduser()
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"scenario file '{path}' does not exist.")
        return path
    close = difflib.get_close_matches(text, list(shipped), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ValueError(
        f"unknown scenario '{text}'.{hint} Shipped scenarios: {', '.join(sorted(shipped))}; "
        "or give the path of a .toml file."
    )


def read_scenario_file(path: Path) -> dict[str, Any]:
    """Parse and check the shape of one scenario file (not its values)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not valid TOML: {err}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file.") from None
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
            raise ValueError(f"{path}: '{key}' must be a string, not {data[key]!r}.")
    return data


def _collect(name_or_path: str | Path, depth: int = 0) -> tuple[dict, dict, list, Path]:
    """Parameters, header and events of a scenario, following `extends`."""
    if depth > MAX_EXTENDS_DEPTH:
        raise ValueError(
            f"scenario '{name_or_path}': 'extends' chain longer than "
            f"{MAX_EXTENDS_DEPTH} (a cycle?)."
        )
    path = _resolve(name_or_path)
    data = read_scenario_file(path)
    params, events = {}, []
    if "extends" in data:
        params, _, events, _ = _collect(data["extends"], depth + 1)
    params = params | data.get("parameters", {})
    from ..shocks import check_events  # each file's events checked with the file's name

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
