"""Reporters at the seed's three levels (Table 4): individual, organisational and industry.

`industry_row` computes every model-level column in one pass over the arrays (cheap, every
month); `breeder_table` the breeder-level rows (every collection period); network measures
that need a graph run on a period, as plain functions over networkx graphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from . import fleece, paradox
from .breeder import size_class
from .breeding import elite_studs
from .coownership import (
    COMP_DOMINATED,
    COOP_DOMINATED,
    ENDED_BREACH,
    ENDED_CONFLICT,
    EQUAL,
    RELATIONSHIP_TYPES,
)
from .finance import monthly_costs
from .ordering import row_mean, row_sum
from .shearing import pool_members

if TYPE_CHECKING:
    from .herd import Herd
    from .state import Industry

ELITE_ACCESS_WINDOW = 12  # months: access means an elite mating within the last year
CLUSTERING_SAMPLE = 2000  # nodes: above this the clustering coefficient is estimated
DENSE_CLUSTERING_MAX = 64  # breeder rows: up to this the clustering uses a dense matrix


class Tally(str):
    """A column of model_df that is one of the month's tallies: a count the mechanisms add
    to in `state.month_stats` as the month runs (the other columns are worked out from the
    tables when the month closes, `industry_row`)."""


# model_df's columns, in order; a tally is marked where it stands. MODEL_COLUMNS and
# MONTHLY_TALLIES (the keys of state.month_stats) are both read off this one list.
_ROW = (
    "step",
    "date",
    "n_breeders",
    "n_alpacas",
    "mean_quality",
    "quality_sd",
    "price_female",
    Tally("sales_count"),
    Tally("sales_value"),
    "fibre_price",
    "n_coowned_studs",
    "n_partnerships",
    "elite_access_share",
    "mean_knowledge",
    "mean_trust",
    "network_density",
    "total_profit",
    "share_coop_dominated",
    "share_equal",
    "share_comp_dominated",
    "mean_micron",
    "fleece_micron",
    Tally("births"),
    Tally("deaths"),
    # trade, partnerships, entry and exit
    Tally("pet_sales"),
    Tally("internal_sales"),
    Tally("export_sales"),
    Tally("referrals"),
    Tally("lost_enquiries"),
    Tally("new_contracts"),
    Tally("contracts_ended"),
    Tally("breaches"),
    Tally("detected_breaches"),
    Tally("conflicts"),
    Tally("knowledge_shared"),
    Tally("leakage"),
    Tally("service_matings"),
    Tally("coowned_matings"),
    Tally("own_matings"),
    Tally("studs_bought_alone"),
    Tally("entrants"),
    Tally("exits"),
    "demand_index",
    Tally("pooled_kg"),
    "mean_cash",
    "small_share",
    "small_mean_profit",
    "large_mean_profit",
    "clustering",
    "n_elite_studs",
    Tally("listed"),
    Tally("demand"),
    # shocks and the environment (shocks.py, disease.py)
    "infected_herds",
    Tally("new_infected_herds"),
    Tally("found_herds"),
    "restricted_herds",
    Tally("culled"),
    "infected_animals",
    Tally("coloured_sales"),
    "rivalry_index",
    "investment_mood",
    # the economy (market.py, finance.py): accounts, auction, outside pool, studs
    "cash_flow",
    "stock_value",
    "loss_making_share",
    "expected_price",
    "sell_through",
    "bids",
    "asks",
    "outside_buyers",
    "pool_size",
    "adopters",
    "awareness",
    "stud_fee",
    Tally("stud_sales"),
    Tally("wether_sales"),
    "idle_male_share",
    # competition inside coopetition (rivalry.py; issue 14)
    "breaches_per_contract_month",
    "conflicts_per_contract_month",
    "mean_cooperation_intensity",
    "mean_competition_intensity",
    Tally("leakage_sales_lost"),
    "acceptable_per_search",
    Tally("searches"),
    Tally("acceptable_candidates"),
    Tally("displaced_matings"),
    Tally("displaced_fees"),
    Tally("overuse_matings"),  # matings beyond a co-owner's quota (breeding.mate)
    Tally("fallback_hired"),
    "mean_openness",
    "mean_protection",
    "mean_believed_detection",
)
MODEL_COLUMNS = tuple(str(column) for column in _ROW)
MONTHLY_TALLIES = tuple(str(column) for column in _ROW if isinstance(column, Tally))


def model_columns(state: Industry) -> tuple[str, ...]:
    """The model_df columns of this run: the paradox module's join them when it is on."""
    return MODEL_COLUMNS if state.paradox is None else MODEL_COLUMNS + paradox.COLUMNS


