"""Wiring of co-ownership into the month: who searches, whom they pick, how contracts live.

The scoring, terms and classification are pure functions in `coownership`; this module
gathers the facts from the model's tables and applies the outcomes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import coownership as co
from . import rivalry
from .breeding import buy_elite_studs, elite_stud_price, elite_studs
from .knowledge import knowledge_rows
from .ordering import distinct, group_major_order, sorted_lookup
from .trust import after_experience, after_loss, scarred_gain
from .world import reputation_leaders, spatial_tree

if TYPE_CHECKING:
    from .params import ContractsParams, PartneringParams
    from .state import Industry
    from .trust import TrustLedger

MIN_FEMALES_TO_SEARCH = 3  # assumption: a breeder with fewer females hires studs instead
MAX_CONTRACTS = 3  # assumption: a micro-firm manages at most three co-ownerships
REPUTATION_PICKS = 2  # candidates reached through reputation (top breeders) per search
ALONE_CASH_MULTIPLE = 3.0  # assumption: a micro-firm buys an elite stud alone only with
# three times its price in cash, and only with enough females to use a whole stud
ALONE_MIN_FEMALES_SHARE = 0.5  # of a stud's season


def first_impressions(state: Industry) -> None:
    """New acquaintances read each other's honesty through a noisy signal (P1a)."""
    t = state.trust
    rows = t.unimpressed()
    if len(rows) == 0:
        return
    honesty = 1.0 - state.firms.opportunism[t.dst[rows]]
    noise = state.rng.normal(0.0, rivalry.SIGNAL_NOISE_SD, len(rows))
    t.value[rows] = rivalry.first_impression(
        t.baseline, honesty, noise, rivalry.SIGNAL_TRUST_SPREAD
    )


def elite_capacity(state: Industry) -> np.ndarray:
    """Matings a season each breeder can get from elite studs it owns or co-owns (quota)."""
    herd_p, con = state.scenario.group("herd"), state.contracts
    n_f = state.firms.n
    rows, owners = elite_studs(state)
    run = con.running()
    shared = np.zeros(state.herd.n, dtype=bool)
    shared[con.stud[run]] = True
    solo = ~shared[rows]
    run = run[state.herd.quality[con.stud[run]] >= state.elite_level]
    # whole matings (integers) in floats: exact in any order, so counted by bincount
    cap = np.bincount(owners[solo], minlength=n_f) * float(herd_p.stud_capacity)
    cap += np.bincount(con.keeper[run], weights=con.quota_keeper[run], minlength=n_f)
    cap += np.bincount(con.partner[run], weights=con.quota_partner[run], minlength=n_f)
    return cap


def search_partners(state: Industry) -> None:
    """Breeders whose elite studs cannot cover their females look for a co-owner (or, if
    rich, buy an elite stud alone)."""
    partner_p, herd_p = state.scenario.groups("partnering", "herd")
    firms, rng = state.firms, state.rng
    n_f = firms.n
    herd = state.herd
    females = herd.counts_by_owner(n_f, herd.view("female"))
    active = firms.view("active") & ~firms.view("restricted")
    # Table 1: commitment locks in (E4), rivalry keeps relationships from inertia (B2)
    search_factor = 1.0 if state.paradox is None else state.paradox.search[:n_f]
    seekers = np.flatnonzero(
        active
        & (elite_capacity(state) < females)
        & (females >= MIN_FEMALES_TO_SEARCH)
        & (rng.random(n_f) < partner_p.search_rate * state.investment_mood * search_factor)
    )
    if len(seekers) == 0:
        return
    price = elite_stud_price(state)
    rich = (firms.cash[seekers] >= ALONE_CASH_MULTIPLE * price) & (
        females[seekers] >= ALONE_MIN_FEMALES_SHARE * herd_p.stud_capacity
    )
    if rich.any():
        buy_elite_studs(state, seekers[rich], None, np.array([1.0]))
        state.month_stats["studs_bought_alone"] += int(rich.sum())
    if not state.scenario.mechanism_on("coownership"):
        return
    match_partners(state, seekers[~rich], females)


