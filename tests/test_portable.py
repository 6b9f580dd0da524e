"""alpaca_abm.portable: exp, log and power that are accurate and the same on every machine,
and a package that uses no maths of numpy's whose last bit depends on the processor."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from alpaca_abm import portable as pm

from helpers import NUMPY_BASELINE_ONLY, checkout_env

PACKAGE = Path(__file__).resolve().parents[1] / "alpaca_abm"


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Distance of `got` from `want` in units of the last place of `want`."""
    return np.abs(got - want) / np.spacing(np.abs(want))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exp_and_log_within_one_unit_in_the_last_place(seed):
    """Against Python's math module (the C library's, correctly rounded in nearly all cases)
    over the whole range and around 0 and 1, where the reductions are most delicate."""
    rng = np.random.default_rng(seed)
    x = np.concatenate(
        (rng.uniform(-708.0, 709.7, 50_000), rng.normal(0, 1, 50_000), rng.normal(0, 1e-7, 5_000))
    )
    assert ulps(pm.exp(x), np.array([math.exp(v) for v in x])).max() <= 1.0
    v = np.concatenate(
        (
            np.exp(rng.uniform(-700, 700, 50_000)),
            rng.uniform(0, 2, 50_000),
            1 + rng.normal(0, 1e-9, 5_000),
            rng.uniform(1e-320, 1e-300, 1_000),  # subnormal and tiny
        )
    )
    want = np.array([math.log(u) for u in v])
    assert ulps(pm.log(v), want).max() <= 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_power_close_for_the_models_bases_and_exponents(seed):
    """exp(y log x) loses about |y log x| units in the last place: for bases in (0, 1] and
    exponents up to 300 (months of idle trust, rounds of draws) within 1e-12 relative."""
    rng = np.random.default_rng(seed)
    base, exponent = rng.uniform(1e-3, 1.0, 50_000), rng.uniform(0.0, 300.0, 50_000)
    want = np.array([math.pow(b, y) for b, y in zip(base, exponent, strict=True)])
    keep = want > 1e-290
    rel = np.abs(pm.power(base, exponent)[keep] - want[keep]) / want[keep]
    assert rel.max() < 1e-12


def test_special_values_as_ieee_has_them():
    assert pm.exp(0.0) == 1.0 and pm.log(1.0) == 0.0
    assert pm.log(2.0) == math.log(2.0)
    got = pm.exp(np.array([np.nan, np.inf, -np.inf, 710.0, -746.0, -740.0]))
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == 0.0 and got[3] == np.inf
    assert got[4] == 0.0 and 0.0 < got[5] < 1e-320  # subnormal, not flushed to 0
    got = pm.log(np.array([0.0, -1.0, np.nan, np.inf, 5e-324]))
    assert got[0] == -np.inf and np.isnan(got[1]) and np.isnan(got[2]) and got[3] == np.inf
    assert got[4] == math.log(5e-324)
    got = pm.power(
        np.array([0.0, 0.0, 0.0, 1.0, 2.0, -1.0]), np.array([2.0, 0.0, -1.0, 1e300, 0.0, 0.5])
    )
    assert list(got[:5]) == [0.0, 1.0, np.inf, 1.0, 1.0] and np.isnan(got[5])


def test_edges_of_the_range_and_of_the_checks():
    """exp at its bounds as Python's math has it (the largest finite value; the smallest
    subnormal) and subnormal results exactly as it has them; log of an array holding 0 or
    inf beside ordinary values (the checks that set them look at the whole array)."""
    edges = np.array([pm.EXP_MAX, pm.EXP_MIN, -740.0, -720.5, 1.0])
    want = np.array([math.exp(v) for v in edges])
    got = pm.exp(edges)
    assert np.isfinite(got[0]) and abs(got[0] - want[0]) <= np.spacing(want[0])
    assert np.array_equal(got[1:4], want[1:4])  # (the smallest subnormal at EXP_MIN, not 0)
    assert abs(got[4] - want[4]) <= np.spacing(want[4])
    assert list(pm.log(np.array([0.0, 2.0]))) == [-np.inf, math.log(2.0)]
    assert list(pm.log(np.array([2.0, np.inf]))) == [math.log(2.0), np.inf]
    assert pm.power(0.0, 2.0) == 0.0 and pm.power(0.0, -1.0) == np.inf


def test_special_powers_beside_ordinary_ones():
    """The fix-ups for 0 x inf touch only the special elements of an array."""
    base = np.array([0.0, 0.5, 1.0, 0.5, np.inf, 2.0])
    exponent = np.array([0.0, 2.0, np.inf, -1.0, 0.0, 3.0])
    got = pm.power(base, exponent)
    assert got[0] == 1.0 and got[2] == 1.0 and got[4] == 1.0
    np.testing.assert_allclose(got[[1, 3, 5]], [0.25, 2.0, 8.0], rtol=1e-15)


def test_no_floating_point_warnings_for_special_values():
    """0, negatives, inf and NaN give their IEEE results silently, even where numpy is set
    to raise (a caller's np.errstate(all="raise"))."""
    with np.errstate(all="raise"):
        pm.log(np.array([0.0, -1.0, np.inf, np.nan, 1.0]))
        pm.exp(np.array([np.nan, np.inf, -np.inf, 800.0, -800.0]))
        pm.power(np.array([0.0, 1.0, 0.0]), np.array([0.0, np.inf, -1.0]))


