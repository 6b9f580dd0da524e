"""`Sweep`: what a sweep runs, from a TOML spec (data, never code) or built in Python.

Every field is checked when the sweep is made: unknown keys (with a "did you mean"), wrong
types, out-of-range values, unknown parameter names, empty or inverted bounds. A bad field
raises `SpecError` (a ValueError) naming the file, the field, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .design import (
    DEFAULT_MORRIS_LEVELS,
    DEFAULT_SECOND_ORDER,
    DESIGN_KINDS,
    GRID,
    LATIN_HYPERCUBE,
    MORRIS,
    SALTELLI,
    SAMPLING_KINDS,
    TABLE,
    Bounds,
    Design,
    design_points,
    expected_point_count,
)
from .design import run_seed as design_run_seed
from .task import RunTask, SpecError, resolve_function, run_key

if TYPE_CHECKING:
    from alpaca_abm.params import AlpacaScenario

    from .store import ResultStore

__all__ = ["SpecError", "Sweep", "resolve_function"]  # SpecError and resolve_function: from .task

DEFAULT_RUN_FUNCTION = "alpaca_abm.run"  # the model's one-run function (pluggable for tests)
FILE_RUN_FUNCTION_PREFIX = "alpaca_abm."  # what a spec file may name as run_function
DEFAULT_SCENARIO = "baseline"  # the shipped scenario every sweep starts from unless told
DEFAULT_STEPS = 240  # the model's standard run: 20 years of months (2006 to 2025)
DEFAULT_REPLICATES = 1  # one run per point; confidence bands need 2 or more
DEFAULT_SEED = 0  # a fixed sweep seed: the same spec gives the same runs unless told otherwise
MAX_RUN_SEED = 2**63 - 1  # a model seed stored in the summary's int64 'seed' column
KEEP_SUMMARY = "summary"  # keep the run's headline figures (RunResult.summary)
KEEP_TIMESERIES = "timeseries"  # also keep the monthly table (RunResult.model_df)
KEEP_CHOICES = (KEEP_SUMMARY, KEEP_TIMESERIES)
MAX_RUNS = 10_000_000  # a design this big is a typo (a grid of too many values), not a plan
MIN_GRID_LEVELS = 2  # a {low, high, levels} grid needs both ends
MIN_SALTELLI_SAMPLES = 2  # Sobol' indices need at least two base samples
MIN_MORRIS_TRAJECTORIES = 2  # mu* and sigma need more than one elementary effect
MIN_MORRIS_LEVELS = 2  # a Morris grid needs at least both ends of each range
MAX_SPEC_BYTES = 1_000_000  # a spec is a few kilobytes; more is not a spec
MAX_DESIGN_FILE_BYTES = 100_000_000  # a table design's CSV (a million rows is ~50 MB)
FINGERPRINT_VERSION = 1  # bump when what the fingerprint covers changes meaning

TOP_LEVEL_KEYS = (
    "name",
    "description",
    "scenario",
    "steps",
    "replicates",
    "seed",
    "seeds",
    "keep",
    "outcomes",
    "timeseries_columns",
    "run_function",
    "fixed",
    "design",
)
DESIGN_KEYS = {
    GRID: ("kind", "parameters"),
    LATIN_HYPERCUBE: ("kind", "samples", "parameters"),
    SALTELLI: ("kind", "samples", "second_order", "parameters"),
    MORRIS: ("kind", "samples", "levels", "parameters"),
    TABLE: ("kind", "rows", "file"),
}
BOUND_KEYS = ("low", "high")
GRID_RANGE_KEYS = ("low", "high", "levels")
DOTTED_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


def _hint(word: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(allowed), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def _bad(source: str, name: str, value: Any, allowed: str, hint: str = "") -> SpecError:
    return SpecError(source, name, f"{value!r} is not allowed: expected {allowed}.{hint}")


def _check_keys(source: str, where: str, table: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in table:
        if key not in allowed:
            name = f"{where}.{key}" if where else key
            raise SpecError(
                source,
                name,
                f"unknown key.{_hint(key, allowed)} Allowed keys: {', '.join(allowed)}.",
            )


def _int(source: str, name: str, value: Any, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise _bad(source, name, value, f"an integer >= {low}")
    return int(value)


def _str(source: str, name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _bad(source, name, value, "a string")
    return value


def _str_list(source: str, name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _bad(source, name, value, "a list of strings")
    for i, item in enumerate(value):
        _str(source, f"{name}[{i}]", item)
    if len(set(value)) != len(value):
        raise _bad(source, name, value, "a list of distinct strings")
    return tuple(value)


def _table(source: str, name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(source, name, value, f"a table ([{name}] or {{ ... }})")
    return value


# --- model parameters ----------------------------------------------------------------------


def parameter_names() -> list[str]:
    """Names a sweep may set or vary: `AlpacaScenario.parameter_names()`."""
    from alpaca_abm import AlpacaScenario

    return list(AlpacaScenario.parameter_names())


def _check_parameter_value(name: str, value: Any, scenario: Any) -> Any:
    """The value converted to the parameter's type, or ValueError saying what is allowed."""
    try:
        from alpaca_abm.params import check_value
    except ImportError:  # the contract only promises load_scenario: validate through it
        return getattr(scenario.replace(**{name: value}), name)
    return check_value(name, value)


