"""Money, growth and the life of firms: monthly costs, yearly plans, entry and exit, investment.

Costs per animal and per stud are charged monthly; profit is the cash flow of the month.
Once a year breeders revise their target herd (grow when profitable, shrink when not)
and their reputation is re-ranked. New breeders enter when the industry looks attractive;
breeders whose cash stays negative for too long exit and disperse their herds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import accounts
from . import coownership as co
from .breeder import HEALTH
from .world import add_breeders, draw_owners, draw_places, meet_neighbours

if TYPE_CHECKING:
    from .model import AlpacaModel

GROWTH_STEP = 0.10  # assumption: a profitable breeder plans 10% more animals a year
SHRINK_STEP = 0.10  # assumption: a loss-making one plans 10% fewer
ENTRANT_HERD_MEDIAN = 15.0  # assumption: newcomers aim for a small herd first
ENTRANT_CASH_MULTIPLE = 1.5  # entrants bring 1.5× the price of their foundation herd
ENTRANT_EXPORT_SHARE = 0.02  # assumption: hardly any newcomer sells abroad at once
EDUCATION_FULL_SHARE = 0.2  # assumption: education reaches everyone when a fifth invest
DEMAND_INDEX_CAP = 3.0  # assumption: awareness can at most triple the hobby market
REVIEW_MONTH = 1
ENTRY_PRICE_ELASTICITY = (
    0.5  # assumption: halving prices brings 40% more newcomers  # yearly plans are made in January
)


def monthly_costs(model: AlpacaModel) -> np.ndarray:
    """Each breeder's running costs this month: keep, vet, studs and marketing."""
    p, firms, herd, con = model.scenario, model.firms, model.herd, model.contracts
    n_f = firms.n
    heads = herd.counts_by_owner(n_f)
    studs = herd.counts_by_owner(n_f, herd.view("stud"))
    vet = p.vet_cost * (1.0 - p.health_effect * firms.knowledge[:n_f, HEALTH])
    cost = heads * (p.keep_cost + vet * model.vet_cost_factor()) + p.marketing_cost
    cost += studs * p.stud_keep_cost
    run = con.running()
    # co-owned studs: the keeper was charged above; the partner pays its share back
    share = con.share_partner[run] * p.stud_keep_cost
    np.add.at(cost, con.partner[run], share)
    np.add.at(cost, con.keeper[run], -share)
    cost += model.compliance_cost_per_alpaca() * heads
    return np.where(firms.active[:n_f], cost, 0.0)


def settle_accounts(model: AlpacaModel) -> None:
    """Charge the month's running costs and roll the 12-month ledgers."""
    firms = model.firms
    n_f = firms.n
    accounts.pay(model.firms, np.arange(n_f), monthly_costs(model))
    slot = model.steps % 12
    firms.revenue_ring[:n_f, slot] = firms.revenue[:n_f]
    firms.costs_ring[:n_f, slot] = firms.costs[:n_f]
    firms.sales_ring[:n_f, slot] = firms.sales_count[:n_f]
    firms.sales_value_ring[:n_f, slot] = firms.sales_value[:n_f]
    negative = firms.cash[:n_f] < 0
    firms.loss_months[:n_f] = np.where(negative, firms.loss_months[:n_f] + 1, 0)


def review_plans(model: AlpacaModel) -> None:
    """Breeders move their target herd a twelfth of a year's step each month, by their last
    12 months' profit; once a year (January) reputations are re-ranked."""
    p, firms, herd = model.scenario, model.firms, model.herd
    n_f = firms.n
    active = firms.active[:n_f]
    profit = firms.revenue_ring[:n_f].sum(axis=1) - firms.costs_ring[:n_f].sum(axis=1)
    grow = np.where(profit > 0, 1 + GROWTH_STEP * model.investment_mood, 1 - SHRINK_STEP)
    firms.target_herd[:n_f] = np.clip(
        firms.target_herd[:n_f] * grow ** (1 / 12), p.foundation_herd, p.max_herd_size
    )
    if model.month != REVIEW_MONTH:
        return
    quality = np.bincount(
        herd.view("owner")[herd.view("alive")],
        weights=herd.view("quality")[herd.view("alive")],
        minlength=n_f,
    )
    heads = np.maximum(herd.counts_by_owner(n_f), 1)
    mean_q = quality / heads
    sales = firms.sales_ring[:n_f].sum(axis=1)
    years = np.clip((model.year - firms.founded[:n_f]) / 20.0, 0, 1)
    rank_q = _percentile_rank(mean_q, active)
    rank_s = _percentile_rank(sales, active)
    firms.reputation[:n_f] = np.where(active, 0.5 * rank_q + 0.3 * rank_s + 0.2 * years, 0.0)
    model.invalidate_leaders()


