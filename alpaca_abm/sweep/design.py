"""Experimental designs: which parameter points a sweep runs, and the seed of every run.

A design is plain data (`Design`); `design_points` turns it into a list of parameter dicts,
one per point. Seeds come from numpy's `SeedSequence(entropy=sweep_seed,
spawn_key=(point, replicate))`, so a run's seed depends only on the sweep seed and the run's
place in the design, never on the order runs finish in, the backend or Python's `hash()`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

GRID = "grid"
LATIN_HYPERCUBE = "lhs"
SALTELLI = "saltelli"
MORRIS = "morris"
TABLE = "table"
DESIGN_KINDS = (GRID, LATIN_HYPERCUBE, SALTELLI, MORRIS, TABLE)
SAMPLING_KINDS = (LATIN_HYPERCUBE, SALTELLI, MORRIS)  # designs that draw inside bounds

DEFAULT_MORRIS_LEVELS = 4  # SALib's default grid of a Morris trajectory: 4 levels per factor
DEFAULT_SECOND_ORDER = True  # Saltelli with second-order terms: N*(2D+2) runs, SALib's default
# spawn_key of the design's own random stream (LHS, Saltelli scrambling, Morris paths): a
# one-element key, so it can never equal a run's two-element (point, replicate) key.
DESIGN_STREAM = 2**31 - 1
SEED_BITS_DROPPED = 1  # a 64-bit draw shifted right once fits an int64 Parquet column


@dataclass(frozen=True)
class Bounds:
    """The closed interval [low, high] a sampling design draws one parameter from."""

    low: float
    high: float


@dataclass(frozen=True)
class Design:
    """Which points a sweep visits.

    kind: one of DESIGN_KINDS. `values` (grid: parameter -> list of values), `bounds`
    (lhs/saltelli/morris: parameter -> Bounds), `rows` (table: one dict per point).
    `samples` is the LHS sample count, Saltelli's base N or Morris' trajectory count.
    """

    kind: str
    values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    bounds: Mapping[str, Bounds] = field(default_factory=dict)
    rows: tuple[Mapping[str, Any], ...] = ()
    samples: int | None = None
    levels: int = DEFAULT_MORRIS_LEVELS
    second_order: bool = DEFAULT_SECOND_ORDER

    @property
    def parameter_names(self) -> list[str]:
        """Names of the parameters the design varies, in spec order."""
        if self.kind == GRID:
            return list(self.values)
        if self.kind == TABLE:
            names: dict[str, None] = {}
            for row in self.rows:
                names.update(dict.fromkeys(row))
            return list(names)
        return list(self.bounds)

    def to_dict(self) -> dict[str, Any]:
        """The design as JSON-ready plain data (for the manifest and the fingerprint)."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == GRID:
            out["parameters"] = {k: list(v) for k, v in self.values.items()}
        elif self.kind == TABLE:
            out["rows"] = [dict(r) for r in self.rows]
        else:
            out["parameters"] = {k: {"low": b.low, "high": b.high} for k, b in self.bounds.items()}
            out["samples"] = self.samples
            if self.kind == MORRIS:
                out["levels"] = self.levels
            if self.kind == SALTELLI:
                out["second_order"] = self.second_order
        return out


def grid(**values: Sequence[Any]) -> Design:
    """A full factorial grid: every combination of the listed values.

    Example: `grid(control_strength=[0.0, 0.5, 1.0], coopetition=[True, False])` (6 points).
    """
    return Design(kind=GRID, values={k: tuple(v) for k, v in values.items()})


def latin_hypercube(samples: int, **bounds: tuple[float, float]) -> Design:
    """A Latin hypercube of `samples` points inside the (low, high) bounds of each parameter."""
    return Design(kind=LATIN_HYPERCUBE, samples=samples, bounds=_bounds(bounds))


def saltelli(
    samples: int, second_order: bool = DEFAULT_SECOND_ORDER, **bounds: tuple[float, float]
) -> Design:
    """SALib's Saltelli/Sobol' sample, base size `samples` (a power of two), for Sobol indices."""
    return Design(kind=SALTELLI, samples=samples, second_order=second_order, bounds=_bounds(bounds))


