"""Command line: `alpaca-abm run | scenarios | sweep | compare`.

Errors in what the user typed or wrote are printed in a line or two, without a
traceback, and the command exits with status 2 (1 for a failure of the machine, such as a
full disk). Result files are written atomically, all together or not at all; long runs
write checkpoints (`--checkpoint-every`) and continue from them (`--resume`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .checkpoint import CHECKPOINT_FILE
from .cliargs import (
    ERROR_FILE,  # noqa: F401  (re-exported: cli.ERROR_FILE, the saved traceback's name)
    InternalError,
    check_out_shape,
    output_path,
    parse_assignment,
    prepare_out,
    safe_name,
    whole_number,
)
from .runner import MAX_STEPS

EXIT_USAGE = 2
EXIT_FAILURE = 1
RESULT_FILES = (
    "model.csv",
    "agents.csv",
    "params.toml",
    "run.json",
    "summary.json",
    "DATA.md",
    "events.csv",
    "industry.png",
    "organisational.png",
    "individual.png",
)


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and a pointer to --help, not the usage."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="alpaca-abm",
        description="Coopetition among UK alpaca-breeding micro-firms: an agent-based model.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    run = sub.add_parser("run", help="run one scenario and write tables, parameters and plots")
    run.add_argument(
        "--scenario",
        default="baseline",
        help="shipped scenario name or path of a .toml file (default: baseline)",
    )
    run.add_argument(
        "--steps",
        type=whole_number("--steps", most=MAX_STEPS),
        default=240,
        help=f"months to simulate (default: 240 = 20 years; at most {MAX_STEPS:,})",
    )
    run.add_argument(
        "--seed", type=whole_number("--seed", least=0), default=0, help="random seed (default: 0)"
    )
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter, e.g. --set coopetition=false (repeatable)",
    )
    run.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="KIND:START[:STRENGTH[:DURATION]]",
        help="add a shock, e.g. --event disease:60:0.8 or --event brexit:2021-01 (repeatable; "
        "see docs/SHOCKS.md)",
    )
    run.add_argument(
        "--out",
        type=output_path,
        default=None,
        help="output folder (default: results/<scenario>-seed<seed>)",
    )
    run.add_argument(
        "--overwrite", action="store_true", help="replace results already in the output folder"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--checkpoint-every",
        type=whole_number("--checkpoint-every"),
        default=None,
        metavar="N",
        help=f"save the running model to <out>/{CHECKPOINT_FILE} every N months (atomically)",
    )
    run.add_argument(
        "--resume",
        action="store_true",
        help=f"continue from <out>/{CHECKPOINT_FILE} if there is one (same scenario, --set, "
        "--event, --seed and --steps); else start from the first month",
    )

    sub.add_parser("scenarios", help="list the shipped scenarios")

    from .compare import add_compare_parser

    add_compare_parser(sub)
    from .viz.cli import add_viz_parser

    add_viz_parser(sub)

    try:
        from .sweep.cli import add_sweep_parser
    except ImportError:  # the sweep extra (pyarrow, dask, SALib) is not installed
        add_sweep_parser = None
    if add_sweep_parser is not None:
        add_sweep_parser(sub)
    return parser


def _default_out(name: str, seed: int) -> Path:
    """results/<scenario>-seed<seed>, with the scenario's name made safe as a folder name."""
    return Path("results") / f"{safe_name(name)}-seed{seed}"


OURS = (*RESULT_FILES, CHECKPOINT_FILE)  # what `run` writes into --out (and replaces)


def command_run(args: argparse.Namespace) -> int:
    from .io import locked_output, remove_if_empty, remove_leftovers, staged_output
    from .scenarios import load_scenario

    overrides = dict(parse_assignment(s) for s in args.set)
    scenario = load_scenario(args.scenario, **overrides)  # validates before anything is written
    if args.event:
        from .events import parse_event_option

        added = tuple(parse_event_option(e) for e in args.event)
        scenario = scenario.replace(events=scenario.events + added)
    from .events import check_horizon

    check_horizon(scenario, args.steps)
    from .runner import check_memory

    check_memory(scenario, args.steps)  # before the first month, and before --out is touched
    out = args.out or _default_out(scenario.name, args.seed)
    check_out_shape(out)
    with locked_output(out):  # held until the results are published: one writer per folder
        remove_leftovers(out, OURS)
        created = False
        try:
            created = prepare_out(out)
            result = _run_into(args, scenario, out)
        except RunFinished:
            print(f"{out} holds this run, finished: nothing to resume (results in {out}/).")
            return 0
        except BaseException:
            remove_if_empty(out, created)
            raise
        from . import __version__
        from .report import write_run

        try:
            with staged_output(out, OURS) as stage:  # every result file, or none
                write_run(
                    result,
                    stage,
                    seed=args.seed,
                    steps=args.steps,
                    version=__version__,
                    command=["alpaca-abm", *sys.argv[1:]],
                )
        except OSError as err:
            remove_if_empty(out, created)
            raise OSError(
                err.errno, f"cannot write the results: {err.strerror or err}", str(out)
            ) from None
        except BaseException:
            remove_if_empty(out, created)
            raise
    print(
        f"alpaca-abm {__version__}: {scenario.name}, {args.steps} months from "
        f"{scenario.start_year}, seed {args.seed}"
    )
    from .metrics import summary_note

    for key in (
        "final_n_breeders",
        "final_n_alpacas",
        "final_mean_quality",
        "quality_gain",
        "final_price_female",
        "n_partnerships",
        "elite_access_share",
        "mean_knowledge",
        "partnership_survival",
        "profit_last_year",
    ):
        value = result.summary[key]
        shown = "none" if value != value else f"{value:,.2f}"  # NaN: undefined in this run
        print(f"  {key:<22} {shown:>14}{summary_note(key)}")
    print(f"results in {out}/")
    return 0


