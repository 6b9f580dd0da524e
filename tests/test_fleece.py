"""Fleece in microns: the quality transform, inheritance near the floor, age, bands, the clip."""

from __future__ import annotations

import numpy as np
import pytest

from alpaca_abm import fleece, shearing
from alpaca_abm.data import load_fleece_bands
from alpaca_abm.model import AlpacaModel


def test_quality_is_a_decreasing_linear_transform_of_micron():
    micron = np.array([14.5, 20.0, 27.0, 35.0])
    q = fleece.quality_from_micron(micron)
    assert np.all(np.diff(q) < 0)  # finer = higher quality
    assert q[2] == fleece.QUALITY_REFERENCE
    assert np.allclose(fleece.micron_from_quality(q), micron)
    assert fleece.quality_ceiling(14.5) == pytest.approx(100.0)


def test_additive_variance_shrinks_as_the_herd_nears_the_micron_floor():
    rng = np.random.default_rng(0)
    n, cv, ceiling = 20000, 0.14, fleece.quality_ceiling(14.5)
    coarse = fleece.quality_from_micron(np.full(n, 27.0))
    fine = fleece.quality_from_micron(np.full(n, 17.0))
    sd_coarse = fleece.micron_from_quality(fleece.inherit_quality(coarse, coarse, cv, ceiling, rng))
    sd_fine = fleece.micron_from_quality(fleece.inherit_quality(fine, fine, cv, ceiling, rng))
    # sd in µm is proportional to the distance to the floor: 12.5 against 2.5, a factor 5
    assert sd_coarse.std() / sd_fine.std() == pytest.approx(5.0, rel=0.05)


def test_environment_sd_gives_the_heritability():
    rng = np.random.default_rng(1)
    genetic = rng.normal(27.0, 2.4, 50000)
    env = fleece.draw_environment(50000, 2.4, 0.35, rng)
    h2 = genetic.var() / (genetic + env).var()
    assert h2 == pytest.approx(0.35, abs=0.01)  # sampling sd of this ratio is about 0.003


def test_fleece_coarsens_with_age_until_seven_and_a_half_years():
    age = np.array([12, 24, 60, 90, 150])
    effect = fleece.age_effect(age, 0.8)
    assert effect[1] == 0.0  # genetic values are given at two years
    assert effect[0] < 0  # a yearling's fleece is finer
    assert np.all(np.diff(effect[:4]) > 0)
    assert effect[4] == effect[3]  # flat after 7.5 years


def test_band_prices_reward_fine_fleece_absolutely():
    bands = load_fleece_bands()
    micron = np.array([18.0, 21.0, 24.0, 28.0, 32.0, 40.0])
    white = fleece.band_price(micron, np.zeros(6, bool), bands, 4.0)
    coloured = fleece.band_price(micron, np.ones(6, bool), bands, 4.0)
    assert np.all(np.diff(white) < 0)
    assert white[3] == 4.0  # the anchor band H4 (26-30 µm, white) sells at the anchor price
    assert np.all(coloured <= white)
    # the band edge belongs to the coarser band ("H1 < 20 µm")
    assert fleece.band_price(np.array([20.0]), np.zeros(1, bool), bands, 4.0)[0] == white[1]


def test_world_elite_improves_on_its_own_trend_and_never_passes_the_floor():
    early = fleece.world_elite_micron(2006, 20.0, 0.01, 14.5)
    late = fleece.world_elite_micron(2030, 20.0, 0.01, 14.5)
    far = fleece.world_elite_micron(3000, 20.0, 0.01, 14.5)
    assert early == pytest.approx(20.0)
    assert 14.5 < far < late < early


def test_a_finer_national_herd_earns_more_from_its_clip():
    # The same industry sheared at two genetic levels: fibre revenue follows absolute microns.
    revenue = []
    for micron in (28.0, 19.0):
        model = AlpacaModel("baseline", rng=5, n_breeders=20, shearing_month=1)
        model.herd.quality[: model.herd.n] = fleece.quality_from_micron(micron)
        model.herd.fleece_env[: model.herd.n] = 0.0
        before = model.firms.cash[: model.firms.n].sum()
        shearing.shear(model)
        revenue.append(model.firms.cash[: model.firms.n].sum() - before)
    assert revenue[1] > revenue[0]


def test_mean_micron_reported_and_consistent_with_mean_quality():
    model = AlpacaModel("baseline", rng=2, n_breeders=15)
    for _ in range(3):
        model.step()
    df = model.model_df
    assert np.allclose(df["mean_micron"], fleece.micron_from_quality(df["mean_quality"]), atol=1e-3)
    assert "herd_micron" in model.agent_df.columns