def breeder_micron(herd: Herd, n_firms: int) -> np.ndarray:
    """Mean genetic MFD (µm) of each breeder's living animals (0 for an empty herd)."""
    alive = herd.view("alive")
    owner = herd.view("owner")[alive]
    micron = fleece.micron_from_quality(herd.view("quality")[alive].astype(np.float64))
    heads = np.bincount(owner, minlength=n_firms)
    total = np.bincount(owner, weights=micron, minlength=n_firms)
    return np.where(heads > 0, total / np.maximum(heads, 1), 0.0)


def density(n_nodes: int, n_edges: int) -> float:
    """Share of possible ties present (0 for fewer than two nodes)."""
    return 0.0 if n_nodes < 2 else 2.0 * n_edges / (n_nodes * (n_nodes - 1))


def elite_access(state: Industry) -> np.ndarray:
    """Whether each breeder mated a female to an elite sire in the last year."""
    firms = state.firms
    return (state.steps - firms.elite_access_step[: firms.n]) < ELITE_ACCESS_WINDOW


def _mean(values: np.ndarray) -> float:
    """`float(values.mean())` bit for bit (the same reduction and division), without the
    Python layers of `ndarray.mean`: a month's row takes about twenty means."""
    kind = values.dtype.kind
    total = np.add.reduce(values, axis=None, dtype=np.float64 if kind in "biu" else None)
    return float(total / values.size)


def demand_index(state: Industry) -> float:
    """Outside demand relative to the start: the pool's potential (awareness) over its
    base, times any demand shock and disease scare."""
    mk = state.market
    ratio = mk.pool_size / mk.pool_base if mk.pool_base > 0 else 1.0
    return ratio * state.shocks.buyer_factor("hobby")


def industry_row(state: Industry, heads: np.ndarray | None = None) -> dict:
    """Every model-level column for the month just ended: the herd's, the breeders', the
    partnerships' and the market's figures, then the month's tallies. `heads`: each
    breeder's animals (herd.counts_by_owner), when already counted."""
    firms, stats = state.firms, state.month_stats
    active = firms.active[: firms.n]
    if heads is None:
        heads = state.herd.counts_by_owner(firms.n)
    row = {"step": state.steps, "date": state.date}
    row |= herd_columns(state)
    row |= firm_columns(state, active, heads)
    row |= partnership_columns(state, int(active.sum()))
    row |= market_columns(state)
    for key in MODEL_COLUMNS:
        if key not in row:
            row[key] = stats.get(key, 0)
    if state.paradox is not None:
        row.update(paradox.industry_values(state.paradox, state.contracts, firms, stats))
    return row


def herd_columns(state: Industry) -> dict:
    """The national herd: size, genetic quality and fibre, idle males, elite studs, disease."""
    herd = state.herd
    alive = herd.view("alive")
    q = herd.view("quality") if alive.all() else herd.view("quality")[alive]  # (compacted)
    # the herd's mean genetic MFD, from the living animals' qualities already gathered
    micron = _mean(fleece.micron_from_quality(q.astype(np.float64))) if len(q) else 0.0
    stud_age = state.scenario.group("herd").stud_age
    adult_male = alive & ~herd.view("female") & (herd.view("age") >= stud_age)
    idle = int(np.count_nonzero(adult_male & ~herd.view("stud")))
    n_alive = int(np.count_nonzero(alive))
    return {
        "n_alpacas": n_alive,
        "mean_quality": _mean(q) if len(q) else 0.0,
        "quality_sd": float(q.std()) if len(q) else 0.0,
        "mean_micron": micron,
        "idle_male_share": float(idle / max(n_alive, 1)),
        "n_elite_studs": int(len(elite_studs(state)[1])),
        "infected_herds": state.disease.infected_herds(state),
        "infected_animals": state.disease.infected_animals(state),
    }


