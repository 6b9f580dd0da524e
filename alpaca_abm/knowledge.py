"""Knowledge in three domains (health, breeding, marketing): sharing, protection, absorption.

Partners let each other see part of what they know (openness x their own trust in the
other, answering what they see shared back), keep part of their core domain to themselves
(protection, each breeder's strategy), and learn only as far as what they already know lets
them absorb (absorptive capacity; Cohen and Levinthal 1990). What a breeder shares in its
core domain is leakage: it strengthens a rival where they compete (rivalry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import rivalry
from .breeder import BREEDING, HEALTH, MARKETING
from .ordering import row_mean, row_sum
from .paradox import overshare

if TYPE_CHECKING:
    from .breeder import FirmTable
    from .coownership import Contracts
    from .paradox import ParadoxState
    from .params import KnowledgeParams
    from .trust import TrustLedger


def absorptive_capacity(knowledge: np.ndarray) -> np.ndarray:
    """How much of an open gap a breeder can take in: grows with what it already knows.

    Cohen and Levinthal's idea in its simplest form: the mean of the breeder's domains,
    with a floor so that a complete newcomer still learns a little.
    """
    return 0.2 + 0.8 * row_mean(knowledge)


def shared_flow(
    teacher: np.ndarray,
    learner: np.ndarray,
    willing: np.ndarray,
    core_domain: np.ndarray,
    protection: np.ndarray | float,
    learning_rate: float | np.ndarray,
    *,
    potential: bool = False,
) -> tuple[np.ndarray, ...]:
    """Knowledge that flows teacher -> learner this month, per domain, and the leaked part.

    All inputs are per pair (rows); knowledge arrays are (pairs, domains); `willing` is the
    teacher's willingness to share (rivalry.willingness), `protection` the share of its core
    domain it keeps back (its strategy). Returns (gain of the learner, amount of the
    teacher's core domain that leaked), and with `potential` also what could flow over
    all domains (the gain at full willingness with nothing protected, summed).
    """
    gap = np.maximum(0.0, teacher - learner)
    core = np.zeros_like(gap, dtype=bool)
    core[np.arange(len(core_domain)), core_domain] = True
    keep = np.broadcast_to(np.asarray(protection, dtype=float), (len(gap),))[:, None]
    share = np.where(core, willing[:, None] * (1.0 - keep), willing[:, None])
    rate = np.asarray(learning_rate, dtype=float)
    rate = rate[:, None] if rate.ndim else rate
    capacity = absorptive_capacity(learner)[:, None]
    gain = rate * share * capacity * gap
    leaked = row_sum(np.where(core, gain, 0.0))
    if not potential:
        return gain, leaked
    # a share of 1 leaves the rate as it is (rate x 1.0 is the rate): the same products
    return gain, leaked, row_sum(rate * capacity * gap)


def knowledge_rows(knowledge: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """knowledge[rows] of a (breeders, domains) table: np.take by rows, the same values in a
    third of the time of a 2-d fancy index."""
    return np.take(knowledge, rows, axis=0)


def set_knowledge_rows(knowledge: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """knowledge[rows] = values for a (breeders, domains) table with contiguous rows: each row
    copied whole, as one item of its bytes (a third of the time of a 2-d fancy assignment)."""
    whole = np.dtype((np.void, knowledge.shape[1] * knowledge.itemsize))
    knowledge.view(whole)[rows, 0] = np.ascontiguousarray(values, knowledge.dtype).view(whole)[:, 0]


def learning_by_doing(knowledge: np.ndarray, rate: float) -> np.ndarray:
    """Knowledge after a month of running the farm alone: closes `rate` of each gap."""
    return knowledge + rate * (1.0 - knowledge)


def judging_noise(breeding_knowledge: np.ndarray, noise_at_zero: float) -> np.ndarray:
    """How far a breeder misjudges quality: full noise with no breeding knowledge, none at 1."""
    return noise_at_zero * (1.0 - breeding_knowledge)


def exchange_knowledge(
    firms: FirmTable,
    contracts: Contracts,
    trust: TrustLedger,
    params: KnowledgeParams,
    step: int,
    stats: dict[str, float],
    paradox: ParadoxState | None = None,
    *,
    sharing: bool = True,
) -> None:
    """A month of learning: partners share across running contracts, everyone learns by doing.

    Each side's willingness uses its OWN trust in the other and answers what it saw the
    other share last month (tit-for-tat); protection keeps part of its core domain back.
    What each side learns and leaks is recorded for the rivalry measures and strategies.
    With the paradox module (`paradox`), Table 1 scales each side's willingness and
    absorption, and staff under belonging tension let part of what is protected through.
    `params`: the knowledge group (learning rates); `sharing`: whether partners share
    (scenario.mechanism_on("knowledge_sharing")), else everyone only learns by doing.
    """
    p, con = params, contracts
    n_f = firms.n
    k = firms.knowledge[:n_f]
    run = con.running()
    if sharing and len(run):
        m = len(run)
        teach = np.concatenate((con.keeper[run], con.partner[run]))
        learn = np.concatenate((con.partner[run], con.keeper[run]))
        own_trust = trust.current(np.concatenate((con.tie_kp[run], con.tie_pk[run])), step)
        seen = np.concatenate((con.seen_by_keeper[run], con.seen_by_partner[run]))
        will = rivalry.willingness(
            firms.openness[teach], own_trust, seen, rivalry.RECIPROCITY_WEIGHT
        )
        protection = firms.protection[teach]
        k_teach = knowledge_rows(k, teach)
        k_learn = np.concatenate((k_teach[m:], k_teach[:m]))  # (learners: the teachers swapped)
        rate: float | np.ndarray = p.learning_rate
        if paradox is not None:  # Table 1 (E1, B1, B3) and belonging tension (paradox.py)
            will = will * np.concatenate((paradox.share_keeper[run], paradox.share_partner[run]))
            protection = overshare(protection, paradox.belonging[teach])
            rate = p.learning_rate * np.concatenate((paradox.absorb[run], paradox.absorb[run]))
        gain, leaked, could = shared_flow(  # could: full willingness, nothing protected
            k_teach, k_learn, will, firms.core_domain[teach], protection, rate, potential=True
        )
        con.flow_potential[run] = could[:m] + could[m:]
        for d in range(k.shape[1]):  # a domain at a time: np.add.at's fast 1-d path, same sums
            np.add.at(k[:, d], learn, gain[:, d])
        shown = rivalry.observed_sharing(will, protection)
        con.seen_by_partner[run] = shown[:m]  # the partner saw the keeper share this much
        con.seen_by_keeper[run] = shown[m:]
        total = row_sum(gain)
        con.flow[run] = total[:m] + total[m:]
        con.mkt_learned_partner[run] += gain[:m, MARKETING]
        con.mkt_learned_keeper[run] += gain[m:, MARKETING]
        con.brd_learned_partner[run] += gain[:m, BREEDING]  # read by the market's expertise
        con.brd_learned_keeper[run] += gain[m:, BREEDING]  # appeal (rivalry.expertise_appeal)
        con.hlt_learned_partner[run] += gain[:m, HEALTH]
        con.hlt_learned_keeper[run] += gain[m:, HEALTH]
        stats["knowledge_shared"] += float(total.sum())
        stats["leakage"] += float(leaked.sum())
    active = np.flatnonzero(firms.active[:n_f])  # (rows: faster than a mask of a 2-d table)
    set_knowledge_rows(k, active, learning_by_doing(knowledge_rows(k, active), p.learning_by_doing))
    np.clip(k, 0.0, 1.0, out=k)


def review_strategies(firms: FirmTable, month: int, stake: float = 0.0) -> None:
    """Each January every breeder adjusts its share/protect strategy from the year's payoffs
    (rivalry.strategy_step; `stake`, the GBP a year an owner notices) and starts a new
    year's tally."""
    if month != 1:
        return
    n_f = firms.n
    firms.protection[:n_f], firms.openness[:n_f] = rivalry.strategy_step(
        firms.protection[:n_f],
        firms.openness[:n_f],
        firms.knowledge_received[:n_f],
        firms.core_leak_cost[:n_f],
        rivalry.STRATEGY_STEP,
        stake,
    )
    firms.knowledge_received[:n_f] = 0.0
    firms.core_leak_cost[:n_f] = 0.0
