"""A wide randomized search of small worlds for broken invariants, run before a release.

    python -m alpaca_abm.invariants --worlds 5000 --seed 12345     # ~0.5 s a world per core
    python -m alpaca_abm.invariants --quick                          # 50 short worlds

The test suite checks the model's invariants on the same few dozen worlds every time
(tests/test_properties.py is derandomized, so CI is stable); that never looks anywhere
else, which is how a negative price went unseen (issue #25, case 11). This command draws
thousands of new worlds from a seed it prints (a new one each time unless `--seed` is
given), runs each month by month and checks:

- the breeding-female price is above zero and the demand index not negative;
- animals are conserved for every breeder: its herd equals its start plus births, minus
  deaths, culls and sales, plus purchases;
- each continuing breeder's cash moves by exactly its month's revenue minus its costs plus
  what its owner put in, and stays finite;
- openness, opportunism, knowledge and trust stay in [0, 1]; a running contract's shares
  are in [0, 1] and sum to 1;
- no reported value (model and agent tables) is NaN or infinite;
- the run raises nothing.

Every world that breaks one is printed as a line of Python (parameters, seed, months, what
broke) to paste into `FOUND` in tests/test_reliability_invariants.py, where it becomes a
fixed example that CI runs every time. Exit status: 0 if every world held, 1 if any broke,
2 for a bad argument.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

# The worlds, as in tests/test_properties.py's `worlds` strategy: small industries of 5-60
# breeders with random behaviour, switches, exits and shocks, for 2-3.5 years.
SWITCHES = (
    "coopetition",
    "coownership",
    "knowledge_sharing",
    "referrals",
    "industry_investment",
    "entry_exit",
)
MARKETING_COSTS = (60.0, 400.0, 1500.0, 6000.0)  # GBP a year: dear marketing forces exits
QUICK_WORLDS = 50
QUICK_MONTHS = 24
TOLERANCE = 1e-6  # GBP: cash against revenue minus costs (sums of floats)


def random_world(rng: np.random.Generator) -> tuple[dict[str, Any], int, int]:
    """Parameters of a random small industry, its seed and its length in months."""
    values: dict[str, Any] = {
        "n_breeders": int(rng.integers(5, 61)),
        "control_strength": float(rng.random()),
        "openness_mean": float(rng.random()),
        "fairness": float(rng.uniform(0.05, 0.95)),
        "opportunism_mean": float(rng.random()),
        "breach_dissolution": float(rng.random()),
        "exit_months": int(rng.integers(2, 37)),
        "marketing_cost": float(rng.choice(MARKETING_COSTS)),
        "search_rate": float(rng.uniform(0.0, 0.5)),
        "agent_report_every": int(rng.integers(1, 13)),
    }
    for name in SWITCHES:
        values[name] = bool(rng.random() < 2 / 3)  # mostly on
    months = int(rng.integers(24, 43))
    if rng.random() < 0.5:  # a TB outbreak: culls, restrictions, wary partners
        values["disease_start"] = int(rng.integers(0, months))
        values["disease_strength"] = float(rng.uniform(0.3, 1.0))
    if rng.random() < 0.5:
        values["brexit_month"] = int(rng.integers(0, months))
    return values, int(rng.integers(0, 2**32)), months


def _animal_balance(firms: Any) -> np.ndarray:
    """Each breeder's animals by its counters: births - deaths - culled - sold + bought."""
    n = firms.n
    culled = getattr(firms, "culled", np.zeros(n, dtype=np.int64))[:n]
    return firms.births[:n] - firms.deaths[:n] - culled - firms.sold_out[:n] + firms.bought_in[:n]


