#!/usr/bin/env bash
# Install alpaca-abm into .venv and run the baseline scenario (20 years, monthly), writing
# tables, parameters and plots to results/baseline. Extra arguments go to `alpaca-abm run`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/env.sh sweep  # sweeps are among the README's examples
exec .venv/bin/alpaca-abm run --scenario baseline --out results/baseline --overwrite "$@"
