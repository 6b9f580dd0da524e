"""The data dictionary covers every column a run, a comparison and a sweep really write."""

import json
import subprocess
import sys

import pandas as pd

import alpaca_abm
from alpaca_abm import dictionary
from alpaca_abm.compare import compare
from alpaca_abm.params import PARAMETER_INDEX

from helpers import checkout_env


def test_every_column_of_a_short_run_has_an_entry():
    result = alpaca_abm.run("baseline", steps=13, rng=1, n_breeders=30)
    assert dictionary.missing("model.csv", result.model_df.columns) == []
    agents = result.agent_df.reset_index()
    assert dictionary.missing("agents.csv", agents.columns) == []
    assert dictionary.missing("summary.json", result.summary) == []


def test_every_column_of_a_comparison_has_an_entry():
    done = compare("baseline", "no_coopetition", seeds=[0], steps=3)
    runs = done.runs.columns
    assert [c for c in runs if dictionary.entry(c) is None] == []
    assert dictionary.missing("compare: compare.csv", done.table.columns) == []
    assert [o for o in done.table["outcome"] if dictionary.entry(o) is None] == []


def test_sweep_columns_are_described_by_the_dictionary_or_the_parameter_table():
    point = {"control_strength": 0.5, "n_breeders": 20}
    frame = pd.DataFrame([{"run_key": "p0-r0", "point": 0, "replicate": 0, "seed": 1, **point}])
    assert [c for c in frame.columns if dictionary.entry(c) is None] == []
    for suffix in ("_mean", "_sd", "_ci_low", "_ci_high", "_n"):
        found = dictionary.entry(f"partnership_survival{suffix}")
        assert found is not None and "contracts" in found.meaning
    assert dictionary.entry("control_strength").unit == PARAMETER_INDEX["control_strength"].unit


def test_an_unknown_column_is_reported_missing():
    assert dictionary.missing("model.csv", ["n_breeders", "a_new_column"]) == ["a_new_column"]
    assert dictionary.entry("a_new_column") is None


def test_docs_data_md_is_the_generated_dictionary():
    text = dictionary.DOC_PATH.read_text(encoding="utf-8")
    assert text == dictionary.dictionary_markdown(), (
        "docs/DATA.md is out of date: run `python -m alpaca_abm.dictionary`"
    )


def test_a_run_writes_its_dictionary_beside_its_results(tmp_path):
    out = tmp_path / "r"
    done = subprocess.run(
        [sys.executable, "-m", "alpaca_abm.cli", "run", "--steps", "3", "--set",
         "n_breeders=15", "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=300, env=checkout_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = (out / "DATA.md").read_text(encoding="utf-8")
    model = pd.read_csv(out / "model.csv")
    for column in [*model.columns, *json.loads((out / "summary.json").read_text())]:
        assert f"| `{column}` |" in text, column
