"""From the runs to the verdicts: paired effects, power, P3, P4, Table 4, splits, robustness."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import patterns
from scipy import stats

import alpaca_abm

from .design import (
    CHECK,
    DEFINITIONAL_CHECKS,
    DUMMY,
    P3_OUTCOMES,
    P3_PRACTICES,
    P4_OUTCOMES,
    PATTERN_INDUSTRY,
    POWER,
    PRIMARY,
    PROPOSITIONS,
    ROBUSTNESS_ARMS,
    SEEDS_CAP,
    Contrast,
    Design,
    seed_list,
)


# --- statistics -------------------------------------------------------------------------------
def paired(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Mean paired difference a - b over seeds, its t-interval, and the reference mean."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    d = a[ok] - b[ok]
    n = len(d)
    out = {
        "n": n,
        "a": float(np.mean(a[ok])) if n else np.nan,
        "b": float(np.mean(b[ok])) if n else np.nan,
    }
    if n < 2:
        return out | {"diff": np.nan, "lo": np.nan, "hi": np.nan, "p": np.nan}
    se = d.std(ddof=1) / np.sqrt(n)
    t = stats.t.ppf(0.5 + level / 2, n - 1)
    p = float(stats.ttest_1samp(d, 0.0).pvalue) if se > 0 else (0.0 if d.mean() else 1.0)
    sd = float(np.sqrt((a[ok].var(ddof=1) + b[ok].var(ddof=1)) / 2))  # of the outcome
    return out | {
        "diff": float(d.mean()),
        "lo": float(d.mean() - t * se),
        "hi": float(d.mean() + t * se),
        "p": p,
        "sd": sd,
    }


def judge(effect: dict[str, float], sign: int) -> str:
    if sign == 0 or not np.isfinite(effect.get("lo", np.nan)):
        return "reported"
    if effect["lo"] > 0:
        return "supports" if sign > 0 else "contradicts"
    if effect["hi"] < 0:
        return "supports" if sign < 0 else "contradicts"
    return "no effect"


def verdict(judgements: list[str]) -> str:
    sup, con = judgements.count("supports"), judgements.count("contradicts")
    if sup == len(judgements):
        return "Supported"
    if sup and not con:
        return "Partly supported"
    if sup and con:
        return "Mixed"
    if con:
        return "Not supported (contradicted)"
    return "Not supported (no detectable effect)"


def ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Standardised OLS coefficients (no intercept after centring) and their standard errors."""
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    xs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    sd = y.std(ddof=1)
    ys = (y - y.mean()) / (sd if sd > 0 else 1.0)
    n, k = xs.shape
    beta, *_ = np.linalg.lstsq(xs, ys, rcond=None)
    resid = ys - xs @ beta
    dof = n - k - 1
    s2 = resid @ resid / max(dof, 1)
    se = np.sqrt(np.diag(s2 * np.linalg.pinv(xs.T @ xs)))
    return beta, se, dof


def industry_results(results: dict, industry: str) -> dict[tuple[str, int], dict]:
    """The runs of one industry, keyed (arm, seed) without the industry prefix."""
    prefix = f"{industry}/"
    return {(a[len(prefix) :], s): r for (a, s), r in results.items() if a.startswith(prefix)}


# --- power -------------------------------------------------------------------------------------
def seeds_needed(
    sd_diff: float, sesoi: float, power: float = POWER, alpha: float = 0.05, cap: int = SEEDS_CAP
) -> int:
    """Seeds a paired t-test needs to detect a mean difference `sesoi` with `power`, given
    the sd of the paired differences (iterated t-quantiles; at least 2)."""
    if not (np.isfinite(sd_diff) and np.isfinite(sesoi)) or sesoi <= 0:
        return -1
    if sd_diff == 0:
        return 2
    n = 2
    while n < cap:
        t_a = stats.t.ppf(1 - alpha / 2, n - 1)
        t_b = stats.t.ppf(power, n - 1)
        if n >= ((t_a + t_b) * sd_diff / sesoi) ** 2:
            return n
        n += 1
    return cap


def all_contrasts() -> list[tuple[str, Contrast]]:
    return [(p.key, c) for p in PROPOSITIONS for c in p.contrasts] + list(DEFINITIONAL_CHECKS)