def _parameter(source: str, field_name: str, name: str, value: Any, scenario: Any) -> Any:
    names = parameter_names()
    if name not in names:
        raise SpecError(
            source,
            field_name,
            f"unknown model parameter '{name}'."
            f"{_hint(name, names)} See AlpacaScenario.parameter_names().",
        )
    try:
        return _check_parameter_value(name, value, scenario)
    except ValueError as err:
        raise SpecError(source, field_name, str(err).rstrip(".") + ".") from None


# --- the sweep -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """A parameter sweep: a design, replicates per point, the scenario, steps and what to keep.

    Build one in Python or with `Sweep.from_toml(path)`; `sweep.run(out_dir)` runs it.
    Example:
        >>> from alpaca_abm.sweep import Sweep, design
        >>> sweep = Sweep(design.grid(control_strength=[0.2, 0.8]), replicates=3,
        ...               fixed={"n_breeders": 30}, steps=24)
        >>> sweep.n_runs
        6
    """

    design: Design
    # a shipped name or a scenario .toml path (built in Python: or an AlpacaScenario itself)
    scenario: str | AlpacaScenario = DEFAULT_SCENARIO
    fixed: Mapping[str, Any] = field(default_factory=dict)
    steps: int = DEFAULT_STEPS
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    # the model seeds of the replicates (per point: a tuple per point); () = drawn from `seed`
    seeds: tuple[int, ...] | tuple[tuple[int, ...], ...] = ()
    keep: str = KEEP_SUMMARY
    outcomes: tuple[str, ...] = ()
    timeseries_columns: tuple[str, ...] = ()
    run_function: str = DEFAULT_RUN_FUNCTION
    name: str = "sweep"
    description: str = ""
    source: str = "Sweep(...)"  # the spec file (or this) named in error messages

    def __post_init__(self) -> None:
        """Check every field; store normalised copies (validated, typed values)."""
        src = self.source
        _str(src, "name", self.name)
        _str(src, "description", self.description)
        set_ = object.__setattr__  # frozen dataclass: normalise once, here
        set_(self, "steps", _int(src, "steps", self.steps, low=1))
        set_(self, "replicates", _int(src, "replicates", self.replicates, low=1))
        set_(self, "seed", _int(src, "seed", self.seed, low=0))
        self._check_seeds()
        if self.keep not in KEEP_CHOICES:
            raise _bad(
                src,
                "keep",
                self.keep,
                "one of " + ", ".join(map(repr, KEEP_CHOICES)),
                _hint(str(self.keep), KEEP_CHOICES),
            )
        set_(self, "outcomes", _str_list(src, "outcomes", self.outcomes))
        set_(
            self,
            "timeseries_columns",
            _str_list(src, "timeseries_columns", self.timeseries_columns),
        )
        if self.timeseries_columns and self.keep != KEEP_TIMESERIES:
            raise SpecError(src, "timeseries_columns", "is only used with keep = 'timeseries'.")
        self._check_run_function()
        base = self.base_scenario  # loads (and so checks) the scenario
        fixed = _table(src, "fixed", self.fixed)
        set_(
            self, "fixed", {k: _parameter(src, f"fixed.{k}", k, v, base) for k, v in fixed.items()}
        )
        self._check_run_count(self.design)  # before any point is built or checked
        set_(self, "design", self._checked_design(self.design))
        both = set(self.fixed) & set(self.design.parameter_names)
        if both:
            name = sorted(both)[0]
            raise SpecError(
                src, f"fixed.{name}", "is also varied by the design; set it in one place only."
            )
        self._check_run_count(self.design)
        self._check_seed_rows()
        self._check_points()  # every point as a whole scenario, before the first run

    def _check_seeds(self) -> None:
        """Explicit model seeds, so that an experiment can keep the seeds it always used: a
        list (replicate r of every point runs on seeds[r]: common random numbers) or a list
        of lists (point p's replicate r runs on seeds[p][r]; checked against the points
        later). Whole numbers, distinct within a point; replicates is then their count."""
        src = self.source
        if isinstance(self.seeds, str) or not isinstance(self.seeds, Sequence):
            raise _bad(src, "seeds", self.seeds, "a list of whole numbers, or of lists of them")
        nested = bool(self.seeds) and all(
            isinstance(row, Sequence) and not isinstance(row, str) for row in self.seeds
        )
        rows = self.seeds if nested else [self.seeds]
        checked = []
        for p, row in enumerate(rows):
            where = f"seeds[{p}]" if nested else "seeds"
            if nested and not row:
                raise _bad(src, where, list(row), "a non-empty list of seeds")
            out = []
            for r, s in enumerate(row):
                seed = _int(src, f"{where}[{r}]", s, low=0)
                if seed > MAX_RUN_SEED:
                    raise _bad(src, f"{where}[{r}]", s, f"an integer in [0, {MAX_RUN_SEED}]")
                out.append(seed)
            if len(set(out)) != len(out):
                raise _bad(src, where, out, "distinct seeds")
            checked.append(tuple(out))
        count = len(checked[0])
        for p, row in enumerate(checked):
            if len(row) != count:
                raise _bad(src, f"seeds[{p}]", list(row), f"{count} seeds, as many as seeds[0] has")
        if count and self.replicates not in (1, count):
            raise SpecError(
                src,
                "replicates",
                f"{self.replicates} is not allowed with {count} seeds per point: one replicate "
                "runs per seed (leave replicates out, or set it to the number of seeds).",
            )
        object.__setattr__(self, "seeds", tuple(checked) if nested else checked[0])
        if count:
            object.__setattr__(self, "replicates", count)

    @property
    def seeds_per_point(self) -> bool:
        """Whether `seeds` gives each point its own seeds (a list of lists)."""
        return bool(self.seeds) and isinstance(self.seeds[0], tuple)

    def _check_seed_rows(self) -> None:
        """Seeds given per point: one list for every point of the design."""
        if self.seeds_per_point and len(self.seeds) != len(self.points):
            raise SpecError(
                self.source,
                "seeds",
                f"{len(self.seeds)} lists of seeds for {len(self.points)} design points: "
                "expected one list per point.",
            )

    def _check_run_count(self, design: Any) -> None:
        """Refuse a design of more than MAX_RUNS runs, counted without building a point."""
        if not isinstance(design, Design):
            return
        samples = design.samples
        if design.kind in SAMPLING_KINDS and (
            isinstance(samples, bool) or not isinstance(samples, int | np.integer | None)
        ):
            return  # refused with its own message by _checked_design
        runs = expected_point_count(design) * self.replicates
        if runs > MAX_RUNS:
            raise SpecError(
                self.source,
                "design",
                f"{runs:,} runs is more than the {MAX_RUNS:,} allowed: "
                "fewer values, samples or replicates.",
            )

    def _check_points(self) -> None:
        """Check each design point with `fixed` as a whole scenario: the combinations the
        scenario itself refuses (params.check_consistency, events before the start) and
        events after the run's end (events.check_horizon). One SpecError names the point."""
        from types import SimpleNamespace

        from alpaca_abm.events import check_events, check_horizon
        from alpaca_abm.params import check_consistency

        base = self.base_scenario
        values = {n: getattr(base, n) for n in parameter_names()} | dict(self.fixed)
        events = tuple(getattr(base, "events", ()))
        dated = ("start_year", "start_month")
        for i, point in enumerate(self.points):
            merged = values | dict(point)
            try:
                check_consistency(merged)
                if events and any(k in point for k in dated):
                    check_events(
                        events, start_year=merged["start_year"], start_month=merged["start_month"]
                    )
                check_horizon(SimpleNamespace(**merged, events=events, name=base.name), self.steps)
            except ValueError as err:
                from alpaca_abm.userfile import shown

                where = ", ".join(f"{k} = {shown(v)}" for k, v in point.items())
                raise SpecError(
                    self.source,
                    f"design point {i} ({where})",
                    f"not a valid run: {err}",
                ) from None

    def _check_run_function(self) -> None:
        src, path = self.source, self.run_function
        if not isinstance(path, str) or not DOTTED_PATH.match(path):
            raise _bad(src, "run_function", path, "a dotted path such as 'alpaca_abm.run'")
        if src != "Sweep(...)" and not path.startswith(FILE_RUN_FUNCTION_PREFIX):
            # a spec file is data: it may only name alpaca-abm's own functions, never make
            # the sweep import arbitrary code (a script can pass any function to Sweep(...))
            raise _bad(
                src,
                "run_function",
                path,
                f"a function of alpaca-abm ('{FILE_RUN_FUNCTION_PREFIX}...') in a spec file",
            )
        try:
            resolve_function(path)
        except (ImportError, AttributeError, TypeError) as err:
            raise SpecError(src, "run_function", f"{path!r} cannot be used: {err}.") from None

    @cached_property
    def base_scenario(self) -> Any:
        """The scenario every run starts from (an `AlpacaScenario`), loaded and validated."""
        from alpaca_abm import AlpacaScenario, load_scenario

        if isinstance(self.scenario, AlpacaScenario) and self.source == "Sweep(...)":
            return self.scenario  # built in Python, e.g. with events a file does not hold
        if not isinstance(self.scenario, str):
            raise _bad(
                self.source,
                "scenario",
                self.scenario,
                "a shipped scenario name or the path of a scenario .toml file"
                + (" (or, in Python, an AlpacaScenario)" if self.source == "Sweep(...)" else ""),
            )
        try:
            return load_scenario(self.scenario)
        except ValueError as err:
            raise SpecError(self.source, "scenario", str(err)) from None

    def _kinds(self) -> dict[str, type]:
        """Python type (bool, int, float, str) of each parameter, for sampled values."""
        try:
            from alpaca_abm.params import PARAMETERS
        except ImportError:  # the contract has no kinds: infer from the scenario's values
            base = self.base_scenario
            kinds = {n: type(getattr(base, n)) for n in parameter_names()}
            return {n: float if k is type(None) else k for n, k in kinds.items()}
        return {p.name: p.kind for p in PARAMETERS}

    def _checked_design(self, design: Design) -> Design:
        src = self.source
        if not isinstance(design, Design):
            raise _bad(src, "design", design, "a Design (see alpaca_abm.sweep.design)")
        if design.kind not in DESIGN_KINDS:
            raise _bad(
                src,
                "design.kind",
                design.kind,
                "one of " + ", ".join(map(repr, DESIGN_KINDS)),
                _hint(str(design.kind), DESIGN_KINDS),
            )
        where = "design.parameters"
        known = parameter_names()
        for name in design.parameter_names:
            if name not in known:
                raise SpecError(
                    src,
                    f"{where}.{name}",
                    f"unknown model parameter '{name}'."
                    f"{_hint(name, known)} See AlpacaScenario.parameter_names().",
                )
        if design.kind == GRID:
            return Design(kind=GRID, values=self._checked_grid(design))
        if design.kind == TABLE:
            return Design(kind=TABLE, rows=self._checked_rows(design.rows))
        bounds = self._checked_bounds(design)
        samples = design.samples
        if design.kind == SALTELLI:
            n = _int(src, "design.samples", samples, low=MIN_SALTELLI_SAMPLES)
            if n & (n - 1):
                raise _bad(
                    src,
                    "design.samples",
                    n,
                    f"a power of two (Sobol' sequences), e.g. {2 ** round(math.log2(n))}",
                )
            if not isinstance(design.second_order, bool):
                raise _bad(src, "design.second_order", design.second_order, "true or false")
            return Design(kind=SALTELLI, bounds=bounds, samples=n, second_order=design.second_order)
        if design.kind == MORRIS:
            n = _int(src, "design.samples", samples, low=MIN_MORRIS_TRAJECTORIES)
            levels = _int(src, "design.levels", design.levels, low=MIN_MORRIS_LEVELS)
            if levels % 2:
                raise _bad(src, "design.levels", levels, "an even number of levels (SALib)")
            return Design(kind=MORRIS, bounds=bounds, samples=n, levels=levels)
        n = _int(src, "design.samples", samples, low=1)
        return Design(kind=LATIN_HYPERCUBE, bounds=bounds, samples=n)

    def _checked_grid(self, design: Design) -> dict[str, tuple]:
        """A grid's values per parameter, each checked against the model (distinct, not empty)."""
        src, base, where = self.source, self.base_scenario, "design.parameters"
        if not design.values:
            raise SpecError(src, where, "a grid needs at least one parameter.")
        values = {}
        for name, vals in design.values.items():
            fname = f"{where}.{name}"
            checked = [_parameter(src, f"{fname}[{i}]", name, v, base) for i, v in enumerate(vals)]
            if not checked:
                raise SpecError(src, fname, "needs at least one value.")
            if len(set(checked)) != len(checked):
                raise _bad(src, fname, list(vals), "distinct values")
            values[name] = tuple(checked)
        return values

    def _checked_bounds(self, design: Design) -> dict[str, Bounds]:
        """A sampled design's bounds per parameter: numeric (not true/false), low < high."""
        src, base, where = self.source, self.base_scenario, "design.parameters"
        kinds = self._kinds()
        if not design.bounds:
            raise SpecError(src, where, f"a {design.kind} design needs at least one parameter.")
        bounds = {}
        for name, b in design.bounds.items():
            fname = f"{where}.{name}"
            if name in kinds and kinds[name] is bool:
                raise SpecError(
                    src,
                    fname,
                    f"'{name}' is true/false: a {design.kind} design "
                    "cannot draw it; vary it in a grid or set it in [fixed].",
                )
            low = _parameter(src, f"{fname}.low", name, b.low, base)
            high = _parameter(src, f"{fname}.high", name, b.high, base)
            if not low < high:
                raise SpecError(
                    src, fname, f"low = {low!r} is not below high = {high!r}: expected low < high."
                )
            bounds[name] = Bounds(low, high)
        return bounds

    def _checked_rows(self, rows: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
        src, base = self.source, self.base_scenario
        if not rows:
            raise SpecError(src, "design.rows", "a table design needs at least one row.")
        first = None
        out = []
        for i, row in enumerate(rows):
            fname = f"design.rows[{i}]"
            row = _table(src, fname, row)
            if first is None:
                first = list(row)
            elif set(row) != set(first):
                raise SpecError(
                    src,
                    fname,
                    f"sets {sorted(row)}, but row 0 sets {sorted(first)}:"
                    " every row must set the same parameters.",
                )
            out.append({k: _parameter(src, f"{fname}.{k}", k, row[k], base) for k in first})
        if not first:
            raise SpecError(src, "design.rows[0]", "a row must set at least one parameter.")
        return tuple(out)

    # --- derived plain data ---------------------------------------------------------------

    @cached_property
    def points(self) -> tuple[dict[str, Any], ...]:
        """Every point of the design, in order, as validated {parameter: value} dicts."""
        return tuple(design_points(self.design, self.seed, self._kinds()))

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return len(self.points)

    @property
    def n_runs(self) -> int:
        """Number of runs: points x replicates."""
        return self.n_points * self.replicates

    def run_seed(self, point: int, replicate: int) -> int:
        """The model seed of run (point, replicate): from `seeds` when they are given
        (seeds[replicate], or seeds[point][replicate]), else from SeedSequence(seed, key)."""
        if self.seeds_per_point:
            return self.seeds[point][replicate]
        if self.seeds:
            return self.seeds[replicate]
        return design_run_seed(self.seed, point, replicate)

    def tasks(self, only: set[str] | None = None) -> list[RunTask]:
        """The runs of the sweep as picklable tasks, in (point, replicate) order."""
        fingerprint = self.fingerprint()
        out = []
        for p, params in enumerate(self.points):
            for r in range(self.replicates):
                key = run_key(p, r)
                if only is not None and key not in only:
                    continue
                out.append(
                    RunTask(
                        key=key,
                        point=p,
                        replicate=r,
                        seed=self.run_seed(p, r),
                        params=params,
                        fixed=dict(self.fixed),
                        scenario=self.base_scenario,
                        steps=self.steps,
                        run_function=self.run_function,
                        outcomes=self.outcomes,
                        keep_timeseries=self.keep == KEEP_TIMESERIES,
                        timeseries_columns=self.timeseries_columns,
                        fingerprint=fingerprint,
                    )
                )
        return out

    def spec_dict(self) -> dict[str, Any]:
        """The sweep as TOML-shaped plain data (what `from_dict` reads back)."""
        design = self.design.to_dict()
        out = {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario if isinstance(self.scenario, str) else self.scenario.name,
            "steps": self.steps,
            "replicates": self.replicates,
            "seed": self.seed,
            "keep": self.keep,
            "outcomes": list(self.outcomes),
            "timeseries_columns": list(self.timeseries_columns),
            "run_function": self.run_function,
            "fixed": dict(self.fixed),
            "design": design,
        }
        if self.seeds:  # only when given: sweeps without keep their fingerprints
            out["seeds"] = (
                [list(s) for s in self.seeds] if self.seeds_per_point else list(self.seeds)
            )
        return out

    def scenario_values(self) -> dict[str, Any]:
        """Every parameter value of the starting scenario (before `fixed` and the design)."""
        base = self.base_scenario
        return {n: getattr(base, n) for n in parameter_names()}

    def fingerprint_data(self) -> dict[str, Any]:
        """What makes two sweeps the same: everything that changes a stored result."""
        import alpaca_abm

        spec = self.spec_dict()
        for cosmetic in ("name", "description", "scenario"):
            spec.pop(cosmetic)
        return {
            "fingerprint_version": FINGERPRINT_VERSION,
            "package_version": alpaca_abm.__version__,
            "spec": spec,
            "scenario_parameters": self.scenario_values(),
            "scenario_events": json.loads(
                json.dumps(list(getattr(self.base_scenario, "events", ())), default=repr)
            ),
            "points": [dict(p) for p in self.points],
        }

    def fingerprint(self) -> str:
        """A sha256 of `fingerprint_data()`: equal for sweeps whose results may share a store."""
        text = json.dumps(self.fingerprint_data(), sort_keys=True, default=repr)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # --- building and running ----------------------------------------------------------------

    @classmethod
    def from_toml(cls, path: str | Path) -> Sweep:
        """Read a sweep spec file (TOML data, never executed) and check every field.

        Example: `Sweep.from_toml("experiments/control_openness.toml").run("sweeps/co")`.
        """
        from alpaca_abm.userfile import check_path, parse_toml, read_text

        try:
            path = check_path(path, "sweep spec")
            text = read_text(path, "sweep spec", MAX_SPEC_BYTES)
        except ValueError as err:  # not a regular file, too large, not UTF-8, no such file
            raise SpecError(str(path)[:200], "file", str(err)) from None
        try:
            data = parse_toml(text, "file")
        except ValueError as err:
            raise SpecError(str(path), "file", str(err).removeprefix("file: ")) from None
        return cls.from_dict(data, source=str(path), base_dir=path.parent, default_name=path.stem)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        source: str = "spec",
        base_dir: Path | None = None,
        default_name: str = "sweep",
    ) -> Sweep:
        """Build a sweep from TOML-shaped data; relative paths resolve against `base_dir`."""
        _check_keys(source, "", data, TOP_LEVEL_KEYS)
        if "design" not in data:
            raise SpecError(source, "design", "missing: add a [design] table with a 'kind'.")
        kwargs: dict[str, Any] = {k: data[k] for k in TOP_LEVEL_KEYS if k in data and k != "design"}
        kwargs.setdefault("name", default_name)
        if "scenario" in kwargs:
            kwargs["scenario"] = _scenario_reference(source, kwargs["scenario"], base_dir)
        for key in ("outcomes", "timeseries_columns"):
            if key in kwargs:
                kwargs[key] = _str_list(source, key, kwargs[key])
        kwargs["design"] = _design_from_dict(
            source, _table(source, "design", data["design"]), base_dir
        )
        return cls(source=source, **kwargs)

    def run(
        self,
        out_dir: str | Path,
        backend: str = "local",
        workers: int | None = None,
        scheduler: str | None = None,
        resume: bool = False,
        progress: bool = True,
    ) -> ResultStore:
        """Run every run not yet in the store at `out_dir`; return the store.

        backend: "local" (process pool, default), "serial" or "dask" (`scheduler` address,
        or a LocalCluster of `workers` processes). `resume=True` continues a store of the
        same sweep and retries its failed runs. Results are identical on every backend.
        """
        from .backends import run_sweep

        return run_sweep(
            self,
            out_dir,
            backend=backend,
            workers=workers,
            scheduler=scheduler,
            resume=resume,
            progress=progress,
        )


