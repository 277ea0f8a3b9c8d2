"""The six intraclass correlations of Shrout & Fleiss (1979), as ``psych::ICC(lmer = FALSE)``.

With ``n`` targets rated by the same ``k`` raters, a two-way ANOVA gives the mean squares
between targets ``MSB``, within targets ``MSW``, between raters ``MSJ`` and residual ``MSE``:

* ICC1  (one-way random, single rater):  ``(MSB - MSW) / (MSB + (k-1) MSW)``
* ICC2  (two-way random, absolute agreement, single):
  ``(MSB - MSE) / (MSB + (k-1) MSE + k (MSJ - MSE) / n)``
* ICC3  (two-way mixed, consistency, single): ``(MSB - MSE) / (MSB + (k-1) MSE)``
* ICC1k, ICC2k, ICC3k: the same for the mean of ``k`` raters:
  ``(MSB - MSW)/MSB``, ``(MSB - MSE)/(MSB + (MSJ - MSE)/n)``, ``(MSB - MSE)/MSB``

F tests: ``F = MSB/MSW`` on ``(n-1, n(k-1))`` df for ICC1/ICC1k and ``F = MSB/MSE`` on
``(n-1, (n-1)(k-1))`` df for the others. Confidence bounds follow Shrout & Fleiss (1979),
with the Satterthwaite-type df ``v`` for ICC2 (McGraw & Wong 1996), exactly as psych.

One departure from psych (and pingouin): ICC2k and its bounds are Spearman-Brown
transforms of ICC2, ``k r / (1 + (k - 1) r)``, which has a pole at ``r = -1/(k-1)``. Where
ICC2 lies below it, ICC2k is NaN instead of the positive (often > 1) number the formula
gives; where only ICC2's lower bound does, ICC2k's lower bound is ``-inf`` instead of a
number above its upper bound; an upper bound below it gives NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from servicefit.psychometrics._arrays import as_matrix
from servicefit.psychometrics.errors import InsufficientDataError, PsychometricsError

__all__ = ["ICC_TYPES", "IccForm", "IccResult", "intraclass_correlations"]

ICC_TYPES = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")


@dataclass(frozen=True, slots=True)
class IccForm:
    """One ICC form with its F test and confidence bounds."""

    type: str
    icc: float
    F: float
    df1: float
    df2: float
    p: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class IccResult:
    """All six forms plus the ANOVA mean squares they come from."""

    forms: tuple[IccForm, ...]
    n_targets: int
    n_raters: int
    ms_between: float
    ms_within: float
    ms_raters: float
    ms_error: float
    confidence: float

    def form(self, type: str) -> IccForm:
        """The form named ``type`` (``"ICC1"`` .. ``"ICC3k"``)."""
        for f in self.forms:
            if f.type == type:
                return f
        raise PsychometricsError(f"unknown ICC type {type!r}; expected one of {ICC_TYPES}")


def _icc2_bounds(
    icc2: float, fj: float, msb: float, msj: float, mse: float, n: int, k: int, q: float
) -> tuple[float, float]:
    """Shrout & Fleiss (1979) confidence bounds of ICC2 via Satterthwaite's df ``v``."""
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    f2u = stats.f.ppf(q, n - 1, v)
    f2l = stats.f.ppf(q, v, n - 1)
    denom = k * msj + (k * n - k - n) * mse
    l2 = n * (msb - f2u * mse) / (f2u * denom + n * msb)
    u2 = n * (f2l * msb - mse) / (denom + n * f2l * msb)
    return float(l2), float(u2)


def _ratio(numerator: float, denominator: float, scale: float) -> float:
    """``numerator / denominator``, NaN where the denominator vanishes (rater variance cancels
    the between-target variance: ICC2 is undefined there, not huge)."""
    if abs(denominator) <= 1e-9 * max(abs(scale), 1e-300):
        return float("nan")
    return numerator / denominator


