"""Markets: breeding stock (monthly call auction), buyers' search, saturating outside demand,
stud fees and fibre, as pure functions over plain data, and the market's state.

Each month sellers list their surplus females with a reservation price (what waiting for a
later sale is worth to them, never less than the animal's pet or cull value) and buyers
arrive with a willingness to pay: outside households from a finite pool that fills by
diffusion (Bass 1969), breeders expanding toward their herd plans (the capital value of a
female to them) and EU buyers. The month's price is the uniform price that clears those
offers and bids (a k-double auction with k = 1/2). Buyers who bid at least the price then
search: a buyer of segment s (region x niche) reaches sellers with weights `reach[s]`
(visibility x niche match x distance decay); a seller with no stock left may refer the buyer
to a partner. Each animal sells at the month's price times its quality premium relative to
the animals on offer.

Prices are in "reference units": the price of a female of the listed animals' mean quality
sold by a seller with no marketing skill. Nothing anchors the level but the bids and offers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import portable as pm
from .ordering import largest, run_rank, stable_order_below

N_NICHES = 3  # niche codes as the firm column `niche`: 0 breeding stock, 1 fibre, 2 pets
MONTHS_PER_YEAR = 12
SELL_THROUGH_WEIGHT = 0.15  # assumption: sellers judge their chance of a sale by ~6 months
STUD_WORKING_MONTHS = 120  # assumption: a stud works about ten years, written down straight-line


# --- the market's state ----------------------------------------------------------------------
def no_sales_months() -> list[np.ndarray]:
    """A year without sales as MarketState.sales_ring keeps one: 12 slots of no (segment,
    seller's row, buyers)."""
    return [np.zeros((3, 0), dtype=np.int64) for _ in range(12)]


@dataclass
class MarketState:
    """The livestock market between months: prices, expectations, demand pool and search.

    Plain data (numbers and numpy arrays) so that checkpoints hold it as it is.
    `reach` and `segment_sales` are n_segments x n_firms, a segment being region x niche
    (`segment_of`); both are this month's, with one column per firm-table row at the time of
    the month's market (the month's entrants, added later, have none until next month).
    """

    price: float  # GBP: this month's clearing price of a reference breeding female
    expected_price: float  # GBP: breeders' adaptive expectation of that price (Nerlove)
    sell_through: float  # expected chance a listed female sells in a month (adaptive)
    pool_base: float  # outside homes' potential (animals) without industry awareness
    pool_size: float  # this month's potential: grows with awareness, finite
    adopters: float  # animals already taken up by outside homes (Bass cumulative adoption)
    awareness: float = 0.0  # 0..1: public awareness built by industry investment (P1c)
    stud_fee: float = 0.0  # GBP: base fee for a mating by an average service stud this season
    # the outside demand schedule (pricing.clearing_wtp): buyers and female crias a month,
    # both adaptive (SELL_THROUGH_WEIGHT), and the price they clear at,
    # which caps what a cria is worth to a breeder (the fundamental: finance.female_values)
    outside_flow: float = -1.0  # outside and EU buyers a month (-1: not yet seen)
    crias_flow: float = -1.0  # female crias born a month (-1: not yet seen)
    final_price: float = 0.0  # GBP: the price outside buyers pay for that surplus (0: unset)
    region_x: np.ndarray = field(default_factory=lambda: np.zeros(0))  # region centres (km)
    region_y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    region_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))  # buyers' homes
    reach: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    segment_sales: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    offer_quality: float = 0.0  # mean quality of this month's traded offers (the premium's base)
    outside_buyers: int = 0  # animals outside buyers asked for this month
    bids: int = 0  # bids in this month's auction (animals)
    asks: int = 0  # offers in this month's auction (animals)
    stud_sales: int = 0  # UK-bred studs sold between breeders this year
    # this month's home sales made by referral: row 0 the referring seller, row 1 the seller
    referrals: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), dtype=np.int64))
    # this month's first enquiries each seller turned away, sold out (what it could refer)
    turned_away: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # this month's home sales a partner made to a buyer who had come to its teacher, through
    # the contacts it learned (divert_to_contacts): row 0 the teacher, row 1 the partner
    diversions: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), dtype=np.int64))
    # the last 12 months' home buyers won by segment and seller, one slot a month (step % 12)
    # holding (segment, seller's row, buyers) where it sold that month (3 x k), and their sum
    # over the 12 months (segments x breeders' rows, with room to grow); kept by
    # rivalry.remember_sales for competition intensity
    sales_ring: list[np.ndarray] = field(default_factory=no_sales_months)
    sales_year: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    # how much more each breeder's sales respond to its reach when buyers compare
    # `buyer_consideration` sellers than in proportion (reach_response); empty: 1 for all
    reach_response: np.ndarray = field(default_factory=lambda: np.zeros(0))
    service_demand: float = 0.0  # females that must hire per stud place, at the first season
    decay_version: int = -1  # spatial version the cached distance decay was computed for
    decay: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def n_regions(self) -> int:
        return len(self.region_x)

    @property
    def n_segments(self) -> int:
        return self.n_regions * N_NICHES

    def segment_of(self, region: np.ndarray, niche: np.ndarray) -> np.ndarray:
        """Segment code of buyers in `region` looking for `niche`: region * 3 + niche."""
        return np.asarray(region, dtype=np.int64) * N_NICHES + np.asarray(niche, dtype=np.int64)

    @property
    def segment_region(self) -> np.ndarray:
        return np.arange(self.n_segments) // N_NICHES

    @property
    def segment_niche(self) -> np.ndarray:
        return np.arange(self.n_segments) % N_NICHES