def _scenario_reference(source: str, value: Any, base_dir: Path | None) -> str:
    """A shipped scenario name as is; a path made absolute relative to the spec file."""
    text = _str(source, "scenario", value)
    looks_like_path = text.endswith(".toml") or "/" in text or "\\" in text
    if looks_like_path and base_dir is not None and not Path(text).is_absolute():
        return str((base_dir / text).resolve())
    return text


def _design_from_dict(source: str, data: Mapping[str, Any], base_dir: Path | None) -> Design:
    if "kind" not in data:
        raise SpecError(
            source,
            "design.kind",
            "missing: expected one of " + ", ".join(map(repr, DESIGN_KINDS)) + ".",
        )
    kind = data["kind"]
    if kind not in DESIGN_KINDS:
        raise _bad(
            source,
            "design.kind",
            kind,
            "one of " + ", ".join(map(repr, DESIGN_KINDS)),
            _hint(str(kind), DESIGN_KINDS),
        )
    _check_keys(source, "design", data, DESIGN_KEYS[kind])
    if kind == TABLE:
        return Design(kind=kind, rows=_table_rows(source, data, base_dir))
    params = _table(source, "design.parameters", data.get("parameters", {}))
    if kind == GRID:
        return Design(
            kind=kind,
            values={
                name: _grid_values(source, f"design.parameters.{name}", value)
                for name, value in params.items()
            },
        )
    bounds = {}
    for name, value in params.items():
        fname = f"design.parameters.{name}"
        if not isinstance(value, Mapping):
            raise _bad(source, fname, value, "a table { low = ..., high = ... }")
        _check_keys(source, fname, value, BOUND_KEYS)
        for end in BOUND_KEYS:
            if end not in value:
                raise SpecError(source, f"{fname}.{end}", "missing: a bound needs low and high.")
        bounds[name] = Bounds(value["low"], value["high"])
    if "samples" not in data:
        raise SpecError(source, "design.samples", f"missing: a {kind} design needs a sample count.")
    return Design(
        kind=kind,
        bounds=bounds,
        samples=data["samples"],
        levels=data.get("levels", DEFAULT_MORRIS_LEVELS),
        second_order=data.get("second_order", DEFAULT_SECOND_ORDER),
    )


