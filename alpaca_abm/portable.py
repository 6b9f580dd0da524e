"""exp, log and power that give the same bits on every machine, for the model's arithmetic.

numpy picks its exp, log, power (and the other transcendental functions) at import from the
processor's vector instructions (AVX2, AVX-512 or neither), and the versions round
differently in the last bit. One such bit changes a comparison, a sale or a choice of
partner, and from there the run: the same parameters and seed gave other tables on a
machine without AVX-512 than on one with it, and other tables again with numpy's vector
paths switched off (NPY_DISABLE_CPU_FEATURES). The functions here are written only in the
operations IEEE 754 rounds exactly (+, -, x, /, rint, frexp, ldexp), which every machine
carries out alike, so a run is a function of its parameters and seed wherever it runs.

The algorithms are the classic ones of Sun's fdlibm (range reduction by ln 2, a rational
approximation of exp on [-ln2/2, ln2/2] and a polynomial in s = f/(2+f) for log), with its
published coefficients: within one unit in the last place (checked against Python's `math`
module in tests/test_portable.py). `power` is exp(y log x), within 1e-12 relative for the
model's bases in (0, 1] and exponents up to a few hundred; a scalar base takes Python's
log, as scalars elsewhere in the model take Python's `math` (the C library's: the same
wherever the same C library runs, as numpy's random distributions need anyway). Arrays
are worked in chunks that stay in the processor's cache, in working rows kept between
calls. They take about twice numpy's time
(three times for log): a run of 1,500 breeders spends about 7% of its time in them, and
runs about 5% slower than with numpy's (benchmarks/bench_ab.py, 2026-12-07).
"""

from __future__ import annotations

import math
import threading

import numpy as np

# fdlibm's split of ln 2: LN2_HI has its low 21 bits zero, so k * LN2_HI is exact for |k| < 2**21
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e00
# exp(x) overflows above EXP_MAX and is 0 below EXP_MIN (the bounds of float64)
EXP_MAX = 7.09782712893383973096e02
EXP_MIN = -7.45133219101941108420e02
EXP_NORMAL = -7.08396418532264106224e02  # below it e**x is subnormal
EXP_SCALED = 709.0  # up to it 2**k (k = rint(x / ln 2) <= 1023) is a normal number
# fdlibm e_exp.c: R(r^2) = r^2 (P1 + r^2 (P2 + ...)), the rational part of exp on |r| <= ln2/2
EXP_P = (
    1.66666666666666019037e-01,
    -2.77777777770155933842e-03,
    6.61375632143793436117e-05,
    -1.65339022054652515390e-06,
    4.13813679705723846039e-08,
)
# fdlibm e_log.c: log(1+f) = f - f^2/2 + s (f^2/2 + R(z)), s = f/(2+f), z = s^2
LOG_LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)
SQRT_HALF = 0.70710678118654752440


CHUNK = 32_768  # elements worked at a time: their working rows stay in the processor's cache
_SCRATCH = threading.local()  # each thread its own working rows (runs in threads share none)


def _scratch(n: int, rows: int) -> list[np.ndarray]:
    """`rows` float64 working arrays of length n <= CHUNK, in memory kept between calls
    (fresh temporaries cost more in page faults than the arithmetic on them)."""
    buffer = getattr(_SCRATCH, "buffer", None)
    if buffer is None:
        buffer = _SCRATCH.buffer = np.empty((8, CHUNK))
    return [buffer[i, :n] for i in range(rows)]


def _chunked(kernel, x: np.ndarray | float) -> np.ndarray | np.float64:
    """`kernel(part, out)` over x in chunks of CHUNK elements (elementwise: the same result
    as at once), in the input's shape; a numpy scalar for a scalar (as numpy's own)."""
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(-1)
    out = np.empty(len(flat))
    for start in range(0, len(flat), CHUNK):
        kernel(flat[start : start + CHUNK], out[start : start + CHUNK])
    out = out.reshape(x.shape)
    return out[()] if out.ndim == 0 else out


def exp(x: np.ndarray | float) -> np.ndarray | np.float64:
    """e**x, elementwise; inf above EXP_MAX, 0 below EXP_MIN, NaN for NaN."""
    return _chunked(_exp_into, x)


