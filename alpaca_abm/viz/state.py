"""The one adapter between the model and the app: a model in, plain frames and arrays out.

Everything the browser app shows is read here, from the model's public state only
(`model_df`, `agent_df`, `firms`, `herd`, `contracts`, `trust`, `disease`, `event_log`,
`year`/`month`/`steps`), so that a change in the model's internals is one change here.
What each plot draws is the `SERIES` table: a renamed or new column is a one-line change,
and a listed column the model does not (yet) report is skipped, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..breeder import DOMAINS, SMALL_HERD
from ..coownership import RELATIONSHIP_TYPES
from ..params import PARAMETER_INDEX, Param
from ..shocks import event_marks

# --- what the time series draw -------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One small plot: a title, a y-axis label and the (column, legend label) lines."""

    title: str
    ylabel: str
    lines: tuple[tuple[str, str], ...]
    source: str = "model"  # "model": a column of model_df; "breeders": a group mean (below)
    zero_is_missing: bool = False  # a 0 means "not measured yet" (no clip sold), not a value
    switch: str | None = None  # a module switch its columns need (drawn only when it is on)


# Model-level columns by level of the seed study (Table 4). A column the model does not
# report is left out of its plot, and a plot with none of its columns is not drawn (the
# fleece-fineness plot appears once the model reports `mean_micron`).
SERIES: dict[str, tuple[Panel, ...]] = {
    "industry": (
        Panel("Breeders", "active breeders", (("n_breeders", "breeders"),)),
        Panel("Alpacas", "alpacas", (("n_alpacas", "alpacas"),)),
        Panel("Fleece quality", "quality index (higher = finer)", (("mean_quality", "mean"),)),
        Panel(
            "Fleece fineness",
            "micron (lower = finer)",
            (("mean_micron", "genetic mean"), ("fleece_micron", "last clip")),
            zero_is_missing=True,
        ),
        Panel("Price", "GBP per breeding female", (("price_female", "female price"),)),
        Panel("Market size", "GBP of stock sold a month", (("sales_value", "sales value"),)),
        Panel(
            "Disease", "herds", (("infected_herds", "infected"), ("restricted_herds", "restricted"))
        ),
    ),
    "organisational": (
        Panel(
            "Profit by size class",
            "GBP a month, mean breeder",
            (("small_mean_profit", f"small (< {SMALL_HERD})"), ("large_mean_profit", "large")),
        ),
        Panel("Elite genetics", "share of breeders", (("elite_access_share", "with access"),)),
        Panel("Co-ownerships", "count", (("n_partnerships", "running"),)),
        Panel(
            "Profit: co-owning vs alone",
            "GBP, last 12 months, mean",
            (("profit", "co-owning"), ("profit", "alone")),
            source="breeders",
        ),
        Panel(
            "Elite access: co-owning vs alone",
            "share of breeders",
            (("elite_access", "co-owning"), ("elite_access", "alone")),
            source="breeders",
        ),
    ),
    "individual": (
        Panel("Knowledge", "mean owner knowledge (0-1)", (("mean_knowledge", "knowledge"),)),
        Panel("Trust", "mean trust (0-1)", (("mean_trust", "trust"),)),
        Panel(
            "Ties",
            "acquaintances per breeder",
            (("n_ties", "co-owning"), ("n_ties", "alone")),
            source="breeders",
        ),
        Panel("Leakage", "core knowledge leaked a month", (("leakage", "leakage"),)),
    ),
    "relationships": (
        Panel(
            "Relationship types",
            "share of partnerships",
            (
                ("share_coop_dominated", "cooperation-dominated"),
                ("share_equal", "equal"),
                ("share_comp_dominated", "competition-dominated"),
            ),
        ),
        # the coopetition paradox (paradox.py): drawn only when the module is on
        Panel(
            "Balance",
            "0-1",
            (("mean_balance", "mean balance"), ("share_balanced", "share balanced")),
            switch="paradox",
        ),
        Panel(
            "Cycles",
            "partnerships",
            (
                ("virtuous_cycles", "virtuous"),
                ("vicious_cycles", "vicious"),
                ("premature_dissolutions", "ended early"),
            ),
            switch="paradox",
        ),
        Panel(
            "Value of partnerships",
            "GBP a month",
            (("joint_value", "created"), ("value_destroyed", "destroyed")),
            switch="paradox",
        ),
    ),
}
LEVELS = tuple(SERIES)


