"""Co-ownership of studs: partner scoring, contracts with shares and quotas, control, types.

Breeders who cannot afford elite genetics alone look for a co-owner. Candidates are
scored on the individual criteria of the seed's P1a (trust, owner chemistry, prior
association) and the organisational criteria of P1b (expected contribution, profile,
proximity, resources). A contract fixes cost shares and mating quotas (fairness: 50-50 by
default); control mechanisms catch overuse with a chance; a detected breach costs trust
and can end the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import portable as pm
from .ordering import row_mean
from .tables import grow_columns

COOP_DOMINATED, EQUAL, COMP_DOMINATED = 0, 1, 2
RELATIONSHIP_TYPES = ("cooperation_dominated", "equal", "competition_dominated")
# Relationship types follow from MEASURED intensities on one scale (rivalry.py): cooperation
# is the share of what the pair could exchange that it does (its shared stud's agreed season,
# the knowledge that could pass, the enquiries turned away that it could refer), competition
# the share of the buyers each won in the last year from markets the other won buyers in. A
# pair is cooperation-dominated when cooperation - competition > BALANCE_MARGIN,
# competition-dominated below -BALANCE_MARGIN, else equal (balanced). The margin is fixed, not
# fitted: half a step of a five-point rating scale on [0, 1] (steps of 0.25), so two
# intensities closer than it would be rated at the same point by an owner rating each force
# on five points (the seed's types are owners' ratings: 7 lean toward cooperation, 15
# balanced, 7 toward competition, seed 000 section 3.3). No label of the seed's table is an
# input; the split is an outcome (docs/PARADOX.md). The thresholds fitted to 7/15/7 before
# (-0.55, -0.25) are gone: TYPE_LOW and TYPE_HIGH are the fixed margin's two sides.
BALANCE_MARGIN = 0.125
TYPE_LOW, TYPE_HIGH = -BALANCE_MARGIN, BALANCE_MARGIN
PROXIMITY_KM = 100.0  # assumption: a partner 100 km away scores 1/e on proximity
SAME_REGION_KM = 60.0  # assumption: breeders within 60 km sell to the same local buyers

ENDED_RUNNING, ENDED_TERM, ENDED_BREACH, ENDED_STUD_DIED, ENDED_EXIT, ENDED_CONFLICT = range(6)
ENDED_PREMATURE = 6  # ended early in a vicious cycle (paradox.py)


@dataclass(frozen=True)
class CandidateFacts:
    """What a breeder knows of each candidate partner (arrays, one entry per candidate)."""

    trust: np.ndarray
    age_gap: np.ndarray  # years between owners' ages
    same_background: np.ndarray  # both related or both unrelated backgrounds
    associations: np.ndarray  # past joint ventures with this candidate
    complementarity: np.ndarray  # 0-1: knowledge the candidate has where the breeder is weak
    reputation: np.ndarray  # 0-1
    distance_km: np.ndarray
    affordability: np.ndarray  # 0-1: candidate's cash against its share of the stud


def partner_scores(facts: CandidateFacts, weights: dict[str, float]) -> np.ndarray:
    """Score in [0, 1] of each candidate: a weighted mean of individual and organisational criteria.

    `weights` has keys trust, chemistry, history, contribution, reputation, proximity,
    resources (the seed's Table 4 counts by default).
    """
    criteria = {
        "trust": facts.trust,
        "chemistry": chemistry(facts.age_gap, facts.same_background),
        "history": 1.0 - pm.exp(-facts.associations.astype(float)),
        "contribution": facts.complementarity,
        "reputation": facts.reputation,
        "proximity": pm.exp(-facts.distance_km / PROXIMITY_KM),
        "resources": np.clip(facts.affordability, 0.0, 1.0),
    }
    total = sum(weights.values())
    if total <= 0:
        return np.full(len(facts.trust), 0.5)
    return sum(weights[k] * criteria[k] for k in criteria) / total


def complementarity(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """How much each candidate knows where I am weak: mean positive gap over domains, ×2, ≤ 1."""
    return np.clip(2.0 * row_mean(np.maximum(0.0, theirs - mine)), 0.0, 1.0)


def contract_terms(
    fairness: float, stud_capacity: int, quota_share: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cost shares and mating quotas of keeper and partner: separate terms (the quota share
    is the cost share unless given); shares sum to 1, quotas to at most the capacity."""
    shares = np.array([fairness, 1.0 - fairness])
    q = fairness if quota_share is None else quota_share
    quotas = np.floor(np.array([q, 1.0 - q]) * stud_capacity).astype(np.int64)
    return shares, quotas


def breach_detected(n: int, control_strength: float, rng: np.random.Generator) -> np.ndarray:
    """Which of `n` overuses are caught: each with chance `control_strength`."""
    return rng.random(n) < control_strength


def relationship_type(
    cooperation: np.ndarray, competition: np.ndarray, margin: float = BALANCE_MARGIN
) -> np.ndarray:
    """Classify each partnership from its raw intensities: cooperation-dominated (gap above
    `margin`), competition-dominated (below -`margin`) or equal (balanced)."""
    gap = np.asarray(cooperation, dtype=float) - np.asarray(competition, dtype=float)
    return np.where(
        gap > margin, COOP_DOMINATED, np.where(gap < -margin, COMP_DOMINATED, EQUAL)
    ).astype(np.int8)


def chemistry(age_gap: np.ndarray, same_background: np.ndarray) -> np.ndarray:
    """Owner chemistry (0-1): close in age and alike in background (P1a)."""
    return 0.5 * np.clip(1.0 - age_gap / 40.0, 0.0, 1.0) + 0.5 * same_background


_COLUMNS = {
    "stud": np.int64,  # herd row of the co-owned stud
    "keeper": np.int32,  # breeder that keeps the stud on its farm
    "partner": np.int32,  # breeder that travels to it
    "share_keeper": np.float64,
    "share_partner": np.float64,
    "quota_keeper": np.int64,
    "quota_partner": np.int64,
    "used_keeper": np.int64,  # matings this season
    "used_partner": np.int64,
    "start": np.int32,
    "end_planned": np.int32,
    "ended": np.int32,  # step it ended, -1 while running
    "reason": np.int8,
    "distance_km": np.float64,
    "cooperation": np.float64,
    "competition": np.float64,
    "rtype": np.int8,
    "tie_kp": np.int64,  # trust-ledger row of the keeper's trust in the partner
    "tie_pk": np.int64,  # and of the partner's trust in the keeper
    "breaches": np.int32,
    "detected": np.int32,
    # competition inside coopetition (rivalry.py)
    "chemistry": np.float64,  # owner chemistry of the pair (P1a): clashes and trust growth
    "conflicts": np.int32,
    "seen_by_keeper": np.float64,  # what the keeper saw the partner share last month (0-1)
    "seen_by_partner": np.float64,  # what the partner saw the keeper share
    "mkt_learned_partner": np.float64,  # marketing knowledge the partner learned from the keeper
    "mkt_learned_keeper": np.float64,  # and the keeper from the partner
    "brd_learned_partner": np.float64,  # breeding knowledge the partner learned from the keeper
    "brd_learned_keeper": np.float64,  # and the keeper from the partner
    "hlt_learned_partner": np.float64,  # health knowledge the partner learned from the keeper
    "hlt_learned_keeper": np.float64,  # and the keeper from the partner
    "flow": np.float64,  # knowledge exchanged both ways this month
    "flow_potential": np.float64,  # what could have flowed both ways: full willingness, no
    # protection (the scale of the knowledge part of cooperation intensity)
    "leak_sales_keeper": np.float64,  # sales the keeper lost to the partner, cumulative
    "leak_sales_partner": np.float64,  # sales the partner lost to the keeper, cumulative
    "prior": np.int8,  # 1 if the pair had a venture before that left trust above strangers'
    "trust_start": np.float64,  # the pair's mean trust at the start, and after 12 and 24 months
    "trust_12": np.float64,
    "trust_24": np.float64,
}


class Contracts:
    """All co-ownership contracts ever made, as arrays; running ones have ended == -1."""

    def __init__(self, capacity: int = 128) -> None:
        self.n = 0
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.n]

    def add(self, **values) -> int:
        """Record a new contract; return its row."""
        grow_columns(self, _COLUMNS, self.n, self.n + 1)
        row = self.n
        for name in _COLUMNS:
            getattr(self, name)[row] = values.get(name, -1 if name == "ended" else 0)
        self.n += 1
        return row

    def add_many(self, k: int, **values: np.ndarray) -> np.ndarray:
        """Record `k` new contracts at once; return their rows."""
        need = self.n + k
        grow_columns(self, _COLUMNS, self.n, need)
        rows = np.arange(self.n, need)
        for name in _COLUMNS:
            getattr(self, name)[rows] = values.get(name, -1 if name == "ended" else 0)
        self.n = need
        return rows

    def running(self) -> np.ndarray:
        """Rows of running contracts."""
        return np.flatnonzero(self.view("ended") < 0)

    def end(self, rows: np.ndarray, step: int, reason: int) -> int:
        """End those of `rows` still running (the stud stays with its keeper); return how many."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[self.ended[rows] < 0]
        self.ended[rows] = step
        self.reason[rows] = reason
        return len(rows)

    def ties(self, rows: np.ndarray) -> np.ndarray:
        """Trust-ledger rows of both directions of the given contracts (keeper's first)."""
        return np.concatenate((self.tie_kp[rows], self.tie_pk[rows]))

    def partners_of(self, breeder: int) -> list[int]:
        """Breeders in a running contract with `breeder`."""
        run = self.running()
        k, p = self.keeper[run], self.partner[run]
        return sorted(set(p[k == breeder].tolist()) | set(k[p == breeder].tolist()))

    def partner_lookup(self, n_breeders: int) -> np.ndarray:
        """One partner per breeder (the latest contract's), -1 where none: for referrals."""
        out = np.full(n_breeders, -1, dtype=np.int64)
        run = self.running()
        out[self.keeper[run]] = self.partner[run]
        out[self.partner[run]] = self.keeper[run]
        return out

    def partner_counts(self, n_breeders: int) -> np.ndarray:
        """Running contracts per breeder."""
        run = self.running()
        return np.bincount(
            np.concatenate((self.keeper[run], self.partner[run])), minlength=n_breeders
        )

    def remap_studs(self, remap: np.ndarray) -> np.ndarray:
        """Follow herd compaction; return running rows whose stud is gone."""
        run = self.running()
        new = remap[self.stud[run]]
        self.stud[run] = np.where(new >= 0, new, self.stud[run])
        return run[new < 0]

    def state(self) -> dict[str, np.ndarray]:
        return {name: self.view(name).copy() for name in _COLUMNS}
