"""Wiring of the markets into the month: listing stock, matching buyers, paying, shearing.

Pure price and matching rules are in `market`; this module decides what each breeder
offers and wants, and moves animals and money.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

from . import accounts, market, pricing, rivalry
from .breeder import BREEDING, MARKETING
from .breeding import (
    elite_stud_price,
    import_quality,
    quality_premium,
    service_studs,
    weaning_rate,
)
from .finance import DISPERSAL_MONTHS, dispersing, female_values
from .herd import YEARLING_AGE, breeding_females, breeding_stock, seen_quality, visible_merit
from .knowledge import judging_noise
from .ordering import group_heads, run_rank, stable_order_below, stable_smallest
from .tables import columns_appended, reused_zeros
from .world import NICHE_SHARES

if TYPE_CHECKING:
    from .state import Industry

OUTSIDE_BUYER, EXPORT_BUYER = -1, -2
WEANING_AGE = 6  # months: crias leave their dams
PET_SALE_AGE = YEARLING_AGE  # males not kept for breeding are sold from a year old
PROSPECT_MARGIN = 0.0  # a young male better than his owner's dams is kept as a future stud
MAX_PURCHASE = 10  # assumption: a breeder buys at most ten females a month
CASH_BUFFER = 1.2  # a breeder buys only with 20% more cash than the price
RETRY_SHARE = 0.5  # assumption: half the buyers whose first enquiry fails try one more breeder
EXPORT_AGENT_REACH = 0.25  # assumption: a seller without its own EU trade is found a quarter as
# often by EU buyers, through transport agents and brokers (Alpaca Logistics Europe, PUBLIC-FACTS
# section 2), as a breeder who trades in Europe itself
STUD_CANDIDATES = 10  # assumption: a buyer looks over the ten nearest males on offer
STUD_SEASONS = 3  # assumption: a buyer counts the fees a stud saves over three seasons
WETHER_HOME_RATE = 0.1  # assumption: an idle male finds a fleece or companion home in ~10 months
WETHER_AFTER = 12  # months past stud age: a male not chosen as a stud in a season is a wether


def list_females(
    state: Industry, females: np.ndarray | None = None, herd_size: np.ndarray | None = None
) -> np.ndarray:
    """Herd rows of breeding females offered for sale: each breeder's surplus over its plan,
    its weakest animals (as it judges them) first.

    There are no forced sales: a breeder in overdraft does not list females to cover it (a
    hobby owner carries the overdraft from outside income; an insolvent breeder exits and
    its herd is dispersed, finance.exit_breeder). With forced sales every fall in the price
    made indebted breeders list more, and the national market spiralled to the pet price
    (docs/ECONOMY.md). `females` and `herd_size`: the herd rows of breeding females
    (breeding_females) and their count per breeder (breeding_stock), when already found."""
    herd_p, know_p = state.scenario.groups("herd", "knowledge")
    herd, firms = state.herd, state.firms
    owner = herd.view("owner")
    n_f = firms.n
    if females is None:
        females = breeding_females(herd, herd_p.female_retire_age)
    if herd_size is None:
        herd_size = breeding_stock(herd, n_f, herd_p.female_retire_age, females)
    surplus = np.maximum(0, herd_size - np.ceil(firms.target_herd[:n_f])).astype(np.int64)
    surplus[firms.restricted[:n_f] | ~firms.active[:n_f]] = 0
    closing = dispersing(firms, state.steps)  # a closed firm's dispersal sale: every female
    surplus[closing] = herd_size[closing]
    if surplus.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    # only breeders with a surplus look them over (about half the females: indices, not a
    # boolean mask, which numpy gathers several times slower when half its entries are set)
    cand = females[np.flatnonzero((surplus > 0)[owner[females]])]
    if len(cand) == 0:
        return np.zeros(0, dtype=np.int64)
    o = owner[cand]
    noise = judging_noise(firms.knowledge[:n_f, BREEDING], know_p.breeding_noise)  # per breeder
    seen = seen_quality(herd, cand, noise[o], state.rng)
    # one order on a combined key: owner first, then judged quality (|seen| stays far below
    # 2**20); of each owner, its `surplus` weakest
    base = o.astype(np.float64) * 2.0**21
    key = base + np.clip(seen, -(2.0**19), 2.0**19)
    # (the owners with a surplus: each has breeding females, so candidates)
    return cand[group_heads(key, o, key - base, surplus, np.flatnonzero(surplus > 0))]


def judged_mean_by_owner(
    herd, rows: np.ndarray, noise_sd: np.ndarray, n_owners: int, rng: np.random.Generator
) -> np.ndarray:
    """Each owner's mean of herd.seen_quality over its animals in `rows` (0 where none): the
    mean of what it sees without judging error, plus one error of sd noise / sqrt(count),
    the same distribution as averaging a draw per animal at one draw per owner. (The merit
    is worked out over the whole herd and then gathered: `rows` are usually most of it, and
    three gathers cost more than one.)"""
    owner = herd.owner[rows]
    merit = visible_merit(herd, slice(0, herd.n))[rows]
    count = np.bincount(owner, minlength=n_owners)
    mean = np.bincount(owner, weights=merit, minlength=n_owners) / np.maximum(count, 1)
    error = rng.standard_normal(n_owners) * noise_sd[:n_owners] / np.sqrt(np.maximum(count, 1))
    return np.where(count > 0, mean + error, 0.0)


def list_pets(state: Industry) -> np.ndarray:
    """Herd rows offered as pets: males not kept as studs or prospects, and retired females.
    A young male is a prospect if his owner judges him (herd.seen_quality) better than it
    judges its dams, as it judges animals when it keeps studs and lists females."""
    herd_p, know_p = state.scenario.groups("herd", "knowledge")
    herd, firms = state.herd, state.firms
    alive, female, age, owner = (herd.view(k) for k in ("alive", "female", "age", "owner"))
    n_f = firms.n
    dams = alive & female
    retired = dams & (age >= herd_p.female_retire_age)
    males = alive & ~female & ~herd.view("stud") & (age >= PET_SALE_AGE)
    young = np.flatnonzero(males & (age < herd_p.stud_age + 12))  # kept until the next stud
    offered = males | retired  # masks, not set operations: linear in the herd
    if len(young):  # selection ...
        noise = judging_noise(firms.knowledge[:n_f, BREEDING], know_p.breeding_noise)
        seen_y = seen_quality(herd, young, noise[owner[young]], state.rng)
        # every owner's judged dams, read only for owners of young males
        dam_mean = judged_mean_by_owner(herd, np.flatnonzero(dams), noise, n_f, state.rng)
        # ... if better than its owner's dams: a prospect for a future stud
        better = seen_y >= dam_mean[owner[young]] + PROSPECT_MARGIN * state.scenario.quality_sd
        offered[young[np.flatnonzero(better)]] = False  # (about half: indices gather faster)
    rows = np.flatnonzero(offered)
    free = firms.active[:n_f] & ~firms.restricted[:n_f]
    return rows[free[owner[rows]]]


def breeder_wants(
    state: Industry,
    price: float,
    females: np.ndarray | None = None,
    herd_size: np.ndarray | None = None,
) -> np.ndarray:
    """Females each breeder wants to buy this month: entrants' foundation herds, expansions
    toward the herd plan, as far as cash at the expected price allows. `females` and
    `herd_size`: the herd rows of breeding females (breeding_females) and their count per
    breeder (breeding_stock), when already found this month."""
    herd, firms = state.herd, state.firms
    n_f = firms.n
    if herd_size is None:
        herd_size = breeding_stock(
            herd, n_f, state.scenario.group("herd").female_retire_age, females
        )
    rows = np.flatnonzero(firms.active[:n_f] & ~firms.restricted[:n_f])  # the others want none
    gap = np.maximum(0, np.floor(firms.target_herd[rows]) - herd_size[rows])
    gap = np.maximum(gap, firms.wants[rows])
    affordable = np.floor(np.maximum(firms.cash[rows], 0) / (CASH_BUFFER * max(price, 1.0)))
    want = np.zeros(n_f, dtype=np.int64)
    want[rows] = np.maximum(
        np.minimum(np.minimum(gap, affordable), MAX_PURCHASE * state.investment_mood), 0
    ).astype(np.int64)
    return want


def firm_regions(state: Industry) -> np.ndarray:
    """Region code of each breeder (row of MarketState's regions)."""
    return state.place_region[state.firms.place[: state.firms.n]]


def refresh_reach(state: Industry) -> None:
    """This month's reach of every seller by every buyer segment (visibility x niche match x
    distance decay x expertise appeal: rivalry.expertise_appeal); the distance part is kept,
    and extended for newcomers (rows never move). Breeders not selling (gone, or under
    movement restrictions) have no visibility, so their columns are zero and not worked out."""
    know_p, market_p, rival_p = state.scenario.groups("knowledge", "market", "rivalry")
    firms, mk = state.firms, state.market
    n_f = firms.n
    have = mk.decay.shape[1] if mk.decay.shape[0] == mk.n_regions else 0
    if have != n_f:  # rows never move: only newcomers' columns are new
        new = market.distance_decay(
            mk.region_x,
            mk.region_y,
            firms.x_km[have:n_f],
            firms.y_km[have:n_f],
            market_p.buyer_decay_km,
        )
        mk.decay = columns_appended(mk.decay[:, :have].reshape(mk.n_regions, have), new)
        mk.decay_version = state.spatial_version
    selling = np.flatnonzero(
        (firms.active[:n_f] & ~firms.restricted[:n_f]) | dispersing(firms, state.steps)
    )
    vis = market.visibility(
        firms.knowledge[selling, MARKETING], firms.reputation[selling], know_p.marketing_effect
    )
    reach = market.reach_matrix(
        vis,
        mk.decay[:, selling],
        mk.segment_region,
        mk.segment_niche,
        firms.niche[selling],
        market_p.niche_crossover,
    )
    if rival_p.expertise_effect > 0:  # buyers seek sellers who know what their niche needs
        by_niche = rivalry.expertise_appeal(
            firms.knowledge[selling], np.arange(market.N_NICHES), rival_p.expertise_effect
        )
        # each segment, its niche's appeal (segments are each region's niches in turn)
        by_segment = reach.reshape(mk.n_regions, market.N_NICHES, len(selling))  # a view
        by_segment *= by_niche
    mk.reach = reused_zeros(mk.reach, (mk.n_segments, n_f), np.float64)
    mk.reach[:, selling] = reach
    mk.segment_sales = reused_zeros(mk.segment_sales, (mk.n_segments, n_f), np.int64)
    mk.referrals = np.zeros((2, 0), dtype=np.int64)
    mk.diversions = np.zeros((2, 0), dtype=np.int64)
    mk.turned_away = np.zeros(n_f, dtype=np.int64)


def outside_buyers(state: Industry) -> tuple[float, float]:
    """Expected outside buyers (animals) this month: new adopters (Bass) and replacements."""
    market_p = state.scenario.group("market")
    mk = state.market
    innovation = market_p.bass_innovation * (1.0 + market_p.awareness_speed * mk.awareness)
    new = market.bass_adoptions(mk.pool_size, mk.adopters, innovation, market_p.bass_imitation)
    return new, market.replacement_demand(mk.adopters, market_p.replacement_rate)


@dataclass
class Bids:
    """The month's bids for a reference female: who bids (a breeder row, or OUTSIDE_BUYER)
    and what it would pay, with the outside flows they came from."""

    bidder: np.ndarray
    wtp: np.ndarray
    n_hobby: int  # outside households' bids (animals)
    new: float  # expected new adopters (Bass) this month
    replace: float  # expected replacement purchases this month
    export_flow: float  # expected EU orders this month (export_orders: not bids here)


def trade(state: Industry) -> None:
    """The month's livestock market: offers and bids clear at one price, then the buyers who
    bid at least that price search sellers by reach (home and export); then pets."""
    herd = state.herd
    refresh_reach(state)
    retire_age = state.scenario.group("herd").female_retire_age
    females = breeding_females(herd, retire_age)  # none moves until sold
    herd_size = breeding_stock(herd, state.firms.n, retire_age, females)  # per breeder
    avoid = outbreak_weights(state)
    listed, asks = offers(state, females, herd_size, avoid)
    owner_before = herd.view("owner")[listed].copy()
    lots, export_flow = export_orders(state, listed, asks, avoid)
    at_auction = np.ones(len(listed), dtype=bool)
    at_auction[lots.index] = False
    on_sale, on_ask = listed[at_auction], asks[at_auction]
    bids = gather_bids(state, females, herd_size, export_flow)
    price, q, last_bid, last_ask = clear(state, bids, on_ask, len(listed), len(females))
    # the q highest bids and the q lowest offers trade; buyers then search for the sellers
    sold, n_sold = [], 0
    offered = on_sale[stable_smallest(on_ask, q, cut=last_ask)]
    state.market.offer_quality = offer_quality(state, np.concatenate((offered, lots.animals)))
    if q:
        win = stable_smallest(-bids.wtp, q, cut=-last_bid)
        stock = np.bincount(herd.view("owner")[offered], minlength=state.firms.n)
        sold = _match(state, bids.bidder[win], offered, stock, avoid, NICHE_SHARES)
        n_sold = _settle_matches(state, sold, offered, price)
    n_sold += settle_exports(state, lots, price)
    release_surplus(state, listed[herd.alive[listed] & (herd.owner[listed] == owner_before)])
    learn_from_month(state, price, len(listed), n_sold, bids, sold)
    sell_pets(state)


@dataclass
class ExportLots:
    """The month's EU orders filled from listed females: the rows in the listing
    (`index`), the animals and their sellers."""

    index: np.ndarray
    animals: np.ndarray
    sellers: np.ndarray


def offer_quality(state: Industry, offered: np.ndarray) -> float:
    """Mean genetic quality of the females that trade this month (the reference of the
    quality premium, market.animal_prices); 0 when none."""
    return float(state.herd.quality[offered].mean()) if len(offered) else 0.0


def outbreak_weights(state: Industry) -> np.ndarray | None:
    """What buyers who hear of bovine TB think a seller's female worth against one from a
    clean area, by the news of its region (pricing.outbreak_avoidance): 1 where there is
    none, 1 - `outbreak_avoidance` in the region with the most. None without news."""
    market_p = state.scenario.group("market")
    mk, firms = state.market, state.firms
    news = state.disease.news_by_firm(state)
    if news is None or market_p.outbreak_avoidance <= 0:
        return None
    n_f = firms.n
    regions = firm_regions(state)
    region_news = np.bincount(regions, weights=news, minlength=mk.n_regions) / np.maximum(
        np.bincount(regions, weights=firms.active[:n_f], minlength=mk.n_regions), 1
    )
    return pricing.outbreak_avoidance(regions, region_news, market_p.outbreak_avoidance)


def export_orders(
    state: Industry, listed: np.ndarray, asks: np.ndarray, avoid: np.ndarray | None
) -> tuple[ExportLots, float]:
    """EU orders, filled from the listed females before the auction (a channel of its own,
    not bids in the UK auction): EU buyers come at `export_demand` a year per UK alpaca
    (pricing.export_buyers_per_month, cut by Brexit's access and the buyer shocks) and order
    at the going UK price, which they pay once the month's price is known (settle_exports).
    They find sellers nationally: breeders who trade in Europe, and the rest through agents
    (EXPORT_AGENT_REACH); they avoid TB areas as home buyers do. A seller fills an order
    with a listed female whose ask is at most the expected price net of the export's cost
    (`export_price`), weakest first as listed. Returns the lots and the month's expected
    orders."""
    market_p = state.scenario.group("market")
    firms, herd, mk, sh, rng = state.firms, state.herd, state.market, state.shocks, state.rng
    n_f = firms.n
    none = ExportLots(*(np.zeros(0, dtype=np.int64),) * 3)
    n_alpacas = np.count_nonzero(herd.view("alive"))
    flow = pricing.export_buyers_per_month(n_alpacas, market_p.export_demand)
    sellers_on = firms.active[:n_f] & ~firms.restricted[:n_f]
    flow *= sh.buyer_factor("export") * sh.export_access * bool(sellers_on.any())
    n_orders = int(rng.poisson(flow)) if flow > 0 else 0
    if n_orders == 0 or len(listed) == 0:
        return none, flow
    owner = herd.view("owner")[listed]
    fits = np.flatnonzero(asks <= mk.expected_price * sh.export_price)
    stock = np.bincount(owner[fits], minlength=n_f)
    # what EU buyers see of each seller with a female that fits (the others are not drawn):
    # its reach summed over segments (row by row, as over the whole table)
    ew = np.zeros(n_f)
    has = np.flatnonzero(stock)
    exporters = firms.exports[has] & firms.active[has]
    ew[has] = mk.reach[:, has].sum(axis=0) * np.where(exporters, 1.0, EXPORT_AGENT_REACH)
    if avoid is not None:
        ew[has] *= avoid[has]
    m = market.match_buyers(np.full(n_orders, EXPORT_BUYER), ew, stock, None, 0.0, rng)
    state.month_stats["lost_enquiries"] += m.lost
    if len(m.seller) == 0:
        return none, flow
    # each seller's lots: its first fitting females in listing order (weakest first)
    o = owner[fits]
    rank = run_rank(o)  # list_females orders by owner
    taken = np.bincount(m.seller, minlength=n_f)
    index = fits[rank < taken[o]]
    return ExportLots(index, listed[index], owner[index]), flow


def settle_exports(state: Industry, lots: ExportLots, price: float) -> int:
    """EU buyers pay the month's price (with the animal's premium, net of the export's
    cost) for the lots they ordered; the animals leave the industry."""
    if len(lots.animals) == 0:
        return 0
    buyers = np.full(len(lots.animals), EXPORT_BUYER)
    settle_sales(state, lots.animals, lots.sellers, buyers, price)
    state.month_stats["export_sales"] += len(lots.animals)
    return len(lots.animals)


def offers(
    state: Industry,
    females: np.ndarray,
    herd_size: np.ndarray | None = None,
    avoid: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The listed females and their asks: a listed female is for sale and her owner asks
    what waiting for a later buyer is worth (pricing.waiting_reservation; in a closed firm's
    dispersal sale, with a deadline: pricing.deadline_reservation), spread by the sellers'
    circumstances, never below the pet price; so asks follow the expected price and fall in
    a glut."""
    fin_p, market_p = state.scenario.groups("finance", "market")
    herd, mk, sh = state.herd, state.market, state.shocks
    listed = list_females(state, females, herd_size)
    holding = holding_cost(state)
    owner = herd.view("owner")[listed]
    floor = market_p.pet_price * sh.budget
    keep = pricing.waiting_reservation(
        mk.expected_price, mk.sell_through, holding[owner], fin_p.discount_rate
    )
    firms = state.firms
    sale = dispersing(firms, state.steps)[owner]
    if sale.any():  # a dispersal sale must sell by its last month: its asks fall toward the floor
        left = DISPERSAL_MONTHS - (state.steps - firms.exited_step[owner[sale]]) - 1
        keep[sale] = pricing.deadline_reservation(
            mk.expected_price,
            mk.sell_through,
            holding[owner[sale]],
            fin_p.discount_rate,
            left,
            floor,
        )
    spread = pricing.spread(keep, market_p.ask_dispersion, state.rng.standard_normal(len(listed)))
    asks = np.maximum(floor, spread)
    if sh.coloured > 0:  # buyers pay more for coloured stock: in reference terms it is cheaper
        asks = asks / np.where(herd.colour[listed] != 0, 1.0 + sh.coloured, 1.0)
    if avoid is not None:  # buyers pay less for stock from a TB area: in reference terms dearer
        asks = asks / np.maximum(avoid[owner], 1e-6)
    return listed, asks


def gather_bids(
    state: Industry,
    females: np.ndarray,
    herd_size: np.ndarray | None = None,
    export_flow: float = 0.0,
) -> Bids:
    """Bids of outside households (Bass) and breeders expanding or starting (EU buyers
    order outside the auction: export_orders, whose expected orders `export_flow` are). Every
    bid enters the auction: the price is read off the whole demand schedule, so more buyers
    for the same offers clear at a higher order statistic of their willingness to pay and
    fewer at a lower one (a subsample of three bids an offer, until issue #20's second
    round, hid demand shocks while buyers outnumbered offers)."""
    market_p = state.scenario.group("market")
    firms, rng, mk, sh = state.firms, state.rng, state.market, state.shocks
    n_f = firms.n
    budget = sh.budget
    new, replace = outside_buyers(state)
    n_hobby = int(rng.poisson((new + replace) * sh.buyer_factor("hobby")))
    hobby_wtp = market.willingness_to_pay(
        n_hobby, market_p.buyer_wtp_median, market_p.buyer_wtp_sigma, budget, rng
    )
    wants = breeder_wants(state, mk.expected_price, females, herd_size)
    noise = rng.standard_normal(n_f)  # one a breeder; only those who want females bid
    rows = np.flatnonzero(wants)
    value = np.broadcast_to(female_values(state), (n_f,))[rows]  # what a female is worth to it
    cash_cap = np.maximum(firms.cash[rows], 0) / (CASH_BUFFER * np.maximum(wants[rows], 1))
    entrant = firms.wants[rows] > 0
    # breeders' values differ as sellers' do: no mass point of bids at one value; newcomers
    # pay up to the going price for a foundation herd, some less (pricing.going_price_bids):
    # bids spread above it would let newcomers alone bid the price up month after month
    wtp_breeder = np.where(
        entrant,
        np.maximum(
            value, pricing.going_price_bids(mk.expected_price, market_p.ask_dispersion, noise[rows])
        ),
        pricing.spread(value, market_p.ask_dispersion, noise[rows]),
    )
    wtp_breeder = np.minimum(wtp_breeder, cash_cap)
    bidder = np.concatenate((np.full(n_hobby, OUTSIDE_BUYER), np.repeat(rows, wants[rows])))
    wtp = np.concatenate((hobby_wtp, np.repeat(wtp_breeder, wants[rows])))
    return Bids(bidder, wtp, n_hobby, new, replace, export_flow)


def clear(
    state: Industry, bids: Bids, asks: np.ndarray, n_listed: int, n_breeding: int
) -> tuple[float, int, float, float]:
    """The call auction's price and quantity, and the last bid and ask that trade
    (market.call_auction) over the offers at auction (`asks`: the `n_listed` females listed
    less the EU's lots); the market's state and the outside demand schedule's reading
    follow it."""
    mk = state.market
    price, q, last_bid, last_ask = market.call_auction(bids.wtp, asks, mk.price)
    mk.price = price
    mk.outside_buyers, mk.bids, mk.asks = bids.n_hobby, len(bids.wtp), n_listed
    read_demand_schedule(state, bids.new + bids.replace, bids.export_flow, n_breeding)
    state.month_stats["listed"] += n_listed
    state.month_stats["demand"] += len(bids.wtp)
    return price, q, last_bid, last_ask


def learn_from_month(
    state: Industry, price: float, n_listed: int, n_sold: int, bids: Bids, sold: list
) -> None:
    """What the month teaches: the expected price, the chance that a listed female sells,
    and the outside homes that adopted."""
    market_p = state.scenario.group("market")
    mk = state.market
    w = market.monthly_weight(market_p.expectation_weight)
    mk.expected_price = market.adaptive(mk.expected_price, price, w)
    ws = market.SELL_THROUGH_WEIGHT
    floor = market_p.pet_price * state.shocks.budget
    if n_listed:
        mk.sell_through = market.adaptive(mk.sell_through, n_sold / n_listed, ws)
    elif (bids.wtp >= floor).any():  # buyers came and found nothing for sale: all would sell
        mk.sell_through = market.adaptive(mk.sell_through, 1.0, ws)
    outside_sold = sum(int((m.buyer == OUTSIDE_BUYER).sum()) for m in sold)
    new, replace = bids.new, bids.replace
    if new + replace > 0:
        mk.adopters = min(mk.pool_size, mk.adopters + outside_sold * new / (new + replace))


def holding_cost(state: Industry) -> np.ndarray:
    """Each breeder's monthly cost of keeping one more breeding female and her followers."""
    from .finance import HEADS_PER_FEMALE, variable_cost_per_head

    return variable_cost_per_head(state) * HEADS_PER_FEMALE / 12


def read_demand_schedule(state: Industry, buyers: float, exports: float, n_breeding: int) -> None:
    """Update the outside demand schedule's reading: outside buyers a month and the female
    crias the industry breeds beyond replacing its retiring dams and the EU's orders
    (`exports` a month, taken at the going price), both adaptive (about six months), and the
    price at which those buyers take that surplus (pricing.clearing_wtp): the fundamental a
    breeder values a cria at (finance.female_values)."""
    herd_p, market_p = state.scenario.groups("herd", "market")
    mk = state.market
    w = market.SELL_THROUGH_WEIGHT
    retiring = 12.0 / (herd_p.female_retire_age - herd_p.female_breeding_age)  # dams a year per dam
    if mk.outside_flow < 0:  # the first month: start from the breeding capacity
        mk.outside_flow = buyers
        mk.crias_flow = 0.5 * weaning_rate(herd_p) * n_breeding / 12  # all bred
    mk.outside_flow = market.adaptive(mk.outside_flow, buyers, w)
    crias = 0.5 * state.month_stats["births"]  # births are seasonal: a year's memory
    mk.crias_flow = market.adaptive(mk.crias_flow, crias, 1.0 / 12)
    surplus = max(pricing.surplus_flow(mk.crias_flow, n_breeding, retiring) - exports, 0.0)
    mk.final_price = pricing.clearing_wtp(
        mk.outside_flow,
        surplus,
        market_p.buyer_wtp_median * state.shocks.budget,
        market_p.buyer_wtp_sigma,
        market_p.pet_price * state.shocks.budget,
    )


def _match(
    state: Industry,
    buyers: np.ndarray,
    offered: np.ndarray,
    stock: np.ndarray,
    avoid: np.ndarray | None,
    niche_shares: tuple[float, ...],
) -> list[market.Matches]:
    """Winning buyers search sellers by reach: outside buyers in a region and niche,
    breeders in their own region among breeding-stock sellers; where news of bovine TB is
    out, they look at sellers in a TB area less (`avoid`: outbreak_weights)."""
    market_p, rival_p = state.scenario.groups("market", "rivalry")
    firms, rng, mk, herd = state.firms, state.rng, state.market, state.herd
    n_f = firms.n
    home = rng.permutation(buyers)
    n_out = int((home == OUTSIDE_BUYER).sum())
    segment = np.empty(len(home), dtype=np.int64)
    w = mk.region_weight / mk.region_weight.sum()
    out_region = rng.choice(mk.n_regions, size=n_out, p=w)
    out_niche = rng.choice(len(niche_shares), size=n_out, p=np.asarray(niche_shares))
    is_out = home == OUTSIDE_BUYER
    segment[is_out] = mk.segment_of(out_region, out_niche)
    regions = firm_regions(state)
    segment[~is_out] = mk.segment_of(regions[home[~is_out]], 0)
    coloured = state.shocks.coloured
    weights = mk.reach
    if coloured > 0 and len(offered):  # buyers seek out breeders with coloured stock
        on_offer = np.bincount(herd.owner[offered], weights=herd.colour[offered], minlength=n_f)
        weights = weights * (1.0 + coloured * on_offer / np.maximum(stock, 1))[None, :]
    if avoid is not None:
        weights = weights * avoid[None, :]
    partner_of = (
        state.contracts.partner_lookup(n_f) if state.scenario.mechanism_on("referrals") else None
    )
    compare = market_p.buyer_consideration
    contacts = None  # partners who learned a seller's marketing know some of its buyers
    if rival_p.contact_diversion > 0 and state.scenario.mechanism_on("knowledge_sharing"):
        contacts = rivalry.contact_takers(
            state.contracts, firms.protection[:n_f], n_f, rival_p.contact_diversion
        )
    m_home = market.match_buyers(
        home, weights, stock, partner_of, RETRY_SHARE, rng, segment, compare, contacts
    )
    # one index into the flat table (an unbuffered add over one axis: several times faster)
    width = mk.segment_sales.shape[1]
    np.add.at(mk.segment_sales.reshape(-1), m_home.segment * width + m_home.seller, 1)
    ref = m_home.referred
    mk.referrals = np.vstack((m_home.referrer[ref], m_home.seller[ref]))  # referrer -> seller
    div = m_home.diverted_from >= 0
    mk.diversions = np.vstack((m_home.diverted_from[div], m_home.seller[div]))  # teacher -> partner
    mk.turned_away = np.bincount(m_home.turned_away, minlength=n_f)
    return [m_home]


def _settle_matches(
    state: Industry, sold: list[market.Matches], offered: np.ndarray, price: float
) -> int:
    """Hand over the matched animals (each seller's offered females in its order) and pay."""
    firms, herd = state.firms, state.herd
    n_f = firms.n
    owner = herd.view("owner")
    o = owner[offered]
    if state.shocks.coloured > 0:  # and take the coloured animals first
        by_owner = offered[np.lexsort((herd.colour[offered] == 0, o))]
    else:
        by_owner = offered[stable_order_below(o, n_f)]
    count = np.bincount(o, minlength=n_f)
    first = np.cumsum(count) - count  # each seller's first place in by_owner
    offset = np.zeros(n_f, dtype=np.int64)
    n_sold = 0
    for m in sold:
        state.month_stats["lost_enquiries"] += m.lost
        if len(m.seller) == 0:
            continue
        order = stable_order_below(m.seller, n_f)
        s, b = m.seller[order], m.buyer[order]
        rank = run_rank(s)
        animals = by_owner[first[s] + offset[s] + rank]
        np.add.at(offset, s, 1)
        settle_sales(state, animals, s, b, price)
        n_sold += len(animals)
        state.month_stats["referrals"] += int(m.referred.sum())
    bought = [m.buyer[m.buyer >= 0] for m in sold]
    if bought:
        firms.wants[:n_f] = np.maximum(
            0, firms.wants[:n_f] - np.bincount(np.concatenate(bought), minlength=n_f)
        )
    return n_sold


def settle_sales(
    state: Industry,
    animals: np.ndarray,
    sellers: np.ndarray,
    buyers: np.ndarray,
    price: float,
) -> None:
    """Move sold animals and money; outside buyers take animals out of the industry. Each
    pays the month's price with the animal's premium over the mean of the animals on offer,
    times what buyers think a female from the seller's area worth where news of bovine TB
    is out (outbreak_weights)."""
    know_p = state.scenario.group("knowledge")
    firms, herd, sh = state.firms, state.herd, state.shocks
    quality = herd.view("quality")
    prices = market.animal_prices(
        price,
        quality[animals],
        state.market.offer_quality,
        quality_premium(state),
        firms.knowledge[sellers, MARKETING],
        know_p.marketing_effect,
    )
    prices *= np.where(buyers == EXPORT_BUYER, sh.export_price, 1.0)
    avoid = outbreak_weights(state)
    if avoid is not None:
        prices *= avoid[sellers]
    coloured = herd.colour[animals] != 0
    if sh.coloured > 0:
        prices *= np.where(coloured, 1.0 + sh.coloured, 1.0)
    state.month_stats["coloured_sales"] += int(coloured.sum())
    inside = buyers >= 0
    accounts.transfer(state.firms, buyers[inside], sellers[inside], prices[inside])
    accounts.receive(state.firms, sellers[~inside], prices[~inside])
    herd.owner[animals[inside]] = buyers[inside]
    herd.stud[animals] = False
    herd.alive[animals[~inside]] = False
    np.add.at(firms.sold_out, sellers, 1)
    np.add.at(firms.bought_in, buyers[inside], 1)
    np.add.at(firms.sales_count, sellers, 1.0)  # (a float: the fast path)
    np.add.at(firms.sales_value, sellers, prices)
    state.month_stats["sales_count"] += len(animals)
    state.month_stats["sales_value"] += float(prices.sum())
    state.month_stats["internal_sales"] += int(inside.sum())


def release_surplus(state: Industry, unsold: np.ndarray) -> None:
    """Surplus females that found no buyer go, a few a month, to fleece and companion homes
    at the wether price: a breeder does not feed an unsaleable surplus for ever, so a glut
    cannot compound through the matings of animals no one will buy."""
    market_p = state.scenario.group("market")
    firms, herd, rng = state.firms, state.herd, state.rng
    if len(unsold) == 0 or market_p.wether_price <= 0 or market_p.pet_demand <= 0:
        return
    gone = unsold[rng.random(len(unsold)) < WETHER_HOME_RATE]
    if len(gone) == 0:
        return
    owners = herd.owner[gone]
    herd.alive[gone] = False
    accounts.receive(firms, owners, np.full(len(gone), market_p.wether_price * state.shocks.budget))
    firms.sold_out[: firms.n] += np.bincount(owners, minlength=firms.n)
    state.month_stats["wether_sales"] += len(gone)


def sell_pets(state: Industry) -> None:
    """Pets go to outside buyers, as many as the month's pet demand; adult males that no one
    keeps as a stud and no pet buyer takes go to fleece and companion homes (wethers)."""
    herd_p, market_p = state.scenario.groups("herd", "market")
    firms, herd, rng, sh, mk = state.firms, state.herd, state.rng, state.shocks, state.market
    pets = list_pets(state)
    awareness = mk.pool_size / mk.pool_base if mk.pool_base > 0 else 1.0
    demand = rng.poisson(state.base_pet * awareness * sh.buyer_factor("pet"))
    if len(pets) > demand:
        chosen = rng.choice(pets, size=demand, replace=False)
    else:
        chosen = pets
    if len(chosen):
        owners = herd.owner[chosen]
        herd.alive[chosen] = False
        accounts.receive(firms, owners, np.full(len(chosen), market_p.pet_price * sh.budget))
        firms.sold_out[: firms.n] += np.bincount(owners, minlength=firms.n)
        state.month_stats["pet_sales"] += len(chosen)
    # idle adult males: older than a season past stud age and not working as studs
    left = pets[herd.alive[pets]]
    idle = left[
        ~herd.female[left] & (herd.age[left] >= herd_p.stud_age + WETHER_AFTER) & ~herd.stud[left]
    ]
    idle = idle[rng.random(len(idle)) < WETHER_HOME_RATE]  # finding a home takes months
    # the pet market's deep tail
    if len(idle) and market_p.wether_price > 0 and market_p.pet_demand > 0:
        owners = herd.owner[idle]
        herd.alive[idle] = False
        accounts.receive(firms, owners, np.full(len(idle), market_p.wether_price * sh.budget))
        firms.sold_out[: firms.n] += np.bincount(owners, minlength=firms.n)
        state.month_stats["wether_sales"] += len(idle)


def sell_studs(state: Industry) -> None:
    """The month before the mating season, breeders without a stud of their own or a
    co-owned one buy a proven UK-bred male from another breeder: the best of the
    STUD_CANDIDATES nearest within travel distance that they judge better than their females
    (herd.seen_quality, as they judge their own animals), at its market value
    (market.stud_value), when the fees it saves over STUD_SEASONS seasons are worth that and
    cash allows."""
    herd_p, know_p = state.scenario.groups("herd", "knowledge")
    herd = state.herd
    if state.month != (herd_p.mating_start_month - 2) % 12 + 1:
        return
    buyers, n_dams, dams = stud_buyers(state)
    cand = stud_candidates(state)
    state.market.stud_sales = 0
    set_stud_fee(state)
    if len(buyers) == 0 or len(cand) == 0:
        return
    # breeders judge animals as they see them (herd.seen_quality): sellers offer the males
    # they judge above the herd's mean, buyers compare them with their dams as they judge them
    alive, owner = herd.view("alive"), herd.view("owner")
    quality = herd.view("quality")
    mean_q = float(quality[alive].mean()) if alive.any() else 0.0
    noise = judging_noise(state.firms.knowledge[: state.firms.n, BREEDING], know_p.breeding_noise)
    cand = cand[seen_quality(herd, cand, noise[owner[cand]], state.rng) >= mean_q]
    dam_q = judged_dams(state, buyers, dams, n_dams, noise)
    if len(cand) == 0:
        return
    offers = stud_offers(state, buyers, cand, n_dams, dam_q, noise)
    buy_studs_in_turn(state, buyers, cand, *offers)


def stud_buyers(state: Industry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Breeders that may buy a stud (active, not restricted, no stud of their own, no
    partner, two dams or more); each breeder's dams; the mask of dams."""
    firms, n_f = state.firms, state.firms.n
    dams, served = dams_and_served(state)
    n_dams = np.bincount(state.herd.view("owner")[np.flatnonzero(dams)], minlength=n_f)
    ok_firm = firms.active[:n_f] & ~firms.restricted[:n_f]
    return np.flatnonzero(ok_firm & ~served & (n_dams >= 2)), n_dams, dams


def dams_and_served(state: Industry) -> tuple[np.ndarray, np.ndarray]:
    """The herd's dams of breeding age (a mask over the herd) and, per breeder, whether it
    has a stud of its own or a co-owner: those neither buy a stud nor hire one."""
    herd_p, herd, n_f = state.scenario.group("herd"), state.herd, state.firms.n
    alive, female, owner, age = (herd.view(k) for k in ("alive", "female", "owner", "age"))
    dams = alive & female & (age >= herd_p.female_breeding_age) & (age < herd_p.female_retire_age)
    has_stud = np.bincount(owner[alive & herd.view("stud")], minlength=n_f) > 0
    return dams, has_stud | (state.contracts.partner_counts(n_f) > 0)


def stud_candidates(state: Industry) -> np.ndarray:
    """Herd rows of males on offer as studs: adult, not working as (or co-owned as) a stud,
    of a breeder in business and free to trade."""
    herd_p = state.scenario.group("herd")
    firms, herd = state.firms, state.herd
    n_f = firms.n
    alive, female, owner, age = (herd.view(k) for k in ("alive", "female", "owner", "age"))
    ok_firm = firms.active[:n_f] & ~firms.restricted[:n_f]
    coowned = np.zeros(herd.n, dtype=bool)
    coowned[state.contracts.stud[state.contracts.running()]] = True
    return np.flatnonzero(
        alive & ~female & (age >= herd_p.stud_age) & ~herd.view("stud") & ~coowned & ok_firm[owner]
    )


def judged_dams(
    state: Industry, buyers: np.ndarray, dams: np.ndarray, n_dams: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """Each buyer's mean of its dams as it judges them (0 for non-buyers)."""
    herd, n_f = state.herd, state.firms.n
    owner = herd.view("owner")
    is_buyer = np.zeros(n_f, dtype=bool)
    is_buyer[buyers] = True
    b_dams = np.flatnonzero(dams & is_buyer[owner])
    seen_dams = seen_quality(herd, b_dams, noise[owner[b_dams]], state.rng)
    return np.bincount(owner[b_dams], weights=seen_dams, minlength=n_f) / np.maximum(n_dams, 1)


def stud_offers(
    state: Industry,
    buyers: np.ndarray,
    cand: np.ndarray,
    n_dams: np.ndarray,
    dam_q: np.ndarray,
    noise: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """What each buyer sees of its nearest candidates: (value of each candidate, the
    candidates near each buyer, its judgement of them, whether each is worth it, the cash
    each needs, and whether the buyer has a choice at all)."""
    cost_p, fin_p, herd_p, market_p = state.scenario.groups("costs", "finance", "herd", "market")
    firms, herd = state.firms, state.herd
    owner, age = herd.view("owner"), herd.view("age")
    value = market.stud_value(
        herd.view("quality")[cand],
        import_quality(state),
        elite_stud_price(state),
        market_p.quality_premium,
        age[cand] - herd_p.stud_age,
        market.STUD_WORKING_MONTHS,
        market_p.pet_price * state.shocks.budget,
    )
    k = min(STUD_CANDIDATES, len(cand))
    tree = cKDTree(np.c_[firms.x_km[owner[cand]], firms.y_km[owner[cand]]])
    _, near = tree.query(
        np.c_[firms.x_km[buyers], firms.y_km[buyers]],
        k=k,
        distance_upper_bound=cost_p.max_travel_km,
    )
    near = np.asarray(near).reshape(len(buyers), k)
    seasons = market.annuity(fin_p.discount_rate, STUD_SEASONS)
    found = near < len(cand)
    seen_by_buyer = np.full(near.shape, -np.inf)  # each buyer's judgement of its candidates
    seen_by_buyer[found] = seen_quality(
        herd, cand[near[found]], np.repeat(noise[buyers], k).reshape(near.shape)[found], state.rng
    )
    c_owner = np.r_[owner[cand], -1]
    c_value = np.r_[value, np.inf]
    # what the buyers' turns do not change: a candidate is another's, better than the buyer's
    # dams as it judges them, and worth no more than the fees it saves
    fees_saved = n_dams[buyers] * state.market.stud_fee * seasons
    worth_it = (
        (c_owner[near] != buyers[:, None])
        & (seen_by_buyer > dam_q[buyers][:, None])
        & (c_value[near] <= fees_saved[:, None])
    )
    cash_needed = CASH_BUFFER * c_value[near]
    # cash moves only by these sales: a buyer who sells no candidate and cannot afford any
    # of its choices now cannot at its turn either
    sells = np.zeros(firms.n, dtype=bool)
    sells[owner[cand]] = True
    cheapest = np.where(worth_it, cash_needed, np.inf).min(axis=1)
    has_choice = worth_it.any(axis=1) & ((cheapest <= firms.cash[buyers]) | sells[buyers])
    return value, near, seen_by_buyer, worth_it, cash_needed, has_choice


def buy_studs_in_turn(
    state: Industry,
    buyers: np.ndarray,
    cand: np.ndarray,
    value: np.ndarray,
    near: np.ndarray,
    seen_by_buyer: np.ndarray,
    worth_it: np.ndarray,
    cash_needed: np.ndarray,
    has_choice: np.ndarray,
) -> None:
    """Buyers in random order take the candidate they judge best among those still free
    that they can afford now; the stud and its price change hands."""
    firms, herd, mk = state.firms, state.herd, state.market
    owner = herd.view("owner")
    free = [True] * len(cand) + [False]  # the tree's "none found" index last
    choice = has_choice.tolist()  # (a buyer's ten candidates: Python lists, not arrays)
    for i in state.rng.permutation(len(buyers)).tolist():
        if not choice[i]:
            continue
        b = int(buyers[i])
        cash = firms.cash[b]
        # what does: candidates taken by earlier buyers, and cash that earlier sales brought
        fits = [
            (seen, j)
            for j, ok, seen, need in zip(
                near[i].tolist(),
                worth_it[i].tolist(),
                seen_by_buyer[i].tolist(),
                cash_needed[i].tolist(),
                strict=True,
            )
            if ok and free[j] and need <= cash
        ]
        if not fits:
            continue
        pick = max(fits, key=itemgetter(0))[1]  # the first of the best judged, as np.argmax
        row, seller = cand[pick], int(owner[cand[pick]])
        accounts.transfer(firms, np.array([b]), np.array([seller]), np.array([value[pick]]))
        herd.owner[row] = b
        free[pick] = False
        firms.sold_out[seller] += 1
        firms.bought_in[b] += 1
        mk.stud_sales += 1
        state.month_stats["stud_sales"] += 1


def set_stud_fee(state: Industry) -> None:
    """Before the season: the base service fee follows the females that must hire a stud
    (their owners keep none and co-own none) against the season's capacity of studs for
    hire, relative to that ratio at the start (market.stud_fee_level)."""
    herd_p, market_p = state.scenario.groups("herd", "market")
    firms, herd, mk = state.firms, state.herd, state.market
    dams, served = dams_and_served(state)
    hiring = firms.active[: firms.n] & ~served
    demand = float(hiring[herd.view("owner")[np.flatnonzero(dams)]].sum())
    supply = float(len(service_studs(state)[0]) * herd_p.stud_capacity)
    ratio = demand / supply if supply > 0 else 0.0
    if mk.service_demand <= 0:  # the first season sets the reference ratio
        mk.service_demand = max(ratio, 1e-6)
    mk.stud_fee = market.stud_fee_level(
        market_p.stud_fee, ratio / mk.service_demand, 1.0, market_p.stud_fee_flexibility
    )
