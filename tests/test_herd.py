"""Herd mechanics as pure functions: deaths, genetics, gestation, compaction."""

import numpy as np

from alpaca_abm.fleece import inherit_quality as offspring_quality
from alpaca_abm.herd import (
    Herd,
    gestation_draw,
    monthly_death_probability,
)


def test_health_knowledge_lowers_death_and_old_age_is_certain():
    age = np.array([6, 60, 240])
    none = monthly_death_probability(age, 0.03, 0.08, 240, np.zeros(3), 0.5)
    full = monthly_death_probability(age, 0.03, 0.08, 240, np.ones(3), 0.5)
    assert (full[:2] < none[:2]).all()
    assert none[0] > none[1]  # crias die more often than adults
    assert none[2] == 1.0 and full[2] == 1.0


def test_offspring_of_an_elite_sire_average_higher():
    rng = np.random.default_rng(1)
    dams = np.full(5000, 50.0)
    elite = offspring_quality(dams, np.full(5000, 75.0), 0.1, 100.0, rng)
    plain = offspring_quality(dams, np.full(5000, 50.0), 0.1, 100.0, rng)
    # on the log-excess scale the sire's 25 points give the crias 100 - sqrt(50 * 25) = 64.6
    # against 50: a difference of 14.6 with a standard error of about 0.1
    assert elite.mean() - plain.mean() > 13.5


def test_offspring_never_pass_the_quality_ceiling():
    rng = np.random.default_rng(3)
    q = offspring_quality(np.full(20000, 99.0), np.full(20000, 99.9), 0.5, 100.0, rng)
    assert (q < 100.0).all()


def test_breeders_who_see_the_phenotype_judge_the_environment_too():
    from alpaca_abm.herd import perceived_quality

    rng = np.random.default_rng(4)
    quality = np.full(4, 50.0)
    env = np.array([-1.0, 0.0, 1.0, 2.0])  # µm coarser from the environment
    seen = perceived_quality(quality, 0.0, rng, env)
    # a perfect judge sees the phenotype: 4 points lower per µm coarser
    assert np.allclose(seen, [54.0, 50.0, 46.0, 42.0])
    assert np.allclose(perceived_quality(quality, 0.0, rng), 50.0)


def test_gestation_averages_eleven_and_a_half_months():
    draws = gestation_draw(20000, 11.5, np.random.default_rng(2))
    assert set(np.unique(draws)) == {11, 12}
    assert abs(draws.mean() - 11.5) < 0.02


def test_compaction_drops_dead_rows_and_maps_the_living():
    herd = Herd(capacity=2)
    rows = herd.add(
        owner=np.arange(5),
        female=np.ones(5, bool),
        age=np.zeros(5),
        quality=np.arange(5.0),
        colour=np.zeros(5),
    )
    herd.alive[rows[[1, 3]]] = False
    remap = herd.compact()
    assert len(herd) == 3
    assert list(herd.view("quality")) == [0.0, 2.0, 4.0]
    assert list(remap) == [0, -1, 1, -1, 2]