def test_a_new_thread_gets_its_own_working_rows():
    """Each thread has its own working rows (made on its first call): the same results."""
    import threading

    x = np.linspace(-5, 5, 70_001)  # longer than a chunk
    here = (pm.exp(x), pm.log(np.abs(x) + 1))
    there = []
    worker = threading.Thread(target=lambda: there.append((pm.exp(x), pm.log(np.abs(x) + 1))))
    worker.start()
    worker.join()
    assert np.array_equal(there[0][0], here[0]) and np.array_equal(there[0][1], here[1])


def test_shapes_and_scalars_as_numpy_gives_them():
    """A scalar in, a numpy scalar out; arrays keep their shape; power broadcasts."""
    assert isinstance(pm.exp(1.0), np.float64) and isinstance(pm.power(0.5, 2), np.float64)
    assert pm.exp(np.ones((2, 3))).shape == (2, 3)
    assert pm.log(np.zeros((0,))).shape == (0,)
    assert pm.power(np.array([[0.5], [0.25]]), np.arange(3.0)).shape == (2, 3)
    np.testing.assert_allclose(pm.power(0.5, np.arange(4.0)), [1, 0.5, 0.25, 0.125], rtol=1e-15)


def test_inputs_are_not_changed():
    x = np.array([0.5, 1.5])
    kept = x.copy()
    pm.exp(x), pm.log(x), pm.power(x, x)
    assert np.array_equal(x, kept)


DIGEST_SCRIPT = """
import hashlib, numpy as np
from numpy.lib.introspect import opt_func_info
from alpaca_abm import portable as pm
rng = np.random.default_rng(7)
x = rng.uniform(-30, 30, 100_000)
b = rng.uniform(0, 1, 100_000)
ours = np.concatenate((pm.exp(x), pm.log(np.abs(x)), pm.power(b, np.abs(x))))
numpys = np.concatenate((np.exp(x.astype(np.float32)), np.log(b.astype(np.float32))))
print(hashlib.sha256(ours.tobytes()).hexdigest())
print(hashlib.sha256(numpys.tobytes()).hexdigest())
print(opt_func_info(func_name="exp", signature="float32")["exp"]["ff"]["current"])
"""


def test_same_bits_with_and_without_numpys_vector_paths():
    """The functions give the same bits whichever loops numpy picked for this processor.
    numpy's own do not where the processor has vector paths for them (X86_V3, X86_V4): its
    exp and log of float32 (the herd's quality column) are checked alongside, to show it."""
    runs = {}
    for label, extra in (("this machine", {}), ("baseline", NUMPY_BASELINE_ONLY)):
        env = checkout_env(**extra)
        out = subprocess.run(
            [sys.executable, "-c", DIGEST_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs[label] = out.stdout.split()
    ours, numpys, level = zip(*runs.values(), strict=True)
    assert level[1].startswith("baseline")
    assert ours[0] == ours[1]
    if not level[0].startswith("baseline"):  # this machine has a vector exp: numpy's differs
        assert numpys[0] != numpys[1]


def _numpy_maths_calls(tree: ast.AST) -> list[int]:
    """Lines calling one of numpy's transcendental functions (np.exp, np.log, ...)."""
    names = {
        "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "power", "float_power",
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
        "arcsinh", "arccosh", "arctanh", "cbrt", "logaddexp", "logaddexp2",
    }  # fmt: skip
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"np", "numpy"}
        and node.attr in names
    ]


def _unsafe_powers(tree: ast.AST) -> list[int]:
    """Lines with `a ** b` that may reach numpy's power: not two constants, not x ** 2
    (numpy squares), not an integer constant raised (Python's or numpy's integer power)."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)):
            continue
        left, right = node.left, node.right
        if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
            continue
        if isinstance(right, ast.Constant) and right.value == 2:
            continue
        if isinstance(left, ast.Constant) and isinstance(left.value, int):
            continue
        lines.append(node.lineno)
    return lines


def test_the_package_uses_no_processor_dependent_maths():
    """Every exp, log and power in alpaca_abm goes through `portable` (arrays) or Python's
    math module (scalars): none through numpy's ufuncs or a `**` that could reach them."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "portable.py":
            continue
        tree = ast.parse(path.read_text())
        rel = path.relative_to(PACKAGE.parent)
        found += [f"{rel}:{line} numpy maths" for line in _numpy_maths_calls(tree)]
        found += [f"{rel}:{line} a ** b" for line in _unsafe_powers(tree)]
    assert not found, "use alpaca_abm.portable (arrays) or math (scalars):\n" + "\n".join(found)


def test_the_checks_above_find_what_they_look_for():
    """The scan flags numpy's exp and a float power, and leaves x ** 2 and 10 ** n alone."""
    tree = ast.parse("np.exp(a)\nb = a ** 0.5\nc = a ** 2\nd = 10 ** n\ne = 2.0 ** 3\n")
    assert _numpy_maths_calls(tree) == [1]
    assert _unsafe_powers(tree) == [2]
