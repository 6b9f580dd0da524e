"""One run of the seed's industry and what pattern-oriented validation reads from it.

Shared by `experiments/propositions.py` (the full validation, docs/VALIDATION.md) and
`tests/test_patterns.py` (the cheap patterns in CI), so that both use one definition of
every outcome and indicator. Nothing here changes the model: a run is `AlpacaModel` stepped
month by month, with the breeder table also read at month 0 (before anything happens).

`simulate(seed, steps, overrides)` returns a plain dict (picklable, small):

- `outcomes`: scalar outcomes at the three levels (individual, organisational, industry);
- `table4`: per theme of the seed's Table 4, how many incumbent firms experience it, split
  into firms that co-owned a stud during the run and firms that never did;
- `split`: the relationship-type split at the snapshot months (partnerships and firms).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alpaca_abm import AlpacaScenario, load_scenario, metrics
from alpaca_abm.coownership import ENDED_BREACH, ENDED_CONFLICT
from alpaca_abm.model import AlpacaModel
from alpaca_abm.partnering import ALONE_CASH_MULTIPLE

SCENARIO = "uk_2018"
SEED_FIRMS = 29
SEED_SPLIT = {"cooperation_dominated": 7, "equal": 15, "competition_dominated": 7}  # Table 2

# --- thresholds of the per-firm indicators (assumptions, stated in docs/VALIDATION.md) -----
KNOWLEDGE_GAIN_MIN = 0.02  # knowledge above what learning by doing alone gives, 0-1 scale
KNOWLEDGE_GAIN_ALT = 0.05  # a stricter threshold, reported as a sensitivity
QUALITY_GAIN_MIN = 10.0  # index points: one starting sd of quality
COST_CUT_MIN = 0.02  # running cost per animal at least 2% below the firm's own at month 0
PRICE_FALL_MIN = 0.10  # average sale price at least 10% below the first year's
GROWTH_MIN = 0.10  # herd at least 10% larger than at month 0
RIVALRY_MIN = 0.5  # a partnership with competition intensity >= 0.5 (same niche, nearby)
STRONG_TIE = 0.5  # trust from which a tie counts as part of the social network (P2a)
DEMAND_FALL_MIN = 0.25  # a firm's yearly sales fall by a quarter across a demand shock


@dataclass(frozen=True)
class Theme:
    """One theme of the seed's Table 4 and the per-firm indicator that stands for it."""

    key: str
    label: str
    sources: int  # firms of 29 that named it (Table 4 "Sources")
    group: str  # "outcome" or "influence"
    indicator: str  # the indicator in words
    arm: str = "base"  # the run in which it is read (influences need their shock)


TABLE4_THEMES: tuple[Theme, ...] = (
    Theme(
        "rare_genetics",
        "Access to rare resources (genetics)",
        19,
        "outcome",
        "an elite mating in the last 12 months of the window",
    ),
    Theme(
        "knowledge",
        "Knowledge and learning",
        15,
        "outcome",
        f"knowledge rose at least {KNOWLEDGE_GAIN_MIN} above what learning alone gives",
    ),
    Theme(
        "quality",
        "Improved quality",
        12,
        "outcome",
        f"herd quality rose at least {QUALITY_GAIN_MIN:g} points (one starting sd)",
    ),
    Theme(
        "sales_profit",
        "Improved sales/profits",
        11,
        "outcome",
        "sales or profit higher in the last third of the window than in the first",
    ),
    Theme(
        "reduced_cost",
        "Reduced cost",
        9,
        "outcome",
        f"running cost per animal at least {COST_CUT_MIN:.0%} below its month-0 level",
    ),
    Theme(
        "spread_cost",
        "Spread the cost (access to resources)",
        9,
        "outcome",
        "held a share of a co-owned stud",
    ),
    Theme(
        "financial_risk",
        "Spread/mitigation of the financial risk",
        5,
        "outcome",
        "held a share of a co-owned stud while too poor to buy one alone",
    ),
    Theme("scale", "Economies of scale", 4, "outcome", "sold fleece through the national pool"),
    Theme(
        "network",
        "Social network development",
        4,
        "outcome",
        "more acquaintances at the end than at month 0",
    ),
    Theme(
        "grown",
        "Overall outcome: our business has grown",
        2,
        "outcome",
        f"herd at least {GROWTH_MIN:.0%} larger than at month 0",
    ),
    Theme(
        "prices",
        "Improved prices",
        1,
        "outcome",
        "average sale price higher in the last third of the window than in the first",
    ),
    Theme(
        "rivalry",
        "Competitive rivalry",
        9,
        "influence",
        f"a partnership with competition intensity >= {RIVALRY_MIN}",
    ),
    Theme(
        "disease",
        "Increased levels of risk (disease)",
        8,
        "influence",
        "herd restricted or reactors culled (run with a TB outbreak)",
        arm="disease",
    ),
    Theme(
        "price_pressure",
        "Pressures on price-cost",
        3,
        "influence",
        f"average sale price at least {PRICE_FALL_MIN:.0%} lower in the last third of the "
        "window than in the first",
    ),
    Theme(
        "demand",
        "Demand conditions",
        2,
        "influence",
        f"yearly sales fell at least {DEMAND_FALL_MIN:.0%} across the demand shock "
        "(run with 30% fewer buyers from month 24)",
        arm="demand",
    ),
    Theme(
        "brexit",
        "Political instability (Brexit)",
        2,
        "influence",
        "sells to the EU when Brexit applies (run with Brexit from January 2021)",
        arm="brexit",
    ),
)
THEME_INDEX = {t.key: t for t in TABLE4_THEMES}
DEMAND_SHOCK_MONTH = 24  # the demand-shock arm's month; the indicator compares the years around it
TABLE4_WINDOW = 60  # months read for Table 4: the length of a co-ownership contract (5 years)


