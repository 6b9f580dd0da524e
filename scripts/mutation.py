"""Mutation testing of the mechanism modules, each against its own unit-test file (mutmut 3).

For each module M in MODULES (or those named on the command line) this copies the package,
the tests and pyproject.toml into a scratch folder and asks mutmut to mutate alpaca_abm/M.py
and run tests/test_M.py (its fast tests: not those marked slow) against each mutant. Only
functions that take neither the whole model nor the industry's tables (a parameter named
`model` or `state`) are mutated: those are wiring, exercised by the model-level tests, and
would take hours. The score per module
and every surviving mutant go into docs/TESTING.md, between the markers below;
scripts/mutation_reasons.toml says why a known survivor is equivalent or accepted. Run it
through scripts/mutation.sh (it installs the [mutation] extra).

    bash scripts/mutation.sh                   # every module (about an hour on 2 idle cores)
    bash scripts/mutation.sh trust knowledge   # some of them (the others' rows are kept)
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "TESTING.md"
REASONS = REPO / "scripts" / "mutation_reasons.toml"
BEGIN, END = "<!-- mutation score: begin -->", "<!-- mutation score: end -->"
# The mechanism modules, each scored with its own test file tests/test_<module>.py (or those
# of TEST_FILES). Modules left out are wiring or input handling, not mechanisms: life, world
# and trading's market step read and write the whole industry (`state`); events checks and
# schedules the user's event files and shocks applies them; accounts is the cash ledger and
# ordering a sorting helper (portable, the machine-independent exp, log and power, is scored:
# its special cases and reductions are arithmetic a test must pin down).
MODULES = (
    "trust",
    "knowledge",
    "market",
    "finance",
    "rivalry",
    "coownership",
    "herd",
    "fleece",
    "disease",
    "breeding",
    "partnering",
    "paradox",
    "pricing",
    "credit",
    "shearing",
    "portable",
)
# Modules whose unit tests share a file with another's.
TEST_FILES = {"pricing": "test_credit_pricing.py", "credit": "test_credit_pricing.py"}
WIRING = {"model", "state"}  # a parameter of these names marks a function as wiring
TARGET = 0.85  # the share of mutants killed that each module should reach (issue #24)
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
NOT_COUNTED = {"skipped", "check was interrupted by user", "not checked"}


def scored_functions(source: str) -> tuple[list[str], list[str]]:
    """Mutant-name patterns of the functions and methods scored, and the names left out
    (those with a parameter called `model` or `state`: wiring over the whole model or the
    industry's tables)."""
    tree = ast.parse(source)
    scored, left = [], []

    def visit(node, cls: str | None) -> None:
        for child in node.body:
            if isinstance(child, ast.ClassDef) and cls is None:
                visit(child, child.name)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                args = [a.arg for a in (*child.args.posonlyargs, *child.args.args)]
                args += [a.arg for a in child.args.kwonlyargs]
                name = f"{cls}.{child.name}" if cls else child.name
                if WIRING & set(args):
                    left.append(name)
                elif cls:
                    scored.append(f"xǁ{cls}ǁ{child.name}__mutmut_*")
                else:
                    scored.append(f"x_{child.name}__mutmut_*")

    visit(tree, None)
    return scored, left


def function_of(mutant: str) -> str:
    """`alpaca_abm.trust.xǁTrustLedgerǁrows__mutmut_3` -> `TrustLedger.rows`."""
    local = mutant.split(".")[-1].rsplit("__mutmut_", 1)[0]
    if local.startswith("xǁ"):
        return ".".join(local[2:].split("ǁ"))
    return local[2:] if local.startswith("x_") else local


def run_module(module: str, work: Path, children: int, limit: float) -> dict:
    """Mutate alpaca_abm/<module>.py against tests/test_<module>.py in a scratch copy."""
    source = (REPO / "alpaca_abm" / f"{module}.py").read_text(encoding="utf-8")
    test_file = TEST_FILES.get(module, f"test_{module}.py")
    tests = REPO / "tests" / test_file
    scored, left = scored_functions(source)
    row = {"module": module, "left_out": left, "status": {}, "survivors": [], "seconds": 0.0}
    if not tests.exists():
        row["note"] = f"no tests/{test_file}"
        return row
    here = work / module
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    for name in ("alpaca_abm", "tests"):
        shutil.copytree(REPO / name, here / name, ignore=shutil.ignore_patterns("__pycache__"))
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    config += (
        "\n[tool.mutmut]\n"
        'source_paths = ["alpaca_abm"]\n'
        f'only_mutate = ["alpaca_abm/{module}.py"]\n'
        f'pytest_add_cli_args_test_selection = ["tests/{test_file}"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-p", "no:xdist",'
        ' "-m", "not slow"]\n'
    )
    (here / "pyproject.toml").write_text(config, encoding="utf-8")
    patterns = [f"alpaca_abm.{module}.{p}" for p in scored]
    start = time.monotonic()
    env = dict(os.environ, PYTHONPATH=str(here))
    command = [str(Path(sys.executable).with_name("mutmut")), "run"]
    command += ["--max-children", str(children), *patterns]
    with open(here / "mutmut.log", "w") as log:
        # its own process group, so that a run stopped for time takes its workers with it
        proc = subprocess.Popen(
            command, cwd=here, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            row["note"] = f"stopped after {limit / 60:.0f} minutes: the mutants checked so far"
    row["seconds"] = time.monotonic() - start
    meta = here / "mutants" / "alpaca_abm" / f"{module}.py.meta"
    if not meta.exists():
        row["note"] = row.get("note", "") + " (mutmut wrote no results: see its log)"
        return row
    # the [mutation] extra's mutmut: its status names and the diff of a mutant
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    codes = json.loads(meta.read_text())["exit_code_by_key"]
    wanted = [n for n in codes if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
    source_path = Path("alpaca_abm") / f"{module}.py"
    cwd = Path.cwd()
    os.chdir(here)  # mutmut reads its mutants/ folder relative to the working folder
    try:
        for name in wanted:
            code = codes[name]
            status = "not checked" if code is None else status_by_exit_code.get(code, str(code))
            row["status"][status] = row["status"].get(status, 0) + 1
            if status not in KILLED and status not in NOT_COUNTED:
                diff = get_diff_for_mutant(name, path=source_path)
                changed = [
                    line
                    for line in diff.splitlines()
                    if line[:1] in "-+" and not line.startswith(("---", "+++"))
                ]
                row["survivors"].append({"name": name, "status": status, "diff": changed})
    finally:
        os.chdir(cwd)
    return row


def reason_for(survivor: dict, module: str, rules: list[dict]) -> str:
    """The first rule of mutation_reasons.toml that matches the survivor, or ''."""
    function = function_of(survivor["name"])
    removed = "\n".join(line[1:] for line in survivor["diff"] if line.startswith("-"))
    added = "\n".join(line[1:] for line in survivor["diff"] if line.startswith("+"))
    for rule in rules:
        if rule.get("module", module) != module:
            continue
        if not fnmatch.fnmatchcase(function, rule.get("function", "*")):
            continue
        if "before" in rule and not re.search(rule["before"], removed):
            continue
        if "after" in rule and not re.search(rule["after"], added):
            continue
        return rule["reason"]
    return ""


def score(row: dict) -> tuple[int, int]:
    killed = sum(n for s, n in row["status"].items() if s in KILLED)
    counted = sum(n for s, n in row["status"].items() if s not in NOT_COUNTED)
    return killed, counted


def reason_rules() -> list[dict]:
    """The rules of scripts/mutation_reasons.toml, in order."""
    return tomllib.loads(REASONS.read_text(encoding="utf-8")).get("rule", [])


def split_doc(text: str) -> tuple[str, str, str]:
    """docs/TESTING.md as (before the markers, the generated part between them, after); the
    markers are added at the end when missing."""
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    generated, tail = rest.split(END, 1)
    return head, generated, tail


def earlier_rows(generated: str) -> dict[str, tuple[str, str]]:
    """Each module's score-table line and section ("### module" to the next) in the generated
    part of docs/TESTING.md as it stands: kept for the modules that the local store has no
    results for (a fresh clone has none), so that scoring one module leaves the others'
    rows as the repository has them instead of marking them "not run"."""
    lines = {}
    for line in generated.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 2 and cells[1] in MODULES and cells[2] != "not run":
            lines[cells[1]] = line
    sections = {}
    for part in generated.split("\n### ")[1:]:
        module, _, body = part.partition("\n")
        sections[module.strip()] = f"### {module.strip()}\n{body.split(END, 1)[0].rstrip()}"
    return {m: (lines[m], sections.get(m, "")) for m in lines}


def render(
    rows: dict[str, dict],
    rules: list[dict],
    mutmut_version: str,
    earlier: dict[str, tuple[str, str]] | None = None,
) -> str:
    """The generated part of docs/TESTING.md; a module without a row in `rows` keeps its
    `earlier` line and section (earlier_rows), or is marked "not run"."""
    earlier = earlier or {}
    out = [BEGIN, ""]
    out.append(
        f"Generated by `bash scripts/mutation.sh` (mutmut {mutmut_version}); each module's"
        " row is from its latest run. Score = mutants killed (or timed out) / mutants"
        f" checked; target {TARGET:.0%}. Only functions that do not take the whole model"
        " or industry are mutated (the others are wiring, listed under each module)."
    )
    out.append(
        "The score without equivalents leaves out the survivors that a rule of"
        " scripts/mutation_reasons.toml calls equivalent (no test can kill them); the target"
        " is judged on it."
    )
    out += [
        "",
        "| module | run on | mutants | killed | survived | equivalent | score | score without"
        " equivalents | target met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for module in MODULES:
        row = rows.get(module)
        if row is None:
            kept = earlier.get(module)
            out.append(kept[0] if kept else f"| {module} | not run | | | | | | | |")
            continue
        killed, counted = score(row)
        equivalent = sum(
            1 for s in row["survivors"] if reason_for(s, module, rules).startswith("equivalent")
        )
        share = killed / counted if counted else float("nan")
        fair = killed / (counted - equivalent) if counted > equivalent else float("nan")
        met = "yes" if counted and fair >= TARGET else "no"
        note = f" ({row['note'].strip()})" if row.get("note") else ""
        out.append(
            f"| {module} | {row['date']}{note} | {counted} | {killed} | {counted - killed} |"
            f" {equivalent} | {share:.0%} | {fair:.0%} | {met} |"
        )
    out.append("")
    for module in MODULES:
        row = rows.get(module)
        if row is None:
            kept = earlier.get(module)
            if kept and kept[1]:
                out += [kept[1], ""]
            continue
        out.append(f"### {module}")
        out.append("")
        status = ", ".join(f"{n} {s}" for s, n in sorted(row["status"].items()))
        out.append(
            f"Run {row['date']} at commit {row['commit']} in {row['seconds'] / 60:.1f} min"
            f" ({status or 'no mutants'})."
        )
        if row["left_out"]:
            out.append(f"Not mutated (wiring): {', '.join(row['left_out'])}.")
        out.append("")
        untested: dict[str, int] = {}
        for s in row["survivors"]:
            if s["status"] == "no tests":
                untested[function_of(s["name"])] = untested.get(function_of(s["name"]), 0) + 1
        if untested:
            listed = ", ".join(f"{f} ({n})" for f, n in untested.items())
            test_file = TEST_FILES.get(module, f"test_{module}.py")
            out += [f"No test of tests/{test_file} runs (mutants): {listed}.", ""]
        shown = [s for s in row["survivors"] if s["status"] != "no tests"]
        if shown:
            out += ["| surviving mutant | change | why it survives |", "| --- | --- | --- |"]
            for s in shown:
                change = " / ".join(
                    f"`{line.strip()}`" for line in s["diff"][:2] if line.strip()
                ).replace("|", "\\|")
                why = reason_for(s, module, rules) or "not reviewed yet"
                name = s["name"].split(".")[-1]
                out.append(f"| {name} ({s['status']}) | {change} | {why} |")
            out.append("")
    out.append(END)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"modules to score (default: {MODULES})")
    parser.add_argument("--children", type=int, default=2, help="mutants run at once")
    parser.add_argument(
        "--minutes", type=float, default=20.0, help="stop a module's run after this long"
    )
    parser.add_argument("--work", type=Path, default=REPO / "mutants-work")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite docs/TESTING.md from stored results"
    )
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; allowed: {', '.join(MODULES)}")
    if args.children < 1 or args.minutes <= 0:
        parser.error("--children must be at least 1 and --minutes above 0")
    import mutmut

    store = args.work / "results.json"
    args.work.mkdir(parents=True, exist_ok=True)
    rows = json.loads(store.read_text()) if store.exists() else {}
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    for module in [] if args.report_only else args.modules or MODULES:
        print(f"mutation testing alpaca_abm/{module}.py ...", flush=True)
        row = run_module(module, args.work, args.children, 60 * args.minutes)
        row["date"] = dt.date.today().isoformat()
        row["commit"] = commit
        rows[module] = row
        store.write_text(json.dumps(rows, indent=1))
        killed, counted = score(row)
        print(f"  {killed} of {counted} killed" + (f"; {row['note']}" if "note" in row else ""))
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{BEGIN}\n{END}\n"
    head, generated, tail = split_doc(text)
    report = render(rows, reason_rules(), mutmut.__version__, earlier_rows(generated))
    DOC.write_text(head + report + tail, encoding="utf-8")
    print(f"wrote {DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
