"""Outcomes read from a finished run beyond `patterns.outcomes`: the value ledger, the terms
the arithmetic baselines need, and the second seed's claims (the paradox module).

`extra_outcomes(model)` is called by `patterns.simulate(..., extra=...)` on every run of the
validation; each value is a plain float (NaN where a group is empty).

The value ledger (joint value created, value destroyed, in GBP) is kept by the paradox
module; the validation runs it with its four parts off (`LEDGER`), which leaves every table
of the model identical to a run without it (docs/PARADOX.md; tests/test_paradox.py).
"""

from __future__ import annotations

import numpy as np

from alpaca_abm import paradox as px
from alpaca_abm.coownership import BALANCE_MARGIN, ENDED_BREACH, ENDED_CONFLICT, ENDED_PREMATURE

LEDGER = {
    "paradox": True,
    "paradox_interplay": False,
    "paradox_tensions": False,
    "paradox_responses": False,
    "paradox_cycles": False,
}
EARLY = (ENDED_CONFLICT, ENDED_BREACH, ENDED_PREMATURE)  # ended before term
BALANCED = 1 - 2 * BALANCE_MARGIN  # balance from which a pair counts as balanced (0.75)
ACTIVE = 0.5  # a pair's mean response style from which it counts as active
POLE = 0.1  # protection within 0.1 of 0 (over-trust) or 1 (over-protection) is at a pole
LAST_YEAR = 12


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else float("nan")


def ledger_outcomes(model) -> dict[str, float]:
    """Joint value created and destroyed per breeder-year (GBP), when the ledger ran."""
    df = model.model_df
    if "joint_value" not in df:
        return {"joint_value_per_breeder": np.nan, "value_destroyed_per_breeder": np.nan}
    breeder_years = max(float(df["n_breeders"].mean()) * len(df) / 12, 1e-9)
    return {
        "joint_value_per_breeder": float(df["joint_value"].sum()) / breeder_years,
        "value_destroyed_per_breeder": float(df["value_destroyed"].sum()) / breeder_years,
    }


def leakage_outcomes(model) -> dict[str, float]:
    """Expected sales teachers lost to partners who learned from them, per breeder-year
    (females): the leakage protection protects against, on the scale of sales per breeder."""
    df = model.model_df
    breeder_years = max(float(df["n_breeders"].mean()) * len(df) / 12, 1e-9)
    lost = float(df["leakage_sales_lost"].sum()) if "leakage_sales_lost" in df else np.nan
    return {"leakage_sales_lost_per_breeder": lost / breeder_years}


def baseline_terms(model) -> dict[str, float]:
    """What the arithmetic baselines read: the outside pool's size relative to its base (the
    awareness industry investment buys), over the run and over the last year; sales to outside
    buyers in the last year; what investors pay for education, per breeder in business;
    the share of contracts ended by conflict."""
    df = model.model_df
    base = model.market.pool_base
    ratio = df["pool_size"] / base if base > 0 else df["pool_size"] * 0 + 1.0
    firms = model.firms
    active = firms.active[: firms.n]
    con = model.contracts
    ended = con.view("ended") >= 0
    investing = model.scenario.mechanism_on("industry_investment")
    return {
        "pool_ratio_mean": float(ratio.mean()),
        "pool_ratio_last_year": float(ratio.tail(LAST_YEAR).mean()),
        "pet_sales_last_year": float(df["pet_sales"].tail(LAST_YEAR).sum()),
        "education_paid_per_breeder": float(
            (firms.investor[: firms.n] & active).sum() / max(active.sum(), 1)
        )
        * (model.scenario.education_cost if investing else 0.0),
        "ended_by_conflict_share": float(
            (ended & (con.view("reason") == ENDED_CONFLICT)).sum() / max(con.n, 1)
        ),
    }


