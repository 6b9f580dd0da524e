"""Events as data: the kinds of shock, their checked fields, and their place in a run.

The shocks themselves (what an event changes while it runs) are `shocks.ShockEngine`; this
module only reads and checks events (scenario files, the CLI's --event, `AlpacaModel.trigger`)
and resolves their months, so that the parameter table can check its events without the
engine.

Shocks and the environment as data: a schedule of events and the forces they change.

The seed's Proposition 4: industry, market and institutional forces strengthen or weaken
the link between how breeders manage coopetition and what they get from it. Each force
is an event with a kind, a start month, a duration (None = permanent), a strength and,
where relevant, a region (a place of `data/uk_places.csv` or a country) or a set of
breeders:

| kind          | strength (range)                 | what it changes                             |
|---------------|----------------------------------|---------------------------------------------|
| `disease`     | intensity (0.01-1)               | bovine TB enters herds, spreads along sales |
|               |                                  | and stud visits (`disease.py`)              |
| `demand`      | signed fraction (-0.95-5)        | number of buyers (segment: all, hobby, pet, |
|               |                                  | entrants, export)                           |
| `price`       | signed fraction (-0.9-3)         | buyers' budgets: livestock and pet prices   |
| `coloured`    | premium (0-3)                    | buyers prefer coloured stock                |
| `fibre`       | signed fraction (-0.9-5)         | demand for natural fibre, fleece premium    |
| `brexit`      | share of EU trade lost (0-1)     | exports, imports of genetics, investment    |
| `recognition` | share (0-1)                      | vet costs down, entry (support) up          |
| `legislation` | GBP/alpaca/month (0-1000)        | a compliance cost                           |
| `rivalry`     | added rivalry (0-10)             | conflict in partnerships                    |

Scenario files carry events as `[[events]]` tables; the parameters `disease_start`,
`brexit_month` and `demand_shock_month` add the common ones; `AlpacaModel.trigger` fires
one while a model runs. Nothing here draws a random number unless a shock is active, so a
run without shocks is the run it was before shocks existed.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .userfile import shown

EVENT_FIELDS = (
    "kind",
    "start",
    "duration",
    "strength",
    "region",
    "breeders",
    "herds",
    "segment",
    "label",
)
SEGMENTS = ("all", "hobby", "pet", "entrants", "export")
BUYER_SEGMENTS = SEGMENTS[1:]
DATE_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTH = 12_000  # a thousand years of months: anything later is a typo


@dataclass(frozen=True)
class KindSpec:
    """What one kind of event means and which strengths it allows."""

    low: float
    high: float
    default: float | str | None  # a number, the name of the parameter giving it, or required
    unit: str
    meaning: str
    targeted: bool = False  # takes a region or a set of breeders

    def allowed(self) -> str:
        return f"a number in [{self.low:g}, {self.high:g}] ({self.unit})"


KINDS: dict[str, KindSpec] = {
    "disease": KindSpec(
        0.01,
        1.0,
        "disease_strength",
        "intensity",
        "bovine TB enters `herds` herds (region or breeders if given) and spreads along sales "
        "and visits to studs; found herds are restricted and lose reactors",
        targeted=True,
    ),
    "demand": KindSpec(
        -0.95,
        5.0,
        None,
        "signed fraction",
        "the number of buyers changes (segment: all, hobby, pet, entrants or export)",
    ),
    "price": KindSpec(
        -0.9,
        3.0,
        None,
        "signed fraction",
        "buyers' budgets change: outside buyers' willingness to pay for females, and pets",
    ),
    "coloured": KindSpec(
        0.0,
        3.0,
        0.3,
        "price premium",
        "buyers prefer coloured animals: more enquiries to breeders with coloured stock, "
        "coloured animals bought first, at a premium",
    ),
    "fibre": KindSpec(
        -0.9,
        5.0,
        None,
        "signed fraction",
        "demand for natural fibre: fleece sold changes, and so does the premium on fleece quality",
    ),
    "brexit": KindSpec(
        0.0,
        1.0,
        "brexit_strength",
        "share of EU trade lost",
        "EU buyers fall away (1 stops exports), exporters net less, imported genetics cost "
        "more, investment falters for brexit_uncertainty_months",
    ),
    "recognition": KindSpec(
        0.0,
        1.0,
        0.3,
        "share",
        "government recognition as mainstream livestock: vet costs fall by the strength, "
        "newcomers find support (entry rises by the strength)",
        targeted=True,
    ),
    "legislation": KindSpec(
        0.0,
        1000.0,
        2.0,
        "GBP/alpaca/month",
        "a change in agricultural law adds a compliance cost per alpaca",
        targeted=True,
    ),
    "rivalry": KindSpec(
        0.0,
        10.0,
        0.5,
        "added rivalry",
        "rivalry rises: conflict in partnerships flares more often",
    ),
}


# --- validation ----------------------------------------------------------------------------
AREA_COLUMNS = ("name", "region", "country")  # a region is a place, an English region or a
# country of data/uk_places.csv (whichever of these columns the file has)


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, str], dict[str, str]]:
    """Lower-case → canonical spelling of place names, and of larger areas (countries and,
    where the file has them, English regions)."""
    from .data import load_uk_places

    places = load_uk_places()
    names = {str(n).lower(): str(n) for n in places["name"]}
    areas = {
        str(c).lower(): str(c)
        for col in AREA_COLUMNS[1:]
        if col in places
        for c in places[col]
        if str(c)
    }
    return names, areas


def region_rows(region: str) -> np.ndarray:
    """Rows of uk_places inside a region (a place name or a country)."""
    return np.array(_region_rows(region.lower()), dtype=np.int64)


@lru_cache(maxsize=256)
def _region_rows(key: str) -> tuple[int, ...]:
    from .data import load_uk_places

    places = load_uk_places()
    hit = np.zeros(len(places), dtype=bool)
    for col in AREA_COLUMNS:
        if col in places:
            hit |= (places[col].astype(str).str.lower() == key).to_numpy()
    return tuple(np.flatnonzero(hit).tolist())


def _hint(word: str, allowed) -> str:
    close = difflib.get_close_matches(str(word), list(allowed), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def month_of(start: int | str, start_year: int, start_month: int) -> int:
    """Month of the run (0 = the first) of an event start: a month number or 'YYYY-MM'."""
    if isinstance(start, str):
        m = DATE_PATTERN.match(start)
        year, month = int(m.group(1)), int(m.group(2))
        return (year - start_year) * 12 + (month - start_month)
    return int(start)


@dataclass(frozen=True)
class _At:
    """Where an event is being checked, for messages: the place and the event's tag."""

    prefix: str  # "file: " or ""
    tag: str  # "events[2] (disease)"

    def error(self, text: str) -> ValueError:
        return ValueError(f"{self.prefix}{self.tag}: {text}")

    def bad(self, name: str, value: Any, allowed: str) -> ValueError:
        return self.error(f"field '{name}' = {shown(value)} is not allowed: {allowed}.")


