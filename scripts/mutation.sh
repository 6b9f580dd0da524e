#!/usr/bin/env bash
# Mutation testing of the mechanism modules against their own unit tests (mutmut); writes the
# score per module and the surviving mutants into docs/TESTING.md. Not part of the test
# command (about an hour on two idle cores). Examples:
#   bash scripts/mutation.sh                      # every mechanism module
#   bash scripts/mutation.sh trust market         # some of them (other rows are kept)
#   bash scripts/mutation.sh --minutes 10 finance # stop a module after 10 minutes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh mutation
exec nice -n "${MUTATION_NICE:-10}" .venv/bin/python scripts/mutation.py "$@"