def firm_columns(state: Industry, active: np.ndarray, heads: np.ndarray) -> dict:
    """The breeders still in business: numbers, knowledge, money, size classes, strategies."""
    firms = state.firms
    n_f = firms.n
    n_active = int(active.sum())
    profit = firms.acct_profit[:n_f]  # accounting profit: stock at market (finance.py)
    cash_flow = firms.revenue[:n_f] - firms.costs[:n_f]
    year_profit = row_sum(firms.acct_profit_ring[:n_f][active])  # (of firms in business)
    small = active & (heads < 50)
    large = active & (heads >= 50)

    def mean_active(column: np.ndarray) -> float:
        return _mean(column[:n_f][active]) if n_active else 0.0

    return {
        "n_breeders": n_active,
        "elite_access_share": _mean(elite_access(state)[active]) if n_active else 0.0,
        "mean_knowledge": mean_active(firms.knowledge),
        "total_profit": float(profit[active].sum()),
        "mean_cash": mean_active(firms.cash),
        "small_share": float(small.sum() / n_active) if n_active else 0.0,
        "small_mean_profit": _mean(profit[small]) if small.any() else 0.0,
        "large_mean_profit": _mean(profit[large]) if large.any() else 0.0,
        "restricted_herds": int((firms.restricted[:n_f] & active).sum()),
        "cash_flow": float(cash_flow[active].sum()),
        "stock_value": float(firms.stock_value[:n_f][active].sum()),
        "loss_making_share": _mean(year_profit < 0) if n_active else 0.0,
        "mean_openness": mean_active(firms.openness),
        "mean_protection": mean_active(firms.protection),
        "mean_believed_detection": mean_active(firms.believed_detection),
    }


def partnership_columns(state: Industry, n_active: int) -> dict:
    """Co-ownerships and the acquaintance network: counts, trust, types, intensities."""
    firms, con, trust, stats = state.firms, state.contracts, state.trust, state.month_stats
    run = con.running()
    rtypes = con.rtype[run]
    n_run = len(run)
    live_ties = np.flatnonzero(  # ties between two breeders still in the industry
        firms.active[trust.src[: trust.n]] & firms.active[trust.dst[: trust.n]]
    )
    return {
        "n_coowned_studs": len(set(con.stud[run].tolist())),  # (a few hundred at most)
        "n_partnerships": n_run,
        "mean_trust": _mean(trust.current(live_ties, state.steps)) if len(live_ties) else 0.0,
        "network_density": density(n_active, n_run),
        "share_coop_dominated": _mean(rtypes == COOP_DOMINATED) if n_run else 0.0,
        "share_equal": _mean(rtypes == EQUAL) if n_run else 0.0,
        "share_comp_dominated": _mean(rtypes == COMP_DOMINATED) if n_run else 0.0,
        "clustering": state.clustering_now,
        "breaches_per_contract_month": stats["breaches"] / n_run if n_run else 0.0,
        "conflicts_per_contract_month": stats["conflicts"] / n_run if n_run else 0.0,
        "mean_cooperation_intensity": _mean(con.cooperation[run]) if n_run else 0.0,
        "mean_competition_intensity": _mean(con.competition[run]) if n_run else 0.0,
        "acceptable_per_search": (
            stats["acceptable_candidates"] / stats["searches"] if stats["searches"] else 0.0
        ),
    }


def market_columns(state: Industry) -> dict:
    """The livestock and fibre markets and the environment: prices, expectations, the
    auction, the outside pool, stud fees, rivalry and the investment mood."""
    mk = state.market
    return {
        "price_female": float(mk.price),
        "fibre_price": float(state.fibre_price_now),
        "fleece_micron": float(state.fleece_micron_now),
        "demand_index": float(demand_index(state)),
        "expected_price": float(mk.expected_price),
        "sell_through": float(mk.sell_through),
        "bids": int(mk.bids),
        "asks": int(mk.asks),
        "outside_buyers": int(mk.outside_buyers),
        "pool_size": float(mk.pool_size),
        "adopters": float(mk.adopters),
        "awareness": float(mk.awareness),
        "stud_fee": float(mk.stud_fee),
        "rivalry_index": float(state.rivalry_index),
        "investment_mood": float(state.investment_mood),
    }