def check_event(
    raw: Any,
    where: str = "",
    index: int | None = None,
    start_year: int | None = None,
    start_month: int | None = None,
) -> dict[str, Any]:
    """Validate one event (a dict or Event); return it as a plain dict without empty fields.

    Raises ValueError naming the place (`where`, e.g. the file), the event and the field.
    With `start_year` and `start_month`, a date before the run starts is refused.
    """
    if isinstance(raw, Event):
        raw = raw.to_dict()
    tag = f"events[{index}]" if index is not None else "event"
    prefix = f"{where}: " if where else ""
    kind = _checked_kind(raw, _At(prefix, tag))
    at = _At(prefix, f"{tag} ({kind})")
    out: dict[str, Any] = {"kind": kind, "start": _checked_start(raw, at, start_year, start_month)}
    duration = _checked_duration(raw, at)
    if duration is not None:
        out["duration"] = duration
    strength = _checked_strength(raw, at, kind)
    if strength is not None:
        out["strength"] = strength
    out |= _checked_target(raw, at, kind)
    out |= _checked_details(raw, at, kind)
    return out


def _checked_kind(raw: Any, at: _At) -> str:
    """The event is a table of known fields with a known kind; return the kind."""
    if not isinstance(raw, dict):
        raise ValueError(
            f"{at.prefix}{at.tag} must be a table (kind = ..., start = ...), not {shown(raw)}."
        )
    unknown = [k for k in raw if k not in EVENT_FIELDS]
    if unknown:
        raise at.error(
            f"unknown field '{unknown[0]}'.{_hint(unknown[0], EVENT_FIELDS)} "
            f"Allowed: {', '.join(EVENT_FIELDS)}."
        )
    kind = raw.get("kind")
    if kind is None:
        raise at.error(f"field 'kind' is missing: one of {', '.join(KINDS)}.")
    if not isinstance(kind, str) or kind not in KINDS:
        raise at.error(
            f"field 'kind' = {shown(kind)} is not a kind of event."
            f"{_hint(kind, KINDS)} Kinds: {', '.join(KINDS)}."
        )
    return kind