# --- search: who reaches whom ------------------------------------------------------------------
def visibility(
    marketing: np.ndarray, reputation: np.ndarray, marketing_effect: float
) -> np.ndarray:
    """How many enquiries a breeder attracts, relative to others."""
    return (1.0 + marketing_effect * marketing) * (0.5 + reputation)


def distance_decay(
    region_x: np.ndarray, region_y: np.ndarray, x: np.ndarray, y: np.ndarray, decay_km: float
) -> np.ndarray:
    """exp(-distance / decay_km) from each region's centre (rows) to each seller (columns)."""
    d = np.hypot(region_x[:, None] - x[None, :], region_y[:, None] - y[None, :])
    return pm.exp(-d / max(decay_km, 1e-9))


def niche_match(
    segment_niche: np.ndarray, seller_niche: np.ndarray, crossover: float
) -> np.ndarray:
    """1 where a seller serves the buyers' niche, `crossover` where it does not."""
    return np.where(segment_niche[:, None] == seller_niche[None, :], 1.0, crossover)


def reach_matrix(
    visibility_: np.ndarray,
    decay_by_region: np.ndarray,
    segment_region: np.ndarray,
    segment_niche: np.ndarray,
    seller_niche: np.ndarray,
    crossover: float,
) -> np.ndarray:
    """How strongly buyers of each segment see each seller: visibility x niche match x
    distance decay (n_segments x n_sellers). Segments' niches are niche codes (0..N_NICHES-1):
    the niche match is worked out once per niche, then given to each segment of the niche.
    Segments numbered as MarketState numbers them (region x N_NICHES + niche) take it by
    broadcasting, without a copy of the decay and of the match for every segment."""
    decay = np.asarray(decay_by_region, dtype=float)
    match = niche_match(np.arange(N_NICHES), seller_niche, crossover)
    if not niches_of_regions(segment_region, segment_niche, len(decay)):
        reach = decay[segment_region]  # a copy, one row a segment
        reach *= match[segment_niche]
        reach *= visibility_[None, :]
        return reach
    reach = np.empty((len(decay), N_NICHES, decay.shape[1]))
    np.multiply(decay[:, None, :], match[None, :, :], out=reach)
    reach *= visibility_
    return reach.reshape(len(decay) * N_NICHES, decay.shape[1])  # (-1 fails with no seller)


