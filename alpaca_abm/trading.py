"""Wiring of the markets into the month: listing stock, matching buyers, paying, shearing.

Pure price and matching rules are in `market`; this module decides what each breeder
offers and wants, and moves animals and money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import accounts, market
from .breeder import BREEDING, MARKETING
from .herd import seen_quality
from .knowledge import judging_noise

if TYPE_CHECKING:
    from .model import AlpacaModel

OUTSIDE_BUYER, EXPORT_BUYER = -1, -2
WEANING_AGE = 6  # months: crias leave their dams
PET_SALE_AGE = 12  # months: males not kept for breeding are sold from a year old
PROSPECT_MARGIN = 0.0  # a young male better than his owner's dams is kept as a future stud
MAX_PURCHASE = 10  # assumption: a breeder buys at most ten females a month
CASH_BUFFER = 1.2  # a breeder buys only with 20% more cash than the price
RETRY_SHARE = 0.5  # assumption: half the buyers whose first enquiry fails try one more breeder
PRICE_ADJUSTMENT = 0.1  # assumption: asking prices close a tenth of the gap a month (about
# half of it in a season), so the yearly cycle of births does not whipsaw them


def list_females(model: AlpacaModel) -> np.ndarray:
    """Herd rows of breeding females offered for sale: each breeder's surplus over its target,
    its weakest animals (as it judges them) first."""
    herd, firms, p = model.herd, model.firms, model.scenario
    owner = herd.view("owner")
    n_f = firms.n
    herd_size = herd.counts_by_owner(n_f)
    surplus = np.maximum(0, herd_size - np.ceil(firms.target_herd[:n_f])).astype(np.int64)
    surplus[firms.restricted[:n_f] | ~firms.active[:n_f]] = 0
    if surplus.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    age = herd.view("age")
    cand = np.flatnonzero(
        herd.view("alive")
        & herd.view("female")
        & (age >= PET_SALE_AGE)
        & (age < p.female_retire_age)
        & (surplus[owner] > 0)  # only breeders with a surplus look over their females
    )
    if len(cand) == 0:
        return np.zeros(0, dtype=np.int64)
    noise = judging_noise(firms.knowledge[owner[cand], BREEDING], p.breeding_noise)
    seen = seen_quality(herd, cand, noise, model.rng)
    # one sort on a combined key: owner first, then judged quality (|seen| stays far below 2**20)
    key = owner[cand].astype(np.float64) * 2.0**21 + np.clip(seen, -(2.0**19), 2.0**19)
    order = cand[np.argsort(key, kind="stable")]
    o = owner[order]
    starts = np.r_[0, np.flatnonzero(np.diff(o)) + 1]
    rank = np.arange(len(o)) - np.repeat(starts, np.diff(np.r_[starts, len(o)]))
    return order[rank < surplus[o]]


def list_pets(model: AlpacaModel) -> np.ndarray:
    """Herd rows offered as pets: males not kept as studs or prospects, and retired females."""
    herd, firms, p = model.herd, model.firms, model.scenario
    alive, female, age, owner = (herd.view(k) for k in ("alive", "female", "age", "owner"))
    quality = herd.view("quality")
    n_f = firms.n
    dams = alive & female
    retired = np.flatnonzero(dams & (age >= p.female_retire_age))
    males = np.flatnonzero(alive & ~female & ~herd.view("stud") & (age >= PET_SALE_AGE))
    young = males[age[males] < p.stud_age + 12]  # kept until the next stud selection ...
    if len(young):
        d_owner = owner[dams]
        dam_mean = np.bincount(d_owner, weights=quality[dams], minlength=n_f) / np.maximum(
            np.bincount(d_owner, minlength=n_f), 1
        )
        # ... if better than its owner's dams: a prospect for a future stud
        prospect = young[quality[young] >= dam_mean[owner[young]] + PROSPECT_MARGIN * p.quality_sd]
    else:
        prospect = young
    offered = np.zeros(herd.n, dtype=bool)  # masks, not set operations: linear in the herd
    offered[males] = True
    offered[prospect] = False
    offered[retired] = True
    rows = np.flatnonzero(offered)
    ok = ~firms.restricted[owner[rows]] & firms.active[owner[rows]]
    return rows[ok]


def breeder_wants(model: AlpacaModel, price: float) -> np.ndarray:
    """Females each breeder wants to buy this month: entrants' foundation herds, expansions."""
    herd, firms = model.herd, model.firms
    n_f = firms.n
    herd_size = herd.counts_by_owner(n_f)
    gap = np.maximum(0, np.floor(firms.target_herd[:n_f]) - herd_size)
    gap = np.maximum(gap, firms.wants[:n_f])
    affordable = np.floor(firms.cash[:n_f] / (CASH_BUFFER * max(price, 1.0)))
    want = np.minimum(np.minimum(gap, affordable), MAX_PURCHASE * model.investment_mood)
    want[~firms.active[:n_f] | firms.restricted[:n_f]] = 0
    return np.maximum(want, 0).astype(np.int64)