def _exp_into(flat: np.ndarray, y: np.ndarray) -> None:
    """e**flat into y (one chunk)."""
    n = len(flat)
    inside = n and EXP_NORMAL <= flat.min() and flat.max() <= EXP_SCALED  # (not NaN)
    # y is the result; until it is formed, the clipped x
    if inside:
        xc = flat
    else:  # NaN to EXP_MIN (set right at the end)
        xc = np.fmin(np.fmax(flat, EXP_MIN, out=y), EXP_MAX, out=y)
    k, hi, lo, r, t, c = _scratch(n, 6)
    # in place, operation for operation the expressions in the comments (the same roundings)
    np.multiply(xc, INV_LN2, out=k)
    np.rint(k, out=k)  # x = k ln2 + r, |r| <= ln2/2
    np.multiply(k, -LN2_HI, out=hi)  # hi = x - k LN2_HI (exact)
    hi += xc
    np.multiply(k, LN2_LO, out=lo)
    np.subtract(hi, lo, out=r)
    np.multiply(r, r, out=t)
    p1, p2, p3, p4, p5 = EXP_P
    np.multiply(t, p5, out=c)  # c = r - t (p1 + t (p2 + t (p3 + t (p4 + t p5))))
    for coefficient in (p4, p3, p2, p1):
        c += coefficient
        c *= t
    np.subtract(r, c, out=c)
    np.multiply(r, c, out=y)  # y = 1 - ((lo - (r c) / (2 - c)) - hi) = e**r
    np.subtract(2.0, c, out=c)
    y /= c
    np.subtract(lo, y, out=y)
    y -= hi
    np.subtract(1.0, y, out=y)
    if inside:  # times 2**k, a normal number built from its bits (numpy's ldexp is slower)
        bits = t.view(np.int64)
        np.copyto(bits, k, casting="unsafe")  # (k is a whole number: exact)
        bits += 1023
        bits <<= 52
        y *= bits.view(np.float64)  # (exact: the product is normal)
        return
    whole = k.astype(np.int32)
    half = whole // 2  # 2**k in two steps: the first exact, the second rounds once (subnormals)
    with np.errstate(under="ignore"):  # (a subnormal or zero result is the answer)
        y[:] = np.ldexp(np.ldexp(y, half), whole - half)
    y[flat > EXP_MAX] = np.inf
    y[flat < EXP_MIN] = 0.0
    y[np.isnan(flat)] = np.nan


def log(x: np.ndarray | float) -> np.ndarray | np.float64:
    """Natural logarithm, elementwise; -inf at 0, NaN below 0 and for NaN, inf at inf."""
    return _chunked(_log_into, x)


def _log_into(flat: np.ndarray, y: np.ndarray) -> None:
    """The natural logarithm of flat into y (one chunk)."""
    n = len(flat)
    m, k, f, s, z, w, odd, even = _scratch(n, 8)
    e = w.view(np.int32)[:n]  # (w is not needed before e is used up)
    low = even.view(np.bool_)[:n]
    with np.errstate(invalid="ignore", divide="ignore"):  # 0, negatives, inf: set below
        np.frexp(flat, out=(m, e))  # x = m 2**e, m in [0.5, 1): exact
        np.copyto(k, e)
        np.less(m, SQRT_HALF, out=low)  # m into [sqrt(1/2), sqrt(2)): f = m - 1 is small
        np.add(low, 1.0, out=odd)
        m *= odd  # (times 1 or 2: exact)
        k -= low
        np.subtract(m, 1.0, out=f)  # (exact: m is within a factor of two of 1)
        np.add(f, 2.0, out=s)  # s = f / (2 + f)
        np.divide(f, s, out=s)
        np.multiply(s, s, out=z)
        np.multiply(z, z, out=w)
        g1, g2, g3, g4, g5, g6, g7 = LOG_LG
        np.multiply(w, g7, out=odd)  # r = z (g1 + w (g3 + w (g5 + w g7))) + w (g2 + w (g4 + w g6))
        np.multiply(w, g6, out=even)
        for coefficient in (g5, g3):
            odd += coefficient
            odd *= w
        odd += g1
        odd *= z
        for coefficient in (g4, g2):
            even += coefficient
            even *= w
        odd += even
        hfsq = m  # (m is used up) hfsq = 0.5 f f
        np.multiply(f, f, out=hfsq)
        hfsq *= 0.5
        odd += hfsq  # y = k LN2_HI - ((hfsq - (s (hfsq + r) + k LN2_LO)) - f)
        odd *= s
        np.multiply(k, LN2_LO, out=even)
        odd += even
        np.subtract(hfsq, odd, out=odd)
        odd -= f
        np.multiply(k, LN2_HI, out=y)
        y -= odd
    if not (n and flat.min() > 0.0 and flat.max() < np.inf):  # (NaN: not so) as IEEE 754 has them
        y[flat == 0.0] = -np.inf
        y[~(flat >= 0.0)] = np.nan  # negatives and NaN
        y[flat == np.inf] = np.inf


def power(base: np.ndarray | float, exponent: np.ndarray | float) -> np.ndarray | np.float64:
    """base**exponent for base >= 0, elementwise (broadcast): exp(exponent log base), with
    x**0 = 1, 1**y = 1, 0**y = 0 for y > 0 and inf for y < 0; NaN for a negative base."""
    b = np.asarray(base, dtype=np.float64)
    y = np.asarray(exponent, dtype=np.float64)
    if b.ndim == 0 and 0.0 < b < np.inf:  # a scalar base: Python's log, as for other scalars
        log_base = math.log(b)
    else:
        log_base = log(b)
    with np.errstate(invalid="ignore"):  # 0 x inf: set below
        product = y * log_base
    out = np.asarray(exp(product))  # (0**y: exp(-inf) = 0 for y > 0, exp(inf) = inf below)
    if np.isnan(product).any():  # 0 x inf: x**0 and 1**y are 1 (as IEEE 754's pow has them)
        b, y = np.broadcast_arrays(b, y)
        out[(y == 0.0) | (b == 1.0)] = 1.0
    return out[()] if out.ndim == 0 else out
