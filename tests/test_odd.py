"""docs/ODD.md stays true to the code: its parameter table and its schedule of the month."""

from __future__ import annotations

import inspect
import re

from alpaca_abm.model import MONTH, AlpacaModel
from alpaca_abm.paramdoc import ODD_BEGIN, ODD_END, ODD_PATH, parameter_rows, with_odd_table
from alpaca_abm.params import PARAMETERS

SCHEDULE_HEADING = "### Scheduling"


def odd_text() -> str:
    return ODD_PATH.read_text(encoding="utf-8")


def schedule_rows(section: str) -> list[tuple[str, str]]:
    """(phase, file: function cell) of each row of the schedule's table."""
    rows = re.findall(r"^\|\s*\d+\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|", section, flags=re.M)
    return [(phase, where) for phase, where in rows]


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


def test_the_odd_schedule_lists_the_phases_of_the_month_in_the_order_step_runs_them():
    """The ODD's table of the month names MONTH's phases in order between the month's
    opening and close, and each row names the function that runs the phase."""
    text = odd_text()
    assert SCHEDULE_HEADING in text, f"docs/ODD.md needs a '{SCHEDULE_HEADING}' section"
    section = text.split(SCHEDULE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = schedule_rows(section)
    code = ["open the month", *(name for name, _, _ in MONTH), "close the month"]
    assert [phase for phase, _ in rows] == code, (
        "docs/ODD.md's schedule differs from model.MONTH:\n"
        f"  ODD:  {[phase for phase, _ in rows]}\n  code: {code}"
    )
    source = inspect.getsource(AlpacaModel.step)
    assert "_begin_month()" in source and "_end_month()" in source and "MONTH" in source
    for (phase, where), (_, function, _) in zip(rows[1:-1], MONTH, strict=True):
        name = function.__name__
        called = inspect.getsource(function) if name.startswith("_") else name
        assert any(word in called for word in re.findall(r"`(?:\w+\.)*(\w+)", where)), (
            phase,
            where,
        )