def intraclass_correlations(ratings: ArrayLike, *, confidence: float = 0.95) -> IccResult:
    """Shrout & Fleiss ICCs of ``ratings`` (rows = targets, columns = raters, complete)."""
    x = as_matrix(ratings, name="ratings")
    if np.isnan(x).any():
        raise InsufficientDataError(
            "ICC needs complete ratings (every rater rates every target); "
            "drop incomplete targets or use Krippendorff's alpha"
        )
    n, k = x.shape
    if n < 2 or k < 2:
        raise InsufficientDataError(f"ICC needs at least 2 targets and 2 raters, got {n}x{k}")
    grand = x.mean()
    row_means = x.mean(axis=1)
    col_means = x.mean(axis=0)
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = float(k * ((row_means - grand) ** 2).sum())
    ss_cols = float(n * ((col_means - grand) ** 2).sum())
    ss_error = ss_total - ss_rows - ss_cols
    tiny = 1e-12 * max(ss_total, 1e-300)
    if ss_rows <= tiny:
        raise InsufficientDataError("targets do not differ (no between-target variance)")
    if ss_total - ss_rows <= tiny:
        raise InsufficientDataError(
            "ratings have no residual variance: every rater gave each target the same rating "
            "(perfect agreement, every ICC would be 1); the F tests and bounds are undefined"
        )
    if abs(ss_error) <= tiny:
        raise InsufficientDataError(
            "ratings have no residual variance: the raters differ only by a constant "
            "(perfectly consistent, ICC3 would be 1); the F tests and bounds are undefined"
        )
    msb = ss_rows / (n - 1)
    msw = (ss_total - ss_rows) / (n * (k - 1))
    msj = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))

    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    scale = msb + msj + mse
    icc2 = _ratio(msb - mse, msb + (k - 1) * mse + k * (msj - mse) / n, scale)
    icc3 = (msb - mse) / (msb + (k - 1) * mse)
    icc1k = (msb - msw) / msb
    # ICC2k is Spearman-Brown of ICC2, whose pole lies at ICC2 = -1/(k-1): there the
    # denominator MSB + (MSJ - MSE)/n reaches 0, and below it the formula turns positive, even
    # far above 1 (psych and pingouin print that number). It estimates nothing then: NaN.
    icc2k_denominator = msb + (msj - mse) / n
    icc2k = float("nan") if icc2k_denominator < 0 else _ratio(msb - mse, icc2k_denominator, scale)
    icc3k = (msb - mse) / msb

    f1 = msb / msw
    df1n, df1d = n - 1, n * (k - 1)
    p1 = float(stats.f.sf(f1, df1n, df1d))
    f3 = msb / mse
    df3n, df3d = n - 1, (n - 1) * (k - 1)
    p3 = float(stats.f.sf(f3, df3n, df3d))

    q = 1.0 - (1.0 - confidence) / 2.0
    f1l = f1 / stats.f.ppf(q, df1n, df1d)
    f1u = f1 * stats.f.ppf(q, df1d, df1n)
    l1 = (f1l - 1) / (f1l + (k - 1))
    u1 = (f1u - 1) / (f1u + (k - 1))
    f3l = f3 / stats.f.ppf(q, df3n, df3d)
    f3u = f3 * stats.f.ppf(q, df3d, df3n)
    l3 = (f3l - 1) / (f3l + (k - 1))
    u3 = (f3u - 1) / (f3u + (k - 1))

    fj = msj / mse
    # Where ICC2 is undefined (NaN) its bounds are NaN too; no warnings for the arithmetic.
    with np.errstate(invalid="ignore", divide="ignore"):
        l2, u2 = _icc2_bounds(icc2, fj, msb, msj, mse, n, k, q)

    def mean_of_k(value: float, *, lower: bool) -> float:
        """Spearman-Brown of an ICC2 bound. A bound at or below the pole -1/(k-1) has no
        finite image: a lower bound there means ICC2k is unbounded below (-inf); an upper
        bound there leaves no admissible ICC2k in the interval (NaN). psych and pingouin
        transform it anyway, giving e.g. a lower bound of 5.05 above an upper one of 0.95."""
        if not np.isfinite(value):
            return float(value)
        if 1 + value * (k - 1) <= 0:
            return float("-inf") if lower else float("nan")
        return float(value * k / (1 + value * (k - 1)))

    forms = (
        IccForm("ICC1", icc1, f1, df1n, df1d, p1, float(l1), float(u1)),
        IccForm("ICC2", icc2, f3, df3n, df3d, p3, float(l2), float(u2)),
        IccForm("ICC3", icc3, f3, df3n, df3d, p3, float(l3), float(u3)),
        IccForm("ICC1k", icc1k, f1, df1n, df1d, p1, float(1 - 1 / f1l), float(1 - 1 / f1u)),
        IccForm(
            "ICC2k",
            icc2k,
            f3,
            df3n,
            df3d,
            p3,
            mean_of_k(l2, lower=True),
            mean_of_k(u2, lower=False),
        ),
        IccForm("ICC3k", icc3k, f3, df3n, df3d, p3, float(1 - 1 / f3l), float(1 - 1 / f3u)),
    )
    return IccResult(
        forms=forms,
        n_targets=n,
        n_raters=k,
        ms_between=msb,
        ms_within=msw,
        ms_raters=msj,
        ms_error=mse,
        confidence=confidence,
    )