def power_table(results: dict, design: Design, n: int) -> pd.DataFrame:
    """From the pilot (the first `n` seeds): per primary outcome and industry, the sd of the
    paired differences, the smallest effect of interest and the seeds it needs."""
    rows = []
    seeds = seed_list(design, n)
    for ind in design.industries:
        runs = outcome_frame(industry_results(results, ind))
        for key, c in all_contrasts():
            for o in c.outcomes:
                if o.role != PRIMARY:
                    continue
                a = arm_values(runs, c.arm, o.column, seeds)
                b = arm_values(runs, c.reference, o.column, seeds)
                ok = np.isfinite(a) & np.isfinite(b)
                d = a[ok] - b[ok]
                sd = float(d.std(ddof=1)) if len(d) > 1 else np.nan
                ref = float(np.mean(b[ok])) if ok.any() else np.nan
                sesoi = o.sesoi if o.sesoi is not None else o.sesoi_rel * abs(ref)
                rows.append(
                    {
                        "industry": ind,
                        "prop": key,
                        "contrast": c.label,
                        "outcome": o.label,
                        "column": o.column,
                        "pilot": int(ok.sum()),
                        "reference": ref,
                        "sd_diff": sd,
                        "sesoi": sesoi,
                        "needed": seeds_needed(sd, sesoi),
                    }
                )
    return pd.DataFrame(rows)


def seeds_from_power(power: pd.DataFrame, design: Design) -> int:
    need = power["needed"][power["needed"] > 0]
    want = int(need.max()) if len(need) else design.seeds
    return int(min(max(design.seeds, want), max(design.max_seeds, design.seeds)))


# --- analysis ----------------------------------------------------------------------------------
def outcome_frame(results: dict) -> pd.DataFrame:
    rows = [{"arm": arm, "seed": seed} | res["outcomes"] for (arm, seed), res in results.items()]
    return pd.DataFrame(rows).sort_values(["arm", "seed"]).reset_index(drop=True)


def arm_values(runs: pd.DataFrame, arm: str, column: str, seeds: list[int]) -> np.ndarray:
    sub = runs[runs["arm"] == arm].set_index("seed")
    if column not in sub:
        return np.full(len(seeds), np.nan)
    return sub[column].reindex(seeds).to_numpy(float)


def analyse_contrast(runs: pd.DataFrame, c: Contrast, seeds: list[int]) -> list[dict]:
    rows = []
    for o in c.outcomes:
        e = paired(
            arm_values(runs, c.arm, o.column, seeds), arm_values(runs, c.reference, o.column, seeds)
        )
        rows.append({"contrast": c.label, "outcome": o, "effect": e, "judgement": judge(e, o.sign)})
    return rows


def analyse_propositions(runs: pd.DataFrame, seeds: list[int]) -> list[dict]:
    """Per proposition: every outcome's paired effect and judgement; the verdict from the
    primary outcomes only; the manipulation checks apart (a failed check makes the verdict
    uninformative about the proposition)."""
    out = []
    for prop in PROPOSITIONS:
        rows = [r for c in prop.contrasts for r in analyse_contrast(runs, c, seeds)]
        primaries = [r["judgement"] for r in rows if r["outcome"].role == PRIMARY]
        checks = [r for r in rows if r["outcome"].role == CHECK]
        failed = [r for r in checks if r["judgement"] != "supports"]
        v = verdict(primaries)
        if failed:
            v += (
                " (manipulation check failed: "
                + ", ".join(r["outcome"].label for r in failed)
                + ")"
            )
        out.append(
            {
                "prop": prop,
                "rows": rows,
                "verdict": v,
                "checks_failed": len(failed),
                "checks": len(checks),
            }
        )
    return out


def analyse_definitional(runs: pd.DataFrame, seeds: list[int]) -> list[dict]:
    return [
        {"prop": key, "rows": analyse_contrast(runs, c, seeds)} for key, c in DEFINITIONAL_CHECKS
    ]


