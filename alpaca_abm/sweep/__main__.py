"""`python -m alpaca_abm.sweep SPEC.toml ...`: the sweep sub-command without the main CLI."""

from __future__ import annotations

import argparse
import sys

from .cli import add_sweep_parser


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` as `alpaca-abm sweep` arguments and run the command; return its status."""
    parser = argparse.ArgumentParser(prog="python -m alpaca_abm.sweep")
    commands = parser.add_subparsers(dest="command", required=True)
    add_sweep_parser(commands)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "sweep":
        argv = ["sweep", *argv]
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
