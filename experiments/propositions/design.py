"""The validation's design: its size and the jobs it runs (arm, seed, months, overrides).

A job is a tuple (label, seed, months, overrides, snapshots, table4, industry); its label is
"industry/arm" for the designed comparisons, "rob:i/arm" for the robustness hypercube and
"uk_national/series" for the runs that show the fitted public series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import alpaca_abm
from alpaca_abm.params import PARAMETER_INDEX

from .arms import ARMS, PARADOX_ARMS
from .indicators import LEDGER
from .moderation import SHOCKS

ROOT = Path(__file__).resolve().parents[2]  # the repository
INDUSTRIES = ("uk_2018", "uk_national")
PATTERN_INDUSTRY = "uk_2018"  # P4, the paradox, the patterns and robustness: the seed's
# industry, whose 29 firms were interviewed in 2019 (uk_national's 120 months end in 2015)
SNAPSHOT_INTERVIEWS = 24  # December 2019 in uk_2018: the relationship types are read here

# The default design's size, set by the time budget (cli.BUDGET_MINUTES of wall time for
# the runs on this 2-core machine, shared with other work): a pilot of 8 seeds, then as many
# as the power calculation asks, at least 20 and at most 40, cut to what the budget allows
# (measured after the pilot); a hypercube of 60 points running every arm of the pattern
# industry; 4 runs of the fitted series. Both industries run every arm of P1a-P2c (partner
# criteria, control, protection and the channel decomposition); P4's shocks and the paradox
# claims run on the pattern industry only (industry_arms says why). A 120-month run of
# uk_2018 takes about 1.2 s of CPU, of uk_national about 2.5 s (measured 2026-12-06;
# several times that in wall time when the machine is shared).
PILOT = 8
MIN_SEEDS = 20
MAX_SEEDS = 40
ROBUSTNESS_POINTS = 60
SERIES_SEEDS = 4
ROBUSTNESS_RANGE = (0.5, 1.5)  # x the default of each assumed parameter
# Robustness: the assumed parameters of the mechanisms the propositions rest on (partner
# search and choice, trust, conflict and breach, knowledge, the market partners share,
# industry investment, studs). A parameter whose provenance is no longer "assumption" drops out.
ROBUSTNESS_CANDIDATES = (
    "search_rate",
    "n_candidates",
    "acceptance",
    "opportunism_mean",
    "breach_trust_loss",
    "breach_dissolution",
    "trust_initial",
    "trust_gain",
    "trust_decay",
    "conflict_rate",
    "conflict_trust_loss",
    "conflict_dissolution",
    "unfairness_trust_loss",
    "contract_years",
    "openness_sd",
    "learning_rate",
    "marketing_effect",
    "expertise_effect",
    "buyer_decay_km",
    "niche_crossover",
    "stud_capacity",
    "coowned_season",
    "quality_premium",
    "elite_margin",
    "breeding_noise",
    "education_cost",
    "awareness_effect",
    "education_knowledge",
    "awareness_pool_gain",
    "acceptance_quantile",
    "paradox_active_share",  # the paradox module's own assumptions (its claims, H1-H6)
    "paradox_salience",
)


def robustness_parameters() -> dict[str, tuple[float, float]]:
    """The assumed parameters varied for robustness and their (low, high)."""
    out = {}
    for name in ROBUSTNESS_CANDIDATES:
        p = PARAMETER_INDEX.get(name)
        if (
            p is None
            or p.source != "assumption"
            or p.kind not in (int, float)
            or isinstance(p.default, bool)
            or not isinstance(p.default, int | float)
            or p.default == 0
        ):
            continue
        lo, hi = (float(p.default) * f for f in ROBUSTNESS_RANGE)
        lo = max(lo, float(p.low)) if p.low is not None else lo
        hi = min(hi, float(p.high)) if p.high is not None else hi
        if p.kind is int:
            lo, hi = max(lo, 1.0), max(hi, lo + 1.0)
        if hi > lo:
            out[name] = (lo, hi)
    return out


@dataclass
class Design:
    steps: int
    seed_base: int
    pilot: int = PILOT
    min_seeds: int = MIN_SEEDS
    max_seeds: int = MAX_SEEDS
    rob_points: int = ROBUSTNESS_POINTS
    series_seeds: int = SERIES_SEEDS
    industries: tuple[str, ...] = INDUSTRIES
    quick: bool = False
    robustness: dict[str, tuple[float, float]] = field(default_factory=dict)

    def seeds(self, stop: int, start: int = 0) -> list[int]:
        return [self.seed_base + i for i in range(start, stop)]

    def key(self) -> tuple:
        """What identifies the design of a saved run (--report-only refuses another)."""
        return (
            self.steps,
            self.seed_base,
            self.pilot,
            self.min_seeds,
            self.max_seeds,
            self.rob_points,
            self.series_seeds,
            self.industries,
            tuple(sorted(self.robustness)),
        )


def arm_overrides(arm: str) -> dict[str, Any]:
    """The overrides of an arm of the designed comparisons (labels without the industry)."""
    if arm in PARADOX_ARMS:
        return dict(PARADOX_ARMS[arm])
    if ":" in arm:  # a P4 shock: "disease:on" (both arms) or "disease:off" (counterfactual)
        key, side = arm.split(":")
        shock = next(s for s in SHOCKS if s.key == key)
        # no ledger: P4 reads no joint value, and the ledger costs about a tenth of a run
        return shock.overrides | ARMS["both_on" if side == "on" else "both_off"]
    return LEDGER | ARMS[arm]


def industry_arms(industry: str) -> list[str]:
    """The arms an industry runs. Every industry runs every arm of P1a-P2c. P4's shocks and the
    paradox claims run on the pattern industry only: the shocks are dated events of 2019-2021
    (TB news, Brexit) that fall after uk_national's 120 months (2006-2015), and the paradox
    claims are about the relationships of the seed's interviewed firms (uk_2018)."""
    if industry != PATTERN_INDUSTRY:
        return list(ARMS)
    shocks = [f"{s.key}:{side}" for s in SHOCKS for side in ("on", "off")]
    return list(ARMS) + shocks + list(PARADOX_ARMS)