BREEDER_COLUMNS = (  # agent_df's columns, in order
    "herd_size", "herd_quality", "herd_micron", "cash", "revenue", "costs", "profit",
    "cash_flow", "stock_value", "sales", "knowledge", "knowledge_health", "knowledge_breeding",
    "knowledge_marketing", "n_partners", "trust_mean", "elite_access", "size_class",
    "relationship_type", "investor", "exports", "synthetic", "seed_firm", "place",
    "entered_step", "sales_value", "n_ties", "pool_member", "coowned_stud_share",
    "max_competition", "cost_per_animal", "running_cost_per_animal", "restricted", "culled",
    "openness", "protection", "cooperation_intensity", "competition_intensity",
    "believed_detection", "sales_lost_to_partners", "displaced_matings", "displaced_fees",
)  # fmt: skip


def breeder_table(state: Industry) -> pd.DataFrame:
    """One row per active breeder: the individual and organisational outcomes (its herd,
    money, knowledge and strategy, partnerships and ties, and what it is)."""
    firms = state.firms
    rows = firms.active_rows()
    herd_part, heads = breeder_herd_columns(state, rows)
    parts = (
        herd_part
        | breeder_money_columns(state, rows, heads)
        | breeder_knowledge_columns(state, rows)
        | breeder_tie_columns(state, rows)
        | breeder_identity_columns(state, rows)
    )
    # the (step, breeder_id) index built directly: set_index on the frame costs twice the frame
    index = pd.MultiIndex.from_arrays(
        [np.full(len(rows), state.steps, dtype=np.int64), rows], names=["step", "breeder_id"]
    )
    table = pd.DataFrame({name: parts[name] for name in BREEDER_COLUMNS}, index=index)
    if state.paradox is not None:
        for name, values in paradox.breeder_values(state.paradox, rows).items():
            table[name] = values
    return table


def breeder_herd_columns(state: Industry, rows: np.ndarray) -> tuple[dict, np.ndarray]:
    """Each breeder's herd: size, mean quality and micron, size class; and the heads of
    every firm row (for the other columns)."""
    herd, n_f = state.herd, state.firms.n
    alive = herd.view("alive")
    owner = herd.view("owner")[alive]
    heads = np.bincount(owner, minlength=n_f)
    qsum = np.bincount(owner, weights=herd.view("quality")[alive], minlength=n_f)
    return {
        "herd_size": heads[rows],
        "herd_quality": np.where(heads[rows] > 0, qsum[rows] / np.maximum(heads[rows], 1), 0),
        "herd_micron": breeder_micron(herd, n_f)[rows],
        "size_class": size_class(heads[rows]),
    }, heads


def breeder_money_columns(state: Industry, rows: np.ndarray, heads: np.ndarray) -> dict:
    """Each breeder's last 12 months of money: cash, revenue, costs, accounting profit,
    cash flow, stock at market, sales, and costs per animal."""
    firms = state.firms
    n_f = firms.n
    revenue = row_sum(firms.revenue_ring[:n_f])
    costs = row_sum(firms.costs_ring[:n_f])
    per_head = np.maximum(heads[rows], 1)
    return {
        "cash": firms.cash[rows],
        "revenue": revenue[rows],
        "costs": costs[rows],
        "profit": row_sum(firms.acct_profit_ring[rows]),  # accounting profit
        "cash_flow": revenue[rows] - costs[rows],
        "stock_value": firms.stock_value[rows],
        "sales": row_sum(firms.sales_ring[rows]),
        "sales_value": row_sum(firms.sales_value_ring[rows]),
        "cost_per_animal": np.where(heads[rows] > 0, costs[rows] / per_head, 0.0),
        "running_cost_per_animal": np.where(
            heads[rows] > 0, 12 * monthly_costs(state, heads)[rows] / per_head, 0.0
        ),
    }


def breeder_knowledge_columns(state: Industry, rows: np.ndarray) -> dict:
    """Each breeder's knowledge by domain and its share-or-protect strategy (rivalry.py)."""
    firms = state.firms
    return {
        "knowledge": row_mean(firms.knowledge[rows]),
        "knowledge_health": firms.knowledge[rows, 0],
        "knowledge_breeding": firms.knowledge[rows, 1],
        "knowledge_marketing": firms.knowledge[rows, 2],
        "openness": firms.openness[rows],
        "protection": firms.protection[rows],
        "believed_detection": firms.believed_detection[rows],
    }


