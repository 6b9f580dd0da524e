#!/usr/bin/env bash
# Install alpaca-abm with everything the tests need into .venv, then run the linter and
# the whole test suite (unit, property, statistical, CLI and multi-process tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh test
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
