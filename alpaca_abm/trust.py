"""Pairwise, directed trust between breeders: the social network of the industry.

Trust i→j is what breeder i believes of j. It rises with good experience, falls with
breaches and conflict, and decays toward the stranger level without contact. Decay is
applied lazily (when a tie is read or written), so a month costs nothing for idle ties.
Every recorded tie is an acquaintance: the ledger is also the social network.
"""

from __future__ import annotations

import numpy as np

from . import portable as pm
from .ordering import sorted_lookup
from .tables import grow_columns

_COLUMNS = ("src", "dst", "value", "updated", "associations", "betrayals", "linked")


def tie_key(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """One int64 key per directed tie (breeder rows stay far below 2**31)."""
    return (src.astype(np.int64) << 32) | dst.astype(np.int64)


RECENT_SHARE = 16  # the index sorts the newest ties apart until they are a 16th of the rest
_DECAY_FACTORS: dict[float, np.ndarray] = {}  # rate -> (1 - rate) ** k, k = 0, 1, ... (kept)
DECAY_RATES_KEPT = 64  # tables of this many rates at most (a sweep may try many)


def decay_factors(rate: float, upto: int) -> np.ndarray:
    """(1 - rate) ** k for k = 0 .. upto or further, worked out once per rate and kept: a
    month reads the trust of thousands of ties idle for a few hundred distinct months."""
    table = _DECAY_FACTORS.get(rate)
    if table is None or len(table) <= upto:
        have = 0 if table is None else len(table)
        table = pm.power(1.0 - rate, np.arange(max(upto + 1, 2 * have, 256), dtype=float))
        table.flags.writeable = False
        if len(_DECAY_FACTORS) >= DECAY_RATES_KEPT:
            _DECAY_FACTORS.clear()
        _DECAY_FACTORS[rate] = table
    return table


def decayed(value: np.ndarray, months_idle: np.ndarray, baseline: float, rate: float) -> np.ndarray:
    """Trust after `months_idle` months without contact: exponential return to `baseline`.

    Whole months read their factor from `decay_factors` (the same bits as a power per tie:
    the powers are elementwise)."""
    idle = np.asarray(months_idle)
    if idle.dtype.kind in "iu" and idle.size and idle.min() >= 0:
        return baseline + (value - baseline) * decay_factors(rate, int(idle.max()))[idle]
    return baseline + (value - baseline) * pm.power(1.0 - rate, idle)


def after_experience(trust: np.ndarray, gain: float) -> np.ndarray:
    """Trust after a month of good cooperation: closes `gain` of the gap to full trust."""
    return trust + gain * (1.0 - trust)


def after_loss(trust: np.ndarray, loss: float | np.ndarray) -> np.ndarray:
    """Trust after a breach or conflict: loses `loss` (absolute), never below zero."""
    return np.maximum(0.0, trust - loss)


def scarred_gain(gain: np.ndarray | float, betrayals: np.ndarray, hysteresis: float) -> np.ndarray:
    """Growth rate of trust after `betrayals` detected breaches by the same partner: each one
    slows the rebuilding (hysteresis), so trust falls fast and returns slowly (negativity bias:
    one breach costs breach_trust_loss at once, years of good months to win back)."""
    return gain / (1.0 + hysteresis * betrayals)


class TrustLedger:
    """Directed trust ties in flat arrays, found by their (truster, trusted) key through a
    sorted index of the keys (`_sorted_index`, rebuilt from `src` and `dst` when missing)."""

    def __init__(self, baseline: float, decay: float, capacity: int = 1024) -> None:
        self.baseline = baseline
        self.decay = decay
        self.n = 0
        self.src = np.zeros(capacity, dtype=np.int64)  # (intp: indexes without a cast)
        self.dst = np.zeros(capacity, dtype=np.int64)
        self.value = np.zeros(capacity, dtype=np.float64)
        self.updated = np.zeros(capacity, dtype=np.int32)  # step of the last contact
        self.associations = np.zeros(capacity, dtype=np.int32)  # past joint ventures
        self.betrayals = np.zeros(capacity, dtype=np.int32)  # breaches by dst that src caught
        self.impressed = 0  # ties before this row have had their first impression
        self.linked = np.zeros(capacity, dtype=bool)  # the pair are acquaintances (both ways)

    def _grow(self, k: int) -> None:
        grow_columns(self, _COLUMNS, self.n, self.n + k)

    def rows(self, src: np.ndarray, dst: np.ndarray, step: int, create: bool = True) -> np.ndarray:
        """Row of each tie (creating missing ones at the stranger level when `create`).

        New ties get rows in the order they first appear in the batch.
        """
        keys = tie_key(np.asarray(src), np.asarray(dst))
        out = self._find(keys)
        if not create:
            return out
        missing = np.flatnonzero(out < 0)
        if len(missing) == 0:
            return out
        uniq, first = np.unique(keys[missing], return_index=True)
        order = np.argsort(first, kind="stable")
        new_keys = uniq[order]
        m = len(new_keys)
        self._grow(m)
        new_rows = np.arange(self.n, self.n + m)
        a, b = new_keys >> 32, new_keys & 0xFFFFFFFF
        self.src[new_rows], self.dst[new_rows] = a, b
        self.value[new_rows] = self.baseline
        self.updated[new_rows] = step
        self.associations[new_rows] = 0
        self.betrayals[new_rows] = 0
        self.n += m
        self.linked[new_rows] = True  # a tie makes the two acquaintances, both ways
        out[missing] = new_rows[order.argsort()][np.searchsorted(uniq, keys[missing])]
        return out

    def rows_both_ways(
        self, a: np.ndarray, b: np.ndarray, step: int, create: bool = True
    ) -> np.ndarray:
        """Rows of the ties a -> b, then of b -> a (pairs of breeders), in one look-up."""
        a, b = np.asarray(a), np.asarray(b)
        return self.rows(np.concatenate((a, b)), np.concatenate((b, a)), step, create)

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Row of each tie key, -1 where unknown, looked up in the sorted keys of all ties
        (which follow the ledger as ties are added: rows are never reordered). A key is in
        one part of the index at most (`_sorted_index`)."""
        out = np.full(len(keys), -1, dtype=np.int64)
        for sorted_keys, sorted_rows in self._sorted_index():
            if len(sorted_keys) == 0:
                continue
            pos, hit = sorted_lookup(sorted_keys, keys)
            out[hit] = sorted_rows[pos[hit]]
        return out

    def _sorted_index(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The index of ties 0..n-1 in two parts, each (sorted keys, their rows): the bulk of
        the ties, and the few added since the bulk was last sorted. Ties added since the
        last call join the few; the few join the bulk once they pass 1/RECENT_SHARE of it
        (no pass over every tie for the handful a month adds)."""
        done = getattr(self, "_sorted_n", 0)
        if done == 0 or done > self.n or not hasattr(self, "_recent_keys"):
            keys = tie_key(self.src[: self.n], self.dst[: self.n])
            order = np.argsort(keys, kind="stable")
            self._sorted_keys, self._sorted_rows = keys[order], order.astype(np.int64)
            self._recent_keys = self._recent_rows = np.zeros(0, dtype=np.int64)
        elif done < self.n:
            new = tie_key(self.src[done : self.n], self.dst[done : self.n])
            keys = np.concatenate((self._recent_keys, new))
            rows = np.concatenate((self._recent_rows, np.arange(done, self.n, dtype=np.int64)))
            if len(keys) * RECENT_SHARE > len(self._sorted_keys):  # the few join the bulk
                keys = np.concatenate((self._sorted_keys, keys))
                rows = np.concatenate((self._sorted_rows, rows))
                self._recent_keys = self._recent_rows = np.zeros(0, dtype=np.int64)
                order = np.argsort(keys, kind="stable")  # (two sorted runs and a few more)
                self._sorted_keys, self._sorted_rows = keys[order], rows[order]
            else:
                order = np.argsort(keys, kind="stable")
                self._recent_keys, self._recent_rows = keys[order], rows[order]
        self._sorted_n = self.n
        return (self._sorted_keys, self._sorted_rows), (self._recent_keys, self._recent_rows)

    def add_ties(self, src: np.ndarray, dst: np.ndarray, value: np.ndarray, step: int) -> None:
        """Record acquaintances with a given starting trust (both directions)."""
        both = self.rows_both_ways(src, dst, step)
        for rows in (both[: len(src)], both[len(src) :]):  # src's trust first, then dst's
            self.value[rows] = value
            self.updated[rows] = step

    def current(self, rows: np.ndarray, step: int) -> np.ndarray:
        """Trust of the given ties now, decay included; -1 rows read as the stranger level."""
        rows = np.asarray(rows)
        if rows.size == 0 or rows.min() >= 0:  # the usual case (ties of contracts): no masks
            return decayed(self.value[rows], step - self.updated[rows], self.baseline, self.decay)
        known = rows >= 0
        out = np.full(len(rows), self.baseline)
        r = rows[known]
        out[known] = decayed(self.value[r], step - self.updated[r], self.baseline, self.decay)
        return out

    def get(self, src: np.ndarray, dst: np.ndarray, step: int) -> np.ndarray:
        """Trust of src in dst now; strangers read as the stranger level."""
        return self.current(self.rows(np.asarray(src), np.asarray(dst), step, create=False), step)

    def touch(self, src: np.ndarray, dst: np.ndarray, step: int, new_value=None) -> np.ndarray:
        """Apply decay up to now, mark contact now, optionally set a new value; return rows."""
        rows = self.rows(np.asarray(src), np.asarray(dst), step)
        self.touch_rows(rows, step, new_value)
        return rows

    def touch_rows(self, rows: np.ndarray, step: int, new_value=None) -> None:
        """Like `touch`, for ties whose rows are already known (no index look-up)."""
        now = self.current(rows, step)
        self.value[rows] = now if new_value is None else new_value(now)
        self.updated[rows] = step

    def all_current(self, step: int) -> np.ndarray:
        """Trust of every tie now (`current` of every row, without the index pass)."""
        n = self.n
        return decayed(self.value[:n], step - self.updated[:n], self.baseline, self.decay)

    def unimpressed(self) -> np.ndarray:
        """Rows of ties made since the last call (for first impressions); marks them seen."""
        rows = np.arange(self.impressed, self.n)
        self.impressed = self.n
        return rows

    def forget(self, breeders: int | np.ndarray) -> None:
        """Breeders that left the industry are nobody's acquaintances any more (their ties'
        trust stays on record)."""
        n = self.n
        gone = np.atleast_1d(np.asarray(breeders, dtype=np.int64))
        if n == 0 or len(gone) == 0:
            return
        src, dst = self.src[:n], self.dst[:n]
        leaving = np.zeros(int(max(src.max(), dst.max(), gone.max())) + 1, dtype=bool)
        leaving[gone] = True  # (a mark per breeder row: linear in the ties, no sort)
        self.linked[:n][leaving[src] | leaving[dst]] = False

    def neighbour_pairs(
        self, who: np.ndarray, n_breeders: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(breeder, acquaintance) pairs of the breeders `who`: each pair once for every tie
        that links them (a pair tied both ways comes twice). `n_breeders`, when known: the
        firm table's rows, above every breeder of a tie (else found from the ties)."""
        n = self.n
        who = np.asarray(who, dtype=np.int64)
        src, dst, linked = self.src[:n], self.dst[:n], self.linked[:n]
        if n_breeders is None:
            n_breeders = int(max(src.max(initial=-1), dst.max(initial=-1), who.max(initial=-1))) + 1
        mark = np.zeros(n_breeders, dtype=bool)
        mark[who] = True
        out = mark[src]
        out &= linked
        back = mark[dst]
        back &= linked
        out, back = np.flatnonzero(out), np.flatnonzero(back)  # (each mask read once)
        breeder = np.concatenate((src[out], dst[back])).astype(np.int64, copy=False)
        acquaintance = np.concatenate((dst[out], src[back])).astype(np.int64, copy=False)
        return breeder, acquaintance

    def neighbours_of(self, breeder: int) -> np.ndarray:
        """The acquaintances of one breeder, sorted."""
        return np.unique(self.neighbour_pairs(np.array([breeder]))[1])