def breeder_tie_columns(state: Industry, rows: np.ndarray) -> dict:
    """Each breeder's partnerships and acquaintances: partners, trust, the dominant type,
    shares of co-owned studs, intensities, and what partners' learning and overuse cost."""
    firms, con, t = state.firms, state.contracts, state.trust
    n_f = firms.n
    partners = con.partner_counts(n_f)
    run = con.running()
    sides = (con.keeper[run], con.partner[run])
    type_counts = np.zeros((n_f, 3))  # dominant relationship type of its running partnerships
    stud_share = np.zeros(n_f)  # share held in running co-owned studs
    max_comp = np.zeros(n_f)  # competition intensity of its most rivalrous partnership
    coop_sum, comp_sum = np.zeros(n_f), np.zeros(n_f)
    for who in sides:
        np.add.at(type_counts, (who, con.rtype[run]), 1)
    np.add.at(stud_share, con.keeper[run], con.share_keeper[run])
    np.add.at(stud_share, con.partner[run], con.share_partner[run])
    for who in sides:
        np.maximum.at(max_comp, who, con.competition[run])
    for who in sides:
        np.add.at(coop_sum, who, con.cooperation[run])
        np.add.at(comp_sum, who, con.competition[run])
    dominant = np.where(partners > 0, type_counts.argmax(axis=1), -1)
    names = np.array([*RELATIONSHIP_TYPES, "none"])
    src = t.src[: t.n]
    tsum = np.bincount(src, weights=t.all_current(state.steps), minlength=n_f)
    tcount = np.bincount(src, minlength=n_f)
    both_active = firms.active[src] & firms.active[t.dst[: t.n]]
    ties = np.bincount(src[both_active], minlength=n_f)  # acquaintances still in business
    n_p = np.maximum(partners, 1)
    return {
        "n_partners": partners[rows],
        "trust_mean": np.where(tcount[rows] > 0, tsum[rows] / np.maximum(tcount[rows], 1), 0),
        "relationship_type": names[dominant[rows]],
        "n_ties": ties[rows],
        "coowned_stud_share": stud_share[rows],
        "max_competition": max_comp[rows],
        "cooperation_intensity": coop_sum[rows] / n_p[rows],
        "competition_intensity": comp_sum[rows] / n_p[rows],
        "sales_lost_to_partners": firms.sales_lost_to_partners[rows],
        "displaced_matings": firms.displaced_matings[rows],
        "displaced_fees": firms.displaced_fees[rows],
    }


def breeder_identity_columns(state: Industry, rows: np.ndarray) -> dict:
    """What each breeder is and where it stands: origin, place, roles, elite access, and
    disease control."""
    firms = state.firms
    pool = pool_members(firms, state.contracts, state.scenario.mechanism_on("industry_investment"))
    return {
        "elite_access": elite_access(state)[rows],
        "investor": firms.investor[rows],
        "exports": firms.exports[rows],
        "synthetic": firms.synthetic[rows],
        "seed_firm": firms.seed_firm[rows],
        "place": state.places["name"].to_numpy()[firms.place[rows]],
        "entered_step": firms.entered_step[rows],
        "pool_member": pool[rows],
        "restricted": firms.restricted[rows],
        "culled": firms.culled[rows],
    }


def acquaintance_graph(state: Industry) -> nx.Graph:
    """Graph of active breeders with an edge wherever either has a trust tie to the other."""
    t, firms = state.trust, state.firms
    src, dst = t.src[: t.n], t.dst[: t.n]
    keep = firms.active[src] & firms.active[dst]
    g = nx.Graph()
    g.add_nodes_from(firms.active_rows().tolist())
    g.add_edges_from(zip(src[keep].tolist(), dst[keep].tolist(), strict=True))
    return g


