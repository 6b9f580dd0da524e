"""Knowledge sharing: openness, trust, protection of the core, absorptive capacity."""

import numpy as np
import pytest

from alpaca_abm.knowledge import (
    absorptive_capacity,
    judging_noise,
    learning_by_doing,
    shared_flow,
)


def flow(protection=0.0, openness=1.0, trust=1.0, learner=0.2, core=0):
    teacher = np.array([[0.9, 0.9, 0.9]])
    learn = np.full((1, 3), learner)
    willing = np.array([openness * trust])
    return shared_flow(teacher, learn, willing, np.array([core]), protection, 0.1)


def test_protection_cuts_flow_in_the_core_domain_only():
    open_gain, _ = flow(protection=0.0)
    kept_gain, leaked = flow(protection=0.8)
    assert kept_gain[0, 0] < open_gain[0, 0]
    assert kept_gain[0, 1] == open_gain[0, 1]
    assert leaked[0] == kept_gain[0, 0]


def test_no_openness_or_no_trust_means_no_flow():
    assert flow(openness=0.0)[0].sum() == 0
    assert flow(trust=0.0)[0].sum() == 0


def test_learner_that_knows_more_learns_nothing_from_that_teacher():
    assert flow(learner=0.95)[0].sum() == 0


def test_absorptive_capacity_grows_with_what_is_known():
    assert absorptive_capacity(np.full(3, 0.8)) > absorptive_capacity(np.full(3, 0.1)) > 0


def test_learning_by_doing_stays_below_one():
    k = np.array([0.0, 0.5, 0.99])
    after = learning_by_doing(k, 0.1)
    assert (after > k).all() and (after <= 1).all()


# --- values worked by hand ----------------------------------------------------------------
def test_absorptive_capacity_is_a_fifth_plus_four_fifths_of_the_mean_knowledge():
    """Knowledge (0.1, 0.4, 0.7), mean 0.4: 0.2 + 0.8 x 0.4 = 0.52; a newcomer (all 0) 0.2,
    an expert (all 1) 1.0; one value per breeder (the last axis is the domain)."""
    got = absorptive_capacity(np.array([[0.1, 0.4, 0.7], [0, 0, 0], [1, 1, 1]]))
    assert got == pytest.approx([0.52, 0.2, 1.0])


def test_shared_flow_by_hand():
    """Teacher 0.9 in every domain, learner 0.2 (gap 0.7, absorptive capacity 0.2 + 0.8 x 0.2
    = 0.36), learning rate 0.1, fully willing: each open domain gains 0.1 x 1 x 0.36 x 0.7
    = 0.0252; the core domain (0) with protection 0.8 gains 0.1 x (1 - 0.8) x 0.36 x 0.7
    = 0.00504, and that is what leaked. A second pair, willing 0.5, protection 0, core 2:
    every domain gains 0.0126, all of domain 2 leaked."""
    teacher = np.full((2, 3), 0.9)
    learner = np.full((2, 3), 0.2)
    gain, leaked = shared_flow(
        teacher, learner, np.array([1.0, 0.5]), np.array([0, 2]), np.array([0.8, 0.0]), 0.1
    )
    assert gain[0] == pytest.approx([0.00504, 0.0252, 0.0252])
    assert gain[1] == pytest.approx([0.0126, 0.0126, 0.0126])
    assert leaked == pytest.approx([0.00504, 0.0126])


def test_learning_by_doing_and_judging_noise_by_hand():
    """learning_by_doing(0.5, 0.1) = 0.5 + 0.1 x 0.5 = 0.55; judging_noise(0.25, 8) =
    8 x 0.75 = 6 (none for a full expert)."""
    assert learning_by_doing(np.array([0.5]), 0.1) == pytest.approx([0.55])
    assert judging_noise(np.array([0.25, 1.0]), 8.0) == pytest.approx([6.0, 0.0])
