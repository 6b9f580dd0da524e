"""Whole runs: contract of the tables, invariants, reproducibility, switches."""

import numpy as np
import pandas as pd
import pytest

import alpaca_abm
from alpaca_abm import AlpacaModel, finance
from alpaca_abm.coownership import ENDED_BREACH

REQUIRED_MODEL = [
    "step",
    "date",
    "n_breeders",
    "n_alpacas",
    "mean_quality",
    "quality_sd",
    "price_female",
    "sales_count",
    "sales_value",
    "fibre_price",
    "n_coowned_studs",
    "n_partnerships",
    "elite_access_share",
    "mean_knowledge",
    "mean_trust",
    "network_density",
    "total_profit",
    "share_coop_dominated",
    "share_equal",
    "share_comp_dominated",
]
REQUIRED_AGENT = [
    "herd_size",
    "herd_quality",
    "cash",
    "revenue",
    "costs",
    "profit",
    "knowledge",
    "n_partners",
    "trust_mean",
    "elite_access",
    "size_class",
    "relationship_type",
]


def heads_by_owner(model):
    return model.herd.counts_by_owner(model.firms.n)


def accounted(model):
    f = model.firms
    n = f.n
    return f.births[:n] - f.deaths[:n] - f.culled[:n] - f.sold_out[:n] + f.bought_in[:n]


@pytest.fixture(scope="module")
def short_run():
    return alpaca_abm.run(steps=36, rng=5, n_breeders=40)


def test_tables_have_the_contracted_columns_and_index(short_run):
    assert list(short_run.model_df.columns[: len(REQUIRED_MODEL)]) == REQUIRED_MODEL
    assert len(short_run.model_df) == 36
    assert short_run.model_df["date"].iloc[0] == "2006-01"
    assert short_run.model_df["date"].iloc[-1] == "2008-12"
    assert short_run.agent_df.index.names == ["step", "breeder_id"]
    assert set(REQUIRED_AGENT) <= set(short_run.agent_df.columns)
    assert set(short_run.agent_df["size_class"]) <= {"small", "large"}


def test_no_nan_or_infinite_values(short_run):
    numeric = short_run.model_df.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy(dtype=float)).all()
    agents = short_run.agent_df.select_dtypes("number")
    assert np.isfinite(agents.to_numpy(dtype=float)).all()
    assert all(np.isfinite(v) for v in short_run.summary.values())


def test_every_animal_is_accounted_for_month_by_month():
    model = AlpacaModel(rng=11, n_breeders=50)
    start = heads_by_owner(model) - accounted(model)
    for _ in range(48):
        model.step()
        heads = heads_by_owner(model)
        base = np.zeros(model.firms.n, dtype=np.int64)
        base[: len(start)] = start
        assert (heads == base + accounted(model)).all()
        herd = model.herd
        assert (herd.view("age") >= 0).all()
        assert herd.view("alive").all()  # dead rows are compacted away each month
        # a closed firm holds animals only while its dispersal sale runs (issue #20)
        closed = ~model.firms.active[: model.firms.n]
        assert (heads[closed & ~finance.dispersing(model.firms, model.steps)] == 0).all()


def test_contracts_are_consistent_and_leave_nothing_dangling():
    model = AlpacaModel(rng=3, n_breeders=60)
    for _ in range(72):
        model.step()
        con = model.contracts
        run = con.running()
        shares = con.share_keeper[run] + con.share_partner[run]
        assert np.allclose(shares, 1.0)
        assert model.firms.active[con.keeper[run]].all()
        assert model.firms.active[con.partner[run]].all()
        studs = con.stud[run]
        assert model.herd.alive[studs].all() and model.herd.stud[studs].all()
        assert (model.herd.owner[studs] == con.keeper[run]).all()
        k = model.firms.knowledge[: model.firms.n]
        assert ((k >= 0) & (k <= 1)).all()
        trust = model.trust.all_current(model.steps)
        assert ((trust >= 0) & (trust <= 1)).all()
    assert con.n > 0, "a six-year run should see co-ownerships"


def test_same_seed_same_tables_and_other_seed_differs():
    a = alpaca_abm.run(steps=24, rng=7, n_breeders=30)
    b = alpaca_abm.run(steps=24, rng=7, n_breeders=30)
    c = alpaca_abm.run(steps=24, rng=8, n_breeders=30)
    pd.testing.assert_frame_equal(a.model_df, b.model_df)
    pd.testing.assert_frame_equal(a.agent_df, b.agent_df)
    assert not a.model_df["n_alpacas"].equals(c.model_df["n_alpacas"])


