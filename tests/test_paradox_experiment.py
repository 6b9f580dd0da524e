"""experiments/paradox.py regenerates its tables and figures (a small design, short runs)."""

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
import paradox as experiment  # noqa: E402


def test_the_experiment_writes_its_tables_and_figures(tmp_path):
    out = tmp_path / "px"
    args = [
        "--quick",
        "--replicates",
        "2",
        "--steps",
        "13",
        "--out",
        str(out),
        "--backend",
        "serial",
    ]
    assert experiment.main(args) == 0
    hyp = pd.read_csv(out / "hypotheses.csv")
    assert hyp["hypothesis"].tolist() == ["H1a", "H1b", "H1c", "H2", "H3", "H4"]
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 8 and (points["runs"] == 2).all()
    assert points["pd_balance_active"].dropna().between(0, 1).all()
    assert (points["pd_value_per_pyear"] >= 0).all()
    assert points["pd_mean_balance"].isna().all()  # measured from month 25: none in 13 months
    for name in ("balance", "survival", "value"):
        assert (out / f"{name}.png").stat().st_size > 0
    assert "| H1a |" in (out / "hypotheses.md").read_text()
