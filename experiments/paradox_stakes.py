"""The stakes of competition at the defaults (issue 21's done-criteria numbers).

Runs `uk_2018` on seeds 0-19 for 120 months at the defaults (the paradox module with its four
parts off, which leaves the model's tables identical and gives its per-partnership GBP ledger)
and again with protection 0 for everyone and no strategy learning (what protection saves and
costs), then prints per partnership-year GBP figures, stud seasons at capacity, overuses per
contract-year and the regime split at month 24 from the raw intensities and the fixed margin,
each as a mean over the seeds with its 95% t interval; also the diversion ratio between
partners (the share of what a learner would gain from a 10% rise of its reach that its partner
loses, by the market's choice rule, each December) and the share of trading breeders whose
year's sales lost to partners' learning exceed what their own learning earned (the owners
for whom the share/protect review favours protecting), the year's sales lost to partners'
learning by the most exposed tenth of them (90th percentile, GBP) and the median year's
earnings of what learners learned (GBP), and the sales taken through learned customer
contacts a partnership-year. A third set of runs, in which half the seed's firms (odd
numbers) keep protection 0, gives what a firm's own protection saves and costs it, for the
most exposed third of those firms and for the rest (`by_exposure`). docs/PARADOX.md section
3 quotes them.

    python experiments/paradox_stakes.py                 # 3 x 20 runs, ~2 CPU minutes
    python experiments/paradox_stakes.py --seeds 4 --months 60
    python experiments/paradox_stakes.py --consider 3    # buyers compare 3 sellers
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from scipy import stats

from alpaca_abm import paradox as px
from alpaca_abm import rivalry
from alpaca_abm.breeder import MARKETING
from alpaca_abm.coownership import RELATIONSHIP_TYPES
from alpaca_abm.data import load_uk_2018_firms
from alpaca_abm.model import AlpacaModel

QUIET = {
    "paradox": True,
    "paradox_interplay": False,
    "paradox_tensions": False,
    "paradox_responses": False,
    "paradox_cycles": False,
}
NO_PROTECTION = {"protection": 0.0, "strategy_learning": False}
SPLIT_MONTH = 24  # the end of 2019, when the seed's firms were interviewed
DIVERSION_UPLIFT = 1.1  # the diversion ratio: a learner's reach up 10% in every segment
# the seed's Table 2 label of firm 1..29 as a type code (an output to compare with, never read
# by the model): cooperation-dominated 0, equal 1, competition-dominated 2
LABELS = (
    load_uk_2018_firms()
    .sort_values("firm")["relationship_type"]
    .map({name: code for code, name in enumerate(RELATIONSHIP_TYPES)})
    .to_numpy(dtype=np.int64)
)


def one_run(
    seed: int, months: int, scenario: str = "uk_2018", unguarded: bool = False, **overrides
) -> dict:
    """The run's GBP ledger, overuses, full stud seasons and the month-24 regime split.
    `unguarded`: the seed's firms of odd number keep protection 0 all run (set after every
    month, so after each January's review), the others as at the defaults."""
    model = AlpacaModel(scenario, rng=seed, **QUIET, **overrides)
    p, con = model.scenario, model.contracts
    full, split_pairs, split_firms = [], np.zeros(3), np.zeros(3)
    confusion = np.zeros((3, 3), dtype=np.int64)  # rows the seed's label, columns the model's
    shifted, exposed = np.zeros(2), []  # teachers' loss and learners' gain; leak > gain
    top_leak, top_gain = [], []  # the year's GBP of the most exposed tenth, and of learners
    firm_leak, firm_gain = np.zeros(30), np.zeros(30)  # the seed's firms 1-29: run's GBP
    f = model.firms
    seeded = np.flatnonzero(f.seed_firm[: f.n] > 0)
    firm_mkt = np.zeros(30)  # and their marketing knowledge at the start (who can be taught)
    firm_mkt[f.seed_firm[seeded]] = f.knowledge[seeded, MARKETING]
    contact_sales = 0  # sales partners made to each other's buyers through learned contacts
    for _ in range(months):
        if unguarded:
            f = model.firms
            f.protection[: f.n][f.seed_firm[: f.n] % 2 == 1] = 0.0
        model.step()
        contact_sales += model.market.diversions.shape[1]
        if model.month == 12:  # the year's share/protect payoffs, before January's review
            f = model.firms
            seed_rows = np.flatnonzero((f.seed_firm[: f.n] > 0) & f.active[: f.n])
            np.add.at(firm_leak, f.seed_firm[seed_rows], f.core_leak_cost[seed_rows])
            np.add.at(firm_gain, f.seed_firm[seed_rows], f.knowledge_received[seed_rows])
            live = f.active[: f.n] & (f.knowledge_received[: f.n] + f.core_leak_cost[: f.n] > 0)
            leak, gain = f.core_leak_cost[: f.n][live], f.knowledge_received[: f.n][live]
            if live.any():
                exposed.append((leak > gain).mean())
                top_leak.append(np.quantile(leak, 0.9))
                top_gain.append(np.median(gain[gain > 0]) if (gain > 0).any() else 0.0)
            shifted += diversion(model)
        if model.month == p.mating_end_month:  # each running co-owned stud's season, at its end
            run = con.running()
            used = con.used_keeper[run] + con.used_partner[run]
            full += (used >= con.quota_keeper[run] + con.quota_partner[run]).tolist()
        if model.steps == SPLIT_MONTH:
            run = con.running()
            kind = px.regime(con.cooperation[run], con.competition[run])
            split_pairs = np.bincount(kind, minlength=3)
            counts = np.zeros((model.firms.n, 3))
            for who in (con.keeper[run], con.partner[run]):
                np.add.at(counts, (who, kind), 1)
            partnered = counts.sum(axis=1) > 0
            split_firms = np.bincount(counts[partnered].argmax(axis=1), minlength=3)
            seed = model.firms.seed_firm[: model.firms.n]  # the 29 firms: model type vs label
            mine = partnered & (seed > 0)
            printed = LABELS[seed[mine] - 1]
            np.add.at(confusion, (printed, counts[mine].argmax(axis=1)), 1)
    table = px.partnership_table(model.paradox, con, model.steps)
    df = model.model_df
    ends = np.where(table.ended >= 0, table.ended, model.steps)
    pyears = float(((ends - table.start) / 12).sum())
    return {
        "pyears": pyears,
        "knowledge": table.knowledge_gbp.sum() / pyears,
        "leakage": table.leakage_gbp.sum() / pyears,
        "joint": table.joint_value_gbp.sum() / pyears,
        "overuse_events": df.breaches.sum() / pyears,
        "overuse_matings": df.overuse_matings.sum() / pyears,
        "overuse_gained": df.overuse_matings.sum() * df.stud_fee.mean() / pyears,  # at the mean fee
        "displaced_fees": df.displaced_fees.sum() / pyears,
        "full": np.mean(full) if full else float("nan"),
        "seasons": len(full),
        "split_pairs": split_pairs,
        "split_firms": split_firms,
        "confusion": confusion,
        "protection_end": df.mean_protection.iloc[-1],
        "diversion": shifted[0] / shifted[1] if shifted[1] > 0 else float("nan"),
        "exposed": float(np.nanmean(exposed)) if exposed else float("nan"),
        "sales_year": df.sales_count.sum() * 12 / len(df),  # the market's volume, a year
        "lost_year": df.lost_enquiries.sum() * 12 / len(df),
        "leak_p90": float(np.mean(top_leak)) if top_leak else float("nan"),
        "gain_median": float(np.mean(top_gain)) if top_gain else float("nan"),
        "contact_sales": contact_sales / pyears,
        "firm_leak": firm_leak[1:],
        "firm_gain": firm_gain[1:],
        "firm_mkt": firm_mkt[1:],
    }


