"""Trust: experience raises it, breaches lower it, idleness returns it to the stranger level."""

import numpy as np
import pytest

from alpaca_abm.trust import TrustLedger, after_experience, after_loss, decayed


def test_trust_rules_stay_in_unit_interval():
    t = np.array([0.0, 0.5, 1.0])
    assert ((after_experience(t, 0.1) >= t) & (after_experience(t, 0.1) <= 1)).all()
    assert ((after_loss(t, 0.3) <= t) & (after_loss(t, 0.3) >= 0)).all()


def test_decay_returns_toward_the_stranger_level():
    assert decayed(np.array([0.9]), np.array([120]), 0.3, 0.01)[0] < 0.9
    assert decayed(np.array([0.1]), np.array([120]), 0.3, 0.01)[0] > 0.1
    assert decayed(np.array([0.9]), np.array([0]), 0.3, 0.01)[0] == pytest.approx(0.9)


def test_ledger_remembers_and_decays_lazily():
    ledger = TrustLedger(baseline=0.3, decay=0.05)
    a, b = np.array([1]), np.array([2])
    ledger.touch(a, b, step=0, new_value=lambda t: t * 0 + 0.9)
    assert ledger.get(a, b, 0)[0] == pytest.approx(0.9)
    assert 0.3 < ledger.get(a, b, 24)[0] < 0.9
    assert ledger.get(b, a, 24)[0] == 0.3  # directed: b never met a in its own ledger row
    assert 2 in ledger.neighbours[1]
    ledger.forget(2)
    assert 2 not in ledger.neighbours.get(1, set())
