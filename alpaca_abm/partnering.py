"""Wiring of co-ownership into the month: who searches, whom they pick, how contracts live.

The scoring, terms and classification are pure functions in `coownership`; this module
gathers the facts from the model's tables and applies the outcomes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import coownership as co
from .breeding import buy_elite_stud, elite_studs
from .trust import after_experience, after_loss

if TYPE_CHECKING:
    from .model import AlpacaModel

MIN_FEMALES_TO_SEARCH = 3  # assumption: a breeder with fewer females hires studs instead
MAX_CONTRACTS = 3  # assumption: a micro-firm manages at most three co-ownerships
REPUTATION_PICKS = 2  # candidates reached through reputation (top breeders) per search
ALONE_CASH_MULTIPLE = 3.0  # assumption: a micro-firm buys an elite stud alone only with
# three times its price in cash, and only with enough females to use a whole stud
ALONE_MIN_FEMALES_SHARE = 0.5  # of a stud's season


def elite_capacity(model: AlpacaModel) -> np.ndarray:
    """Matings a season each breeder can get from elite studs it owns or co-owns (quota)."""
    p, con = model.scenario, model.contracts
    cap = np.zeros(model.firms.n)
    rows, owners = elite_studs(model)
    run = con.running()
    solo = ~np.isin(rows, con.stud[run])
    np.add.at(cap, owners[solo], p.stud_capacity)
    elite = model.herd.quality[con.stud[run]] >= model.elite_level
    np.add.at(cap, con.keeper[run][elite], con.quota_keeper[run][elite])
    np.add.at(cap, con.partner[run][elite], con.quota_partner[run][elite])
    return cap


def search_partners(model: AlpacaModel) -> None:
    """Breeders whose elite studs cannot cover their females look for a co-owner (or, if
    rich, buy an elite stud alone)."""
    p, firms, rng = model.scenario, model.firms, model.rng
    n_f = firms.n
    herd = model.herd
    females = herd.counts_by_owner(n_f, herd.view("female"))
    active = firms.view("active") & ~firms.view("restricted")
    seekers = np.flatnonzero(
        active
        & (elite_capacity(model) < females)
        & (females >= MIN_FEMALES_TO_SEARCH)
        & (rng.random(n_f) < p.search_rate * model.investment_mood)
    )
    if len(seekers) == 0:
        return
    price = p.elite_stud_price
    rich = (firms.cash[seekers] >= ALONE_CASH_MULTIPLE * price) & (
        females[seekers] >= ALONE_MIN_FEMALES_SHARE * p.stud_capacity
    )
    for b in seekers[rich].tolist():
        buy_elite_stud(model, np.array([b]), np.array([1.0]))
        model.month_stats["studs_bought_alone"] += 1
    if not model.coopetition_on("coownership"):
        return
    counts = model.contracts.partner_counts(n_f)
    for b in seekers[~rich].tolist():
        if counts[b] >= MAX_CONTRACTS:
            continue
        partner = pick_partner(model, b, females, counts)
        if partner is not None:
            start_contract(model, b, partner, females)
            counts[b] += 1
            counts[partner] += 1


def candidates_for(model: AlpacaModel, b: int) -> np.ndarray:
    """Breeders that `b` considers: acquaintances, nearest breeders, and well-known ones."""
    p, firms = model.scenario, model.firms
    pool = set(model.trust.neighbours.get(b, set()))
    active = firms.active_rows()
    tree = model.spatial_index()
    k = min(p.n_candidates + 1, len(active))
    _, idx = tree.query([firms.x_km[b], firms.y_km[b]], k=k)
    pool.update(active[np.atleast_1d(idx)].tolist())
    top = model.reputation_leaders()
    if len(top):
        pool.update(
            model.rng.choice(top, size=min(REPUTATION_PICKS, len(top)), replace=False).tolist()
        )
    pool.discard(b)
    pool.difference_update(model.contracts.partners_of(b))
    cand = np.array(sorted(pool), dtype=np.int64)
    return cand[firms.active[cand] & ~firms.restricted[cand]]


def facts_about(
    model: AlpacaModel, me: int, others: np.ndarray, distance: np.ndarray
) -> co.CandidateFacts:
    """What breeder `me` knows of each of `others`."""
    firms, p = model.firms, model.scenario
    trust_rows = model.trust.rows(np.full(len(others), me), others, model.steps, create=False)
    assoc = np.where(trust_rows >= 0, model.trust.associations[np.maximum(trust_rows, 0)], 0)
    need = (1 - p.fairness) * p.elite_stud_price  # the partner's share of a new stud
    return co.CandidateFacts(
        trust=model.trust.current(trust_rows, model.steps),
        age_gap=np.abs(firms.owner_age[others] - firms.owner_age[me]),
        same_background=(firms.related_background[others] == firms.related_background[me]).astype(
            float
        ),
        associations=assoc,
        complementarity=co.complementarity(firms.knowledge[me], firms.knowledge[others]),
        reputation=firms.reputation[others],
        distance_km=distance,
        affordability=firms.cash[others] / max(need, 1.0),
    )


def pick_partner(model: AlpacaModel, b: int, females: np.ndarray, counts: np.ndarray) -> int | None:
    """The best candidate who accepts `b` and whom `b` accepts, or None."""
    p, firms = model.scenario, model.firms
    cand = candidates_for(model, b)
    cand = cand[counts[cand] < MAX_CONTRACTS]
    if len(cand) == 0:
        return None
    dist = np.hypot(firms.x_km[cand] - firms.x_km[b], firms.y_km[cand] - firms.y_km[b])
    near = dist <= p.max_travel_km
    cand, dist = cand[near], dist[near]
    if len(cand) == 0:
        return None
    weights = model.partner_weights()
    mine = co.partner_scores(facts_about(model, b, cand, dist), weights)
    theirs = np.array(
        [
            co.partner_scores(facts_about(model, int(c), np.array([b]), d[None]), weights)[0]
            for c, d in zip(cand.tolist(), dist, strict=True)
        ]
    )
    need = (1 - p.fairness) * p.elite_stud_price
    ok = (mine >= p.acceptance) & (theirs >= p.acceptance) & (firms.cash[cand] >= need)
    ok &= firms.cash[b] >= need
    if not ok.any():
        return None
    return int(cand[np.flatnonzero(ok)[np.argmax(mine[ok])]])


def start_contract(model: AlpacaModel, a: int, b: int, females: np.ndarray) -> int:
    """Co-own a new elite stud: the breeder with more females keeps it. Return contract row."""
    p, firms = model.scenario, model.firms
    keeper, partner = (a, b) if females[a] >= females[b] else (b, a)
    shares, quotas = co.contract_terms(p.fairness, p.stud_capacity)
    stud = buy_elite_stud(model, np.array([keeper, partner]), shares)
    dist = float(
        np.hypot(firms.x_km[keeper] - firms.x_km[partner], firms.y_km[keeper] - firms.y_km[partner])
    )
    row = model.contracts.add(
        stud=stud,
        keeper=keeper,
        partner=partner,
        share_keeper=shares[0],
        share_partner=shares[1],
        quota_keeper=quotas[0],
        quota_partner=quotas[1],
        start=model.steps,
        end_planned=model.steps + int(round(12 * p.contract_years)),
        distance_km=dist,
    )
    pair = np.array([keeper, partner])
    rows = model.trust.touch(pair, pair[::-1], model.steps)
    model.trust.associations[rows] += 1
    update_intensities(model, np.array([row]))
    model.month_stats["new_contracts"] += 1
    return row


def update_intensities(model: AlpacaModel, rows: np.ndarray) -> None:
    """Recompute cooperation and competition intensity and the type of partnerships."""
    con, firms = model.contracts, model.firms
    k, q = con.keeper[rows], con.partner[rows]
    t_kq = model.trust.get(k, q, model.steps)
    t_qk = model.trust.get(q, k, model.steps)
    con.cooperation[rows] = co.cooperation_intensity(
        firms.openness[k], firms.openness[q], t_kq, t_qk
    )
    con.competition[rows] = co.competition_intensity(
        (firms.niche[k] == firms.niche[q]).astype(float),
        con.distance_km[rows],
        (firms.exports[k] & firms.exports[q]).astype(float),
    )
    con.rtype[rows] = co.relationship_type(con.cooperation[rows], con.competition[rows])


def run_contracts(model: AlpacaModel) -> None:
    """A month of every running contract: trust grows, rivalry flares, terms end or renew."""
    p, con, rng = model.scenario, model.contracts, model.rng
    run = con.running()
    if len(run) == 0:
        return
    k, q = con.keeper[run], con.partner[run]
    both_src, both_dst = np.r_[k, q], np.r_[q, k]
    model.trust.touch(both_src, both_dst, model.steps, lambda t: after_experience(t, p.trust_gain))
    flare = rng.random(len(run)) < p.conflict_rate * con.competition[run] * model.rivalry
    if flare.any():
        src, dst = np.r_[k[flare], q[flare]], np.r_[q[flare], k[flare]]
        model.trust.touch(src, dst, model.steps, lambda t: after_loss(t, p.conflict_trust_loss))
        model.month_stats["conflicts"] += int(flare.sum())
        t1 = model.trust.get(k[flare], q[flare], model.steps)
        t2 = model.trust.get(q[flare], k[flare], model.steps)
        broken = run[flare][(t1 < 0.1) | (t2 < 0.1)]
        if len(broken):
            model.end_contracts(broken, co.ENDED_CONFLICT)
    run = con.running()
    due = run[con.end_planned[run] <= model.steps]
    if len(due):
        t1 = model.trust.get(con.keeper[due], con.partner[due], model.steps)
        t2 = model.trust.get(con.partner[due], con.keeper[due], model.steps)
        renew = (t1 >= p.acceptance) & (t2 >= p.acceptance)
        con.end_planned[due[renew]] += int(round(12 * p.contract_years))
        if (~renew).any():
            model.end_contracts(due[~renew], co.ENDED_TERM)
    update_intensities(model, con.running())