def relationship_split(model: AlpacaModel) -> dict[str, Any]:
    """Shares of running partnerships by type, and of firms with partners by dominant type
    (all firms, and the seed's firms only); counts for the spread."""
    con, firms = model.contracts, model.firms
    run = con.running()
    n_f = firms.n
    counts = np.zeros((n_f, 3))
    for who in (con.keeper[run], con.partner[run]):
        np.add.at(counts, (who, con.rtype[run]), 1)
    has = (counts.sum(axis=1) > 0) & firms.active[:n_f]
    dominant = counts.argmax(axis=1)  # ties go to the first type, as in metrics.breeder_table
    seed = has & (firms.seed_firm[:n_f] > 0)
    return {
        "n_active": float(firms.active[:n_f].sum()),
        "partnerships": np.bincount(con.rtype[run], minlength=3).astype(float),
        "firms": np.bincount(dominant[has], minlength=3).astype(float),
        "seed_firms": np.bincount(dominant[seed], minlength=3).astype(float),
    }


def partner_trust(model: AlpacaModel) -> float:
    """Mean trust between partners of running co-ownerships (both directions)."""
    con = model.contracts
    run = con.running()
    if len(run) == 0:
        return float("nan")
    return float(model.trust.current(con.ties(run), model.steps).mean())


def strong_ties(model: AlpacaModel, level: float = STRONG_TIE) -> float:
    """Ties with trust of at least `level` between breeders in business, per breeder."""
    t, firms = model.trust, model.firms
    both = firms.active[t.src[: t.n]] & firms.active[t.dst[: t.n]]
    strong = both & (t.all_current(model.steps) >= level)
    return float(strong.sum() / max(len(firms.active_rows()), 1))


def simulate(
    seed: int,
    steps: int,
    overrides: dict[str, Any] | None = None,
    *,
    scenario: str | AlpacaScenario = SCENARIO,
    snapshots: tuple[int, ...] = (),
    table4: bool = False,
    extra: Callable[[AlpacaModel], dict[str, float]] | None = None,
) -> dict[str, Any]:
    """Run `scenario` (a name, or a scenario as the sweep engine passes it) from `seed` for
    `steps` months with `overrides`; return what validation reads (see the module docstring).
    `extra(model)`, when given, adds outcomes read from the finished model."""
    params = dict(overrides or {})
    events = tuple(params.pop("events", ()))
    base = scenario if isinstance(scenario, AlpacaScenario) else load_scenario(scenario)
    if events:  # events ride on the scenario, not on the parameter overrides
        base = base.replace(events=(*base.events, *events))
    model = AlpacaModel(base, rng=seed, **params)
    model.shocks.check_horizon(steps)
    start = metrics.breeder_table(model)
    entrant_knowledge: list[float] = []
    splits: dict[int, dict[str, Any]] = {}
    for month in range(1, steps + 1):
        before = model.firms.n
        model.step()
        if model.firms.n > before:
            entrant_knowledge.extend(model.firms.knowledge[before : model.firms.n].mean(axis=1))
        if month in snapshots:
            splits[month] = relationship_split(model)
    model_df, agent_df = model.model_df, model.agent_df
    summary = metrics.summarise(model_df, agent_df, model)
    years = pd.concat([start, agent_df])
    out = {
        "outcomes": outcomes(model, model_df, years, summary, entrant_knowledge)
        | (extra(model) if extra else {}),
        "split": splits,
        "yearly": yearly_means(model_df, model.scenario.start_year),
    }
    if table4:
        window = min(steps, TABLE4_WINDOW)
        last_record = max(x for x in years.index.get_level_values("step") if x <= window)
        in_window = years[years.index.get_level_values("step") <= last_record]
        out["table4"] = table4_counts(model, in_window, last_record)
    return out


