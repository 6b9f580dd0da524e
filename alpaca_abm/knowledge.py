"""Knowledge in three domains (health, breeding, marketing): sharing, protection, absorption.

Partners let each other see part of what they know (openness × trust), keep most of their
core domain to themselves (protection), and learn only as far as what they already know
lets them absorb (absorptive capacity). What a breeder shares in its core domain is
leakage: it strengthens a rival.
"""

from __future__ import annotations

import numpy as np


def absorptive_capacity(knowledge: np.ndarray) -> np.ndarray:
    """How much of an open gap a breeder can take in: grows with what it already knows.

    Cohen and Levinthal's idea in its simplest form: the mean of the breeder's domains,
    with a floor so that a complete newcomer still learns a little.
    """
    return 0.2 + 0.8 * knowledge.mean(axis=-1)


def shared_flow(
    teacher: np.ndarray,
    learner: np.ndarray,
    openness: np.ndarray,
    trust: np.ndarray,
    core_domain: np.ndarray,
    protection: float,
    learning_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Knowledge that flows teacher → learner this month, per domain, and the leaked part.

    All inputs are per pair (rows); knowledge arrays are (pairs, domains). Returns
    (gain of the learner, amount of the teacher's core domain that leaked).
    """
    gap = np.maximum(0.0, teacher - learner)
    willingness = (openness * trust)[:, None] * np.ones_like(gap)
    core = np.zeros_like(gap, dtype=bool)
    core[np.arange(len(core_domain)), core_domain] = True
    willingness = np.where(core, willingness * (1.0 - protection), willingness)
    gain = learning_rate * willingness * absorptive_capacity(learner)[:, None] * gap
    leaked = np.where(core, gain, 0.0).sum(axis=1)
    return gain, leaked


def learning_by_doing(knowledge: np.ndarray, rate: float) -> np.ndarray:
    """Knowledge after a month of running the farm alone: closes `rate` of each gap."""
    return knowledge + rate * (1.0 - knowledge)


def judging_noise(breeding_knowledge: np.ndarray, noise_at_zero: float) -> np.ndarray:
    """How far a breeder misjudges quality: full noise with no breeding knowledge, none at 1."""
    return noise_at_zero * (1.0 - breeding_knowledge)


def exchange_knowledge(model) -> None:
    """A month of learning: partners share across running contracts, everyone learns by doing."""
    p, firms, con = model.scenario, model.firms, model.contracts
    n_f = firms.n
    k = firms.knowledge[:n_f]
    run = con.running()
    if model.scenario.mechanism_on("knowledge_sharing") and len(run):
        teach = np.r_[con.keeper[run], con.partner[run]]
        learn = np.r_[con.partner[run], con.keeper[run]]
        # the learner's trust in the teacher: partner→keeper first, then keeper→partner
        trust = model.trust.current(np.r_[con.tie_pk[run], con.tie_kp[run]], model.steps)
        gain, leaked = shared_flow(
            k[teach],
            k[learn],
            firms.openness[teach],
            trust,
            firms.core_domain[teach],
            p.protection,
            p.learning_rate,
        )
        np.add.at(k, learn, gain)
        model.month_stats["knowledge_shared"] += float(gain.sum())
        model.month_stats["leakage"] += float(leaked.sum())
    active = firms.active[:n_f]
    k[active] = learning_by_doing(k[active], p.learning_by_doing)
    np.clip(k, 0.0, 1.0, out=k)
