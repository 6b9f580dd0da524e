"""Robustness: every primary verdict re-read over a Latin hypercube of assumed parameters.

At each point of the hypercube every robustness arm runs on one seed of its own; each
primary outcome's excess over its arithmetic baseline is computed at each point, and fitted
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
from .arms import ROBUSTNESS_ARMS
from .claims import PRIMARY, PROPOSITIONS
from .stats import interval


def point_excess(results: dict, points: int, seed_of, arm: str, ref: str, outcome) -> np.ndarray:
    """Per point: the outcome's excess (arm - reference - baseline) on that point's seed."""
    out = np.full(points, np.nan)
    for i in range(points):
        seed = seed_of(i)
        a = results.get((f"rob:{i}/{arm}", seed))
        b = results.get((f"rob:{i}/{ref}", seed))
        if a and b:
            ra, rb = a["outcomes"], b["outcomes"]
            d = ra.get(outcome.column, np.nan) - rb.get(outcome.column, np.nan)
            out[i] = d - outcome.baseline(rb, ra)
    return out


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


def analyse_robustness(
    results: dict, points: pd.DataFrame, names: list[str], seed_of, props: list[dict]
) -> dict[str, Any]:
    """Per primary outcome of the contrasts the hypercube runs: the excess's mean over the
    hypercube, the share of points on the expected side, and the parameters that flip or
    weaken its verdict at the defaults (`props`: analyse_propositions of the same industry)."""
    if not len(points):
        return {"rows": [], "points": 0, "names": names}
    x = points[names].to_numpy(float)
    judged = {(r["contrast"].label, r["outcome"].column): r for res in props for r in res["rows"]}
    rows = []
    for p in PROPOSITIONS:
        for c in p.contrasts:
            if c.arm not in ROBUSTNESS_ARMS or c.reference not in ROBUSTNESS_ARMS:
                continue
            for o in c.outcomes:
                if o.role != PRIMARY:
                    continue
                y = point_excess(results, len(points), seed_of, c.arm, c.reference, o)
                at_default = judged.get((c.label, o.column))
                j = at_default["judgement"] if at_default else st.INCONCLUSIVE
                sesoi = at_default["sesoi"] if at_default else np.nan
                f, w = flips(y, x, names, o.sign, sesoi, j) if j != st.UNDERPOWERED else ([], [])
                fitted = np.isfinite(y).sum() > len(names) + 3
                rows.append(
                    {"prop": p.key, "contrast": c, "outcome": o, "excess": interval(y),
                     "share_expected": float(np.mean(np.sign(y[np.isfinite(y)]) == o.sign))
                     if np.isfinite(y).any() else np.nan,
                     "judgement": j, "flips": f, "weakens": w, "fitted": fitted}
                )  # fmt: skip
    return {"rows": rows, "points": len(points), "names": names}


def robustness_summary(rob: dict[str, Any], key: str) -> str:
    """One proposition's robustness in words: 'robust', 'flipped by a, b', or 'not tested'."""
    rows = [r for r in rob.get("rows", []) if r["prop"] == key]
    if not rows:
        return "not tested"
    if not any(r["fitted"] for r in rows):
        return "not fitted (fewer points than parameters)"
    rows = [r for r in rows if r["judgement"] != st.UNDERPOWERED]
    if not rows:
        return "nothing to test (every primary outcome underpowered)"
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
