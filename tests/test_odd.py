"""docs/ODD.md stays true to the code: its parameter table and its schedule of the month."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

from alpaca_abm.model import AlpacaModel
from alpaca_abm.paramdoc import ODD_BEGIN, ODD_END, ODD_PATH, parameter_rows, with_odd_table
from alpaca_abm.params import PARAMETERS

SCHEDULE_HEADING = "### Scheduling"


def odd_text() -> str:
    return ODD_PATH.read_text(encoding="utf-8")


def step_calls() -> list[str]:
    """The calls `AlpacaModel.step` makes, in order, as dotted names (`self.` dropped)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(AlpacaModel.step)))
    calls = []
    for node in ast.walk(tree.body[0]):
        if isinstance(node, ast.Call):
            calls.append((node.lineno, node.col_offset, ast.unparse(node.func)))
    names = [name.removeprefix("self.") for _, _, name in sorted(calls)]
    return names


def test_every_parameter_is_in_the_odd_with_its_current_default_unit_and_source():
    text = odd_text()
    assert with_odd_table(text) == text, (
        "docs/ODD.md's parameter table is stale: run python -m alpaca_abm.paramdoc"
    )
    block = text.split(ODD_BEGIN, 1)[1].split(ODD_END, 1)[0]
    rows = {line.split("|")[1].strip().strip("`"): line for line in block.splitlines()[3:]}
    for p in PARAMETERS:
        assert p.name in rows, f"{p.name} is missing from docs/ODD.md"
        cells = [c.strip() for c in rows[p.name].split("|")[1:-1]]
        assert cells[2] == p.unit and cells[5] == p.source, p.name
    assert len(parameter_rows()) == len(PARAMETERS) + 2


def test_the_odd_schedule_lists_the_phases_of_the_step_in_the_order_step_calls_them():
    text = odd_text()
    assert SCHEDULE_HEADING in text, f"docs/ODD.md needs a '{SCHEDULE_HEADING}' section"
    section = text.split(SCHEDULE_HEADING, 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^\d+\.\s+`([^`(]+)\(\)`", section, flags=re.M)
    assert listed == step_calls(), (
        "docs/ODD.md's schedule differs from AlpacaModel.step:\n"
        f"  ODD:  {listed}\n  code: {step_calls()}"
    )
