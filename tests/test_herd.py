"""Herd mechanics as pure functions: deaths, genetics, gestation, compaction."""

import numpy as np
import pytest

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


# --- values worked by hand ----------------------------------------------------------------
def test_death_probability_by_hand():
    """Adult yearly rate 0.1, cria 0.3, health knowledge 0.4 at effect 0.5 cuts both by
    1 - 0.5 x 0.4 = 0.8: adults 0.08 a year, 1 - 0.92^(1/12) = 0.0069244 a month; crias
    (under 12 months) 0.24 a year, 1 - 0.76^(1/12) = 0.0226102; at the maximum age (240)
    1. Per owner (owner 1 knows nothing: adults 1 - 0.9^(1/12) = 0.0087416) the same."""
    age = np.array([11, 12, 239, 240, 60])
    got = monthly_death_probability(age, 0.1, 0.3, 240, np.full(5, 0.4), 0.5)
    assert got == pytest.approx([0.0226102, 0.0069244, 0.0069244, 1.0, 0.0069244], abs=1e-7)
    by_owner = monthly_death_probability(
        age, 0.1, 0.3, 240, np.array([0.4, 0.0]), 0.5, owner=np.array([0, 0, 0, 0, 1])
    )
    assert by_owner == pytest.approx([0.0226102, 0.0069244, 0.0069244, 1.0, 0.0087416], abs=1e-7)


def test_colour_and_gestation_by_hand():
    """Colour comes from the dam where the generator's draw is below 0.5, else the sire.
    Gestation 11.5 months: 11 where the draw is at or above 0.5, 12 below."""
    from alpaca_abm.herd import offspring_colour

    draws = np.random.default_rng(3).random(6)
    colour = offspring_colour(np.zeros(6, np.int8), np.ones(6, np.int8), np.random.default_rng(3))
    assert colour.tolist() == [0 if u < 0.5 else 1 for u in draws]
    months = gestation_draw(6, 11.5, np.random.default_rng(3))
    assert months.tolist() == [12 if u < 0.5 else 11 for u in draws]
