"""AlpacaModel: the UK alpaca industry as a Mesa model, one step a month.

The state is plain tables (the herd, the firm table, contracts, trust ledger, the market's
state; `state.Industry` lists them); every decision of a breeder is a function in its own
module that receives the tables (`MONTH` below says which, in the order of the month).
The model owns the tables, the random generator and the DataCollector. A breeder is a row
of the firm table, not a Mesa agent object: every decision runs as one array operation over
all breeders (docs/ODD.md, section 2), so `model.agents` is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.datacollection import DataCollector

from . import (
    breeding,
    events,
    finance,
    knowledge,
    life,
    market,
    metrics,
    paradox,
    partnering,
    rivalry,
    shearing,
    shocks,
    trading,
    world,
)
from .breeder import FirmTable
from .coownership import ENDED_STUD_DIED, Contracts
from .data import load_fleece_bands, load_uk_places
from .disease import Disease
from .herd import Herd
from .params import AlpacaScenario
from .scenarios import load_scenario
from .state import Industry
from .trust import TrustLedger

SELL_THROUGH_START = 0.1  # assumption: a listed female sells within about ten months at first


def _contracts(s: Industry) -> None:
    if s.paradox is not None:  # room for the month's new contracts
        s.paradox.grow(s.firms.n, s.contracts.n)
    partnering.run_contracts(
        s.contracts,
        s.trust,
        s.scenario.group("contracts"),
        s.scenario.group("partnering").acceptance,  # a term renews above it both ways
        s.steps,
        s.rivalry,
        s.rng,
        s.month_stats,
        None if s.paradox is None else s.paradox.conflict,  # Table 1 (E3, B4)
    )


def _knowledge(s: Industry) -> None:
    knowledge.exchange_knowledge(
        s.firms,
        s.contracts,
        s.trust,
        s.scenario.group("knowledge"),
        s.steps,
        s.month_stats,
        s.paradox,
        sharing=s.scenario.mechanism_on("knowledge_sharing"),
    )


def _strategies(s: Industry) -> None:
    rival_p = s.scenario.group("rivalry")
    if rival_p.strategy_learning:
        knowledge.review_strategies(s.firms, s.month, rival_p.protection_stake)


def _rivalry(s: Industry) -> None:
    rivalry.measure(
        s.firms, s.contracts, s.trust, s.market, s.scenario, s.steps, s.month_stats
    )  # a sale lost to a learning partner costs the month's price


def _paradox(s: Industry) -> None:
    if s.paradox is not None:
        paradox.month(
            s.paradox,
            s.firms,
            s.contracts,
            s.trust,
            s.scenario,
            s.steps,
            s.market.price,
            s.market.stud_fee,
            s.market.referrals,
            s.paradox_rng,
            s.month_stats,
            s.market.reach_response if len(s.market.reach_response) else None,
            s.market.diversions,
        )


def _spread_disease(s: Industry) -> None:
    s.disease.spread(s)


# The month, in the order a breeder lives it: (phase, what it does; reads -> writes).
# `step` runs it top to bottom; each phase is a function of the industry's tables.
MONTH: tuple[tuple[str, Callable[[Industry], None], str], ...] = (
    ("age and die", life.age_and_die, "herd, firms.knowledge -> herd.alive, firms.deaths"),
    ("give birth", life.give_birth, "herd (pregnancies) -> herd (crias), firms.births"),
    (
        "sell studs",
        trading.sell_studs,
        "herd, firms, contracts, market -> herd.owner, cash, market.stud_fee (pre-season)",
    ),
    (
        "search partners",
        partnering.search_partners,
        "firms, herd, trust, places -> contracts, trust, herd (elite studs), cash",
    ),
    (
        "mate",
        breeding.mate,
        "herd, firms, contracts, trust, market -> herd (pregnancies), cash, trust",
    ),
    ("run contracts", _contracts, "contracts, trust -> contracts (ends), trust"),
    ("share knowledge", _knowledge, "contracts, trust, firms -> firms.knowledge"),
    ("review strategies", _strategies, "firms (January) -> firms.protection"),
    (
        "trade",
        trading.trade,
        "herd, firms, market, contracts -> herd.owner/alive, cash, market (price, reach)",
    ),
    ("measure rivalry", _rivalry, "firms, contracts, trust, market -> firms (intensities)"),
    (
        "paradox",  # only with `paradox` on (paradox.py; docs/PARADOX.md)
        _paradox,
        "contracts, firms, trust, market -> balance, tensions, responses, cycles, protection",
    ),
    ("spread disease", _spread_disease, "the month's sales and visits -> disease"),
    ("shear", shearing.shear, "herd, firms, contracts (shearing month) -> cash, fibre price"),
    ("invest in industry", finance.invest_in_industry, "firms -> market.awareness, knowledge"),
    ("settle accounts", finance.settle_accounts, "herd, firms, market -> cash, profit, stock"),
    ("review plans", finance.review_plans, "firms, market (January) -> plans, reputation"),
    (
        "enter and exit",
        finance.enter_and_exit,
        "firms, market -> firms and herds of newcomers; exits dispersed",
    ),
)


class AlpacaModel(mesa.Model):
    """The UK alpaca-breeding industry as an agent-based model (one step = one month).

    Args:
        scenario: an `AlpacaScenario`, a shipped scenario name or a TOML path (default
            "baseline").
        rng: seed (int) or numpy Generator; the run is a pure function of scenario and seed.
        **overrides: parameter values that replace the scenario's (validated).
    """

    def __init__(
        self, scenario: AlpacaScenario | str | None = None, *, rng: Any = None, **overrides: Any
    ) -> None:
        if scenario is None or isinstance(scenario, str):
            scenario = load_scenario(scenario or "baseline", **overrides)
        elif overrides:
            scenario = scenario.replace(**overrides)
        if rng is None:
            rng = scenario.rng
        if isinstance(rng, np.integer):
            rng = int(rng)
        scenario = scenario.replace(rng=rng)
        super().__init__(rng=rng, scenario=scenario)
        p = self.scenario
        self.places = load_uk_places()
        self.place_share, self.place_x_km, self.place_y_km = world.place_geography(self.places)
        self.year, self.month = p.start_year, p.start_month
        self.herd = Herd()
        self.firms = FirmTable()
        self.contracts = Contracts()
        self.trust = TrustLedger(p.trust_initial, p.trust_decay)
        self.spatial_version = 0  # counts changes of the breeders' places (world.spatial_tree)
        self.tree_cache = None  # (version, KD-tree, rows) of active breeders' places
        self.leaders: np.ndarray | None = None  # best-known breeders (world.reputation_leaders)
        self.female_values_cache = None  # finance.female_values of the month's market
        self.month_stats: dict[str, float] = dict.fromkeys(metrics.MONTHLY_TALLIES, 0)
        # the paradox module (paradox.py), off by default; its own random stream, spawned
        # without drawing from the model's, so switching it on leaves every other draw alone
        self.paradox = paradox.ParadoxState() if p.paradox else None
        self.paradox_rng = self.rng.spawn(1)[0] if p.paradox else None
        if self.paradox is not None:
            self.month_stats.update(dict.fromkeys(paradox.TALLIES, 0))
        # market and environment state
        self.fibre_price_now = p.fibre_price
        self.fibre_bands = load_fleece_bands()  # micron bands and relative prices (data/)
        self.fleece_micron_now = 0.0  # mean MFD of the last clip (µm), 0 before the first
        self.investment_mood = 1.0
        self.rivalry = 1.0
        self.clustering_now = 0.0
        self.elite_level = p.quality_mean + p.elite_margin * p.quality_sd
        self.pending_firms: dict[str, np.ndarray] | None = None  # seed firms yet to be founded
        regions = sorted(set(self.places["region"]))
        self.place_region = np.array([regions.index(r) for r in self.places["region"]])
        self.market = self._start_market(regions)
        world.populate(self)
        self.firms.fill_strategies(p.protection, p.control_strength, p.protection_sd, self.rng)
        self.disease = Disease()
        self.shocks = shocks.ShockEngine(self)  # the schedule of events (shocks.py)
        self.event_log = self.shocks.log  # what fired when
        self.rivalry_index = self.shocks.update_rivalry_index()
        n_alpacas = max(len(self.herd.view("alive").nonzero()[0]), 1)
        self.market.pool_base = self.market.pool_size = market.starting_pool(
            p.hobby_demand * n_alpacas,
            p.pool_adopted_start,
            p.bass_innovation,
            p.bass_imitation,
            p.replacement_rate,
        )
        self.market.adopters = p.pool_adopted_start * self.market.pool_base
        self.base_pet = p.pet_demand * n_alpacas / 12
        self.firms.stock_value[: self.firms.n] = finance.stock_values(self)
        self.datacollector = DataCollector(
            model_reporters={c: _column(c) for c in metrics.model_columns(self)}
        )
        self._agent_frames: list[pd.DataFrame] = []
        self._report: dict = {}
        self.running = True

    # --- the month --------------------------------------------------------------------------
    def step(self) -> None:
        """One month of the industry: MONTH's phases in order, between the month's opening
        (calendar, tallies, events, newcomers) and its close (tidy tables, collect)."""
        self._begin_month()
        for _name, phase, _reads_writes in MONTH:
            phase(self)
        self._end_month()

    def _begin_month(self) -> None:
        if self.steps > 1:  # Mesa counts steps from 1; the first step is the start month
            self.month += 1
            if self.month > 12:
                self.month, self.year = 1, self.year + 1
        for key in self.month_stats:
            self.month_stats[key] = 0
        self.elite_level = breeding.elite_level(self.herd, self.scenario)
        world.admit_founded_firms(self)  # seed firms founded this year (uk_national)
        n_f = self.firms.n
        self.firms.revenue[:n_f] = 0.0
        self.firms.costs[:n_f] = 0.0
        self.firms.owner_in[:n_f] = 0.0
        self.firms.sales_count[:n_f] = 0.0
        self.firms.sales_value[:n_f] = 0.0
        self.shocks.begin_month()  # events fire or end; disease testing and control
        partnering.first_impressions(self)  # new acquaintances read each other's honesty
        if self.paradox is not None:  # room for last month's entrants and this year's founders
            self.paradox.grow(self.firms.n, self.contracts.n)

    def _end_month(self) -> None:
        p = self.scenario
        self.firms.fill_strategies(p.protection, p.control_strength, p.protection_sd, self.rng)
        remap = self.herd.compact()
        self.disease.remap(remap)
        gone = self.contracts.remap_studs(remap)
        if len(gone):
            self.month_stats["contracts_ended"] += self.contracts.end(
                gone, self.steps, ENDED_STUD_DIED
            )
        if self.steps % p.network_metrics_every == 0:
            self.clustering_now = metrics.clustering(self)
        heads = self.herd.counts_by_owner(self.firms.n)  # each breeder's animals, at the close
        self.rivalry_index = self.shocks.update_rivalry_index(heads)
        self._report = metrics.industry_row(self, heads)
        self.datacollector.collect(self)  # each reporter reads the month's row
        if self.steps % p.agent_report_every == 0:
            self._agent_frames.append(metrics.breeder_table(self))

    def _start_market(self, regions: list[str]) -> market.MarketState:
        """The livestock market before the first month: prices and expectations at the
        scenario's starting price, buyers' homes at the places' weights by region."""
        p, places = self.scenario, self.places
        x, y = world.to_km(places["lat"].to_numpy(float), places["lon"].to_numpy(float))
        w = places["weight"].to_numpy(float)
        code = self.place_region
        n_r = len(regions)
        weight = np.bincount(code, weights=w, minlength=n_r)
        safe = np.maximum(weight, 1e-12)
        return market.MarketState(
            price=p.price_female,
            expected_price=p.price_female,
            sell_through=SELL_THROUGH_START,
            pool_base=0.0,
            pool_size=0.0,
            adopters=0.0,
            stud_fee=p.stud_fee,
            region_x=np.bincount(code, weights=w * x, minlength=n_r) / safe,
            region_y=np.bincount(code, weights=w * y, minlength=n_r) / safe,
            region_weight=weight,
        )

    # --- what a user of the model reads ----------------------------------------------------
    @property
    def date(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def demand_index(self) -> float:
        """Outside demand relative to the start (metrics.demand_index)."""
        return metrics.demand_index(self)

    # --- events while the model runs ----------------------------------------------------------
    def trigger(self, event: dict | events.Event | None = None, **fields: Any) -> dict:
        """Fire an event while the model runs: by default it starts with the next month.

        Example: `model.trigger(kind="disease", strength=0.8)` or
        `model.trigger({"kind": "brexit", "start": "2021-01"})`. Returns the checked event;
        raises ValueError naming the field if it is not valid.
        """
        if event is None:
            event = fields
        elif fields:
            event = (event.to_dict() if isinstance(event, events.Event) else dict(event)) | fields
        return self.shocks.trigger(event)

    # --- results ----------------------------------------------------------------------------
    @property
    def model_df(self) -> pd.DataFrame:
        """One row per month of the model-level reporters."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return df[list(metrics.model_columns(self))]

    @property
    def agent_df(self) -> pd.DataFrame:
        """Breeder rows per collection period, indexed by (step, breeder_id)."""
        frames = list(self._agent_frames)
        last = frames[-1].index.get_level_values("step") if frames else []
        if not len(last) or last[0] != self.steps:  # (a table is empty once all have exited)
            frames.append(metrics.breeder_table(self))
        return pd.concat(frames)

    # --- checkpoints (checkpoint.py) ----------------------------------------------------------
    def save(self, path: str | Path, **meta: Any) -> Path:
        """Save the model to `path` (atomically) to resume it later with `AlpacaModel.load`.

        `meta` (JSON values) is kept in the file's header, e.g. the months the run is to reach.
        """
        from .checkpoint import save_model

        return save_model(self, path, meta)

    @classmethod
    def load(cls, path: str | Path) -> AlpacaModel:
        """A model saved with `save`; stepping it continues the saved run exactly.

        Refuses (ValueError) a file that is not a checkpoint, is damaged, or was written by
        another version. A checkpoint is data (npz + JSON): loading one never runs code.
        """
        from .checkpoint import load_model

        return load_model(path, cls)


def _column(name: str):
    """Reporter for one model column: reads the month's precomputed row."""

    def report(model: AlpacaModel):
        return model._report[name]

    report.__name__ = f"report_{name}"
    return report