def candidate_pairs(state: Industry, seekers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(seeker, candidate) pairs: acquaintances, nearest breeders and well-known breeders.

    All seekers of the month at once: one KD-tree query, no loop over all breeders.
    """
    firms = state.firms
    active = firms.active_rows()
    tree = spatial_tree(state)
    k = min(state.scenario.group("partnering").n_candidates + 1, len(active))
    _, idx = tree.query(np.column_stack((firms.x_km[seekers], firms.y_km[seekers])), k=k)
    near = active[np.asarray(idx).reshape(len(seekers), k)]
    src = [np.repeat(seekers, k)]
    dst = [near.ravel()]
    who, known = state.trust.neighbour_pairs(seekers, firms.n)  # acquaintances (any order)
    src.append(who)
    dst.append(known)
    top = reputation_leaders(state)
    if len(top):
        picks = state.rng.choice(top, size=(len(seekers), min(REPUTATION_PICKS, len(top))))
        src.append(np.repeat(seekers, picks.shape[1]))
        dst.append(picks.ravel())
    src, dst = np.concatenate(src).astype(np.int64), np.concatenate(dst).astype(np.int64)
    keep = (src != dst) & firms.active[dst] & ~firms.restricted[dst]
    if state.disease.ever:  # wary of herds found infected
        keep &= ~state.disease.shunned(state)[dst]
    con = state.contracts
    run = con.running()
    return new_pairs(src[keep], dst[keep], con.keeper[run], con.partner[run], firms.n)


def new_pairs(
    src: np.ndarray, dst: np.ndarray, keeper: np.ndarray, partner: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (src, dst) pairs, ordered by src then dst, less those already co-owning
    (keeper, partner) in either order; pair keys are 64-bit, as row x n overflows 32 bits
    from n = 46,341 firm rows."""
    key = distinct(src.astype(np.int64) * n + dst)
    src, dst = np.divmod(key, n)
    if len(keeper):
        keeper, partner = keeper.astype(np.int64), partner.astype(np.int64)
        partnered = np.concatenate((keeper * n + partner, partner * n + keeper))
        partnered.sort()  # (a search in the few running pairs, not a set operation)
        fresh = ~sorted_lookup(partnered, key)[1]
        src, dst = src[fresh], dst[fresh]
    return src, dst


def facts_both_ways(
    state: Industry, src: np.ndarray, dst: np.ndarray, distance: np.ndarray
) -> tuple[co.CandidateFacts, co.CandidateFacts]:
    """What each seeker knows of its candidate, and the candidate of the seeker (arrays of
    pairs): both directions' ties found in one look-up, the symmetric facts computed once."""
    firms, deal_p, ledger = state.firms, state.scenario.group("contracts"), state.trust
    m = len(src)
    ties = ledger.rows_both_ways(src, dst, state.steps, create=False)
    assoc = np.where(ties >= 0, ledger.associations[np.maximum(ties, 0)], 0)
    trust = ledger.current(ties, state.steps)
    age_gap = np.abs(firms.owner_age[dst] - firms.owner_age[src])  # (|a - b| is |b - a|)
    same = (firms.related_background[dst] == firms.related_background[src]).astype(float)
    k_src, k_dst = knowledge_rows(firms.knowledge, src), knowledge_rows(firms.knowledge, dst)
    need = max((1 - deal_p.fairness) * elite_stud_price(state), 1.0)  # the partner's share
    return tuple(
        co.CandidateFacts(
            trust=trust[part],
            age_gap=age_gap,
            same_background=same,
            associations=assoc[part],
            complementarity=co.complementarity(mine, theirs),
            reputation=firms.reputation[target],
            distance_km=distance,
            affordability=firms.cash[target] / need,
        )
        for part, mine, theirs, target in (
            (slice(0, m), k_src, k_dst, dst),
            (slice(m, None), k_dst, k_src, src),
        )
    )


def partner_weights(p: PartneringParams) -> dict[str, float]:
    """How much a breeder weighs each thing it knows of a candidate partner (the w_*
    parameters of the partnering group)."""
    return {
        "trust": p.w_trust,
        "chemistry": p.w_chemistry,
        "history": p.w_history,
        "contribution": p.w_contribution,
        "reputation": p.w_reputation,
        "proximity": p.w_proximity,
        "resources": p.w_resources,
    }


def match_partners(state: Industry, seekers: np.ndarray, females: np.ndarray) -> None:
    """Score every (seeker, candidate) pair both ways, then let seekers, in random order,
    take their best acceptable candidate that still has room and money."""
    if len(seekers) == 0:
        return
    partner_p, deal_p, cost_p = state.scenario.groups("partnering", "contracts", "costs")
    firms, rng = state.firms, state.rng
    src, dst = candidate_pairs(state, seekers)
    dist = np.hypot(firms.x_km[dst] - firms.x_km[src], firms.y_km[dst] - firms.y_km[src])
    near = dist <= cost_p.max_travel_km
    src, dst, dist = src[near], dst[near], dist[near]
    if len(src) == 0:
        return
    weights = partner_weights(partner_p)
    mine, theirs = (co.partner_scores(f, weights) for f in facts_both_ways(state, src, dst, dist))
    if partner_p.acceptance_quantile is None:  # the absolute rule: a fixed lowest score
        ok = (mine >= partner_p.acceptance) & (theirs >= partner_p.acceptance)
    else:  # relative to the month's pool of candidates: weights act on ranking
        ok = rivalry.acceptable_by_rank(mine, theirs, partner_p.acceptance_quantile)
    state.month_stats["searches"] += len(seekers)
    state.month_stats["acceptable_candidates"] += int(ok.sum())
    src, dst, mine = src[ok], dst[ok], mine[ok]
    if len(src) == 0:
        return
    order = group_major_order(src, -mine, firms.n)  # per seeker, best candidate first
    src, dst = src[order], dst[order]
    starts = np.searchsorted(src, seekers)
    ends = np.searchsorted(src, seekers, side="right")
    counts = state.contracts.partner_counts(firms.n)
    price = elite_stud_price(state)
    need = (1 - deal_p.fairness) * price  # the smaller share either side may have to pay
    cash = firms.cash.copy()  # money left once this month's contracts are paid for
    formed: set[int] = set()
    chosen_a, chosen_b = [], []
    # room and money only shrink as the month's contracts form: a seeker without them at the
    # start never has them (passed over without a look at the tables)
    able = (~((counts[seekers] >= MAX_CONTRACTS) | (cash[seekers] < need))).tolist()
    for i in rng.permutation(len(seekers)).tolist():
        if not able[i]:
            continue
        b = int(seekers[i])
        if counts[b] >= MAX_CONTRACTS or cash[b] < need:
            continue
        for c in dst[starts[i] : ends[i]].tolist():
            key = min(b, c) * firms.n + max(b, c)
            if counts[c] < MAX_CONTRACTS and cash[c] >= need and key not in formed:
                formed.add(key)
                keeper, partner = (b, c) if females[b] >= females[c] else (c, b)
                cash[keeper] -= deal_p.fairness * price
                cash[partner] -= (1 - deal_p.fairness) * price
                chosen_a.append(b)
                chosen_b.append(c)
                counts[b] += 1
                counts[c] += 1
                break
    if chosen_a:
        start_contracts(state, np.array(chosen_a), np.array(chosen_b), females)


def start_contracts(
    state: Industry, a: np.ndarray, b: np.ndarray, females: np.ndarray
) -> np.ndarray:
    """Co-own one new elite stud per pair (a[i], b[i]); in each, the breeder with more
    females keeps it. Return the contract rows."""
    deal_p, herd_p = state.scenario.groups("contracts", "herd")
    firms = state.firms
    keeper = np.where(females[a] >= females[b], a, b)
    partner = np.where(females[a] >= females[b], b, a)
    shares, quotas = co.contract_terms(
        deal_p.fairness,
        min(deal_p.coowned_season, herd_p.stud_capacity),
        deal_p.quota_share,
    )
    studs = buy_elite_studs(state, keeper, partner, shares)
    dist = np.hypot(
        firms.x_km[keeper] - firms.x_km[partner], firms.y_km[keeper] - firms.y_km[partner]
    )
    k = len(keeper)
    ledger = state.trust
    ties = ledger.rows_both_ways(keeper, partner, state.steps)
    # prior successful association: a past venture that left trust above the stranger level
    good_past = (ledger.associations[ties] > 0) & (
        ledger.current(ties, state.steps) > ledger.baseline
    )
    bonus = np.where(good_past, rivalry.PRIOR_ASSOCIATION_GAIN, 0.0)
    ledger.touch_rows(ties, state.steps, lambda t: after_experience(t, bonus))
    ledger.associations[ties] += 1  # each tie appears once: pairs are distinct
    chemistry = co.chemistry(
        np.abs(firms.owner_age[keeper] - firms.owner_age[partner]),
        (firms.related_background[keeper] == firms.related_background[partner]).astype(float),
    )
    rows = state.contracts.add_many(
        k,
        stud=studs,
        keeper=keeper,
        partner=partner,
        share_keeper=np.full(k, shares[0]),
        share_partner=np.full(k, shares[1]),
        quota_keeper=np.full(k, quotas[0]),
        quota_partner=np.full(k, quotas[1]),
        start=np.full(k, state.steps),
        end_planned=np.full(k, state.steps + int(round(12 * deal_p.contract_years))),
        distance_km=dist,
        tie_kp=ties[:k],
        tie_pk=ties[k:],
        chemistry=chemistry,
        seen_by_keeper=np.ones(k),  # tit-for-tat opens with cooperation
        seen_by_partner=np.ones(k),
        prior=good_past[:k].astype(np.int8),
        trust_start=0.5 * ledger.current(ties, state.steps).reshape(2, k).sum(axis=0),
        trust_12=np.full(k, np.nan),
        trust_24=np.full(k, np.nan),
    )
    state.month_stats["new_contracts"] += k
    return rows


def run_contracts(
    contracts: co.Contracts,
    trust: TrustLedger,
    deal_p: ContractsParams,
    acceptance: float,
    step: int,
    rivalry_level: float,
    rng: np.random.Generator,
    stats: dict[str, float],
    conflict_factor: np.ndarray | None = None,
) -> None:
    """A month of every running contract: trust grows (faster with chemistry and with what
    the other is seen to share, slower after betrayals), unfair use erodes it, rivalry flares
    into conflict (more often without chemistry) that may end the contract, terms end or renew.
    `deal_p` is the contracts parameter group (trust_gain, unfairness_trust_loss, conflict_*,
    contract_years); a term renews where both sides' trust is at least `acceptance`."""
    con = contracts
    run = con.running()
    if len(run) == 0:
        return
    chem = con.chemistry[run]
    sides = (
        (con.tie_kp[run], con.seen_by_keeper[run]),
        (con.tie_pk[run], con.seen_by_partner[run]),
    )
    for ties, seen in sides:
        gain = deal_p.trust_gain * rivalry.trust_growth_factor(chem) * (0.5 + 0.5 * seen)
        gain = scarred_gain(gain, trust.betrayals[ties], rivalry.HYSTERESIS)
        trust.touch_rows(ties, step, lambda t, g=gain: after_experience(t, g))
    # fairness: a side that uses more of the stud than it pays for loses the other's trust
    used_k, used_p = con.used_keeper[run], con.used_partner[run]
    total = used_k + used_p
    quota_k = con.quota_keeper[run] / np.maximum(con.quota_keeper[run] + con.quota_partner[run], 1)
    use_k = np.where(total > 0, used_k / np.maximum(total, 1), quota_k)
    terms = (
        (con.tie_kp[run], con.share_partner[run], 1.0 - use_k),  # keeper judges the partner
        (con.tie_pk[run], con.share_keeper[run], use_k),
    )
    for ties, cost_share, use_share in terms:
        loss = rivalry.unfairness_trust_loss(
            cost_share, use_share, deal_p.unfairness_trust_loss, rivalry.FAIRNESS_TOLERANCE
        )
        hit = loss > 0
        if hit.any():
            trust.touch_rows(ties[hit], step, lambda t, x=loss[hit]: after_loss(t, x))
    chance = (
        deal_p.conflict_rate * con.competition[run] * rivalry_level * rivalry.clash_factor(chem)
    )
    if conflict_factor is not None:  # Table 1: learning races (E3), damped red queens (B4)
        chance = chance * conflict_factor[run]
    flare = rng.random(len(run)) < chance
    if flare.any():
        fl = run[flare]
        trust.touch_rows(con.ties(fl), step, lambda t: after_loss(t, deal_p.conflict_trust_loss))
        con.conflicts[fl] += 1
        stats["conflicts"] += int(flare.sum())
        t1 = trust.current(con.tie_kp[fl], step)
        t2 = trust.current(con.tie_pk[fl], step)
        ends = ((t1 < 0.1) | (t2 < 0.1)) | rivalry.conflict_ends_contract(
            0.5 * (t1 + t2), deal_p.conflict_dissolution, rng.random(len(fl))
        )
        if ends.any():
            stats["contracts_ended"] += con.end(fl[ends], step, co.ENDED_CONFLICT)
    run = con.running()
    due = run[con.end_planned[run] <= step]
    if len(due):
        t1 = trust.current(con.tie_kp[due], step)
        t2 = trust.current(con.tie_pk[due], step)
        renew = (t1 >= acceptance) & (t2 >= acceptance)
        con.end_planned[due[renew]] += int(round(12 * deal_p.contract_years))
        if (~renew).any():
            stats["contracts_ended"] += con.end(due[~renew], step, co.ENDED_TERM)
