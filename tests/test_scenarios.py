"""Scenario files are validated data: names, paths, extends, bad TOML and unknown keys."""

import pytest

from alpaca_abm import load_scenario
from alpaca_abm.scenarios import describe_scenarios, shipped_scenarios


def test_baseline_and_counterfactual_ship_and_load():
    assert {"baseline", "no_coopetition"} <= set(shipped_scenarios())
    assert load_scenario("no_coopetition").coopetition is False
    assert load_scenario("baseline").coopetition is True


def test_every_shipped_scenario_loads_and_has_a_description():
    for name, text in describe_scenarios():
        assert text, name
        load_scenario(name)


def test_overrides_are_validated():
    assert load_scenario("baseline", n_breeders=12).n_breeders == 12
    with pytest.raises(ValueError, match="fairness"):
        load_scenario("baseline", fairness=2)


def test_unknown_scenario_lists_the_shipped_ones():
    with pytest.raises(ValueError, match="baseline"):
        load_scenario("baselin")


def test_file_with_extends_and_bad_content(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text('name = "mine"\nextends = "baseline"\n[parameters]\nn_breeders = 33\n')
    sc = load_scenario(good)
    assert sc.n_breeders == 33 and sc.name == "mine"
    broken = tmp_path / "broken.toml"
    broken.write_text("name = 'x'\n[parameters\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_scenario(broken)
    typo = tmp_path / "typo.toml"
    typo.write_text("[paramters]\nn_breeders = 3\n")
    with pytest.raises(ValueError, match="Did you mean 'parameters'"):
        load_scenario(typo)
    bad_value = tmp_path / "bad.toml"
    bad_value.write_text("[parameters]\nopenness_mean = 3\n")
    with pytest.raises(ValueError, match=r"bad.toml.*openness_mean"):
        load_scenario(bad_value)
    with pytest.raises(ValueError, match="does not exist"):
        load_scenario(tmp_path / "missing.toml")


def test_extends_cycle_is_refused(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'extends = "{b}"\n')
    b.write_text(f'extends = "{a}"\n')
    with pytest.raises(ValueError, match="cycle"):
        load_scenario(a)
