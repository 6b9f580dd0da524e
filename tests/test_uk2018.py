"""The `uk_2018` scenario starts from the seed's industry: the 29 firms of Table 2 at their
counties with their herds and markets, inside the 123-breeder directory of section 3.3."""

import subprocess

import numpy as np
import pandas as pd
import pytest

from alpaca_abm import AlpacaModel, load_scenario, metrics
from alpaca_abm.data import load_uk_2018_firms
from alpaca_abm.world import ELITE_OWNER_MIN_HERD

from helpers import CLI, checkout_env

DIRECTORY, DIRECTORY_SMALL = 123, 68  # seed section 3.3
EUROPEAN_TRADERS = 5  # seed section 3.3: "Five out of 29 companies trade within Europe"


@pytest.fixture(scope="module")
def table2():
    return load_uk_2018_firms().set_index("firm")


def start_table(seed):
    return metrics.breeder_table(AlpacaModel("uk_2018", rng=seed))


@pytest.mark.parametrize("seed", [0, 7])
def test_month_0_holds_the_29_seed_firms_as_printed(table2, seed):
    table = start_table(seed)
    assert (table.index.get_level_values("step") == 0).all()
    seed_rows = table[table["seed_firm"] > 0].set_index("seed_firm")
    assert sorted(seed_rows.index) == list(range(1, 30))
    assert not seed_rows["synthetic"].any()
    expected = table2.loc[seed_rows.index]
    # herds as printed, plus the imported elite stud that large herds start with (world.py)
    own_stud = expected["herd_size"] >= ELITE_OWNER_MIN_HERD
    np.testing.assert_array_equal(seed_rows["herd_size"], expected["herd_size"] + own_stud)
    np.testing.assert_array_equal(seed_rows["place"], expected["county"])
    np.testing.assert_array_equal(seed_rows["exports"], expected["trades_europe"])
    assert seed_rows["exports"].sum() == EUROPEAN_TRADERS


def test_the_five_european_traders_are_the_firms_of_table_2(table2):
    seed_rows = start_table(1).set_index("seed_firm").loc[range(1, 30)]
    traders = set(seed_rows.index[seed_rows["exports"]])
    assert traders == set(table2.index[table2["trades_europe"]])
    assert len(traders) == EUROPEAN_TRADERS
    # Table 2: the firms whose main market is partly Europe are among the traders
    half_europe = set(table2.index[table2["main_market"].str.contains("Europe")])
    assert half_europe <= traders


@pytest.mark.parametrize("seed", [0, 3])
def test_the_directory_and_its_size_classes(seed):
    table = start_table(seed)
    assert len(table) == DIRECTORY
    assert (table["size_class"] == "small").sum() == DIRECTORY_SMALL
    assert (table["herd_size"] < 50).sum() == DIRECTORY_SMALL
    synthetic = table[table["synthetic"]]
    assert len(synthetic) == DIRECTORY - 29
    assert (synthetic["seed_firm"] == -1).all()
    assert (table["herd_size"] >= 1).all()


def test_the_run_command_starts_from_the_seed_firms(table2, tmp_path):
    """`alpaca-abm run --scenario uk_2018`: after the first month every seed firm is still
    there, at its county, with its Table 2 herd changed only by that month's births, deaths
    and trades."""
    out = tmp_path / "uk"
    done = subprocess.run(
        [
            *CLI,
            "run",
            "--scenario",
            "uk_2018",
            "--steps",
            "1",
            "--seed",
            "5",
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=checkout_env(),
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    agents = pd.read_csv(out / "agents.csv")
    assert set(agents["step"]) == {1}
    seed_rows = agents[agents["seed_firm"] > 0].set_index("seed_firm").sort_index()
    assert list(seed_rows.index) == list(range(1, 30))
    np.testing.assert_array_equal(seed_rows["place"], table2["county"].loc[seed_rows.index])
    model = AlpacaModel(load_scenario("uk_2018"), rng=5)
    model.step()
    firms = model.firms
    rows = np.flatnonzero(firms.seed_firm[: firms.n] > 0)
    order = np.argsort(firms.seed_firm[rows])
    rows = rows[order]
    moved = firms.births[rows] + firms.deaths[rows] + firms.sold_out[rows] + firms.bought_in[rows]
    change = np.abs(seed_rows["herd_size"].to_numpy() - table2["herd_size"].to_numpy())
    assert (change <= moved).all()
    expected = (
        table2["herd_size"].to_numpy()
        + firms.births[rows]
        - firms.deaths[rows]
        - firms.sold_out[rows]
        + firms.bought_in[rows]
    )
    np.testing.assert_array_equal(seed_rows["herd_size"].to_numpy(), expected)
    # a month changes a herd by a few per cent at most
    assert (change <= np.maximum(3, 0.1 * table2["herd_size"].to_numpy())).all()
