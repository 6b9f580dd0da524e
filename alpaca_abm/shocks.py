"""Shocks while a model runs: the schedule of events and the factors they change.

`events` reads and checks events; the `ShockEngine` here fires and ends them month by month
and keeps the factors (buyers, budgets, fibre demand, export access, import prices, costs)
through which they reach the mechanisms. Every factor is neutral until an event fires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .events import (
    BUYER_SEGMENTS,
    Event,
    Scheduled,
    check_event,
    check_horizon,
    parameter_events,
    region_rows,
    scheduled,
)

if TYPE_CHECKING:
    from .params import ShocksParams
    from .state import Industry


class ShockEngine:
    """The schedule of one model and the factors through which shocks reach the mechanisms.

    Every factor is neutral (1 or 0) until an event fires; `begin_month` is a no-op while
    nothing is scheduled, running or infected.
    """

    def __init__(self, state: Industry) -> None:
        self.state = state
        p = state.scenario  # its events and name; the parameters of its groups below
        when = _start_and_shocks(state)
        self.schedule: list[Scheduled] = [
            scheduled(ev, f"scenario '{p.name}' events[{i}]", *when)
            for i, ev in enumerate(p.events)
        ] + parameter_events(*when)
        known = state.firms.n
        for i, ev in enumerate(p.events):
            missing = [b for b in (ev.get("breeders") or ()) if int(b) >= known]
            if missing:
                raise ValueError(
                    f"scenario '{p.name}' events[{i}]: field 'breeders' names breeder "
                    f"{missing[0]}, but the industry starts with breeders 0 to {known - 1}."
                )
        self.log: list[dict[str, Any]] = []
        self._reset_factors()
        self.rivalry_ref: tuple[float, float] | None = None
        self.rivalry_index = 1.0

    # --- factors --------------------------------------------------------------------------
    def _reset_factors(self) -> None:
        self.buyers = dict.fromkeys(BUYER_SEGMENTS, 1.0)
        self.budget = 1.0
        self.coloured = 0.0
        self.fibre = 1.0
        self.export_access = 1.0
        self.export_price = 1.0
        self.import_price = 1.0
        self.entry = 1.0
        self.rivalry_extra = 0.0
        self.scare = 1.0
        self.vet_terms: list[tuple[Scheduled, float]] = []
        self.compliance_terms: list[tuple[Scheduled, float]] = []

    def running(self) -> list[Scheduled]:
        return [s for s in self.schedule if s.state == "running"]

    def _recompute(self) -> None:
        """Factors from the events running now (products of changes; sums of costs)."""
        self._reset_factors()
        for s in self.running():
            k, x = s.kind, s.strength
            if k == "demand":
                seg = s.event.get("segment", "all")
                for name in BUYER_SEGMENTS if seg == "all" else (seg,):
                    self.buyers[name] *= 1.0 + x
            elif k == "price":
                self.budget *= 1.0 + x
            elif k == "coloured":
                self.coloured += x
            elif k == "fibre":
                self.fibre *= 1.0 + x
            elif k == "brexit":
                self.export_access *= 1.0 - x
                self.export_price *= 1.0 - BREXIT_SELLER_COST * x
                self.import_price *= 1.0 + _shocks(self.state).brexit_import_cost
            elif k == "recognition":
                self.vet_terms.append((s, 1.0 - x))
                self.entry *= 1.0 + x * self._national_share(s)
            elif k == "legislation":
                self.compliance_terms.append((s, x))
            elif k == "rivalry":
                self.rivalry_extra += x

    def _national_share(self, s: Scheduled) -> float:
        """Share of newcomers a targeted event reaches (by the places' weights)."""
        if "region" in s.event:
            w = self.state.places["weight"].to_numpy(float)
            return float(w[region_rows(s.event["region"])].sum() / w.sum())
        if "breeders" in s.event:
            return 0.0  # support for named breeders does not reach newcomers
        return 1.0

    def targets(self, s: Scheduled, n_f: int) -> np.ndarray | slice:
        """Firm rows an event applies to: all, a region's, or named breeders'."""
        firms = self.state.firms
        if "region" in s.event:
            return np.flatnonzero(np.isin(firms.place[:n_f], region_rows(s.event["region"])))
        if "breeders" in s.event:
            b = np.asarray(s.event["breeders"], dtype=np.int64)
            return b[b < n_f]
        return slice(None)

    def vet_factor(self) -> float | np.ndarray:
        if not self.vet_terms:
            return 1.0
        n_f = self.state.firms.n
        out = np.ones(n_f)
        for s, factor in self.vet_terms:
            out[self.targets(s, n_f)] *= factor
        return out

    def compliance_cost(self) -> float | np.ndarray:
        if not self.compliance_terms:
            return 0.0
        n_f = self.state.firms.n
        out = np.zeros(n_f)
        for s, cost in self.compliance_terms:
            out[self.targets(s, n_f)] += cost
        return out

    def buyer_factor(self, segment: str) -> float:
        """Buyers of a segment against no shock: demand events, and the disease scare for
        outside buyers (breeders and entrants hold back through the investment mood)."""
        if segment == "entrants":
            return self.buyers[segment]
        return self.buyers[segment] * self.scare

    # --- the month --------------------------------------------------------------------------
    def busy(self) -> bool:
        """Whether anything can happen this month (else the month is left untouched)."""
        m = self.state
        return (
            any(s.state != "ended" for s in self.schedule)
            or m.disease.active
            or _shocks(m).rivalry_feedback > 0
            or m.investment_mood != 1.0
        )

    def begin_month(self) -> None:
        """Fire and end scheduled events; let the disease run its month; set the factors."""
        state = self.state
        if not self.busy():
            return
        month = state.steps - 1
        changed = False
        for s in self.schedule:
            if s.state == "running" and s.end is not None and month >= s.end:
                self._end(s)
                changed = True
        if state.disease.active:
            state.disease.monthly(state)
        for s in self.schedule:
            if s.state == "pending" and s.start <= month:
                self._start(s)
                changed = True
        if changed:
            self._recompute()
        if state.disease.ever:
            self.scare = state.disease.scare_factor(state)
        if state.disease.active:
            state.disease.mark(state)
        self._set_mood(month)
        self._set_rivalry()

    def _start(self, s: Scheduled) -> None:
        state = self.state
        s.state = "running"
        if s.kind == "disease":
            s.detail = state.disease.introduce(state, s)
        self._record(s, "start")

    def _end(self, s: Scheduled) -> None:
        state = self.state
        s.state = "ended"
        if s.kind == "disease":
            s.detail = state.disease.eradicate(state)
        self._record(s, "end")

    def _set_mood(self, month: int) -> None:
        """Willingness to invest: Brexit uncertainty for a while, and caution about buying in
        stock while herds are under restriction (the disease scare)."""
        p = _shocks(self.state)
        mood = 1.0
        for s in self.running():
            if s.kind == "brexit" and month - s.start < p.brexit_uncertainty_months:
                mood = min(mood, 1.0 - p.brexit_uncertainty * s.strength)
        self.state.investment_mood = mood * self.scare

    def _set_rivalry(self) -> None:
        fb = _shocks(self.state).rivalry_feedback
        if fb > 0 or self.rivalry_extra > 0 or self.state.rivalry != 1.0:
            self.state.rivalry = max(
                0.0, 1.0 + fb * (self.rivalry_index - 1.0) + self.rivalry_extra
            )

    def _record(self, s: Scheduled, action: str) -> None:
        state = self.state
        ev = s.event
        self.log.append(
            {
                "step": state.steps,
                "month": state.steps - 1,
                "date": state.date,
                "kind": s.kind,
                "action": action,
                "label": s.label,
                "strength": s.strength,
                "duration": ev.get("duration"),
                "region": ev.get("region", ""),
                "breeders": " ".join(str(b) for b in ev.get("breeders", ())),
                "source": s.source,
                "detail": "; ".join(f"{k}: {v}" for k, v in s.detail.items()),
            }
        )

    # --- while a model runs ---------------------------------------------------------------
    def trigger(self, event: dict[str, Any] | Event) -> dict[str, Any]:
        """Schedule an event now (default: the next month to run) or later; return it."""
        state = self.state
        when = _start_and_shocks(state)
        if isinstance(event, Event):
            event = event.to_dict()
        event = dict(event)
        event.setdefault("start", state.steps)
        checked = check_event(event, "trigger", None, *when[:2])
        s = scheduled(checked, "trigger", *when)
        if s.start < state.steps:
            raise ValueError(
                f"trigger: event ({checked['kind']}): field 'start' = {checked['start']!r} has "
                f"already passed: the next month to run is month {state.steps}."
            )
        if "breeders" in checked:
            known = state.firms.n
            missing = [b for b in checked["breeders"] if b >= known]
            if missing:
                raise ValueError(
                    f"trigger: event ({checked['kind']}): field 'breeders' names breeder "
                    f"{missing[0]}, but the industry has breeders 0 to {known - 1}."
                )
        self.schedule.append(s)
        return checked

    def check_horizon(self, steps: int) -> None:
        """Refuse events that start after a run of `steps` more months ends."""
        check_horizon(self.state.scenario, self.state.steps + steps)
        for s in self.schedule:
            if s.state == "pending" and s.start >= self.state.steps + steps:
                raise ValueError(
                    f"{s.source} ({s.kind}): field 'start' = {s.event['start']!r} is month "
                    f"{s.start}, after the run ends (it has {steps} months: 0 to {steps - 1})."
                )

    # --- rivalry ------------------------------------------------------------------------
    def update_rivalry_index(self, heads: np.ndarray | None = None) -> float:
        """Crowding × consolidation, 1 at the start: breeders against the start, times the
        share of animals held by the largest tenth of breeders against the start. `heads`:
        each breeder's animals (herd.counts_by_owner), when already counted."""
        state = self.state
        firms = state.firms
        n_f = firms.n
        active = firms.active[:n_f]
        if heads is None:
            heads = state.herd.counts_by_owner(n_f)
        heads = heads[active]
        n = int(active.sum())
        if n == 0 or heads.sum() == 0:
            self.rivalry_index = 0.0
            return 0.0
        k = max(1, int(round(0.1 * n)))
        top = float(np.sort(heads)[-k:].sum() / heads.sum())
        if self.rivalry_ref is None:
            self.rivalry_ref = (float(n), top)
        n0, top0 = self.rivalry_ref
        self.rivalry_index = (n / n0) * (top / top0)
        return self.rivalry_index


def _shocks(state: Industry) -> ShocksParams:
    """The shocks group of the run's parameters."""
    return state.scenario.group("shocks")


def _start_and_shocks(state: Industry) -> tuple[int, int, ShocksParams]:
    """The run's first year and month (the start group), to place events in, and the shocks
    group (events' default strengths)."""
    start = state.scenario.group("start")
    return start.start_year, start.start_month, _shocks(state)


BREXIT_SELLER_COST = 0.25  # assumption: exporters net a quarter less per animal at full strength


def event_marks(log: list[dict[str, Any]]) -> tuple[tuple[float, str], ...]:
    """(decimal year, label) of each event that started: for marks on a time axis."""
    marks = []
    for row in log:
        if row["action"] != "start":
            continue
        year, month = (int(x) for x in row["date"].split("-"))
        marks.append((year + (month - 1) / 12, row["label"]))
    return tuple(marks)


EVENT_LOG_COLUMNS = (
    "step",
    "month",
    "date",
    "kind",
    "action",
    "label",
    "strength",
    "duration",
    "region",
    "breeders",
    "source",
    "detail",
)
