"""Robustness: every verdict re-read over a Latin hypercube of assumed parameters.

At each point of the hypercube every arm of the pattern industry runs on one seed of its
own; every judged quantity (each primary outcome's excess over its arithmetic baseline, each
of P4's interactions, each paradox claim beyond its rule) is computed at each point, and fitted
linearly on the parameters (standardised). A parameter **flips** a verdict when its
coefficient is significant (Bonferroni over the parameters) and the excess the fit predicts
at one end of its range (the others at mid-range) would give another judgement: the other
sign for a verdict that supports or contradicts, a value beyond the SESOI for one that does
not. A parameter that only takes a supporting effect below its SESOI **weakens** it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from . import stats as st
from .claims import PRIMARY, PROPOSITIONS
from .moderation import SHOCKS
from .stats import interval


def point_values(results: dict, points: int, seed_of, value) -> np.ndarray:
    """Per point: `value(get)` on that point's seed, where get(arm) is the arm's outcomes at
    the point (None when it did not run); NaN where an arm is missing."""
    out = np.full(points, np.nan)
    for i in range(points):
        seed = seed_of(i)

        def get(arm: str, i: int = i, seed: int = seed) -> dict | None:
            r = results.get((f"rob:{i}/{arm}", seed))
            return r["outcomes"] if r else None

        try:
            out[i] = value(get)
        except (TypeError, KeyError):
            out[i] = np.nan
    return out


def excess_at(c, o):
    """The value of a primary outcome at a point: arm - reference - the arithmetic baseline."""

    def value(get):
        a, b = get(c.arm), get(c.reference)
        return a[o.column] - b[o.column] - o.baseline(b, a)

    return value


def interaction_at(shock: str, column: str):
    """P4 at a point: (both on - off | shock) - (both on - off | no shock)."""

    def value(get):
        return (get(f"{shock}:on")[column] - get(f"{shock}:off")[column]) - (
            get("both_on")[column] - get("both_off")[column]
        )

    return value


def claim_at(arm: str, column: str):
    """A paradox claim at a point: its contrast with the rule off (beyond the rule)."""
    return lambda get: get(arm)[column]


def flips(y: np.ndarray, x: np.ndarray, names: list[str], sign: int, sesoi: float, judged: str):
    """(flipping, weakening) parameters of one outcome (module docstring)."""
    ok = np.isfinite(y)
    y, x = y[ok], x[ok]
    if len(y) <= len(names) + 3 or y.std() == 0:
        return [], []
    sd = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    xs = (x - x.mean(axis=0)) / sd
    m = np.c_[np.ones(len(y)), xs]
    beta, *_ = np.linalg.lstsq(m, y, rcond=None)
    resid = y - m @ beta
    dof = len(y) - m.shape[1]
    se = np.sqrt(np.diag(resid @ resid / dof * np.linalg.pinv(m.T @ m)))
    p = 2 * stats.t.sf(np.abs(beta / np.where(se > 0, se, np.inf)), dof)
    flipping, weakening = [], []
    for j, name in enumerate(names):
        if p[j + 1] >= 0.05 / len(names):
            continue
        ends = [beta[0] + beta[j + 1] * xs[:, j].min(), beta[0] + beta[j + 1] * xs[:, j].max()]
        if judged in (st.SUPPORTS, st.CONTRADICTS):
            direction = sign if judged == st.SUPPORTS else -sign
            if any(np.sign(e) != direction for e in ends):
                flipping.append(name)
            elif any(abs(e) < sesoi for e in ends):
                weakening.append(name)
        elif any(abs(e) >= sesoi for e in ends):
            flipping.append(name)
    return flipping, weakening


def _row(y, x, names, key, family, label, outcome_label, sign, judged, sesoi) -> dict:
    f, w = (
        flips(y, x, names, sign, sesoi, judged)
        if judged not in (st.UNDERPOWERED, st.UNINFORMATIVE)
        else ([], [])
    )
    fin = np.isfinite(y)
    return {
        "prop": key, "family": family, "contrast": label, "outcome": outcome_label,
        "excess": interval(y),
        "share_expected": float(np.mean(np.sign(y[fin]) == sign)) if fin.any() else np.nan,
        "judgement": judged, "flips": f, "weakens": w, "fitted": fin.sum() > len(names) + 3,
    }  # fmt: skip


def analyse_robustness(
    results: dict,
    points: pd.DataFrame,
    names: list[str],
    seed_of,
    props: list[dict],
    p4: list[dict] = (),
    paradox: list[dict] = (),
) -> dict[str, Any]:
    """Every judged quantity re-read over the hypercube: each primary outcome of P1a-P2c (its
    excess over the arithmetic), each of P4's interactions and each paradox claim (beyond
    its rule); per quantity the mean over the hypercube, the share of points on the expected
    side, and the parameters that flip or weaken its judgement at the defaults (`props`,
    `p4`, `paradox`: the analyses of the same industry at the defaults)."""
    if not len(points):
        return {"rows": [], "points": 0, "names": names}
    x = points[names].to_numpy(float)
    n = len(points)
    judged = {(r["contrast"].label, r["outcome"].column): r for res in props for r in res["rows"]}
    rows = []
    for p in PROPOSITIONS:
        for c in p.contrasts:
            for o in c.outcomes:
                if o.role != PRIMARY:
                    continue
                y = point_values(results, n, seed_of, excess_at(c, o))
                at_default = judged.get((c.label, o.column))
                j = at_default["judgement"] if at_default else st.INCONCLUSIVE
                sesoi = at_default["sesoi"] if at_default else np.nan
                rows.append(_row(y, x, names, p.key, "prop", c.label, o.label, o.sign, j, sesoi))
    shocks = {s.key: s for s in SHOCKS}
    for s in p4:
        shock = shocks[s["shock"].key]
        for r in s["rows"]:
            o = r["outcome"]
            y = point_values(results, n, seed_of, interaction_at(shock.key, o.column))
            rows.append(
                _row(y, x, names, "P4", "p4", shock.key, o.label, o.sign * shock.direction,
                     r["judgement"], r["sesoi"])
            )  # fmt: skip
    for h in paradox:
        c = h["claim"]
        y = point_values(results, n, seed_of, claim_at(c.rule_off or "px_on", c.column))
        rows.append(
            _row(y, x, names, c.key, "paradox", "beyond the rule" if c.rule_off else "module on",
                 c.label, +1, h["judgement"], h["sesoi"])
        )  # fmt: skip
    return {"rows": rows, "points": n, "names": names}


def robustness_summary(rob: dict[str, Any], key: str) -> str:
    """One proposition's robustness in words: 'robust', 'flipped by a, b', or 'not tested'."""
    rows = [r for r in rob.get("rows", []) if r["prop"] == key]
    if not rows:
        return "not tested"
    rows = [r for r in rows if r["judgement"] not in (st.UNDERPOWERED, st.UNINFORMATIVE)]
    if not rows:
        return "nothing to test (every judged quantity underpowered or uninformative)"
    if not any(r["fitted"] for r in rows):
        return "not fitted (fewer points than parameters)"
    flipped = sorted({f for r in rows for f in r["flips"]})
    weak = sorted({w for r in rows for w in r["weakens"]} - set(flipped))
    if not flipped and not weak:
        return "robust"
    parts = []
    if flipped:
        parts.append("flipped by " + ", ".join(f"`{n}`" for n in flipped))
    if weak:
        parts.append("weakened by " + ", ".join(f"`{n}`" for n in weak))
    return "; ".join(parts)
