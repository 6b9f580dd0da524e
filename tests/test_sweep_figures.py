"""A sweep's figures speak the parameter table's words: labels and units on every axis
(alpaca_abm.dictionary.label), time in calendar years when the runs kept their dates."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from alpaca_abm.dictionary import label
from alpaca_abm.params import PARAMETER_INDEX
from alpaca_abm.sweep import summarise


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plot functions make, kept instead of only written."""
    figures = []
    save = summarise._save

    def keep(fig, path):
        figures.append(fig)
        return save(fig, path)

    monkeypatch.setattr(summarise, "_save", keep)
    return figures


def _stats(x: str, y: str, outcome: str) -> pd.DataFrame:
    rows = []
    for i, (a, b) in enumerate(itertools.product((0.2, 0.5, 0.8), (0.1, 0.3))):
        m = 100 + 10 * a - 5 * b
        rows.append({x: a, y: b, f"{outcome}_mean": m, f"{outcome}_ci_low": m - 1,
                     f"{outcome}_ci_high": m + 1, "point": i})  # fmt: skip
    return pd.DataFrame(rows)


def test_heatmap_and_line_use_the_parameter_tables_labels_and_units(tmp_path, drawn):
    x, y, outcome = "openness_mean", "control_strength", "final_n_alpacas"
    assert PARAMETER_INDEX[x].unit and PARAMETER_INDEX[y].unit  # the premise: both have units
    stats = _stats(x, y, outcome)
    summarise.plot_surface(stats, x, y, outcome, tmp_path / "surface.png")
    summarise.plot_line(stats, x, outcome, tmp_path / "line.png", group=y)
    summarise.plot_scatter(stats, [x, y], outcome, tmp_path / "scatter.png")
    surface, line, scatter = drawn
    ax, bar = surface.axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == (label(x), label(y))
    assert f"({PARAMETER_INDEX[x].unit})" in ax.get_xlabel()  # e.g. 'openness mean (share)'
    assert bar.get_ylabel() == label(outcome) and "(alpacas)" in bar.get_ylabel()
    (ax,) = line.axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == (label(x), label(outcome))
    assert all(t.get_text().startswith(label(y)) for t in ax.get_legend().get_texts())
    assert [a.get_xlabel() for a in scatter.axes] == [label(x), label(y)]


def test_sensitivity_figures_name_parameters_in_words(tmp_path, drawn):
    indices = pd.DataFrame(
        {
            "outcome": "mean_trust",
            "parameter": ["openness_mean", "control_strength"],
            **{"S1": [0.5, 0.2], "S1_conf": 0.05, "ST": [0.6, 0.3], "ST_conf": 0.05},
            **{"mu_star": [1.0, 0.5], "mu_star_conf": 0.1, "sigma": [0.2, 0.1]},
        }
    )
    summarise.plot_sobol(indices, "mean_trust", tmp_path / "sobol.png")
    summarise.plot_morris(indices, "mean_trust", tmp_path / "morris.png")
    sobol, morris = drawn
    ticks = [t.get_text() for t in sobol.axes[0].get_xticklabels()]
    assert ticks == [label("openness_mean"), label("control_strength")]
    assert {t.get_text() for t in morris.axes[0].texts} == set(ticks)


def test_a_timeseries_with_dates_is_drawn_in_calendar_years(tmp_path, drawn):
    series = pd.DataFrame({"point": 0, "step": range(1, 37),
                           "date": [f"{2006 + m // 12}-{m % 12 + 1:02d}" for m in range(36)],
                           "n_breeders": range(36)})  # fmt: skip
    years = summarise.step_years(series)
    assert years[1] == 2006.0 and years[36] == pytest.approx(2008 + 11 / 12)
    stats = summarise.timeseries_statistics(series, ["n_breeders"], ["point"])
    summarise.plot_timeseries(stats, "point", "n_breeders", tmp_path / "t.png", years=years)
    (ax,) = drawn[0].axes
    left, right = ax.get_xlim()
    assert ax.get_xlabel() == "year" and 2005 < left < right < 2010
    assert ax.get_ylabel() == label("n_breeders")
    assert summarise.step_years(series.drop(columns="date")) is None
