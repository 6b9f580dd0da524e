"""The suite runs the same everywhere: every test, in this process and in the processes it
starts, exercises this checkout (not another installed copy of alpaca-abm), and no test file
depends on another test file (so plain `pytest` collects every test)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import alpaca_abm

from helpers import REPO, checkout_env

TESTS = Path(__file__).resolve().parent
SUBPROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output"}
# Test files whose children deliberately run another copy, and why.
OWN_COPY = {
    "test_readme.py": "runs the README's commands in a fresh copy of this checkout (its cwd)",
}


def test_this_process_imports_the_checkout_under_test():
    assert Path(alpaca_abm.__file__).resolve().is_relative_to(REPO / "alpaca_abm")


def test_a_child_imports_the_checkout_even_beside_another_copy(tmp_path):
    """A decoy alpaca_abm in the child's working folder and on its PYTHONPATH (as a
    different installed copy would be) is not the one imported: checkout_env puts the
    checkout first and keeps the working folder off sys.path. Without it, `-m` from that
    folder imports the decoy (the second half shows the decoy would have been found)."""
    decoy = tmp_path / "alpaca_abm"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise ImportError('the decoy copy was imported')\n")
    (decoy / "cli.py").write_text("raise ImportError('the decoy copy was imported')\n")
    probe = "import alpaca_abm, sys; print(alpaca_abm.__file__)"
    env = checkout_env(dict(os.environ, PYTHONPATH=str(tmp_path)))  # checkout, then decoy
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == REPO / "alpaca_abm" / "__init__.py"
    cli = subprocess.run(
        [sys.executable, "-m", "alpaca_abm.cli", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=checkout_env(),
    )
    assert cli.returncode == 0 and "decoy" not in cli.stderr, cli.stderr
    unguarded = subprocess.run(  # the same child without the guard finds the decoy
        [sys.executable, "-m", "alpaca_abm.cli", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=checkout_env(PYTHONSAFEPATH=""),
    )
    assert "the decoy copy was imported" in unguarded.stderr


def _test_files():
    return sorted(TESTS.glob("*.py"))


def test_every_child_process_a_test_starts_runs_with_checkout_env():
    """Each subprocess.run/Popen/... call in tests/ that starts Python passes
    env=checkout_env(...) (or a variable assigned from it in the same function), so it
    imports this checkout; the files of OWN_COPY say why they do otherwise."""
    missing = []
    for path in _test_files():
        if path.name in OWN_COPY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            from_checkout = {
                target.id
                for node in ast.walk(func)
                if isinstance(node, ast.Assign) and "checkout_env(" in ast.unparse(node.value)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
                name = ast.unparse(call.func)
                if not (name.startswith("subprocess.") and name[11:] in SUBPROCESS_CALLS):
                    continue
                argv = call.args[0] if call.args else None
                if isinstance(argv, ast.List) and argv.elts:
                    first = argv.elts[0]
                    if isinstance(first, ast.Constant) and first.value in ("git", "bash"):
                        continue  # not Python: nothing of alpaca_abm to import
                env = next((k.value for k in call.keywords if k.arg == "env"), None)
                ok = env is not None and (
                    "checkout_env(" in ast.unparse(env)
                    or (isinstance(env, ast.Name) and env.id in from_checkout)
                )
                if not ok:
                    missing.append(f"{path.name}:{call.lineno} {name}")
    assert not missing, "subprocesses started without env=checkout_env(): " + ", ".join(missing)


def test_no_test_file_imports_another_test_file():
    """Shared helpers live in tests/helpers.py or tests/conftest.py: a test file imported by
    another is collected under two names, and `from tests.x import` fails under plain
    pytest."""
    bad = []
    for path in _test_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "tests" or name.split(".")[-1].startswith("test_"):
                    bad.append(f"{path.name}:{node.lineno} imports {name}")
    assert not bad, "; ".join(bad)


def _declared() -> set[str]:
    """Distribution names (normalised) that pyproject.toml declares, extras included; a
    `dask[distributed]` also declares `distributed`, `solara` its two halves."""
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    names = set()
    for spec in specs:
        name, _, extras = re.match(r"([A-Za-z0-9_.-]+)(\[([^\]]*)\])?", spec).groups()
        names.add(_normal(name))
        if name == "dask" and extras and "distributed" in extras:
            names.add("distributed")
    if "solara" in names:  # a meta-package: its modules come in solara-ui and solara-server
        names |= {"solara-ui", "solara-server"}
    return names


def _normal(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_code_imports_is_declared():
    """Each third-party module imported anywhere in the repository's Python (package, tests,
    scripts, experiments, benchmarks) belongs to a distribution pyproject.toml declares (a
    package that only comes with another, like psutil with distributed, can go away with
    it)."""
    from importlib.metadata import packages_distributions

    local = {p.stem for folder in ("alpaca_abm", "tests", "scripts", "experiments", "benchmarks")
             for p in (REPO / folder).rglob("*.py")} | {"alpaca_abm", "experiments"}  # fmt: skip
    local |= {p.name for p in (REPO / "experiments").iterdir() if p.is_dir()}
    imported = set()
    for folder in ("alpaca_abm", "tests", "scripts", "experiments", "benchmarks"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported.add(node.module.split(".")[0])
    third_party = sorted(imported - set(sys.stdlib_module_names) - local - {"__future__"})
    owners = packages_distributions()
    declared = _declared()
    missing = [
        f"{module} ({', '.join(owners.get(module, ['no installed distribution']))})"
        for module in third_party
        # a module of an extra not installed here (mutmut) is known by its own name
        if not declared & {_normal(d) for d in owners.get(module) or [module]}
    ]
    assert not missing, "imported but not declared in pyproject.toml: " + "; ".join(missing)


def test_every_declared_package_has_an_exact_version_in_constraints():
    """scripts/env.sh installs with -c constraints.txt: a declared package missing there
    would install at whatever version is newest that day."""
    pinned = set()
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pinned.add(_normal(line.split("==")[0].strip()))
    unpinned = sorted(_declared() - pinned - {"alpaca-abm"})
    assert not unpinned, f"declared but not pinned in constraints.txt: {unpinned}"
