"""Results identity: digests of the tables of short seeded runs of the shipped scenarios.

A change meant to keep results (a refactor, a speed-up) must keep every digest. A change
meant to alter results updates the digests in the same commit, knowingly, with a reason:

    ALPACA_GOLDEN_UPDATE="why the results change" .venv/bin/python -m pytest tests/test_golden.py

rewrites tests/golden_digests.json (the digests and a one-line reason per update). Commit
that file with the change and say why in the message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alpaca_abm.runner import run

from helpers import NUMPY_BASELINE_ONLY, checkout_env, digest

DIGESTS = Path(__file__).with_name("golden_digests.json")
UPDATE_ENV = "ALPACA_GOLDEN_UPDATE"

# (run name, scenario, months, seed, overrides): events are brought forward so they fire
# inside a short run; together under ~10 s of CPU.
RUNS = (
    ("baseline-s1", "baseline", 60, 1, {}),
    ("baseline-s2", "baseline", 60, 2, {}),
    ("uk_2018-s1", "uk_2018", 48, 1, {}),
    ("no_coopetition-s1", "no_coopetition", 48, 1, {}),
    ("disease_outbreak-s1", "disease_outbreak", 48, 1, {"disease_start": 12}),
    ("brexit-s1", "brexit", 48, 1, {"brexit_month": 24}),
    ("fibre_boom-s1", "fibre_boom", 84, 1, {}),
    ("price_slump-s1", "price_slump", 108, 1, {}),
    ("uk_turbulence-s1", "uk_turbulence", 160, 1, {"disease_start": 30, "brexit_month": 150}),
    ("uk_national-s1", "uk_national", 36, 1, {}),
    ("uk_2000-s1", "uk_2000", 48, 1, {}),
    ("maturing_industry-s1", "maturing_industry", 48, 1, {}),
    (  # the switchable rules' other branches: overuse by trait, no strategy or mating plans
        "switches_off-s3",
        "baseline",
        60,
        3,
        {"deliberate_cheating": False, "strategy_learning": False, "mating_plans": False},
    ),
)
TABLES = ("model_df", "agent_df")


def run_digests(scenario: str, months: int, seed: int, overrides: dict) -> dict[str, str]:
    """{table name: digest} of one seeded run."""
    result = run(scenario, steps=months, rng=seed, **overrides)
    return {table: digest(getattr(result, table)) for table in TABLES}


def _stored() -> dict:
    return json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {"updates": [], "runs": {}}


def _write(runs: dict[str, dict[str, str]], reason: str) -> None:
    stored = _stored()
    stamp = dt.date.today().isoformat()
    stored["updates"].append(f"{stamp}: {reason}")
    stored["runs"] = runs
    DIGESTS.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")


def test_golden_digests() -> None:
    """Every short seeded run gives the stored tables, byte for byte."""
    got = {name: run_digests(sc, months, seed, o) for name, sc, months, seed, o in RUNS}
    reason = os.environ.get(UPDATE_ENV, "").strip()
    if reason:
        _write(got, reason)
        return
    stored = _stored()["runs"]
    changed = [
        f"{name}: {table} (scenario {sc}, {months} months, seed {seed}, overrides {o})"
        for name, sc, months, seed, o in RUNS
        for table in TABLES
        if stored.get(name, {}).get(table) != got[name][table]
    ]
    if changed:
        pytest.fail(
            "results changed in these seeded runs and tables:\n  "
            + "\n  ".join(changed)
            + f"\nIf the change is meant to alter results, rewrite {DIGESTS.name} knowingly:\n"
            f'  {UPDATE_ENV}="<why the results change>" .venv/bin/python -m pytest '
            "tests/test_golden.py\nand commit it with the change, saying why. Otherwise the "
            "change broke results identity: find what altered them."
        )


# the runs again in a child process whose numpy uses none of its vector paths
BASELINE_SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from test_golden import RUNS, run_digests
print(json.dumps({{name: run_digests(sc, m, seed, o) for name, sc, m, seed, o in RUNS}}))
"""


def test_golden_digests_without_numpys_vector_paths() -> None:
    """The same digests with numpy's baseline loops: results do not depend on which
    vector instructions the processor has (alpaca_abm.portable), so the stored digests hold
    on every machine, not only on one like the machine that wrote them."""
    tests = Path(__file__).resolve().parent
    script = BASELINE_SCRIPT.format(tests=str(tests))
    env = checkout_env(**NUMPY_BASELINE_ONLY)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    stored = _stored()["runs"]
    changed = [
        f"{name}: {table}"
        for name in got
        for table in TABLES
        if stored[name][table] != got[name][table]
    ]
    assert not changed, "with numpy's vector paths off, results changed in:\n  " + "\n  ".join(
        changed
    )


def test_canonical_csv_sees_the_last_bit() -> None:
    """The digest changes when one float moves by one ulp, or when a dtype changes."""
    df = pd.DataFrame({"a": [0.1, 2.5], "b": [1, 2]})
    nudged = df.copy()
    nudged.loc[0, "a"] = np.nextafter(0.1, 1.0)
    assert digest(df) != digest(nudged)
    assert digest(df) != digest(df.astype({"b": "int32"}))
    assert digest(df) == digest(df.copy())