def years(model_df: pd.DataFrame) -> np.ndarray:
    """Decimal years of each row (date is 'YYYY-MM')."""
    if len(model_df) == 0:
        return np.zeros(0)
    parts = model_df["date"].str.split("-", expand=True).astype(int)
    return (parts[0] + (parts[1] - 1) / 12).to_numpy()


def panel_lines(panel: Panel, model_df: pd.DataFrame, agent_df: pd.DataFrame | None):
    """(label, x years, y) of each line of `panel` the tables can give; missing ones skipped
    (a column absent, or with nothing measured yet where zero means missing)."""
    out = []
    if panel.source == "model":
        t = years(model_df)
        for column, label in panel.lines:
            if column in model_df.columns:
                y = model_df[column].to_numpy(float)
                if panel.zero_is_missing:
                    y = np.where(y == 0, np.nan, y)
                    if not np.isfinite(y).any():  # not measured yet: no line, no legend entry
                        continue
                out.append((label, t, y))
        return out
    if agent_df is None or len(agent_df) == 0:
        return out
    df = agent_df.reset_index()
    if "n_partners" not in df.columns:
        return out
    dates = model_df.set_index("step")["date"] if len(model_df) else pd.Series(dtype=str)
    for column, label in panel.lines:
        if column not in df.columns:
            continue
        group = df[(df["n_partners"] > 0) == (label == "co-owning")]
        by = group.groupby("step")[column].mean()
        steps = [s for s in by.index if s in dates.index]
        if not steps:
            continue
        frame = pd.DataFrame({"date": dates.loc[steps].to_numpy()})
        out.append((label, years(frame), by.loc[steps].to_numpy(float)))
    return out


def marks(model: Any) -> tuple[tuple[float, str], ...]:
    """(decimal year, label) of every event that started so far, for the time axes."""
    return event_marks(model.event_log)


# --- the map -------------------------------------------------------------------------------

COLOUR_MODES = ("relationship type", "infection", "size class")


def _dominant_type(model: Any, n: int) -> np.ndarray:
    """Each breeder's most common relationship type among running partnerships; -1 alone."""
    con = model.contracts
    run = con.running()
    counts = np.zeros((n, len(RELATIONSHIP_TYPES)))
    for who in (con.keeper[run], con.partner[run]):
        np.add.at(counts, (who, con.rtype[run]), 1)
    return np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1)


def firm_frame(model: Any) -> pd.DataFrame:
    """One row per active breeder: where it is, its herd and what the map colours by."""
    firms = model.firms
    n = firms.n
    rows = firms.active_rows()
    heads = model.herd.counts_by_owner(n)
    infected = np.asarray(model.disease.infected_by_owner(model))[:n] if n else np.zeros(0)
    rtype = _dominant_type(model, n)
    names = model.places["name"].to_numpy()
    return pd.DataFrame(
        {
            "breeder_id": rows,
            "x_km": firms.x_km[rows],
            "y_km": firms.y_km[rows],
            "herd": heads[rows],
            "size_class": np.where(heads[rows] < SMALL_HERD, "small", "large"),
            "relationship": rtype[rows],
            "infected": infected[rows] > 0 if n else np.zeros(0, bool),
            "restricted": firms.restricted[rows].astype(bool),
            "place": names[firms.place[rows]],
            "niche": firms.niche[rows],
        }
    )


def partnership_links(model: Any) -> pd.DataFrame:
    """One row per running co-ownership: keeper, partner and relationship type."""
    con = model.contracts
    run = con.running()
    return pd.DataFrame(
        {"keeper": con.keeper[run], "partner": con.partner[run], "rtype": con.rtype[run]}
    )


def trust_ties(model: Any, least: float = 0.0) -> pd.DataFrame:
    """Trust ties between active breeders (src, dst, trust now), those above `least`."""
    t, firms = model.trust, model.firms
    src, dst = t.src[: t.n], t.dst[: t.n]
    value = t.all_current(model.steps)
    keep = firms.active[src] & firms.active[dst] & (src != dst) & (value > least)
    return pd.DataFrame({"src": src[keep], "dst": dst[keep], "trust": value[keep]})


# --- the network view ----------------------------------------------------------------------

