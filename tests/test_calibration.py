"""The calibrated defaults stay where the calibration put them (docs/CALIBRATION.md).

uk_national from January 2006 to December 2018 over three seeds, against the cheapest of
the issue's targets: the national herd of 2018 (public_figures.toml: national_herd_2018,
55,000). The calibration's own criterion is the tolerance: the implausibility of the mean
over the seeds, |mean - 55,000| / sqrt(V_obs + V_seeds + V_discrepancy), must be at most 3
(experiments/calibrate.py). The issue's stricter +-25% is NOT met by the calibrated model
(about 36,000 in 2018, docs/CALIBRATION.md); the test prints the shortfall. The defaults were
fitted to this series, so passing is a regression check, not evidence for the model.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from alpaca_abm import AlpacaModel
from alpaca_abm.data import figure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
from calibrate import CUTOFF, DISCREPANCY, targets  # noqa: E402

SEEDS = (11, 12, 13)
MONTHS_TO_2018 = 12 * 13


@pytest.fixture(scope="module")
def herds_2018() -> np.ndarray:
    out = []
    for seed in SEEDS:
        model = AlpacaModel("uk_national", rng=seed, agent_report_every=1200)
        for _ in range(MONTHS_TO_2018):
            model.step()
        df = model.model_df
        out.append(float(df.loc[df["date"].str.startswith("2018"), "n_alpacas"].mean()))
    return np.array(out)


def test_calibrated_uk_national_herd_2018_is_not_implausible(herds_2018):
    target = next(t for t in targets() if t.key == "herd_2018")
    assert target.observed == figure("national_herd_2018")
    denom = math.sqrt(target.sd**2 + herds_2018.var(ddof=1) + (DISCREPANCY * target.observed) ** 2)
    implausibility = abs(herds_2018.mean() - target.observed) / denom
    print(
        f"national herd 2018 by seed: {np.round(herds_2018).tolist()} (public 55,000); "
        f"implausibility {implausibility:.2f}; mean {herds_2018.mean() / target.observed - 1:+.0%}"
        " against the issue's +-25%"
    )
    assert implausibility <= CUTOFF
    assert herds_2018.min() > figure("national_herd_2006")  # the industry grew from 2006
