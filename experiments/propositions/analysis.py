"""From the runs to the verdicts: power, propositions, channels, P4 and the paradox claims."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import stats as st
from .claims import CHANNEL_CELLS, CHANNEL_OUTCOMES, CHECK, PRIMARY, PROPOSITIONS, Outcome
from .moderation import P4_OUTCOMES, PARADOX_CLAIMS, SHOCKS
from .stats import interval

NOT_RUN = "not run on this industry"


# --- the runs as tables ---------------------------------------------------------------------
def industry_frame(results: dict, industry: str) -> pd.DataFrame:
    """One row per run of `industry` (arm, seed, outcomes...)."""
    prefix = f"{industry}/"
    rows = [
        {"arm": a[len(prefix) :], "seed": s} | r["outcomes"]
        for (a, s), r in results.items()
        if a.startswith(prefix)
    ]
    return pd.DataFrame(rows)


class Runs:
    """The runs of one industry by arm, for the paired comparisons over `seeds`."""

    def __init__(self, frame: pd.DataFrame, seeds: list[int]):
        self.seeds = list(seeds)
        self.by_arm = {
            a: g.set_index("seed").reindex(self.seeds) for a, g in frame.groupby("arm")
        } if len(frame) else {}  # fmt: skip

    def has(self, arm: str) -> bool:
        return arm in self.by_arm

    def means(self, arm: str) -> dict[str, float]:
        """The arm's mean of every column over the seeds (what the SESOI rules read)."""
        sub = self.by_arm.get(arm)
        if sub is None:
            return {}
        return {c: float(v) for c, v in sub.mean(numeric_only=True).items()}

    def values(self, arm: str, column: str) -> np.ndarray:
        sub = self.by_arm.get(arm)
        if sub is None or column not in sub:
            return np.full(len(self.seeds), np.nan)
        return sub[column].to_numpy(float)

    def baseline(self, arm: str, reference: str, outcome: Outcome) -> np.ndarray:
        a, b = self.by_arm.get(arm), self.by_arm.get(reference)
        if a is None or b is None:
            return np.full(len(self.seeds), np.nan)
        return np.array(
            [outcome.baseline(b.loc[s].to_dict(), a.loc[s].to_dict()) for s in self.seeds]
        )

    def effect(self, arm: str, reference: str, outcome: Outcome) -> dict[str, float]:
        return st.paired(
            self.values(arm, outcome.column),
            self.values(reference, outcome.column),
            self.baseline(arm, reference, outcome),
        )

    def interaction(self, shock: str, column: str) -> np.ndarray:
        """Per seed: (both on - off | shock) - (both on - off | no shock)."""
        with_shock = self.values(f"{shock}:on", column) - self.values(f"{shock}:off", column)
        without = self.values("both_on", column) - self.values("both_off", column)
        return with_shock - without


# --- the items judged, and their power -------------------------------------------------------
def items(runs: Runs, industry: str) -> list[dict[str, Any]]:
    """Every judged quantity of one industry with its per-seed values: primary outcomes
    (excess over the baseline), P4 interactions, the paradox claims (beyond the rule)."""
    out = []
    for p in PROPOSITIONS:
        for c in p.contrasts:
            if not (runs.has(c.arm) and runs.has(c.reference)):
                continue
            for o in c.outcomes:
                if o.role != PRIMARY:
                    continue
                a = runs.values(c.arm, o.column)
                b = runs.values(c.reference, o.column)
                base = runs.baseline(c.arm, c.reference, o)
                out.append(
                    {"family": "prop", "key": p.key, "contrast": c.label, "column": o.column,
                     "values": a - b - base, "reference": runs.means(c.reference),
                     "outcome": o}
                )  # fmt: skip
    if runs.has("disease:on") or any(runs.has(f"{s.key}:on") for s in SHOCKS):
        for s in SHOCKS:
            for o in P4_OUTCOMES:
                out.append(
                    {"family": "p4", "key": s.key, "contrast": s.text, "column": o.column,
                     "values": runs.interaction(s.key, o.column),
                     "reference": runs.means("both_on"), "outcome": o}
                )  # fmt: skip
    if runs.has("px_on"):
        for h in PARADOX_CLAIMS:
            arm = h.rule_off or "px_on"
            out.append(
                {"family": "paradox", "key": h.key, "contrast": h.label, "column": h.column,
                 "values": runs.values(arm, h.column), "reference": runs.means("px_on"),
                 "claim": h}
            )  # fmt: skip
    for it in out:
        it["industry"] = industry
    return out


def sesoi_of(item: dict[str, Any]) -> float:
    """The item's SESOI: its rule (sesoi.py) on the reference arm's means in the pilot."""
    if item["family"] == "paradox":
        return item["claim"].sesoi(item["column"], item["reference"])
    return item["outcome"].sesoi(item["reference"])


