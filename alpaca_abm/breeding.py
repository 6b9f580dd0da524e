"""Studs and matings: home-bred, elite, co-owned and hired sires; quotas and their breach.

In the mating season each breeder mates its open females with the sire it judges best
value: its own stud, a co-owned stud (within its quota of the stud's one season, or beyond
it when overuse pays in expectation: rivalry.overuse_pays) or another breeder's stud for a
fee plus the trip. Overuse takes matings from the other co-owner's quota; females left over
on a shared stud go to the owner's own stud or, without one, to a hired stud at a fee.
Breeding knowledge sharpens the judgement of quality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.spatial import cKDTree

from . import accounts, rivalry
from . import coownership as co
from . import portable as pm
from .breeder import BREEDING
from .fleece import quality_sd
from .herd import NOT_PREGNANT, breeding_stock, gestation_draw, seen_quality
from .knowledge import judging_noise
from .ordering import (
    distinct,
    group_major_order,
    row_sum,
    run_rank,
    sorted_lookup,
    stable_order_below,
)
from .trust import after_loss

if TYPE_CHECKING:
    from .breeder import FirmTable
    from .herd import Herd
    from .params import AlpacaScenario, HerdParams
    from .state import Industry

NONE, OWN, COOWNED, SERVICE = 0, 1, 2, 3
SERVICE_CANDIDATES = 5  # assumption: a breeder compares the few nearest elite studs for hire
CRIA_VALUE_SHARE = 0.25  # a sire passes half its merit; about half the crias are sold females
ELITE_STUD_AGE_EXTRA = 6  # months: imported studs arrive proven, a little past stud age
IMPORT_QUALITY_SD_SHARE = 0.3  # elite imports vary by 0.3 of the herd's quality sd


def in_season(month: int, start: int, end: int) -> bool:
    """Whether a calendar month lies in the mating season (which may wrap past December)."""
    return start <= month <= end if start <= end else (month >= start or month <= end)


def sire_choice(
    own_q: np.ndarray,
    coown_q: np.ndarray,
    coown_cost: np.ndarray,
    service_q: np.ndarray,
    service_cost: np.ndarray,
    value_per_point: float,
) -> np.ndarray:
    """Best-value sire option per breeder (NONE, OWN, COOWNED or SERVICE).

    Qualities are as the breeder perceives them (-inf where an option does not exist);
    costs are per mating. Value = value_per_point × quality − cost.
    """
    with np.errstate(invalid="ignore"):  # 0 × -inf (no premium, no option) reads as no option
        values = (
            value_per_point * own_q,
            value_per_point * coown_q - coown_cost,
            value_per_point * service_q - service_cost,
        )
    # the first best option, as an argmax over the options would give it (NaN never wins),
    # kept as the options are compared one after the other
    best = np.full(len(own_q), -np.inf)
    choice = np.full(len(own_q), NONE, dtype=np.int64)
    for option, value in zip((OWN, COOWNED, SERVICE), values, strict=True):
        better = value > best
        choice[better] = option
        np.copyto(best, value, where=better)
    return np.where(np.isfinite(best), choice, NONE)


def group_rank(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random rank of each item within its group (0 for the first of each group)."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    shuffle = rng.permutation(len(groups))
    shuffled = groups[shuffle]
    if shuffled.dtype.kind in "iu" and shuffled.min() >= 0:  # breeder rows: counting passes
        order = shuffle[stable_order_below(shuffled, int(shuffled.max()) + 1)]
    else:
        order = shuffle[np.argsort(shuffled, kind="stable")]
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = run_rank(groups[order])
    return rank


def coowned_rows(state: Industry) -> np.ndarray:
    """Herd rows of studs in running co-ownership contracts."""
    return state.contracts.stud[state.contracts.running()]


def choose_home_studs(state: Industry) -> None:
    """Each breeder keeps its best adult males as studs where they beat its females' mean.

    Co-owned studs stay studs. A breeder keeps one stud per `stud_capacity` females.
    """
    herd, firms = state.herd, state.firms
    herd_p, know_p = state.scenario.groups("herd", "knowledge")
    alive, female, owner = herd.view("alive"), herd.view("female"), herd.view("owner")
    noise = judging_noise(firms.knowledge[: firms.n, BREEDING], know_p.breeding_noise)[owner]
    seen = seen_quality(herd, np.arange(herd.n), noise, state.rng)
    n_owners = firms.n
    females = alive & female
    f_count = np.bincount(owner[females], minlength=n_owners)
    f_mean = np.bincount(owner[females], weights=seen[females], minlength=n_owners) / np.maximum(
        f_count, 1
    )
    males = np.flatnonzero(alive & ~female & (herd.view("age") >= herd_p.stud_age))
    stud = herd.view("stud")
    stud[:] = False
    if len(males):
        order = males[group_major_order(owner[males], -seen[males], n_owners)]
        o = owner[order]
        rank = run_rank(o)  # each male's place among its owner's, best first
        n_keep = np.maximum(1, np.ceil(f_count / herd_p.stud_capacity)).astype(int)
        keep = (rank < n_keep[o]) & (seen[order] >= f_mean[o])
        stud[order[keep]] = True
    stud[coowned_rows(state)] = True


def buy_elite_studs(
    state: Industry,
    keepers: np.ndarray,
    partners: np.ndarray | None,
    shares: np.ndarray,
    pay: bool = True,
) -> np.ndarray:
    """Buy one elite stud for each keeper on the (import) elite market, paid by the keeper
    (share shares[0]) and, when given, its partner (shares[1]). Return their herd rows."""
    herd_p, gen_p, rng = state.scenario.group("herd"), state.scenario.group("genetics"), state.rng
    keepers = np.asarray(keepers, dtype=np.int64)
    k = len(keepers)
    sd = IMPORT_QUALITY_SD_SHARE * quality_sd(gen_p.micron_sd)
    quality = rng.normal(import_quality(state), sd, k)
    rows = state.herd.add(
        owner=keepers,
        female=np.zeros(k, dtype=bool),
        age=np.full(k, herd_p.stud_age + ELITE_STUD_AGE_EXTRA),
        quality=quality,
        colour=(rng.random(k) < 0.3).astype(np.int8),
        stud=np.ones(k, dtype=bool),
    )
    np.add.at(state.firms.bought_in, keepers, 1)
    if pay:
        price = elite_stud_price(state)
        accounts.pay(state.firms, keepers, np.full(k, shares[0] * price))
        if partners is not None:
            accounts.pay(
                state.firms, np.asarray(partners, dtype=np.int64), np.full(k, shares[1] * price)
            )
    return rows


def import_quality(state: Industry) -> float:
    """Mean quality of studs on the world elite market: the world elite's own level in the
    model's year (`fleece.world_elite_micron`), not a fixed edge over the UK herd."""
    from .fleece import quality_from_micron, world_elite_micron

    g = state.scenario.group("genetics")
    year = state.year + (state.month - 1) / 12
    micron = world_elite_micron(year, g.world_elite_micron, g.world_elite_gain, g.micron_floor)
    return float(quality_from_micron(micron))


