"""Bovine TB in camelids: infection, its spread along the contact network, testing and control.

Infection is a flag on each animal. It enters a few herds when a `disease` event starts and
spreads

- within a herd, month by month, with the share of the herd already infected;
- between herds only along real contacts: animals sold from one breeder to another carry
  their infection with them (`trading.settle_sales` moves the animal), and females taken to
  another breeder's stud (a co-owned stud at the keeper's farm, or a hired stud) meet the
  stud and the host herd (`breeding.mate` records each such visit).

So co-ownership carries risk as well as value. An infected herd is found when it is tested
(routine, pre-movement, post-mortem or on suspicion: more often the more its owner knows
about health) and the test picks up at least one infected animal. A found herd is put under
movement restrictions (no sales, purchases, mating trips or partner search: `firms.restricted`),
its reactors are culled (counted in `firms.culled`), and it is retested every two months;
restrictions lift after `disease_clear_months` with clear tests. News of restricted herds
scares buyers industry-wide, and acquaintances grow wary of a found herd (less trust; not a
partner candidate for two years).

Nothing here draws a random number unless an infection or a restriction exists.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from . import portable as pm
from .breeder import HEALTH
from .tables import grow_columns
from .trust import after_loss

if TYPE_CHECKING:
    from .events import Scheduled
    from .state import Industry

WITHIN_HERD_RATE = 0.6  # assumption: per month at strength 1 and a fully infected herd
MATING_RATE = 0.5  # assumption: chance per mating at strength 1 that stud and dam infect
VISIT_RATE = 0.3  # assumption: chance per visiting dam at strength 1 and full host prevalence
INDEX_SHARE = 0.1  # an outbreak starts in one animal in ten of each index herd (at least one)
SENSITIVITY = 0.8  # assumption: a herd test finds 80% of infected animals (skin and blood test)
LOW_KNOWLEDGE_TESTING = 0.25  # share of the testing rate an owner with no health knowledge has
RETEST_MONTHS = 2  # restricted herds are retested every 60 days
SCARE_MEMORY_MONTHS = 12  # assumption: buyers remember news of a found herd for a year
SHUN_MONTHS = 24  # assumption: breeders avoid a found herd as a partner for two years
COOWNED, SERVICE = 2, 3  # as breeding.COOWNED, breeding.SERVICE
ROUTES = ("index", "sale", "coowned", "service", "transfer")
# per-breeder columns and the value of a breeder never tested or found
FIRM_FILL = {"found_step": -1, "last_positive": -1, "last_test": -1, "ever_infected": False}


def chance_of_testing(health_knowledge: np.ndarray, detection: float) -> np.ndarray:
    """Chance a month that an infected herd is tested: rises with its owner's health knowledge
    from a quarter of `detection` (none) to `detection` (full)."""
    k = np.asarray(health_knowledge, dtype=float)
    return detection * (LOW_KNOWLEDGE_TESTING + (1 - LOW_KNOWLEDGE_TESTING) * k)


def herd_found(n_infected: np.ndarray, sensitivity: float = SENSITIVITY) -> np.ndarray:
    """Chance a test of a herd finds at least one of its infected animals."""
    return 1.0 - pm.power(1.0 - sensitivity, np.asarray(n_infected, dtype=float))


class Disease:
    """The infection state of the industry: per animal (herd row) and per breeder."""

    def __init__(self) -> None:
        self.infected = np.zeros(1024, dtype=bool)  # by herd row
        self.found_step = np.full(256, -1, dtype=np.int64)  # last month found, by firm row
        self.last_positive = np.full(256, -1, dtype=np.int64)
        self.last_test = np.full(256, -1, dtype=np.int64)
        self.ever_infected = np.zeros(256, dtype=bool)
        self.active = False  # an infected animal or a restricted herd exists
        self.ever = False  # an outbreak has started in this run
        self.strength = 0.0
        self.routes = dict.fromkeys(ROUTES, 0)  # herds newly infected, by route
        self.visits: list[tuple[int, int, int, int]] = []  # (visitor, host, kind, matings)
        self._pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._before: np.ndarray | None = None
        self._after: np.ndarray | None = None  # infected herds when the last month's contacts ended

    # --- storage --------------------------------------------------------------------------
    def rows(self, state: Industry) -> np.ndarray:
        """Infection flags of the herd's live part (grown to the herd's size)."""
        n = state.herd.n
        grow_columns(self, ("infected",), len(self.infected), n)
        return self.infected[:n]

    def _firms(self, state: Industry) -> int:
        n_f = state.firms.n
        grow_columns(self, FIRM_FILL, len(self.found_step), n_f, FIRM_FILL)
        return n_f

    def remap(self, remap: np.ndarray) -> None:
        """Follow the herd's compaction (old row → new row, -1 for dropped rows)."""
        if not self.ever:
            return
        # births since the flags were last read
        grow_columns(self, ("infected",), len(self.infected), len(remap))
        old = self.infected[: len(remap)].copy()
        keep = remap >= 0
        self.infected[:] = False
        self.infected[remap[keep]] = old[keep]

    # --- what others read -----------------------------------------------------------------
    def infected_by_owner(self, state: Industry) -> np.ndarray:
        herd = state.herd
        inf = self.rows(state) & herd.view("alive")
        return np.bincount(herd.view("owner")[inf], minlength=state.firms.n)

    def infected_herds(self, state: Industry) -> int:
        if not self.ever:
            return 0
        return int(np.count_nonzero(self.infected_by_owner(state)))

    def infected_animals(self, state: Industry) -> int:
        if not self.ever:
            return 0
        return int(np.count_nonzero(self.rows(state) & state.herd.view("alive")))

    def news_share(self, state: Industry) -> float:
        """Share of active herds in the news: under restriction, or found in the last year."""
        firms = state.firms
        n_f = self._firms(state)
        active = firms.active[:n_f]
        n = int(active.sum())
        found = self.found_step[:n_f]
        recent = (found >= 0) & (state.steps - found < SCARE_MEMORY_MONTHS)
        return float(((firms.restricted[:n_f] | recent) & active).sum() / n) if n else 0.0

    def news_by_firm(self, state: Industry) -> np.ndarray | None:
        """1.0 for each active herd in the news (restricted, or found in the last year), else
        0; None when no herd is (the usual case: nothing to avoid)."""
        n_f = self._firms(state)
        found = self.found_step[:n_f]
        firms = state.firms
        news = ((found >= 0) & (state.steps - found < SCARE_MEMORY_MONTHS)) | firms.restricted[:n_f]
        news &= firms.active[:n_f]
        return news.astype(float) if news.any() else None

    def scare_factor(self, state: Industry) -> float:
        """Buyers left industry-wide when news of infected herds spreads."""
        scare = state.scenario.group("shocks").disease_scare
        return math.exp(-scare * self.news_share(state))

    def shunned(self, state: Industry) -> np.ndarray:
        """Breeders whose herd was found infected within SHUN_MONTHS (not partner material)."""
        n_f = self._firms(state)
        found = self.found_step[:n_f]
        return (found >= 0) & (state.steps - found < SHUN_MONTHS)

    # --- outbreak -------------------------------------------------------------------------
    def introduce(self, state: Industry, s: Scheduled) -> dict[str, Any]:
        """Infection enters the index herds: named breeders, or `herds` herds of a region or
        of the whole industry chosen at random (parameters: the shocks group)."""
        p, rng, herd, firms = state.scenario.group("shocks"), state.rng, state.herd, state.firms
        n_f = self._firms(state)
        self.ever = True
        self.strength = max(self.strength, s.strength) if self.active else s.strength
        heads = herd.counts_by_owner(n_f)
        ok = firms.view("active") & (heads > 0)
        target = state.shocks.targets(s, n_f)
        cand = np.flatnonzero(ok)
        if not isinstance(target, slice):
            cand = np.intersect1d(cand, target)
        if "breeders" in s.event:
            chosen = cand
        else:
            k = min(int(s.event.get("herds", p.disease_index_herds)), len(cand))
            chosen = np.sort(rng.choice(cand, size=k, replace=False)) if k else cand[:0]
        inf = self.rows(state)
        owner, alive = herd.view("owner"), herd.view("alive")
        animals = 0
        for b in chosen.tolist():
            mine = np.flatnonzero(alive & (owner == b))
            n_inf = max(1, int(round(INDEX_SHARE * len(mine))))
            pick = rng.choice(mine, size=min(n_inf, len(mine)), replace=False)
            inf[pick] = True
            animals += len(pick)
        self._count_new(state, chosen, "index")
        self.active = self.active or animals > 0
        self.mark(state)
        return {"herds": " ".join(str(b) for b in chosen.tolist()) or "none", "animals": animals}

    def eradicate(self, state: Industry) -> dict[str, Any]:
        """The outbreak is declared over: remaining infection is cleared (restrictions run out
        after their clear period)."""
        left = self.infected_animals(state)
        self.infected[:] = False
        self._update_active(state)
        return {"cleared_animals": left}

    def _count_new(self, state: Industry, herds: np.ndarray, route: str) -> None:
        if len(herds) == 0:
            return
        self._firms(state)
        self.ever_infected[herds] = True
        self.routes[route] += len(herds)
        state.month_stats["new_infected_herds"] += len(herds)

    def _update_active(self, state: Industry) -> None:
        firms = state.firms
        restricted = firms.view("restricted") & firms.view("active")
        self.active = bool(restricted.any()) or self.infected_animals(state) > 0

    def mark(self, state: Industry) -> None:
        """Remember which herds are infected before the month's contacts."""
        self._before = self.infected_by_owner(state) > 0
        self._pairs = None
        self.visits = []

    # --- the month ------------------------------------------------------------------------
    def monthly(self, state: Industry) -> None:
        """Spread within herds, testing, culling of reactors, restrictions found and lifted
        (parameters: the shocks group)."""
        p, rng, herd, firms = state.scenario.group("shocks"), state.rng, state.herd, state.firms
        n_f = self._firms(state)
        month = state.steps - 1
        inf = self.rows(state)
        alive, owner = herd.view("alive"), herd.view("owner")
        if self._after is not None:  # a co-owned stud handed to the partner of a firm that closed
            now = self.infected_by_owner(state) > 0
            after = np.r_[self._after, np.zeros(max(0, n_f - len(self._after)), dtype=bool)]
            self._count_new(state, np.flatnonzero(now & ~after[:n_f]), "transfer")
            self._after = None
        restricted = firms.restricted[:n_f]
        restricted[~firms.active[:n_f]] = False  # a closed firm has nothing left to restrict
        # within-herd spread
        n_inf = np.bincount(owner[inf & alive], minlength=n_f)
        if n_inf.any():
            heads = np.maximum(herd.counts_by_owner(n_f), 1)
            rate = 1.0 - pm.exp(-WITHIN_HERD_RATE * self.strength * n_inf / heads)
            sus = np.flatnonzero(alive & ~inf & (rate[owner] > 0))
            inf[sus[rng.random(len(sus)) < rate[owner[sus]]]] = True
            n_inf = np.bincount(owner[inf & alive], minlength=n_f)
        # testing: unfound infected herds by chance, restricted herds every two months
        unfound = np.flatnonzero((n_inf > 0) & ~restricted & firms.active[:n_f])
        rate = chance_of_testing(firms.knowledge[unfound, HEALTH], p.disease_detection)
        tested = unfound[rng.random(len(unfound)) < rate]
        retest = np.flatnonzero(restricted & (month - self.last_test[:n_f] >= RETEST_MONTHS))
        tested = np.union1d(tested, retest)
        if len(tested) == 0:
            self._update_active(state)
            return
        self.last_test[tested] = month
        is_tested = np.zeros(n_f, dtype=bool)
        is_tested[tested] = True
        at_risk = np.flatnonzero(inf & alive & is_tested[owner])
        reactors = at_risk[rng.random(len(at_risk)) < SENSITIVITY]
        positive = np.zeros(n_f, dtype=bool)
        positive[owner[reactors]] = True
        self.cull(state, reactors)
        newly = np.flatnonzero(positive & ~restricted)
        restricted[positive] = True
        self.last_positive[:n_f][positive] = month
        if len(newly):
            self.found_step[newly] = state.steps
            state.month_stats["found_herds"] += len(newly)
            self._grow_wary(state, newly)
        clear = tested[~positive[tested] & restricted[tested]]
        since = month - self.last_positive[clear]
        restricted[clear[since >= p.disease_clear_months]] = False
        self._update_active(state)

    def cull(self, state: Industry, rows: np.ndarray) -> None:
        """Reactors are slaughtered: out of the herd, counted as culled."""
        if len(rows) == 0:
            return
        herd = state.herd
        herd.alive[rows] = False
        self.infected[rows] = False
        np.add.at(state.firms.culled, herd.owner[rows], 1)
        state.month_stats["culled"] += len(rows)

    def _grow_wary(self, state: Industry, found: np.ndarray) -> None:
        """Acquaintances of a newly found herd trust it less."""
        loss = state.scenario.group("shocks").disease_trust_loss
        if loss <= 0:
            return
        for b in found.tolist():
            src = state.trust.neighbours_of(b)
            if len(src):
                state.trust.touch(
                    src, np.full(len(src), b), state.steps, lambda t: after_loss(t, loss)
                )

    # --- contacts -------------------------------------------------------------------------
    def record_matings(
        self, state: Industry, females: np.ndarray, sires: np.ndarray, kinds: np.ndarray
    ) -> None:
        """Matings of the month; those away from home (the dam taken to another breeder's
        stud) are contacts between the two herds."""
        owner = state.herd.owner
        away = owner[sires] != owner[females]
        f, s, k = females[away], sires[away], kinds[away]
        if self._pairs is not None:
            f0, s0, k0 = self._pairs
            f, s, k = np.r_[f0, f], np.r_[s0, s], np.r_[k0, k]
        self._pairs = (f, s, k)
        visitor, host = owner[f], owner[s]
        if len(f):
            key = np.c_[visitor, host, k]
            uniq, counts = np.unique(key, axis=0, return_counts=True)
            self.visits = [
                (int(a), int(b), int(c), int(n))
                for (a, b, c), n in zip(uniq.tolist(), counts.tolist(), strict=True)
            ]

    def spread(self, state: Industry) -> None:
        """After the month's matings and sales: count herds infected through sales, then let
        infection pass between dams and the studs (and herds) they visited."""
        if not self.active:
            return
        herd, rng = state.herd, state.rng
        inf = self.rows(state)
        alive, owner = herd.view("alive"), herd.view("owner")
        n_f = self._firms(state)
        now = self.infected_by_owner(state) > 0
        before = self._before if self._before is not None else now
        before = np.r_[before, np.zeros(max(0, n_f - len(before)), dtype=bool)][:n_f]
        self._count_new(state, np.flatnonzero(now & ~before), "sale")
        if self._pairs is not None and len(self._pairs[0]):
            f, s, k = self._pairs
            n_inf = np.bincount(owner[inf & alive], minlength=n_f)
            prevalence = n_inf / np.maximum(herd.counts_by_owner(n_f), 1)
            beta_m = MATING_RATE * self.strength
            beta_v = VISIT_RATE * self.strength
            # dams: from the stud and from the host herd
            risk = 1.0 - (1.0 - beta_m * inf[s]) * (1.0 - beta_v * prevalence[owner[s]])
            at_risk = np.flatnonzero(alive[f] & ~inf[f] & (risk > 0))
            caught = at_risk[rng.random(len(at_risk)) < risk[at_risk]]
            # studs: from infected dams
            sire_risk = np.flatnonzero(alive[s] & ~inf[s] & inf[f])
            sire_caught = sire_risk[rng.random(len(sire_risk)) < beta_m]
            was = self.infected_by_owner(state) > 0
            inf[f[caught]] = True
            inf[s[sire_caught]] = True
            newly = (self.infected_by_owner(state) > 0) & ~was
            for route, kind in (("coowned", COOWNED), ("service", SERVICE)):
                herds = np.r_[
                    owner[f[caught][k[caught] == kind]],
                    owner[s[sire_caught][k[sire_caught] == kind]],
                ]
                herds = np.intersect1d(herds, np.flatnonzero(newly))
                newly[herds] = False  # a herd reached both ways counts once
                self._count_new(state, herds, route)
        self._pairs = None
        self._after = self.infected_by_owner(state) > 0
        self._update_active(state)
