"""The state of the industry as the mechanisms see it: the tables, the clock, the month's
prices and indices, and the random generator.

A mechanism (breeding, trading, partnering, finance, ...) receives an `Industry` and reads
and writes the tables on it; it never imports the model. `AlpacaModel` is one: it owns the
tables and passes itself. The protocol names everything a mechanism may use, so a reader
sees here what the month's phases share, and a test can build a small industry of its own.

Floors (each imports only the floors below it; tests/test_imports.py keeps it so):
1. tables: herd, breeder (FirmTable), coownership (Contracts), trust (TrustLedger), market
   (MarketState); fibre biology (fleece) and events (events) beside them;
2. parameters (params) and money (accounts);
3. mechanisms: knowledge, rivalry, breeding, trading, partnering, finance, world, disease,
   shearing, shocks;
4. the month and the Mesa model (model), then metrics, runner, checkpoint, io, cli, ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from scipy.spatial import cKDTree

    from .breeder import FirmTable
    from .coownership import Contracts
    from .events import Scheduled
    from .herd import Herd
    from .market import MarketState
    from .paradox import ParadoxState
    from .params import AlpacaScenario
    from .trust import TrustLedger


class ShockFactors(Protocol):
    """What the running events change, as the mechanisms read it (shocks.ShockEngine)."""

    budget: float  # buyers' budgets (price events)
    coloured: float  # buyers' premium for coloured stock
    fibre: float  # demand for natural fibre (fleece prices, the quality premium)
    export_access: float  # share of EU buyers still able to buy (Brexit)
    export_price: float  # what an exporter nets per animal, against a home sale
    import_price: float  # price of imported genetics, against the start
    entry: float  # newcomers, against no event (recognition as livestock)

    def buyer_factor(self, segment: str) -> float: ...

    def vet_factor(self) -> float | np.ndarray: ...

    def compliance_cost(self) -> float | np.ndarray: ...

    def targets(self, s: Scheduled, n_f: int) -> np.ndarray | slice: ...


class Outbreak(Protocol):
    """What the mechanisms ask of the disease state (disease.Disease)."""

    active: bool  # an infected animal or a restricted herd exists
    ever: bool  # an outbreak has started in this run

    def record_matings(
        self, state: Industry, females: np.ndarray, sires: np.ndarray, kinds: np.ndarray
    ) -> None: ...

    def spread(self, state: Industry) -> None: ...

    def shunned(self, state: Industry) -> np.ndarray: ...


class Industry(Protocol):
    """The tables and indices of the industry that the month's mechanisms share."""

    scenario: AlpacaScenario  # the parameters of the run
    rng: np.random.Generator  # the run's one random generator
    steps: int  # Mesa's step count: 1 in the first month
    year: int
    month: int  # calendar month 1-12
    # tables
    herd: Herd
    firms: FirmTable
    contracts: Contracts
    trust: TrustLedger
    market: MarketState
    disease: Outbreak
    shocks: ShockFactors
    # places: uk_places, each place's share of breeders, projected position, region code
    places: pd.DataFrame
    place_share: np.ndarray
    place_x_km: np.ndarray
    place_y_km: np.ndarray
    place_region: np.ndarray
    pending_firms: dict[str, np.ndarray] | None  # seed firms yet to be founded (uk_national)
    spatial_version: int  # counts changes of the breeders' places (entry and exit)
    tree_cache: tuple[int, cKDTree, np.ndarray] | None  # (version, tree, rows): world.py
    leaders: np.ndarray | None  # rows of the best-known breeders, until the next review
    female_values_cache: tuple[tuple, np.ndarray] | None  # finance.female_values, this month
    # the month's indices
    month_stats: dict[str, float]  # this month's tallies (metrics.MONTHLY_TALLIES)
    elite_level: float  # quality from which a stud is elite this month
    investment_mood: float  # willingness to invest (Brexit uncertainty, disease scare)
    rivalry: float  # rivalry in partnerships (shocks: rivalry feedback and events)
    rivalry_index: float  # crowding x consolidation against the start
    fibre_price_now: float  # GBP per kg of the last clip
    fleece_micron_now: float  # mean MFD of the last clip (µm), 0 before the first
    fibre_bands: dict[str, np.ndarray]  # micron bands and relative prices (data/)
    base_pet: float  # pet buyers a month at the start (animals)
    clustering_now: float  # the acquaintance network's clustering, last measured
    # the coopetition paradox (paradox.py): None unless the scenario's `paradox` is on
    paradox: ParadoxState | None
    paradox_rng: np.random.Generator | None  # its own stream, spawned from rng

    @property
    def date(self) -> str: ...  # "YYYY-MM" of this month
