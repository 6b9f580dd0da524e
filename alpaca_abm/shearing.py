"""The yearly clip: every animal from a yearling up is shorn and its fleece sold by micron
band; investors and their partners sell through the national pool at its scale price.

The fibre biology and band prices are in `fleece`; this module moves the clip's money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import accounts
from .fleece import (
    FIRST_FLEECE_MONTHS,
    POOL_REFERENCE_KG,
    band_price,
    phenotype_micron,
    pool_price_factor,
)

if TYPE_CHECKING:
    from .breeder import FirmTable
    from .coownership import Contracts
    from .herd import Herd
    from .params import AlpacaScenario
    from .state import Industry


def pool_members(firms: FirmTable, contracts: Contracts, on: bool) -> np.ndarray:
    """Breeders selling fleece through the national pool: investors and their partners."""
    n_f = firms.n
    if not on:
        return np.zeros(n_f, dtype=bool)
    pool = firms.investor[:n_f] & firms.active[:n_f]
    run = contracts.running()
    k, q = contracts.keeper[run], contracts.partner[run]
    pool[q[pool[k]]] = True
    pool[k[pool[q]]] = True
    return pool


def sell_fibre(
    herd: Herd,
    firms: FirmTable,
    contracts: Contracts,
    scenario: AlpacaScenario,
    month: int,
    demand_factor: float,
    tallies: dict[str, float],
    bands: dict[str, np.ndarray],
) -> dict[str, float] | None:
    """Yearly shearing: every animal from a yearling up is shorn (shearing paid per head) and its
    fleece sold by micron band at band prices times `demand_factor` (the fibre-demand shock);
    pool members get the pool's scale price (switch: `industry_investment`). Returns the
    clip's mean price per kg and mean micron, or None outside the shearing month."""
    p = scenario
    if month != p.shearing_month:
        return None
    n_f = firms.n
    alive, age = herd.view("alive"), herd.view("age")
    shorn = np.flatnonzero(alive & (age >= FIRST_FLEECE_MONTHS))
    owner = herd.owner[shorn]
    heads = np.bincount(owner, minlength=n_f)
    accounts.pay(firms, np.arange(n_f), heads * p.shearing_cost)
    if len(shorn) == 0:
        return {"price_per_kg": 0.0, "micron": 0.0}
    micron = phenotype_micron(
        herd.quality[shorn], age[shorn], herd.fleece_env[shorn], p.fleece_coarsening
    )
    # the fibre-demand shock (`demand_factor`, 1 when none runs) moves every band's price
    price = band_price(micron, herd.colour[shorn] != 0, bands, p.fibre_price) * demand_factor
    kg = np.full(len(shorn), p.fleece_kg)
    pool = pool_members(firms, contracts, p.mechanism_on("industry_investment"))
    in_pool = pool[owner]
    pooled_kg = float(kg[in_pool].sum())
    factor = np.where(
        in_pool, pool_price_factor(pooled_kg, p.pool_scale_bonus, POOL_REFERENCE_KG), 1
    )
    revenue = kg * price * factor
    accounts.receive(firms, np.arange(n_f), np.bincount(owner, weights=revenue, minlength=n_f))
    tallies["pooled_kg"] += pooled_kg
    total_kg = float(kg.sum())
    return {
        "price_per_kg": float(revenue.sum() / total_kg) if total_kg else 0.0,
        "micron": float(micron.mean()),
    }


def shear(state: Industry) -> None:
    """The yearly clip in the shearing month: shorn, sold by micron band; the clip's price
    per kg and mean micron kept on the state for the month's figures and valuations."""
    clip = sell_fibre(
        state.herd,
        state.firms,
        state.contracts,
        state.scenario,
        state.month,
        state.shocks.fibre,
        state.month_stats,
        state.fibre_bands,
    )
    if clip is not None:
        state.fibre_price_now = clip["price_per_kg"]
        state.fleece_micron_now = clip["micron"]