def power_table(runs_by_industry: dict[str, Runs]) -> pd.DataFrame:
    """From the pilot: per judged item, the sd of its per-seed values, its SESOI (fixed from
    the pilot's reference mean by the rule fixed in claims.py) and the seeds it needs."""
    rows = []
    for ind, runs in runs_by_industry.items():
        for it in items(runs, ind):
            x = it["values"][np.isfinite(it["values"])]
            sd = float(x.std(ddof=1)) if len(x) > 1 else np.nan
            sesoi = sesoi_of(it)
            rows.append(
                {"industry": ind, "family": it["family"], "key": it["key"],
                 "contrast": it["contrast"], "column": it["column"], "pilot": len(x),
                 "sd": sd, "sesoi": sesoi, "needed": st.seeds_needed(sd, sesoi)}
            )  # fmt: skip
    return pd.DataFrame(rows)


def seeds_from_power(power: pd.DataFrame, lo: int, hi: int) -> int:
    """The seeds the design uses: what the hardest judged item needs, within [lo, hi]."""
    need = power["needed"][power["needed"] > 0]
    want = int(need.max()) if len(need) else lo
    return int(min(max(lo, want), hi))


def lookup(power: pd.DataFrame, ind: str, family: str, key: str, contrast: str, column: str):
    """(needed, sesoi) of one item from the power table; (-1, nan) if absent."""
    m = power[
        (power["industry"] == ind)
        & (power["family"] == family)
        & (power["key"] == key)
        & (power["contrast"] == contrast)
        & (power["column"] == column)
    ]
    if not len(m):
        return -1, np.nan
    return int(m["needed"].iloc[0]), float(m["sesoi"].iloc[0])


# --- the propositions ------------------------------------------------------------------------
def analyse_propositions(runs: Runs, power: pd.DataFrame, ind: str) -> list[dict]:
    """Per proposition: every outcome's effect, baseline and excess; primary outcomes judged
    on the excess with their SESOI and power; manipulation checks apart."""
    n = len(runs.seeds)
    out = []
    for p in PROPOSITIONS:
        if not all(runs.has(c.arm) and runs.has(c.reference) for c in p.contrasts):
            out.append({"prop": p, "rows": [], "verdict": NOT_RUN})
            continue
        rows, failed = [], []
        for c in p.contrasts:
            contrast_rows, contrast_failed = [], []
            ref_means = runs.means(c.reference)
            for o in c.outcomes:
                e = runs.effect(c.arm, c.reference, o)
                if o.role == CHECK:
                    sesoi = o.sesoi(ref_means)
                    ok = st.check_passes(e["diff"], e["lo"], e["hi"], o.sign, sesoi)
                    if not ok:
                        contrast_failed.append(o.label)
                    judgement, needed = ("passes" if ok else "fails"), -1
                else:
                    needed, sesoi = lookup(power, ind, "prop", p.key, c.label, o.column)
                    judgement = st.judge(
                        e["excess"], e["ex_lo"], e["ex_hi"], o.sign, sesoi,
                        st.powered(needed, n),
                    )  # fmt: skip
                contrast_rows.append(
                    {"contrast": c, "outcome": o, "effect": e, "sesoi": sesoi,
                     "needed": needed, "judgement": judgement}
                )  # fmt: skip
            if contrast_failed:  # the contrast is uninformative: its primaries count for nothing
                for r in contrast_rows:
                    if r["outcome"].role == PRIMARY:
                        r["judgement"] = st.UNINFORMATIVE
            rows += contrast_rows
            failed += contrast_failed
        primaries = [r["judgement"] for r in rows if r["outcome"].role == PRIMARY]
        out.append({"prop": p, "rows": rows, "verdict": st.verdict(primaries, failed)})
    return out


def analyse_channels(runs: Runs) -> pd.DataFrame:
    """The 2 x 2: each arm alone, with the other on and off, both together, and the
    interaction (both - dyadic alone - industry alone), on the channel outcomes."""
    rows = []
    for col in CHANNEL_OUTCOMES:
        for cell, (arm, ref) in CHANNEL_CELLS.items():
            e = st.paired(runs.values(arm, col), runs.values(ref, col))
            rows.append({"outcome": col, "cell": cell} | e)
        inter = (
            runs.values("both_on", col)
            - runs.values("dyadic_only", col)
            - runs.values("industry_only", col)
            + runs.values("both_off", col)
        )
        i = interval(inter)
        rows.append(
            {"outcome": col, "cell": "interaction", "diff": i["mean"], "lo": i["lo"],
             "hi": i["hi"], "n": i["n"]}
        )  # fmt: skip
    return pd.DataFrame(rows)