def morris(
    trajectories: int, levels: int = DEFAULT_MORRIS_LEVELS, **bounds: tuple[float, float]
) -> Design:
    """SALib's Morris elementary-effects sample: `trajectories` paths on a `levels` grid."""
    return Design(kind=MORRIS, samples=trajectories, levels=levels, bounds=_bounds(bounds))


def table(rows: Sequence[Mapping[str, Any]]) -> Design:
    """An explicit list of points, one dict of parameter values per point."""
    return Design(kind=TABLE, rows=tuple(dict(r) for r in rows))


def _bounds(bounds: Mapping[str, tuple[float, float] | Bounds]) -> dict[str, Bounds]:
    return {k: v if isinstance(v, Bounds) else Bounds(*v) for k, v in bounds.items()}


def salib_problem(design: Design) -> dict[str, Any]:
    """The SALib `problem` dict (num_vars, names, bounds) of a sampling design."""
    names = list(design.bounds)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[design.bounds[n].low, design.bounds[n].high] for n in names],
    }


def expected_point_count(design: Design) -> int:
    """How many points a design has, without drawing them (for messages and checks)."""
    d = len(design.parameter_names)
    if design.kind == GRID:
        return math.prod(len(v) for v in design.values.values())  # exact: never overflows
    if design.kind == TABLE:
        return len(design.rows)
    n = int(design.samples or 0)
    if design.kind == LATIN_HYPERCUBE:
        return n
    if design.kind == SALTELLI:
        return n * (2 * d + 2) if design.second_order else n * (d + 2)
    return n * (d + 1)  # Morris: each trajectory visits D+1 points


def design_seed(sweep_seed: int) -> int:
    """The seed of the design's own draws, derived from the sweep seed (32-bit, for SALib)."""
    seq = np.random.SeedSequence(entropy=sweep_seed, spawn_key=(DESIGN_STREAM,))
    return int(seq.generate_state(1, dtype=np.uint32)[0])


def sample_matrix(design: Design, sweep_seed: int) -> np.ndarray:
    """The raw (points x parameters) sample of a sampling design, before type conversion."""
    try:
        from SALib.sample import latin
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise ImportError(
            f"a '{design.kind}' design needs SALib: pip install 'alpaca-abm[sweep]'"
        ) from None

    problem = salib_problem(design)
    seed = design_seed(sweep_seed)
    if design.kind == LATIN_HYPERCUBE:
        return latin.sample(problem, int(design.samples), seed=seed)
    if design.kind == SALTELLI:
        return sobol_sample.sample(
            problem, int(design.samples), calc_second_order=design.second_order, seed=seed
        )
    if design.kind == MORRIS:
        return morris_sample.sample(
            problem, int(design.samples), num_levels=design.levels, seed=seed
        )
    raise ValueError(f"design kind '{design.kind}' has no sample matrix.")


def design_points(
    design: Design, sweep_seed: int, kinds: Mapping[str, type] | None = None
) -> list[dict[str, Any]]:
    """Every point of the design, in order, as {parameter: value} dicts.

    `kinds` maps a parameter to its Python type (int, float, bool); sampled values of an int
    parameter are rounded to the nearest integer so that the model accepts them.
    Example: `design_points(grid(a=[1, 2], b=[0.5]), 0)` -> `[{"a": 1, "b": 0.5}, {"a": 2, ...}]`.
    """
    kinds = kinds or {}
    if design.kind == GRID:
        names = list(design.values)
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*design.values.values())
        ]
    if design.kind == TABLE:
        return [dict(row) for row in design.rows]
    matrix = sample_matrix(design, sweep_seed)
    names = list(design.bounds)
    return [
        {
            name: _as_kind(value, kinds.get(name, float))
            for name, value in zip(names, row, strict=True)
        }
        for row in matrix
    ]


def _as_kind(value: float, kind: type) -> Any:
    if kind is int:
        return int(round(float(value)))
    return float(value)


def run_seed(sweep_seed: int, point: int, replicate: int) -> int:
    """The model seed of one run: a pure function of (sweep seed, point, replicate).

    Example: `run_seed(42, 0, 0) != run_seed(42, 0, 1)`; both are the same on every machine.
    """
    seq = np.random.SeedSequence(entropy=sweep_seed, spawn_key=(point, replicate))
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(SEED_BITS_DROPPED))
