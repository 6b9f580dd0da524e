"""Markets: breeding stock (monthly), pets, stud services and fibre (yearly), as pure functions.

Buyers (hobby and smallholder buyers, entrants, expanding breeders, EU buyers) send
enquiries to breeders in proportion to how visible they are; a breeder with stock sells,
one without passes the enquiry to a partner (referral), and otherwise the buyer tries
once more elsewhere or is lost. The price of an average female falls as the stock for
sale grows relative to demand, and a better animal fetches a premium.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PRICE_FLOOR, PRICE_CAP = 0.1, 3.0  # clearing price stays within these multiples of the base


def clearing_price(base: float, demand: float, supply: float, flexibility: float) -> float:
    """Price of an average breeding female: base × (demand / supply) ** flexibility, bounded."""
    if supply <= 0:
        ratio = PRICE_CAP
    elif demand <= 0:
        ratio = PRICE_FLOOR
    else:
        ratio = (demand / supply) ** flexibility
    return float(base * min(PRICE_CAP, max(PRICE_FLOOR, ratio)))


def adjusted_price(previous: float, target: float, speed: float) -> float:
    """Asking prices move part of the way toward the clearing price each month."""
    return float(previous + speed * (target - previous))


def buyers_at_price(buyers_at_base: float, price: float, base: float, flexibility: float) -> float:
    """Expected outside buyers at `price`: more when cheaper (demand elasticity 1/flexibility)."""
    if flexibility <= 0:
        return buyers_at_base
    return float(buyers_at_base * (base / max(price, 1e-9)) ** (1.0 / flexibility))


def animal_prices(
    price: float,
    quality: np.ndarray,
    mean_quality: float,
    premium: float,
    marketing: np.ndarray,
    marketing_effect: float,
) -> np.ndarray:
    """Price of each animal sold: the market price, its quality premium and the seller's
    marketing skill (a fifth of the marketing effect goes into price, the rest into sales)."""
    return (
        price
        * np.exp(premium * (quality - mean_quality))
        * (1 + 0.2 * marketing_effect * marketing)
    )


def visibility(
    marketing: np.ndarray, reputation: np.ndarray, marketing_effect: float
) -> np.ndarray:
    """How many enquiries a breeder attracts, relative to others."""
    return (1.0 + marketing_effect * marketing) * (0.5 + reputation)


@dataclass
class Matches:
    """Outcome of one month's matching of buyers with sellers."""

    buyer: np.ndarray  # the buyer of each sale (breeder row, or a negative code for outsiders)
    seller: np.ndarray  # the seller of each sale
    referred: np.ndarray  # True where a partner's referral made the sale
    lost: int  # enquiries that found nothing


def _serve(targets: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Which enquiries (each aimed at a seller) are served, first come first served."""
    if len(targets) == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(targets, kind="stable")
    sorted_t = targets[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_t)) + 1]
    counts = np.diff(np.r_[starts, len(sorted_t)])
    rank = np.arange(len(sorted_t)) - np.repeat(starts, counts)
    served_sorted = rank < stock[sorted_t]
    served = np.empty(len(targets), dtype=bool)
    served[order] = served_sorted
    return served


def match_buyers(
    buyers: np.ndarray,
    weights: np.ndarray,
    stock: np.ndarray,
    partner_of: np.ndarray | None,
    retry: float,
    rng: np.random.Generator,
) -> Matches:
    """Match buyer enquiries with sellers' stock.

    `buyers` holds one entry per animal wanted (a breeder row, or negative for outsiders);
    `weights` the visibility of every seller; `stock` the animals each seller has for sale;
    `partner_of` each seller's partner to refer to (-1 for none), or None for no referrals.
    A breeder never buys from itself. Returns who bought from whom.
    """
    stock = stock.astype(np.int64).copy()
    n = len(buyers)
    if n == 0 or weights.sum() <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, empty, np.zeros(0, dtype=bool), n)
    p = weights / weights.sum()
    targets = rng.choice(len(weights), size=n, p=p)
    bought_b, bought_s, referred = [], [], []

    def settle(idx: np.ndarray, tgt: np.ndarray, by_referral: bool) -> np.ndarray:
        ok = (tgt >= 0) & (tgt != buyers[idx])
        served = np.zeros(len(idx), dtype=bool)
        served[ok] = _serve(tgt[ok], stock)
        np.subtract.at(stock, tgt[served], 1)
        bought_b.append(buyers[idx[served]])
        bought_s.append(tgt[served])
        referred.append(np.full(int(served.sum()), by_referral))
        return idx[~served]

    waiting = settle(np.arange(n), targets, False)
    if partner_of is not None and len(waiting):
        waiting = settle(waiting, partner_of[targets[waiting]], True)
    if len(waiting) and retry > 0:
        again = waiting[rng.random(len(waiting)) < retry]
        lost = len(waiting) - len(again)
        have = weights * (stock > 0)
        if len(again) and have.sum() > 0:
            tgt = rng.choice(len(weights), size=len(again), p=have / have.sum())
            lost += len(settle(again, tgt, False))
        else:
            lost += len(again)
    else:
        lost = len(waiting)
    return Matches(
        np.concatenate(bought_b).astype(np.int64),
        np.concatenate(bought_s).astype(np.int64),
        np.concatenate(referred),
        int(lost),
    )


def pooled_fibre_price(
    base: float, pooled_kg: float, scale_bonus: float, reference_kg: float
) -> float:
    """Price per kg the national pool earns: higher as pooled volume grows (economies of scale)."""
    return float(base * (1.0 + scale_bonus * np.log2(1.0 + pooled_kg / reference_kg)))


def fibre_quality_factor(quality: np.ndarray, mean_quality: float) -> np.ndarray:
    """Relative price of a fleece by the animal's quality: 1% per index point, floored."""
    return np.maximum(0.2, 1.0 + 0.01 * (quality - mean_quality))