def clustering(state: Industry) -> float:
    """Average clustering of the acquaintance network (on a period).

    Above CLUSTERING_SAMPLE breeders it is estimated on a sample of nodes drawn from a
    generator seeded by the step, so the model's own random stream is untouched.
    """
    t, firms = state.trust, state.firms
    nodes = firms.active_rows()
    if len(nodes) == 0:
        return 0.0
    if len(nodes) > CLUSTERING_SAMPLE:
        nodes = np.sort(
            np.random.default_rng(state.steps).choice(nodes, CLUSTERING_SAMPLE, replace=False)
        )
    src, dst = t.src[: t.n], t.dst[: t.n]
    keep = firms.active[src] & firms.active[dst] & (src != dst)
    return average_clustering(firms.n, src[keep], dst[keep], nodes)


def average_clustering(n: int, src: np.ndarray, dst: np.ndarray, nodes: np.ndarray) -> float:
    """Mean clustering coefficient of `nodes` in the undirected graph of the given edges
    (as networkx's average_clustering, nodes without two neighbours counting 0), with sparse
    matrices: node i closes (A² ∘ A)_i / 2 triangles out of k_i (k_i − 1) / 2 possible.
    Up to DENSE_CLUSTERING_MAX rows the same counts come from a dense integer matrix (the
    sparse machinery costs more than the arithmetic there); counts are exact either way."""
    if n <= DENSE_CLUSTERING_MAX:
        return _dense_clustering(n, src, dst, nodes)
    from scipy.sparse import csr_matrix

    ones = np.ones(len(src), dtype=np.float64)
    adj = csr_matrix((ones, (src, dst)), shape=(n, n))
    adj = ((adj + adj.T) > 0).astype(np.float64).tocsr()
    rows = adj[nodes]
    closed = np.asarray((rows @ adj).multiply(rows).sum(axis=1)).ravel()
    degree = np.asarray(rows.sum(axis=1)).ravel()
    possible = degree * (degree - 1)
    coefficient = np.divide(closed, possible, out=np.zeros_like(closed), where=possible > 0)
    return float(coefficient.mean())


def _dense_clustering(n: int, src: np.ndarray, dst: np.ndarray, nodes: np.ndarray) -> float:
    """`average_clustering` with a dense 0/1 integer adjacency matrix (small networks)."""
    adj = np.zeros((n, n), dtype=np.int64)
    adj[src, dst] = 1
    adj[dst, src] = 1
    rows = adj[nodes]
    closed = ((rows @ adj) * rows).sum(axis=1).astype(np.float64)
    degree = rows.sum(axis=1).astype(np.float64)
    possible = degree * (degree - 1)
    coefficient = np.divide(closed, possible, out=np.zeros_like(closed), where=possible > 0)
    return float(coefficient.mean())


# What a headline figure is, where its name alone does not say it (printed by `alpaca-abm run`)
SUMMARY_NOTES = {"profit_last_year": "GBP, the whole industry, last 12 months"}


def summary_note(key: str) -> str:
    """'  (unit, scope)' to print after a headline figure, or '' when its name says it all."""
    return f"  ({SUMMARY_NOTES[key]})" if key in SUMMARY_NOTES else ""


# Headline figures that are undefined in some runs and then missing (NaN; null in
# summary.json), never a made-up number: survival needs at least one contract.
MAY_BE_MISSING = frozenset({"partnership_survival"})


