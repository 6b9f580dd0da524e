"""The report (docs/VALIDATION.md) and its figures, from the analysis."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import patterns
from scipy import stats

import alpaca_abm
from alpaca_abm import coownership
from alpaca_abm.params import PARAMETERS

from .analysis import industry_results, robustness_verdict
from .design import (
    CHECK,
    DEFINITIONAL,
    DUMMY,
    ENVIRONMENTS,
    EVENT_SESOI,
    FIRST_VALIDATION,
    JUDGING_CHANGES,
    LEVEL_SHORT,
    MONEY_SESOI,
    P3_OUTCOMES,
    P3_PRACTICES,
    P4_OUTCOMES,
    PATTERN_INDUSTRY,
    POWER,
    PRIMARY,
    PROPOSITIONS,
    ROBUSTNESS_RANGE,
    SECONDARY,
    SEEDS_CAP,
    SESOI_RELATIVE,
    SHARE_SESOI,
    TYPE_LABELS,
    TYPES,
    Design,
    Outcome,
    calibration_months,
)


# --- figures -----------------------------------------------------------------------------------
def effects_figure(plt, props: list[dict], industry: str, path: Path) -> Path:
    """Effects of P1a-P2c in sds of the outcome across seeds (defined even at a zero mean)."""
    colour = {
        "supports": "#2b7a3d",
        "contradicts": "#b2182b",
        "no effect": "#777777",
        "reported": "#4a6fa5",
    }
    items = []
    for res in props:
        for r in res["rows"]:
            e, o = r["effect"], r["outcome"]
            if o.role == SECONDARY:
                continue
            sd = e.get("sd", np.nan)
            scale = sd if np.isfinite(sd) and sd > 0 else np.nan
            tag = "" if o.role == PRIMARY else f" [{o.role}]"
            items.append(
                (
                    f"{res['prop'].key} {o.label}{tag}",
                    e["diff"] / scale,
                    e["lo"] / scale,
                    e["hi"] / scale,
                    r["judgement"],
                )
            )
    fig, ax = plt.subplots(figsize=(11, 0.28 * len(items) + 1.6))
    ys = np.arange(len(items))[::-1]
    for y, (_, m, lo, hi, j) in zip(ys, items, strict=True):
        if np.isfinite(m):
            ax.errorbar(m, y, xerr=[[m - lo], [hi - m]], fmt="o", color=colour[j], ms=4, capsize=2)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(ys, [i[0] for i in items], fontsize=7)
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel("effect (arm - reference, paired) in sds of the outcome across seeds; 95% CI")
    handles = [plt.Line2D([], [], color=c, marker="o", ls="", label=k) for k, c in colour.items()]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"{industry}: P1a-P2c, primary outcomes and manipulation checks", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def robustness_figure(plt, rob: dict, path: Path) -> Path | None:
    """First-order Sobol' indices (RBD-FAST) of each primary effect on each assumed parameter."""
    rows = [r for r in rob.get("rows", []) if "s1" in r]
    if not rows:
        return None
    names = rob["names"]
    mat = np.array([[r["s1"][n] for n in names] for r in rows])
    fig, ax = plt.subplots(figsize=(0.32 * len(names) + 7, 0.3 * len(rows) + 2))
    top = np.nanmax(mat) if np.isfinite(mat).any() else 1.0
    im = ax.imshow(np.clip(mat, 0, 1), cmap="viridis", vmin=0, vmax=max(0.3, top))
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=6)
    ax.set_yticks(range(len(rows)), [f"{r['prop']} {r['outcome'].label}" for r in rows], fontsize=6)
    fig.colorbar(im, ax=ax, label="S1 (RBD-FAST)")
    ax.set_title(
        f"Robustness: what drives each effect over {rob['points']} points of the "
        "assumed parameters",
        fontsize=8,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def figures(
    out: Path, props_by: dict[str, list[dict]], p3, p4, table4, splits, envs, rob: dict
) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for ind, props in props_by.items():
        paths[f"effects:{ind}"] = effects_figure(
            plt, props, ind, out / f"validation_effects_{ind}.png"
        )
    rpath = robustness_figure(plt, rob, out / "validation_robustness.png")
    if rpath is not None:
        paths["robustness"] = rpath

    # 2. Table 4: simulated vs reported
    t4 = table4[table4["available"]]
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(t4) + 1.2))
    ys = np.arange(len(t4))[::-1]
    co = np.array([s["mean"] for s in t4["coowners"]])
    co_sd = np.array([s["sd"] for s in t4["coowners"]])
    others = np.array([s["mean"] for s in t4["others"]])
    seed = np.array([th.sources / patterns.SEED_FIRMS for th in t4["theme"]])
    h = 0.27
    ax.barh(
        ys + h,
        co,
        h,
        xerr=np.nan_to_num(co_sd),
        color="#4a6fa5",
        capsize=2,
        label="simulated: incumbents that co-owned (mean, sd over seeds)",
    )
    ax.barh(ys, others, h, color="#a8bcd8", label="simulated: incumbents that never co-owned")
    ax.barh(ys - h, seed, h, color="#d08c3c", label="reported: share of the 29 firms (Table 4)")
    ax.set_yticks(ys, [f"{th.label} ({th.group})" for th in t4["theme"]], fontsize=7)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("share of firms")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title(
        "Table 4 themes: simulated firms that experience it vs interviewed firms that named it",
        fontsize=9,
    )
    fig.tight_layout()
    paths["table4"] = out / "validation_table4.png"
    fig.savefig(paths["table4"], dpi=130)
    plt.close(fig)

    # 3. relationship types
    snaps = sorted(splits)
    fig, ax = plt.subplots(figsize=(8, 3.6))
    target = np.array([patterns.SEED_SPLIT[t] for t in TYPES]) / patterns.SEED_FIRMS
    groups = [("seed", target, np.zeros(3), "seed: 29 firms (Table 2)")]
    for snap in snaps:
        f = splits[snap]["firms"]
        groups.append((f"firms {snap}", f["mean"], f["sd"], f"model, firms, month {snap}"))
    w = 0.8 / len(groups)
    x = np.arange(3)
    for i, (_, m, sd, lab) in enumerate(groups):
        ax.bar(x - 0.4 + w * (i + 0.5), m, w, yerr=sd, capsize=2, label=lab)
    ax.set_xticks(x, TYPE_LABELS)
    ax.set_ylabel("share of firms with partners")
    ax.legend(fontsize=7)
    ax.set_title("Relationship type (per firm, dominant type of its partnerships)", fontsize=9)
    fig.tight_layout()
    paths["types"] = out / "validation_relationship_types.png"
    fig.savefig(paths["types"], dpi=130)
    plt.close(fig)

    # 4. P3 heatmap
    if len(p3["table"]):
        tab = p3["table"].pivot(index="outcome", columns="practice", values="beta")
        tab = tab.loc[list(P3_OUTCOMES), list(P3_PRACTICES)]
        sig = p3["table"].pivot(index="outcome", columns="practice", values="significant")
        sig = sig.loc[list(P3_OUTCOMES), list(P3_PRACTICES)]
        fig, ax = plt.subplots(figsize=(8.5, 4.8))
        im = ax.imshow(tab.to_numpy(float), cmap="RdBu_r", vmin=-1, vmax=1)
        for i in range(tab.shape[0]):
            for j in range(tab.shape[1]):
                v = tab.iat[i, j]
                ax.text(
                    j,
                    i,
                    f"{v:.2f}{'*' if sig.iat[i, j] else ''}",
                    ha="center",
                    va="center",
                    fontsize=7,
                )
        ax.set_xticks(range(tab.shape[1]), tab.columns, rotation=30, ha="right", fontsize=7)
        ax.set_yticks(
            range(tab.shape[0]),
            [f"{P3_OUTCOMES[c][1]} ({LEVEL_SHORT[P3_OUTCOMES[c][0]]})" for c in tab.index],
            fontsize=7,
        )
        fig.colorbar(im, ax=ax, label="standardised coefficient")
        ax.set_title(
            f"P3: outcomes on practices over {p3['n']} runs (* Bonferroni p < {p3['alpha']:.1e})",
            fontsize=9,
        )
        fig.tight_layout()
        paths["p3"] = out / "validation_p3.png"
        fig.savefig(paths["p3"], dpi=130)
        plt.close(fig)

    # 5. P4: coopetition effect by environment
    if len(envs):
        cols = list(P4_OUTCOMES)
        fig, axes = plt.subplots(1, len(cols), figsize=(3.0 * len(cols), 3.2))
        for ax, col in zip(np.atleast_1d(axes), cols, strict=True):
            sub = p4[p4["outcome"] == col]
            names = sub["environment"].tolist()
            m = np.array([e["diff"] for e in sub["effect"]])
            lo = np.array([e["lo"] for e in sub["effect"]])
            hi = np.array([e["hi"] for e in sub["effect"]])
            xs = np.arange(len(names))
            ax.errorbar(xs, m, yerr=[m - lo, hi - m], fmt="o", capsize=3)
            ax.axhline(m[0], color="grey", lw=0.8, ls="--")
            ax.axhline(0, color="black", lw=0.6)
            ax.set_xticks(xs, names, rotation=40, ha="right", fontsize=7)
            ax.set_title(P4_OUTCOMES[col], fontsize=7)
        fig.suptitle(
            "P4: coopetition effect (on - off, 95% CI) by environment; dashed: no shock", fontsize=9
        )
        fig.tight_layout()
        paths["p4"] = out / "validation_p4.png"
        fig.savefig(paths["p4"], dpi=130)
        plt.close(fig)
    return paths


