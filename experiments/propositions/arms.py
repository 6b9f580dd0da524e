"""The arms of the validation: what each run changes, fixed before any run.

The counterfactual is defined here once. **No coopetition** = every coopetition mechanism
off: the dyadic arm (co-owned studs, knowledge sharing, referrals) and the industry arm
(investment in education and awareness, with the national fibre pool that rides on it), and
the master switch `coopetition` off too, so that every switch a run records (the sweep's
design columns, a run's params.toml) says what the run did. Everything else is equal. The
channel decomposition turns each arm on and off alone (a 2 x 2).
"""

from __future__ import annotations

from typing import Any

from alpaca_abm.params import PARAMETER_INDEX

DYADIC = ("coownership", "knowledge_sharing", "referrals")
INDUSTRY = ("industry_investment",)
COUNTERFACTUAL = (
    "no coopetition: co-ownership, knowledge sharing, referrals and industry investment "
    "(education, awareness, the fibre pool) all off, the master switch `coopetition` off too, "
    "everything else equal"
)


def coopetition(dyadic: bool, industry: bool) -> dict[str, bool]:
    """Switch settings of one cell of the 2 x 2: every switch set explicitly."""
    return (
        {"coopetition": dyadic or industry}
        | dict.fromkeys(DYADIC, dyadic)
        | dict.fromkeys(INDUSTRY, industry)
    )


COOPETITION_ARMS = ("both_on", "dyadic_only", "industry_only", "both_off")  # the 2 x 2
# P1a / P1b partner criteria: the other level's criteria carry the same total weight
INDIVIDUAL_WEIGHTS = ("w_trust", "w_chemistry", "w_history")
ORGANISATIONAL_WEIGHTS = ("w_contribution", "w_reputation", "w_proximity", "w_resources")


def moved_weights(off: tuple[str, ...], on: tuple[str, ...]) -> dict[str, float]:
    """Zero the weights `off` and scale the weights `on` so the total stays the default total:
    a contrast of criteria at a fixed score scale, not a change of the acceptance rate."""
    default = {n: PARAMETER_INDEX[n].default for n in INDIVIDUAL_WEIGHTS + ORGANISATIONAL_WEIGHTS}
    total, kept = sum(default.values()), sum(default[n] for n in on)
    return dict.fromkeys(off, 0.0) | {n: default[n] * total / kept for n in on}


ARMS: dict[str, dict[str, Any]] = {
    # the channel decomposition (2 x 2)
    "both_on": coopetition(True, True),  # the defaults
    "dyadic_only": coopetition(True, False),
    "industry_only": coopetition(False, True),
    "both_off": coopetition(False, False),  # the counterfactual
    # P1a / P1b: partner criteria
    "individual_only": moved_weights(ORGANISATIONAL_WEIGHTS, INDIVIDUAL_WEIGHTS),
    "organisational_only": moved_weights(INDIVIDUAL_WEIGHTS, ORGANISATIONAL_WEIGHTS),
    # P1b: control mechanisms
    "control_low": {"control_strength": 0.1},
    "control_high": {"control_strength": 0.9},
    # P1b: protection of core knowledge against leakage (strategies fixed, so it stays put)
    "protect_low": {"protection": 0.1, "strategy_learning": False},
    "protect_high": {"protection": 0.9, "strategy_learning": False},
}

# The paradox module (the second seed), on; and on with one of its parts off
PARADOX_ARMS: dict[str, dict[str, Any]] = {
    "px_on": {"paradox": True},
    "px_no_interplay": {"paradox": True, "paradox_interplay": False},
    "px_no_responses": {"paradox": True, "paradox_responses": False},
    "px_no_cycles": {"paradox": True, "paradox_cycles": False},
}

# Arms run at every point of the robustness hypercube: every arm of the designed comparisons
# (design.industry_arms of the pattern industry), so that every verdict is re-read there.