def _percentile_rank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rank of each value among the masked ones, scaled to [0, 1]."""
    out = np.zeros(len(values))
    idx = np.flatnonzero(mask)
    if len(idx) > 1:
        order = idx[np.argsort(values[idx], kind="stable")]
        out[order] = np.arange(len(idx)) / (len(idx) - 1)
    elif len(idx) == 1:
        out[idx] = 0.5
    return out


def invest_in_industry(model: AlpacaModel) -> None:
    """Investor breeders pay for education and awareness; the hobby market grows with it."""
    p, firms = model.scenario, model.firms
    if not p.industry_investment:
        return
    n_f = firms.n
    investors = np.flatnonzero(firms.investor[:n_f] & firms.active[:n_f])
    if len(investors) == 0:
        return
    accounts.pay(model.firms, investors, np.full(len(investors), p.education_cost / 12))
    share = len(investors) / max(1, int(firms.active[:n_f].sum()))
    growth = p.awareness_effect * share / 12
    model.demand_index += growth * (1 - model.demand_index / DEMAND_INDEX_CAP)


def enter_and_exit(model: AlpacaModel) -> None:
    """Breeders with long-negative cash exit; newcomers enter when the industry looks good."""
    p, firms = model.scenario, model.firms
    if not p.entry_exit:
        return
    n_f = firms.n
    leaving = np.flatnonzero(firms.active[:n_f] & (firms.loss_months[:n_f] >= p.exit_months))
    for b in leaving.tolist():
        exit_breeder(model, b)
    # alpacas draw newcomers as awareness grows; cheaper stock lets more of them in
    affordability = (p.price_female / max(model.price_now, 1.0)) ** ENTRY_PRICE_ELASTICITY
    attractiveness = affordability * model.demand_index * model.investment_mood
    rate = p.entry_rate * p.n_breeders / 100  # per 100 starting breeders: size-free
    k = int(model.rng.poisson(rate * attractiveness * model.entry_factor()))
    if k:
        enter_breeders(model, k)


def exit_breeder(model: AlpacaModel, b: int) -> None:
    """Close a firm: disperse its herd, hand co-owned studs to partners, end its contracts."""
    p, firms, herd, con = model.scenario, model.firms, model.herd, model.contracts
    run = con.running()
    mine = run[(con.keeper[run] == b) | (con.partner[run] == b)]
    for c in mine.tolist():
        if con.keeper[c] == b and firms.active[con.partner[c]]:
            stud = con.stud[c]
            herd.owner[stud] = con.partner[c]
            firms.sold_out[b] += 1
            firms.bought_in[con.partner[c]] += 1
    if len(mine):
        model.month_stats["contracts_ended"] += model.contracts.end(
            mine, model.steps, co.ENDED_EXIT
        )
    animals = np.flatnonzero(herd.view("alive") & (herd.view("owner") == b))
    herd.alive[animals] = False
    firms.sold_out[b] += len(animals)
    accounts.receive(model.firms, np.array([b]), np.array([len(animals) * p.pet_price]))
    firms.active[b] = False
    firms.exited_step[b] = model.steps
    model.trust.forget(b)
    agent = model.breeder_agents.pop(b, None)
    if agent is not None:
        agent.remove()
    model.spatial_version += 1
    model.month_stats["exits"] += 1


def enter_breeders(model: AlpacaModel, k: int) -> np.ndarray:
    """Newcomers: placed by weight, educated by investors, wanting a foundation herd."""
    p, rng = model.scenario, model.rng
    place, x, y = draw_places(model, k)
    owners = draw_owners(model, k)
    if p.industry_investment:
        firms = model.firms
        share = (firms.investor & firms.active).sum() / max(1, int(firms.active.sum()))
        lift = p.education_knowledge * min(1.0, share / EDUCATION_FULL_SHARE)
        owners["knowledge"] = np.clip(owners["knowledge"] + lift, 0, 1)
    target = np.clip(
        rng.lognormal(np.log(ENTRANT_HERD_MEDIAN), p.herd_size_sigma / 2, k),
        p.foundation_herd,
        p.max_herd_size,
    )
    columns = {
        "x_km": x,
        "y_km": y,
        "place": place,
        "founded": np.full(k, model.year),
        "entered_step": np.full(k, model.steps),
        "synthetic": np.ones(k, dtype=bool),
        "cash": np.full(
            k,
            ENTRANT_CASH_MULTIPLE * p.foundation_herd * model.price_now
            + p.initial_cash_per_alpaca * p.foundation_herd,
        ),
        "target_herd": target,
        "wants": np.full(k, p.foundation_herd),
        "investor": rng.random(k) < p.investor_share / 2,
        "exports": rng.random(k) < ENTRANT_EXPORT_SHARE,
        "reputation": np.zeros(k),
    } | owners
    rows = add_breeders(model, columns)
    meet_neighbours(model, rows, 3)
    model.month_stats["entrants"] += k
    return rows
