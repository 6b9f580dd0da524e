#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment in .venv and install alpaca-abm with
# the given extras. Sourced by run-baseline.sh and test.sh; usable alone:
#   bash scripts/env.sh test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extras="${1:-}"

find_python() {
  # Mesa 3.5 needs Python 3.12 or newer: try the usual names, then pyenv's versions.
  local candidates=(python3.13 python3.12 python3)
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -rV); do
      local p; p="$(pyenv prefix "$v" 2>/dev/null)/bin/python3"
      if [ -x "$p" ]; then echo "$p"; return 0; fi
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! py="$(find_python)"; then
    echo "alpaca-abm needs Python 3.12 or newer (Mesa 3.5 requires it) and none was found." >&2
    echo "Install one (for example 'pyenv install 3.12' or your system's python3.12 package) and run this again." >&2
    exit 1
  fi
  echo "Creating .venv with $py" >&2
  "$py" -m venv .venv
fi
spec="."
[ -n "$extras" ] && spec=".[$extras]"
# Every package at the exact version of constraints.txt (the environment the tests pass in).
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$spec"
# The browser app offline: solara-assets ships vega@5.21.0, vega-lite@5.2.0 and
# vega-embed@6.20.2, but the page asks for vega@5, vega-lite@5 and vega-embed@6; give the
# bundles those names too (idempotent), or Altair charts stay empty with no network.
cdn=".venv/share/solara/cdn"
if [ -d "$cdn" ]; then
  for pair in vega@5:vega@5.21.0 vega-lite@5:vega-lite@5.2.0 vega-embed@6:vega-embed@6.20.2; do
    alias="${pair%%:*}" target="${pair#*:}"
    if [ -d "$cdn/$target" ] && [ ! -e "$cdn/$alias" ]; then ln -s "$target" "$cdn/$alias"; fi
  done
fi
