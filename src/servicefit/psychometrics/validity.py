"""Criterion validity: how well a predictor (a score) goes with a job outcome.

* Pearson's ``r`` on the complete pairs (a row with a missing value is dropped).
* A Fisher-z confidence interval ``tanh(atanh(r) ± z_{(1+c)/2} / sqrt(n - 3))``
  (Fisher 1921; e.g. Cohen, Cohen, West & Aiken 2003, sec. 2.8.2).
* Thorndike's (1949) case II correction for direct range restriction on the predictor:
  ``R = U r / sqrt(1 + (U² - 1) r²)`` with ``U = S / s`` the applicant (unrestricted) SD of
  the predictor over its SD among the hired (restricted, the sample SD with ``n - 1``).
  The correction is monotone in ``r``, so it is applied to both interval bounds as well
  (the usual practice; Sackett & Yang 2000). This is R psych's
  ``rangeCorrection(r, sdu, sdr, case = 2)``.

Hired people are a selected group: the observed ``r`` understates the validity among all
applicants, and with few hires the interval is wide. :data:`SMALL_SAMPLE` is the number of
hires under which the product shows a plain-language caution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from servicefit.psychometrics._arrays import constant_columns
from servicefit.psychometrics.errors import InsufficientDataError, PsychometricsError

__all__ = [
    "SMALL_SAMPLE",
    "ValidityResult",
    "criterion_validity",
    "fisher_z_interval",
    "thorndike_case_ii",
]

#: Fewer hires than this: the product cautions that the correlation is not yet trustworthy.
SMALL_SAMPLE = 30


@dataclass(frozen=True, slots=True)
class ValidityResult:
    """Correlation of a predictor with a criterion, with its interval and correction."""

    n: int
    r: float
    ci: tuple[float, float]
    confidence: float
    incumbent_sd: float
    applicant_sd: float | None
    r_corrected: float | None
    ci_corrected: tuple[float, float] | None

    @property
    def small_sample(self) -> bool:
        return self.n < SMALL_SAMPLE


def fisher_z_interval(r: float, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """``tanh(atanh(r) ± z / sqrt(n - 3))``; needs ``n >= 4`` and ``|r| < 1``."""
    if not 0 < confidence < 1:
        raise PsychometricsError(f"confidence must be between 0 and 1, got {confidence}")
    if n < 4:
        raise InsufficientDataError(f"a confidence interval needs at least 4 pairs, got {n}")
    if abs(r) >= 1:
        return (r, r)
    z = float(stats.norm.ppf((1 + confidence) / 2))
    centre = math.atanh(r)
    half = z / math.sqrt(n - 3)
    return (math.tanh(centre - half), math.tanh(centre + half))


def thorndike_case_ii(r: float, *, applicant_sd: float, incumbent_sd: float) -> float:
    """Correct ``r`` for direct range restriction: ``U r / sqrt(1 + (U² - 1) r²)``."""
    if not (applicant_sd > 0 and incumbent_sd > 0):
        raise PsychometricsError(
            f"both standard deviations must be positive (applicant {applicant_sd}, "
            f"incumbent {incumbent_sd})"
        )
    if not -1 <= r <= 1:
        raise PsychometricsError(f"a correlation must lie in [-1, 1], got {r}")
    u = applicant_sd / incumbent_sd
    return u * r / math.sqrt(1 + (u * u - 1) * r * r)


def criterion_validity(
    predictor: ArrayLike,
    criterion: ArrayLike,
    *,
    applicant_sd: float | None = None,
    confidence: float = 0.95,
) -> ValidityResult:
    """Pearson ``r`` of complete pairs, its Fisher-z interval and (if ``applicant_sd``) case II.

    NaN marks a missing value; a pair with either value missing is dropped.
    """
    x = np.asarray(predictor, dtype=float)
    y = np.asarray(criterion, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise PsychometricsError(
            f"predictor and criterion must be 1-D and the same length, got {x.shape} and {y.shape}"
        )
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    if n < 4:
        raise InsufficientDataError(f"need at least 4 complete pairs, got {n}")
    sd_x = float(np.std(x, ddof=1))
    # Compared exactly: n copies of 3.3 have an SD of ~1e-16, not 0, and an "r" of noise.
    flat = constant_columns(np.column_stack([x, y]))
    if flat.any():
        which = "predictor" if flat[0] else "criterion"
        raise InsufficientDataError(f"the {which} does not vary; a correlation is undefined")
    r = float(np.corrcoef(x, y)[0, 1])
    r = max(-1.0, min(1.0, r))
    ci = fisher_z_interval(r, n, confidence=confidence)
    r_corr: float | None = None
    ci_corr: tuple[float, float] | None = None
    if applicant_sd is not None:
        r_corr = thorndike_case_ii(r, applicant_sd=applicant_sd, incumbent_sd=sd_x)
        ci_corr = (
            thorndike_case_ii(ci[0], applicant_sd=applicant_sd, incumbent_sd=sd_x),
            thorndike_case_ii(ci[1], applicant_sd=applicant_sd, incumbent_sd=sd_x),
        )
    return ValidityResult(
        n=n,
        r=r,
        ci=ci,
        confidence=confidence,
        incumbent_sd=sd_x,
        applicant_sd=applicant_sd,
        r_corrected=r_corr,
        ci_corrected=ci_corr,
    )
