"""scripts/mutation.py's report: scoring some modules keeps the other modules' rows.

The results of earlier mutation runs live in a local store (mutants-work/results.json) that a
fresh clone does not have; the rows of docs/TESTING.md are then the only record of them, and
rewriting the report after scoring one module must keep them as they are.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation", REPO / "scripts" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(mutation) -> str:
    """The generated part of docs/TESTING.md, markers included."""
    _, between, _ = mutation.split_doc(mutation.DOC.read_text(encoding="utf-8"))
    return mutation.BEGIN + between + mutation.END


def _version(generated: str) -> str:
    return generated.split("(mutmut ", 1)[1].split(")", 1)[0]


def test_no_local_results_leaves_the_report_as_it_is(mutation, generated):
    """With an empty store, every module's line and section come back byte for byte."""
    earlier = mutation.earlier_rows(generated)
    assert set(earlier) == set(mutation.MODULES)
    assert mutation.render({}, mutation.reason_rules(), _version(generated), earlier) == generated


def test_a_fresh_row_replaces_only_its_module(mutation, generated):
    """Scoring `herd` alone rewrites herd's line and section; the others stay as they were."""
    earlier = mutation.earlier_rows(generated)
    row = {
        "module": "herd",
        "left_out": [],
        "status": {"killed": 9, "survived": 1},
        "survivors": [{"name": "alpaca_abm.herd.x_f__mutmut_1", "status": "survived", "diff": []}],
        "seconds": 60.0,
        "date": "2030-01-02",
        "commit": "abc1234",
    }
    out = mutation.render({"herd": row}, mutation.reason_rules(), _version(generated), earlier)
    assert "| herd | 2030-01-02 | 10 | 9 | 1 | 0 | 90% | 90% | yes |" in out
    assert earlier["herd"][0] not in out
    assert "Run 2030-01-02 at commit abc1234 in 1.0 min (9 killed, 1 survived)." in out
    for module in set(mutation.MODULES) - {"herd"}:
        line, section = earlier[module]
        assert line in out and section in out, module
    assert "not run" not in out


def test_a_module_never_scored_is_marked_not_run(mutation, generated):
    """No stored results and no earlier row: the table says so."""
    earlier = mutation.earlier_rows(generated)
    del earlier["portable"]
    out = mutation.render({}, mutation.reason_rules(), _version(generated), earlier)
    assert "| portable | not run | | | | | | | |" in out
    assert "### portable" not in out
