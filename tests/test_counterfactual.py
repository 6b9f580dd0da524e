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
    half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))
    print(
        f"\nquality with - without coopetition over {len(diff)} seeds: mean {diff.mean():.2f}"
        f" points (95% CI {diff.mean() - half:.2f} to {diff.mean() + half:.2f}), sd "
        f"{diff.std(ddof=1):.2f}, paired t p = {t.pvalue:.2g}; elite access "
        f"{on[:, 1].mean():.2f} vs {off[:, 1].mean():.2f}"
    )
    assert diff.mean() > 0
    assert t.pvalue < 0.01  # one-sided paired t-test at the 1% level


def test_the_counterfactual_switches_off_only_cooperation():
    """coopetition=False: no co-ownership, sharing, referrals, pooling, and so no breach,
    leakage or strategy change; but breeders still compete for buyers in the same market."""
    on = alpaca_abm.AlpacaModel("baseline", rng=4)
    off = alpaca_abm.AlpacaModel("baseline", rng=4, coopetition=False)
    changed = {k for k, v in off.scenario.values().items() if on.scenario.values()[k] != v}
    assert changed == {"coopetition"}
    for _ in range(36):
        off.step()
    df = off.model_df
    for column in ("n_partnerships", "coowned_matings", "knowledge_shared", "referrals",
                   "pooled_kg", "breaches", "conflicts", "leakage_sales_lost"):  # fmt: skip
        assert df[column].sum() == 0, column
    assert df["sales_count"].sum() > 0  # the market, and the rivalry in it, still runs
    # no industry investment either: awareness stays where it started (education days off)
    assert np.allclose(df["awareness"], df["awareness"].iloc[0]), "investment ran"
    reach = off.market.reach
    n_f = off.firms.n
    k = reach.shape[1]  # firms at the month's market (the month's entrants come after it)
    assert (reach.sum(axis=0)[off.firms.active[:k]] > 0).all()
    prot = off.firms.protection[:n_f]
    assert np.allclose(prot, off.scenario.protection)  # nothing shared: nothing to learn from
