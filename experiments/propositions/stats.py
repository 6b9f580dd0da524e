"""The statistics of the validation: paired effects beyond the arithmetic, power, judgements.

Every function here is plain arrays in, plain numbers or words out, so that
tests/test_propositions.py can feed it synthetic data whose verdict is known.

Judging one outcome (fixed before the run):

- the **effect** is the mean over seeds of the paired difference arm - reference;
- the **arithmetic baseline** is, per seed, the difference the manipulated formula alone
  predicts (zero where the formula does not enter the outcome);
- the **excess** (what the model adds) is effect - baseline, per seed, with a 95% t-interval;
- an outcome is **underpowered** when the pilot says the design's seeds give less than 80%
  power at its smallest effect of interest (SESOI): it can neither support nor contradict;
- otherwise it **supports** when the excess's interval excludes zero in the expected direction
  and its mean reaches the SESOI, **contradicts** the same in the other direction,
  is **negligible** when the interval excludes zero below the SESOI, shows **no effect** when
  the interval lies inside (-SESOI, +SESOI), and is **inconclusive** otherwise.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

POWER = 0.8  # power to detect the SESOI, two-sided 5% level
ALPHA = 0.05
SEEDS_CAP = 1000  # the power calculation stops counting here

SUPPORTS, CONTRADICTS = "supports", "contradicts"
NEGLIGIBLE, NO_EFFECT, INCONCLUSIVE = "negligible", "no effect", "inconclusive"
UNDERPOWERED = "underpowered"
UNINFORMATIVE = "uninformative"  # a primary outcome of a contrast whose check failed
JUDGEMENTS = (
    SUPPORTS, CONTRADICTS, NEGLIGIBLE, NO_EFFECT, INCONCLUSIVE, UNDERPOWERED, UNINFORMATIVE
)  # fmt: skip


def interval(x: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Mean of `x` (NaNs dropped) with its t-interval, sd and n."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2:
        m = float(x.mean()) if n else np.nan
        return {"n": n, "mean": m, "lo": np.nan, "hi": np.nan, "sd": np.nan}
    m, sd = float(x.mean()), float(x.std(ddof=1))
    half = stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)
    return {"n": n, "mean": m, "lo": m - half, "hi": m + half, "sd": sd}


def paired(
    arm: np.ndarray, reference: np.ndarray, baseline: np.ndarray | None = None
) -> dict[str, float]:
    """Paired effect arm - reference over seeds, the arithmetic baseline and the excess.

    Returns n, the two arms' means (`a`, `b`), the effect (`diff`, `lo`, `hi`), the baseline's
    mean (`base`), the excess (`excess`, `ex_lo`, `ex_hi`, `ex_sd`: the sd of the per-seed
    excess, which the power calculation reads). A seed missing in either arm is dropped."""
    a, b = np.asarray(arm, float), np.asarray(reference, float)
    base = np.zeros_like(a) if baseline is None else np.asarray(baseline, float)
    ok = np.isfinite(a) & np.isfinite(b) & np.isfinite(base)
    d, e = interval(a[ok] - b[ok]), interval(a[ok] - b[ok] - base[ok])
    return {
        "n": d["n"],
        "a": float(a[ok].mean()) if ok.any() else np.nan,
        "b": float(b[ok].mean()) if ok.any() else np.nan,
        "diff": d["mean"],
        "lo": d["lo"],
        "hi": d["hi"],
        "base": float(base[ok].mean()) if ok.any() else np.nan,
        "excess": e["mean"],
        "ex_lo": e["lo"],
        "ex_hi": e["hi"],
        "ex_sd": e["sd"],
    }


def seeds_needed(
    sd: float, sesoi: float, power: float = POWER, alpha: float = ALPHA, cap: int = SEEDS_CAP
) -> int:
    """Seeds a paired t-test needs to detect a mean `sesoi` with `power`, given the sd of the
    per-seed differences (iterated t-quantiles; at least 2). -1 when undefined."""
    if not (np.isfinite(sd) and np.isfinite(sesoi)) or sesoi <= 0:
        return -1
    if sd == 0:
        return 2
    for n in range(2, cap):
        t_a = stats.t.ppf(1 - alpha / 2, n - 1)
        t_b = stats.t.ppf(power, n - 1)
        if n >= ((t_a + t_b) * sd / sesoi) ** 2:
            return n
    return cap


def powered(needed: int, n: int) -> bool:
    """Whether `n` seeds reach the power the pilot asked for (`needed` from seeds_needed)."""
    return 0 < needed <= n


def judge(mean: float, lo: float, hi: float, sign: int, sesoi: float, is_powered: bool) -> str:
    """One outcome's judgement from its excess and interval (module docstring)."""
    if not is_powered:
        return UNDERPOWERED
    if not (np.isfinite(lo) and np.isfinite(hi) and np.isfinite(sesoi)):
        return INCONCLUSIVE
    if lo > 0 or hi < 0:
        if abs(mean) < sesoi:
            return NEGLIGIBLE
        return SUPPORTS if np.sign(mean) == sign else CONTRADICTS
    if -sesoi < lo and hi < sesoi:
        return NO_EFFECT
    return INCONCLUSIVE


def check_passes(mean: float, lo: float, hi: float, sign: int, sesoi: float) -> bool:
    """A manipulation check passes when the intervention moved what it was meant to move, in
    the expected direction and by at least its SESOI (a change nobody would notice fails)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return False
    beyond = lo > 0 if sign > 0 else hi < 0
    return bool(beyond and abs(mean) >= sesoi)


def verdict(judgements: list[str], failed_checks: list[str] = ()) -> str:
    """A proposition's verdict from its primary outcomes' judgements.

    A primary outcome of a contrast whose manipulation check failed is `uninformative` and
    counts for nothing (the verdict names the failed checks); an `underpowered` one cannot
    support or contradict. Of the rest: Supported (every informative outcome supports, none
    underpowered), Partly supported (some support, none contradicts), Mixed (some of each),
    Contradicted (some contradict, none supports), Not supported (none supports or
    contradicts); Underpowered when none is powered; Uninformative when none is informative.
    """
    informative = [j for j in judgements if j != UNINFORMATIVE]
    failed = ", ".join(failed_checks)
    if not informative:
        return f"Uninformative (manipulation check failed: {failed})" if failed else "Uninformative"
    note = f" (uninformative where a check failed: {failed})" if failed else ""
    usable = [j for j in informative if j != UNDERPOWERED]
    if not usable:
        return "Underpowered" + note
    sup, con = usable.count(SUPPORTS), usable.count(CONTRADICTS)
    if sup and con:
        v = "Mixed"
    elif con:
        v = "Contradicted"
    elif sup == len(informative):
        v = "Supported"
    elif sup:
        v = "Partly supported"
    else:
        v = "Not supported"
    return v + note