NETWORK_MAX_NODES = 300  # drawn at most: the best-connected breeders


class NetworkLayout:
    """Positions of breeders in the network view, computed once per breeder and kept.

    A breeder seen for the first time is placed by a short force layout with every known
    breeder held fixed, so the picture does not jump and no layout of the whole industry
    is ever recomputed on a redraw.
    """

    def __init__(self, seed: int = 0) -> None:
        self.pos: dict[int, tuple[float, float]] = {}
        self.seed = seed

    def positions(self, nodes: list[int], edges: list[tuple[int, int]]) -> dict[int, Any]:
        """Positions of `nodes`, placing only the ones not yet known."""
        import networkx as nx

        new = [n for n in nodes if n not in self.pos]
        if new:
            g = nx.Graph()
            g.add_nodes_from(nodes)
            g.add_edges_from(edges)
            known = {n: self.pos[n] for n in nodes if n in self.pos}
            if known:
                placed = nx.spring_layout(
                    g, pos=known, fixed=list(known), iterations=20, seed=self.seed
                )
            else:
                placed = nx.spring_layout(g, iterations=50, seed=self.seed)
            for n in new:
                self.pos[n] = tuple(float(v) for v in placed[n])
        return {n: self.pos[n] for n in nodes}


def network_frame(model: Any, layout: NetworkLayout) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (breeder, x, y, herd, partners) and edges (a, b, kind, trust) to draw."""
    links = partnership_links(model)
    ties = trust_ties(model, least=model.scenario.trust_initial)
    firms = firm_frame(model)
    degree = pd.concat([links["keeper"], links["partner"], ties["src"], ties["dst"]]).value_counts()
    shown = degree.index[:NETWORK_MAX_NODES].tolist()
    shown_set = set(shown)
    edges = [
        (int(a), int(b), "co-ownership", float("nan"))
        for a, b in zip(links["keeper"], links["partner"], strict=True)
        if a in shown_set and b in shown_set
    ]
    edges += [
        (int(a), int(b), "trust", float(v))
        for a, b, v in zip(ties["src"], ties["dst"], ties["trust"], strict=True)
        if a < b and a in shown_set and b in shown_set
    ]
    pos = layout.positions([int(n) for n in shown], [(a, b) for a, b, _, _ in edges])
    herd = firms.set_index("breeder_id")["herd"]
    nodes = pd.DataFrame(
        {
            "breeder_id": shown,
            "x": [pos[n][0] for n in shown],
            "y": [pos[n][1] for n in shown],
            "herd": [int(herd.get(n, 0)) for n in shown],
        }
    )
    return nodes, pd.DataFrame(edges, columns=["a", "b", "kind", "trust"])


# --- the inspector -------------------------------------------------------------------------


def breeder_choices(model: Any) -> list[str]:
    """'id · place · herd' of each active breeder, for the inspector's list."""
    f = firm_frame(model)
    return [
        f"{b} · {p} · {h} alpacas"
        for b, p, h in zip(f["breeder_id"], f["place"], f["herd"], strict=True)
    ]