def _checked_start(
    raw: dict[str, Any], at: _At, start_year: int | None, start_month: int | None
) -> int | str:
    """The start: a month of the run (0 = the first) or a date 'YYYY-MM', not before the
    run starts when the run's start is given."""
    if "start" not in raw:
        raise at.error(
            "field 'start' is missing: a month of the run (0 = the first) or a date 'YYYY-MM'."
        )
    start = raw["start"]
    start_words = "expected a month of the run (0 = the first) or a date 'YYYY-MM'"
    if isinstance(start, bool) or not isinstance(start, int | float | str):
        raise at.bad("start", start, start_words)
    if isinstance(start, float):
        if not start.is_integer():
            raise at.bad("start", start, start_words)
        start = int(start)
    if isinstance(start, str):
        text = start.strip()
        if text.lstrip("-").isdigit():
            start = int(text)
        else:
            m = DATE_PATTERN.match(text)
            if not m or not 1 <= int(m.group(2)) <= 12:
                raise at.bad("start", start, start_words)
            start = text
    if isinstance(start, int) and not 0 <= start <= MAX_MONTH:
        raise at.bad("start", start, f"a month must be 0 or more (and at most {MAX_MONTH})")
    if isinstance(start, str) and start_year is not None and start_month is not None:
        if month_of(start, start_year, start_month) < 0:
            raise at.bad(
                "start",
                start,
                f"the date is before the run starts ({start_year:04d}-{start_month:02d})",
            )
    return start


def _checked_duration(raw: dict[str, Any], at: _At) -> int | None:
    """The duration in whole months >= 1, or None (permanent; also 'none')."""
    duration = raw.get("duration")
    if isinstance(duration, str) and duration.strip().lower() == "none":
        return None
    if duration is None:
        return None
    if isinstance(duration, float) and duration.is_integer():
        duration = int(duration)
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        raise at.bad(
            "duration",
            raw["duration"],
            "expected a whole number of months >= 1 or 'none' (permanent)",
        )
    return duration


def _checked_strength(raw: dict[str, Any], at: _At, kind: str) -> float | None:
    """The strength in the kind's range; None when absent and the kind has a default."""
    spec = KINDS[kind]
    strength = raw.get("strength")
    if strength is None:
        if spec.default is None:
            raise at.error(
                f"field 'strength' is missing: {spec.allowed()} is required for a {kind} event."
            )
        return None
    wrong = at.bad("strength", raw["strength"], f"expected {spec.allowed()}")
    if isinstance(strength, str):
        try:
            strength = float(strength)
        except ValueError:
            raise wrong from None
    if isinstance(strength, bool) or not isinstance(strength, int | float):
        raise wrong
    try:
        strength = float(strength)
    except OverflowError:  # an integer beyond any float
        raise wrong from None
    if not math.isfinite(strength) or not spec.low <= strength <= spec.high:
        raise wrong
    return strength