def _grid_values(source: str, fname: str, value: Any) -> tuple[Any, ...]:
    """A grid axis: a list of values, or { low, high, levels } for evenly spaced numbers."""
    if isinstance(value, list):
        return tuple(value)
    if not isinstance(value, Mapping):
        raise _bad(source, fname, value, "a list of values or a table { low, high, levels }")
    _check_keys(source, fname, value, GRID_RANGE_KEYS)
    for key in GRID_RANGE_KEYS:
        if key not in value:
            raise SpecError(
                source, f"{fname}.{key}", "missing: a range needs low, high and levels."
            )
    levels = _int(source, f"{fname}.levels", value["levels"], low=MIN_GRID_LEVELS)
    if levels > MAX_RUNS:
        raise _bad(source, f"{fname}.levels", levels, f"at most {MAX_RUNS:,} levels")
    low, high = value["low"], value["high"]
    for end, v in (("low", low), ("high", high)):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _bad(source, f"{fname}.{end}", v, "a number")
    if not low < high:
        raise SpecError(
            source, fname, f"low = {low!r} is not below high = {high!r}: expected low < high."
        )
    if isinstance(low, int) and isinstance(high, int):
        ints = sorted({int(round(x)) for x in np.linspace(low, high, levels)})
        if len(ints) != levels:
            raise SpecError(
                source,
                f"{fname}.levels",
                f"{levels} levels do not fit between the "
                f"integers {low} and {high}: expected at most {high - low + 1}.",
            )
        return tuple(ints)
    return tuple(float(x) for x in np.linspace(low, high, levels))


