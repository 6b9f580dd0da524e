"""One table of the patterns the model is compared with, each fitted or independent.

A pattern a parameter was fitted to cannot count as evidence: the match is the fit working.
Rows: the public UK series (fitted by experiments/calibrate.py, docs/CALIBRATION.md), the
first seed's 7 / 15 / 7 relationship types (Table 2), Table 4's theme counts, and breeders'
statements the model can observe. Only independent rows are counted in the summary.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import patterns

from alpaca_abm.params import PARAMETERS

from .stats import interval

BY_CONSTRUCTION_THEMES = ("spread_cost", "financial_risk")  # true of co-owners by definition
TYPE_KEYS = ("cooperation-dominated", "equal", "competition-dominated")
SEED_TYPES = (7, 15, 7)  # of 29 firms (Table 2)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a share k/n (the seed's counts of 29 firms)."""
    if n == 0:
        return (np.nan, np.nan)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (mid - half, mid + half)


def calibrated_parameters() -> list[str]:
    """Parameters whose provenance is the calibration to the public series."""
    return [p.name for p in PARAMETERS if p.source == "calibrated"]


def fitted_to_statement(word: str) -> list[str]:
    """Parameters whose note says they were fitted to a pattern containing `word`."""
    return [p.name for p in PARAMETERS if "fitted" in p.note.lower() and word in p.note.lower()]


def runs_of(results: dict, label: str) -> list[dict]:
    return [r for (a, _), r in results.items() if a == label]


def quantiles(values: list[float]) -> dict[str, float]:
    v = np.array([x for x in values if np.isfinite(x)])
    if not len(v):
        return {"mean": np.nan, "lo": np.nan, "hi": np.nan, "n": 0}
    return {
        "mean": float(v.mean()),
        "lo": float(np.quantile(v, 0.025)),
        "hi": float(np.quantile(v, 0.975)),
        "n": len(v),
    }


def series_rows(results: dict) -> list[dict[str, Any]]:
    try:
        import calibrate  # experiments/calibrate.py
    except ImportError:
        return []
    fitted = ", ".join(f"`{n}`" for n in calibrated_parameters())
    runs = runs_of(results, "uk_national/series")
    rows = []
    for t in calibrate.targets():
        vals = [r["yearly"].get(t.column, {}).get(t.year, np.nan) for r in runs]
        q = quantiles(vals)
        rows.append(
            {"kind": "public UK series", "pattern": f"{t.label} ({t.year})",
             "observed": f"{t.observed:,.0f}", "model": q, "model_text": _range(q),
             "match": bool(q["n"]) and abs(q["mean"] - t.observed) <= 2 * t.sd,
             "criterion": f"within 2 sd ({2 * t.sd:,.0f}) of the figure", "fitted": fitted}
        )  # fmt: skip
    return rows


def _range(q: dict[str, float], pct: bool = False) -> str:
    if not q["n"]:
        return "not run"
    f = (
        (lambda v: f"{100 * v:.0f}%")
        if pct
        else (lambda v: f"{v:,.0f}" if abs(v) >= 10 else f"{v:.2f}")
    )
    return f"{f(q['mean'])} [{f(q['lo'])}-{f(q['hi'])}] ({q['n']} runs)"


def type_rows(results: dict, month: int) -> list[dict[str, Any]]:
    """The share of firms with partners by their relationship type at `month`."""
    shares = []
    for r in runs_of(results, "uk_2018/both_on"):
        split = r.get("split", {}).get(month)
        if split is not None and split["firms"].sum() > 0:
            shares.append(split["firms"] / split["firms"].sum())
    fitted = fitted_to_statement("7/15/7") + fitted_to_statement("7 / 15 / 7")
    rows = []
    for k, (label, seed) in enumerate(zip(TYPE_KEYS, SEED_TYPES, strict=True)):
        q = quantiles([s[k] for s in shares])
        lo, hi = wilson(seed, 29)
        rows.append(
            {"kind": "relationship types (Table 2)", "pattern": f"{label} firms",
             "observed": f"{seed}/29 = {seed / 29:.0%} [{lo:.0%}-{hi:.0%}]", "model": q,
             "model_text": _range(q, pct=True),
             "match": bool(q["n"]) and q["lo"] <= hi and q["hi"] >= lo,
             "criterion": "model range over seeds overlaps the seed's 95% interval",
             "fitted": ", ".join(fitted)}
        )  # fmt: skip
    return rows


