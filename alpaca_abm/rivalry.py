"""Competition inside coopetition: who faces the same buyers, what leakage costs, when cheating
pays, and how breeders learn to share or protect.

Partners in a co-ownership are also rivals for the same buyers (Bengtsson and Kock 2000:
cooperation and competition between the same firms at once). Every rule here is a pure
function over plain arrays; `partnering`, `knowledge` and `breeding` wire them into the
month. The market's arrays are read, never written: `reach` (segments x breeders: how
strongly the buyers of each segment see each seller this month) and `segment_sales`
(segments x breeders: this month's sales to buyers of each segment).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import portable as pm
from .breeder import BREEDING, HEALTH, MARKETING
from .market import N_NICHES, choice_chance, no_sales_months, reach_response, weight_below
from .ordering import row_sum, sorted_lookup, stable_smallest

if TYPE_CHECKING:
    from .breeder import FirmTable
    from .coownership import Contracts
    from .market import MarketState
    from .params import AlpacaScenario
    from .trust import TrustLedger

# --- constants with their provenance ---------------------------------------------------------
RECIPROCITY_WEIGHT = 0.5  # assumption: half of a breeder's willingness to share answers what
# it sees its partner share (tit-for-tat on observed openness; seed I17 "it works both ways"),
# half is its own disposition (openness x trust)
STRATEGY_STEP = 0.1  # assumption: each January a breeder moves its protection a tenth of the way
# in the direction its year's experience favours (payoff-based reinforcement, Roth and Erev 1995)
BELIEF_STEP = 0.5  # assumption: one experience of being caught (or not) moves a breeder's belief
# in the detection chance half-way to 1 (or to 0): a simple learning-from-experience update
SIGNAL_TRUST_SPREAD = 0.2  # assumption: first impressions spread acquaintance trust over 0.2,
# as widely as the uniform draw it replaces (world.py), but now centred on the other's honesty
SIGNAL_NOISE_SD = 0.25  # assumption: honesty read from reputation and hearsay is a noisy signal
PRIOR_ASSOCIATION_GAIN = 0.2  # assumption: a past venture that left trust above the stranger
# level closes a fifth of the gap to full trust when the pair contracts again (seed T4: prior
# association and previous achievements, 3 firms)
CHEMISTRY_SPREAD = 1.0  # assumption: owner chemistry 0..1 scales the clash rate from 1.5x to
# 0.5x and the growth of trust from 0.5x to 1.5x (chemistry 0.5 = the old, uniform rates; seed
# I1 "personality clashes"; T4 chemistry, easy to work with, 6 firms)
HYSTERESIS = 1.0  # assumption: each breach the truster has seen halves, thirds, ... the growth
# of its trust afterwards (trust asymmetry: destroyed fast, rebuilt slowly; Slovic 1993)
FAIRNESS_TOLERANCE = 0.1  # assumption: a use share within 0.1 of the cost share is fair enough
# ("a proper balance, a 50-50 partnership", I20)
SEASON_DISCOUNT = 0.5  # assumption: a micro-firm owner weighs next season half as much as this
# one (present bias), so a long contract is worth at most twice one season
PAIR_BLOCK = 1024  # pairs worked at a time in _lost_rows (speed only: 1,024 pairs x 30
# segments of floats, 240 kB an array, stay in cache; the results are the same for any block)
INTENSITY_MEMORY = 1.0 / 12.0  # cooperation is a 12-month moving average of the monthly
# signal, as competition is over the last 12 months' buyers (remember_sales)
NICHE_EXPERTISE = (BREEDING, BREEDING, HEALTH)  # assumption: the knowledge buyers of each niche
# (market.N_NICHES: breeding stock, fibre, pets and experiences) seek in a seller: breeding
# stock and fibre buyers its breeding (lines, fleece tests, mating advice), pet and experience
# buyers its health care (aftercare of animals that stay well). "We are more suited for new
# buyers buying from us because we can give them a high degree of input" (seed, I9)


# --- market overlap: who faces the same buyers ------------------------------------------------
def buyer_profiles(matrix: np.ndarray) -> np.ndarray:
    """Each breeder's column of `matrix` (segments x breeders) as shares summing to 1 (or 0)."""
    total = matrix.sum(axis=0)
    return np.divide(matrix, total, out=np.zeros_like(matrix, dtype=float), where=total > 0)