def elite_stud_price(state: Industry) -> float:
    """Price of an imported elite stud this month (Brexit makes imports dearer)."""
    return state.scenario.group("market").elite_stud_price * state.shocks.import_price


def quality_premium(state: Industry) -> float:
    """Log-price per point of fleece quality this month: follows the demand for fibre."""
    return state.scenario.group("market").quality_premium * state.shocks.fibre


def value_per_point(state: Industry) -> float:
    """What a breeder expects one point of sire quality to be worth per mating."""
    return state.market.expected_price * quality_premium(state) * CRIA_VALUE_SHARE


def elite_level(herd: Herd, p: AlpacaScenario) -> float:
    """Quality from which a stud is elite now: the herd mean plus elite_margin sds."""
    alive, quality = herd.view("alive"), herd.view("quality")
    if alive.all():  # just compacted: every row is a living animal
        mean = float(quality.mean()) if len(quality) else p.quality_mean
    else:
        mean = float(quality[alive].mean()) if alive.any() else p.quality_mean
    return mean + p.elite_margin * p.quality_sd


def living_studs(herd: Herd, min_quality: float = -np.inf) -> np.ndarray:
    """Herd rows of living studs of at least `min_quality` (studs are few: their qualities
    are read for them alone, not for the whole herd)."""
    rows = np.flatnonzero(herd.view("alive") & herd.view("stud"))
    return rows[herd.quality[rows] >= min_quality]


def elite_studs(state: Industry) -> tuple[np.ndarray, np.ndarray]:
    """Rows and owners of living elite studs of active breeders."""
    herd = state.herd
    rows = living_studs(herd, state.elite_level)
    owners = herd.view("owner")[rows]
    keep = state.firms.active[owners]
    return rows[keep], owners[keep]


def stud_fee(
    quality: np.ndarray, mean_quality: float, base_fee: float, premium: float
) -> np.ndarray:
    """Fee for one mating: the season's base fee (which follows the supply of studs for hire,
    trading.set_stud_fee) for an average stud, more for a better one (merit)."""
    return base_fee * pm.exp(premium * (quality - mean_quality))


def service_studs(state: Industry) -> tuple[np.ndarray, np.ndarray]:
    """Rows and owners of studs offered for hire: living studs better than the herd mean."""
    herd = state.herd
    g = state.scenario.group("genetics")
    mean = state.elite_level - g.elite_margin * quality_sd(g.micron_sd)
    rows = living_studs(herd, mean)
    owners = herd.view("owner")[rows]
    keep = state.firms.active[owners]
    return rows[keep], owners[keep]


