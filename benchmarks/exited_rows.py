"""What exited firms' rows cost: the same seeded run with and without extra exited rows.

Run: `.venv/bin/python benchmarks/exited_rows.py` (1,500 breeders, herds of median 30, 240
months, seeds 0 1 2: about a minute) or `--pad 5000 --seeds 0 1 2 3 4`.

Exited firms keep their rows in the firm table (README, Scale), so passes over firm rows grow
with every firm that ever traded. Reclaiming the rows would change results (some draws are one
per firm row), so before anyone does that this measures what it could buy: at month
`--pad-at` it founds `--pad` newcomers and closes them at once (exited rows with no animals,
and the acquaintances every newcomer makes), then steps that model and one without them
month by month in turn (interleaved, CPU time: bench_ab.step_in_turn) to the end. The two runs
differ after the padding (draws per firm row), so each seed's ratio mixes the rows' cost
with a different history; several seeds say how far that goes. The cost per 1,000 exited
rows is then applied, as a straight line, to the rows the run without padding carries on
its own: what reclaiming them would save, at most, over the timed months and in the last.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from bench_ab import ROOT, step_in_turn

sys.path.insert(0, str(ROOT))  # this tree's package, not another clone's install
from alpaca_abm.cliargs import whole_number  # noqa: E402


def cost_per_row(ratio: float, own: float, added: float) -> float:
    """The share of CPU one exited row adds, c, from the padded run's ratio to the plain one
    when each month costs in proportion to 1 + c x (exited rows): ratio = (1 + c(own +
    added)) / (1 + c own)."""
    return (ratio - 1) / (added - (ratio - 1) * own)


def exited(model) -> int:
    """Rows of the firm table that are not in business."""
    n = model.firms.n
    return n - int(model.firms.active[:n].sum())


def race(args: argparse.Namespace, seed: int) -> dict[str, float]:
    """One seed: CPU µs per breeder-month with and without the padding, and the exited rows
    each carried (mean over the timed months, and at the end)."""
    from alpaca_abm import AlpacaModel, finance

    def make() -> AlpacaModel:
        return AlpacaModel(
            rng=seed, n_breeders=args.breeders, herd_size_median=args.herd_size_median
        )

    models = {"plain": make(), "padded": make()}
    for model in models.values():
        for _ in range(args.pad_at):
            model.step()
    padded = models["padded"]
    finance.exit_breeders(padded, finance.enter_breeders(padded, args.pad))
    months = args.months - args.pad_at
    spent, breeder_months, row_months = step_in_turn(models, months)
    exited_months = {k: row_months[k] - breeder_months[k] for k in models}
    return {
        "plain_us": spent["plain"] / breeder_months["plain"] * 1e6,
        "padded_us": spent["padded"] / breeder_months["padded"] * 1e6,
        "plain_rows": exited_months["plain"] / months,
        "padded_rows": exited_months["padded"] / months,
        "plain_last": exited(models["plain"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--breeders", type=whole_number("--breeders"), default=1_500)
    parser.add_argument("--months", type=whole_number("--months"), default=240)
    parser.add_argument(
        "--pad-at", type=whole_number("--pad-at"), default=60, help="month of the padding"
    )
    parser.add_argument(
        "--pad", type=whole_number("--pad"), default=15_000, help="exited rows added"
    )
    parser.add_argument(
        "--seeds", type=whole_number("--seeds", least=0), nargs="+", default=[0, 1, 2]
    )
    parser.add_argument(
        "--herd-size-median",
        type=float,
        default=30.0,
        help="median starting herd (30: bench_scale.py's pinned herds; 13: the baseline's own)",
    )
    args = parser.parse_args(argv)
    if args.pad_at >= args.months:
        parser.error(f"argument --pad-at: {args.pad_at} must be below --months ({args.months})")
    from alpaca_abm.scenarios import load_scenario

    try:  # the model's own checks of the two parameters, before any run
        load_scenario("baseline", n_breeders=args.breeders, herd_size_median=args.herd_size_median)
    except ValueError as error:
        parser.error(str(error))

    print(
        f"{args.breeders:,} breeders, herd median {args.herd_size_median:g}, {args.months} "
        f"months; {args.pad:,} exited rows added at month {args.pad_at}; months "
        f"{args.pad_at + 1}-{args.months} timed\n"
    )
    print(
        f"{'seed':>4} {'plain µs/bm':>11} {'padded µs/bm':>12} {'ratio':>6} {'rows added':>10} "
        f"{'% per 1,000 rows':>16} {'own rows (mean, last)':>22}"
    )
    costs, own_mean, own_last = [], [], []
    for seed in args.seeds:
        r = race(args, seed)
        ratio = r["padded_us"] / r["plain_us"]
        added = r["padded_rows"] - r["plain_rows"]
        costs.append(cost_per_row(ratio, r["plain_rows"], added))
        own_mean.append(r["plain_rows"])
        own_last.append(r["plain_last"])
        print(
            f"{seed:>4} {r['plain_us']:>11.2f} {r['padded_us']:>12.2f} {ratio:>6.3f} "
            f"{added:>10,.0f} {costs[-1] * 1e5:>16.2f} "
            f"{r['plain_rows']:>13,.0f}, {r['plain_last']:>6,}",
            flush=True,
        )
    if min(costs) <= 0:
        print(
            "\nat least one seed measured no cost: at this size the exited rows' cost is within "
            "the timing noise (more rows, more months or more seeds may tell)"
        )
        return 0
    c = statistics.median(costs)
    mean_rows, last_rows = statistics.median(own_mean), statistics.median(own_last)

    def saved(rows: float) -> float:
        """The share of CPU (%) that `rows` exited rows take, on the straight line."""
        return c * rows / (1 + c * rows) * 100

    print(
        f"\nmedian: {c * 1e5:.2f}% more CPU per breeder-month for each 1,000 exited rows "
        f"(seeds: {min(costs) * 1e5:.2f} to {max(costs) * 1e5:.2f})"
    )
    print(
        f"the plain run's own exited rows (median {mean_rows:,.0f} over the timed months, "
        f"{last_rows:,.0f} at the end) take, on that line, about {saved(mean_rows):.1f}% of its "
        f"CPU over the timed months and {saved(last_rows):.1f}% in the last: the most "
        "reclaiming them could save"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