def competition_intensity(sales_year: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How hard each pair competes (0-1): the share of the buyers each won over the last year
    that came from markets (segments: region x niche) in which the other won buyers too, as
    the overlap of the two sellers' buyer profiles, sum over segments of min(p_a, p_b).

    `sales_year` is segments x breeders (or more columns), the buyers each won in each
    segment over the last 12 months (`remember_sales`). Buyers are contested where both
    sellers actually win them, not wherever both could be seen: a seller that won no buyer
    in the year contested none, and competes with nobody (intensity 0). Worked example (two
    segments): sales (3, 1) and (1, 1) give profiles (0.75, 0.25) and (0.5, 0.5), overlap
    min(0.75, 0.5) + min(0.25, 0.5) = 0.75.
    """
    if len(a) == 0:
        return np.zeros(0)
    both = np.concatenate((a, b))
    named = np.zeros(sales_year.shape[1], dtype=bool)  # each column named once, ascending
    named[both] = True
    firms = np.flatnonzero(named)
    column = np.empty(len(named), dtype=np.intp)
    column[firms] = np.arange(len(firms))
    pos = column[both]
    profiles = buyer_profiles(np.asarray(sales_year[:, firms], dtype=float))
    profiles = np.ascontiguousarray(profiles.T)  # a breeder's profile a row: gathered whole
    pa = profiles[pos[: len(a)]]
    return np.minimum(pa, profiles[pos[len(a) :]], out=pa).sum(axis=1)


def remember_sales(
    months: list[np.ndarray],
    year: np.ndarray,
    segment_sales: np.ndarray,
    step: int,
    n_firms: int,
) -> tuple[list[np.ndarray], np.ndarray]:
    """The last 12 months' buyers won by segment and seller: `months` (12 slots) holds each
    month in slot step % 12 as what it sold, a 3 x k int64 array of (segment, seller's row,
    buyers) for each segment and seller with a sale that month; `year` (segments x columns)
    is their sum. This month's `segment_sales` (segments x sellers) replaces what its slot
    held a year ago, in both: the slot leaving is taken from `year` and the month arriving
    added, each only where it sold (integer sums: exact in any order). Columns of `year` are
    breeders' rows; when the firm table outgrows them they grow to at least twice as many (a
    seller new since the market ran won nothing yet; the columns beyond the table stay 0).
    A change in the number of segments starts an empty year. Returns (months, year), a new
    `year` when it had to grow (and a new `months` when the segments changed)."""
    n_seg, n_sold = segment_sales.shape
    if year.shape[0] != n_seg or year.shape[1] < n_firms:
        kept = year.shape[0] == n_seg
        cap = max(n_firms, 2 * year.shape[1]) if kept else n_firms
        grown = np.zeros((n_seg, cap), dtype=np.int64)
        if kept:
            grown[:, : year.shape[1]] = year
        else:
            months = no_sales_months()
        year = grown
    slot = step % 12
    seg, seller, count = months[slot]
    year[seg, seller] -= count  # each (segment, seller) once: no repeated index
    sellers = np.flatnonzero(segment_sales.any(axis=0))  # first the columns, then the cells
    sold = segment_sales[:, sellers]
    cells = np.flatnonzero(sold)
    seg, column = np.divmod(cells, len(sellers))
    arrived = np.stack((seg, sellers[column], sold.ravel()[cells].astype(np.int64)))
    year[arrived[0], arrived[1]] += arrived[2]
    months[slot] = arrived
    return months, year


# --- leakage that costs -------------------------------------------------------------------
def sales_lost_to_learner(
    segment_demand: np.ndarray,
    reach: np.ndarray,
    teacher: np.ndarray,
    learner: np.ndarray,
    learned_uplift: np.ndarray,
    consider: int = 1,
) -> np.ndarray:
    """Sales each teacher lost this month because its learner's reach rose by what it learned.

    Attribution: buyers of segment s split among sellers in proportion to reach. The
    learner's reach is `uplift` (per pair, or per pair and segment) times what it would be
    without the knowledge learned from this teacher; the teacher's expected sales in s fall
    from D_s r_T / R0_s to D_s r_T / R_s, where R0_s is the segment's total reach without
    the uplift. The loss summed over
    segments is the teacher's sales lost to this learner (one learner at a time: several
    learners' shifts are not combined). With buyers comparing `consider` sellers
    (market.choice_shares: k draws by reach, the highest taken), the teacher's chance of
    being chosen, F_T^k - (F_T - r_T/R)^k, is worked out with and without the learner's
    uplift; k = 1 is the proportional case above.
    """
    reach_t = np.ascontiguousarray(np.asarray(reach, dtype=float).T)
    return _lost_rows(
        np.asarray(segment_demand, dtype=float),
        reach_t,
        teacher,
        learner,
        _share_gained(learned_uplift),
        consider,
    )


def sales_shift(
    segment_demand: np.ndarray,
    reach: np.ndarray,
    teacher: np.ndarray,
    learner: np.ndarray,
    learned_uplift: np.ndarray,
    consider: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The teacher's sales lost and the learner's sales gained (per pair) from the learner's
    uplift, by the choice rule of `sales_lost_to_learner`; lost / gained is the diversion
    ratio from learner to teacher (the share of the learner's gain taken from the teacher)."""
    reach_t = np.ascontiguousarray(np.asarray(reach, dtype=float).T)
    demand = np.asarray(segment_demand, dtype=float)
    share = _share_gained(learned_uplift)
    if share.ndim == 1:
        share = share[:, None]
    lost = _lost_rows(demand, reach_t, teacher, learner, share, consider)
    r_l = reach_t[learner]
    before = r_l * (1.0 - share)
    total = reach_t.sum(axis=0)[None, :]
    total0 = total - share * r_l
    below_after = weight_below(reach_t.T, r_l.T).T
    below_before = weight_below(reach_t.T, before.T).T
    gained = choice_chance(below_after, r_l, total, consider) - choice_chance(
        below_before, before, total0, consider
    )
    return lost, gained @ demand


