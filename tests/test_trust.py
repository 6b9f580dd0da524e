"""Trust: experience raises it, breaches lower it, idleness returns it to the stranger level."""

import math

import numpy as np
import pytest

from alpaca_abm import portable as pm
from alpaca_abm import trust
from alpaca_abm.trust import (
    DECAY_RATES_KEPT,
    TrustLedger,
    after_experience,
    after_loss,
    decay_factors,
    decayed,
    scarred_gain,
    tie_key,
)


@pytest.fixture(autouse=True)
def no_kept_decay_factors():
    """Each test starts without kept decay tables, so that it works them out itself (a table
    kept by an earlier test, or by the process a test runs in, would hide how it is made)."""
    trust._DECAY_FACTORS.clear()
    yield
    trust._DECAY_FACTORS.clear()


def test_trust_rules_stay_in_unit_interval():
    t = np.array([0.0, 0.5, 1.0])
    assert ((after_experience(t, 0.1) >= t) & (after_experience(t, 0.1) <= 1)).all()
    assert ((after_loss(t, 0.3) <= t) & (after_loss(t, 0.3) >= 0)).all()


def test_decay_returns_toward_the_stranger_level():
    assert decayed(np.array([0.9]), np.array([120]), 0.3, 0.01)[0] < 0.9
    assert decayed(np.array([0.1]), np.array([120]), 0.3, 0.01)[0] > 0.1
    assert decayed(np.array([0.9]), np.array([0]), 0.3, 0.01)[0] == pytest.approx(0.9)


def test_decay_of_many_ties_reads_the_same_powers_bit_for_bit():
    """The kept table of decay factors gives exactly what a power per tie gives (idle times
    of both integer widths, strided and contiguous, up to 100,000 months, which grows the
    table)."""
    rng = np.random.default_rng(3)
    for n, top, dtype in ((5_000, 240, np.int32), (4_000, 7, np.int64), (3_000, 100_000, np.int32)):
        value = rng.random(n)
        idle = rng.integers(0, top, n).astype(dtype)
        for rate in (0.02, 0.0137):
            direct = 0.3 + (value - 0.3) * pm.power(1.0 - rate, idle)
            assert np.array_equal(decayed(value, idle, 0.3, rate), direct)
            assert np.array_equal(
                decayed(value[::2], idle[::2], 0.3, rate),
                0.3 + (value[::2] - 0.3) * pm.power(1.0 - rate, idle[::2]),
            )


def test_decay_tables_are_kept_per_rate_grown_on_demand_and_bounded():
    """A rate's table is worked out once and kept (read-only: every caller shares it); a
    longer idle time than it holds grows it, still (1 - rate) ** k; at most DECAY_RATES_KEPT
    rates are kept."""
    first = decay_factors(0.05, 10)
    assert decay_factors(0.05, 10) is first
    assert not first.flags.writeable
    assert len(first) > 10 and first[0] == 1.0 and first[1] == 0.95
    assert len(decay_factors(0.05, len(first))) > len(first)  # one past its end: grown
    grown = decay_factors(0.05, 1_000)  # far past it: grown
    assert len(grown) > 1_000 and np.array_equal(grown[: len(first)], first)
    assert grown[1_000] == pytest.approx(math.pow(0.95, 1_000), rel=1e-12)
    kept = []
    for k in range(DECAY_RATES_KEPT + 5):
        decay_factors(0.001 * (k + 1), 3)
        kept.append(len(trust._DECAY_FACTORS))
    assert max(kept) == DECAY_RATES_KEPT and kept[-1] > 0


def test_decay_of_long_and_fractional_idle_times_worked_by_hand():
    """A first read of a rate at 600 idle months: 0.3 + 0.6 x 0.99^600 (= 0.30145...); idle
    times that are not whole months (an array of floats) take the power itself: 1.5 months
    at 5% toward 0.3 from 0.9 is 0.3 + 0.6 x 0.95^1.5."""
    got = decayed(np.array([0.9]), np.array([600]), 0.3, 0.01)
    assert got[0] == pytest.approx(0.3 + 0.6 * math.pow(0.99, 600), rel=1e-12)
    got = decayed(np.array([0.9, 0.1]), np.array([1.5, 0.0]), 0.3, 0.05)
    assert got[0] == pytest.approx(0.3 + 0.6 * math.pow(0.95, 1.5), rel=1e-12)
    assert got[1] == pytest.approx(0.1, rel=1e-12)


