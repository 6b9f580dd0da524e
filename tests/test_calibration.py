"""The calibrated defaults stay where the calibration put them (docs/CALIBRATION.md).

uk_national from January 2006 to December 2018 over three seeds, against the cheapest of
the issue's targets: the national herd of 2018 (public_figures.toml: national_herd_2018,
55,000). Two requirements:

- the calibration's own criterion: the implausibility of the mean over the seeds,
  |mean - 55,000| / sqrt(V_obs + V_seeds + V_discrepancy), at most 3
  (experiments/calibrate.py); with today's spread this alone accepts a mean from about
  29,000 to 81,000 (+-47%), too loose to notice a broken herd;
- the issue's target: the mean within +-25% of 55,000 (41,250 to 68,750).

Measured 2026-12-06 before the economy of issue #20: 55,282, 51,942 and 50,264 by seed,
mean 52,496 (-5%), implausibility 0.29; the seeds' sd is about 2,600, so the mean of three
(sd about 1,500) would have to move 8,000, five of its sds, to fail the target by chance: a
correct model fails far less often than 1 in 1,000 runs. On that economy's first round (ef951f8):
27,743, 29,955 and 29,178, mean -47%, implausibility 3.10; on its second (main,
2026-12-06 22:00): 40,004, 39,510 and 37,742, mean -29%, implausibility 1.89 (the band
then failed). Refitted on the reworked economy (docs/CALIBRATION.md): the 20 verification
seeds give a 2018 herd of 42,280-46,296 (5-95%), median 44,060; this test's three seeds
43,657, 43,374 and 43,340, mean -21%, implausibility 1.39: the mean of three (sd about
700) would have to fall 2,200, three of its sds, to fail the band by chance (about 1 in
1,000). Refitted again with the lifestyle motive as a sum a year (`lifestyle_value`) and the
spread of buyers' willingness to pay fitted (docs/CALIBRATION.md): the 20 verification seeds
give a 2018 herd of 46,634-48,563 (5-95%), median 47,864 (-13%). Set by hand within the
non-implausible ranges toward issue #20's item-4 bands in every seed (docs/CALIBRATION.md):
uk_national seeds 0-19 give a 2018 herd of 46,529-50,570, median 48,736 (-11%). The defaults
were fitted to this series, so passing is a regression check, not evidence for the model.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from alpaca_abm import AlpacaModel
from alpaca_abm.data import figure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
from calibrate import (  # noqa: E402
    CUTOFF,
    DISCREPANCY,
    RESULT,
    FreeParameter,
    installed_defaults,
    targets,
)

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


def test_calibrated_uk_national_herd_2018_is_within_the_issues_band(herds_2018):
    """The issue's target: the mean over the seeds within +-25% of the public 55,000."""
    observed = figure("national_herd_2018")
    assert abs(herds_2018.mean() / observed - 1) <= 0.25


def test_the_published_calibration_is_of_the_installed_defaults():
    """docs/CALIBRATION.md is drawn from docs/calibration_result.json; the point whose fit it
    shows (the re-verified defaults, else the design's best point) must be the values in
    params.py, or the page describes other values: after changing a calibrated default, run
    `experiments/calibrate.py --verify-only` (or a new design)."""
    result = json.loads(RESULT.read_text())
    free = [FreeParameter(**f) for f in result["free"]]
    shown = result.get("verified_at", result["best"])["values"]
    assert shown == installed_defaults(free)
    assert len(result["verify"]) >= 20 and all(len(r["series"]) for r in result["verify"])
