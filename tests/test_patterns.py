"""Patterns of the seed's industry that the model must reproduce, over several seeds.

The cheap part of the pattern-oriented validation (the full one is
`python experiments/propositions.py`, which writes docs/VALIDATION.md). Six seeds of
`uk_2018` run 48 months each on two spawned worker processes, with coopetition on (and,
for one test, off), and share the per-firm indicators of `experiments/patterns.py`.

The relationship-type test guards no calibration: the types come from the raw intensities with a
fixed margin (issue 21; cooperation the share of what a pair could exchange that it does,
competition the share of the buyers each won in a year from markets the other won buyers in),
and no parameter was fitted to the seed's 7/15/7 or to the other patterns.
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
import patterns  # noqa: E402

SEEDS = range(200, 206)  # not the seeds the relationship-type split was calibrated on (0-11)
STEPS = 48  # 2018-2021: past the interviews (month 24)
SPLIT_MONTH = 24  # end of 2019, when the 29 firms were interviewed


@pytest.fixture(scope="module")
def runs():
    jobs = [("on", s, STEPS, {}, (SPLIT_MONTH,), True) for s in SEEDS]
    jobs += [("off", s, STEPS, {"coopetition": False}, (), False) for s in SEEDS]
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters: no forked threads
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        done = list(pool.map(patterns.run_job, jobs))
    return {(arm, seed): res for arm, seed, res in done}


def on_runs(runs):
    return [runs[("on", s)] for s in SEEDS]


def rate(pairs):
    count, n = np.sum([p[0] for p in pairs]), np.sum([p[1] for p in pairs])
    return count / n


@pytest.mark.slow
def test_coowners_reach_rare_genetics_more_often_than_others(runs):
    """Access to rare genetics (Table 4: 19 of 29 firms): in firm-years in which a firm
    co-owns a stud it has had an elite mating far more often than in firm-years it does not,
    and firms that co-owned more often end the period with elite access."""
    t4 = [r["table4"] for r in on_runs(runs)]
    while_co = rate([t["elite:coowning"] for t in t4])
    while_not = rate([t["elite:not_coowning"] for t in t4])
    per_seed = [
        t["elite:coowning"][0] / t["elite:coowning"][1]
        - t["elite:not_coowning"][0] / t["elite:not_coowning"][1]
        for t in t4
    ]
    print(f"\nelite access in firm-years co-owning {while_co:.2f} vs not {while_not:.2f}")
    assert while_co - while_not >= 0.10
    assert sum(d > 0 for d in per_seed) >= len(per_seed) - 1
    co = rate([t["rare_genetics:coowners"] for t in t4])
    others = rate([t["rare_genetics:others"] for t in t4])
    assert co > others


@pytest.mark.slow
def test_partnered_owners_learn_faster_than_unpartnered(runs):
    """Knowledge and learning (P2a; Table 4: 15 of 29 firms): owners of firms that co-own gain
    more knowledge than owners of firms that never do, in every seed; and only co-owners learn
    beyond what learning by doing alone gives."""
    for r in on_runs(runs):
        t = r["table4"]
        co = t["knowledge_gain:coowners"][0] / t["knowledge_gain:coowners"][1]
        others = t["knowledge_gain:others"][0] / max(t["knowledge_gain:others"][1], 1)
        assert co > others
        assert t["knowledge:others"][0] == 0
        assert t["knowledge:coowners"][0] > 0
    gains_on = [runs[("on", s)]["outcomes"]["incumbent_knowledge_gain"] for s in SEEDS]
    gains_off = [runs[("off", s)]["outcomes"]["incumbent_knowledge_gain"] for s in SEEDS]
    assert all(a > b for a, b in zip(gains_on, gains_off, strict=True))


@pytest.mark.slow
def test_relationship_type_split_is_near_the_seeds_7_15_7(runs):
    """Table 2: 7 cooperation-dominated, 15 equal, 7 competition-dominated firms. The split of
    firms with partners at the end of 2019, mean over six seeds, within 40% of each count
    (issue 21's criterion), from the raw intensities and the fixed margin."""
    target = np.array([7, 15, 7]) / 29
    shares = []
    for r in on_runs(runs):
        counts = r["split"][SPLIT_MONTH]["firms"]
        shares.append(counts / counts.sum())
    mean = np.mean(shares, axis=0)
    print(f"\nfirm split at month {SPLIT_MONTH}: {np.round(mean, 2)} vs {np.round(target, 2)}")
    assert np.all(np.abs(mean - target) <= 0.4 * target)


@pytest.mark.slow
def test_pattern_indicators_are_shares_and_groups_are_consistent(runs):
    """Every Table 4 indicator is a share in [0, 1] of the firms it applies to; co-owners
    hold a share of a stud, firms that never co-owned do not."""
    for r in on_runs(runs):
        t = r["table4"]
        assert t["n_coowners"] > 0 and t["n_others"] > 0
        for theme in patterns.TABLE4_THEMES:
            for group in ("coowners", "others", "seed_coowners"):
                count, n = t[f"{theme.key}:{group}"]
                assert 0 <= count <= n
        assert t["spread_cost:coowners"][0] == t["spread_cost:coowners"][1]
        assert t["spread_cost:others"][0] == 0