def test_ledger_remembers_and_decays_lazily():
    ledger = TrustLedger(baseline=0.3, decay=0.05)
    a, b = np.array([1]), np.array([2])
    ledger.touch(a, b, step=0, new_value=lambda t: t * 0 + 0.9)
    assert ledger.get(a, b, 0)[0] == pytest.approx(0.9)
    assert 0.3 < ledger.get(a, b, 24)[0] < 0.9
    assert ledger.get(b, a, 24)[0] == 0.3  # directed: b never met a in its own ledger row
    assert 2 in ledger.neighbours_of(1)
    ledger.forget(2)
    assert 2 not in ledger.neighbours_of(1)


# --- values worked by hand ----------------------------------------------------------------
def test_decay_is_the_stated_monthly_rate_compounded():
    """0.9 after 12 idle months at 5% a month toward 0.3: 0.3 + 0.6 x 0.95^12
    = 0.3 + 0.6 x 0.540360 = 0.624216 (a rate ten times faster gives 0.3 + 0.6 x 0.5^12 =
    0.300146); with no idle month it is unchanged."""
    got = decayed(np.array([0.9, 0.9, 0.1]), np.array([12, 0, 1]), 0.3, 0.05)
    assert got[0] == pytest.approx(0.624216, abs=1e-6)
    assert got[1] == pytest.approx(0.9)
    assert got[2] == pytest.approx(0.3 - 0.2 * 0.95)  # from below: 0.1 rises to 0.11


def test_experience_closes_the_stated_share_of_the_gap_and_loss_is_absolute():
    """after_experience(0.4, 0.25) = 0.4 + 0.25 x 0.6 = 0.55; after_loss(0.4, 0.3) = 0.1;
    after_loss(0.2, 0.3) = 0 (floored); losses may differ per tie."""
    assert after_experience(np.array([0.4]), 0.25)[0] == pytest.approx(0.55)
    got = after_loss(np.array([0.4, 0.2]), np.array([0.3, 0.3]))
    assert got == pytest.approx([0.1, 0.0])


def test_each_detected_breach_slows_the_rebuilding_of_trust():
    """scarred_gain(0.06, b, 0.5) = 0.06 / (1 + 0.5 b): 0.06 with no breach, 0.04 after one,
    0.03 after two, 0.015 after six."""
    got = scarred_gain(0.06, np.array([0, 1, 2, 6]), 0.5)
    assert got == pytest.approx([0.06, 0.04, 0.03, 0.015])
    assert scarred_gain(np.array([0.1, 0.2]), np.array([1, 1]), 1.0) == pytest.approx([0.05, 0.1])


def test_tie_keys_are_unique_per_direction():
    """tie_key(1, 2) = 1 x 2^32 + 2 = 4294967298; (2, 1) = 8589934593."""
    keys = tie_key(np.array([1, 2, 0]), np.array([2, 1, 0]))
    assert keys.tolist() == [4294967298, 8589934593, 0]


def test_the_ledger_reads_decayed_trust_and_strangers_at_the_baseline():
    """A tie set to 0.9 at month 0 with decay 5% a month reads 0.3 + 0.6 x 0.95^24
    = 0.3 + 0.6 x 0.291989 = 0.475193 at month 24 (get and all_current alike); touching it
    then resets its clock, so at month 36 it reads 0.3 + 0.175193 x 0.95^12
    = 0.3 + 0.175193 x 0.540360 = 0.394668; an unknown tie reads 0.3."""
    ledger = TrustLedger(baseline=0.3, decay=0.05, capacity=2)
    a, b = np.array([1]), np.array([2])
    ledger.touch(a, b, step=0, new_value=lambda t: t * 0 + 0.9)
    assert ledger.get(a, b, 24)[0] == pytest.approx(0.475193, abs=1e-6)
    assert ledger.all_current(24) == pytest.approx([0.475193], abs=1e-6)
    ledger.touch(a, b, step=24)
    assert ledger.get(a, b, 36)[0] == pytest.approx(0.394668, abs=1e-6)
    assert ledger.current(np.array([-1, 0]), 36) == pytest.approx([0.3, 0.394668], abs=1e-6)
    ledger.add_ties(np.array([3, 4]), np.array([5, 6]), np.array([0.7, 0.8]), step=36)
    assert ledger.n == 5  # grown past its capacity of 2, earlier ties kept
    assert ledger.get(np.array([5, 4, 1]), np.array([3, 6, 2]), 36) == pytest.approx(
        [0.7, 0.8, 0.394668], abs=1e-6
    )
    assert ledger.unimpressed().tolist() == [0, 1, 2, 3, 4]
    assert ledger.unimpressed().tolist() == []


