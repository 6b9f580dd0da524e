"""The counterfactual industry (no coopetition) against the baseline, over ten seeds.

Each seed runs both industries 20 years (240 months); the test reports the paired
difference of final mean herd quality with its spread and a one-sided paired t bound.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from scipy import stats

import alpaca_abm

SEEDS = range(10)


def final_quality(args):
    seed, coopetition = args
    summary = alpaca_abm.run(steps=240, rng=seed, coopetition=coopetition).summary
    return summary["final_mean_quality"], summary["elite_access_share"]


@pytest.mark.slow
def test_coopetition_raises_industry_quality_after_twenty_years():
    jobs = [(s, True) for s in SEEDS] + [(s, False) for s in SEEDS]
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters: no forked threads
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        results = np.array(list(pool.map(final_quality, jobs)))
    on, off = results[: len(SEEDS)], results[len(SEEDS) :]
    diff = on[:, 0] - off[:, 0]
    t = stats.ttest_1samp(diff, 0.0, alternative="greater")
    print(
        f"\nquality with - without coopetition over {len(diff)} seeds: mean {diff.mean():.2f}"
        f" points, sd {diff.std(ddof=1):.2f}, paired t p = {t.pvalue:.2g}; elite access "
        f"{on[:, 1].mean():.2f} vs {off[:, 1].mean():.2f}"
    )
    assert diff.mean() > 0
    assert t.pvalue < 0.01  # one-sided paired t-test at the 1% level