SERIES = ("n_alpacas", "n_breeders", "price_female")  # the public series calibrated to


def yearly_means(model_df: pd.DataFrame, start_year: int) -> dict[str, dict[int, float]]:
    """Calendar-year means of the series the calibration matches (experiments/calibrate.py),
    so that the validation can show them apart from the patterns it claims."""
    year = start_year + np.arange(len(model_df)) // 12
    frame = model_df[[c for c in SERIES if c in model_df]].assign(year=year)
    means = frame.groupby("year").mean()
    return {c: {int(y): float(v) for y, v in means[c].items()} for c in means}


def outcomes(
    model: AlpacaModel,
    model_df: pd.DataFrame,
    years: pd.DataFrame,
    summary: dict[str, float],
    entrant_knowledge: list[float],
) -> dict[str, float]:
    """Scalar outcomes of one run at the three levels of the seed's framework."""
    steps = years.index.get_level_values("step")
    first, last = years.xs(0, level="step"), years.xs(steps.max(), level="step")
    stay = first.index.intersection(last.index)  # incumbents still in business at the end
    con = model.contracts
    total = con.n
    reasons = con.view("reason")
    ended = con.view("ended") >= 0
    small, large = last[last["size_class"] == "small"], last[last["size_class"] == "large"]
    year = model_df.tail(12)
    return (
        summary
        | metrics.competition_outcomes(model)
        | {
            # individual
            "incumbent_knowledge_gain": float(
                (last.loc[stay, "knowledge"] - first.loc[stay, "knowledge"]).mean()
            ),
            "mean_ties": float(last["n_ties"].mean()),
            "strong_ties": strong_ties(model),
            "partner_trust": partner_trust(model),
            # organisational
            "profit_per_breeder": float(last["profit"].mean()),
            "sales_per_breeder": float(last["sales"].mean()),
            "costs_per_breeder": float(last["costs"].mean()),
            "cost_per_animal": float(last["costs"].sum() / max(last["herd_size"].sum(), 1)),
            "running_cost_per_animal": float(
                (last["running_cost_per_animal"] * last["herd_size"]).sum()
                / max(last["herd_size"].sum(), 1)
            ),
            "elite_access_small": float(small["elite_access"].mean()) if len(small) else 0.0,
            "elite_access_large": float(large["elite_access"].mean()) if len(large) else 0.0,
            "incumbent_survival": float(len(stay) / len(first)),
            "breaches": float(model_df["breaches"].sum()),
            "detected_breaches": float(model_df["detected_breaches"].sum()),
            "undetected_breaches": float(
                model_df["breaches"].sum() - model_df["detected_breaches"].sum()
            ),
            "conflicts": float(model_df["conflicts"].sum()),
            "ended_by_breach": float((ended & (reasons == ENDED_BREACH)).sum() / max(total, 1)),
            "ended_by_conflict": float((ended & (reasons == ENDED_CONFLICT)).sum() / max(total, 1)),
            "detected_share": (
                float(model_df["detected_breaches"].sum() / model_df["breaches"].sum())
                if model_df["breaches"].sum() > 0
                else float("nan")
            ),
            "mean_cooperation_intensity": float(model_df["mean_cooperation_intensity"].mean()),
            "mean_competition_intensity": float(model_df["mean_competition_intensity"].mean()),
            "believed_detection": float(model_df["mean_believed_detection"].mean()),
            "coowning_share": float((last["n_partners"] > 0).mean()) if len(last) else 0.0,
            # industry
            "demand_index": float(model_df["demand_index"].iloc[-1]),
            "entrant_knowledge": float(np.mean(entrant_knowledge)) if entrant_knowledge else 0.0,
            "final_quality_sd": float(model_df["quality_sd"].iloc[-1]),
            "price_first_year": float(model_df["price_female"].head(12).mean()),
            "price_second_year": float(model_df["price_female"].iloc[12:24].mean()),
            "sales_first_year": float(model_df["sales_count"].head(12).sum()),
            "sales_second_year": float(model_df["sales_count"].iloc[12:24].sum()),
            "start_n_alpacas": float(model_df["n_alpacas"].iloc[0]),
            "mean_price_last_year": float(
                year["sales_value"].sum() / max(year["sales_count"].sum(), 1)
            ),
        }
    )