def table4_rows(results: dict) -> list[dict[str, Any]]:
    rows = []
    for theme in patterns.TABLE4_THEMES:
        label = "uk_2018/both_on" if theme.arm == "base" else f"uk_2018/{theme.arm}:on"
        counts = [r["table4"] for r in runs_of(results, label) if "table4" in r]
        shares = [
            c / n for c, n in (t[f"{theme.key}:coowners"] for t in counts) if n > 0
        ]  # fmt: skip
        q = quantiles(shares)
        lo, hi = wilson(theme.sources, 29)
        construction = theme.key in BY_CONSTRUCTION_THEMES
        rows.append(
            {"kind": f"Table 4 theme ({theme.group})", "pattern": theme.label,
             "observed": f"{theme.sources}/29 = {theme.sources / 29:.0%} [{lo:.0%}-{hi:.0%}]",
             "model": q, "model_text": _range(q, pct=True) + f"; indicator: {theme.indicator}",
             "match": bool(q["n"]) and q["lo"] <= hi and q["hi"] >= lo,
             "criterion": "co-owners' share, range over seeds, overlaps the 95% interval",
             "fitted": "", "construction": construction}
        )  # fmt: skip
    return rows


def statement_rows(results: dict) -> list[dict[str, Any]]:
    """Breeders' statements the model observes, read in the seed's industry."""
    base = runs_of(results, "uk_2018/both_on")
    co = quantiles([r["outcomes"].get("coowning_share", np.nan) for r in base])
    prot = quantiles([r["outcomes"].get("mean_protection_end", np.nan) for r in base])
    price = quantiles(
        [r["outcomes"]["mean_price_last_year"] / r["outcomes"]["price_first_year"] - 1
         for r in base if r["outcomes"].get("price_first_year", 0) > 0]
    )  # fmt: skip
    return [
        {"kind": "breeders' statement", "pattern": "\"Most alpaca owners see the other "
         "breeders as competition rather than as collaborators\" (I15)",
         "observed": "most breeders", "model": co,
         "model_text": "co-owning at the end: " + _range(co, pct=True),
         "match": bool(co["n"]) and co["hi"] < 0.5,
         "criterion": "fewer than half the breeders co-own (range over seeds below 50%)",
         "fitted": ""},
        {"kind": "breeders' statement", "pattern": "\"There is always an element of "
         "protectionism\" (I17)", "observed": "protection persists", "model": prot,
         "model_text": "mean protection at the end: " + _range(prot),
         "match": bool(prot["n"]) and prot["lo"] > 0.1,
         "criterion": "mean protection after the run above 0.1 in every run",
         "fitted": ", ".join(f"`{n}`" for n in fitted_to_statement("protectionism"))},
        {"kind": "breeders' statement", "pattern": "\"Price declined as the number of "
         "alpacas increased\" (I9)", "observed": "price falls", "model": price,
         "model_text": "last year's mean sale price over the first year's, -1: "
         + _range(price, pct=True),
         "match": bool(price["n"]) and price["hi"] < 0,
         "criterion": "the price falls in every run",
         "fitted": ", ".join(f"`{n}`" for n in calibrated_parameters())
         + " (the national price series falls from 5,000 to 1,500 GBP)"},
        {"kind": "breeders' statement", "pattern": "popular studs are full (co-owned stud "
         "seasons at capacity)", "observed": "the most-used tenth of seasons full",
         "model": quantiles([]), "model_text": "not re-measured here (docs/PARADOX.md)",
         "match": False, "criterion": "fitted, so not evidence",
         "fitted": ", ".join(f"`{n}`" for n in fitted_to_statement("co-owned stud"))
         or "`coowned_season`"},
    ]  # fmt: skip


def patterns_table(results: dict, month: int) -> dict[str, Any]:
    """Every pattern row, and the count of independent ones that match."""
    rows = series_rows(results) + type_rows(results, month) + table4_rows(results)
    rows += statement_rows(results)
    for r in rows:
        r["independent"] = not r["fitted"] and not r.get("construction", False)
    indep = [r for r in rows if r["independent"]]
    return {
        "rows": rows,
        "independent": len(indep),
        "matched": sum(bool(r["match"]) for r in indep),
        "coowning": interval(
            [
                r["outcomes"].get("coowning_share", np.nan)
                for r in runs_of(results, "uk_2018/both_on")
            ]
        ),
    }