def breeder_detail(model: Any, breeder: int) -> dict[str, Any]:
    """What the inspector shows of one breeder: herd, partners and trust, knowledge,
    accounts (GBP) and its history in the run."""
    firms, herd = model.firms, model.herd
    if not 0 <= breeder < firms.n:
        raise ValueError(f"there is no breeder {breeder}: breeders are 0 to {firms.n - 1}.")
    alive = herd.view("alive")
    mine = alive & (herd.view("owner") == breeder)
    female = herd.view("female")[mine]
    age = herd.view("age")[mine]
    quality = herd.view("quality")[mine]
    adult = age >= model.scenario.female_breeding_age
    herd_table = pd.DataFrame(
        {
            "animals": [
                int((female & adult).sum()),
                int((~female & adult).sum()),
                int((~adult).sum()),
                int(mine.sum()),
            ],
            "mean quality": [
                _mean(quality[female & adult]),
                _mean(quality[~female & adult]),
                _mean(quality[~adult]),
                _mean(quality),
            ],
        },
        index=["breeding-age females", "breeding-age males", "young stock", "whole herd"],
    )
    partners = model.contracts.partners_of(breeder)
    trust = (
        model.trust.get(np.full(len(partners), breeder), np.asarray(partners, int), model.steps)
        if partners
        else np.zeros(0)
    )
    partner_table = pd.DataFrame({"partner": partners, "trust": np.round(trust, 3)})
    knowledge = pd.Series(firms.knowledge[breeder], index=list(DOMAINS)).round(3)
    accounts = pd.Series(
        {
            "cash": float(firms.cash[breeder]),
            "revenue, last 12 months": float(firms.revenue_ring[breeder].sum()),
            "costs, last 12 months": float(firms.costs_ring[breeder].sum()),
            "profit, last 12 months": float(
                firms.revenue_ring[breeder].sum() - firms.costs_ring[breeder].sum()
            ),
        }
    ).round(0)
    history = pd.DataFrame()
    agent_df = model.agent_df
    if len(agent_df):
        ids = agent_df.index.get_level_values("breeder_id")
        cols = [
            c
            for c in ("herd_size", "herd_quality", "cash", "profit", "n_partners", "knowledge")
            if c in agent_df.columns
        ]
        history = agent_df[ids == breeder][cols].reset_index(level="breeder_id", drop=True)
    return {
        "breeder": breeder,
        "active": bool(firms.active[breeder]),
        "place": str(model.places["name"].to_numpy()[firms.place[breeder]]),
        "herd": herd_table,
        "partners": partner_table,
        "knowledge": knowledge,
        "accounts": accounts,
        "history": history,
        "infected": bool(np.asarray(model.disease.infected_by_owner(model))[breeder] > 0),
        "restricted": bool(firms.restricted[breeder]),
    }


def _mean(values: np.ndarray) -> float:
    return round(float(values.mean()), 2) if len(values) else float("nan")


# --- tables for download -------------------------------------------------------------------


def model_csv(model: Any) -> str:
    """The run's model table (one row per month) as CSV text."""
    return model.model_df.to_csv(index=False)


def breeder_csv(model: Any) -> str:
    """The run's breeder table (one row per breeder per period) as CSV text."""
    return model.agent_df.to_csv()


# --- controls from the parameter table -----------------------------------------------------

# The main parameters a class moves, and the app's slider range where the table's allowed
# range is too wide to slide (None: the table's own range). Labels, units and help text
# come from alpaca_abm.params.PARAMETERS.
SLIDERS: dict[str, tuple[float, float, float] | None] = {
    "openness_mean": None,
    "protection": None,
    "control_strength": None,
    "opportunism_mean": None,
    "trust_initial": None,
    "search_rate": (0.0, 0.3, 0.01),
    "conflict_rate": (0.0, 0.3, 0.01),
    "n_breeders": (10, 1500, 10),
}
# The mechanism switches, with their label in words (None: the first sentence of the
# parameter table's text). A new switch is one line here.
SWITCHES: dict[str, str | None] = {
    "coopetition": "Coopetition: breeders may cooperate at all (off: the counterfactual)",
    "coownership": None,
    "knowledge_sharing": None,
    "referrals": None,
    "industry_investment": None,
    "entry_exit": None,
    "paradox": "Coopetition paradox: balance, tensions, owners' responses, cycles",
}


@dataclass(frozen=True)
class SliderSpec:
    """A control for one parameter, read from the parameter table."""

    name: str
    label: str
    kind: type
    low: float
    high: float
    step: float
    default: Any
    help: str


def slider_spec(name: str) -> SliderSpec:
    """The slider of parameter `name`: label with unit, range, step and help text."""
    p: Param = PARAMETER_INDEX[name]
    app_range = SLIDERS.get(name)
    if app_range is None:
        low, high = p.low, p.high
        step = 1 if p.kind is int else round((high - low) / 100, 6)
    else:
        low, high, step = app_range
    unit = f" ({p.unit})" if p.unit else ""
    return SliderSpec(
        name=name,
        label=name.replace("_", " ").capitalize() + unit,
        kind=p.kind,
        low=low,
        high=high,
        step=step,
        default=p.default,
        help=p.doc,
    )


def switch_default(name: str) -> bool:
    """A mechanism switch's default: the parameter table's (the paradox is off by default)."""
    return bool(PARAMETER_INDEX[name].default)