def niches_of_regions(
    segment_region: np.ndarray, segment_niche: np.ndarray, n_regions: int
) -> bool:
    """Whether the segments are every region's N_NICHES niches in turn (segment = region x
    N_NICHES + niche, as MarketState.segment_of numbers them)."""
    segment = np.arange(n_regions * N_NICHES)
    return (
        len(segment_region) == len(segment)
        and np.array_equal(segment_region, segment // N_NICHES)
        and np.array_equal(segment_niche, segment % N_NICHES)
    )


# --- demand that saturates --------------------------------------------------------------------
def bass_adoptions(pool: float, adopters: float, innovation: float, imitation: float) -> float:
    """Expected new adoptions in a month (Bass 1969): (p + q A/M)(M - A) / 12."""
    if pool <= 0:
        return 0.0
    left = max(pool - adopters, 0.0)
    return (innovation + imitation * min(adopters / pool, 1.0)) * left / MONTHS_PER_YEAR


def replacement_demand(adopters: float, replacement_rate: float) -> float:
    """Animals a month that outside homes buy to replace those that die or are passed on."""
    return max(adopters, 0.0) * replacement_rate / MONTHS_PER_YEAR


def pool_potential(base: float, awareness: float, gain: float) -> float:
    """Outside homes' potential: finite, at most (1 + gain) times the base when all are aware."""
    return float(base * (1.0 + gain * min(max(awareness, 0.0), 1.0)))


def awareness_step(awareness: float, investor_share: float, effect: float) -> float:
    """A month of industry investment: awareness closes part of its gap to 1 (saturates)."""
    rate = min(max(effect * investor_share / MONTHS_PER_YEAR, 0.0), 1.0)
    return float(awareness + rate * (1.0 - awareness))


def starting_pool(
    flow_per_year: float,
    adopted_share: float,
    innovation: float,
    imitation: float,
    replacement_rate: float,
) -> float:
    """Pool size M whose Bass and replacement demand at adopted share a0 is `flow_per_year`."""
    a0 = min(max(adopted_share, 0.0), 0.999)
    per_animal = (innovation + imitation * a0) * (1.0 - a0) + replacement_rate * a0
    return float(flow_per_year / per_animal) if per_animal > 0 else 0.0


# --- bids, offers and the clearing price -------------------------------------------------------
def willingness_to_pay(
    n: int, median: float, sigma: float, budget: float, rng: np.random.Generator
) -> np.ndarray:
    """What each of `n` outside buyers would pay for a reference female (log-normal)."""
    return median * budget * pm.exp(sigma * rng.standard_normal(n))


def reservation_prices(
    keep_value: np.ndarray, floor: float, dispersion: float, noise: np.ndarray
) -> np.ndarray:
    """What each seller accepts for a listed female: what keeping her is worth to it (her
    capital value, finance.female_values), varied by the sellers' circumstances (log-normal
    `dispersion`), never below her pet or cull value `floor`."""
    return np.maximum(floor, np.asarray(keep_value, dtype=float) * pm.exp(dispersion * noise))


def clearing_price(bids: np.ndarray, asks: np.ndarray, previous: float) -> tuple[float, int]:
    """Uniform price and quantity of a call auction (k-double auction, k = 1/2): the first
    two of `call_auction`."""
    return call_auction(bids, asks, previous)[:2]


def call_auction(
    bids: np.ndarray, asks: np.ndarray, previous: float
) -> tuple[float, int, float, float]:
    """Uniform price and quantity of a call auction (k-double auction, k = 1/2), and the
    q-th highest bid and q-th lowest ask (the last that trade; NaN when none trades).

    The q highest bids trade with the q lowest asks, q the largest number with the q-th bid
    at least the q-th ask; the price is the middle of the interval of prices that clear
    exactly q units. With no crossing it is the middle of the best bid and the best ask; with
    no offers there is no trade and no new price (`previous`); with no bids, the best ask.
    A willingness to pay of zero or less is no bid (a breeder whose capital value of a
    female is negative asks to be paid to take one): it can never trade against an ask,
    which is at least the pet value, and counted as the best bid it would pull the price
    below zero.
    """
    a = np.sort(np.asarray(asks, dtype=float))
    if len(a) == 0:
        return float(previous), 0, np.nan, np.nan
    bids = np.asarray(bids, dtype=float)
    b = largest(bids[bids > 0], len(a) + 1)  # none is read below past one more than the asks
    if len(b) == 0:
        return float(a[0]), 0, np.nan, np.nan
    m = min(len(a), len(b))
    crossing = b[:m] >= a[:m]
    q = int(crossing.sum())  # b falls and a rises: the crossing units come first
    if q == 0:
        return float(0.5 * (b[0] + a[0])), 0, np.nan, np.nan
    lo = max(a[q - 1], b[q] if q < len(b) else -np.inf)
    hi = min(b[q - 1], a[q] if q < len(a) else np.inf)
    return float(0.5 * (lo + hi)), q, float(b[q - 1]), float(a[q - 1])


def adaptive(previous: float, observed: float, weight: float) -> float:
    """Adaptive expectation (Nerlove 1958): move `weight` of the way toward what was seen."""
    return float(previous + weight * (observed - previous))


def monthly_weight(yearly: float) -> float:
    """Monthly adjustment weight equal to `yearly` over twelve months."""
    return 1.0 - math.pow(1.0 - min(max(yearly, 0.0), 1.0), 1.0 / MONTHS_PER_YEAR)


def annuity(rate: float, years: float) -> float:
    """Present value of 1 GBP a year for `years` years at `rate` a year."""
    if rate * years < 1e-9:  # no or negligible discounting (1 + rate rounds to 1)
        return float(years)
    return float((1.0 - math.pow(1.0 + rate, -years)) / rate)


def female_value(
    expected_price: float,
    sell_through_year: float,
    pet_price: float,
    weaning_rate: float,
    fleece_value: float,
    cost_per_female: np.ndarray,
    discount_rate: float,
    years: float,
    cost_per_head: np.ndarray | float = 0.0,
    final_price: float = np.inf,
) -> np.ndarray:
    """Capital value of a breeding female to a breeder: the present value of her expected
    yearly margin. Half her crias are females kept a year and then sold at the expected price
    with the year's chance of a sale (else as pets), half males sold as pets at a year; plus
    her fleece, less the variable cost of keeping her and her followers.

    A cria is valued at no more than `final_price`, what the final (outside) buyers typically
    pay: breeding stock is worth what its offspring fetch from those who do not breed, not a
    breeding-stock price that only other breeders' expansion pays (the fundamental value;
    without it the value of a female is a multiple of her price and expansion feeds itself).
    """
    cria_price = min(expected_price, final_price)
    female_cria = sell_through_year * cria_price + (1 - sell_through_year) * pet_price
    cria = 0.5 * (female_cria + pet_price) - cost_per_head  # a year's keep before the sale
    margin = weaning_rate * cria + fleece_value - cost_per_female
    return annuity(discount_rate, years) * margin


def animal_prices(
    price: float,
    quality: np.ndarray,
    mean_quality: float,
    premium: float,
    marketing: np.ndarray,
    marketing_effect: float,
) -> np.ndarray:
    """Price of each animal sold: the month's price, its quality premium relative to the
    animals buyers see on offer, and the seller's marketing skill (a fifth of the marketing
    effect goes into price, the rest into visibility)."""
    return (
        price
        * pm.exp(premium * (quality - mean_quality))
        * (1 + 0.2 * marketing_effect * marketing)
    )


# --- matching buyers with sellers --------------------------------------------------------------
@dataclass
class Matches:
    """Outcome of one month's matching of buyers with sellers."""

    buyer: np.ndarray  # the buyer of each sale (breeder row, or a negative code for outsiders)
    seller: np.ndarray  # the seller of each sale
    referred: np.ndarray  # True where a partner's referral made the sale
    lost: int  # enquiries that found nothing
    segment: np.ndarray | None = None  # the buyer's segment of each sale (2-D weights only)
    referrer: np.ndarray | None = None  # the seller who referred each sale (-1: not referred)
    # the seller of each first enquiry turned away because it had sold out to earlier buyers
    # (what it could have referred to a partner)
    turned_away: np.ndarray | None = None
    # the seller each sale's buyer had drawn when a partner took it through the drawn
    # seller's contacts (divert_to_contacts; -1: not diverted)
    diverted_from: np.ndarray | None = None


def _serve(targets: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Which enquiries (each aimed at a seller) are served, first come first served."""
    if len(targets) == 0:
        return np.zeros(0, dtype=bool)
    order = stable_order_below(targets, len(stock))
    sorted_t = targets[order]
    served = np.empty(len(targets), dtype=bool)
    served[order] = run_rank(sorted_t) < stock[sorted_t]  # each seller's first stock[s]
    return served


def _draw(weights: np.ndarray, segment: np.ndarray | None, n: int, rng) -> np.ndarray:
    """A seller for each of `n` enquiries, by weight (per segment for 2-D weights); -1 where
    the buyer's segment sees no seller. One cumulative sum and one search for all segments.
    With one row, rng.choice over the sellers of some weight only, by their shares of the
    sum over all (the same draws: a seller of no weight is never drawn, and the choice's
    cumulative shares are the same at the others)."""
    if segment is None:
        total = weights.sum()
        if total <= 0:
            return np.full(n, -1, dtype=np.int64)
        drawn = np.flatnonzero(weights)
        return drawn[rng.choice(len(drawn), size=n, p=weights[drawn] / total)]
    present, which = _present(segment)
    rows = weights if len(present) == len(weights) else weights[present]  # (all: no copy)
    shares = np.cumsum(rows, axis=1)
    total = shares[:, -1].copy()
    seen = total[which] > 0
    # rows stacked on one axis: row r's cumulative shares occupy (r, r + 1]
    shares /= np.where(total > 0, total, 1.0)[:, None]
    shares += np.arange(len(present))[:, None]
    u = rng.random(n) + which
    k = np.searchsorted(shares.ravel(), u, side="right")
    col = np.minimum(k - which * weights.shape[1], weights.shape[1] - 1)
    return np.where(seen, col, -1).astype(np.int64)


def _present(segment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(segment, return_inverse=True) of segment codes (small integers, none
    negative) by a count: the segments present in order, and each code's place among them."""
    present = np.flatnonzero(np.bincount(segment))
    place = np.zeros(present[-1] + 1 if len(present) else 0, dtype=np.intp)
    place[present] = np.arange(len(present))
    return present, place[segment]


def _consider(weights: np.ndarray, segment: np.ndarray | None, n: int, k: int, rng) -> np.ndarray:
    """Each buyer's choice from a consideration set: `k` sellers drawn by weight (`_draw`,
    with replacement: a breeder heard of twice is visited once), of which it takes the one
    of highest weight in its segment (the first drawn among equals); -1 where it sees none.
    With k = 1, exactly `_draw` (choice in proportion to weight)."""
    col = _draw(weights, segment, n, rng)
    if k <= 1 or n == 0:
        return col
    rows = np.zeros(n, dtype=np.int64) if segment is None else np.asarray(segment)
    flat = weights.reshape(-1, weights.shape[-1])
    best = np.where(col >= 0, flat[rows, np.maximum(col, 0)], -1.0)
    for _ in range(k - 1):
        other = _draw(weights, segment, n, rng)
        w = np.where(other >= 0, flat[rows, np.maximum(other, 0)], -1.0)
        better = w > best
        col = np.where(better, other, col)
        best = np.where(better, w, best)
    return col


def choice_shares(weights: np.ndarray, k: int) -> np.ndarray:
    """Each seller's chance of being a buyer's choice (`_consider`): with k draws by weight w
    and the highest taken, seller j is chosen with chance F_j^k - (F_j - w_j/W)^k, F_j the
    weight share of the sellers of weight up to w_j (j included), W the total; k = 1 gives
    w_j / W. One row per segment (sellers in the last axis); sellers of equal weight share
    their group's chance equally."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    total = w.sum(axis=1, keepdims=True)
    order = np.argsort(w, axis=1, kind="stable")
    sorted_w = np.take_along_axis(w, order, axis=1)
    cum = np.cumsum(sorted_w, axis=1)
    # the share up to and including each seller's group of equals, and below it
    out = np.zeros_like(w)
    for r in range(len(w)):
        if total[r, 0] <= 0:
            continue
        hi = np.searchsorted(sorted_w[r], w[r], side="right")
        lo = np.searchsorted(sorted_w[r], w[r], side="left")
        upto = cum[r, hi - 1] / total[r, 0]
        below = np.where(lo > 0, cum[r, np.maximum(lo - 1, 0)], 0.0) / total[r, 0]
        group = pm.power(upto, k) - pm.power(below, k)
        size = hi - lo
        out[r] = np.where(w[r] > 0, group / np.maximum(size, 1), 0.0)
    return out.reshape(np.shape(weights)) if np.ndim(weights) > 1 else out[0]


RESPONSE_STEP = 0.1  # assumption: the rise of reach over which reach_response is measured,
# of the size of what a breeder learns from a partner (a tenth of a marketing point at
# marketing_effect 0.5 is about 5% of reach, a year or two of learning about 10%)


def reach_response(weights: np.ndarray, demand: np.ndarray, k: int) -> np.ndarray:
    """How strongly each seller's expected sales (sum over segments s of D_s x its
    `choice_shares`) rise with its reach when buyers compare k sellers, relative to choice in
    proportion: the relative rise of its expected sales for a rise of RESPONSE_STEP of its
    reach in every segment, at k over at 1, the sellers it overtakes included. 1 for a seller
    no buyer would choose. One row of `weights` per segment."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    total = w.sum(axis=1, keepdims=True)
    up = w * (1.0 + RESPONSE_STEP)
    below = weight_below(w, w)
    below_up = weight_below(w, up) - w  # not itself
    total_up = total + up - w
    d = np.asarray(demand, dtype=float)[:, None]

    def rise(j: int) -> tuple[np.ndarray, np.ndarray]:
        now = (d * choice_chance(below, w, total, j)).sum(axis=0)
        return now, (d * choice_chance(below_up, up, total_up, j)).sum(axis=0) - now

    now_k, rise_k = rise(k)
    now_1, rise_1 = rise(1)
    out = np.ones(w.shape[1])
    ok = (now_k > 0) & (rise_1 > 0)
    out[ok] = (rise_k[ok] / now_k[ok]) / (rise_1[ok] / now_1[ok])
    return out


def weight_below(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per segment (a row of `weights`, sellers in columns) and each value in the same row
    of `x`: the weight of the segment's sellers whose weight is strictly below that value."""
    out = np.zeros_like(x, dtype=float)
    for r in range(len(weights)):
        col = np.sort(weights[r])
        cum = np.r_[0.0, np.cumsum(col)]
        out[r] = cum[np.searchsorted(col, x[r], side="left")]
    return out


def choice_chance(below: np.ndarray, own: np.ndarray, total: np.ndarray, k: int) -> np.ndarray:
    """A seller's chance of being chosen from k draws by weight, the highest taken: ((B + w) /
    W)^k - (B / W)^k, B the weight below its own, W the segment's total (`choice_shares`)."""
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, pm.power((below + own) / safe, k) - pm.power(below / safe, k), 0.0)


def _draw_among(
    weights: np.ndarray,
    sellers: np.ndarray,
    segment: np.ndarray | None,
    n: int,
    rng,
    k: int = 1,
) -> np.ndarray:
    """`_consider` with `weights` given for the columns `sellers` only (the sellers with
    stock): the same draws as over all columns with the others' weights zero, since a seller
    with no weight is never drawn, at the cost of the sellers with stock, not the firm
    table."""
    col = _consider(weights, segment, n, k, rng)
    return np.where(col >= 0, sellers[np.maximum(col, 0)], -1)


def _drawable(stock: np.ndarray, by_segment: bool) -> np.ndarray:
    """Columns a buyer can draw: per segment, the sellers with stock and the table's last
    column (where `_draw` puts a draw that rounds up to the end of its segment's row); with
    one row, every column (rng.choice normalises by a pairwise sum, which zeros would move)."""
    if not by_segment:
        return np.arange(len(stock))
    sellers = np.flatnonzero(stock > 0)
    if len(sellers) == 0 or sellers[-1] != len(stock) - 1:
        sellers = np.append(sellers, len(stock) - 1)
    return sellers


def _with_stock(
    weights: np.ndarray, stock: np.ndarray, sellers: np.ndarray, by_segment: bool
) -> np.ndarray:
    """The weights of the columns `sellers` (_drawable), zero where a seller has no stock
    left; with one row `sellers` are all columns, and no gather is needed."""
    if not by_segment:
        return weights * (stock > 0)
    return weights[..., sellers] * (stock[sellers] > 0)


def divert_to_contacts(
    targets: np.ndarray,
    buyers: np.ndarray,
    contact_of: np.ndarray,
    chance: np.ndarray,
    stock: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Buyers a partner takes through the contacts it learned from the seller they drew.

    `targets` is the seller each buyer drew (-1: none); `contact_of` each seller's partner
    that knows its buyer contacts (-1: none) and `chance` the chance such a partner reaches
    one of its buyers first (rivalry.contact_chance). A buyer is approached, with that
    chance, only where the partner has stock and is not the buyer itself: one uniform draw
    per buyer who could be approached, in the buyers' order; a partner approaches no more
    buyers than it has animals for sale (the first ones). Returns (targets with the
    approached buyers sent to the partner, the seller each had drawn or -1)."""
    targets = np.asarray(targets, dtype=np.int64)
    taker = np.where(targets >= 0, contact_of[np.maximum(targets, 0)], -1)
    can = (taker >= 0) & (taker != buyers)
    can[can] = stock[taker[can]] > 0
    idx = np.flatnonzero(can)
    moved = idx[rng.random(len(idx)) < chance[targets[idx]]]
    moved = moved[_serve(taker[moved], stock)]  # no more than the partner has for sale
    new, origin = targets.copy(), np.full(len(targets), -1, dtype=np.int64)
    new[moved], origin[moved] = taker[moved], targets[moved]
    return new, origin


def match_buyers(
    buyers: np.ndarray,
    weights: np.ndarray,
    stock: np.ndarray,
    partner_of: np.ndarray | None,
    retry: float,
    rng: np.random.Generator,
    segment: np.ndarray | None = None,
    consider: int = 1,
    contacts: tuple[np.ndarray, np.ndarray] | None = None,
) -> Matches:
    """Match buyer enquiries with sellers' stock.

    `buyers` holds one entry per animal wanted (a breeder row, or negative for outsiders);
    `weights` the reach of every seller, one row per segment when `segment` gives each
    buyer's segment (else one row for all); `stock` the animals each seller has for sale;
    `partner_of` each seller's partner to refer to (-1 for none), or None for no referrals.
    A buyer first tries a seller with stock on offer: it draws `consider` sellers by reach
    and tries the one of highest reach among them (`_consider`; 1: a seller in proportion to
    reach); if that seller has sold out to earlier buyers it refers the buyer to its
    partner; else the buyer may retry once, with a new set.
    A breeder never buys from itself. Returns who bought from whom.
    """
    stock = stock.astype(np.int64).copy()
    n = len(buyers)
    if n == 0 or weights.sum() <= 0:
        empty = np.zeros(0, dtype=np.int64)
        seg = None if segment is None else empty
        return Matches(empty, empty, np.zeros(0, dtype=bool), n, seg, empty, empty, empty)
    sellers = _drawable(stock, segment is not None)
    have = _with_stock(weights, stock, sellers, segment is not None)
    targets = _draw_among(have, sellers, segment, n, rng, consider)
    origin = np.full(n, -1, dtype=np.int64)
    if contacts is not None:
        targets, origin = divert_to_contacts(targets, buyers, *contacts, stock, rng)
    bought_b, bought_s, referred, seg_of, ref_by, div = [], [], [], [], [], []

    def settle(idx: np.ndarray, tgt: np.ndarray, by_referral: bool, first: bool) -> np.ndarray:
        ok = (tgt >= 0) & (tgt != buyers[idx])
        served = np.zeros(len(idx), dtype=bool)
        served[ok] = _serve(tgt[ok], stock)
        np.subtract.at(stock, tgt[served], 1)
        bought_b.append(buyers[idx[served]])
        bought_s.append(tgt[served])
        referred.append(np.full(int(served.sum()), by_referral))
        ref_by.append(targets[idx[served]] if by_referral else np.full(int(served.sum()), -1))
        div.append(origin[idx[served]] if first else np.full(int(served.sum()), -1))
        if segment is not None:
            seg_of.append(segment[idx[served]])
        return idx[~served]

    waiting = settle(np.arange(n), targets, False, True)
    first = targets[waiting]
    turned_away = first[(first >= 0) & (first != buyers[waiting])]
    if partner_of is not None and len(waiting):
        ref = np.where(first >= 0, partner_of[np.maximum(first, 0)], -1)
        waiting = settle(waiting, ref, True, False)
    if len(waiting) and retry > 0:
        again = waiting[rng.random(len(waiting)) < retry]
        lost = len(waiting) - len(again)
        have = _with_stock(weights, stock, sellers, segment is not None)
        if len(again) and have.sum() > 0:
            seg = None if segment is None else segment[again]
            tgt = _draw_among(have, sellers, seg, len(again), rng, consider)
            lost += len(settle(again, tgt, False, False))
        else:
            lost += len(again)
    else:
        lost = len(waiting)
    return Matches(
        np.concatenate(bought_b).astype(np.int64),
        np.concatenate(bought_s).astype(np.int64),
        np.concatenate(referred),
        int(lost),
        None if segment is None else np.concatenate(seg_of).astype(np.int64),
        np.concatenate(ref_by).astype(np.int64),
        turned_away.astype(np.int64),
        np.concatenate(div).astype(np.int64),
    )


# --- studs -------------------------------------------------------------------------------------
def stud_fee_level(base_fee: float, demand: float, supply: float, flexibility: float) -> float:
    """Base service fee this season: follows hired matings asked for against the season's
    capacity of studs offered for hire, (demand / supply) ** flexibility, within 1/4 to 4x."""
    if supply <= 0 or demand <= 0:
        ratio = 1.0 if supply <= 0 else 0.25
    else:
        ratio = math.pow(demand / supply, flexibility)
    return float(base_fee * min(4.0, max(0.25, ratio)))


def stud_value(
    quality: np.ndarray,
    reference_quality: float,
    elite_price: float,
    premium: float,
    months_worked: np.ndarray,
    working_months: float,
    floor: float,
) -> np.ndarray:
    """Market value of a working stud: the elite stud price scaled by its quality premium
    against the world elite, written down over its working life, never below `floor`."""
    left = np.clip(1.0 - months_worked / max(working_months, 1.0), 0.0, 1.0)
    return np.maximum(floor, elite_price * pm.exp(premium * (quality - reference_quality)) * left)


# --- fibre -------------------------------------------------------------------------------------
def pooled_fibre_price(
    base: float, pooled_kg: float, scale_bonus: float, reference_kg: float
) -> float:
    """Price per kg the national pool earns: higher as pooled volume grows (economies of scale)."""
    return float(base * (1.0 + scale_bonus * math.log2(1.0 + pooled_kg / reference_kg)))
