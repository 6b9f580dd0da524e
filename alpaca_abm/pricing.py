"""How sellers and buyers price breeding females, and what buyers avoid: pure rules.

A breeder lists the females above its herd plan: it has decided to sell them. What it asks
is what waiting is worth (a reservation price from sequential search, McCall 1970): keeping
a listed female another month costs her keep and brings a chance `s` of selling her at
about the expected price E, so the lowest acceptable price r solves
r = -c + beta (s E + (1 - s) r), i.e. r = (beta s E - c) / (1 - beta (1 - s)). A glut
(low s) marks asks down, a market that absorbs everything (high s) holds them near E; the
slope of r in E is below one, so asks follow the expected price without feeding it.
"""

from __future__ import annotations

import math

import numpy as np

from . import portable as pm

MONTHS_PER_YEAR = 12


def waiting_reservation(
    expected_price: float, sell_chance: float, holding_cost: np.ndarray | float, rate: float
) -> np.ndarray:
    """The lowest price at which a seller lets a listed female go rather than wait a month:
    (beta s E - c) / (1 - beta (1 - s)), beta = 1 / (1 + rate / 12), s the monthly chance of
    a sale, c the month's cost of keeping her (sequential search, McCall 1970)."""
    beta = 1.0 / (1.0 + max(rate, 0.0) / MONTHS_PER_YEAR)
    s = min(max(sell_chance, 1e-6), 1.0)
    return (beta * s * expected_price - np.asarray(holding_cost, dtype=float)) / (
        1.0 - beta * (1.0 - s)
    )


def deadline_reservation(
    expected_price: float,
    sell_chance: float,
    holding_cost: np.ndarray | float,
    rate: float,
    months_left: np.ndarray | int,
    floor: float,
) -> np.ndarray:
    """The waiting reservation of a seller who must sell within `months_left` more months (a
    dispersal sale): with none left she goes at `floor`; with t left the seller accepts
    r_t = -c + beta (s E + (1 - s) r_(t-1)), the finite-horizon form of
    waiting_reservation (McCall 1970), which rises toward it as t grows; never below `floor`."""
    beta = 1.0 / (1.0 + max(rate, 0.0) / MONTHS_PER_YEAR)
    s = min(max(sell_chance, 0.0), 1.0)
    left = np.asarray(months_left, dtype=np.int64)
    cost = np.broadcast_to(
        np.asarray(holding_cost, dtype=float), np.broadcast(left, holding_cost).shape
    )
    r = np.full(cost.shape, float(floor))
    out = r.copy()
    for t in range(1, int(left.max(initial=0)) + 1):
        r = np.maximum(floor, -cost + beta * (s * expected_price + (1 - s) * r))
        out = np.where(left == t, r, out)
    return out


def spread(values: np.ndarray, dispersion: float, noise: np.ndarray) -> np.ndarray:
    """Values varied across traders by a log-normal factor exp(dispersion x noise): buyers
    and sellers differ in circumstances, so no single value is a mass point of the auction."""
    return np.asarray(values, dtype=float) * pm.exp(dispersion * np.asarray(noise, dtype=float))


def going_price_bids(expected_price: float, dispersion: float, noise: np.ndarray) -> np.ndarray:
    """Bids of buyers who take the going price as their limit (newcomers buying a foundation
    herd, who can buy next month at about the same price): the expected price, marked down
    by a log-normal half-spread exp(-dispersion |noise|) for their differing budgets and
    patience, never above it."""
    return expected_price * pm.exp(-dispersion * np.abs(np.asarray(noise, dtype=float)))


def export_buyers_per_month(uk_alpacas: float, eu_demand: float) -> float:
    """EU buyers of UK breeding stock a month: `eu_demand` a year per alpaca in the UK
    industry (the EU market is a share of the UK's, served by the UK's exporters)."""
    return max(uk_alpacas, 0.0) * max(eu_demand, 0.0) / MONTHS_PER_YEAR


def outbreak_avoidance(
    seller_region: np.ndarray, region_news: np.ndarray, avoidance: float
) -> np.ndarray:
    """What buyers think a female from each seller worth, against one from a clean area,
    when news of an outbreak in its region is out (they also look at it that much less):
    1 - avoidance x the region's news (0..1: the share of its herds found infected or
    restricted in the last year, relative to the worst region), 1 where there is none."""
    news = np.asarray(region_news, dtype=float)
    top = news.max() if news.size else 0.0
    weight = news / top if top > 0 else np.zeros_like(news)
    return 1.0 - min(max(avoidance, 0.0), 1.0) * weight[np.asarray(seller_region)]


def clearing_wtp(buyers: float, offered: float, median: float, sigma: float, floor: float) -> float:
    """The price at which `offered` females a month sell to `buyers` outside buyers a month
    whose willingness to pay is log-normal (median, sigma): the demand schedule read at the
    quantity on offer, median x exp(sigma x z) with P(WTP >= price) = offered / buyers. More
    animals offered to the same buyers, or fewer buyers for the same animals, clear lower;
    never below `floor` (the pet price: what a female fetches outside breeding)."""
    from scipy.special import ndtri

    if offered <= 0:
        return float(median * math.exp(sigma * 3.0))  # nothing on offer: only the keenest pay
    if buyers <= offered:
        return float(floor)  # more on offer than buyers at any price: only the floor clears
    z = float(ndtri(1.0 - offered / buyers))
    return float(max(floor, median * math.exp(sigma * z)))


def surplus_flow(
    female_crias_month: float, breeding_females: float, replacement_year: float
) -> float:
    """Females a month the industry breeds beyond replacing its own dams: what must find
    outside homes if the herd is not to grow (female crias less the dams retiring)."""
    return max(female_crias_month - breeding_females * replacement_year / MONTHS_PER_YEAR, 0.0)


def sale_surplus(
    price: np.ndarray | float,
    expected_price: float,
    sell_chance: float,
    holding_cost: np.ndarray | float,
    rate: float,
) -> np.ndarray:
    """What a sale is worth to its seller in GBP over waiting for a later one: the price
    less the waiting reservation (so a sale lost to a rival costs this much)."""
    r = waiting_reservation(expected_price, sell_chance, holding_cost, rate)
    return np.asarray(price, dtype=float) - r