def analyse_p4(runs: Runs, power: pd.DataFrame, ind: str) -> list[dict]:
    """Per shock and outcome: the coopetition effect with and without the shock, the
    interaction and its judgement against the direction fixed in moderation.SHOCKS."""
    n = len(runs.seeds)
    out = []
    for s in SHOCKS:
        if not runs.has(f"{s.key}:on"):
            continue
        rows = []
        for o in P4_OUTCOMES:
            needed, sesoi = lookup(power, ind, "p4", s.key, s.text, o.column)
            i = interval(runs.interaction(s.key, o.column))
            on = st.paired(runs.values(f"{s.key}:on", o.column),
                           runs.values(f"{s.key}:off", o.column))  # fmt: skip
            sign = o.sign * s.direction  # the direction of the interaction the seed expects
            judgement = st.judge(i["mean"], i["lo"], i["hi"], sign, sesoi, st.powered(needed, n))
            rows.append(
                {"outcome": o, "with_shock": on, "interaction": i, "sesoi": sesoi,
                 "needed": needed, "judgement": judgement}
            )  # fmt: skip
        out.append(
            {"shock": s, "rows": rows, "verdict": st.verdict([r["judgement"] for r in rows])}
        )
    return out


def analyse_paradox(runs: Runs, power: pd.DataFrame, ind: str) -> list[dict]:
    """Per claim of the second seed: the within-run contrast with the module on (total),
    with the responsible rule off (beyond the rule), the rule's own part, the manipulation
    check, and the verdict."""
    n = len(runs.seeds)
    out = []
    if not runs.has("px_on"):
        return out
    for h in PARADOX_CLAIMS:
        total = interval(runs.values("px_on", h.column))
        beyond = interval(runs.values(h.rule_off, h.column)) if h.rule_off else total
        built = (
            interval(runs.values("px_on", h.column) - runs.values(h.rule_off, h.column))
            if h.rule_off
            else None
        )
        check = interval(runs.values("px_on", h.check))
        ref_means = runs.means("px_on")
        check_ok = st.check_passes(
            check["mean"], check["lo"], check["hi"], +1, h.check_sesoi(h.check, ref_means)
        )
        needed, sesoi = lookup(power, ind, "paradox", h.key, h.label, h.column)
        ok = st.powered(needed, n)
        j_beyond = st.judge(beyond["mean"], beyond["lo"], beyond["hi"], +1, sesoi, ok)
        # the module-on total counts only with the same power: an underpowered claim says
        # nothing, not even that it holds by construction
        j_total = st.judge(total["mean"], total["lo"], total["hi"], +1, sesoi, ok)
        if not check_ok:
            v = "Uninformative (manipulation check failed)"
        elif j_beyond == st.UNDERPOWERED:
            v = "Underpowered"
        elif j_beyond == st.SUPPORTS:
            v = "Supported beyond the rule" if h.rule_off else "Supported"
        elif j_beyond == st.CONTRADICTS:
            v = "Contradicted"
        elif j_total == st.SUPPORTS and h.rule_off:
            v = "Holds by construction (only with the rule)"
        else:
            v = "Not supported"
        extra = {}
        if h.column == "pc_tension_invu":
            extra["peak_inside"] = interval(runs.values("px_on", "pc_tension_peak_inside"))
        out.append(
            {"claim": h, "total": total, "beyond": beyond, "built": built, "check": check,
             "check_ok": check_ok, "sesoi": sesoi, "needed": needed, "judgement": j_beyond,
             "total_judgement": j_total, "verdict": v} | extra
        )  # fmt: skip
    return out


def p3_verdict(props: list[dict]) -> tuple[str, str]:
    """P3 (management practices relate to outcomes at every level) read from the management
    contrasts P1a-P1c: supported at a level when its contrast supports on at least one
    primary outcome beyond the arithmetic."""
    levels = {}
    judged = [x["judgement"] for r in props if r["prop"].key in ("P1a", "P1b", "P1c")
              for x in r["rows"] if x["outcome"].role == PRIMARY]  # fmt: skip
    if judged and all(j == st.UNDERPOWERED for j in judged):
        return "Underpowered", "every primary outcome of P1a-P1c underpowered"
    for r in props:
        if r["prop"].key in ("P1a", "P1b", "P1c"):
            sup = any(x["judgement"] == st.SUPPORTS for x in r["rows"])
            levels[r["prop"].level] = levels.get(r["prop"].level, False) or sup
    n = sum(levels.values())
    if n == len(levels) and n:
        v = "Supported"
    elif n:
        v = "Partly supported"
    else:
        v = "Not supported"
    return v, ", ".join(f"{k}: {'yes' if ok else 'no'}" for k, ok in levels.items())
