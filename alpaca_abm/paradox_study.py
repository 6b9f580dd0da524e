"""The paradox module's outcomes for experiments: one run's indicators of the seed's claims.

`run` is a sweep run function (`alpaca_abm.sweep.Sweep(run_function=
"alpaca_abm.paradox_study.run")`): the model's run with the paradox on, its summary extended
by the indicators below, each computed from the run's own tables. `experiments/paradox.py`
sweeps it and tests the claims across runs.

Indicators (GBP per partnership-year, shares in [0, 1]; NaN where a group is empty):

- `pd_balance_active`, `pd_balance_defensive`: mean balance over the partnership-months of
  pairs whose owners' mean response style is active (>= 0.5) or defensive (< 0.5);
- `pd_value_active`, `pd_value_defensive`: joint value created per partnership-year, same split;
- `pd_destroyed_per_pyear`, `pd_value_per_pyear`: value destroyed and created per
  partnership-year, all partnerships;
- `pd_early_end_unbalanced`, `pd_early_end_balanced`: share of partnerships whose balance (at
  their end, or the run's) was below / at least 1 - 2 x BALANCE_MARGIN that ended early
  (conflict, breach or a vicious cycle), not at term, stud death or exit;
- `pd_pole_defensive_tense`, `pd_pole_active_tense`: share of owners in partnerships whose
  felt tension is above the run's median with protection at a pole (within POLE of 0 or 1),
  defensive (style < 0.5) and active;
- `pd_tension_quad`, `pd_tension_peak`: quadratic coefficient and vertex of a least-squares fit
  of each firm's 12-month profit per animal on its felt tension (firms in partnerships, last
  year): an inverted U has quad < 0 with the peak inside the observed range.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import paradox as px
from .coownership import ENDED_BREACH, ENDED_CONFLICT, ENDED_PREMATURE
from .runner import RunResult, run_model

EARLY = (ENDED_CONFLICT, ENDED_BREACH, ENDED_PREMATURE)
POLE = 0.1  # protection within 0.1 of 0 (over-trust) or 1 (over-protection) is at a pole
OUTCOMES = (
    "pd_balance_active",
    "pd_balance_defensive",
    "pd_value_active",
    "pd_value_defensive",
    "pd_value_per_pyear",
    "pd_destroyed_per_pyear",
    "pd_early_end_unbalanced",
    "pd_early_end_balanced",
    "pd_pole_defensive_tense",
    "pd_pole_active_tense",
    "pd_tension_quad",
    "pd_tension_peak",
    "pd_mean_balance",
    "pd_mean_tension",
    "pd_premature",
    "pd_vicious_share",
)


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else float("nan")


def indicators(model) -> dict[str, float]:
    """The seed's claims as numbers from one finished run with the paradox on."""
    state, con, firms = model.paradox, model.contracts, model.firms
    step = model.steps
    table = px.partnership_table(state, con, step)
    n = con.n
    out: dict[str, float] = dict.fromkeys(OUTCOMES, float("nan"))
    if n == 0:
        return out
    years = np.maximum((np.where(table.ended >= 0, table.ended, step) - table.start) / 12, 1 / 12)
    style = 0.5 * (state.activeness[table.keeper] + state.activeness[table.partner])
    active = style >= 0.5
    bal = table.balance.to_numpy()
    value = table.joint_value_gbp.to_numpy() / years
    out["pd_balance_active"] = _mean(bal[active])
    out["pd_balance_defensive"] = _mean(bal[~active])
    out["pd_value_active"] = _mean(value[active])
    out["pd_value_defensive"] = _mean(value[~active])
    out["pd_value_per_pyear"] = float(table.joint_value_gbp.sum() / years.sum())
    out["pd_destroyed_per_pyear"] = float(table.value_destroyed_gbp.sum() / years.sum())
    early = np.isin(table.reason, EARLY) & (table.ended >= 0)
    unbalanced = bal < 1 - 2 * px.BALANCE_MARGIN
    out["pd_early_end_unbalanced"] = _mean(early[unbalanced])
    out["pd_early_end_balanced"] = _mean(early[~unbalanced])
    df = model.model_df
    out["pd_mean_balance"] = float(df["mean_balance"].iloc[24:].mean())
    out["pd_mean_tension"] = float(df["mean_tension"].iloc[24:].mean())
    out["pd_premature"] = float(df["premature_dissolutions"].sum())
    running = df["virtuous_cycles"] + df["vicious_cycles"]
    out["pd_vicious_share"] = float(df["vicious_cycles"].sum() / max(running.sum(), 1))
    # owners in partnerships now: tipping and the tension-performance curve
    rows = firms.active_rows()
    in_p = con.partner_counts(firms.n)[rows] > 0
    rows = rows[in_p]
    if len(rows) >= 4:
        tension = (state.performing[rows] + state.organizing[rows] + state.belonging[rows]) / 3
        tense = tension > np.median(tension)
        pole = (firms.protection[rows] <= POLE) | (firms.protection[rows] >= 1 - POLE)
        defensive = state.activeness[rows] < 0.5
        out["pd_pole_defensive_tense"] = _mean(pole[tense & defensive])
        out["pd_pole_active_tense"] = _mean(pole[tense & ~defensive])
        heads = model.herd.counts_by_owner(firms.n)[rows]
        profit = firms.acct_profit_ring[rows].sum(axis=1) / np.maximum(heads, 1)
        if len(np.unique(tension)) >= 3:  # a quadratic needs three distinct tensions
            quad, lin, _ = np.polyfit(tension, profit, 2)
            out["pd_tension_quad"] = float(quad)
            out["pd_tension_peak"] = float(-lin / (2 * quad)) if quad != 0 else float("nan")
    return out


def run(scenario: Any = "uk_2018", steps: int = 120, rng: Any = 0, **overrides: Any) -> RunResult:
    """One run with the paradox on; its summary gains the `indicators` (a sweep run function)."""
    from .model import AlpacaModel

    overrides.setdefault("paradox", True)
    model = AlpacaModel(scenario, rng=rng, **overrides)
    result = run_model(model, steps, keep_model=True)
    if model.paradox is not None:
        result.summary.update(indicators(model))
    result.model = None  # the sweep keeps tables, not models
    return result