@dataclass
class SireOptions:
    """Each breeder's three sire options this month, as it judges them (one entry per firm
    row): its best own stud, its best co-owned stud (a contract row) and the best stud for
    hire within reach; qualities are -inf where an option does not exist."""

    n_open: np.ndarray  # open females of each breeder
    own_best: np.ndarray  # herd row of its best own stud (-1: none)
    own_q: np.ndarray
    coown_best: np.ndarray  # contract row of its best co-owned stud (-1: none)
    coown_is_keeper: np.ndarray  # whether it keeps that stud (else it is the partner)
    coown_q: np.ndarray
    coown_cost: np.ndarray  # per mating: the partner's trip to the keeper's farm
    service_stud: np.ndarray  # herd row of the stud it would hire (-1: none)
    service_q: np.ndarray
    service_cost: np.ndarray  # per mating: fee plus its share of the trip
    service_km: np.ndarray
    service_fee: np.ndarray


@dataclass
class SeasonShares:
    """How many females each breeder may put to its chosen sire (quotas of a shared stud's
    season, cut where a hired stud is overbooked) and what overuse took from whom."""

    allowed: np.ndarray
    co_b: np.ndarray  # breeders that chose a co-owned stud and have open females
    overuse: np.ndarray  # matings beyond its quota, per breeder
    displaced: np.ndarray  # its quota matings a partner's overuse took, per breeder


def mate(state: Industry) -> None:
    """One month of the mating season for the whole industry: open females are found, each
    breeder weighs its own, co-owned and hired sires, shares out the studs' seasons, mates,
    pays fees and trips, and breaches of quotas are caught or missed."""
    herd_p, herd = state.scenario.group("herd"), state.herd
    if not in_season(state.month, herd_p.mating_start_month, herd_p.mating_end_month):
        return
    fertile = fertile_females(herd, herd_p)
    if state.month == herd_p.mating_start_month:
        open_season(state, fertile)
    open_rows = open_females(state, fertile)
    if len(open_rows) == 0:
        return
    options = sire_options(state, open_rows)
    choice = sire_choice(
        options.own_q,
        options.coown_q,
        options.coown_cost,
        options.service_q,
        options.service_cost,
        value_per_point(state),
    )
    shares = share_seasons(state, options, choice)
    sire = chosen_sires(state, options, choice, shares)
    f_sire, kind, primary, fallback, hire_fb = assign_sires(
        state, open_rows, options, choice, shares, sire
    )
    conceive(state, open_rows, f_sire, kind)
    settle_matings(state, open_rows, options, choice, shares, f_sire, primary, fallback, hire_fb)


def fertile_females(herd: Herd, p: Any) -> np.ndarray:
    """Mask of females alive, not pregnant and of breeding age (`p`: the herd parameters,
    scenario.group("herd"), or the scenario)."""
    alive, female, age = herd.view("alive"), herd.view("female"), herd.view("age")
    return (
        alive
        & female
        & (herd.view("due_in") == NOT_PREGNANT)
        & (age >= p.female_breeding_age)
        & (age < p.female_retire_age)
    )


def open_season(state: Industry, fertile: np.ndarray) -> None:
    """The season's first month: studs chosen, quotas and stud seasons reset, and each
    breeder decides how many of its open females it breeds this season (plan_matings)."""
    herd, con = state.herd, state.contracts
    choose_home_studs(state)
    run = con.running()
    con.used_keeper[run] = 0
    con.used_partner[run] = 0
    herd.view("served")[:] = 0
    plan_matings(herd, state.firms, state.scenario, np.flatnonzero(fertile), state.rng)


def open_females(state: Industry, fertile: np.ndarray) -> np.ndarray:
    """Herd rows of the month's open females: fertile, not rested this season, not in a herd
    under movement restrictions."""
    herd, firms = state.herd, state.firms
    open_mask = fertile & ~herd.view("rested")
    if firms.restricted[: firms.n].any():  # herds under movement restrictions are not bred
        open_mask &= ~firms.restricted[herd.view("owner")]
    return np.flatnonzero(open_mask)