def diversion(model: AlpacaModel) -> np.ndarray:
    """Between running partners, both ways: the sales the teacher would lose and the learner
    gain in a year if the learner's reach rose by DIVERSION_UPLIFT in every segment, by the
    market's choice rule (rivalry.sales_shift; demand the year's home buyers by segment)."""
    con, mk = model.contracts, model.market
    run = con.running()
    n_f = model.firms.n
    if len(run) == 0:
        return np.zeros(2)
    reach = np.pad(mk.reach, ((0, 0), (0, max(0, n_f - mk.reach.shape[1]))))[:, :n_f]
    year = np.pad(mk.sales_year, ((0, 0), (0, max(0, n_f - mk.sales_year.shape[1]))))
    a, b = con.keeper[run], con.partner[run]
    teacher, learner = np.r_[a, b], np.r_[b, a]
    uplift = np.full(len(teacher), DIVERSION_UPLIFT)
    demand = year[:, :n_f].sum(axis=1)
    lost, gained = rivalry.sales_shift(
        demand, reach, teacher, learner, uplift, model.scenario.buyer_consideration
    )
    return np.array([lost.sum(), gained.sum()])


def by_exposure(base: list[dict], own: list[dict]) -> None:
    """What its own protection saves and costs each of the seed's firms of odd number (GBP
    per firm-run, all years): the runs in which those firms keep protection 0 (`unguarded`)
    against the defaults, same seeds; saves = its sales lost to partners unguarded - at the
    defaults, costs = what partners' knowledge earned it unguarded - at the defaults (the
    reciprocity protection costs it). The most exposed third (the most marketing knowledge
    at the start, which partners can learn with its contacts; chosen before the runs differ)
    against the other two thirds."""
    if not any(r["firm_mkt"].any() for r in base):  # a scenario without the seed's firms
        return
    odd = np.arange(29) % 2 == 0  # firms 1, 3, ..., 29 (index 0 is firm 1)
    for name, top in (("most exposed third", True), ("other two thirds", False)):
        saves, costs = [], []
        for a, b in zip(base, own, strict=True):
            mkt = a["firm_mkt"][odd]
            cut = np.quantile(mkt, 2 / 3)
            pick = mkt > cut if top else mkt <= cut
            saves.append((b["firm_leak"] - a["firm_leak"])[odd][pick].mean())
            costs.append((b["firm_gain"] - a["firm_gain"])[odd][pick].mean())
        print(f"{name:>22}: own protection saves {interval(saves)}, costs {interval(costs)}")


