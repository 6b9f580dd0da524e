"""The yearly clip's money on tables made by hand: who sells through the national pool, and
what each breeder pays for shearing and earns from its fleeces."""

from types import SimpleNamespace

import numpy as np
import pytest

from alpaca_abm import fleece, shearing
from alpaca_abm.breeder import FirmTable
from alpaca_abm.coownership import Contracts
from alpaca_abm.herd import Herd


def test_pool_members_are_active_investors_and_their_partners_by_hand():
    """Breeder 0 is an active investor: a member. Its partner 1 (keeper 0) joins, and so does
    3, the keeper of a stud co-owned with 0. Breeder 4 is an investor but closed: not a
    member, nor its partner 2. Breeder 2's ended contract with 0 does not count. With the
    pool switched off, nobody."""
    firms = FirmTable()
    firms.add(
        5,
        investor=np.array([True, False, False, False, True]),
        active=np.array([True, True, True, True, False]),
    )
    contracts = Contracts()
    contracts.add_many(
        4,
        keeper=np.array([0, 3, 2, 2]),
        partner=np.array([1, 0, 4, 0]),
        ended=np.array([-1, -1, -1, 7]),
    )
    members = shearing.pool_members(firms, contracts, True)
    assert members.tolist() == [True, True, False, True, False]
    assert not shearing.pool_members(firms, contracts, False).any()


def _clip():
    """Four breeders; breeder 0 an active investor, breeder 1 its partner (pool members),
    breeder 2 alone, breeder 3 without animals. Animals: breeder 0's white of 20 µm (24
    months), breeder 1's coloured of 17 µm (30 months) and its cria of 11 months (not shorn
    yet), breeder 2's dead one and its white yearling of 25 µm (12 months: shorn). No
    coarsening with age, no environment."""
    herd = Herd()
    herd.add(
        owner=np.array([0, 1, 1, 2, 2]),
        age=np.array([24, 30, 11, 40, 12]),
        quality=fleece.quality_from_micron(np.array([20.0, 17.0, 20.0, 20.0, 25.0])),
        colour=np.array([0, 1, 0, 0, 0], dtype=np.int8),
        alive=np.array([True, True, True, False, True]),
        fleece_env=np.zeros(5),
    )
    firms = FirmTable()
    firms.add(4, investor=np.array([True, False, False, False]))
    contracts = Contracts()
    contracts.add(keeper=0, partner=1)
    scenario = SimpleNamespace(
        shearing_month=6, shearing_cost=3.0, fleece_coarsening=0.0, fibre_price=10.0,
        fleece_kg=500.0, pool_scale_bonus=0.1,
        mechanism_on=lambda name: name == "industry_investment",
    )  # fmt: skip
    bands = {
        "micron_below": np.array([18.0, 23.0, 99.0]),
        "relative_white": np.array([1.5, 1.0, 0.5]),
        "relative_coloured": np.array([1.2, 0.8, 0.4]),
    }
    return herd, firms, contracts, scenario, bands


def test_a_clip_sold_by_micron_band_with_the_pools_bonus_by_hand():
    """Band prices at 10 GBP/kg for the anchor, times the fibre-demand factor 0.8: the white
    of 20 µm (band 18-23, relative 1.0) 8 GBP/kg, the coloured of 17 µm (band below 18,
    coloured 1.2) 9.6, the white of 25 µm (band 23-99, 0.5) 4. Pool members sell
    500 + 500 = 1,000 kg, one doubling of the 1,000 kg reference: 1 + 0.1 x log2(2) = 1.1
    times the price. Revenue: breeder 0 500 x 8 x 1.1 = 4,400, breeder 1 500 x 9.6 x 1.1 =
    5,280, breeder 2 500 x 4 = 2,000; each pays 3 GBP for its one shorn animal. The clip's
    mean price is 11,680 / 1,500 kg = 7.7867 GBP/kg, its mean micron (20 + 17 + 25) / 3 =
    20.667; the month's pooled kilograms add 1,000 to the 5 already tallied."""
    herd, firms, contracts, scenario, bands = _clip()
    tallies = {"pooled_kg": 5.0}
    clip = shearing.sell_fibre(herd, firms, contracts, scenario, 6, 0.8, tallies, bands)
    assert clip == pytest.approx({"price_per_kg": 11680 / 1500, "micron": 62 / 3})
    assert firms.cash[:4] == pytest.approx([4397.0, 5277.0, 1997.0, 0.0])
    assert firms.revenue[:4] == pytest.approx([4400.0, 5280.0, 2000.0, 0.0])
    assert firms.costs[:4] == pytest.approx([3.0, 3.0, 3.0, 0.0])
    assert tallies == {"pooled_kg": 1005.0}


def test_a_clip_without_the_pool_and_one_of_no_weight_by_hand():
    """With the national pool switched off (industry_investment) every fleece sells at its
    band price: 500 x 8 = 4,000, 500 x 9.6 = 4,800 and 2,000; nothing is pooled. Fleeces
    of 0 kg earn nothing, and the clip's mean price is 0 (not 0 / 0)."""
    herd, firms, contracts, scenario, bands = _clip()
    scenario.mechanism_on = lambda name: False
    tallies = {"pooled_kg": 0.0}
    shearing.sell_fibre(herd, firms, contracts, scenario, 6, 0.8, tallies, bands)
    assert firms.revenue[:4] == pytest.approx([4000.0, 4800.0, 2000.0, 0.0])
    assert tallies == {"pooled_kg": 0.0}
    herd, firms, contracts, scenario, bands = _clip()
    scenario.fleece_kg = 0.0
    clip = shearing.sell_fibre(herd, firms, contracts, scenario, 6, 1.0, tallies, bands)
    assert clip == pytest.approx({"price_per_kg": 0.0, "micron": 62 / 3})
    assert firms.revenue[:4].tolist() == [0.0] * 4


def test_no_clip_outside_the_shearing_month_and_none_of_crias_by_hand():
    """In any month but the shearing month nothing happens (None, no money). With only
    animals under a year (the 11-month cria) nobody is shorn: no cost, a price and micron of
    0, and nothing pooled."""
    herd, firms, contracts, scenario, bands = _clip()
    tallies = {"pooled_kg": 0.0}
    assert shearing.sell_fibre(herd, firms, contracts, scenario, 5, 1.0, tallies, bands) is None
    assert (firms.cash[:4] == 0).all() and tallies == {"pooled_kg": 0.0}
    herd.age[:5] = 11
    clip = shearing.sell_fibre(herd, firms, contracts, scenario, 6, 1.0, tallies, bands)
    assert clip == {"price_per_kg": 0.0, "micron": 0.0}
    assert (firms.cash[:4] == 0).all() and (firms.costs[:4] == 0).all()
