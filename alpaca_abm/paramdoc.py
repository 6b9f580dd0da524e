"""Generate docs/PARAMETERS.md from the parameter table: `python -m alpaca_abm.paramdoc`."""

from __future__ import annotations

import sys
from pathlib import Path

from .params import PARAMETERS, SOURCES

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "PARAMETERS.md"


def parameter_table_markdown() -> str:
    """Every parameter with its default, unit, allowed values, source and reason."""
    lines = [
        "# Parameters",
        "",
        "Generated from `alpaca_abm/params.py` by `python -m alpaca_abm.paramdoc`; do not edit.",
        "",
        "Sources:",
        "",
        *[f"- `{key}`: {text}" for key, text in SOURCES.items()],
        "",
        "| name | default | unit | allowed | meaning | source | why this value |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PARAMETERS:
        if p.default is None:
            default = "none"
        elif p.kind is bool:
            default = str(p.default).lower()
        else:
            default = f"{p.default}"
        cells = [f"`{p.name}`", default, p.unit, p.allowed(), p.doc, p.source, p.note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC_PATH.parent.mkdir(exist_ok=True)
    DOC_PATH.write_text(parameter_table_markdown(), encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)