def _checked_target(raw: dict[str, Any], at: _At, kind: str) -> dict[str, Any]:
    """Where a targeted event applies: a region (place, English region or country of
    data/uk_places.csv) or a set of breeders, not both; {} for the whole industry."""
    region, breeders = raw.get("region"), raw.get("breeders")
    if (region is not None or breeders is not None) and not KINDS[kind].targeted:
        name = "region" if region is not None else "breeders"
        targeted = ", ".join(k for k, s in KINDS.items() if s.targeted)
        raise at.error(f"field '{name}' is not used by a {kind} event (only by {targeted}).")
    if region is not None and breeders is not None:
        raise at.error("give 'region' or 'breeders', not both.")
    if region is not None:
        names, countries = _places()
        if not isinstance(region, str) or (
            region.lower() not in names and region.lower() not in countries
        ):
            allowed = sorted(set(countries.values())) + sorted(names.values())
            raise at.error(
                f"field 'region' = {shown(region)} is not a place, region or country of "
                f"data/uk_places.csv.{_hint(region, allowed)} Larger areas: "
                f"{', '.join(sorted(set(countries.values())))}."
            )
        return {"region": names.get(region.lower()) or countries[region.lower()]}
    if breeders is not None:
        if isinstance(breeders, int) and not isinstance(breeders, bool):
            breeders = [breeders]
        ok = isinstance(breeders, list | tuple) and len(breeders) > 0
        ok = ok and all(isinstance(b, int) and not isinstance(b, bool) and b >= 0 for b in breeders)
        if not ok:
            raise at.bad("breeders", raw["breeders"], "expected a list of breeder ids (0 or more)")
        return {"breeders": sorted(set(int(b) for b in breeders))}
    return {}


def _checked_details(raw: dict[str, Any], at: _At, kind: str) -> dict[str, Any]:
    """The fields of one kind only (a disease's index herds, a demand event's segment) and
    the label."""
    out: dict[str, Any] = {}
    herds = raw.get("herds")
    if herds is not None:
        if kind != "disease":
            raise at.error("field 'herds' is used only by a disease event.")
        if isinstance(herds, bool) or not isinstance(herds, int) or herds < 1:
            raise at.bad("herds", herds, "expected a whole number of herds >= 1")
        out["herds"] = herds
    segment = raw.get("segment")
    if segment is not None:
        if kind != "demand":
            raise at.error("field 'segment' is used only by a demand event.")
        if segment not in SEGMENTS:
            raise at.bad(
                "segment",
                segment,
                f"expected one of {', '.join(SEGMENTS)}"
                f"{_hint(segment, SEGMENTS).replace(' Did', '; did').rstrip('?')}",
            )
        out["segment"] = segment
    label = raw.get("label")
    if label is not None:
        if not isinstance(label, str):
            raise at.bad("label", label, "expected a short text")
        out["label"] = label
    return out


def check_events(
    events: Any, where: str = "", start_year: int | None = None, start_month: int | None = None
) -> tuple[dict[str, Any], ...]:
    """Validate a list of events (from a file, a scenario or code); return plain dicts."""
    if events is None:
        return ()
    if isinstance(events, dict | Event):
        events = [events]
    if not isinstance(events, list | tuple):
        prefix = f"{where}: " if where else ""
        raise ValueError(
            f"{prefix}'events' must be a list of tables ([[events]]), not {shown(events)}."
        )
    return tuple(check_event(e, where, i, start_year, start_month) for i, e in enumerate(events))