def test_counterfactual_switch_turns_off_every_coopetition_mechanism():
    r = alpaca_abm.run(steps=60, rng=2, n_breeders=50, coopetition=False)
    df = r.model_df
    assert df["n_partnerships"].max() == 0
    assert df["knowledge_shared"].sum() == 0 and df["referrals"].sum() == 0
    assert df["pooled_kg"].sum() == 0


def test_each_mechanism_switches_alone():
    base = dict(steps=48, rng=4, n_breeders=50)
    assert alpaca_abm.run(coownership=False, **base).model_df["n_partnerships"].max() == 0
    assert alpaca_abm.run(knowledge_sharing=False, **base).model_df["knowledge_shared"].sum() == 0
    assert alpaca_abm.run(referrals=False, **base).model_df["referrals"].sum() == 0
    assert alpaca_abm.run(industry_investment=False, **base).model_df["demand_index"].max() == 1.0
    fixed = alpaca_abm.run(entry_exit=False, **base).model_df
    assert fixed["entrants"].sum() == 0 and fixed["exits"].sum() == 0


def test_full_control_catches_every_breach_and_costs_trust():
    r = alpaca_abm.run(
        steps=96,
        rng=1,
        n_breeders=80,
        control_strength=1.0,
        opportunism_mean=0.9,
        breach_dissolution=0.0,
        keep_model=True,
    )
    df = r.model_df
    assert df["breaches"].sum() > 0
    assert df["detected_breaches"].sum() == df["breaches"].sum()
    none = alpaca_abm.run(
        steps=96, rng=1, n_breeders=80, control_strength=0.0, opportunism_mean=0.9
    )
    assert none.model_df["detected_breaches"].sum() == 0
    ended = r.model.contracts.view("reason")[r.model.contracts.view("ended") >= 0]
    assert (ended != ENDED_BREACH).all()  # dissolution chance 0: breaches cost trust only


def test_scenario_is_read_only_during_a_run():
    model = AlpacaModel(rng=1, n_breeders=10)
    model.step()
    with pytest.raises(ValueError, match="during model run"):
        model.scenario.coopetition = False


def test_bad_overrides_and_steps_are_refused():
    with pytest.raises(ValueError, match="n_breeders"):
        alpaca_abm.run(steps=2, n_breeders=-3)
    with pytest.raises(ValueError, match="steps"):
        alpaca_abm.run(steps=0)


def test_sparse_clustering_equals_networkx():
    import networkx as nx

    from alpaca_abm.metrics import acquaintance_graph, clustering

    model = AlpacaModel(rng=2, n_breeders=80)
    for _ in range(24):
        model.step()
    expected = nx.average_clustering(acquaintance_graph(model))
    assert clustering(model) == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < 1


def test_dense_clustering_equals_sparse_bit_for_bit(monkeypatch):
    from alpaca_abm import metrics

    rng = np.random.default_rng(7)
    for n in (12, 30, 64):
        src, dst = rng.integers(0, n, 2 * n), rng.integers(0, n, 2 * n)
        keep = src != dst
        nodes = np.sort(rng.choice(n, n // 2 + 1, replace=False))
        dense = metrics.average_clustering(n, src[keep], dst[keep], nodes)
        monkeypatch.setattr(metrics, "DENSE_CLUSTERING_MAX", 0)
        sparse = metrics.average_clustering(n, src[keep], dst[keep], nodes)
        monkeypatch.undo()
        assert dense == sparse and 0 < dense < 1


def test_pair_trust_at_24_months_is_missing_without_a_warning_while_every_pair_is_younger():
    """A run whose partnerships are all under 24 months old has no trust at 24 months: the
    outcome is NaN (missing), the same mean as numpy's where any is known, and no warning."""
    import warnings

    from alpaca_abm.metrics import _mean_of_known

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(_mean_of_known(np.array([np.nan, np.nan])))
        assert np.isnan(_mean_of_known(np.zeros(0)))
        values = np.array([0.2, np.nan, 0.7, 0.4])
        assert _mean_of_known(values) == np.nanmean(values)
        assert _mean_of_known(values) == pytest.approx(1.3 / 3)