def switch_label(name: str) -> str:
    """A mechanism switch's label in words: SWITCHES' own, else the parameter table's text."""
    own = SWITCHES.get(name)
    if own:
        return own
    doc = PARAMETER_INDEX[name].doc
    return doc.split(". ")[0].rstrip(".")


def run_parameters(model: Any) -> list[tuple[str, Any]]:
    """(control label, value) of every app control as the model's scenario holds it."""
    out = [(slider_spec(n).label, getattr(model.scenario, n)) for n in SLIDERS]
    switches = [(switch_label(n), "on" if getattr(model.scenario, n) else "off") for n in SWITCHES]
    return out + switches


def infected_herds(model: Any) -> int:
    """Herds with at least one infected animal now."""
    if model.firms.n == 0:
        return 0
    return int(np.count_nonzero(model.disease.infected_by_owner(model)))


def switch_help(name: str) -> str:
    """Help text of a mechanism switch, from the parameter table."""
    return PARAMETER_INDEX[name].doc


def about_text(model: Any, months: int) -> str:
    """The About tab for the running scenario, in the NetLogo Info-tab order (markdown): its
    name, description, size and dates come from the model, not from fixed text."""
    sc = model.scenario
    start = f"January {sc.start_year}"
    end_year = sc.start_year + (months - 1) // 12
    now = int(model.firms.active.sum())
    mechanisms = [n for n in SWITCHES if n not in ("coopetition", "paradox")]
    on = [switch_label(n).split(" (")[0].lower() for n in mechanisms]
    off = [switch_label(n).split(" (")[0].lower() for n in mechanisms if not getattr(sc, n)]
    cooperation = (
        "Cooperation is **switched off** in this scenario: it is the counterfactual industry."
        if not sc.coopetition
        else "Switched off in this scenario: " + "; ".join(off) + "."
        if off
        else "Every cooperation mechanism is on."
    )
    return f"""
## What is it?
A model of the UK alpaca-breeding industry, where small farms ("breeders") **compete** for
buyers and **cooperate** at the same time: they co-own expensive stud males, share what they
know and pass buyers on to each other. Business researchers call this *coopetition*. The
model is built on an interview study of 29 UK breeders.

This is the scenario **{sc.name}**: {sc.description or "no description given."} It starts in
{start} with {sc.n_breeders:,} breeders ({now:,} now) and runs {months} months, to the end of
{end_year}. {cooperation}

## How it works
One step is one month. Each month every breeder's animals age, are born and die; breeders
look for partners to co-own an elite stud, mate their females, trade animals and fleece,
share (or protect) knowledge, and pay their costs. Trust grows in partnerships that work
and falls when a partner cheats (overuses the shared stud) or when rivalry flares up.
Breeders that lose money for too long leave; newcomers arrive. The mechanisms, each of which
can be switched off: {"; ".join(on)}.

## How to use it
Press **Step** to run a month (or the number of months set by *Render every N steps*),
**▶** to play and pause, **Reset** to start again with the sliders' values. The run stops
after {months} months. The shock buttons fire an event from the next month. The **Twin**
switch runs a second industry, identical but with no cooperation, beside yours: its curves
are dashed.

## Things to notice
- Lines on the map join breeders that co-own a stud; their colour is the kind of
  relationship (green: cooperation-dominated, purple: equal, orange: competition-dominated).
- After a disease outbreak, infection travels along sales and stud visits: partners
  spread it to each other.
- Compare small breeders who co-own with small breeders alone (Firms tab): who reaches elite
  genetics?

## Things to try
- Lower *Control strength* and raise *Opportunism*: do partnerships survive?
- Turn the twin on and fire **Disease outbreak**: which industry suffers more?
- Set *Openness* to 0: what happens to knowledge compared with the twin?

## Extending the model
Every mechanism is a small function in its own module of `alpaca_abm/`; the parameters,
with their units and sources, are in `docs/PARAMETERS.md`, and every output column in
`docs/DATA.md`. Experiments over many runs: `alpaca-abm sweep`.

## Credits and references
alpaca-abm (MIT licence), built on Mesa 3 and Solara. The map's outline of Great Britain is
Natural Earth (public domain). Domain: M. Garri, *Coopetition, Value Co-Creation, and
Knowledge-Enhancement in the UK Alpaca Industry: A multi-level mechanism* (University of
Portsmouth), an interview study of 29 UK alpaca breeders (its Tables 1, 2 and 4).
"""
