"""Bovine TB in camelids: spread only along contacts, testing, restrictions, culling, and what
an outbreak does to the market and how co-ownership changes its spread (over seeds)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from scipy import stats

import alpaca_abm
from alpaca_abm import AlpacaModel, breeding, trading
from alpaca_abm.breeder import HEALTH
from alpaca_abm.disease import RETEST_MONTHS, chance_of_testing, herd_found

SEEDS = range(8)


def _pool():
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters: no forked threads
    return ProcessPoolExecutor(max_workers=2, mp_context=spawn)


def _accounted(model):
    f, n = model.firms, model.firms.n
    return f.births[:n] - f.deaths[:n] - f.culled[:n] - f.sold_out[:n] + f.bought_in[:n]


# --- pure rules ---------------------------------------------------------------------------
def test_testing_is_likelier_the_more_an_owner_knows_about_health():
    k = np.linspace(0, 1, 5)
    chance = chance_of_testing(k, 0.3)
    assert np.all(np.diff(chance) > 0)
    assert chance[0] == pytest.approx(0.075) and chance[-1] == pytest.approx(0.3)
    assert herd_found(0) == 0 and herd_found(1) == pytest.approx(0.8)
    assert herd_found(5) > herd_found(1)


def test_testing_and_finding_by_hand():
    """Chance of a test at detection 0.4 for an owner with half the health knowledge:
    0.4 x (0.25 + 0.75 x 0.5) = 0.25. A test of a herd with three infected animals at
    sensitivity 0.8 finds at least one with 1 - 0.2^3 = 0.992; at sensitivity 0.5, 0.875."""
    assert chance_of_testing(np.array([0.5]), 0.4) == pytest.approx([0.25])
    assert herd_found(np.array([3, 0])) == pytest.approx([0.992, 0.0])
    assert herd_found(3, sensitivity=0.5) == pytest.approx(0.875)


# --- small worlds where the answer is known ----------------------------------------------
def test_infection_cannot_cross_between_breeders_that_never_trade_or_share_a_stud():
    """Two breeders, no coopetition, no entry, no outside buyers, both aiming far above their
    herd (so neither offers stock) and no trip longer than 1 km: no contact at all."""
    crossed_in_infected_worlds = 0
    for seed in range(4):
        m = AlpacaModel(
            rng=seed,
            n_breeders=2,
            coopetition=False,
            entry_exit=False,
            max_travel_km=1,
            hobby_demand=0,
            pet_demand=0,
            export_demand=0,
            max_herd_size=100_000,
            herd_size_median=40,
        )
        m.firms.target_herd[:2] = 100_000
        m.trigger(kind="disease", start=0, strength=1.0, breeders=[0])
        infected_0, infected_1 = 0, 0
        for _ in range(60):
            m.step()
            by_owner = m.disease.infected_by_owner(m)
            infected_0 = max(infected_0, by_owner[0])
            infected_1 = max(infected_1, by_owner[1])
        df = m.model_df
        assert df["sales_count"].sum() == 0 and df["pet_sales"].sum() == 0  # no trade
        assert df["service_matings"].sum() == 0 and df["coowned_matings"].sum() == 0
        assert infected_1 == 0, f"seed {seed}: infection crossed without a contact"
        crossed_in_infected_worlds += infected_0 > 1
    assert crossed_in_infected_worlds >= 2  # the index herd did carry a spreading infection


def test_every_new_infected_herd_had_a_contact_that_month():
    """In a whole industry, a herd becomes infected only through the month's contacts: an
    animal bought in (or a stud handed over), a visit to or from a stud, or the outbreak."""
    spread = 0
    for seed in (4, 5, 6):  # several worlds, so that the infection surely spreads in some
        spread += _contacts_explain_new_infections(seed)
    assert spread > 2  # the outbreak did spread


def _contacts_explain_new_infections(seed: int) -> int:
    """Run one world (herds of median 30, the world the test was written on) for four years,
    assert every new infected herd had a contact that month; return how many there were."""
    m = AlpacaModel(
        rng=seed, n_breeders=60, herd_size_median=30.0, disease_start=0, disease_strength=1.0
    )
    sales = []
    original = trading.settle_sales

    def recording(model, animals, sellers, buyers, price):
        sales.append(buyers[buyers >= 0].copy())
        return original(model, animals, sellers, buyers, price)

    trading.settle_sales = recording
    try:
        spread = 0
        for _ in range(48):
            before = m.disease.infected_by_owner(m) > 0
            bought_before = m.firms.bought_in[: m.firms.n].copy()
            sales.clear()
            m.step()
            n_f = m.firms.n
            now = m.disease.infected_by_owner(m) > 0
            new = np.flatnonzero(now[: len(before)] & ~before)
            contacts = set()
            for b in sales:
                contacts.update(b.tolist())
            for visitor, host, _, _ in m.disease.visits:
                contacts.update((visitor, host))
            bought = np.flatnonzero(m.firms.bought_in[: len(bought_before)] > bought_before)
            contacts.update(bought.tolist())
            if m.steps == 1:
                log = m.event_log[0]["detail"].split(";")[0].split(":")[1].split()
                contacts.update(int(x) for x in log)
            assert set(new.tolist()) <= contacts, f"month {m.steps}: {new} had no contact"
            spread += len(new)
            assert n_f == len(now)
    finally:
        trading.settle_sales = original
    return spread


def test_restrictions_stop_sales_purchases_and_trips_of_a_found_herd():
    m = AlpacaModel(
        rng=2,
        n_breeders=80,
        disease_start=0,
        disease_strength=1.0,
        disease_index_herds=6,
        disease_detection=1.0,
    )
    restricted_months = 0
    for _ in range(48):
        n0 = m.firms.n
        sold, bought = m.firms.sold_out[:n0].copy(), m.firms.bought_in[:n0].copy()
        m.step()
        f = m.firms
        held = np.flatnonzero(f.restricted[:n0] & f.active[:n0])
        restricted_months += len(held)
        assert (f.sales_count[held] == 0).all()
        assert (f.sold_out[held] == sold[held]).all()  # no females, pets or exports out
        assert (f.bought_in[held] == bought[held]).all()  # nothing bought in
        travellers = {v for v, _, _, _ in m.disease.visits}
        hosts = {h for _, h, _, _ in m.disease.visits}
        assert not (travellers | hosts) & set(held.tolist())  # no stud trips either way
    assert restricted_months > 5
    df = m.model_df
    assert df["found_herds"].sum() > 0 and df["culled"].sum() > 0


def test_found_herds_are_culled_restricted_and_freed_after_a_clear_period():
    m = AlpacaModel(rng=1, n_breeders=40, disease_clear_months=4, disease_detection=1.0)
    target = int(np.argmax(m.herd.counts_by_owner(m.firms.n)))
    m.firms.knowledge[target, HEALTH] = 1.0  # tested every month
    m.trigger(kind="disease", start=0, strength=0.3, breeders=[target])
    history = []
    start = m.herd.counts_by_owner(m.firms.n) - _accounted(m)
    for _ in range(40):
        m.step()
        history.append(
            (m.steps - 1, bool(m.firms.restricted[target]), int(m.disease.last_positive[target]))
        )
        heads = m.herd.counts_by_owner(m.firms.n)
        base = np.zeros(m.firms.n, dtype=np.int64)
        base[: len(start)] = start
        assert (heads == base + _accounted(m)).all()  # culled animals are accounted for
    found = [month for month, r, _ in history if r]
    assert found, "a herd tested every month is found"
    assert m.firms.culled[target] > 0
    lifted = [
        (month, last)
        for (month, r, last), (_, was, _) in zip(history[1:], history, strict=False)
        if was and not r
    ]
    assert lifted, "restrictions lift once the herd tests clear"
    for month, last in lifted:
        assert month - last >= 4  # not before the clear period
        assert month - last < 4 + RETEST_MONTHS + 1


def test_acquaintances_trust_a_found_herd_less_and_avoid_it_as_a_partner():
    m = AlpacaModel(rng=3, n_breeders=40, disease_detection=1.0, disease_trust_loss=0.3)
    target = int(np.argmax(m.herd.counts_by_owner(m.firms.n)))
    m.firms.knowledge[target, HEALTH] = 1.0
    m.trigger(kind="disease", start=0, strength=0.5, breeders=[target])
    others = m.trust.neighbours_of(target)
    for _ in range(12):
        before = m.trust.get(others, np.full(len(others), target), m.steps)
        m.step()
        if m.model_df["found_herds"].iloc[-1]:
            after = m.trust.get(others, np.full(len(others), target), m.steps)
            assert (after < before - 0.2).all()
            assert m.disease.shunned(m)[target]
            return
    pytest.fail("the herd was not found in a year of monthly tests")


# --- over seeds ---------------------------------------------------------------------------
ARMS = (("baseline", {}), ("disease_outbreak", {}), ("disease_outbreak", {"disease_scare": 0.0}))


def _year_after_outbreak(job):
    seed, (scenario, overrides) = job
    run = alpaca_abm.run(scenario, steps=72, rng=seed, **overrides)
    df = run.model_df.iloc[60:]  # the outbreak starts at month 60
    return (
        df["price_female"].mean(),
        df["sales_value"].sum(),
        df["sales_count"].sum(),
        df["outside_buyers"].sum(),
    )


@pytest.fixture(scope="module")
def year_after_outbreak():
    """The 12 months from the outbreak of the shipped disease_outbreak scenario (TB in seven
    herds, 5% of the 140, from month 60), of the baseline, and of the same outbreak with no
    scare (disease_scare = 0), on the same 8 seeds: (price, sales value, females sold,
    outside buyers) per seed for each of the three."""
    jobs = [(s, arm) for s in SEEDS for arm in ARMS]
    with _pool() as pool:
        r = np.array(list(pool.map(_year_after_outbreak, jobs)))
    return r[0::3], r[1::3], r[2::3]


@pytest.mark.slow
def test_news_of_an_outbreak_keeps_outside_buyers_away(year_after_outbreak):
    """The scare, a mechanism whatever the market makes of it: outside buyers in the year
    from the outbreak with the scare over the same outbreak without it, paired log ratio on
    8 seeds, required a mean below -0.05. Measured when written (economy of issue #20, seeds
    0-7): -0.176 (-16.1%; sd 0.032, lower in 8 of 8); the mean of 8 has sd 0.011, so a
    correct model fails with z > 10 and a scare that does nothing (0) passes with less than
    1 in 100,000. Before that economy (15 seeds): -0.147 (sd 0.062).

    What the outbreak does to prices and sales (against the baseline) is printed, not
    required: the effect is small against its spread between seeds, so no bound gives a
    correct model a false-failure rate near 1 in 1,000 and still fails a broken one.
    Measured on seeds 0-7 on 2026-12-06 (issue #20 round 2 with the dispersal sale): price
    -1.6% (sd of log ratio 0.021, lower in 6 of 8), sales value -5.1% (sd 0.084, lower in 6
    of 8, paired t p = 0.06); a bound at half the sales effect would need about 100 seeds.
    Earlier: -17% and -14% (8 of 8) when first written, -2.3% and -10.5% (15 seeds) before
    issue #20, +0.8% and -0.6% on its first round. Restrictions are tested on small worlds
    above."""
    base, sick, fearless = year_after_outbreak
    d = np.log(sick[:, 3] / fearless[:, 3])
    line = (
        f"outside buyers, scare vs none: {100 * np.expm1(d.mean()):+.1f}% (sd of log ratio "
        f"{d.std(ddof=1):.3f}), lower in {(d < 0).sum()} of {len(d)} seeds"
    )
    market = [  # printed for the reader, not required (see below)
        f"{name} vs no outbreak: {100 * np.expm1(np.log(sick[:, k] / base[:, k]).mean()):+.1f}%"
        for k, name in ((0, "mean price"), (1, "sales value"))
    ]
    print("\n" + "; ".join([line, *market]))
    assert d.mean() < -0.05, line


def _coowned_only_world(seed):
    """One seed, both arms: a world where animals never move between breeders and no stud
    is for hire, so a co-owned stud is the only contact between herds. The outbreak starts
    at month 24 in (up to) six breeders that co-own a stud in the co-ownership arm; the same
    breeders in the other arm."""
    breeding.service_studs = lambda model: (np.zeros(0, np.int64), np.zeros(0, np.int64))
    out, index = [], None
    for coownership in (True, False):
        m = AlpacaModel(
            rng=seed,
            coownership=coownership,
            entry_exit=False,
            hobby_demand=0,
            pet_demand=0,
            export_demand=0,
            max_herd_size=100_000,
            disease_detection=0.1,
        )
        m.firms.target_herd[: m.firms.n] = 100_000  # nobody offers stock
        for _ in range(24):
            m.step()
        if index is None:
            run = m.contracts.running()
            members = set(m.contracts.keeper[run].tolist()) | set(m.contracts.partner[run].tolist())
            index = sorted(members)[:6]
        m.trigger(kind="disease", strength=1.0, breeders=index)
        for _ in range(36):
            m.step()
        ever = m.disease.ever_infected[: m.firms.n].copy()
        ever[index] = False
        assert m.model_df["internal_sales"].sum() == 0
        out.append(int(ever.sum()))
    return out


@pytest.mark.slow
def test_coownership_carries_the_infection_beyond_the_index_herds():
    """Statistic: herds infected beyond the index herds in three years, with and without
    co-ownership, same seeds and same index breeders; one-sided paired t-test (required:
    p < 0.01) and the count of seeds (required: more in at least 6 of 8; none without
    co-ownership, by construction). Measured when written: 3.6 more herds on average, 8 of 8
    seeds, p = 5e-5.

    In the whole industry (other routes open) the net effect of co-ownership on how far an
    outbreak reaches is not significant: it adds partners' trips but takes breeders away
    from hired studs, which are hubs (see docs/SHOCKS.md)."""
    with _pool() as pool:
        r = np.array(list(pool.map(_coowned_only_world, SEEDS)))
    on, off = r[:, 0], r[:, 1]
    d = on - off
    t = stats.ttest_1samp(d, 0.0, alternative="greater")
    print(
        f"\nherds infected beyond the index herds through co-owned studs: with co-ownership "
        f"{on.tolist()}, without {off.tolist()}; mean difference {d.mean():.2f} "
        f"(sd {d.std(ddof=1):.2f}), more in {(d > 0).sum()} of {len(d)} seeds, "
        f"paired t p = {t.pvalue:.2g}"
    )
    assert (off == 0).all()  # without co-ownership there is no route at all
    assert (d > 0).sum() >= 6 and t.pvalue < 0.01


def test_a_new_disease_state_and_its_remap_by_hand():
    """A new state: nobody infected, found, tested or ever infected (-1 for the months,
    int64), no outbreak (not active, never), strength 0, no herd infected by any route, no
    visits. Remap with no outbreak ever leaves the flags alone. After one: animals 0 and 2
    infected, rows (0, 1, 2, 3) -> (-1, 0, 1, -1): the animal at old row 2 is infected at
    row 1, old row 0 (dropped) is gone, row 0 (old 1) is healthy; births past the flags'
    length count as healthy."""
    from alpaca_abm.disease import ROUTES, Disease

    d = Disease()
    assert not d.infected.any() and not d.ever_infected.any()
    for name in ("found_step", "last_positive", "last_test"):
        column = getattr(d, name)
        assert (column == -1).all() and column.dtype == np.int64, name
    assert d.ever_infected.dtype == bool and d.active is False and d.ever is False
    assert d.strength == 0.0 and d.routes == dict.fromkeys(ROUTES, 0) and d.visits == []
    d.infected[[0, 2]] = True
    d.remap(np.array([-1, 0, 1, -1]))
    assert d.infected[:4].tolist() == [True, False, True, False]  # no outbreak yet: untouched
    d.ever = True
    d.remap(np.array([-1, 0, 1, -1] + [2] * 2000))  # more rows than the flags hold
    assert d.infected[:3].tolist() == [False, True, False] and d.infected.sum() == 1


def test_remap_moves_an_infected_animal_to_row_zero_and_drops_the_dead_by_hand():
    """During an outbreak, rows (0, 1, 2) -> (1, 0, -1) with old rows 1 and 2 infected: the
    animal of old row 1 is infected at new row 0, old row 0 (healthy) moves to row 1, and
    old row 2 is dropped with its infection: one infected flag in the whole buffer (a spare
    row marked infected would infect the calf born into it)."""
    from alpaca_abm.disease import Disease

    d = Disease()
    d.ever = True
    d.infected[[1, 2]] = True
    d.remap(np.array([1, 0, -1]))
    assert d.infected[:3].tolist() == [True, False, False] and d.infected.sum() == 1