def sire_options(state: Industry, open_rows: np.ndarray) -> SireOptions:
    """Each breeder's own, co-owned and hired sire options, judged with its breeding
    knowledge (in that order: the judgements draw from the generator in this order)."""
    herd, firms = state.herd, state.firms
    know_p, cost_p = state.scenario.groups("knowledge", "costs")
    n_f = firms.n
    n_open = np.bincount(herd.view("owner")[open_rows], minlength=n_f)
    noise_sd = judging_noise(firms.knowledge[:n_f, BREEDING], know_p.breeding_noise)
    own_best, own_q = own_stud_option(state, noise_sd)
    coown_best, coown_is_keeper, coown_q = coowned_option(state, noise_sd)
    has_co = coown_best >= 0
    con = state.contracts
    trip = (
        2
        * cost_p.travel_cost_per_km
        * np.where(has_co & ~coown_is_keeper, con.distance_km[np.maximum(coown_best, 0)], 0.0)
    )
    hire = service_option(state, noise_sd, n_open)
    return SireOptions(
        n_open, own_best, own_q, coown_best, coown_is_keeper, coown_q,
        trip / np.maximum(n_open, 1), *hire,
    )  # fmt: skip


def own_stud_option(state: Industry, noise_sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each breeder's best own stud (co-owned ones are option 2) and its judged quality."""
    herd, n_f, rng = state.herd, state.firms.n, state.rng
    owner = herd.view("owner")
    stud_rows = np.flatnonzero(herd.view("alive") & herd.view("stud"))
    coowned = np.zeros(herd.n, dtype=bool)
    coowned[coowned_rows(state)] = True
    own_rows = stud_rows[~coowned[stud_rows]]
    own_best = np.full(n_f, -1, dtype=np.int64)
    own_q = np.full(n_f, -np.inf)  # each breeder judges its studs as it sees them
    if len(own_rows):
        seen_own = seen_quality(herd, own_rows, noise_sd[owner[own_rows]], rng)
        order = np.argsort(seen_own, kind="stable")  # (as by owner first: per owner alike)
        own_best[owner[own_rows[order]]] = own_rows[order]  # last write per owner: its best
        own_q[owner[own_rows[order]]] = seen_own[order]
    return own_best, own_q


def coowned_option(
    state: Industry, noise_sd: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each breeder's best co-owned stud (contract row), whether it is that stud's keeper,
    and the stud's quality as it judges it; no trips to a stud under restrictions."""
    herd, con, n_f = state.herd, state.contracts, state.firms.n
    coown_best = np.full(n_f, -1, dtype=np.int64)  # contract row
    coown_is_keeper = np.zeros(n_f, dtype=bool)
    coown_q = np.full(n_f, -np.inf)  # the best shared stud as its co-owner sees it
    on = state.scenario.mechanism_on("coownership")
    run = con.running() if on else np.zeros(0, dtype=np.int64)
    run = run[~state.firms.restricted[con.keeper[run]]]
    if len(run):
        members = np.concatenate((con.keeper[run], con.partner[run]))
        crow = np.concatenate((run, run))
        keeper_side = np.arange(2 * len(run)) < len(run)
        mq = seen_quality(herd, con.stud[crow], noise_sd[members], state.rng)  # as each sees it
        order = np.argsort(mq, kind="stable")  # last write per breeder: its best
        coown_best[members[order]] = crow[order]
        coown_is_keeper[members[order]] = keeper_side[order]
        coown_q[members[order]] = mq[order]
    return coown_best, coown_is_keeper, coown_q


def service_option(state: Industry, noise_sd: np.ndarray, n_open: np.ndarray) -> tuple:
    """For each breeder with open females, the best-value stud for hire among the
    SERVICE_CANDIDATES nearest within travel distance (better than the herd mean, with
    season left): (stud row, judged quality, cost per mating, km, fee), per firm row."""
    herd, firms, sc = state.herd, state.firms, state.scenario
    herd_p, gen_p, cost_p = sc.group("herd"), sc.group("genetics"), sc.group("costs")
    n_f = firms.n
    service_q = np.full(n_f, -np.inf)
    service_cost = np.zeros(n_f)
    service_stud = np.full(n_f, -1, dtype=np.int64)
    service_km = np.zeros(n_f)
    service_fee = np.zeros(n_f)
    e_rows, e_owners = service_studs(state)
    e_ok = ~firms.restricted[e_owners]
    e_rows, e_owners = e_rows[e_ok], e_owners[e_ok]
    needing = np.flatnonzero(n_open > 0)
    if len(e_rows) and len(needing):
        tree = cKDTree(np.column_stack((firms.x_km[e_owners], firms.y_km[e_owners])))
        k = min(SERVICE_CANDIDATES, len(e_rows))
        dist, idx = tree.query(
            np.column_stack((firms.x_km[needing], firms.y_km[needing])),
            k=k,
            distance_upper_bound=cost_p.max_travel_km,
        )
        dist, idx = dist.reshape(len(needing), k), idx.reshape(len(needing), k)
        valid = idx < len(e_rows)
        safe = np.where(valid, idx, 0)
        valid &= e_owners[safe] != needing[:, None]
        valid &= herd.served[e_rows[safe]] < herd_p.stud_capacity  # a stud's season is finite
        seen = seen_quality(
            herd, e_rows[safe].ravel(), np.repeat(noise_sd[needing], k), state.rng
        ).reshape(len(needing), k)
        mean_q = state.elite_level - gen_p.elite_margin * quality_sd(gen_p.micron_sd)
        quality = herd.view("quality")[e_rows[safe]]
        fee = stud_fee(quality, mean_q, state.market.stud_fee, sc.group("market").quality_premium)
        cost = fee + 2 * cost_p.travel_cost_per_km * dist / n_open[needing][:, None]
        value = np.where(valid, value_per_point(state) * seen - cost, -np.inf)
        best = value.argmax(axis=1)
        ok = np.isfinite(value[np.arange(len(needing)), best])
        pick = needing[ok]
        service_q[pick] = seen[ok, best[ok]]
        service_cost[pick] = cost[ok, best[ok]]
        service_stud[pick] = e_rows[safe[ok, best[ok]]]
        service_km[pick] = dist[ok, best[ok]]
        service_fee[pick] = fee[ok, best[ok]]
    return service_stud, service_q, service_cost, service_km, service_fee


def share_seasons(state: Industry, o: SireOptions, choice: np.ndarray) -> SeasonShares:
    """How many females each breeder may put to its chosen sire: quotas of one season's
    capacity on a shared stud; overuse is a decision (rivalry.overuse_pays, or a fixed trait
    with chance opportunism) and takes matings from the other co-owner's quota."""
    rival_p, con, firms = state.scenario.group("rivalry"), state.contracts, state.firms
    n_f = firms.n
    allowed = o.n_open.copy()
    co_b = np.flatnonzero((choice == COOWNED) & (o.n_open > 0))
    overuse = np.zeros(n_f, dtype=np.int64)
    displaced = np.zeros(n_f, dtype=np.int64)
    if len(co_b):
        c = o.coown_best[co_b]
        keeper = o.coown_is_keeper[co_b]
        quota = np.where(keeper, con.quota_keeper[c], con.quota_partner[c])
        used = np.where(keeper, con.used_keeper[c], con.used_partner[c])
        quota_left = np.maximum(quota - used, 0)
        season = con.quota_keeper[c] + con.quota_partner[c]  # the season the co-owners agreed
        cap_left = np.maximum(season - con.used_keeper[c] - con.used_partner[c], 0)
        extra = np.maximum(0, np.minimum(o.n_open[co_b], cap_left) - quota_left)
        if rival_p.deliberate_cheating:
            cheat = deliberate_overuse(state, o, co_b, c, keeper, quota, extra)
        else:  # the landed rule: a fixed trait, overuse with chance opportunism
            cheat = state.rng.random(len(co_b)) < firms.opportunism[co_b]
        cheat &= extra > 0
        local = np.unique(c, return_inverse=True)[1]
        allowed[co_b] = rivalry.share_stud_season(
            cap_left, quota_left, o.n_open[co_b], cheat, local, int(local.max()) + 1
        )
        overuse[co_b] = np.maximum(0, allowed[co_b] - quota_left)
        displaced[co_b] = np.where(cheat, 0, np.minimum(o.n_open[co_b], quota_left) - allowed[co_b])
    return SeasonShares(allowed, co_b, overuse, displaced)


def deliberate_overuse(
    state: Industry,
    o: SireOptions,
    co_b: np.ndarray,
    c: np.ndarray,
    keeper: np.ndarray,
    quota: np.ndarray,
    extra: np.ndarray,
) -> np.ndarray:
    """Which co-owners overuse their shared stud because it pays in expectation: what the
    extra matings save (the hire, or the better sire over its own) against the chance of
    being caught times the contract's future value (rivalry.overuse_pays)."""
    sc, con, firms = state.scenario, state.contracts, state.firms
    deal_p, partner_p = sc.group("contracts"), sc.group("partnering")
    hire = np.where(o.service_stud[co_b] >= 0, o.service_cost[co_b], state.market.stud_fee)
    better = value_per_point(state) * np.maximum(0.0, o.coown_q[co_b] - o.own_q[co_b])
    saved = np.where(o.own_best[co_b] >= 0, better, hire)
    victim_tie = np.where(keeper, con.tie_pk[c], con.tie_kp[c])  # victim's trust in it
    return rivalry.overuse_pays(
        extra * saved,
        firms.believed_detection[co_b],
        rivalry.contract_future_value(con.end_planned[c] - state.steps, quota, hire),
        rivalry.chance_of_losing_contract(
            state.trust.current(victim_tie, state.steps),
            deal_p.breach_trust_loss,
            deal_p.breach_dissolution,
            partner_p.acceptance,
        ),
        firms.opportunism[co_b]
        if state.paradox is None  # Table 1 (E2): rivalry tempts misappropriation
        else firms.opportunism[co_b] + state.paradox.temptation[co_b],
    )


def chosen_sires(
    state: Industry, o: SireOptions, choice: np.ndarray, shares: SeasonShares
) -> np.ndarray:
    """Each breeder's first-choice sire (herd row, -1: none); hirers' matings cut where a
    hired stud's remaining season would be overbooked (in shares.allowed)."""
    sire = np.full(state.firms.n, -1, dtype=np.int64)
    sire[choice == OWN] = o.own_best[choice == OWN]
    sire[shares.co_b] = state.contracts.stud[o.coown_best[shares.co_b]]
    svc = choice == SERVICE
    sire[svc] = o.service_stud[svc]
    capacity = state.scenario.group("herd").stud_capacity
    share_out_capacity(state.herd, sire, svc, shares.allowed, capacity)
    return sire


def assign_sires(
    state: Industry,
    open_rows: np.ndarray,
    o: SireOptions,
    choice: np.ndarray,
    shares: SeasonShares,
    sire: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The sire of each open female: her owner's first choice as far as it is allowed (a
    lottery among its females where it is cut), else on a used-up shared stud her owner's
    own stud, else a hired one as far as its season allows. Returns (sire row per female,
    kind, primary, fallback to own, hired fallback)."""
    rng, allowed, n_open = state.rng, shares.allowed, o.n_open
    f_owner = state.herd.view("owner")[open_rows]
    primary = sire[f_owner] >= 0
    capped = np.flatnonzero(allowed[f_owner] < n_open[f_owner])  # only these need a lottery
    if len(capped):
        rank = group_rank(f_owner[capped], rng)
        primary[capped] &= rank < allowed[f_owner[capped]]
    fallback = ~primary & (choice[f_owner] == COOWNED) & (o.own_best[f_owner] >= 0)
    # co-owners whose quota is used up (or taken) and who have no stud of their own hire
    left_over = ~primary & (choice[f_owner] == COOWNED) & ~fallback
    hire_fb = hired_fallback(
        state.herd,
        f_owner,
        sire,
        primary,
        left_over,
        o.service_stud,
        state.scenario.group("herd").stud_capacity,
        rng,
    )
    f_sire = np.where(
        primary,
        sire[f_owner],
        np.where(fallback, o.own_best[f_owner], np.where(hire_fb, o.service_stud[f_owner], -1)),
    )
    kind = choice[f_owner].copy()
    kind[fallback] = OWN
    kind[hire_fb] = SERVICE
    return f_sire, kind, primary, fallback, hire_fb


def conceive(state: Industry, open_rows: np.ndarray, f_sire: np.ndarray, kind: np.ndarray) -> None:
    """Mated females conceive with the conception rate and carry the sire's quality and
    colour; matings away from home are contacts for the disease."""
    herd_p, herd, rng = state.scenario.group("herd"), state.herd, state.rng
    mated = f_sire >= 0
    conceived = mated & (rng.random(len(open_rows)) < herd_p.conception_rate)
    rows_c = open_rows[conceived]
    herd.due_in[rows_c] = gestation_draw(len(rows_c), herd_p.gestation_months, rng)
    herd.sire_quality[rows_c] = herd.quality[f_sire[conceived]]
    herd.sire_colour[rows_c] = herd.colour[f_sire[conceived]]
    if state.disease.active:  # dams taken to another breeder's stud meet stud and herd
        state.disease.record_matings(state, open_rows[mated], f_sire[mated], kind[mated])


def settle_matings(
    state: Industry,
    open_rows: np.ndarray,
    o: SireOptions,
    choice: np.ndarray,
    shares: SeasonShares,
    f_sire: np.ndarray,
    primary: np.ndarray,
    fallback: np.ndarray,
    hire_fb: np.ndarray,
) -> None:
    """Count the month's matings and studs' seasons, mark elite access, pay hired studs'
    fees and trips, book quotas and partners' trips, and judge the breaches."""
    herd, firms, stats = state.herd, state.firms, state.month_stats
    n_f = firms.n
    f_owner = herd.view("owner")[open_rows]
    mated = f_sire >= 0
    matings = np.bincount(f_owner[primary], minlength=n_f)
    herd.served[: herd.n] += np.bincount(f_sire[mated], minlength=herd.n).astype(np.int16)
    quality = herd.view("quality")
    elite_sire = mated & (quality[np.maximum(f_sire, 0)] >= state.elite_level)
    firms.elite_access_step[f_owner[elite_sire]] = state.steps
    stats["own_matings"] += int(
        np.count_nonzero(primary & (choice[f_owner] == OWN)) + fallback.sum()
    )
    pay_hired_studs(state, o, np.flatnonzero((choice == SERVICE) & (matings > 0)), matings)
    use_coowned_studs(state, o, shares.co_b[matings[shares.co_b] > 0], matings)
    pay_hired_fallback(state, o, np.bincount(f_owner[hire_fb], minlength=n_f), shares)
    stats["overuse_matings"] += int(shares.overuse.sum())
    cheats = shares.co_b[shares.overuse[shares.co_b] > 0]
    if len(cheats):
        punish_breaches(state, cheats, o.coown_best[cheats], o.coown_is_keeper[cheats])


def pay_hired_studs(
    state: Industry, o: SireOptions, payers: np.ndarray, matings: np.ndarray
) -> None:
    """Stud service: the fee to the stud's owner, the trip at the breeder's cost."""
    if len(payers) == 0:
        return
    cost_p, firms = state.scenario.group("costs"), state.firms
    fees = o.service_fee[payers] * matings[payers]
    accounts.transfer(firms, payers, state.herd.owner[o.service_stud[payers]], fees)
    accounts.pay(firms, payers, 2 * cost_p.travel_cost_per_km * o.service_km[payers])
    state.month_stats["service_matings"] += int(matings[payers].sum())


def use_coowned_studs(
    state: Industry, o: SireOptions, used: np.ndarray, matings: np.ndarray
) -> None:
    """Co-owned studs: quotas used, the partners' trips paid; the trips keep trust up."""
    if len(used) == 0:
        return
    cost_p, con = state.scenario.group("costs"), state.contracts
    c = o.coown_best[used]
    keeper = o.coown_is_keeper[used]
    np.add.at(con.used_keeper, c[keeper], matings[used[keeper]])
    np.add.at(con.used_partner, c[~keeper], matings[used[~keeper]])
    trips = 2 * cost_p.travel_cost_per_km * con.distance_km[c[~keeper]]
    accounts.pay(state.firms, used[~keeper], trips)
    state.month_stats["coowned_matings"] += int(matings[used].sum())
    state.trust.touch_rows(con.ties(distinct(c)), state.steps)  # partners met


def pay_hired_fallback(
    state: Industry, o: SireOptions, extra_hired: np.ndarray, shares: SeasonShares
) -> None:
    """Hired after the shared stud: fees to the stud's owner, one trip each; what a
    partner's overuse cost its victims in fees, and the displaced matings, counted."""
    cost_p, firms, stats = state.scenario.group("costs"), state.firms, state.month_stats
    n_f = firms.n
    fb_payers = np.flatnonzero(extra_hired > 0)
    if len(fb_payers):
        fees = o.service_fee[fb_payers] * extra_hired[fb_payers]
        accounts.transfer(firms, fb_payers, state.herd.owner[o.service_stud[fb_payers]], fees)
        accounts.pay(firms, fb_payers, 2 * cost_p.travel_cost_per_km * o.service_km[fb_payers])
        stats["service_matings"] += int(extra_hired[fb_payers].sum())
        stats["fallback_hired"] += int(extra_hired[fb_payers].sum())
        displaced = shares.displaced
        victims = fb_payers[displaced[fb_payers] > 0]
        lost = np.minimum(displaced[victims], extra_hired[victims])
        firms.displaced_fees[victims] += o.service_fee[victims] * lost
        stats["displaced_fees"] += float((o.service_fee[victims] * lost).sum())
    firms.displaced_matings[:n_f] += shares.displaced
    stats["displaced_matings"] += int(shares.displaced.sum())


def hired_fallback(
    herd,
    f_owner: np.ndarray,
    sire: np.ndarray,
    primary: np.ndarray,
    wanting: np.ndarray,
    service_stud: np.ndarray,
    capacity: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Which open females left over on a shared stud go to the owner's hired stud instead,
    as far as that stud's season (after this month's first-choice matings) allows."""
    wanting = wanting & (service_stud[f_owner] >= 0)
    idx = np.flatnonzero(wanting)
    if len(idx) == 0:
        return wanting
    owners = f_owner[idx]
    asked_by = np.bincount(owners, minlength=len(sire))
    hirers = np.flatnonzero(asked_by > 0)
    studs, which = np.unique(service_stud[hirers], return_inverse=True)
    first = sire[f_owner[primary]]  # this month's first-choice matings, on these studs only
    at, on_studs = sorted_lookup(studs, first)
    booked = herd.served[studs].astype(np.int64) + np.bincount(at[on_studs], minlength=len(studs))
    asked = np.bincount(which, weights=asked_by[hirers], minlength=len(studs))
    left = np.maximum(0, capacity - booked)
    scale = np.where(asked > left, left / np.maximum(asked, 1), 1.0)[which]
    limit = np.zeros(len(sire), dtype=np.int64)
    limit[hirers] = np.floor(asked_by[hirers] * scale).astype(np.int64)
    keep = group_rank(owners, rng) < limit[owners]
    out = np.zeros(len(f_owner), dtype=bool)
    out[idx[keep]] = True
    return out


def share_out_capacity(
    herd, sire: np.ndarray, hired: np.ndarray, allowed: np.ndarray, capacity: int
) -> None:
    """Cut hirers' matings where a hired stud's remaining season would be overbooked."""
    who = np.flatnonzero(hired & (allowed > 0))
    if len(who) == 0:
        return
    studs = sire[who]
    asked = np.zeros(herd.n, dtype=np.int64)
    np.add.at(asked, studs, allowed[who])
    asked = asked[studs]  # each hirer's stud: all matings asked of it, and its season left
    left = np.maximum(0, capacity - herd.served[studs].astype(np.int64))
    scale = np.where(asked > left, left / np.maximum(asked, 1), 1.0)
    allowed[who] = np.floor(allowed[who] * scale).astype(allowed.dtype)


def punish_breaches(
    state: Industry, breachers: np.ndarray, contracts: np.ndarray, is_keeper: np.ndarray
) -> None:
    """Overuse of a co-owned stud: caught with chance control_strength; costs trust, maybe
    the contract."""
    sc, con, rng = state.scenario, state.contracts, state.rng
    deal_p, rival_p = sc.group("contracts"), sc.group("rivalry")
    con.breaches[contracts] += 1
    state.month_stats["breaches"] += len(contracts)
    caught = co.breach_detected(len(contracts), deal_p.control_strength, rng)
    if rival_p.deliberate_cheating:  # the breeder learns how likely it is to be caught
        firms = state.firms
        firms.believed_detection[breachers] = rivalry.updated_belief(
            firms.believed_detection[breachers], caught, rivalry.BELIEF_STEP
        )
    if not caught.any():
        return
    victims = np.where(is_keeper, con.partner[contracts], con.keeper[contracts])
    ties = state.trust.touch(
        victims[caught],
        breachers[caught],
        state.steps,
        lambda t: after_loss(t, deal_p.breach_trust_loss),
    )
    state.trust.betrayals[ties] += 1  # hysteresis: trust rebuilds more slowly afterwards
    con.detected[contracts[caught]] += 1
    state.month_stats["detected_breaches"] += int(caught.sum())
    ends = contracts[caught][rng.random(int(caught.sum())) < deal_p.breach_dissolution]
    if len(ends):
        state.month_stats["contracts_ended"] += state.contracts.end(
            distinct(ends), state.steps, co.ENDED_BREACH
        )


def weaning_rate(p: HerdParams | AlpacaScenario) -> float:
    """Crias weaned per breeding female a year: conception over the season, cria survival
    (`p`: the herd parameters or the scenario)."""
    season = (p.mating_end_month - p.mating_start_month) % 12 + 1
    return (1.0 - math.pow(1.0 - p.conception_rate, season)) * (1.0 - p.cria_mortality)


def mating_share(
    open_females: np.ndarray,
    stock: np.ndarray,
    target: np.ndarray,
    sales_year: np.ndarray,
    replacement_rate: float,
    weaning: float,
    least: float,
) -> np.ndarray:
    """Share of its open females a breeder breeds this season: enough for the female crias it
    expects to sell (last year's sales), to grow toward its plan and to replace its ageing
    dams, never less than `least` (the season's crias come a year later; breeding for crias
    that no one will buy only adds keep)."""
    wanted = sales_year + np.maximum(0.0, target - stock) + replacement_rate * stock
    per_mating = 0.5 * weaning  # female crias weaned per female bred
    need = wanted / np.maximum(open_females * per_mating, 1e-9)
    return np.where(open_females > 0, np.clip(need, least, 1.0), 1.0)


def plan_matings(
    herd: Herd, firms: FirmTable, p: AlpacaScenario, open_rows: np.ndarray, rng: np.random.Generator
) -> None:
    """At the start of the mating season each breeder decides how many of its open females
    (`open_rows`: alive, not pregnant, of breeding age) to breed (`mating_share`); the others
    rest this season (herd column `rested`)."""
    rested = herd.view("rested")
    rested[:] = False
    if not p.mating_plans or len(open_rows) == 0:
        return
    n_f = firms.n
    owner = herd.owner[open_rows]
    n_open = np.bincount(owner, minlength=n_f).astype(float)
    stock = breeding_stock(herd, n_f, p.female_retire_age).astype(float)
    share = mating_share(
        n_open,
        stock,
        firms.target_herd[:n_f],
        row_sum(firms.sales_ring[:n_f]),
        12.0 / (p.female_retire_age - p.female_breeding_age),
        weaning_rate(p),
        p.least_mating_share,
    )
    rested[open_rows] = rng.random(len(open_rows)) >= share[owner]
