"""Knowledge sharing: openness, trust, protection of the core, absorptive capacity."""

import numpy as np

from alpaca_abm.knowledge import absorptive_capacity, learning_by_doing, shared_flow


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