def summarise(model_df: pd.DataFrame, agent_df: pd.DataFrame, state: Industry) -> dict:
    """Headline figures of a run, for tables, sweeps and the CLI."""
    con = state.contracts
    last = model_df.iloc[-1]
    year = model_df.tail(12)
    ended = con.view("ended") >= 0
    reasons = con.view("reason")
    early = ended & np.isin(reasons, (ENDED_BREACH, ENDED_CONFLICT))  # dissolved before term
    total = con.n
    at = agent_df.index.get_level_values("step")
    final = agent_df[at == state.steps]  # the last table: empty if every breeder has exited
    small = final[final["size_class"] == "small"]
    return {
        "final_n_breeders": float(last["n_breeders"]),
        "final_n_alpacas": float(last["n_alpacas"]),
        "final_mean_quality": float(last["mean_quality"]),
        "quality_gain": float(last["mean_quality"] - model_df["mean_quality"].iloc[0]),
        "final_price_female": float(last["price_female"]),
        "sales_last_year": float(year["sales_count"].sum()),
        "sales_value_last_year": float(year["sales_value"].sum()),
        "profit_last_year": float(year["total_profit"].sum()),
        "mean_profit_per_breeder": float(final["profit"].mean()) if len(final) else 0.0,
        "small_breeder_profit": float(small["profit"].mean()) if len(small) else 0.0,
        "elite_access_share": float(last["elite_access_share"]),
        "mean_knowledge": float(last["mean_knowledge"]),
        "mean_trust": float(last["mean_trust"]),
        "network_density": float(last["network_density"]),
        "n_partnerships": float(last["n_partnerships"]),
        "contracts_made": float(total),
        # undefined without a partnership: missing (NaN), not a survival of 1
        "partnership_survival": float(1 - early.sum() / total) if total else float("nan"),
        "knowledge_leakage": float(model_df["leakage"].sum()),
        "referrals": float(model_df["referrals"].sum()),
        "entrants": float(model_df["entrants"].sum()),
        "exits": float(model_df["exits"].sum()),
        "share_coop_dominated": float(last["share_coop_dominated"]),
        "share_equal": float(last["share_equal"]),
        "share_comp_dominated": float(last["share_comp_dominated"]),
        "leakage_sales_lost": float(model_df["leakage_sales_lost"].sum()),
        "breaches_per_contract_month": _per_contract_month(model_df, "breaches"),
        "conflicts_per_contract_month": _per_contract_month(model_df, "conflicts"),
        "acceptable_per_search": (
            float(model_df["acceptable_candidates"].sum() / model_df["searches"].sum())
            if model_df["searches"].sum()
            else 0.0
        ),
    }


def _per_contract_month(model_df: pd.DataFrame, column: str) -> float:
    """Events per running contract-month over the whole run."""
    months = float(model_df["n_partnerships"].sum())
    return float(model_df[column].sum()) / months if months else 0.0


def _mean_of_known(values: np.ndarray) -> float:
    """The mean of the values recorded so far (NaN: not yet, e.g. a pair's trust at 24
    months while every pair is younger); NaN when none is, without numpy's warning."""
    return float(np.nanmean(values)) if (~np.isnan(values)).any() else float("nan")


def competition_outcomes(state: Industry) -> dict[str, float]:
    """Outcomes of a run that the competition-inside-coopetition mechanisms can move (P1a,
    P1b): the trust path of pairs, who was chosen, and how protectors fare against partners.

    `protector_*_edge`: over pairs (running or ended, both still in business) whose
    protections differ by at least 0.2, the mean of (the more protective side's last-12-month
    sales or profit minus its partner's) over the mean of both; positive = protection pays.
    """
    con, firms = state.contracts, state.firms
    n = con.n
    k, q = con.view("keeper"), con.view("partner")
    out = {
        "pair_trust_start": float(con.view("trust_start").mean()) if n else float("nan"),
        "pair_trust_12": _mean_of_known(con.view("trust_12")),
        "pair_trust_24": _mean_of_known(con.view("trust_24")),
        "chosen_chemistry": float(con.view("chemistry").mean()) if n else float("nan"),
        "chosen_prior_share": float(con.view("prior").mean()) if n else float("nan"),
        "conflict_endings": float(
            ((con.view("ended") >= 0) & (con.view("reason") == ENDED_CONFLICT)).sum()
        ),
    }
    both = firms.active[k] & firms.active[q]
    gap = firms.protection[k] - firms.protection[q]
    use = both & (np.abs(gap) >= 0.2)
    protector = np.where(gap > 0, k, q)[use]
    other = np.where(gap > 0, q, k)[use]
    sales = firms.sales_ring[: firms.n].sum(axis=1)
    profit = firms.revenue_ring[: firms.n].sum(axis=1) - firms.costs_ring[: firms.n].sum(axis=1)
    for name, value in (("sales", sales), ("profit", profit)):
        if len(protector) == 0:
            out[f"protector_{name}_edge"] = float("nan")
            continue
        scale = np.abs(value[np.r_[protector, other]]).mean()
        diff = (value[protector] - value[other]).mean()
        out[f"protector_{name}_edge"] = float(diff / scale) if scale > 0 else 0.0
    out["protector_pairs"] = float(len(protector))
    return out