def test_the_ledger_index_finds_every_tie_and_reading_creates_none():
    """Ties added in three batches, looked up between them (the sorted index merges new
    ties), including the tie with the largest key (6 -> 4): each is found at its row. A
    read of an unknown tie returns the stranger level and adds no tie; new ties start with
    no past association or betrayal; the neighbour index holds every acquaintance of a
    breeder both ways; forgetting a breeder the ledger never met is harmless."""
    ledger = TrustLedger(baseline=0.3, decay=0.05, capacity=1)
    ledger.add_ties(np.array([1]), np.array([2]), np.array([0.5]), step=0)
    assert ledger.get(np.array([1]), np.array([2]), 0) == pytest.approx([0.5])
    ledger.add_ties(np.array([1, 4]), np.array([3, 6]), np.array([0.6, 0.7]), step=0)
    assert ledger.get(np.array([2, 6, 3]), np.array([1, 4, 1]), 0) == pytest.approx([0.5, 0.7, 0.6])
    rows = ledger.rows(np.array([6, 1, 9]), np.array([4, 2, 9]), 0, create=False)
    assert rows.tolist() == [5, 0, -1]
    n = ledger.n
    assert ledger.get(np.array([9, 7]), np.array([8, 1]), 0) == pytest.approx([0.3, 0.3])
    assert ledger.n == n == 6
    assert (ledger.associations[:n] == 0).all() and (ledger.betrayals[:n] == 0).all()
    assert ledger.neighbours_of(1).tolist() == [2, 3] and ledger.neighbours_of(4).tolist() == [6]
    ledger.forget(99)
    ledger.forget(1)
    assert len(ledger.neighbours_of(1)) == 0 and len(ledger.neighbours_of(2)) == 0


def test_all_current_counts_idle_months_since_the_last_contact():
    """A tie set to 0.9 at month 10 reads, at month 22 (12 idle months, decay 5%),
    0.3 + 0.6 x 0.95^12 = 0.624216, from every reader."""
    ledger = TrustLedger(baseline=0.3, decay=0.05)
    ledger.touch(np.array([1]), np.array([2]), step=10, new_value=lambda t: t * 0 + 0.9)
    assert ledger.all_current(22) == pytest.approx([0.624216], abs=1e-6)
    assert ledger.current(np.array([0]), 22) == pytest.approx([0.624216], abs=1e-6)


def test_acquaintance_pairs_by_hand():
    """An empty ledger has no pairs for nobody. Ties 7 -> 1 (one way) and 2 <-> 3: the
    pairs of breeder 1 are (1, 7) once (the tie 7 -> 1 links them), of 2 and 3 each other
    twice (both ties), of breeder 50 (never met) none; pairs come as int64. Forgetting 2
    unlinks 2 and 3 and leaves 7 and 1 acquainted."""
    empty = TrustLedger(0.3, 0.05)
    assert [a.size for a in empty.neighbour_pairs(np.zeros(0, np.int64))] == [0, 0]
    ledger = TrustLedger(0.3, 0.05)
    ledger.rows(np.array([7]), np.array([1]), 0)
    ledger.add_ties(np.array([2]), np.array([3]), np.array([0.5]), step=0)
    who, other = ledger.neighbour_pairs(np.array([1]))
    assert (who.tolist(), other.tolist()) == ([1], [7]) and who.dtype == other.dtype == np.int64
    who, other = ledger.neighbour_pairs(np.array([2, 3]))
    assert sorted(zip(who.tolist(), other.tolist(), strict=True)) == [
        (2, 3),
        (2, 3),
        (3, 2),
        (3, 2),
    ]
    assert [a.size for a in ledger.neighbour_pairs(np.array([50]))] == [0, 0]
    ledger.forget(2)
    assert ledger.neighbours_of(3).size == 0 and ledger.neighbours_of(1).tolist() == [7]