# --- the report --------------------------------------------------------------------------------
def fmt(v: float, digits: int = 3) -> str:
    if v is None or not np.isfinite(v):
        return "n/a"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.{digits}g}" if a < 0.01 and a > 0 else f"{v:.{digits}f}".rstrip("0").rstrip(".")


def ci(e: dict[str, float]) -> str:
    return f"{fmt(e['diff'])} [{fmt(e['lo'])}, {fmt(e['hi'])}]"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a share k/n (the seed's counts of 29 firms)."""
    if n == 0:
        return (np.nan, np.nan)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (mid - half, mid + half)


def calibration_targets() -> list[dict[str, Any]]:
    """The public series experiments/calibrate.py fits (its `targets()`), as plain rows."""
    try:
        import calibrate  # experiments/calibrate.py, beside this file
    except ImportError as err:
        return [{"error": str(err)}]
    try:
        return [
            {
                "key": t.key,
                "column": t.column,
                "year": t.year,
                "observed": t.observed,
                "sd": t.sd,
                "label": t.label,
            }
            for t in calibrate.targets()
        ]
    except (AttributeError, KeyError, TypeError) as err:
        return [{"error": f"calibrate.targets() failed: {err}"}]


def series_at(results: dict, arm: str, column: str, year: int) -> dict[str, float]:
    vals = [
        r["yearly"][column][year]
        for (a, _), r in results.items()
        if a == arm and "yearly" in r and year in r["yearly"].get(column, {})
    ]
    if not vals:
        return {"mean": np.nan, "lo": np.nan, "hi": np.nan, "n": 0}
    v = np.array(vals)
    return {
        "mean": float(v.mean()),
        "lo": float(np.quantile(v, 0.025)),
        "hi": float(np.quantile(v, 0.975)),
        "n": len(v),
    }


def row_label(o: Outcome) -> str:
    return {
        PRIMARY: o.label,
        SECONDARY: f"*{o.label}*",
        CHECK: f"check: {o.label}",
        DEFINITIONAL: f"definitional: {o.label}",
    }[o.role]


def effect_table(w, rows: list[dict]) -> None:
    w(
        "| experiment | outcome | role | arm | reference | difference [95% CI] | change | "
        "judgement |"
    )
    w("|---|---|---|---|---|---|---|---|")
    for r in rows:
        e, o = r["effect"], r["outcome"]
        change = (
            f"{100 * e['diff'] / abs(e['b']):+.1f}%"
            if np.isfinite(e.get("b", np.nan))
            and e["b"] != 0
            and np.isfinite(e.get("diff", np.nan))
            else "n/a"
        )
        w(
            f"| {r['contrast']} | {row_label(o)} | {o.role} | {fmt(e.get('a', np.nan))} | "
            f"{fmt(e.get('b', np.nan))} | {ci(e)} | {change} | {r['judgement']} |"
        )
    w("")


def report(design: Design, ctx: dict[str, Any], paths: dict[str, Path], doc: Path) -> str:
    """docs/VALIDATION.md from the analysed runs: every number below comes from `ctx`."""
    rel = {k: os.path.relpath(v, doc.parent) for k, v in paths.items()}
    props_by, p3, p4 = ctx["props"], ctx["p3"], ctx["p4"]
    envs = list(design.environments)
    pat = PATTERN_INDUSTRY
    lines: list[str] = []
    w = lines.append
    w("# Validation: the seed's propositions and patterns tested on the model")
    w("")
    w(
        "Generated by `python experiments/propositions.py` "
        f"({' '.join(a for a in sys.argv[1:] if a != '--report-only') or 'default design'}) "
        f"on {dt.date.today().isoformat()}, alpaca-abm {alpaca_abm.__version__}, Python "
        f"{platform.python_version()}. Do not edit by hand: change the script and run it again."
    )
    w("")
    if design.quick:
        w(
            "> **Quick design** (`--quick`): too few seeds, months and robustness points to judge "
            "anything; it checks that the script runs end to end. The validation is the default "
            "design."
        )
        w("")
    w("## Verdicts")
    w("")
    inds = list(design.industries)
    w(
        "| | " + " | ".join(f"`{i}`" for i in inds) + f" | robustness (`{pat}`) | first "
        "validation (2026-11-23) |"
    )
    w("|---|" + "---|" * (len(inds) + 2))
    for k, prop in enumerate(PROPOSITIONS):
        cells = [props_by[i][k]["verdict"] for i in inds]
        rv, params = robustness_verdict(props_by[pat][k], ctx["rob"])
        rtxt = rv + (f" ({', '.join(f'`{p}`' for p in params)})" if params else "")
        w(
            f"| {prop.key} | "
            + " | ".join(f"**{c}**" for c in cells)
            + f" | {rtxt} | {FIRST_VALIDATION[prop.key][0]} |"
        )
    w(
        f"| P3 | **{p3_summary_verdict(p3)}** (`{pat}`) | "
        + " | " * (len(inds) - 1)
        + f" not tested | {FIRST_VALIDATION['P3'][0]} |"
    )
    w(
        f"| P4 | **{p4_summary(p4, envs)[0]}** (`{pat}`) | "
        + " | " * (len(inds) - 1)
        + f" not tested | {FIRST_VALIDATION['P4'][0]} |"
    )
    w("")
    w(
        "A verdict rests on the primary outcomes only. Manipulation checks (did the intervention "
        "change what it was meant to change?) are judged apart; checks that hold by "
        "construction are listed under [Definitional checks](#definitional-checks) and never "
        "count as support. P3, P4 and the patterns use the seed's industry only: its firms were "
        "interviewed in 2019 and the shocks are dated in its years, while `uk_national`'s "
        f"{design.steps} months from {alpaca_abm.load_scenario('uk_national').start_year} end "
        "before them."
    )
    w("")
    w("## Design")
    w("")
    for ind in inds:
        s_ = alpaca_abm.load_scenario(ind)
        w(
            f"- **`{ind}`**: {s_.description} Each run lasts **{design.steps} months**, "
            f"{month_name(s_.start_year, s_.start_month, 0)} to "
            f"{month_name(s_.start_year, s_.start_month, design.steps - 1)}."
        )
    pw = ctx["power"]
    n_used = ctx["seeds"]
    w(
        f"- **Replicates**: {n_used} seeds ({design.seed_base} to {design.seed_base + n_used - 1})"
        " per arm in each industry, the same seeds in every arm (common random numbers: the "
        "same starting industry and random stream until the mechanisms make the runs diverge). "
        "They differ from the seeds the relationship-type split was calibrated on (0-11)."
    )
    need = pw["needed"][pw["needed"] > 0]
    over = pw[pw["needed"] > n_used]
    w(
        f"- **Power**: a pilot of the first {design.pilot} seeds of every arm gave the sd of "
        "each primary outcome's paired difference; the smallest effect of interest, fixed in "
        f"the script, is {SESOI_RELATIVE:.0%} of the reference arm's mean, {EVENT_SESOI:.0%} of "
        f"an event rate (conflicts, overuses), {MONEY_SESOI:.0%} of profit, "
        f"{100 * SHARE_SESOI:g} percentage points of a share, or a stated value where the "
        "reference is near zero; the seeds a paired t-test needs for "
        f"{POWER:.0%} power at the 5% level are {int(need.min()) if len(need) else 'n/a'} to "
        f"{int(need.max()) if len(need) else 'n/a'} across outcomes (table below). The design "
        f"uses at least {design.seeds} and at most {design.max_seeds} seeds: {n_used}. "
        + (
            f"{len(over)} outcome(s) would need more than that: for them 'no effect' is not "
            "evidence of absence (marked *underpowered*)."
            if len(over)
            else "Every primary outcome is powered for its smallest effect of interest."
        )
    )
    w(
        "- **Effect**: the mean over seeds of the paired difference (arm - reference) with a "
        "95% t-interval. An outcome *supports* its proposition when the interval excludes zero "
        "in the expected direction, *contradicts* it when it excludes zero in the other "
        "direction, and shows *no effect* otherwise. A proposition is *supported* when every "
        "primary outcome supports it, *partly supported* when some do and none contradicts, "
        "*mixed* when some support and some contradict. Outcomes, their roles and expected "
        "signs are fixed in the script (`PROPOSITIONS`) before the run."
    )
    rob = ctx["rob"]
    w(
        f"- **Robustness**: {rob['points']} points of a Latin hypercube (alpaca_abm.sweep, "
        f"SALib) over {len(design.robustness)} assumed parameters, each within "
        f"{ROBUSTNESS_RANGE[0]:g}-{ROBUSTNESS_RANGE[1]:g} x its default; every arm of P1a-P2c "
        f"runs at each point on `{pat}` (one seed per point, shared by the arms)."
    )
    w(
        f"- **P3**: {design.p3_runs} runs, each with its own seed and a Latin-hypercube draw of "
        f"{len(P3_PRACTICES)} practices; standardised OLS of each outcome on all practices; "
        "a relation counts when p < 0.05 / (practices x outcomes) (Bonferroni)."
    )
    w(
        f"- **P4**: coopetition on vs off under each shock, the same {n_used} seeds; the "
        "interaction is (on - off | shock) - (on - off | no shock), paired by seed, 95% "
        "t-interval, with Bonferroni over the shock x outcome family for the verdict."
    )
    cpu = ctx.get("cpu", np.nan)
    w(
        f"- **Runs**: {ctx['n_runs']} runs on {design.workers} worker processes; wall time "
        f"**{ctx['wall'] / 60:.1f} minutes** on this machine ({os.cpu_count()} cores, shared "
        "with other work while it ran, if any)"
        + (
            f"; the runs' own CPU time {cpu / 60:.1f} minutes, i.e. about "
            f"{cpu / 60 / max(design.workers, 1):.1f} minutes of wall time with "
            f"{design.workers} workers on an idle machine."
            if np.isfinite(cpu)
            else "."
        )
    )
    if design.missing_arms:
        w(
            "- **Arms the model could not run** (their outcomes show n/a): "
            + "; ".join(f"`{a}`: {why}" for a, why in design.missing_arms.items())
        )
    w("")
    w("**Power from the pilot** (primary outcomes):")
    w("")
    w(
        "| industry | proposition | outcome | pilot seeds | reference mean | sd of paired "
        "difference | smallest effect of interest | seeds needed |"
    )
    w("|---|---|---|---|---|---|---|---|")
    for _, r in pw.iterrows():
        needed = (
            f"> {SEEDS_CAP}"
            if r["needed"] >= SEEDS_CAP
            else r["needed"]
            if r["needed"] > 0
            else "n/a"
        )
        flag = " (*underpowered*)" if r["needed"] > n_used else ""
        w(
            f"| {r['industry']} | {r['prop']} | {r['outcome']} | {r['pilot']} | "
            f"{fmt(r['reference'])} | {fmt(r['sd_diff'])} | {fmt(r['sesoi'])} | "
            f"{needed}{flag} |"
        )
    w("")
    start = ctx["start"]
    w("## The seed's industry at month 0")
    w("")
    w(
        f"`alpaca-abm run --scenario {pat}` starts from {start['n']} firms: "
        f"{start['seed_firms']} of them are the seed's firms of Table 2 (herd sizes as printed, "
        f"{start['herd_seed']:,} alpacas together; {start['exporters_seed']} trade in Europe), "
        f"{start['synthetic']} are synthetic (flagged `synthetic` in every output), and "
        f"{start['small']} keep fewer than 50 alpacas (the seed's directory: 68 of 123). "
        "`tests/test_uk2018.py` checks this firm by firm."
    )
    w("")
    write_fitted(w, design, ctx)
    w("## Propositions (Table 1)")
    w("")
    for ind in inds:
        key = f"effects:{ind}"
        if key in rel:
            w(f"![Effects on {ind}]({rel[key]})")
            w("")
    for k, prop in enumerate(PROPOSITIONS):
        w(f"### {prop.key} ({prop.level} level)")
        w("")
        w(f"*Seed:* {prop.text}")
        w("")
        w(f"*Mechanism in the model:* {prop.stands_for}")
        w("")
        w(f"*Note:* {prop.note}")
        w("")
        for ind in inds:
            res = props_by[ind][k]
            checks = (
                f"{res['checks'] - res['checks_failed']} of {res['checks']} "
                "manipulation checks passed"
                if res["checks"]
                else "no manipulation check"
            )
            w(f"**`{ind}`: {res['verdict']}** ({checks})")
            w("")
            effect_table(w, res["rows"])
        rrows = [r for r in rob.get("rows", []) if r["prop"] == prop.key]
        if rrows:
            rv, params = robustness_verdict(props_by[pat][k], rob)
            w(
                f"*Robustness over the assumed parameters (`{pat}`): {rv}*"
                + (f", flipped by {', '.join(f'`{p}`' for p in params)}" if params else "")
                + "."
            )
            w("")
    write_definitional(w, ctx["definitional"], inds)
    write_robustness(w, rob, design, rel)
    write_p3(w, p3, rel)
    write_p4(w, p4, envs, design, rel)
    write_table4(w, ctx["table4"], design, rel, ctx["splits"], n_used)
    write_splits(w, ctx["splits"], rel)
    write_changes(w, props_by[pat], p3, p4, envs)
    w("## Not modelled")
    w("")
    w(
        "Themes of Table 4 the model has no counterpart for, and so cannot test: innovation, new "
        "ideas and new products; a credible profile and recognition; access to a foreign market "
        "through a partner; cohesiveness and safety; government support and legislation as "
        "named by the firms (the shock module has `recognition` and `legislation` events, not "
        "used here); the relational routines of stage 2 (communication, coordination) beyond "
        "openness and trust."
    )
    w("")
    return "\n".join(lines) + "\n"


def write_fitted(w, design: Design, ctx: dict[str, Any]) -> None:
    """What was fitted (and so cannot count as evidence) apart from what is claimed."""
    w("## What is fitted and what is claimed")
    w("")
    w(
        "No pattern is both fitted and claimed. Fitted (calibrated) quantities are shown here "
        "for what they are; the patterns used as evidence are Table 4's themes below, which no "
        "parameter was fitted to."
    )
    w("")
    w(
        "**Calibrated parameters** (provenance `calibrated`, or a note saying what they were "
        "set to reproduce):"
    )
    w("")
    w("| parameter | value | calibrated to |")
    w("|---|---|---|")
    for p in PARAMETERS:
        if p.source == "calibrated" or re.match(
            r"^(calibrated|set so|chosen so)", p.note, re.IGNORECASE
        ):
            w(f"| `{p.name}` | {p.default} | {p.note} |")
    w(
        f"| `coownership.TYPE_LOW`, `TYPE_HIGH` | {coownership.TYPE_LOW}, "
        f"{coownership.TYPE_HIGH} | the seed's 7 / 15 / 7 split of relationship types "
        "(`--calibrate-types`); no mechanism reads them |"
    )
    w("")
    w(
        "**Public time series the calibration fits** (experiments/calibrate.py `targets()`, "
        f"docs/CALIBRATION.md), beside {design.series_seeds} `uk_national` baseline runs of "
        f"{calibration_months()} months, as long as a calibration run (mean and 2.5-97.5% over "
        "seeds of the calendar-year mean). These are fitted: a match "
        "here is the calibration working, not evidence."
    )
    w("")
    w("| target | series | year | public figure | simulated (`uk_national`) |")
    w("|---|---|---|---|---|")
    nat = industry_results(ctx["results"], "uk_national")
    for t in calibration_targets():
        if "error" in t:
            w(f"| could not read the targets: {t['error']} | | | | |")
            continue
        s = series_at(nat, "series", t["column"], t["year"])
        sim = (
            f"{fmt(s['mean'])} [{fmt(s['lo'])}-{fmt(s['hi'])}]"
            if s["n"]
            else "outside the run's years"
        )
        w(f"| {t['label']} | `{t['column']}` | {t['year']} | {fmt(t['observed'])} | {sim} |")
    w("")
    w("No parameter was changed to make a proposition or a Table 4 pattern pass.")
    w("")


def write_definitional(w, definitional: dict[str, list[dict]], inds: list[str]) -> None:
    w("## Definitional checks")
    w("")
    w(
        "True by construction: they show that the code does what it says, as a unit test "
        "would, and are never counted as support for the proposition they belong to. A "
        "'contradicts' here would be a bug."
    )
    w("")
    for ind in inds:
        w(f"**`{ind}`**")
        w("")
        rows = [
            r | {"contrast": f"{d['prop']}: {r['contrast']}"}
            for d in definitional[ind]
            for r in d["rows"]
        ]
        effect_table(w, rows)


def write_robustness(w, rob: dict, design: Design, rel: dict) -> None:
    w("## Robustness over the assumed parameters")
    w("")
    if not rob.get("rows"):
        w("Not run (no robustness points in this design).")
        w("")
        return
    w(
        f"Each primary effect of P1a-P2c re-estimated at {rob['points']} points of a Latin "
        "hypercube (`alpaca_abm.sweep.design.latin_hypercube`, SALib) over the parameters "
        "below: those with provenance `assumption` in alpaca_abm/params.py (neither public "
        "nor calibrated) that the propositions' mechanisms read, each over "
        f"{ROBUSTNESS_RANGE[0]:g}-{ROBUSTNESS_RANGE[1]:g} x its default, clipped to its bounds. "
        "Other assumptions (herd biology, fleece, costs, shocks) stay at their defaults."
    )
    w("")
    w(", ".join(f"`{n}` {fmt(lo)}-{fmt(hi)}" for n, (lo, hi) in design.robustness.items()))
    w("")
    w(
        "A verdict is **fragile** when, for an outcome that supported or contradicted at the "
        "defaults, the mean effect over the range has no longer a 95% interval on the same "
        "side of zero, or a linear fit of the effect on the parameters (Bonferroni over "
        "parameters) predicts the other sign at one end of a parameter's range: that "
        "parameter flips it. S1: first-order Sobol' index (RBD-FAST, SALib) of the effect; the "
        "three largest above that of a dummy column of noise the model never reads (the "
        "indices' noise floor at this number of points, shown in brackets). One seed per "
        "point: the indices carry the seeds' noise too."
    )
    w("")
    w(
        "| proposition | experiment | outcome | points | mean effect over the range [95% CI] | "
        "share of points in the expected direction | largest S1 | flipped by (effect at low / "
        "high end) |"
    )
    w("|---|---|---|---|---|---|---|---|")
    for r in rob["rows"]:
        if not np.isfinite(r.get("mean", np.nan)):
            w(f"| {r['prop']} | {r['contrast']} | {r['outcome'].label} | {r['n']} | n/a | | | |")
            continue
        s1s = r.get("s1", {})
        floor = s1s.get(DUMMY, np.nan)
        top = sorted(
            ((n, v) for n, v in s1s.items() if n != DUMMY and np.isfinite(v) and not v <= floor),
            key=lambda kv: -kv[1],
        )[:3]
        s1 = (", ".join(f"`{n}` {v:.2f}" for n, v in top) or "none above the dummy") + (
            f" (dummy {floor:.2f})" if np.isfinite(floor) else ""
        )
        flips = "; ".join(f"`{n}` ({fmt(lo)} / {fmt(hi)})" for n, _, lo, hi in r["flips"])
        share = f"{r['share_expected']:.0%}" if np.isfinite(r["share_expected"]) else "n/a"
        w(
            f"| {r['prop']} | {r['contrast']} | {r['outcome'].label} | {r['n']} | "
            f"{fmt(r['mean'])} [{fmt(r['lo'])}, {fmt(r['hi'])}] | {share} | {s1} | "
            f"{flips or 'none'} |"
        )
    w("")
    if "robustness" in rel:
        w(f"![Robustness]({rel['robustness']})")
        w("")


def write_changes(w, props: list[dict], p3, p4, envs) -> None:
    w("## What changed since the first validation")
    w("")
    w(
        "The first validation (2026-11-23) ran 20 seeds of `uk_2018` before the competition "
        "issue (partners as rivals for the same buyers, costly leakage, protection and cheating "
        "as decisions, partner choice with consequences) and the economy issue (a market that "
        "clears, calibrated to public series). Its verdicts are kept in the script "
        "(`FIRST_VALIDATION`); this run's are from the same design on the seed's industry."
    )
    w("")
    w(
        "| | first validation | judged then on | now (`uk_2018`) | primary outcomes now | what "
        "changed in the judging |"
    )
    w("|---|---|---|---|---|---|")
    outcomes_now = {}
    for r in props:
        groups: dict[str, list[str]] = {}
        for row in r["rows"]:
            if row["outcome"].role == PRIMARY:
                groups.setdefault(row["judgement"], []).append(row["outcome"].label)
        outcomes_now[r["prop"].key] = "; ".join(
            f"{j}: {', '.join(labels)}" for j, labels in groups.items()
        )
    now = {r["prop"].key: r["verdict"] for r in props}
    now["P3"] = p3_summary_verdict(p3)
    now["P4"] = p4_summary(p4, envs)[0]
    for key, (old, basis) in FIRST_VALIDATION.items():
        same = (
            "same verdict"
            if now.get(key, "").split(" (")[0] == old.split(" (")[0]
            else "**changed**"
        )
        w(
            f"| {key} | {old} | {basis} | {now.get(key, 'n/a')} ({same}) | "
            f"{outcomes_now.get(key, 'see the section above')} | {JUDGING_CHANGES[key]} |"
        )
    w("")
    w(
        "Where a verdict changed, the tables above say which outcomes moved; the reason is one "
        "of three: the outcome is new (the old one could not be moved by the mechanism), a "
        "check that held by construction no longer counts, or the model's mechanism changed."
    )
    w("")


def write_table4(w, table4, design, rel, splits, n_seeds: int) -> None:
    w("## Patterns: Table 4 themes, simulated firms vs the 29 firms")
    w("")
    w(
        "For each theme of Table 4 the model can observe, a per-firm indicator is read from "
        f"the breeder table (yearly rows, plus month 0) of the coopetition-on runs of "
        f"`{PATTERN_INDUSTRY}` over the first {min(design.steps, patterns.TABLE4_WINDOW)} "
        f"months ({n_seeds} seeds). The simulated share is over **incumbents that co-owned a "
        "stud at some yearly record** (all 29 interviewed firms engaged in coopetition), beside "
        "incumbents that never co-owned and the seed's own firms that co-owned. Influences "
        "marked with a shock are read in the run with that shock, beside the same indicator "
        "in the same seeds without it. The seed's share has a 95% Wilson interval (29 firms). "
        "*Match*: the simulated 2.5-97.5% range over seeds overlaps the seed's interval. "
        "Themes that hold for co-owners by construction do not count as evidence."
    )
    w("")
    w(
        "| theme (Table 4) | indicator | simulated: co-owners, mean [2.5-97.5% over seeds] | "
        "never co-owned | seed firms that co-owned | without the shock | reported: sources / "
        "29 [95% CI] | match | evidence |"
    )
    w("|---|---|---|---|---|---|---|---|---|")
    sims, reps, matches = [], [], []
    for _, r in table4.iterrows():
        th = r["theme"]
        rep = th.sources / patterns.SEED_FIRMS
        lo_r, hi_r = wilson(th.sources, patterns.SEED_FIRMS)
        rtxt = f"{th.sources}/29 = {rep:.0%} [{lo_r:.0%}-{hi_r:.0%}]"
        evidence = th.key not in BY_CONSTRUCTION_THEMES
        if not r["available"]:
            w(
                f"| {th.label} | {th.indicator} | not run ({th.arm} shock not in the model) | | "
                f"| | {rtxt} | | |"
            )
            continue
        c, o, s = r["coowners"], r["others"], r["seed_coowners"]
        without = r.get("without")
        without = fmt_share(without) if isinstance(without, dict) else ""
        if not np.isfinite(c["mean"]):
            w(f"| {th.label} | {th.indicator} | n/a | | | | {rtxt} | | |")
            continue
        match = c["hi"] >= lo_r and c["lo"] <= hi_r
        where = "yes" if match else ("above" if c["lo"] > hi_r else "below")
        w(
            f"| {th.label} ({th.group}) | {th.indicator} | {c['mean']:.0%} "
            f"[{c['lo']:.0%}-{c['hi']:.0%}] (n ≈ {c['firms']:.0f}/run) | {fmt_share(o)} | "
            f"{fmt_share(s)} | {without} | {rtxt} | {where} | "
            f"{'yes' if evidence else 'no (by construction)'} |"
        )
        if evidence:
            matches.append((th.label, where))
            if th.group == "outcome":
                sims.append(c["mean"])
                reps.append(rep)
    w("")
    know = table4[table4["theme"].map(lambda t: t.key) == "knowledge"]
    if len(know) and know.iloc[0]["available"] and isinstance(know.iloc[0].get("strict"), dict):
        st = know.iloc[0]["strict"]
        w(
            f"Sensitivity: with a stricter knowledge threshold ({patterns.KNOWLEDGE_GAIN_ALT} "
            f"instead of {patterns.KNOWLEDGE_GAIN_MIN}) the simulated co-owners' share of "
            f"'knowledge and learning' is {st['mean']:.0%}."
        )
        w("")
    n_yes = sum(m == "yes" for _, m in matches)
    w(
        f"Of the {len(matches)} themes that count as evidence, {n_yes} match; above: "
        + (", ".join(t for t, m in matches if m == "above") or "none")
        + "; below: "
        + (", ".join(t for t, m in matches if m == "below") or "none")
        + "."
    )
    w("")
    if len(sims) >= 4:
        rho, p = stats.spearmanr(sims, reps)
        w(
            f"Across the {len(sims)} outcome themes that count as evidence, the rank correlation "
            f"between the simulated and the reported shares is Spearman ρ = {rho:.2f} "
            f"(p = {p:.2g})."
        )
        w("")
    if "table4" in rel:
        w(f"![Table 4: simulated vs reported]({rel['table4']})")
        w("")
    w(
        "The two columns do not measure the same thing: the seed counts firms that *named* a "
        "theme in an open interview, the model counts firms that *experienced* it. Naming is "
        "selective (a firm names what matters most to it), so reported shares are lower bounds "
        "and the simulated shares are best read for their order and for the contrast between "
        "co-owners and firms that never co-owned."
    )
    w("")
    if 24 in splits and "coowning" in splits[24]:
        share = splits[24]["coowning"]["mean"][0]
        w(
            f"**How widespread coopetition is.** At month 24 {share:.0%} of the breeders in "
            f"business co-own a stud (mean over seeds), and {co_share(table4):.0%} of the "
            "incumbents co-own at some yearly record within the window. The seed interviewed "
            "29 firms that all cooperate (of the 123-firm directory), but 28 of the 57 it "
            "contacted were 'not interested or not cooperating'."
        )
        w("")


# Table 4 themes whose indicator is true for every co-owner by the definition of co-owning
BY_CONSTRUCTION_THEMES = ("spread_cost", "financial_risk")


def month_name(year: int, month: int, offset: int) -> str:
    k = month - 1 + offset
    return dt.date(year + k // 12, k % 12 + 1, 1).strftime("%B %Y")


def first_sentence(text: str) -> str:
    return text.split("; ")[0].split(". ")[0].rstrip(".") + "."


def p3_summary_verdict(p3) -> str:
    if not p3["verdicts"]:
        return "Not run"
    levels = [lvl for lvl, ok in p3["verdicts"].items() if ok]
    if len(levels) == 3:
        return "Supported"
    if levels:
        return f"Partly supported ({', '.join(levels)})"
    return "Not supported (no detectable relation)"


def p3_effect_text(p3) -> str:
    if not len(p3["table"]):
        return "not run"
    parts = []
    for lvl in ("individual", "organisational", "industry"):
        sub = p3["table"][(p3["table"]["outcome_level"] == lvl) & p3["table"]["significant"]]
        if len(sub):
            top = sub.loc[sub["beta"].abs().idxmax()]
            parts.append(
                f"{lvl}: {len(sub)} relations, strongest {top['practice']} -> "
                f"{top['outcome_label']} β = {top['beta']:.2f} "
                f"[{top['lo']:.2f}, {top['hi']:.2f}]"
            )
        else:
            parts.append(f"{lvl}: none")
    return "; ".join(parts)


def p4_summary(p4: pd.DataFrame, envs: list[str]) -> tuple[str, str]:
    if not envs:
        return "Not run (no shocks in the model)", "no shock available"
    sub = p4[p4["environment"] != "none"]
    n_tests = len(sub)
    alpha = 0.05 / max(n_tests, 1)
    strong = [r for _, r in sub.iterrows() if r["interaction"]["p"] < alpha]
    parts = []
    for _, r in sub.iterrows():
        it = r["interaction"]
        if it["lo"] > 0 or it["hi"] < 0:
            base = p4[(p4["environment"] == "none") & (p4["outcome"] == r["outcome"])]
            b = base["effect"].iloc[0]["diff"]
            way = "boosts" if np.sign(it["diff"]) == np.sign(b) else "weakens"
            star = "*" if it["p"] < alpha else ""
            parts.append(
                f"{r['environment']} {way} the effect on "
                f"{r['label'].split(' (')[0]}: {ci(it)}{star}"
            )
    text = "; ".join(parts) if parts else "no interaction interval excludes zero"
    if strong:
        verdict_ = "Supported"
    elif parts:
        verdict_ = "Partly supported (not after Bonferroni)"
    else:
        verdict_ = "Not supported (no detectable moderation)"
    return verdict_, text + f" (* = survives Bonferroni over {n_tests} tests)"


def write_p3(w, p3, rel) -> None:
    w(f"### P3 (all levels): {p3_summary_verdict(p3).lower()}")
    w("")
    w(
        "*Seed:* the management practices and decisions made at each level relate to the "
        "outcomes of coopetition at each level."
    )
    w("")
    if not len(p3["table"]):
        w("Not run (too few P3 runs for the regression).")
        w("")
        return
    w(
        f"*Model:* {p3['n']} runs of the seed's industry, each with its own seed and practices "
        "drawn over these ranges (Latin hypercube):"
    )
    w("")
    w("| practice | level | range | meaning |")
    w("|---|---|---|---|")
    for name, (lvl, lo, hi, meaning) in P3_PRACTICES.items():
        w(f"| `{name}` | {lvl} | {lo:g} - {hi:g} | {meaning} |")
    w("")
    w(
        f"Each outcome is regressed on all practices (standardised coefficients β: sd of outcome "
        f"per sd of practice). Relations with p < {p3['alpha']:.1e} (0.05 Bonferroni-corrected "
        "over every practice x outcome):"
    )
    w("")
    w("| outcome (level) | practice (level) | β [95% CI] | p |")
    w("|---|---|---|---|")
    sig = p3["table"][p3["table"]["significant"]].sort_values(["outcome_level", "outcome"])
    for _, r in sig.iterrows():
        w(
            f"| {r['outcome_label']} ({r['outcome_level']}) | `{r['practice']}` "
            f"({r['practice_level']}) | {r['beta']:.2f} [{r['lo']:.2f}, {r['hi']:.2f}] | "
            f"{r['p']:.1e} |"
        )
    if not len(sig):
        w("| none | | | |")
    w("")
    w(f"![P3 coefficients]({rel['p3']})")
    w("")
    w(
        "*Mechanisms:* openness (x trust) is what partners let each other see, so it can drive "
        "the knowledge gained; the organisational criteria include complementarity (a partner "
        "who knows more where the breeder is weak); control is the chance an overuse is caught "
        "and enters the overuse decision; protection keeps the core domain back at a cost in "
        "reciprocity; `fairness` is the keeper's share of cost and quota; industry investment "
        "(awareness) brings buyers and entrants."
    )
    w("")


def write_p4(w, p4, envs, design, rel) -> None:
    verdict_, _ = p4_summary(p4, envs)
    w(f"### P4 (environment): {verdict_.lower()}")
    w("")
    w(
        "*Seed:* demand conditions, price pressure, institutional stability (Brexit) and the "
        "competitive environment (rivalry, risk such as disease) boost or weaken the link "
        "between coopetition management and its outcomes."
    )
    w("")
    if design.missing_environments:
        w("Shocks not available in the model when this ran (P4 runs them as soon as they exist):")
        w("")
        for key, why in design.missing_environments.items():
            w(f"- `{key}` ({ENVIRONMENTS[key][0]}): {why}")
        w("")
    if not envs:
        w("No shock could be run, so P4 is untested.")
        w("")
        return
    w(
        "*Model:* each shock below, with coopetition on and off, on the same seeds as the "
        "no-shock comparison of P2:"
    )
    w("")
    for env in envs:
        w(f"- `{env}`: {ENVIRONMENTS[env][0]}")
    w("")
    w(
        "| outcome | environment | coopetition effect (on - off) [95% CI] | change against no "
        "shock [95% CI] | the environment ... |"
    )
    w("|---|---|---|---|---|")
    alpha = 0.05 / max(len(p4[p4["environment"] != "none"]), 1)
    for col in P4_OUTCOMES:
        sub = p4[p4["outcome"] == col]
        b = sub[sub["environment"] == "none"]["effect"].iloc[0]
        for _, r in sub.iterrows():
            it = r["interaction"]
            if it is None:
                w(f"| {r['label']} | none | {ci(r['effect'])} | | |")
                continue
            if it["lo"] > 0 or it["hi"] < 0:
                way = "strengthens" if np.sign(it["diff"]) == np.sign(b["diff"]) else "weakens"
                way += " (Bonferroni)" if it["p"] < alpha else " (not after Bonferroni)"
            else:
                way = "no detectable change"
            w(f"| {r['label']} | {r['environment']} | {ci(r['effect'])} | {ci(it)} | {way} |")
    w("")
    w(f"![P4]({rel['p4']})")
    w("")
    w(
        "*Mechanisms:* a TB outbreak restricts found herds (no sales, no trips to a partner's "
        "stud) and scares buyers; partners are shunned when their herd is found infected. "
        "Brexit removes most EU buyers, makes imported studs dearer and holds back investment "
        "(partner search included). A fall in demand or in buyers' budgets lowers prices and "
        "sales for everyone; rivalry makes partnerships flare into conflict more often."
    )
    w("")


def co_share(table4: pd.DataFrame) -> float:
    row = table4[table4["theme"].map(lambda t: t.key) == "rare_genetics"].iloc[0]
    n_co, n_ot = row["coowners"]["firms"], row["others"]["firms"]
    return n_co / (n_co + n_ot) if n_co + n_ot else float("nan")


def fmt_share(s: dict[str, float]) -> str:
    if not np.isfinite(s.get("mean", np.nan)):
        return "n/a"
    return f"{s['mean']:.0%} (n ≈ {s['firms']:.0f}/run)"


def write_splits(w, splits, rel) -> None:
    w("## Relationship types: the seed's 7 / 15 / 7 (calibrated, not evidence)")
    w("")
    w(
        "The seed classifies its 29 firms as cooperation-dominated (7), equal (15) or "
        "competition-dominated (7). The model measures each partnership's cooperation "
        "intensity from what the pair actually shares (the share of the shared stud's season "
        "it used and the knowledge it exchanged, a 12-month moving average) and its competition "
        "intensity from the market (the overlap of the buyers who see both and of the buyers "
        "who bought from both); a partnership is cooperation-dominated when cooperation - "
        "competition exceeds `TYPE_HIGH`, competition-dominated below `TYPE_LOW`; a firm's type "
        "is that of most of its partnerships."
    )
    w("")
    w(
        "**What was calibrated.** `TYPE_LOW` and `TYPE_HIGH` were fitted on a 0.01 grid so that "
        "the split of firms with partners in `uk_2018` at month 24 (December 2019, when the "
        "firms were interviewed), pooled over seeds 0-11, is closest to 7/15/7 of 29 "
        "(`python experiments/propositions.py --calibrate-types`). At that point the split "
        "is matched by construction, and because the thresholds were fitted to this split "
        "it cannot count as evidence at any month or seed: the table shows how far the fit "
        "carries to other seeds and months. No mechanism reads the type."
    )
    w("")
    w("**What it gives** (the validation seeds, not those of the fit; mean ± sd over seeds):")
    w("")
    w("| | month | cooperation-dominated | equal | competition-dominated | runs |")
    w("|---|---|---|---|---|---|")
    target = [patterns.SEED_SPLIT[t] / patterns.SEED_FIRMS for t in TYPES]
    w(
        "| seed: 29 firms (Table 2) | interviews | "
        + " | ".join(
            f"{t:.0%} ({patterns.SEED_SPLIT[k]})" for t, k in zip(target, TYPES, strict=True)
        )
        + " | |"
    )
    names = {
        "firms": "model: firms with partners",
        "seed_firms": "model: the seed's firms with partners",
        "partnerships": "model: partnerships",
    }
    for snap, kinds in splits.items():
        for kind in ("firms", "seed_firms", "partnerships"):
            if kind not in kinds:
                continue
            k = kinds[kind]
            w(
                f"| {names[kind]} | {snap} | "
                + " | ".join(
                    f"{m:.0%} ± {100 * s:.0f}" for m, s in zip(k["mean"], k["sd"], strict=True)
                )
                + f" | {k['runs']} |"
            )
    w("")
    w(f"![Relationship types]({rel['types']})")
    w("")
    w(
        "The seed's classification is a snapshot of relationships of various ages; the "
        "model's partnerships in `uk_2018` start from 2018, so the month-24 snapshot is the one "
        "compared, and later months show how the split moves as partnerships age. The seed's "
        "own firms start with their printed type shifting their owner's openness (world.py), "
        "which is why their split can differ from that of all firms."
    )
    w("")