def interval(values) -> str:
    """'mean [low, high]' of the 95% t interval."""
    v = np.asarray(values, dtype=float)
    m = v.mean()
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0
    return f"{m:.4g} [{m - half:.4g}, {m + half:.4g}]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=20, help="seeds 0..N-1 (at least 2)")
    ap.add_argument("--months", type=int, default=120, help="months per run (at least 25)")
    ap.add_argument("--scenario", default="uk_2018", help="scenario to run (default uk_2018)")
    ap.add_argument(
        "--consider", type=int, default=None, help="buyer_consideration (default: the scenario's)"
    )
    args = ap.parse_args(argv)
    if args.seeds < 2:
        ap.error(f"--seeds = {args.seeds} is not allowed: at least 2 (for an interval).")
    if args.months <= SPLIT_MONTH:
        ap.error(f"--months = {args.months} is not allowed: more than {SPLIT_MONTH}.")
    market = {} if args.consider is None else {"buyer_consideration": args.consider}
    base = [one_run(s, args.months, args.scenario, **market) for s in range(args.seeds)]
    bare = [
        one_run(s, args.months, args.scenario, **market, **NO_PROTECTION) for s in range(args.seeds)
    ]
    head = f"{args.scenario}, seeds 0-{args.seeds - 1}, {args.months} months"
    print(f"{head}; GBP per partnership-year")
    for key in ("pyears", "knowledge", "leakage", "joint", "overuse_events", "overuse_matings",
                "overuse_gained", "displaced_fees", "full", "protection_end", "diversion",
                "exposed", "leak_p90", "gain_median", "contact_sales", "sales_year",
                "lost_year"):  # fmt: skip
        print(f"{key:>16}: {interval([r[key] for r in base])}")
    print(f"{'seasons':>16}: {sum(r['seasons'] for r in base)}")
    saves = [b["leakage"] - a["leakage"] for a, b in zip(base, bare, strict=True)]
    costs = [b["knowledge"] - a["knowledge"] for a, b in zip(base, bare, strict=True)]
    print(f"{'protection saves':>16}: {interval(saves)} (leakage without it - with it)")
    print(f"{'protection costs':>16}: {interval(costs)} (knowledge without it - with it)")
    own = [one_run(s, args.months, args.scenario, True, **market) for s in range(args.seeds)]
    by_exposure(base, own)
    for key in ("split_pairs", "split_firms"):
        total = np.sum([r[key] for r in base], axis=0)
        print(f"{key:>16}: {total.tolist()} = {np.round(total / total.sum(), 3).tolist()}")
    print(f"{'the seed':>16}: [7, 15, 7] = {np.round(np.array([7, 15, 7]) / 29, 3).tolist()}")
    conf = np.sum([r["confusion"] for r in base], axis=0)
    if conf.sum() == 0:  # a scenario without the seed's firms
        return 0
    print(f"{'seed firms':>16}: model type by the seed's label (rows coop/equal/comp):")
    print(conf)
    agree = np.trace(conf) / conf.sum()
    chance = float((conf.sum(axis=1) / conf.sum()) @ (conf.sum(axis=0) / conf.sum()))
    print(f"{'agreement':>16}: {agree:.3f} of {conf.sum()} firm-runs (chance {chance:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