def snapshot_months(steps: int) -> tuple[int, ...]:
    """Months at which the base arm of the pattern industry records the relationship types:
    the interviews, month 60 and the last, within the run."""
    return tuple(sorted({SNAPSHOT_INTERVIEWS, 60, steps} & set(range(1, steps + 1))))


def main_jobs(design: Design, start: int, stop: int) -> list[tuple]:
    """Seeds start..stop-1 of every arm of every industry (common random numbers). The base
    arm of the pattern industry also records the relationship types."""
    jobs = []
    for ind in design.industries:
        for arm in industry_arms(ind):
            # Table 4 is read in every run of the pattern industry (it costs little, and one run
            # function per industry means fewer sweeps, each with its start-up)
            pattern = ind == PATTERN_INDUSTRY
            for s in design.seeds(stop, start):
                jobs.append(
                    (
                        f"{ind}/{arm}",
                        s,
                        design.steps,
                        arm_overrides(arm),
                        snapshot_months(design.steps) if pattern and arm == "both_on" else (),
                        pattern,
                        ind,
                    )
                )
    return jobs


def hypercube_arms(power: pd.DataFrame, n: int) -> list[str]:
    """The arms of the pattern industry that the quantities with power at `n` seeds read (the
    pilot's power table): an underpowered quantity says nothing at the defaults, so there is
    no verdict of it for the hypercube to flip, and its arms need not run there."""
    from .claims import PROPOSITIONS
    from .moderation import PARADOX_CLAIMS
    from .stats import powered

    contrasts = {(p.key, c.label): c for p in PROPOSITIONS for c in p.contrasts}
    claims = {h.key: h for h in PARADOX_CLAIMS}
    wanted: set[str] = set()
    rows = power[power["industry"] == PATTERN_INDUSTRY] if len(power) else power
    for _, r in rows.iterrows():
        if not powered(int(r["needed"]), n):
            continue
        if r["family"] == "prop":
            c = contrasts[(r["key"], r["contrast"])]
            wanted |= {c.arm, c.reference}
        elif r["family"] == "p4":
            wanted |= {f"{r['key']}:on", f"{r['key']}:off", "both_on", "both_off"}
        elif r["family"] == "paradox":
            wanted.add(claims[r["key"]].rule_off or "px_on")
    return [a for a in industry_arms(PATTERN_INDUSTRY) if a in wanted]