def test_other_judged_traits_take_the_stated_share_of_what_breeders_select_on():
    rng = np.random.default_rng(7)
    n = 50000
    phenotype = fleece.POINTS_PER_MICRON * (
        rng.normal(0, 2.4, n) + fleece.draw_environment(n, 2.4, 0.35, rng)
    )
    other = fleece.draw_other_merit(n, 2.4, 0.35, 0.5, rng)
    share = phenotype.var() / (phenotype + other).var()
    assert share == pytest.approx(0.5, abs=0.01)
    assert fleece.other_merit_sd(2.4, 0.35, 1.0) == 0.0  # all on fleece: nothing else judged


def test_seen_quality_is_the_phenotype_plus_other_merit_for_a_perfect_judge():
    from alpaca_abm.herd import Herd, seen_quality

    herd = Herd(capacity=4)
    rows = herd.add(
        owner=np.zeros(3, int),
        female=np.ones(3, bool),
        age=np.full(3, 30),
        quality=np.array([50.0, 60.0, 70.0]),
        colour=np.zeros(3),
        fleece_env=np.array([1.0, 0.0, -1.0]),
        other_merit=np.array([0.0, 2.0, -3.0]),
    )
    seen = seen_quality(herd, rows, 0.0, np.random.default_rng(0))
    assert np.allclose(seen, [46.0, 62.0, 71.0])


# --- values worked by hand ----------------------------------------------------------------
def test_the_micron_transform_by_hand():
    """quality = 50 + 4 x (27 - micron): 23 µm is 66 points, 30 µm 38; back again; the
    ceiling at a floor of 15 µm is 50 + 4 x 12 = 98."""
    assert fleece.quality_from_micron(np.array([23.0, 30.0])) == pytest.approx([66.0, 38.0])
    assert fleece.micron_from_quality(np.array([66.0, 38.0])) == pytest.approx([23.0, 30.0])
    assert fleece.micron_from_quality(66) == pytest.approx(23.0)
    assert fleece.quality_ceiling(15.0) == pytest.approx(98.0)


def test_genetics_by_hand():
    """A dam of 60 and a sire of 80 under a ceiling of 100 are 40 and 20 points from it; the
    crias' mean is the geometric mean of the distances, sqrt(800) = 28.284, so with no
    Mendelian sampling a cria has 100 - 28.284 = 71.716 (the arithmetic mean of the
    parents would be 70). A herd of mean 25 µm and sd
    0.1 above a floor of 15: log-excess sd 0.1 / 10 = 0.01, Mendelian sd 0.01 / sqrt(2)."""
    crias = fleece.inherit_quality(
        np.array([60.0]), np.array([80.0]), 0.0, 100.0, np.random.default_rng(0)
    )
    assert crias == pytest.approx([100 - 800**0.5])
    assert fleece.log_excess_sd(0.1, 25.0, 15.0) == pytest.approx(0.01)
    assert fleece.mendelian_cv(0.1, 25.0, 15.0) == pytest.approx(0.01 / 2**0.5)
    founders = fleece.draw_genetic_micron(3, 25.0, 2.0, 15.0, np.random.default_rng(1))
    z = np.random.default_rng(1).normal(0.0, 0.2, 3)
    assert founders == pytest.approx(15.0 + 10.0 * np.exp(z))


def test_environment_and_other_merit_by_hand():
    """Heritability 0.4 with a genetic sd of 2 µm: environment sd 2 x sqrt(0.6 / 0.4) =
    2.449 µm. Phenotype sd in points 4 x 2 / sqrt(0.4) = 12.649; other merit making the
    fleece a quarter of what is selected on: 12.649 x sqrt(0.75 / 0.25) = 21.909."""
    assert fleece.environment_sd(2.0, 0.4) == pytest.approx(2.449490, abs=1e-6)
    assert fleece.other_merit_sd(2.0, 0.4, 0.25) == pytest.approx(21.908902, abs=1e-6)
    env = fleece.draw_environment(4, 2.0, 0.4, np.random.default_rng(2))
    assert env == pytest.approx(np.random.default_rng(2).normal(0.0, 2.449490, 4), abs=1e-5)
    merit = fleece.draw_other_merit(4, 2.0, 0.4, 0.25, np.random.default_rng(2))
    assert merit == pytest.approx(np.random.default_rng(2).normal(0.0, 21.908902, 4), abs=1e-5)