def _table_rows(source: str, data: Mapping[str, Any], base_dir: Path | None) -> tuple:
    has_rows, has_file = "rows" in data, "file" in data
    if has_rows == has_file:
        raise SpecError(
            source,
            "design",
            "a table design needs exactly one of 'rows' (inline "
            "[[design.rows]]) or 'file' (a CSV with one column per parameter).",
        )
    if has_rows:
        rows = data["rows"]
        if not isinstance(rows, list):
            raise _bad(source, "design.rows", rows, "a list of tables ([[design.rows]])")
        return tuple(rows)
    import pandas as pd

    from alpaca_abm.userfile import check_path, read_text, shown

    text = _str(source, "design.file", data["file"])
    try:
        check_path(text, "design file")
        path = Path(text) if base_dir is None or Path(text).is_absolute() else base_dir / text
        csv = read_text(path, "design file", MAX_DESIGN_FILE_BYTES)
    except ValueError as err:
        raise SpecError(source, "design.file", f"{shown(text)}: {err}") from None
    try:
        frame = pd.read_csv(io.StringIO(csv))
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise SpecError(
            source, "design.file", f"{path} is not a CSV table: {str(err)[:200]}"
        ) from None
    if len(frame) * len(frame.columns) > MAX_RUNS:
        raise SpecError(source, "design.file", f"{path}: more than {MAX_RUNS:,} cells.")
    return tuple({k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records"))


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value the parameter checks expect."""
    if isinstance(value, np.generic):
        return value.item()
    return value
