#!/usr/bin/env bash
# Install alpaca-abm with everything the tests need into .venv (the exact versions of
# constraints.txt), then run the linter, the formatter's check and
# the whole test suite (unit, property, statistical, CLI, multi-process and browser tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh test
# The browser test drives Debian's Chromium (never a browser downloaded by Playwright).
# Install it where it is missing and we may (root, as in CI); elsewhere the test says how.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Two pytest workers (pytest-xdist), each test file whole on one worker (its module fixtures
# built once, its tests in their order); add `-n 0` to run in this process alone.
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
