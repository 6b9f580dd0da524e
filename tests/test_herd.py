"""Herd mechanics as pure functions: deaths, genetics, gestation, compaction."""

import numpy as np
import pytest

from alpaca_abm.fleece import inherit_quality as offspring_quality
from alpaca_abm.herd import (
    NOT_PREGNANT,
    Herd,
    breeding_females,
    breeding_stock,
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


def test_the_herd_table_by_hand():
    """Four animals added into room for two (the table grows, earlier rows kept; unnamed
    traits take their defaults: open, alive). Owners 0, 1, 0, 2; counts by owner 2, 1, 1;
    only the females (rows 0 and 3): 1, 0, 1. Row 1 dies: counts 2, 0, 1. Compaction drops
    it, maps rows (0, 1, 2, 3) to (0, -1, 1, 2) and keeps the traits in order; a second
    compaction with nobody dead maps every row to itself."""
    h = Herd(capacity=2)
    rows = h.add(
        owner=np.array([0, 1, 0, 2]),
        female=np.array([True, False, False, True]),
        quality=np.array([50.0, 60.0, 70.0, 80.0]),
    )
    assert rows.tolist() == [0, 1, 2, 3] and len(h) == 4 and h.capacity >= 4
    assert h.view("due_in").tolist() == [NOT_PREGNANT] * 4 and h.view("alive").all()
    assert h.counts_by_owner(3).tolist() == [2, 1, 1]
    assert h.counts_by_owner(3, h.view("female")).tolist() == [1, 0, 1]
    h.alive[1] = False
    assert h.counts_by_owner(3).tolist() == [2, 0, 1]
    assert h.counts_by_owner(4, h.view("female")).tolist() == [1, 0, 1, 0]
    assert h.compact().tolist() == [0, -1, 1, 2]
    assert len(h) == 3 and h.view("quality").tolist() == [50.0, 70.0, 80.0]
    assert h.view("owner").tolist() == [0, 0, 2]
    assert h.compact().tolist() == [0, 1, 2]
    state = h.state()
    state["quality"][0] = -1.0  # a copy
    assert h.quality[0] == 50.0 and set(state) >= {"owner", "alive", "quality"}


def test_what_a_breeder_sees_by_hand():
    """Perceived quality: quality 60 plus noise sd 2 x the generator's first standard
    normal draw; with the environment (+0.5 µm coarser, 4 points a µm) 2 points less.
    Visible merit of an animal of quality 60, environment +0.5 and other merit 3:
    60 - 2 + 3 = 61; seen quality adds the judging noise."""
    from alpaca_abm.herd import perceived_quality, seen_quality, visible_merit

    z = np.random.default_rng(5).normal(0.0, 1.0, 1)
    got = perceived_quality(np.array([60.0]), 2.0, np.random.default_rng(5))
    assert got == pytest.approx(60.0 + 2.0 * z)
    env = perceived_quality(np.array([60.0]), 2.0, np.random.default_rng(5), np.array([0.5]))
    assert env == pytest.approx(58.0 + 2.0 * z)
    h = Herd()
    h.add(owner=np.array([0]), quality=np.array([60.0]), fleece_env=np.array([0.5]),
          other_merit=np.array([3.0]))  # fmt: skip
    assert visible_merit(h, np.array([0])) == pytest.approx([61.0])
    seen = seen_quality(h, np.array([0]), 2.0, np.random.default_rng(5))
    assert seen == pytest.approx(61.0 + 2.0 * z)


def test_breeding_stock_counts_the_breeding_females_of_each_owner():
    """A herd made by hand, female retirement at 180 months. Owner 0: females aged 11 (a
    cria: no), 12 and 100 (yes), 179 (yes) and 180 (retired: no), a dead female of 50 (no);
    owner 1: a male of 50 (no) and a female of 13 (yes); owner 2: nothing. Breeding females
    are rows 1, 2, 3 and 7; owner 0 has 3, owner 1 has 1, owner 2 none."""
    h = Herd(capacity=4)
    h.add(
        owner=np.array([0, 0, 0, 0, 0, 0, 1, 1]),
        female=np.array([True, True, True, True, True, True, False, True]),
        age=np.array([11, 12, 100, 179, 180, 50, 50, 13]),
        alive=np.array([True, True, True, True, True, False, True, True]),
    )
    assert breeding_females(h, 180).tolist() == [1, 2, 3, 7]
    assert breeding_stock(h, 3, 180).tolist() == [3, 1, 0]
    assert breeding_stock(h, 3, 180, females=np.array([1, 7])).tolist() == [1, 1, 0]


def test_the_edges_of_the_herd_table_by_hand():
    """A second batch gets the rows after the first (4, 5) and the count goes on (6);
    traits not named are 0 (not stud, no matings served); counts have one entry per owner
    asked for, also past the last owner with animals, alive or not; compaction maps rows as
    int64; colours and gestation months are int8; two animals judged get two draws."""
    from alpaca_abm.herd import offspring_colour, perceived_quality

    h = Herd(capacity=2)
    h.add(owner=np.array([0, 1, 0, 2]))
    assert h.add(owner=np.array([1, 1])).tolist() == [4, 5] and len(h) == 6
    assert not h.view("stud").any() and (h.view("served") == 0).all()
    assert h.counts_by_owner(5).tolist() == [2, 3, 1, 0, 0]
    h.alive[0] = False
    assert h.counts_by_owner(5).tolist() == [1, 3, 1, 0, 0]
    assert h.compact().dtype == np.int64 and h.compact().dtype == np.int64
    rng = np.random.default_rng(0)
    assert offspring_colour(np.zeros(3, np.int8), np.ones(3, np.int8), rng).dtype == np.int8
    assert gestation_draw(3, 11.5, rng).dtype == np.int8
    two = perceived_quality(np.array([60.0, 60.0]), 2.0, np.random.default_rng(5))
    assert two == pytest.approx(60.0 + 2.0 * np.random.default_rng(5).normal(0.0, 1.0, 2))
    assert two[0] != two[1]
