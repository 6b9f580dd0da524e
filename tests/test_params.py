"""The parameter table: every default valid and sourced; bad values refused with clear words."""

import pytest

from alpaca_abm.params import PARAMETERS, SOURCES, AlpacaScenario, check_value


def test_every_parameter_has_a_known_source_a_doc_and_a_reason():
    for p in PARAMETERS:
        assert p.source in SOURCES, p.name
        assert p.doc, p.name
        if p.kind is not bool:
            assert p.note, f"{p.name} needs a note saying where its value comes from"


def test_defaults_pass_their_own_validation():
    sc = AlpacaScenario()
    for p in PARAMETERS:
        assert check_value(p.name, getattr(sc, p.name)) == p.default


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("control_strength", 1.5, "[0, 1]"),
        ("control_strength", "high", "a number"),
        ("n_breeders", 2.5, "an integer"),
        ("n_breeders", 0, "[1,"),
        ("coopetition", "maybe", "true or false"),
        ("openness_mean", float("nan"), "a number"),
    ],
)
def test_bad_value_names_field_value_and_what_is_allowed(name, value, words):
    with pytest.raises(ValueError) as err:
        AlpacaScenario(**{name: value})
    text = str(err.value)
    assert name in text and repr(value) in text and words in text


def test_unknown_parameter_suggests_the_close_name():
    with pytest.raises(ValueError, match="Did you mean 'control_strength'"):
        AlpacaScenario(control_strenght=0.5)


def test_inconsistent_ages_are_refused():
    with pytest.raises(ValueError, match="female_retire_age"):
        AlpacaScenario(female_retire_age=20, female_breeding_age=24)


def test_replace_validates_and_keeps_other_values():
    sc = AlpacaScenario(n_breeders=40).replace(coopetition=False)
    assert sc.n_breeders == 40 and sc.coopetition is False
    with pytest.raises(ValueError):
        sc.replace(fairness=0.99)


def test_parameter_doc_is_up_to_date():
    from alpaca_abm.paramdoc import DOC_PATH, parameter_table_markdown

    assert DOC_PATH.read_text(encoding="utf-8") == parameter_table_markdown(), (
        "docs/PARAMETERS.md is stale: run python -m alpaca_abm.paramdoc"
    )


def test_public_defaults_match_the_cited_public_figure():
    """A default whose source is 'public' names its figure, and equals it (per month where the
    figure is per year)."""
    import re

    from alpaca_abm.data import load_public_figures

    figures = load_public_figures()
    for p in PARAMETERS:
        if p.source != "public":
            continue
        match = re.search(r"public_figures\.toml: (\w+)", p.note)
        assert match and match.group(1) in figures, f"{p.name} must name a known figure"
        value = figures[match.group(1)]["value"]
        per_month = "/month" in p.unit and "year" in figures[match.group(1)]["unit"]
        expected = value / 12 if per_month else value
        assert p.default == pytest.approx(expected), (p.name, p.default, expected)


def test_every_parameter_belongs_to_one_known_group_and_groups_are_contiguous():
    """The table reads grouped: each group's rows sit together, in GROUP_TITLES order."""
    from alpaca_abm.params import GROUP_TITLES

    order = [p.group for p in PARAMETERS]
    assert set(order) == set(GROUP_TITLES), set(order) ^ set(GROUP_TITLES)
    blocks = [g for i, g in enumerate(order) if i == 0 or g != order[i - 1]]
    assert blocks == list(GROUP_TITLES), "a group's rows are split or out of GROUP_TITLES order"


def test_a_group_view_holds_the_scenarios_values_and_is_read_only():
    import dataclasses
    import pickle

    from alpaca_abm.params import GROUP_TITLES

    sc = AlpacaScenario(stud_fee=321.0, n_breeders=40)
    market = sc.group("market")
    assert market.stud_fee == 321.0 and market.price_female == sc.price_female
    assert not hasattr(market, "n_breeders"), "a group holds only its own parameters"
    with pytest.raises(dataclasses.FrozenInstanceError):
        market.stud_fee = 1.0
    assert pickle.loads(pickle.dumps(market)) == market
    seen = []
    for group in GROUP_TITLES:
        view = sc.group(group)
        names = [f.name for f in dataclasses.fields(view)]
        assert names == [p.name for p in PARAMETERS if p.group == group]
        assert all(getattr(view, n) == getattr(sc, n) for n in names)
        seen += names
    assert seen == [p.name for p in PARAMETERS]


def test_unknown_group_is_refused_with_the_close_name():
    with pytest.raises(ValueError, match="Did you mean 'market'"):
        AlpacaScenario().group("markt")


def test_several_groups_come_in_the_order_named_and_an_unknown_one_is_refused():
    sc = AlpacaScenario(stud_fee=321.0, stud_capacity=40)
    herd, market = sc.groups("herd", "market")
    assert herd is sc.group("herd") and market is sc.group("market")
    assert (herd.stud_capacity, market.stud_fee) == (40, 321.0)
    assert sc.groups() == ()
    with pytest.raises(ValueError, match="unknown parameter group 'hred'.*Did you mean 'herd'"):
        sc.groups("market", "hred")


def test_a_row_names_its_fields():
    """Param's fields are keyword-only: a value in the wrong place is refused at import."""
    from alpaca_abm.params import Param

    with pytest.raises(TypeError):
        Param("x", 1, int)
