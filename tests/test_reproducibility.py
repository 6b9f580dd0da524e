"""Reproducibility across processes: the same parameters and seed give byte-identical tables in
fresh interpreters whatever their string-hash seed (PYTHONHASHSEED), and in this one."""

import hashlib
import json
import os
import subprocess
import sys

import alpaca_abm

from helpers import checkout_env

# A run that touches the order-sensitive parts: the seed's 29 firms (read from CSV), region
# names (strings in sets and dicts), shocks, entry and exit, co-ownership and disease.
RUN = dict(
    scenario="uk_2018",
    steps=30,
    rng=11,
    n_breeders=45,
    exit_months=6,
    rivalry_feedback=1.0,
    disease_start=3,
)
EVENTS = (
    {"kind": "recognition", "start": 2, "region": "Wales"},
    {"kind": "legislation", "start": 4, "strength": 2.0, "region": "Scotland"},
    {"kind": "demand", "start": 1, "strength": -0.2, "segment": "pet"},
)


def fingerprint():
    """sha256 of each table the run reports, as the CLI would write it."""
    sc = alpaca_abm.load_scenario(RUN["scenario"])
    sc = sc.replace(events=sc.events + EVENTS)
    kw = {k: v for k, v in RUN.items() if k not in ("scenario", "steps", "rng")}
    result = alpaca_abm.run(sc, steps=RUN["steps"], rng=RUN["rng"], **kw)
    tables = {
        "model.csv": result.model_df.to_csv(index=False),
        "agents.csv": result.agent_df.to_csv(),
        "events.csv": result.events.to_csv(index=False),
        "summary.json": json.dumps(result.summary, indent=2),
    }
    return {name: hashlib.sha256(text.encode()).hexdigest() for name, text in tables.items()}


SCRIPT = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); "
    "import test_reproducibility as t; print(json.dumps(t.fingerprint()))"
)


def test_same_seed_same_tables_in_fresh_interpreters_whatever_the_hash_seed():
    here = os.path.dirname(os.path.abspath(__file__))
    procs = []
    for hash_seed in ("0", "4242"):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, here],
                env=checkout_env(PYTHONHASHSEED=hash_seed),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    prints = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        prints.append(json.loads(out.strip().splitlines()[-1]))
    assert prints[0] == prints[1], "tables differ between PYTHONHASHSEED=0 and 4242"
    assert fingerprint() == prints[0], "tables differ between this interpreter and a fresh one"


def test_another_seed_gives_other_tables():
    base = fingerprint()
    RUN["rng"] += 1
    try:
        other = fingerprint()
    finally:
        RUN["rng"] -= 1
    assert other["model.csv"] != base["model.csv"]