def _any_year(years: pd.DataFrame, column: str, ids: pd.Index) -> pd.Series:
    """Whether a boolean column is true at any yearly record of each firm in `ids`."""
    return years[column].groupby(level="breeder_id").any().reindex(ids, fill_value=False)


def _window(years: pd.DataFrame, steps: list[int], ids: pd.Index) -> pd.DataFrame:
    """Per firm: sales, sales value and mean profit over the yearly records at `steps`."""
    rec = years[years.index.get_level_values("step").isin(steps)]
    g = rec.groupby(level="breeder_id")
    out = pd.DataFrame(
        {"sales": g["sales"].sum(), "value": g["sales_value"].sum(), "profit": g["profit"].mean()}
    ).reindex(ids)
    out["price"] = out["value"] / out["sales"].where(out["sales"] > 0)
    return out


def firm_indicators(
    years: pd.DataFrame, steps: int, learning_by_doing: float, elite_price: float
) -> pd.DataFrame:
    """Per incumbent firm (in business at month 0 and at the end): the Table 4 indicators and
    whether it co-owned a stud at any yearly record. NaN where an indicator does not apply.

    Sales, profit and prices compare the first third of the yearly records with the last
    third, so that one year of the market's swings (the start is not at equilibrium) does not
    decide them."""
    step = years.index.get_level_values("step")
    end = int(step.max())
    first, last = years.xs(0, level="step"), years.xs(end, level="step")
    ids = first.index.intersection(last.index)
    f, e = first.loc[ids], last.loc[ids]
    records = sorted(int(x) for x in set(step) if x > 0)
    early = [x for x in records if x <= end / 3] or records[:1]
    late = [x for x in records if x > 2 * end / 3] or records[-1:]
    w0, w1 = _window(years, early, ids), _window(years, late, ids)
    hist = years[years.index.get_level_values("breeder_id").isin(ids)]
    coowning = hist["n_partners"] > 0
    co = coowning.groupby(level="breeder_id").any().reindex(ids, fill_value=False)
    # knowledge: what learning by doing alone would give over the run, per domain mean
    alone = 1.0 - (1.0 - f["knowledge"]) * (1.0 - learning_by_doing) ** steps
    shared = hist["coowned_stud_share"] > 0
    risk = shared & (hist["cash"] < ALONE_CASH_MULTIPLE * elite_price)  # could not buy alone
    comp = hist["max_competition"] >= RIVALRY_MIN
    prices_known = w0["price"].notna() & w1["price"].notna()
    ind = pd.DataFrame(index=ids)
    ind["coowner"] = co
    ind["rare_genetics"] = e["elite_access"].astype(float)
    ind["knowledge"] = ((e["knowledge"] - alone) >= KNOWLEDGE_GAIN_MIN).astype(float)
    ind["knowledge_strict"] = ((e["knowledge"] - alone) >= KNOWLEDGE_GAIN_ALT).astype(float)
    ind["knowledge_gain"] = e["knowledge"] - f["knowledge"]  # a number, not a share
    ind["quality"] = ((e["herd_quality"] - f["herd_quality"]) >= QUALITY_GAIN_MIN).astype(float)
    ind["sales_profit"] = (
        (w1["sales"] / len(late) > w0["sales"] / len(early)) | (w1["profit"] > w0["profit"])
    ).astype(float)
    ind["reduced_cost"] = (
        e["running_cost_per_animal"] <= (1 - COST_CUT_MIN) * f["running_cost_per_animal"]
    ).astype(float)
    ind["spread_cost"] = _any_year(hist.assign(s=shared), "s", ids).astype(float)
    ind["financial_risk"] = _any_year(hist.assign(r=risk), "r", ids).astype(float)
    ind["scale"] = _any_year(hist, "pool_member", ids).astype(float)
    ind["network"] = (e["n_ties"] > f["n_ties"]).astype(float)
    ind["grown"] = (e["herd_size"] >= (1 + GROWTH_MIN) * f["herd_size"]).astype(float)
    ind["prices"] = (w1["price"] > w0["price"]).astype(float).where(prices_known)
    ind["rivalry"] = _any_year(hist.assign(c=comp), "c", ids).astype(float)
    ind["price_pressure"] = (
        (w1["price"] <= (1 - PRICE_FALL_MIN) * w0["price"]).astype(float).where(prices_known)
    )
    ind["disease"] = (_any_year(hist, "restricted", ids) | (e["culled"] > 0)).astype(float)
    ind["brexit"] = e["exports"].astype(float)
    after_step = DEMAND_SHOCK_MONTH + 12
    if DEMAND_SHOCK_MONTH in records and after_step in records:
        b = years.xs(DEMAND_SHOCK_MONTH, level="step")["sales"].reindex(ids)
        a = years.xs(after_step, level="step")["sales"].reindex(ids)
        ind["demand"] = (a <= (1 - DEMAND_FALL_MIN) * b).astype(float).where(b > 0)
    else:
        ind["demand"] = np.nan
    return ind