def _month_problems(model: Any, base: np.ndarray, cash_before: np.ndarray) -> list[str]:
    """What breaks an invariant after this month (empty if nothing)."""
    firms, herd = model.firms, model.herd
    n = firms.n
    problems = []
    row = model._report
    if not row["price_female"] > 0:
        problems.append(f"price_female = {row['price_female']:.2f}, not above zero")
    if not row["demand_index"] >= 0:
        problems.append(f"demand_index = {row['demand_index']:.3f}, negative")
    heads = herd.counts_by_owner(n)
    start = np.zeros(n, dtype=np.int64)
    start[: len(base)] = base
    wrong = np.flatnonzero(heads != start + _animal_balance(firms))
    if len(wrong):
        problems.append(f"animals not conserved for breeder rows {wrong[:5].tolist()}")
    cash = firms.cash[:n]
    if not np.isfinite(cash).all():
        problems.append("a breeder's cash is NaN or infinite")
    kept = len(cash_before)
    owner_in = getattr(firms, "owner_in", np.zeros(n))[:kept]  # the owner's own money put in
    flow = (firms.revenue[:kept] - firms.costs[:kept] + owner_in) - (cash[:kept] - cash_before)
    if kept and np.abs(flow).max(initial=0.0) > TOLERANCE * max(1.0, np.abs(cash).max()):
        problems.append("a breeder's cash moved by other than revenue - costs + owner's money")
    for name in ("openness", "opportunism", "knowledge"):
        values = getattr(firms, name)[:n]
        if not ((values >= 0) & (values <= 1)).all():
            problems.append(f"{name} outside [0, 1]")
    trust = model.trust.all_current(model.steps)
    if not ((trust >= 0) & (trust <= 1)).all():
        problems.append("trust outside [0, 1]")
    con = model.contracts
    run = con.running()
    keeper, partner = con.share_keeper[run], con.share_partner[run]
    if not (np.allclose(keeper + partner, 1.0) and (keeper >= 0).all() and (partner >= 0).all()):
        problems.append("a contract's shares are not a split of one stud")
    return problems


def check_world(values: dict[str, Any], seed: int, months: int) -> list[str]:
    """Run one world month by month; the invariants it breaks, each once (empty if none)."""
    from .model import AlpacaModel

    found: list[str] = []
    try:
        model = AlpacaModel(rng=seed, **values)
        base = model.herd.counts_by_owner(model.firms.n) - _animal_balance(model.firms)
        for _ in range(months):
            cash_before = model.firms.cash[: model.firms.n].copy()
            model.step()
            for problem in _month_problems(model, base, cash_before):
                text = f"month {model.steps}: {problem}"
                if not any(f.split(": ", 1)[1] == problem for f in found):
                    found.append(text)
        for frame in (model.model_df, model.agent_df):
            numbers = frame.select_dtypes(include=["number", "bool"]).to_numpy(dtype=float)
            if not np.isfinite(numbers).all():
                found.append("NaN or infinity in a reported column")
    except Exception as err:  # noqa: BLE001 - a run that raises is itself a finding
        found.append(f"the run raised {type(err).__name__}: {str(err)[:200]}")
    return found


def _check_one(item: tuple[int, dict[str, Any], int, int]) -> tuple[int, list[str]]:
    number, values, seed, months = item
    return number, check_world(values, seed, months)


def search(
    worlds: int, seed: int, quick: bool = False, jobs: int = 1, out: Any = None
) -> list[tuple[dict[str, Any], int, int, list[str]]]:
    """Check `worlds` random worlds drawn from `seed`; print (to `out`, default stdout) and
    return those that broke."""
    out = sys.stdout if out is None else out
    rng = np.random.default_rng(seed)
    items = []
    for number in range(worlds):
        values, world_seed, months = random_world(rng)
        items.append((number, values, world_seed, min(months, QUICK_MONTHS) if quick else months))
    findings = []
    started = time.monotonic()
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_check_one, items, chunksize=4))
    else:
        results = [_check_one(item) for item in items]
    for number, problems in results:
        if problems:
            _, values, world_seed, months = items[number]
            findings.append((values, world_seed, months, problems))
            print(
                f"    ({values!r}, {world_seed}, {months}),  # world {number}: "
                f"{'; '.join(problems)[:300]}",
                file=out,
            )
    seconds = time.monotonic() - started
    print(
        f"invariants: {worlds} worlds from seed {seed}"
        f"{' (quick)' if quick else ''}: {len(findings)} broke an invariant ({seconds:.0f} s)",
        file=out,
    )
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    from .cli import Parser, whole_number

    parser = Parser(
        prog="python -m alpaca_abm.invariants",
        description="Search random small worlds for broken invariants (run before a release).",
    )
    parser.add_argument(
        "--worlds",
        type=whole_number("--worlds", most=1_000_000),
        default=None,
        help="worlds to check (default: 5,000; --quick: 50)",
    )
    parser.add_argument(
        "--seed",
        type=whole_number("--seed", least=0),
        default=None,
        help="seed of the search (default: a new one, printed)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_WORLDS} worlds of {QUICK_MONTHS} months"
    )
    parser.add_argument(
        "--jobs",
        type=whole_number("--jobs", most=256),
        default=1,
        help="processes (default: 1; the machine may be shared)",
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    worlds = args.worlds or (QUICK_WORLDS if args.quick else 5000)
    print(f"invariants: seed {seed} (repeat with --seed {seed})", flush=True)
    findings = search(worlds, seed, quick=args.quick, jobs=args.jobs)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