def paradox_outcomes(model) -> dict[str, float]:
    """The second seed's claims as within-run contrasts (positive = as the seed expects):

    - `pc_survival_gap`: share of unbalanced partnerships that ended early minus that of
      balanced ones (balance >= BALANCED, at their end or the run's);
    - `pc_value_gap`: joint value per partnership-year, balanced minus unbalanced (GBP);
    - `pc_virtuous_gap`: share of partnerships whose last cycle is virtuous, active pairs
      minus defensive pairs (a pair's mean response style >= ACTIVE);
    - `pc_dissolve_gap`: share ended early, defensive pairs minus active pairs;
    - `pc_pole_gap`: owners in partnerships with felt tension above the run's median: share
      holding protection at a pole, defensive minus active;
    - `pc_tension_invu`, `pc_tension_peak_inside`: minus the quadratic coefficient of a fit
      of the firms' last-year profit per animal (GBP) on felt tension (positive: an inverted
      U) and whether its vertex lies inside the observed range (1/0);
    the manipulation checks: `pc_balance_spread` (mean balance, balanced minus unbalanced
    pairs), `pc_style_spread` (mean style, active minus defensive pairs), `pc_tension_sd` and
    `pc_tension_halfrange` (half the tension range, taken as two sds);
    and the levels the SESOI rules scale (sesoi.py): `pc_early_share` (share of partnerships
    ended early), `pc_virtuous_share`, `pc_pole_share` (owners above the median tension at a
    pole), `pc_value_mean` (joint value per partnership-year, GBP), `pc_profit_per_animal`
    (mean of the fitted firms' last-year profit per animal, GBP)."""
    keys = (
        "pc_survival_gap",
        "pc_value_gap",
        "pc_virtuous_gap",
        "pc_dissolve_gap",
        "pc_pole_gap",
        "pc_tension_invu",
        "pc_tension_peak_inside",
        "pc_balance_spread",
        "pc_style_spread",
        "pc_tension_sd",
        "pc_tension_halfrange",
        "pc_early_share",
        "pc_virtuous_share",
        "pc_pole_share",
        "pc_value_mean",
        "pc_profit_per_animal",
    )
    out = dict.fromkeys(keys, float("nan"))
    state, con, firms, step = model.paradox, model.contracts, model.firms, model.steps
    if state is None or con.n == 0:
        return out
    table = px.partnership_table(state, con, step)
    ended = table.ended.to_numpy()
    years = np.maximum((np.where(ended >= 0, ended, step) - table.start.to_numpy()) / 12, 1 / 12)
    bal = table.balance.to_numpy()
    balanced = bal >= BALANCED
    early = np.isin(table.reason.to_numpy(), EARLY) & (ended >= 0)
    value = table.joint_value_gbp.to_numpy() / years
    style = 0.5 * (state.activeness[table.keeper] + state.activeness[table.partner])
    active = style >= ACTIVE
    virtuous = table.cycle.to_numpy() == "virtuous"
    out["pc_survival_gap"] = _mean(early[~balanced]) - _mean(early[balanced])
    out["pc_value_gap"] = _mean(value[balanced]) - _mean(value[~balanced])
    out["pc_virtuous_gap"] = _mean(virtuous[active]) - _mean(virtuous[~active])
    out["pc_dissolve_gap"] = _mean(early[~active]) - _mean(early[active])
    out["pc_balance_spread"] = _mean(bal[balanced]) - _mean(bal[~balanced])
    out["pc_style_spread"] = _mean(style[active]) - _mean(style[~active])
    out["pc_early_share"] = _mean(early)
    out["pc_virtuous_share"] = _mean(virtuous)
    out["pc_value_mean"] = _mean(value)
    rows = firms.active_rows()
    rows = rows[con.partner_counts(firms.n)[rows] > 0]
    if len(rows) >= 4:
        tension = (state.performing[rows] + state.organizing[rows] + state.belonging[rows]) / 3
        out["pc_tension_sd"] = float(tension.std())
        out["pc_tension_halfrange"] = 2 * out["pc_tension_sd"]
        tense = tension > np.median(tension)
        pole = (firms.protection[rows] <= POLE) | (firms.protection[rows] >= 1 - POLE)
        defensive = state.activeness[rows] < ACTIVE
        out["pc_pole_gap"] = _mean(pole[tense & defensive]) - _mean(pole[tense & ~defensive])
        out["pc_pole_share"] = _mean(pole[tense])
        heads = model.herd.counts_by_owner(firms.n)[rows]
        profit = firms.acct_profit_ring[rows].sum(axis=1) / np.maximum(heads, 1)
        out["pc_profit_per_animal"] = _mean(profit)
        if np.ptp(tension) > 0:
            quad, lin, _ = np.polyfit(tension, profit, 2)
            out["pc_tension_invu"] = -float(quad)
            peak = -lin / (2 * quad) if quad != 0 else np.nan
            out["pc_tension_peak_inside"] = float(tension.min() < peak < tension.max())
    return out


def extra_outcomes(model) -> dict[str, float]:
    """Everything above, for one finished run, and the breeders' mean protection at the end."""
    protection = {"mean_protection_end": float(model.model_df["mean_protection"].iloc[-1])}
    return (
        ledger_outcomes(model)
        | leakage_outcomes(model)
        | baseline_terms(model)
        | paradox_outcomes(model)
        | protection
    )