def robustness_jobs(
    design: Design, arms: list[str] | None = None
) -> tuple[list[tuple], pd.DataFrame]:
    """A Latin hypercube of the assumed parameters (alpaca_abm.sweep's design machinery); at
    each point the arms of the pattern industry (P1a-P2c, P4's shocks, the paradox arms;
    `arms`, default all) run on one seed of its own (common random numbers), so every
    verdict is re-read there."""
    from alpaca_abm.sweep import design as sweep_design

    bounds = design.robustness
    if not bounds or design.rob_points < 2:
        return [], pd.DataFrame()
    lhs = sweep_design.latin_hypercube(design.rob_points, **bounds)
    kinds = {n: PARAMETER_INDEX[n].kind for n in bounds}
    points = sweep_design.design_points(lhs, design.seed_base, kinds)
    jobs = [
        (
            f"rob:{i}/{arm}",
            robustness_seed(design, i),
            design.steps,
            values | arm_overrides(arm),
            (),
            True,  # as the main runs of the pattern industry: one sweep with them
            PATTERN_INDUSTRY,
        )
        for i, values in enumerate(points)
        for arm in (industry_arms(PATTERN_INDUSTRY) if arms is None else arms)
    ]
    return jobs, pd.DataFrame(points)


def robustness_seed(design: Design, point: int) -> int:
    return design.seed_base + 20_000 + point


def calibration_months() -> int:
    """Months of a calibration run (experiments/calibrate.py MONTHS), 0 when unreadable."""
    try:
        import calibrate  # experiments/calibrate.py
    except ImportError:
        return 0
    return int(getattr(calibrate, "MONTHS", 0))


def series_jobs(design: Design) -> list[tuple]:
    """uk_national runs as long as a calibration run, to show the fitted public series."""
    months = calibration_months()
    if "uk_national" not in design.industries or months < 1 or design.series_seeds < 1:
        return []
    return [
        ("uk_national/series", s, months, {}, (), False, "uk_national")
        for s in design.seeds(design.series_seeds)
    ]


def check_jobs(jobs: list[tuple]) -> list[str]:
    """Why any job's overrides would not run on this model ([] when all run): each distinct
    set of overrides is checked by building its scenario and model once."""
    names = set(alpaca_abm.AlpacaScenario.parameter_names())
    problems, seen = [], set()
    for label, _, steps, overrides, _, _, industry in jobs:
        key = (industry, repr(sorted(overrides.items())))
        if key in seen:
            continue
        seen.add(key)
        unknown = sorted(set(overrides) - names - {"events"})
        if unknown:
            problems.append(f"{label}: the model has no parameter {', '.join(unknown)}")
            continue
        try:
            params = {k: v for k, v in overrides.items() if k != "events"}
            sc = alpaca_abm.load_scenario(industry, **params)
            if "events" in overrides:
                sc = sc.replace(events=(*sc.events, *overrides["events"]))
            alpaca_abm.AlpacaModel(sc, rng=0).shocks.check_horizon(steps)
        except (ValueError, TypeError, AttributeError) as err:
            problems.append(f"{label}: {err}")
    return problems
