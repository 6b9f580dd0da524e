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

from . import breeding, finance, knowledge, metrics, partnering, shocks, trading, world
from .breeder import HEALTH, Breeder, FirmTable
from .coownership import ENDED_STUD_DIED, Contracts
from .data import load_uk_places
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
)
COOPETITION_MECHANISMS = ("coownership", "knowledge_sharing", "referrals", "industry_investment")
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
        self.price_now = p.price_female
        self.fibre_price_now = p.fibre_price
        self.demand_index = 1.0
        self.investment_mood = 1.0
        self.rivalry = 1.0
        self.clustering_now = 0.0
        self.elite_level = p.quality_mean + p.elite_margin * p.quality_sd
        world.populate(self)
        self.disease = Disease()
        self.shocks = shocks.ShockEngine(self)  # the schedule of events (shocks.py)
        self.event_log = self.shocks.log  # what fired when
        self.rivalry_index = self.shocks.update_rivalry_index()
        n_alpacas = max(len(self.herd.view("alive").nonzero()[0]), 1)
        self.base_hobby = p.hobby_demand * n_alpacas / 12
        self.base_pet = p.pet_demand * n_alpacas / 12
        self.datacollector = DataCollector(
            model_reporters={c: _column(c) for c in metrics.MODEL_COLUMNS}
        )
        self._agent_frames: list[pd.DataFrame] = []
        self._report: dict = {}
        self.running = True

    # --- the month --------------------------------------------------------------------------
    def step(self) -> None:
        """One month of the industry, in the order a breeder lives it."""
        self._begin_month()
        self.age_and_die()  # ageing, deaths (health knowledge helps)
        self.give_birth()  # crias from last year's matings
        partnering.search_partners(self)  # co-owners sought, elite studs bought
        breeding.mate(self)  # own, co-owned (quota, control) or hired
        partnering.run_contracts(self)  # trust, rivalry, renewals, dissolution
        knowledge.exchange_knowledge(self)  # sharing, protection, absorption
        trading.trade(self)  # breeding stock, exports, referrals, pets
        self.disease.spread(self)  # infection along the month's sales and stud visits
        trading.sell_fibre(self)  # yearly shearing, national fibre pool
        finance.invest_in_industry(self)  # education days and awareness
        finance.settle_accounts(self)  # running costs, cash, 12-month ledgers
        finance.review_plans(self)  # target herds; reputations (January)
        finance.enter_and_exit(self)  # newcomers in, long-loss firms out
        self._end_month()  # tidy arrays, collect reporters

    def _begin_month(self) -> None:
        if self.steps > 1:  # Mesa counts steps from 1; the first step is the start month
            self.month += 1
            if self.month > 12:
                self.month, self.year = 1, self.year + 1
        for key in self.month_stats:
            self.month_stats[key] = 0
        self.elite_level = self.current_elite_level()
        n_f = self.firms.n
        self.firms.revenue[:n_f] = 0.0
        self.firms.costs[:n_f] = 0.0
        self.firms.sales_count[:n_f] = 0.0
        self.firms.sales_value[:n_f] = 0.0
        self.shocks.begin_month()  # events fire or end; disease testing and control

    def age_and_die(self) -> None:
        """Every animal grows a month older; some die (fewer where health knowledge is high)."""
        p, herd = self.scenario, self.herd
        alive, age, owner = herd.view("alive"), herd.view("age"), herd.view("owner")
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
        dead = np.flatnonzero(alive & (self.rng.random(herd.n) < chance))
        herd.alive[dead] = False
        n_f = self.firms.n
        self.firms.deaths[:n_f] += np.bincount(owner[dead], minlength=n_f)
        self.month_stats["deaths"] += len(dead)

    def give_birth(self) -> None:
        """Pregnancies advance a month; due dams give birth to one cria each."""
        p, herd, rng = self.scenario, self.herd, self.rng
        due = herd.view("due_in")
        pregnant = herd.view("alive") & (due > 0)
        np.subtract(due, 1, out=due, where=pregnant)
        dams = np.flatnonzero(pregnant & (herd.view("due_in") == 0))
        if len(dams) == 0:
            return
        owners = herd.owner[dams].copy()
        quality = offspring_quality(
            herd.quality[dams], herd.sire_quality[dams], p.mendelian_sd, rng
        )
        colour = offspring_colour(herd.colour[dams], herd.sire_colour[dams], rng)
        herd.due_in[dams] = NOT_PREGNANT
        herd.add(
            owner=owners,
            female=rng.random(len(dams)) < 0.5,
            age=np.zeros(len(dams)),
            quality=quality,
            colour=colour,
        )
        np.add.at(self.firms.births, owners, 1)
        self.month_stats["births"] += len(dams)

    def _end_month(self) -> None:
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
        self.datacollector.collect(self)
        if self.steps % p.agent_report_every == 0:
            self._agent_frames.append(metrics.breeder_table(self))

    # --- contracts --------------------------------------------------------------------------
    def touch_partnerships(self, rows: np.ndarray) -> None:
        """Partners met this month (mating trips): contact keeps trust from decaying."""
        self.trust.touch_rows(self.contracts.ties(np.unique(rows)), self.steps)

    # --- what the mechanisms ask of the world -------------------------------------------------
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

    def value_per_point(self) -> float:
        """What a breeder expects one point of sire quality to be worth per mating."""
        return self.price_now * self.quality_premium() * breeding.CRIA_VALUE_SHARE

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
        n_f = self.firms.n
        if not self.scenario.mechanism_on("industry_investment"):
            return np.zeros(n_f, dtype=bool)
        pool = self.firms.investor[:n_f] & self.firms.active[:n_f]
        run = self.contracts.running()
        k, q = self.contracts.keeper[run], self.contracts.partner[run]
        pool[q[pool[k]]] = True
        pool[k[pool[q]]] = True
        return pool

    # Shocks reach the mechanisms through these hooks (shocks.py); each is neutral (the
    # exact value the mechanisms used before shocks existed) while no event runs.
    def hobby_demand(self) -> float:
        return self.base_hobby * self.demand_index * self.shocks.buyer_factor("hobby")

    def pet_demand(self) -> float:
        return self.base_pet * self.demand_index * self.shocks.buyer_factor("pet")

    def export_demand(self, exporters: np.ndarray) -> float:
        heads = self.herd.counts_by_owner(self.firms.n)
        base = self.scenario.export_demand * heads[exporters].sum() / 12
        return base * self.shocks.buyer_factor("export") * self.export_access()

    def effective_demand_index(self) -> float:
        """The demand index buyers act on: awareness times demand shocks and disease scare."""
        return self.demand_index * self.shocks.buyer_factor("hobby")

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
        """Price of an average female at balanced supply: buyers' budgets (price shocks)."""
        return self.scenario.price_female * self.shocks.budget

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
