"""Fisher's exact test on a 2x2 table, with R's conditional maximum-likelihood odds ratio.

The p-values come from :func:`scipy.stats.fisher_exact` (the two-sided p sums the tables
no more probable than the observed one, as R does). The conditional MLE of the odds ratio
solves ``E[X | ncp] = x`` under the noncentral hypergeometric distribution
(Fisher 1935; R's ``fisher.test``). R finds that root with ``uniroot`` at its default
tolerance (``eps^0.25``), so its estimate is only accurate to about 1e-5; to reproduce R's
printed value exactly we use the same Brent (1973) ``zeroin`` iteration with the same
tolerance, brackets and stopping rule.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from servicefit.psychometrics.errors import PsychometricsError

__all__ = ["FisherResult", "fisher_exact_test"]

_EPS = sys.float_info.epsilon
_R_UNIROOT_TOL = _EPS**0.25


@dataclass(frozen=True, slots=True)
class FisherResult:
    """Two-sided and one-sided p-values and the conditional MLE odds ratio."""

    p_two_sided: float
    p_less: float
    p_greater: float
    odds_ratio: float


def _zeroin(
    f: Callable[[float], float], ax: float, bx: float, *, tol: float, maxit: int = 1000
) -> float:
    """Brent's root finder, a line-by-line port of R's ``R_zeroin2`` (as ``uniroot``)."""
    a, b = ax, bx
    fa, fb = f(a), f(b)
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(maxit + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


def _conditional_mle(table: np.ndarray) -> float:
    x = int(table[0, 0])
    m = int(table[:, 0].sum())
    n = int(table[:, 1].sum())
    k = int(table[0, :].sum())
    lo, hi = max(0, k - n), min(k, m)
    support = np.arange(lo, hi + 1)
    logdc = stats.hypergeom.logpmf(support, m + n, m, k)

    def mean_at(ncp: float) -> float:
        if ncp == 0:
            return float(lo)
        if math.isinf(ncp):
            return float(hi)
        d = logdc + math.log(ncp) * support
        d = np.exp(d - d.max())
        return float((support * d).sum() / d.sum())

    if x == lo:
        return 0.0
    if x == hi:
        return math.inf
    mu = mean_at(1.0)
    if mu > x:
        return _zeroin(lambda t: mean_at(t) - x, 0.0, 1.0, tol=_R_UNIROOT_TOL)
    if mu < x:
        root = _zeroin(lambda t: mean_at(1.0 / t) - x, _EPS, 1.0, tol=_R_UNIROOT_TOL)
        return 1.0 / root
    return 1.0


def fisher_exact_test(table: ArrayLike) -> FisherResult:
    """Fisher's exact test of a 2x2 table of non-negative counts."""
    t = np.asarray(table)
    if t.shape != (2, 2) or (t < 0).any() or not np.array_equal(t, np.round(t)):
        raise PsychometricsError("Fisher's exact test needs a 2x2 table of non-negative counts")
    t = t.astype(np.int64)
    return FisherResult(
        p_two_sided=float(stats.fisher_exact(t, alternative="two-sided").pvalue),
        p_less=float(stats.fisher_exact(t, alternative="less").pvalue),
        p_greater=float(stats.fisher_exact(t, alternative="greater").pvalue),
        odds_ratio=_conditional_mle(t),
    )