def _share_gained(learned_uplift: np.ndarray) -> np.ndarray:
    """c, the share of a learner's reach that it owes to what it learned: r_L0 = r_L (1 - c)."""
    return 1.0 - 1.0 / np.maximum(learned_uplift, 1.0)


def _lost_rows(
    demand: np.ndarray,
    reach_t: np.ndarray,
    teacher: np.ndarray,
    learner: np.ndarray,
    share_gained: np.ndarray,
    consider: int = 1,
) -> np.ndarray:
    """`sales_lost_to_learner` on the transposed reach (breeders x segments), with the
    learners' `_share_gained`: per pair, per pair and segment, or per pair and niche (pairs x
    N_NICHES, segment s in niche s % N_NICHES as market.MarketState numbers them). Pairs
    are worked PAIR_BLOCK at a time, so that a block's pairs x segments arrays stay in the
    processor's cache: each pair's loss is its own row's arithmetic, the same in any block."""
    if len(teacher) == 0:
        return np.zeros(0)
    total = reach_t.sum(axis=0)  # (segments,)
    weight = np.divide(demand, total, out=np.zeros_like(total), where=total > 0)  # D_s / R_s
    if share_gained.ndim == 1:
        share_gained = share_gained[:, None]
    if consider > 1:
        gained = _gained_reach(reach_t, learner, share_gained)
        return _lost_compared(demand, reach_t, teacher, learner, gained, consider)
    lost = np.empty(len(teacher))
    per_pair = len(share_gained) == len(teacher)
    for start in range(0, len(teacher), PAIR_BLOCK):
        part = slice(start, start + PAIR_BLOCK)
        gained = _gained_reach(
            reach_t, learner[part], share_gained[part] if per_pair else share_gained
        )
        # D r_T (1/R0 - 1/R) = (D/R) r_T c r_L / (R - c r_L), with R0 = R - c r_L
        before = total[None, :] - gained
        np.divide(gained, before, out=gained, where=before > 0)
        gained[before <= 0] = 0.0
        teacher_share = reach_t[teacher[part]]
        teacher_share *= weight[None, :]
        lost[part] = np.einsum("ps,ps->p", teacher_share, gained)
    return lost


def _gained_reach(reach_t: np.ndarray, learner: np.ndarray, share_gained: np.ndarray) -> np.ndarray:
    """c r_L: the reach each learner owes to what it learned (pairs x segments), from its
    `_share_gained` per pair (pairs x 1), per pair and segment, or per pair and niche."""
    gained = reach_t[learner]
    if share_gained.shape[1] in (1, gained.shape[1]):
        gained *= share_gained
    else:  # one share per niche: each segment takes its niche's
        gained.reshape(len(gained), -1, share_gained.shape[1])[...] *= share_gained[:, None, :]
    return gained


def _lost_compared(
    demand: np.ndarray,
    reach_t: np.ndarray,
    teacher: np.ndarray,
    learner: np.ndarray,
    gained: np.ndarray,
    k: int,
) -> np.ndarray:
    """`_lost_rows` when buyers compare k sellers (market.choice_chance): the teacher's
    chance of being chosen with the learner's reach r_L (now) and r_L - c r_L (without what
    it learned); `gained` is c r_L (pairs x segments)."""
    total = reach_t.sum(axis=0)[None, :]
    r_t, r_l = reach_t[teacher], reach_t[learner]
    r_l0 = r_l - gained
    below = weight_below(reach_t.T, r_t.T).T  # with the learner at r_L
    below0 = below - np.where(r_l < r_t, r_l, 0.0) + np.where(r_l0 < r_t, r_l0, 0.0)
    after = choice_chance(below, r_t, total, k)
    before = choice_chance(below0, r_t, total - gained, k)
    return (before - after) @ demand


def expertise_appeal(knowledge: np.ndarray, segment_niche: np.ndarray, effect: float) -> np.ndarray:
    """How strongly buyers of each segment are drawn to each seller by its expertise in what
    their niche seeks (NICHE_EXPERTISE): 1 + effect x that knowledge (segments x sellers)."""
    domain = np.asarray(NICHE_EXPERTISE)[np.asarray(segment_niche)]
    return 1.0 + effect * np.asarray(knowledge, dtype=float)[:, domain].T


def learned_uplift(
    knowledge: np.ndarray,
    learned: np.ndarray,
    segment_niche: np.ndarray,
    marketing_effect: float,
    expertise_effect: float,
) -> np.ndarray:
    """How many times more strongly each segment's buyers see a learner thanks to what it
    learned from one teacher (pairs x segments): marketing raises its visibility everywhere
    (market.visibility), breeding and health knowledge its expertise appeal where buyers seek
    them. `knowledge` and `learned` are the learners' (pairs x domains); segments' niches
    are niche codes, so the appeal is worked out once per niche and given to each segment."""
    return _uplift_by_niche(knowledge, learned, marketing_effect, expertise_effect)[
        :, np.asarray(segment_niche)
    ]