def test_age_and_phenotype_by_hand():
    """Coarsening 0.6 µm a year: a yearling is 12 months finer than two years, -0.6; at 4
    years +1.2; from 7.5 years (90 months) on +3.3; a cria of 6 months counts as a yearling.
    Phenotype of quality 66 (23 µm) at 4 years with environment +0.5: 23 + 1.2 + 0.5 =
    24.7 µm."""
    ages = np.array([12, 48, 90, 200, 6])
    assert fleece.age_effect(ages, 0.6) == pytest.approx([-0.6, 1.2, 3.3, 3.3, -0.6])
    got = fleece.phenotype_micron(np.array([66.0]), np.array([48]), np.array([0.5]), 0.6)
    assert got == pytest.approx([24.7])


def test_world_elite_and_fibre_prices_by_hand():
    """World elite from 20 µm in 2006 toward a floor of 15 at 5% of the gap a year: in 2016
    15 + 5 x e^-0.5 = 18.033 µm. Band prices anchored at 10 a kg for white H1 (below 20 µm,
    relative 1): a 22 µm white fleece in H2 at 10 x 10/25 = 4, coloured 10 x 8/25 = 3.2, a
    40 µm one in pieces 10 x 0.5/25 = 0.2. The pool: 3,000 kg against 1,000 at a bonus of
    0.1 a doubling, 1 + 0.1 x log2(4) = 1.2."""
    assert fleece.world_elite_micron(2016, 20.0, 0.05, 15.0) == pytest.approx(18.032653, 1e-6)
    bands = {
        "micron_below": np.array([20.0, 23.0, np.inf]),
        "relative_white": np.array([1.0, 0.4, 0.02]),
        "relative_coloured": np.array([0.8, 0.32, 0.02]),
    }
    got = fleece.band_price(
        np.array([22.0, 22.0, 40.0, 19.9]), np.array([False, True, False, False]), bands, 10.0
    )
    assert got == pytest.approx([4.0, 3.2, 0.2, 10.0])
    assert fleece.pool_price_factor(3000.0, 0.1, 1000.0) == pytest.approx(1.2)


def test_the_guards_of_the_fleece_rules_by_hand():
    """Parents at the ceiling (100) stand 0 from it, counted as 0.004 points (the 0.001 µm
    guard): with no sampling their cria has 99.996. Other merit when the fleece is all that
    is selected on (share 1, or above: capped): 0. A world elite given below the floor
    starts 0.001 µm above it. A fleece whose genetic value is finer than 0 µm (quality 200)
    is shorn at 0.001 µm, not below."""
    cria = fleece.inherit_quality(
        np.array([100.0]), np.array([100.0]), 0.0, 100.0, np.random.default_rng(0)
    )
    assert cria == pytest.approx([99.996])
    assert fleece.other_merit_sd(2.0, 0.4, 1.0) == 0.0
    assert fleece.other_merit_sd(2.0, 0.4, 1.5) == 0.0
    assert fleece.world_elite_micron(2006, 14.0, 0.05, 15.0) == pytest.approx(15.001)
    shorn = fleece.phenotype_micron(np.array([200.0]), np.array([24]), np.zeros(1), 0.6)
    assert shorn == pytest.approx([0.001])


def test_the_edges_of_inheritance_and_prices_by_hand():
    """With Mendelian sampling cv 0.1 a cria's distance to the ceiling is the parents'
    geometric mean times e^(0.1 z), z the generator's standard normal draw. An integer
    quality array converts like a float one (66 -> 23 µm). A fleece of unmeasured (infinite)
    micron falls in the last band (pieces)."""
    z = np.random.default_rng(4).normal(0.0, 0.1, 1)
    cria = fleece.inherit_quality(
        np.array([60.0]), np.array([80.0]), 0.1, 100.0, np.random.default_rng(4)
    )
    assert cria == pytest.approx(100 - 800**0.5 * np.exp(z))
    assert fleece.micron_from_quality(np.array([66, 38])) == pytest.approx([23.0, 30.0])
    bands = {
        "micron_below": np.array([20.0, np.inf]),
        "relative_white": np.array([1.0, 0.02]),
        "relative_coloured": np.array([0.8, 0.02]),
    }
    assert fleece.band_price(np.array([np.inf]), np.array([False]), bands, 10.0) == (
        pytest.approx([0.2])
    )


def test_quality_sd_of_a_micron_sd_by_hand():
    """4 points a micron: a genetic sd of 2.4 µm is 9.6 points of quality; none is none."""
    assert fleece.quality_sd(2.4) == pytest.approx(9.6)
    assert fleece.quality_sd(0.0) == 0.0