def test_forgetting_on_an_empty_ledger_nobody_or_the_highest_row_by_hand():
    """An empty ledger forgets breeder 3 without complaint; a ledger with the one-way tie
    1 -> 5 (made by a first contact) forgets nobody (an empty list) and keeps the tie;
    forgetting breeder 2 (who is in no tie) leaves it too, the highest row (5) being the
    trusted one; forgetting 5 unlinks it."""
    TrustLedger(baseline=0.3, decay=0.0).forget(3)
    ledger = TrustLedger(baseline=0.3, decay=0.0)
    ledger.rows(np.array([1]), np.array([5]), 0, create=True)
    ledger.forget(np.zeros(0, dtype=np.int64))
    ledger.forget(2)
    assert ledger.linked[: ledger.n].tolist() == [True]
    ledger.forget(5)
    assert ledger.linked[: ledger.n].tolist() == [False]


def test_acquaintance_pairs_with_the_number_of_breeders_given_are_the_same():
    """Told how many breeder rows there are (above every tie's breeders), the ledger finds
    the same pairs in the same order as when it works the number out from its ties."""
    rng = np.random.default_rng(2)
    ledger = TrustLedger(0.3, 0.05)
    ledger.add_ties(rng.integers(0, 400, 900), rng.integers(0, 400, 900), rng.random(900), 0)
    ledger.rows(rng.integers(0, 400, 50), rng.integers(0, 400, 50), 1)  # one-way ties too
    ledger.forget(np.array([3, 17]))
    who = rng.choice(400, 60, replace=False)
    for a, b in zip(ledger.neighbour_pairs(who), ledger.neighbour_pairs(who, 400), strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype == np.int64


def test_rows_both_ways_are_the_rows_of_each_direction_in_turn():
    """a -> b's rows, then b -> a's, as two look-ups give them; without `create` an unknown
    tie is -1 and none is added, with it the new ties take rows in that order."""
    ledger = TrustLedger(baseline=0.3, decay=0.05, capacity=1)
    ledger.add_ties(np.array([1, 4]), np.array([2, 6]), np.array([0.5, 0.7]), step=0)
    a, b = np.array([4, 1, 7]), np.array([6, 2, 8])
    n = ledger.n
    both = ledger.rows_both_ways(a, b, 0, create=False)
    assert both.tolist() == [
        *ledger.rows(a, b, 0, create=False).tolist(),
        *ledger.rows(b, a, 0, create=False).tolist(),
    ]
    assert both.tolist() == [1, 0, -1, 3, 2, -1] and ledger.n == n
    both = ledger.rows_both_ways(a, b, 0)
    assert both.tolist() == [1, 0, n, 3, 2, n + 1] and ledger.n == n + 2


def test_the_ledger_index_keeps_a_few_new_ties_apart_then_merges_them():
    """100 ties (200 rows, both ways) then 2 more (4 rows): 4 x RECENT_SHARE = 64 is under
    200, so the new ties are sorted apart from the bulk, and looked up there; 12 more (28
    rows with the 4 kept apart, 28 x 16 over 200) join the bulk. Every tie is found at its
    row throughout, in any order of the lookups."""
    ledger = TrustLedger(baseline=0.3, decay=0.05)
    src, dst = np.arange(100), np.arange(100) + 1000
    ledger.add_ties(src, dst, np.full(100, 0.5), step=0)
    assert (ledger.rows(dst, src, 0, create=False) == np.arange(100, 200)).all()
    ledger.add_ties(np.array([7, 3]), np.array([5, 2]), np.array([0.6, 0.7]), step=0)
    rows = ledger.rows(np.array([2, 7, 1003, 5]), np.array([3, 5, 3, 7]), 0, create=False)
    assert rows.tolist() == [203, 200, 103, 202]
    (bulk, _), (recent, recent_rows) = ledger._sorted_index()
    assert len(bulk) == 200 and len(recent) == 4
    assert sorted(recent_rows.tolist()) == [200, 201, 202, 203]
    more = np.arange(12) + 500
    ledger.add_ties(more, more + 1, np.full(12, 0.4), step=0)
    assert (ledger.rows(more + 1, more, 0, create=False) == np.arange(216, 228)).all()
    assert ledger.rows(np.array([3]), np.array([2]), 0, create=False).tolist() == [201]
    (bulk, _), (recent, _) = ledger._sorted_index()
    assert len(bulk) == 228 and len(recent) == 0