def _uplift_by_niche(
    knowledge: np.ndarray, learned: np.ndarray, marketing_effect: float, expertise_effect: float
) -> np.ndarray:
    """`learned_uplift` for the buyers of each niche (pairs x niches): a segment's is its
    niche's."""
    vis = visibility_uplift(knowledge[:, MARKETING], learned[:, MARKETING], marketing_effect)
    before = np.maximum(0.0, knowledge - learned)
    niches = np.arange(N_NICHES)
    by_niche = expertise_appeal(knowledge, niches, expertise_effect) / expertise_appeal(
        before, niches, expertise_effect
    )
    return vis[:, None] * by_niche.T


def visibility_uplift(
    marketing: np.ndarray, learned: np.ndarray, marketing_effect: float
) -> np.ndarray:
    """How many times more visible a breeder is thanks to marketing knowledge it learned
    (visibility rises with 1 + marketing_effect x marketing, market.visibility)."""
    before = np.maximum(0.0, marketing - learned)
    return (1.0 + marketing_effect * marketing) / (1.0 + marketing_effect * before)


def knowledge_value(
    sales_value_year: np.ndarray,
    knowledge: np.ndarray,
    niche: np.ndarray,
    marketing_effect: float,
    expertise_effect: float,
    response: np.ndarray | None = None,
) -> np.ndarray:
    """What one more point of knowledge in each domain earns each breeder a year (breeders x
    domains, GBP), through the livestock market: its yearly sales value times the relative
    rise per point of its reach and price (market.visibility: 1 + e m; market.animal_prices:
    1 + 0.2 e m) and of its expertise appeal to the buyers of its niche (expertise_appeal:
    1 + x k in the domain NICHE_EXPERTISE gives its niche). The same channel as
    `sales_lost_to_learner`: one value of knowledge, what a breeder gains by learning and what
    it loses when a rival learns. `response` (per breeder; None: 1) scales the reach parts
    when buyers compare several sellers (market.reach_response)."""
    k = np.asarray(knowledge, dtype=float)
    per_point = np.zeros_like(k)
    m = k[:, MARKETING]
    per_point[:, MARKETING] = marketing_effect / (1.0 + marketing_effect * m)
    rows = np.arange(len(k))
    sought = np.asarray(NICHE_EXPERTISE)[np.asarray(niche, dtype=np.int64)]
    per_point[rows, sought] += expertise_effect / (1.0 + expertise_effect * k[rows, sought])
    if response is not None:
        per_point *= np.asarray(response, dtype=float)[:, None]
    per_point[:, MARKETING] += 0.2 * marketing_effect / (1.0 + 0.2 * marketing_effect * m)
    return per_point * np.asarray(sales_value_year, dtype=float)[:, None]