def parse_event_option(text: str) -> dict[str, Any]:
    """`--event KIND:START[:STRENGTH[:DURATION]]` → an event dict (validated later)."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) < 2 or len(parts) > 4 or not all(parts):
        raise ValueError(
            f"--event '{text}' is not of the form KIND:START[:STRENGTH[:DURATION]], e.g. "
            "disease:60:0.5 or brexit:2021-01."
        )
    event: dict[str, Any] = {"kind": parts[0], "start": parts[1]}
    if len(parts) >= 3:
        event["strength"] = parts[2]
    if len(parts) == 4:
        try:
            event["duration"] = int(parts[3])
        except ValueError:
            event["duration"] = parts[3]
    return check_event(event, "--event")


@dataclass(frozen=True)
class Event:
    """One event, as code may build it: `Event("disease", start=60, strength=0.8)`."""

    kind: str
    start: int | str = 0
    duration: int | None = None
    strength: float | None = None
    region: str | None = None
    breeders: tuple[int, ...] | None = None
    herds: int | None = None
    segment: str | None = None
    label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for name in EVENT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if name == "breeders" else value
        return out


# --- the running schedule -------------------------------------------------------------------
@dataclass
class Scheduled:
    """An event in a model's schedule, with its months resolved."""

    event: dict[str, Any]
    start: int  # month of the run
    end: int | None  # first month it no longer applies; None = permanent
    strength: float
    source: str  # where it came from: the scenario's events, a parameter, a trigger
    state: str = "pending"  # pending, running, ended
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.event["kind"]

    @property
    def label(self) -> str:
        return self.event.get("label") or self.kind


def scheduled(
    event: dict[str, Any], source: str, start_year: int, start_month: int, shocks: Any
) -> Scheduled:
    """A checked event placed in a run that starts in `start_year`-`start_month`: its months
    resolved, its strength (by default a kind's own, or the shocks group's parameter that a
    kind names: `shocks`, scenario.group("shocks"))."""
    start = month_of(event["start"], start_year, start_month)
    spec = KINDS[event["kind"]]
    strength = event.get("strength")
    if strength is None:
        strength = getattr(shocks, spec.default) if isinstance(spec.default, str) else spec.default
    duration = event.get("duration")
    return Scheduled(
        event=event,
        start=start,
        end=None if duration is None else start + duration,
        strength=float(strength),
        source=source,
    )


def check_horizon(scenario: Any, steps: int) -> None:
    """Refuse any event of a scenario (its events or its parameters) that would start after
    a run of `steps` months ends; the message names the field."""
    for i, ev in enumerate(scenario.events):
        month = month_of(ev["start"], scenario.start_year, scenario.start_month)
        if month >= steps:
            raise ValueError(
                f"scenario '{scenario.name}': events[{i}] ({ev['kind']}): field 'start' = "
                f"{ev['start']!r} is month {month}, after the run ends (it has {steps} months: "
                f"0 to {steps - 1})."
            )
    for name in ("disease_start", "brexit_month", "demand_shock_month"):
        month = getattr(scenario, name)
        if month is not None and month >= steps:
            raise ValueError(
                f"parameter '{name}' = {month} is after the run ends (it has {steps} months: "
                f"0 to {steps - 1})."
            )


def parameter_events(start_year: int, start_month: int, shocks: Any) -> list[Scheduled]:
    """Events that the shocks group's parameters disease_start, brexit_month and
    demand_shock_month add (`shocks`: scenario.group("shocks"))."""
    p = shocks
    when = (start_year, start_month, shocks)
    out = []
    if p.disease_start is not None:
        ev = {"kind": "disease", "start": p.disease_start, "strength": p.disease_strength}
        out.append(scheduled(ev, "parameter 'disease_start'", *when))
    if p.brexit_month is not None:
        ev = {"kind": "brexit", "start": p.brexit_month, "strength": p.brexit_strength}
        out.append(scheduled(ev, "parameter 'brexit_month'", *when))
    if p.demand_shock_month is not None:
        ev = {"kind": "demand", "start": p.demand_shock_month, "strength": p.demand_shock_size}
        out.append(scheduled(ev, "parameter 'demand_shock_month'", *when))
    return out
