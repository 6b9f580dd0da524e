"""Pairwise, directed trust between breeders: the social network of the industry.

Trust i→j is what breeder i believes of j. It rises with good experience, falls with
breaches and conflict, and decays toward the stranger level without contact. Decay is
applied lazily (when a tie is read or written), so a month costs nothing for idle ties.
Every recorded tie is an acquaintance: the ledger is also the social network.
"""

from __future__ import annotations

import numpy as np


def decayed(value: np.ndarray, months_idle: np.ndarray, baseline: float, rate: float) -> np.ndarray:
    """Trust after `months_idle` months without contact: exponential return to `baseline`."""
    return baseline + (value - baseline) * (1.0 - rate) ** months_idle


def after_experience(trust: np.ndarray, gain: float) -> np.ndarray:
    """Trust after a month of good cooperation: closes `gain` of the gap to full trust."""
    return trust + gain * (1.0 - trust)


def after_loss(trust: np.ndarray, loss: float) -> np.ndarray:
    """Trust after a breach or conflict: loses `loss` (absolute), never below zero."""
    return np.maximum(0.0, trust - loss)


class TrustLedger:
    """Directed trust ties in flat arrays with a (truster, trusted) → row index."""

    def __init__(self, baseline: float, decay: float, capacity: int = 1024) -> None:
        self.baseline = baseline
        self.decay = decay
        self.n = 0
        self.src = np.zeros(capacity, dtype=np.int32)
        self.dst = np.zeros(capacity, dtype=np.int32)
        self.value = np.zeros(capacity, dtype=np.float64)
        self.updated = np.zeros(capacity, dtype=np.int32)  # step of the last contact
        self.associations = np.zeros(capacity, dtype=np.int32)  # past joint ventures
        self.index: dict[tuple[int, int], int] = {}
        self.neighbours: dict[int, set[int]] = {}

    def _grow(self, k: int) -> None:
        if self.n + k <= len(self.src):
            return
        cap = max(2 * len(self.src), self.n + k)
        for name in ("src", "dst", "value", "updated", "associations"):
            old = getattr(self, name)
            new = np.zeros(cap, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def rows(self, src: np.ndarray, dst: np.ndarray, step: int, create: bool = True) -> np.ndarray:
        """Row of each tie (creating missing ones at the stranger level when `create`)."""
        out = np.empty(len(src), dtype=np.int64)
        for k, (a, b) in enumerate(zip(src.tolist(), dst.tolist(), strict=True)):
            row = self.index.get((a, b))
            if row is None:
                if not create:
                    out[k] = -1
                    continue
                self._grow(1)
                row = self.n
                self.src[row], self.dst[row] = a, b
                self.value[row] = self.baseline
                self.updated[row] = step
                self.n += 1
                self.index[(a, b)] = row
                self.neighbours.setdefault(a, set()).add(b)
                self.neighbours.setdefault(b, set()).add(a)
            out[k] = row
        return out

    def add_ties(self, src: np.ndarray, dst: np.ndarray, value: np.ndarray, step: int) -> None:
        """Record acquaintances with a given starting trust (both directions)."""
        for a, b in ((src, dst), (dst, src)):
            rows = self.rows(a, b, step)
            self.value[rows] = value
            self.updated[rows] = step

    def current(self, rows: np.ndarray, step: int) -> np.ndarray:
        """Trust of the given ties now, decay included; -1 rows read as the stranger level."""
        rows = np.asarray(rows)
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
        now = self.current(rows, step)
        self.value[rows] = now if new_value is None else new_value(now)
        self.updated[rows] = step
        return rows

    def all_current(self, step: int) -> np.ndarray:
        """Trust of every tie now."""
        return self.current(np.arange(self.n), step)

    def forget(self, breeder: int) -> None:
        """Drop a breeder that left the industry from the neighbour index."""
        for other in self.neighbours.pop(breeder, set()):
            self.neighbours.get(other, set()).discard(breeder)