def expected_segment_sales(segment_demand: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Sales per segment and seller if buyers choose sellers in proportion to reach."""
    total = reach.sum(axis=1, keepdims=True)
    share = np.divide(reach, total, out=np.zeros_like(reach, dtype=float), where=total > 0)
    return segment_demand[:, None] * share


# --- openness, protection and reciprocity -------------------------------------------------
def willingness(
    openness: np.ndarray, own_trust: np.ndarray, seen_sharing: np.ndarray, weight: float
) -> np.ndarray:
    """How much a teacher lets its partner see (0-1): its openness times its OWN trust in the
    partner, answered in part (`weight`) by how much it saw the partner share with it."""
    return openness * own_trust * (1.0 - weight + weight * seen_sharing)


def observed_sharing(willing: np.ndarray, protection: np.ndarray) -> np.ndarray:
    """What the learner sees of a teacher's sharing (0-1): willingness averaged over the three
    domains, the core one cut by protection (so a protector is seen to share less)."""
    return willing * (2.0 + (1.0 - protection)) / 3.0


def strategy_step(
    protection: np.ndarray,
    openness: np.ndarray,
    gained: np.ndarray,
    leaked_cost: np.ndarray,
    step: float,
    stake: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Payoff-based reinforcement of a breeder's share/protect strategy over a year.

    `gained` is what the knowledge the breeder learned from partners earned it this year and
    `leaked_cost` the sales it lost to what partners learned from it, both in GBP through the
    same market channel (rivalry.knowledge_value, rivalry.sales_lost_to_learner, the buyers
    partners took through its contacts). Protection rises and openness falls by `step` x
    the balance (cost - gain) / max(cost + gain, `stake`): the size of the stakes counts, not
    only their sign, for an owner who notices a sum of `stake` GBP a year (0: the normalised
    balance (cost - gain) / (cost + gain), which moves an owner who loses pennies as much as
    one who loses a sale); a breeder with no exchange keeps its strategy.
    Worked example (step 0.1, stake 500): lost 300, gained 100, protection +0.1 x 200 / 500
    = +0.04; lost 0.3, gained 0, +0.1 x 0.3 / 500 (nothing an owner would see).
    """
    total = gained + leaked_cost
    scale = np.maximum(total, stake)
    balance = np.divide(
        leaked_cost - gained, scale, out=np.zeros_like(total, dtype=float), where=scale > 0
    )
    return (
        np.clip(protection + step * balance, 0.0, 1.0),
        np.clip(openness - step * balance, 0.0, 1.0),
    )


# --- customer contacts: what a partner learns of a teacher's buyers ------------------------
def contact_chance(learned: np.ndarray, protection: np.ndarray, scale: float) -> np.ndarray:
    """The chance a partner reaches a teacher's buyer first through the contacts it learned
    with the teacher's marketing (seed T4: access to coopetitors' contacts; I28 "we have been
    able to spread our reach through their contacts"): `scale` x the marketing knowledge it
    learned from the teacher x the share of its contacts the teacher does not guard (1 -
    protection), at most 1."""
    return np.clip(scale * np.asarray(learned, float) * (1.0 - np.asarray(protection)), 0.0, 1.0)


def contact_takers(
    con: Contracts, protection: np.ndarray, n_breeders: int, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per breeder, the running partner that knows most of its buyer contacts (the highest
    `contact_chance`; among equals, the partner in its first contract as keeper, else in its
    first as partner; -1: none) and that chance (0 where none): for market.divert_to_contacts."""
    taker = np.full(n_breeders, -1, dtype=np.int64)
    chance = np.zeros(n_breeders)
    run = con.running()
    if len(run) == 0:
        return taker, chance
    teacher = np.concatenate((con.keeper[run], con.partner[run]))
    learner = np.concatenate((con.partner[run], con.keeper[run]))
    learned = np.concatenate((con.mkt_learned_partner[run], con.mkt_learned_keeper[run]))
    c = contact_chance(learned, protection[teacher], scale)
    best = np.zeros(n_breeders)  # each teacher's highest chance
    np.maximum.at(best, teacher, c)
    at_best = np.flatnonzero((c > 0) & (c == best[teacher]))
    first = np.full(n_breeders, len(c))  # of those, the first partner in the contracts' order
    np.minimum.at(first, teacher[at_best], at_best)
    who = np.flatnonzero(first < len(c))
    taker[who], chance[who] = learner[first[who]], c[first[who]]
    return taker, chance


def directed_pairs(
    source: np.ndarray, target: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Events from `source` to `target` (one each) counted for each pair (a[i], b[i]): those
    from a to b, and those from b to a."""
    if len(a) == 0 or len(source) == 0:
        return np.zeros(len(a), dtype=np.int64), np.zeros(len(a), dtype=np.int64)
    n = int(max(source.max(), target.max(), a.max(), b.max())) + 1
    keys, counts = np.unique(source.astype(np.int64) * n + target, return_counts=True)

    def count(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        want = x.astype(np.int64) * n + y
        at, found = sorted_lookup(keys, want)
        return np.where(found, counts[at], 0)

    return count(a, b), count(b, a)


# --- cheating as a decision ---------------------------------------------------------------
def contract_future_value(
    months_left: np.ndarray,
    quota: np.ndarray,
    cost_per_mating: np.ndarray,
    discount: float = SEASON_DISCOUNT,
) -> np.ndarray:
    """What the rest of a co-ownership is worth to one side: its quota times the hire cost
    each quota mating saves, over the seasons left (at least the present one), each season
    weighed `discount` times the one before."""
    seasons = np.maximum(1.0, np.ceil(np.asarray(months_left, dtype=float) / 12.0))
    weight = (1.0 - pm.power(discount, seasons)) / (1.0 - discount) if discount < 1 else seasons
    return weight * quota * cost_per_mating


def chance_of_losing_contract(
    victim_trust: np.ndarray, trust_loss: float, dissolution: float, acceptance: float
) -> np.ndarray:
    """Chance a caught breach ends the contract: at once (`dissolution`), or at renewal
    because the victim's trust falls below the acceptance level."""
    falls_below = (victim_trust - trust_loss) < acceptance
    return dissolution + (1.0 - dissolution) * falls_below


def overuse_pays(
    fee_saved: np.ndarray,
    believed_detection: np.ndarray,
    future_value: np.ndarray,
    chance_lost: np.ndarray,
    opportunism: np.ndarray,
) -> np.ndarray:
    """Whether a breeder overuses a shared stud: expected gain beats expected cost.

    Expected cost = believed detection chance x the chance a caught breach loses the contract
    x its future value (the relational-contract logic: cooperation is held by the value of
    the future). Opportunism (0-1) discounts the cost: an opportunist weighs it less.
    """
    expected_cost = believed_detection * chance_lost * future_value
    return (fee_saved > 0) & (fee_saved > (1.0 - opportunism) * expected_cost)


def updated_belief(belief: np.ndarray, caught: np.ndarray, step: float) -> np.ndarray:
    """Belief in the detection chance after an overuse: up when caught, down when not."""
    return np.where(caught, belief + step * (1.0 - belief), belief - step * belief)


def share_stud_season(
    capacity_left: np.ndarray,
    quota_left: np.ndarray,
    wanted: np.ndarray,
    cheats: np.ndarray,
    contract: np.ndarray,
    n_contracts: int,
) -> np.ndarray:
    """Matings each co-owner gets on its shared stud this month.

    Rows are users (one per breeder); `contract` is each user's contract, `capacity_left`
    the stud's remaining season (per user, from its contract). Overusers claim first, up to
    the stud's capacity; honest users then get their quota, but no more than what is left:
    overuse takes matings from the other's quota.
    """
    wanted = np.asarray(wanted, dtype=np.int64)
    claim = np.where(cheats, np.minimum(wanted, capacity_left), 0)
    claimed = np.bincount(contract, weights=claim, minlength=n_contracts)
    scale = np.where(
        claimed[contract] > capacity_left, capacity_left / np.maximum(claimed[contract], 1), 1.0
    )
    claim = np.floor(claim * scale).astype(np.int64)
    claimed = np.bincount(contract, weights=claim, minlength=n_contracts)
    left_after = np.maximum(0, capacity_left - claimed[contract]).astype(np.int64)
    honest = np.minimum(np.minimum(wanted, quota_left), left_after)
    return np.where(cheats, claim, honest)


# --- fairness, chemistry, conflict --------------------------------------------------------
def unfairness_trust_loss(
    cost_share: np.ndarray, use_share: np.ndarray, rate: float, tolerance: float
) -> np.ndarray:
    """Trust the other side loses in a partner a month for using more than it pays for."""
    return rate * np.maximum(0.0, use_share - cost_share - tolerance)


def clash_factor(chemistry: np.ndarray) -> np.ndarray:
    """Multiplier of the conflict rate: 1.5 with no chemistry, 0.5 with full chemistry."""
    return 1.0 + CHEMISTRY_SPREAD * (0.5 - chemistry)


def trust_growth_factor(chemistry: np.ndarray) -> np.ndarray:
    """Multiplier of trust growth: 0.5 with no chemistry, 1.5 with full chemistry."""
    return 1.0 + CHEMISTRY_SPREAD * (chemistry - 0.5)


def conflict_ends_contract(mean_trust: np.ndarray, hazard: float, draws: np.ndarray) -> np.ndarray:
    """Whether a conflict ends a contract: with chance hazard x (1 - the pair's mean trust)."""
    return draws < hazard * (1.0 - mean_trust)


def acceptable_by_rank(mine: np.ndarray, theirs: np.ndarray, quantile: float) -> np.ndarray:
    """Which candidate pairs both sides accept: the top (1 - `quantile`) share of the month's
    pool of candidate pairs, each pair standing at the lower of its two sides' ranks (the
    seeker's score among the seekers' scores, the candidate's among the candidates').

    A breeder judges a candidate against the others on offer, not against a fixed score, and
    both must want each other. The share accepted is fixed, so a change of criteria weights
    changes who ranks high, not how many are acceptable (with a fixed lowest score, weights
    that move the score distribution, or how well the two sides' scores agree, would move the
    acceptance rate too)."""
    n = len(mine)
    if n == 0:
        return np.zeros(0, dtype=bool)
    rank_mine = np.empty(n)
    rank_mine[np.argsort(mine, kind="stable")] = np.arange(n)
    rank_theirs = np.empty(n)
    rank_theirs[np.argsort(theirs, kind="stable")] = np.arange(n)
    standing = np.minimum(rank_mine, rank_theirs)
    k = int(np.ceil((1.0 - quantile) * n - 1e-9))
    ok = np.zeros(n, dtype=bool)
    ok[stable_smallest(-standing, k, ordered=False)] = True  # the first k of the stable order
    return ok


def first_impression(
    stranger: float, honesty: np.ndarray, noise: np.ndarray, spread: float
) -> np.ndarray:
    """Acquaintance trust: the stranger level plus `spread` x a noisy reading of honesty."""
    return np.clip(stranger + spread * np.clip(honesty + noise, 0.0, 1.0), 0.0, 1.0)


def cooperation_signal(
    stud_matings: np.ndarray,
    season: np.ndarray | float,
    knowledge_flow: np.ndarray,
    knowledge_potential: np.ndarray,
    referred: np.ndarray | None = None,
    turned_away: np.ndarray | None = None,
) -> np.ndarray:
    """This month's cooperation of a pair (0-1): the share of what it could exchange that it
    does exchange, averaged over the things it can share this month: the matings used of
    the shared stud's agreed season (always); the knowledge passed of what could pass (full
    willingness, nothing protected: knowledge.exchange_knowledge), where there is a gap to
    pass on; and the buyers it referred to each other of the enquiries the two turned away
    sold out (market.match_buyers), where it turned any away. Worked example: 3 of 6
    matings (0.5), 0.001 of 0.004 knowledge (0.25), 1 of 4 enquiries referred (0.25): (0.5 +
    0.25 + 0.25) / 3 = 1/3; without the referral part, (0.5 + 0.25) / 2 = 0.375."""
    stud = np.clip(np.asarray(stud_matings, float) / np.maximum(season, 1.0), 0.0, 1.0)
    parts, count = stud.copy(), np.ones(len(stud))
    for done, could in ((knowledge_flow, knowledge_potential), (referred, turned_away)):
        if done is None or could is None:
            continue
        could = np.asarray(could, float)
        has = could > 0
        share = np.divide(done, could, out=np.zeros(len(stud)), where=has)
        parts += np.where(has, np.clip(share, 0.0, 1.0), 0.0)
        count += has
    return parts / count


def pair_referrals(
    referrer: np.ndarray, seller: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Referrals this month between each pair (a[i], b[i]), either way: sales `seller` made
    to a buyer that `referrer` (out of stock) sent on (`directed_pairs`, both directions)."""
    a_to_b, b_to_a = directed_pairs(referrer, seller, a, b)
    return a_to_b + b_to_a


def moving_average(previous: np.ndarray, signal: np.ndarray, memory: float) -> np.ndarray:
    """Exponential moving average: a share `memory` of the new signal."""
    return previous + memory * (signal - previous)


def relationship_type(
    cooperation: np.ndarray, competition: np.ndarray, low: float, high: float
) -> np.ndarray:
    """0 cooperation-dominated (gap above `high`), 2 competition-dominated (below `low`),
    else 1 equal; gap = cooperation - competition intensity."""
    gap = cooperation - competition
    return np.where(gap > high, 0, np.where(gap < low, 2, 1)).astype(np.int8)


# --- the month's measurement (wiring over the tables) ---------------------------------------
def _reach_of_sellers(reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The transposed reach (breeders x segments) of the breeders some buyer sees, then one
    row of zeros; and each breeder's row in it (the zero row for those no buyer sees).
    Leaving out rows of zeros keeps every segment's total (with two segments or more, a sum
    over breeders adds one breeder's row at a time, and adding zero changes nothing), at the
    cost of the sellers rather than of every breeder that ever traded."""
    reach = np.asarray(reach, dtype=float)
    n_f = reach.shape[1]
    if reach.shape[0] < 2:  # one segment: a pairwise sum, whose grouping zeros would move
        return np.ascontiguousarray(reach.T), np.arange(n_f)
    seen = np.flatnonzero(reach.any(axis=0))
    reach_t = np.zeros((len(seen) + 1, reach.shape[0]))
    reach_t[: len(seen)] = reach[:, seen].T
    column = np.full(n_f, len(seen), dtype=np.intp)
    column[seen] = np.arange(len(seen))
    return reach_t, column


def measure(
    firms: FirmTable,
    contracts: Contracts,
    trust: TrustLedger,
    market: MarketState,
    scenario: AlpacaScenario,
    step: int,
    stats: dict[str, float],
) -> None:
    """After the month's sales: each partnership's competition and cooperation intensity (the
    share of the buyers each won in the last year from markets the other won buyers in; a
    moving average of the share of its stud's agreed season, of the passable knowledge and
    of the enquiries turned away that it used), its type, and the sales teachers lost to the
    partners who learned from them (marketing, and breeding and health where buyers seek
    them: rivalry.learned_uplift), cumulative per contract and per breeder, and the
    share/protect payoffs in GBP (a lost sale at the month's price). Reads the month's
    market (`market.reach`, `segment_sales`, `referrals`, `turned_away`, `price`) and keeps
    its year of sales (`market.sales_ring`, `market.sales_year`)."""
    n_f = firms.n
    reach, segment_sales = market.reach, market.segment_sales
    if reach.shape[1] < n_f:  # breeders new since the market ran have no buyers yet
        pad = ((0, 0), (0, n_f - reach.shape[1]))
        reach, segment_sales = np.pad(reach, pad), np.pad(segment_sales, pad)
    market.sales_ring, market.sales_year = remember_sales(
        market.sales_ring, market.sales_year, segment_sales, step, n_f
    )
    turned_away = np.zeros(n_f, dtype=np.int64)
    turned_away[: min(n_f, len(market.turned_away))] = market.turned_away[:n_f]
    measure_intensities(contracts, trust, market.sales_year, step, market.referrals, turned_away)
    if scenario.buyer_consideration > 1:  # the year's buyers by segment weigh the segments
        market.reach_response = reach_response(
            reach, market.sales_year[:, :n_f].sum(axis=1), scenario.buyer_consideration
        )
    response = market.reach_response if len(market.reach_response) == n_f else None
    demand = None
    if np.issubdtype(segment_sales.dtype, np.integer):  # from where the month sold: exact sums
        seg, _, count = market.sales_ring[step % 12]
        demand = np.bincount(seg, weights=count, minlength=len(segment_sales))
    measure_leakage(
        firms,
        contracts,
        reach,
        segment_sales,
        scenario,
        stats,
        sale_value=market.price,
        response=response,
        diversions=market.diversions,
        demand=demand,
    )


def measure_intensities(
    con: Contracts,
    trust: TrustLedger,
    sales_year: np.ndarray,
    step: int,
    referrals: np.ndarray,
    turned_away: np.ndarray,
) -> None:
    """Each running partnership's competition intensity (from the year's buyers won by
    segment, `sales_year`), its cooperation intensity (a 12-month moving average of the
    month's signal; referrals, referrer and seller rows, count where the pair turned
    enquiries away, `turned_away` per breeder), its relationship type, and its trust at 12
    and 24 months."""
    from .coownership import relationship_type as classify

    run = con.running()
    if len(run) == 0:
        return
    k, q = con.keeper[run], con.partner[run]
    comp = competition_intensity(sales_year, k, q)
    referred = pair_referrals(referrals[0], referrals[1], k, q).astype(float)
    could_refer = (turned_away[k] + turned_away[q]).astype(float)
    coop = cooperation_signal(
        (con.used_keeper[run] + con.used_partner[run]).astype(float),
        (con.quota_keeper[run] + con.quota_partner[run]).astype(float),
        con.flow[run],
        con.flow_potential[run],
        referred,
        could_refer,
    )
    new = con.start[run] == step
    con.competition[run] = comp  # already the last 12 months
    con.cooperation[run] = np.where(
        new, coop, moving_average(con.cooperation[run], coop, INTENSITY_MEMORY)
    )
    con.rtype[run] = classify(con.cooperation[run], con.competition[run])
    con.flow[run] = 0.0
    age = step - con.start[run]
    at = run[(age == 12) | (age == 24)]  # the trust path of each pair
    if len(at):
        now = 0.5 * trust.current(con.ties(at), step).reshape(2, -1).sum(axis=0)
        twelve = age[(age == 12) | (age == 24)] == 12
        con.trust_12[at[twelve]] = now[twelve]
        con.trust_24[at[~twelve]] = now[~twelve]


def measure_leakage(
    firms: FirmTable,
    con: Contracts,
    reach: np.ndarray,
    segment_sales: np.ndarray,
    scenario: AlpacaScenario,
    stats: dict[str, float],
    sale_value: float = 0.0,
    response: np.ndarray | None = None,
    diversions: np.ndarray | None = None,
    demand: np.ndarray | None = None,
) -> None:
    """Leakage that costs: for every contract, running or ended, whose pupil still trades,
    the sales the teacher lost this month to what its partner learned from it; and the
    month's share/protect payoffs in GBP (what each learned earns it, what each lost).
    `response`: each breeder's market.reach_response when buyers compare sellers (None: 1).
    `diversions` (teacher and partner rows of this month's sales a running partner made to
    the teacher's buyers through its contacts, market.MarketState.diversions): counted
    exactly, each a sale the teacher lost and the partner won at `sale_value`. `demand`:
    this month's buyers per segment, the sums over `segment_sales`' rows as floats, when the
    caller has them (None: summed here)."""
    n_f = firms.n
    learned_by = {  # domain columns of what each side learned from the other
        "partner": ("hlt_learned_partner", "brd_learned_partner", "mkt_learned_partner"),
        "keeper": ("hlt_learned_keeper", "brd_learned_keeper", "mkt_learned_keeper"),
    }
    any_learned = np.zeros(con.n, dtype=bool)
    for cols in learned_by.values():
        for col in cols:
            any_learned |= con.view(col) > 0
    rows = np.flatnonzero(
        any_learned & firms.active[con.view("keeper")] & firms.active[con.view("partner")]
    )
    if len(rows) == 0:
        return
    if demand is None:
        sales = segment_sales[:, :n_f]
        if np.issubdtype(sales.dtype, np.integer):  # counts: summed exactly, then as floats
            demand = sales.sum(axis=1).astype(float)
        else:
            demand = np.asarray(sales, dtype=float).sum(axis=1)
    reach_t, column = _reach_of_sellers(reach[:, :n_f])
    k, q = con.keeper[rows], con.partner[rows]
    learned = np.concatenate(
        [np.stack([getattr(con, c)[rows] for c in learned_by[side]], axis=1) for side in learned_by]
    )  # pairs x domains: the partners' learning, then the keepers'
    pupil = np.concatenate((q, k))
    known = firms.knowledge[pupil]
    share = _share_gained(  # per niche: a segment's is its niche's (market.MarketState)
        _uplift_by_niche(known, learned, scenario.marketing_effect, scenario.expertise_effect)
    )
    if reach_t.shape[1] % N_NICHES:  # segments not whole regions of niches: one per segment
        share = share[:, np.arange(reach_t.shape[1]) % N_NICHES]
    teachers = column[np.concatenate((k, q))]
    lost = _lost_rows(demand, reach_t, teachers, column[pupil], share, scenario.buyer_consideration)
    if diversions is not None and diversions.shape[1]:  # buyers taken through contacts
        running = con.ended[rows] < 0
        to_q, to_k = directed_pairs(diversions[0], diversions[1], k, q)
        taken = np.concatenate((to_q, to_k)) * np.concatenate((running, running))
        lost = lost + taken
        np.add.at(firms.knowledge_received, pupil, taken * sale_value)
    lost_k, lost_q = lost[: len(rows)], lost[len(rows) :]
    # this month's payoffs of the share/protect strategy, in GBP (strategy_step): what the
    # knowledge each learned from a partner earns it, and the sales each lost to its pupil
    value = knowledge_value(
        row_sum(firms.sales_value_ring[pupil]),
        known,
        firms.niche[pupil],
        scenario.marketing_effect,
        scenario.expertise_effect,
        None if response is None else response[pupil],
    )
    np.add.at(firms.knowledge_received, pupil, row_sum(learned * value) / 12.0)
    np.add.at(firms.core_leak_cost, np.concatenate((k, q)), lost * sale_value)
    con.leak_sales_keeper[rows] += lost_k
    con.leak_sales_partner[rows] += lost_q
    np.add.at(firms.sales_lost_to_partners, k, lost_k)
    np.add.at(firms.sales_lost_to_partners, q, lost_q)
    stats["leakage_sales_lost"] += float(lost_k.sum() + lost_q.sum())
