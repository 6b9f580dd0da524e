"""AlpacaModel: the UK alpaca industry, one step a month.

The state is plain data (the herd, the firm table, contracts, trust ledger, market
indices); `step()` is the month in the order a breeder lives it. Every mechanism is a
function in its own module, switchable through the scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.datacollection import DataCollector
from scipy.spatial import cKDTree

from . import (
    breeding,
    finance,
    fleece,
    knowledge,
    market,
    metrics,
    partnering,
    rivalry,
    shocks,
    trading,
    world,
)
from .breeder import HEALTH, Breeder, FirmTable
from .coownership import ENDED_STUD_DIED, Contracts
from .data import load_fleece_bands, load_uk_places
from .disease import Disease
from .herd import (
    NOT_PREGNANT,
    Herd,
    monthly_death_probability,
    offspring_colour,
    offspring_quality,
)
from .params import AlpacaScenario
from .scenarios import load_scenario
from .trust import TrustLedger

MONTHLY_TALLIES = (
    "births",
    "deaths",
    "sales_count",
    "sales_value",
    "pet_sales",
    "internal_sales",
    "export_sales",
    "referrals",
    "lost_enquiries",
    "new_contracts",
    "contracts_ended",
    "breaches",
    "detected_breaches",
    "conflicts",
    "knowledge_shared",
    "leakage",
    "service_matings",
    "coowned_matings",
    "own_matings",
    "studs_bought_alone",
    "entrants",
    "exits",
    "pooled_kg",
    "listed",
    "demand",
    "new_infected_herds",
    "found_herds",
    "culled",
    "coloured_sales",
    "stud_sales",
    "wether_sales",
    # competition inside coopetition (rivalry.py)
    "searches",
    "acceptable_candidates",
    "fallback_hired",
    "displaced_matings",
    "displaced_fees",
    "leakage_sales_lost",
)
COOPETITION_MECHANISMS = ("coownership", "knowledge_sharing", "referrals", "industry_investment")
SELL_THROUGH_START = 0.1  # assumption: a listed female sells within about ten months at first
REPUTATION_TOP_SHARE = 0.1  # the best-known tenth of breeders can be reached by reputation


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
        self.breeder_agents: dict[int, Breeder] = {}
        self.spatial_version = 0
        self._tree: tuple[int, cKDTree, np.ndarray] | None = None
        self._leaders: np.ndarray | None = None
        self.month_stats: dict[str, float] = dict.fromkeys(MONTHLY_TALLIES, 0)
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
        self.fill_new_breeders()
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
            model_reporters={c: _column(c) for c in metrics.MODEL_COLUMNS}
        )
        self._agent_frames: list[pd.DataFrame] = []
        self._report: dict = {}
        self.running = True

    # --- the month --------------------------------------------------------------------------
    def step(self) -> None:
        """One month of the industry, in the order a breeder lives it."""
        p = self.scenario
        self._begin_month()
        self.age_and_die()  # ageing, deaths (health knowledge helps)
        self.give_birth()  # crias from last year's matings
        trading.sell_studs(self)  # before the season: stud fees set, UK-bred studs sold
        partnering.search_partners(self)  # co-owners sought, elite studs bought
        breeding.mate(self)  # own, co-owned (quota, control) or hired
        partnering.run_contracts(  # trust, fairness, conflict, renewals, dissolution
            self.contracts, self.trust, p, self.steps, self.rivalry, self.rng, self.month_stats
        )
        knowledge.exchange_knowledge(  # reciprocity, own trust, protection, absorption
            self.firms, self.contracts, self.trust, p, self.steps, self.month_stats
        )
        if p.strategy_learning:
            knowledge.review_strategies(self.firms, self.month)  # share or protect (January)
        trading.trade(self)  # call auction, local and niche search, referrals, pets
        rivalry.measure(  # competition and cooperation intensities; leakage's lost sales
            self.firms,
            self.contracts,
            self.trust,
            *self.market_view(),
            p,
            self.steps,
            self.month_stats,
            referrals=self.market.referrals,  # this month's referrer -> seller pairs
        )
        self.disease.spread(self)  # infection along the month's sales and stud visits
        self.shear()  # yearly shearing, fleece sold by micron band, national fibre pool
        finance.invest_in_industry(self)  # education days and awareness
        finance.settle_accounts(self)  # running costs, stock at market, accounting profit
        finance.review_plans(self)  # herd plans at expected margins; reputations (January)
        finance.enter_and_exit(self)  # newcomers on expected return, sustained losses out
        self._end_month()  # tidy arrays, collect reporters

    def _begin_month(self) -> None:
        if self.steps > 1:  # Mesa counts steps from 1; the first step is the start month
            self.month += 1
            if self.month > 12:
                self.month, self.year = 1, self.year + 1
        for key in self.month_stats:
            self.month_stats[key] = 0
        self.elite_level = self.current_elite_level()
        world.admit_founded_firms(self)  # seed firms founded this year (uk_national)
        n_f = self.firms.n
        self.firms.revenue[:n_f] = 0.0
        self.firms.costs[:n_f] = 0.0
        self.firms.owner_in[:n_f] = 0.0
        self.firms.sales_count[:n_f] = 0.0
        self.firms.sales_value[:n_f] = 0.0
        self.shocks.begin_month()  # events fire or end; disease testing and control
        self.first_impressions()

    def fill_new_breeders(self) -> None:
        """Newcomers' share/protect strategy and belief in control (at the start, after entry)."""
        p = self.scenario
        self.firms.fill_strategies(p.protection, p.control_strength, p.protection_sd, self.rng)

    def first_impressions(self) -> None:
        """New acquaintances read each other's honesty through a noisy signal (P1a)."""
        rows = self.trust.unimpressed()
        if len(rows) == 0:
            return
        t = self.trust
        honesty = 1.0 - self.firms.opportunism[t.dst[rows]]
        noise = self.rng.normal(0.0, rivalry.SIGNAL_NOISE_SD, len(rows))
        t.value[rows] = rivalry.first_impression(
            t.baseline, honesty, noise, rivalry.SIGNAL_TRUST_SPREAD
        )

    def age_and_die(self) -> None:
        """Every animal grows a month older; some die (fewer where health knowledge is high)."""
        p, herd = self.scenario, self.herd
        alive, age, owner = herd.view("alive"), herd.view("age"), herd.view("owner")
        everyone = alive.all()  # the usual case: rows were compacted at the end of last month
        if everyone:
            age += 1
        else:
            np.add(age, 1, out=age, where=alive)
        chance = monthly_death_probability(
            age,
            p.adult_mortality,
            p.cria_mortality,
            p.max_age,
            self.firms.knowledge[: self.firms.n, HEALTH],
            p.health_effect,
            owner,
        )
        # one draw per row, dead rows included (there are none: rows are compacted monthly)
        draw = self.rng.random(herd.n) < chance
        dead = np.flatnonzero(draw if everyone else alive & draw)
        herd.alive[dead] = False
        n_f = self.firms.n
        self.firms.deaths[:n_f] += np.bincount(owner[dead], minlength=n_f)
        self.month_stats["deaths"] += len(dead)

    def give_birth(self) -> None:
        """Pregnancies advance a month; due dams give birth to one cria each."""
        p, herd, rng = self.scenario, self.herd, self.rng
        due = herd.view("due_in")
        carrying = np.flatnonzero(herd.view("alive") & (due > 0))
        due[carrying] -= 1
        dams = carrying[due[carrying] == 0]
        if len(dams) == 0:
            return
        owners = herd.owner[dams].copy()
        mendelian = fleece.mendelian_cv(p.micron_sd, p.micron_mean, p.micron_floor)
        quality = offspring_quality(
            herd.quality[dams], herd.sire_quality[dams], mendelian, p.quality_ceiling, rng
        )
        colour = offspring_colour(herd.colour[dams], herd.sire_colour[dams], rng)
        herd.due_in[dams] = NOT_PREGNANT
        herd.add(
            owner=owners,
            female=rng.random(len(dams)) < 0.5,
            age=np.zeros(len(dams)),
            quality=quality,
            colour=colour,
            fleece_env=fleece.draw_environment(len(dams), p.micron_sd, p.fd_heritability, rng),
            other_merit=fleece.draw_other_merit(
                len(dams), p.micron_sd, p.fd_heritability, p.fd_selection_share, rng
            ),
        )
        np.add.at(self.firms.births, owners, 1)
        self.month_stats["births"] += len(dams)

    def shear(self) -> None:
        """The yearly clip: shorn, sold by micron band (fleece.py); the month's prices kept."""
        clip = fleece.sell_fibre(
            self.herd,
            self.firms,
            self.contracts,
            self.scenario,
            self.month,
            self.fibre_demand_factor(),
            self.month_stats,
            self.fibre_bands,
        )
        if clip is not None:
            self.fibre_price_now = clip["price_per_kg"]
            self.fleece_micron_now = clip["micron"]

    def _end_month(self) -> None:
        self.fill_new_breeders()  # entrants of the month
        remap = self.herd.compact()
        self.disease.remap(remap)
        gone = self.contracts.remap_studs(remap)
        if len(gone):
            self.month_stats["contracts_ended"] += self.contracts.end(
                gone, self.steps, ENDED_STUD_DIED
            )
        p = self.scenario
        if self.steps % p.network_metrics_every == 0:
            self.clustering_now = metrics.clustering(self)
        self.rivalry_index = self.shocks.update_rivalry_index()
        self._report = metrics.industry_row(self)
        self._collect()
        if self.steps % p.agent_report_every == 0:
            self._agent_frames.append(metrics.breeder_table(self))

    def _collect(self) -> None:
        """What `DataCollector.collect` does with our reporters, without a call and a deepcopy
        per column: each reporter only reads the month's row, whose values are immutable
        scalars. The first collection goes through Mesa (it validates the reporters)."""
        dc = self.datacollector
        if not dc._validated:
            dc.collect(self)
            return
        dc._collection_steps.append(self.time)
        row, columns = self._report, dc.model_vars
        for name in dc.model_reporters:
            columns[name].append(row[name])

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

    # --- contracts --------------------------------------------------------------------------
    def touch_partnerships(self, rows: np.ndarray) -> None:
        """Partners met this month (mating trips): contact keeps trust from decaying."""
        self.trust.touch_rows(self.contracts.ties(np.unique(rows)), self.steps)

    # --- what the mechanisms ask of the world -------------------------------------------------
    def market_view(self) -> tuple[np.ndarray, np.ndarray]:
        """This month's (reach, segment_sales) of the livestock market (market.MarketState)."""
        return self.market.reach, self.market.segment_sales

    @property
    def date(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def restricted(self) -> np.ndarray:
        return self.firms.restricted

    def partner_weights(self) -> dict[str, float]:
        p = self.scenario
        return {
            "trust": p.w_trust,
            "chemistry": p.w_chemistry,
            "history": p.w_history,
            "contribution": p.w_contribution,
            "reputation": p.w_reputation,
            "proximity": p.w_proximity,
            "resources": p.w_resources,
        }

    @property
    def price_now(self) -> float:
        """This month's clearing price of a reference breeding female (market.price)."""
        return self.market.price

    @property
    def demand_index(self) -> float:
        """Outside demand relative to the start: the pool's potential (awareness) over its
        base, times any demand shock and disease scare."""
        mk = self.market
        ratio = mk.pool_size / mk.pool_base if mk.pool_base > 0 else 1.0
        return ratio * self.shocks.buyer_factor("hobby")

    def value_per_point(self) -> float:
        """What a breeder expects one point of sire quality to be worth per mating."""
        return self.market.expected_price * self.quality_premium() * breeding.CRIA_VALUE_SHARE

    def spatial_index(self) -> cKDTree:
        """KD-tree of active breeders' positions, rebuilt only when breeders come or go."""
        if self._tree is None or self._tree[0] != self.spatial_version:
            active = self.firms.active_rows()
            pts = np.c_[self.firms.x_km[active], self.firms.y_km[active]]
            self._tree = (self.spatial_version, cKDTree(pts), active)
        return self._tree[1]

    def reputation_leaders(self) -> np.ndarray:
        """Rows of the best-known active breeders."""
        if self._leaders is None:
            active = self.firms.active_rows()
            k = max(1, int(REPUTATION_TOP_SHARE * len(active)))
            order = np.argsort(-self.firms.reputation[active], kind="stable")
            self._leaders = active[order[:k]]
        return self._leaders[self.firms.active[self._leaders]]

    def invalidate_leaders(self) -> None:
        self._leaders = None

    def current_elite_level(self) -> float:
        """Quality from which a stud is elite now: the herd mean plus elite_margin sds."""
        p = self.scenario
        alive = self.herd.view("alive")
        mean = float(self.herd.view("quality")[alive].mean()) if alive.any() else p.quality_mean
        return mean + p.elite_margin * p.quality_sd

    def elite_stud_owners(self) -> np.ndarray:
        return breeding.elite_studs(self)[1]

    def pool_members(self) -> np.ndarray:
        """Breeders selling fleece through the national pool: investors and their partners."""
        on = self.scenario.mechanism_on("industry_investment")
        return fleece.pool_members(self.firms, self.contracts, on)

    # Shocks reach the mechanisms through these hooks (shocks.py); each is neutral (the
    # exact value the mechanisms used before shocks existed) while no event runs.
    def hobby_demand(self) -> float:
        """Outside buyers (animals) expected this month: Bass adoptions and replacements."""
        return sum(trading.outside_buyers(self)) * self.shocks.buyer_factor("hobby")

    def pet_demand(self) -> float:
        mk = self.market
        ratio = mk.pool_size / mk.pool_base if mk.pool_base > 0 else 1.0
        return self.base_pet * ratio * self.shocks.buyer_factor("pet")

    def export_demand(self, exporters: np.ndarray) -> float:
        heads = self.herd.counts_by_owner(self.firms.n)
        base = self.scenario.export_demand * heads[exporters].sum() / 12
        return base * self.shocks.buyer_factor("export") * self.export_access()

    def effective_demand_index(self) -> float:
        """The demand index buyers act on: awareness times demand shocks and disease scare."""
        return self.demand_index

    def export_access(self) -> float:
        """Share of EU buyers still able to buy (Brexit)."""
        return self.shocks.export_access

    def export_price_factor(self) -> float:
        """What an exporter nets per animal, relative to a home sale (Brexit costs)."""
        return self.shocks.export_price

    def fibre_demand_factor(self) -> float:
        return self.shocks.fibre

    def vet_cost_factor(self) -> float | np.ndarray:
        """Vet costs relative to the start (recognition as livestock); per breeder if regional."""
        return self.shocks.vet_factor()

    def compliance_cost_per_alpaca(self) -> float | np.ndarray:
        """Monthly compliance cost per alpaca (agricultural law); per breeder if regional."""
        return self.shocks.compliance_cost()

    def entry_factor(self) -> float:
        return self.shocks.entry * self.shocks.buyer_factor("entrants")

    def base_price(self) -> float:
        """Median willingness to pay of an outside buyer for a female (price shocks)."""
        return self.scenario.buyer_wtp_median * self.shocks.budget

    def pet_price(self) -> float:
        return self.scenario.pet_price * self.shocks.budget

    def elite_stud_price(self) -> float:
        """Price of an imported elite stud (Brexit makes imports dearer)."""
        return self.scenario.elite_stud_price * self.shocks.import_price

    def coloured_preference(self) -> float:
        """How strongly buyers prefer coloured stock (0 = not at all)."""
        return self.shocks.coloured

    def quality_premium(self) -> float:
        """Log-price per point of fleece quality: follows the demand for fibre."""
        return self.scenario.quality_premium * self.shocks.fibre

    # --- events while the model runs ----------------------------------------------------------
    def trigger(self, event: dict | shocks.Event | None = None, **fields: Any) -> dict:
        """Fire an event while the model runs: by default it starts with the next month.

        Example: `model.trigger(kind="disease", strength=0.8)` or
        `model.trigger({"kind": "brexit", "start": "2021-01"})`. Returns the checked event;
        raises ValueError naming the field if it is not valid.
        """
        if event is None:
            event = fields
        elif fields:
            event = (event.to_dict() if isinstance(event, shocks.Event) else dict(event)) | fields
        return self.shocks.trigger(event)

    # --- results ----------------------------------------------------------------------------
    @property
    def model_df(self) -> pd.DataFrame:
        """One row per month of the model-level reporters."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return df[list(metrics.MODEL_COLUMNS)]

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

        return load_model(path)


def _column(name: str):
    """Reporter for one model column: reads the month's precomputed row."""

    def report(model: AlpacaModel):
        return model._report[name]

    report.__name__ = f"report_{name}"
    return report