class RunFinished(Exception):
    """`--resume` found this very run finished in its --out: nothing to do."""


def _finished_here(out: Path, scenario: Any, seed: int, steps: int) -> bool:
    """True if `out` holds every result file of this run (the same scenario, parameters,
    events, seed and months, as its params.toml and run.json record)."""
    from .userfile import read_json

    if not all((out / name).is_file() for name in RESULT_FILES):
        return False
    try:
        info = read_json(out / "run.json", "run.json")
    except ValueError:
        return False
    if not isinstance(info, dict) or info.get("seed") != seed or info.get("steps") != steps:
        return False
    try:
        from .scenarios import load_scenario

        again = load_scenario(out / "params.toml")
    except ValueError:
        return False
    from .checkpoint import run_identity

    mine, theirs = run_identity(scenario, seed), run_identity(again, seed)
    return all(mine[k] == theirs[k] for k in ("name", "parameters", "events"))


def _run_into(args: argparse.Namespace, scenario: Any, out: Path):
    """Check what `out` holds against --resume and --overwrite, then run (or resume) the
    model, writing checkpoints into `out`; return the RunResult. Call with the lock held."""
    checkpoint = out / CHECKPOINT_FILE
    has_checkpoint = checkpoint.exists() or checkpoint.is_symlink()
    existing = [f for f in RESULT_FILES if (out / f).exists()]
    if has_checkpoint and not args.resume and not args.overwrite:
        raise ValueError(
            f"{out} holds a checkpoint of an unfinished run ({CHECKPOINT_FILE}). Pass --resume "
            "to continue it, or --overwrite to start again."
        )
    if existing and not args.overwrite and not (args.resume and has_checkpoint):
        if args.resume and _finished_here(out, scenario, args.seed, args.steps):
            raise RunFinished(out)
        finished = " and no checkpoint: nothing to resume" if args.resume else ""
        raise ValueError(
            f"{out} already holds results ({', '.join(existing)}){finished}. Choose another "
            "--out or pass --overwrite to replace them."
        )
    from .checkpoint import check_resumable, read_header
    from .model import AlpacaModel
    from .runner import run_model

    model, every = None, args.checkpoint_every
    if args.resume and has_checkpoint:
        header = read_header(checkpoint)  # checks versions and the hash of every field
        advice = (
            "Resume with the same --scenario, --set, --event, --seed and --steps, or leave out "
            "--resume to start a new run (--overwrite replaces it)."
            if args.overwrite
            else None
        )
        kwargs = {"advice": advice} if advice else {}
        check_resumable(header, scenario, args.seed, args.steps, checkpoint, **kwargs)
        meta = header.get("meta") if isinstance(header.get("meta"), dict) else {}
        saved_every = meta.get("checkpoint_every")
        if every is None and type(saved_every) is int and saved_every >= 1:
            every = saved_every
    try:
        if args.resume and has_checkpoint:
            model = AlpacaModel.load(checkpoint)
            print(f"resuming from {checkpoint} at month {model.steps} ({model.date})")
        elif args.resume:
            print(f"no checkpoint in {out}/: starting from the first month")
        if model is None:
            model = AlpacaModel(scenario, rng=args.seed)

        def save_checkpoint(m: AlpacaModel) -> None:
            if m.steps % every == 0 or m.steps == args.steps:
                m.save(checkpoint, steps=args.steps, checkpoint_every=every)

        try:
            return run_model(
                model,
                args.steps,
                progress=not args.quiet,
                on_month=save_checkpoint if every else None,
            )
        except (KeyboardInterrupt, OSError):
            raise
        except Exception as err:  # inputs were checked before the first month: ours, not theirs
            raise InternalError(err, out) from err
    except KeyboardInterrupt:
        if every and checkpoint.exists():
            print(
                f"alpaca-abm: the last checkpoint is in {checkpoint}: repeat the command with "
                "--resume to continue.",
                file=sys.stderr,
            )
        raise


def command_scenarios(args: argparse.Namespace) -> int:
    from .scenarios import describe_scenarios

    rows = describe_scenarios()
    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        print(f"{name:<{width}}  {text}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return command_run(args)
        if args.command == "scenarios":
            return command_scenarios(args)
        if args.command == "sweep":
            from .sweep.cli import run_sweep_command

            return run_sweep_command(args)
        if args.command == "compare":
            from .compare import run_compare_command

            return run_compare_command(args)
        if args.command == "viz":
            from .viz.cli import run_viz_command

            return run_viz_command(args)
    except InternalError as err:
        print(f"alpaca-abm {args.command}: {err}", file=sys.stderr)
        if os.environ.get("ALPACA_ABM_TRACEBACK"):
            import traceback

            traceback.print_exception(err.cause, file=sys.stderr)
        return EXIT_FAILURE
    except ValueError as err:
        print(f"alpaca-abm {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # whoever read our output stopped (`| head`): nothing went wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # quiet exit flush
        return 0
    except OSError as err:  # the machine failed us (disk full, folder removed): no traceback
        text = err.strerror or str(err)
        if err.filename:
            text = f"{err.filename}: {text}"
        print(f"alpaca-abm {args.command}: error: {text}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("alpaca-abm: interrupted; files already written are complete.", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