def trade(model: AlpacaModel) -> None:
    """The month's livestock market: breeding females (home and export) and pets."""
    p, firms, herd, rng = model.scenario, model.firms, model.herd, model.rng
    n_f = firms.n
    listed = list_females(model)
    owner = herd.view("owner")
    stock = np.bincount(owner[listed], minlength=n_f)
    wants = breeder_wants(model, model.price_now)
    exporters = firms.exports[:n_f] & firms.active[:n_f]
    outside = model.hobby_demand() + model.export_demand(exporters)
    base = model.base_price()  # buyers' budgets: the price at balanced supply
    target = market.clearing_price(base, outside + wants.sum(), len(listed), p.price_flexibility)
    price = market.adjusted_price(model.price_now, target, PRICE_ADJUSTMENT)
    model.price_now = price
    hobby = rng.poisson(
        market.buyers_at_price(model.hobby_demand(), price, base, p.price_flexibility)
    )
    export = rng.poisson(
        market.buyers_at_price(model.export_demand(exporters), price, base, p.price_flexibility)
    )
    demand = hobby + wants.sum() + export
    model.month_stats["listed"] += len(listed)
    model.month_stats["demand"] += int(demand)

    weights = (
        market.visibility(
            firms.knowledge[:n_f, MARKETING], firms.reputation[:n_f], p.marketing_effect
        )
        * firms.active[:n_f]
    )
    coloured = model.coloured_preference()
    if coloured > 0 and len(listed):  # buyers seek out breeders with coloured stock
        on_offer = np.bincount(owner[listed], weights=herd.colour[listed], minlength=n_f)
        weights = weights * (1.0 + coloured * on_offer / np.maximum(stock, 1))
    partner_of = (
        model.contracts.partner_lookup(n_f) if model.scenario.mechanism_on("referrals") else None
    )
    buyers = np.r_[np.full(hobby, OUTSIDE_BUYER), np.repeat(np.arange(n_f), wants)]
    home = market.match_buyers(
        rng.permutation(buyers), weights, stock, partner_of, RETRY_SHARE, rng
    )
    stock_left = stock - np.bincount(home.seller, minlength=n_f)
    sold = [home]
    if export:
        ew = weights * exporters * model.export_access()
        sold.append(
            market.match_buyers(np.full(export, EXPORT_BUYER), ew, stock_left, None, 0.0, rng)
        )
    offset = np.zeros(n_f, dtype=np.int64)
    if coloured > 0:  # and take the coloured animals first
        by_owner = listed[np.lexsort((herd.colour[listed] == 0, owner[listed]))]
    else:
        by_owner = listed[np.argsort(owner[listed], kind="stable")]
    first = np.searchsorted(owner[by_owner], np.arange(n_f))
    for m in sold:
        if len(m.seller) == 0:
            model.month_stats["lost_enquiries"] += m.lost
            continue
        order = np.argsort(m.seller, kind="stable")
        s, b = m.seller[order], m.buyer[order]
        rank = np.arange(len(s)) - np.searchsorted(s, s)
        animals = by_owner[first[s] + offset[s] + rank]
        np.add.at(offset, s, 1)
        settle_sales(model, animals, s, b, price)
        model.month_stats["referrals"] += int(m.referred.sum())
        model.month_stats["lost_enquiries"] += m.lost
        if b.size and (b == EXPORT_BUYER).any():
            model.month_stats["export_sales"] += int((b == EXPORT_BUYER).sum())
    firms.wants[:n_f] = np.maximum(
        0,
        firms.wants[:n_f]
        - np.bincount(np.concatenate([m.buyer[m.buyer >= 0] for m in sold]), minlength=n_f),
    )
    sell_pets(model)


def settle_sales(
    model: AlpacaModel, animals: np.ndarray, sellers: np.ndarray, buyers: np.ndarray, price: float
) -> None:
    """Move sold animals and money; outside buyers take animals out of the industry."""
    p, firms, herd = model.scenario, model.firms, model.herd
    quality = herd.view("quality")
    mean_q = float(quality[herd.view("alive")].mean()) if herd.n else p.quality_mean
    prices = market.animal_prices(
        price,
        quality[animals],
        mean_q,
        model.quality_premium(),
        firms.knowledge[sellers, MARKETING],
        p.marketing_effect,
    )
    prices *= np.where(buyers == EXPORT_BUYER, model.export_price_factor(), 1.0)
    coloured = herd.colour[animals] != 0
    if model.coloured_preference() > 0:
        prices *= np.where(coloured, 1.0 + model.coloured_preference(), 1.0)
    model.month_stats["coloured_sales"] += int(coloured.sum())
    inside = buyers >= 0
    accounts.transfer(model.firms, buyers[inside], sellers[inside], prices[inside])
    accounts.receive(model.firms, sellers[~inside], prices[~inside])
    herd.owner[animals[inside]] = buyers[inside]
    herd.stud[animals] = False
    herd.alive[animals[~inside]] = False
    np.add.at(firms.sold_out, sellers, 1)
    np.add.at(firms.bought_in, buyers[inside], 1)
    np.add.at(firms.sales_count, sellers, 1)
    np.add.at(firms.sales_value, sellers, prices)
    model.month_stats["sales_count"] += len(animals)
    model.month_stats["sales_value"] += float(prices.sum())
    model.month_stats["internal_sales"] += int(inside.sum())


def sell_pets(model: AlpacaModel) -> None:
    """Pets and fleece animals go to outside buyers, as many as the month's pet demand."""
    firms, herd, rng = model.firms, model.herd, model.rng
    pets = list_pets(model)
    demand = rng.poisson(model.pet_demand())
    if len(pets) > demand:
        pets = rng.choice(pets, size=demand, replace=False)
    if len(pets) == 0:
        return
    owners = herd.owner[pets]
    herd.alive[pets] = False
    accounts.receive(model.firms, owners, np.full(len(pets), model.pet_price()))
    firms.sold_out[: firms.n] += np.bincount(owners, minlength=firms.n)
    model.month_stats["pet_sales"] += len(pets)