def analyse_robustness(results: dict, points: pd.DataFrame, design: Design) -> dict[str, Any]:
    """Each primary effect of P1a-P2c re-estimated at every point of the Latin hypercube of
    assumed parameters (one seed per point, paired across arms); its mean over the range with
    a 95% interval; first-order Sobol' indices (RBD-FAST, SALib) of the effect on each
    parameter; and, from a linear fit on the parameters, the effect predicted at each end of
    each parameter's range (the others at mid-range): a parameter flips the verdict when that
    prediction has the other sign and its coefficient is significant (Bonferroni)."""
    if not len(points):
        return {"rows": [], "points": 0}
    from SALib.analyze import rbd_fast

    names = list(design.robustness)
    # a dummy the model never reads: its S1 is the noise floor of the indices at this size
    dummy = np.random.default_rng(design.seed_base).uniform(size=len(points))
    problem = {
        "num_vars": len(names) + 1,
        "names": [*names, DUMMY],
        "bounds": [list(design.robustness[n]) for n in names] + [[0.0, 1.0]],
    }
    x_all = points[names].to_numpy(float)
    rows = []
    for prop in PROPOSITIONS:
        for c in prop.contrasts:
            if c.arm not in ROBUSTNESS_ARMS or c.reference not in ROBUSTNESS_ARMS:
                continue
            for o in c.outcomes:
                if o.role != PRIMARY:
                    continue
                eff = np.full(len(points), np.nan)
                for i in range(len(points)):
                    seed = design.seed_base + 20_000 + i
                    a = results.get((f"rob:{i}/{c.arm}", seed))
                    b = results.get((f"rob:{i}/{c.reference}", seed))
                    if a and b:
                        eff[i] = a["outcomes"].get(o.column, np.nan) - b["outcomes"].get(
                            o.column, np.nan
                        )
                ok = np.isfinite(eff)
                row = {"prop": prop.key, "contrast": c.label, "outcome": o, "n": int(ok.sum())}
                if ok.sum() < 4:
                    rows.append(row | {"mean": np.nan})
                    continue
                y, x = eff[ok], x_all[ok]
                m, s = float(y.mean()), float(y.std(ddof=1))
                t = stats.t.ppf(0.975, len(y) - 1)
                row |= {
                    "mean": m,
                    "lo": m - t * s / np.sqrt(len(y)),
                    "hi": m + t * s / np.sqrt(len(y)),
                    "share_expected": float(np.mean(np.sign(y) == o.sign)) if o.sign else np.nan,
                }
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0: a flat effect
                        si = rbd_fast.analyze(
                            problem,
                            np.c_[x, dummy[ok]],
                            y,
                            M=min(10, max(1, len(y) // 8)),
                            seed=design.seed_base,
                        )
                    s1 = np.asarray(si["S1"], float)
                except (ValueError, ZeroDivisionError, FloatingPointError):
                    s1 = np.full(len(names) + 1, np.nan)
                row["s1"] = dict(zip([*names, DUMMY], s1, strict=True))
                flips = []
                if len(y) > len(names) + 3 and s > 0:
                    xs = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1)
                    design_m = np.c_[np.ones(len(y)), xs]
                    beta, *_ = np.linalg.lstsq(design_m, y, rcond=None)
                    resid = y - design_m @ beta
                    dof = len(y) - design_m.shape[1]
                    s2 = resid @ resid / dof
                    se = np.sqrt(np.diag(s2 * np.linalg.pinv(design_m.T @ design_m)))
                    pval = 2 * stats.t.sf(np.abs(beta / np.where(se > 0, se, np.inf)), dof)
                    alpha = 0.05 / len(names)
                    mid = beta[0] + (xs.mean(axis=0) * beta[1:]).sum()
                    for j, name in enumerate(names):
                        lo_x, hi_x = xs[:, j].min(), xs[:, j].max()
                        ends = (
                            mid + beta[j + 1] * (lo_x - xs[:, j].mean()),
                            mid + beta[j + 1] * (hi_x - xs[:, j].mean()),
                        )
                        if pval[j + 1] < alpha and np.sign(ends[0]) != np.sign(ends[1]):
                            flips.append((name, float(beta[j + 1]), float(ends[0]), float(ends[1])))
                row["flips"] = flips
                rows.append(row)
    return {"rows": rows, "points": len(points), "names": [*names, DUMMY]}


def robustness_verdict(res: dict, rob: dict) -> tuple[str, list[str]]:
    """'robust' / 'fragile' (with the parameters) / 'not tested' for one proposition."""
    rows = [
        r
        for r in rob.get("rows", [])
        if r["prop"] == res["prop"].key and np.isfinite(r.get("mean", np.nan))
    ]
    if not rows:
        return "not tested", []
    judged = {(r["contrast"], r["outcome"].column): r["judgement"] for r in res["rows"]}
    fragile, params = False, []
    for r in rows:
        j = judged.get((r["contrast"], r["outcome"].column))
        if j not in ("supports", "contradicts"):
            continue  # no effect at the defaults: robustness reported, not a flip
        expected = r["outcome"].sign * (1 if j == "supports" else -1)
        same = (r["lo"] > 0) if expected > 0 else (r["hi"] < 0)
        if not same or r["flips"]:
            fragile = True
            params += [f[0] for f in r["flips"]]
    return ("fragile" if fragile else "robust"), sorted(set(params))


def analyse_p3(runs: pd.DataFrame, practices: pd.DataFrame) -> dict[str, Any]:
    n = len(practices)
    if n < len(P3_PRACTICES) + 3:
        return {"n": n, "table": pd.DataFrame(), "verdicts": {}, "alpha": np.nan}
    sub = runs[runs["arm"].str.startswith("p3:")].copy()
    sub["i"] = sub["arm"].str.slice(3).astype(int)
    sub = sub.set_index("i").sort_index()
    x = practices.loc[sub.index, list(P3_PRACTICES)].to_numpy(float)
    n_tests = len(P3_PRACTICES) * len(P3_OUTCOMES)
    alpha = 0.05 / n_tests  # Bonferroni over every practice x outcome
    rows = []
    for col, (level, label) in P3_OUTCOMES.items():
        beta, se, dof = ols(x, sub[col].to_numpy(float))
        t95 = stats.t.ppf(0.975, dof)
        p = 2 * stats.t.sf(np.abs(beta / np.where(se > 0, se, np.inf)), dof)
        for j, name in enumerate(P3_PRACTICES):
            rows.append(
                {
                    "outcome": col,
                    "outcome_level": level,
                    "outcome_label": label,
                    "practice": name,
                    "practice_level": P3_PRACTICES[name][0],
                    "beta": beta[j],
                    "lo": beta[j] - t95 * se[j],
                    "hi": beta[j] + t95 * se[j],
                    "p": p[j],
                    "significant": p[j] < alpha,
                }
            )
    table = pd.DataFrame(rows)
    verdicts = {
        lvl: bool(table[(table["outcome_level"] == lvl)]["significant"].any())
        for lvl in ("individual", "organisational", "industry")
    }
    return {"n": n, "table": table, "verdicts": verdicts, "alpha": alpha}


def analyse_p4(runs: pd.DataFrame, seeds: list[int], envs: list[str]) -> pd.DataFrame:
    rows = []
    for col, label in P4_OUTCOMES.items():
        base = arm_values(runs, "base", col, seeds) - arm_values(runs, "no_coop", col, seeds)
        e0 = paired(arm_values(runs, "base", col, seeds), arm_values(runs, "no_coop", col, seeds))
        rows.append(
            {
                "environment": "none",
                "outcome": col,
                "label": label,
                "effect": e0,
                "interaction": None,
            }
        )
        for env in envs:
            on = arm_values(runs, f"{env}:on", col, seeds)
            off = arm_values(runs, f"{env}:off", col, seeds)
            e = paired(on, off)
            inter = paired(on - off, base)
            rows.append(
                {
                    "environment": env,
                    "outcome": col,
                    "label": label,
                    "effect": e,
                    "interaction": inter,
                }
            )
    return pd.DataFrame(rows)


def share_stats(values: list[tuple[float, float]]) -> dict[str, float]:
    """Per-run shares (count/n) -> mean, sd over runs, pooled share, runs used."""
    shares = np.array([c / n for c, n in values if n > 0])
    pooled_n = sum(n for _, n in values)
    return {
        "mean": float(shares.mean()) if len(shares) else np.nan,
        "sd": float(shares.std(ddof=1)) if len(shares) > 1 else np.nan,
        "lo": float(np.quantile(shares, 0.025)) if len(shares) else np.nan,
        "hi": float(np.quantile(shares, 0.975)) if len(shares) else np.nan,
        "pooled": sum(c for c, _ in values) / pooled_n if pooled_n else np.nan,
        "firms": pooled_n / max(len(values), 1),
        "runs": len(shares),
    }


def analyse_table4(results: dict, envs: list[str]) -> pd.DataFrame:
    rows = []
    for theme in patterns.TABLE4_THEMES:
        arm = "base" if theme.arm == "base" else f"{theme.arm}:on"
        if theme.arm != "base" and theme.arm not in envs:
            rows.append({"theme": theme, "arm": arm, "available": False})
            continue
        t4 = [res["table4"] for (a, _), res in results.items() if a == arm and "table4" in res]
        row = {"theme": theme, "arm": arm, "available": True}
        for group in ("coowners", "others", "seed_coowners"):
            row[group] = share_stats([t[f"{theme.key}:{group}"] for t in t4])
        if theme.key == "knowledge":
            row["strict"] = share_stats([t["knowledge_strict:coowners"] for t in t4])
        if theme.arm != "base":  # the same indicator, same seeds, without the shock
            t0 = [
                res["table4"] for (a, _), res in results.items() if a == "base" and "table4" in res
            ]
            row["without"] = share_stats([t[f"{theme.key}:coowners"] for t in t0])
        rows.append(row)
    return pd.DataFrame(rows)


def analyse_splits(results: dict) -> dict[int, dict[str, dict[str, np.ndarray]]]:
    by_snap: dict[int, dict[str, list[np.ndarray]]] = {}
    for (arm, _), res in results.items():
        if arm != "base":
            continue
        for snap, split in res["split"].items():
            n_active = split.get("n_active", np.nan)
            with_partners = split["firms"].sum()
            by_snap.setdefault(snap, {}).setdefault("coowning", []).append(
                np.array([with_partners / n_active if n_active else np.nan])
            )
            for kind, counts in split.items():
                if kind == "n_active":
                    continue
                if counts.sum() > 0:
                    by_snap.setdefault(snap, {}).setdefault(kind, []).append(counts / counts.sum())
    out = {}
    for snap, kinds in sorted(by_snap.items()):
        out[snap] = {}
        for kind, shares in kinds.items():
            a = np.array(shares)
            out[snap][kind] = {
                "mean": a.mean(axis=0),
                "sd": a.std(axis=0, ddof=1) if len(a) > 1 else np.zeros(3),
                "runs": len(a),
            }
    return out


def start_check(seed: int) -> dict[str, Any]:
    """What the uk_2018 industry holds at month 0."""
    from alpaca_abm import metrics

    model = alpaca_abm.AlpacaModel(patterns.SCENARIO, rng=seed)
    table = metrics.breeder_table(model)
    seed_rows = table[table["seed_firm"] > 0]
    return {
        "n": len(table),
        "seed_firms": int(seed_rows["seed_firm"].nunique()),
        "small": int((table["size_class"] == "small").sum()),
        "exporters_seed": int(seed_rows["exports"].sum()),
        "synthetic": int(table["synthetic"].sum()),
        "herd_seed": int(seed_rows["herd_size"].sum()),
    }


def analyse(
    results: dict,
    design: Design,
    n_seeds: int,
    power: pd.DataFrame,
    practices: pd.DataFrame,
    points: pd.DataFrame,
) -> dict[str, Any]:
    """Everything the report shows, from the runs."""
    seeds = seed_list(design, n_seeds)
    envs = list(design.environments)
    by_ind = {ind: industry_results(results, ind) for ind in design.industries}
    frames = {ind: outcome_frame(r) for ind, r in by_ind.items()}
    pat = by_ind[PATTERN_INDUSTRY]
    return {
        "results": results,
        "seeds": n_seeds,
        "power": power,
        "props": {ind: analyse_propositions(frames[ind], seeds) for ind in design.industries},
        "definitional": {
            ind: analyse_definitional(frames[ind], seeds) for ind in design.industries
        },
        "p3": analyse_p3(frames[PATTERN_INDUSTRY], practices),
        "p4": analyse_p4(frames[PATTERN_INDUSTRY], seeds, envs),
        "table4": analyse_table4(pat, envs),
        "splits": analyse_splits(pat),
        "rob": analyse_robustness(results, points, design),
        "start": start_check(design.seed_base),
        "frames": frames,
    }