def table4_counts(model: AlpacaModel, years: pd.DataFrame, steps: int) -> dict[str, Any]:
    """For each theme: (firms with it, firms it applies to) among co-owners and non-co-owners;
    and the same among the seed's 29 firms that co-owned."""
    ind = firm_indicators(
        years, steps, model.scenario.learning_by_doing, model.scenario.elite_stud_price
    )
    seed_ids = model.firms.seed_firm[ind.index.to_numpy()] > 0
    # the others never co-owned during the run: a firm whose only co-ownership started and
    # ended between two yearly records (so is no co-owner at a record) is in neither group
    con = model.contracts
    ever = np.zeros(model.firms.n, dtype=bool)
    ever[con.keeper[: con.n]] = True
    ever[con.partner[: con.n]] = True
    coowner = ind["coowner"].to_numpy()
    never = ~coowner & ~ever[ind.index.to_numpy()]
    out: dict[str, Any] = {
        "n_coowners": int(coowner.sum()),
        "n_others": int(never.sum()),
        "n_seed_coowners": int((ind["coowner"] & seed_ids).sum()),
    }
    # every firm-year after month 0: elite access while co-owning and while not
    rec = years[years.index.get_level_values("step") > 0]
    co_now = rec["n_partners"] > 0
    out["elite:coowning"] = (float(rec["elite_access"][co_now].sum()), float(co_now.sum()))
    out["elite:not_coowning"] = (float(rec["elite_access"][~co_now].sum()), float((~co_now).sum()))
    for key in (*(t.key for t in TABLE4_THEMES), "knowledge_strict", "knowledge_gain"):
        col = ind[key]
        for name, mask in (
            ("coowners", coowner),
            ("others", never),
            ("seed_coowners", coowner & seed_ids),
        ):
            v = col[mask].dropna()
            out[f"{key}:{name}"] = (float(v.sum()), float(len(v)))
    return out


def run_job(job: tuple) -> tuple:
    """Worker of a process pool: (arm, seed, steps, overrides, snapshots, table4[, scenario])
    -> (arm, seed, result of `simulate`); the scenario defaults to SCENARIO (uk_2018)."""
    arm, seed, steps, overrides, snapshots, table4 = job[:6]
    scenario = job[6] if len(job) > 6 else SCENARIO
    cpu = time.process_time()
    try:
        result = simulate(
            seed, steps, overrides, scenario=scenario, snapshots=snapshots, table4=table4
        )
        result["cpu_seconds"] = time.process_time() - cpu  # for the runtime on an idle machine
    except Exception as err:  # name the run that failed
        raise RuntimeError(f"run '{arm}' seed {seed}: {type(err).__name__}: {err}") from err
    return arm, seed, result
