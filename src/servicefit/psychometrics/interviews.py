"""Structured-interview ratings: aggregation across interviewers and outlying raters.

Ratings are a ``(candidates, interviewers, competencies)`` array with NaN where an
interviewer did not rate a competency. :func:`aggregate_ratings` reports, per candidate and
competency, the mean rating, its SD (ddof = 1, NaN with one rater) and the number of raters.

:func:`rater_deviation` looks at one competency (``targets x raters``): for rater ``j`` the
mean absolute deviation from the other raters' mean on the same targets,

    MAD_j = mean_i | x_ij - mean_{l != j} x_il |

over targets with at least one other rating, and the correlation of ``x_.j`` with the
others' mean. A rater whose MAD exceeds ``threshold`` scale points is flagged for a
calibration talk, never silently dropped. Agreement itself is measured with
:func:`~servicefit.psychometrics.intraclass_correlations` or
:func:`~servicefit.psychometrics.krippendorff_alpha`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from servicefit.psychometrics._arrays import FloatArray, as_matrix
from servicefit.psychometrics.errors import InsufficientDataError, ShapeError

__all__ = ["AggregatedRatings", "RaterDeviation", "aggregate_ratings", "rater_deviation"]


@dataclass(frozen=True, slots=True, eq=False)
class AggregatedRatings:
    """Per candidate x competency: mean, SD and number of interviewers who rated."""

    mean: FloatArray
    sd: FloatArray
    n_raters: NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class RaterDeviation:
    """Per rater: mean absolute deviation from the others, correlation, flag."""

    mean_abs_deviation: FloatArray
    correlation_with_others: FloatArray
    n_targets: NDArray[np.int64]
    flagged: NDArray[np.bool_]
    threshold: float


def aggregate_ratings(ratings: ArrayLike) -> AggregatedRatings:
    """Aggregate ``(candidates, interviewers, competencies)`` ratings over interviewers."""
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 3:
        raise ShapeError("ratings must be (candidates, interviewers, competencies)")
    present = ~np.isnan(x)
    n = present.sum(axis=1)
    total = np.where(present, x, 0.0).sum(axis=1)
    mean = np.full(n.shape, np.nan)
    np.divide(total, n, out=mean, where=n > 0)
    sq = np.where(present, (x - mean[:, None, :]) ** 2, 0.0).sum(axis=1)
    sd = np.full(n.shape, np.nan)
    np.divide(sq, n - 1, out=sd, where=n > 1)
    return AggregatedRatings(mean=mean, sd=np.sqrt(sd), n_raters=n.astype(np.int64))


def rater_deviation(ratings: ArrayLike, *, threshold: float = 1.0) -> RaterDeviation:
    """Flag raters far from the others (``ratings``: targets x raters, NaN = not rated)."""
    x = as_matrix(ratings, name="ratings")
    if x.shape[1] < 3:
        raise InsufficientDataError("flagging an outlying rater needs at least 3 raters")
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    row_sum = filled.sum(axis=1, keepdims=True)
    row_n = present.sum(axis=1, keepdims=True)
    others_n = row_n - present
    with np.errstate(invalid="ignore", divide="ignore"):
        others_mean = (row_sum - filled) / others_n
    usable = present & (others_n > 0)
    dev = np.where(usable, np.abs(x - others_mean), 0.0)
    n_targets = usable.sum(axis=0)
    mad = np.full(x.shape[1], np.nan)
    np.divide(dev.sum(axis=0), n_targets, out=mad, where=n_targets > 0)
    corr = np.full(x.shape[1], np.nan)
    for j in range(x.shape[1]):
        rows = usable[:, j]
        if rows.sum() >= 3:
            a, b = x[rows, j], others_mean[rows, j]
            if a.std() > 0 and b.std() > 0:
                corr[j] = float(np.corrcoef(a, b)[0, 1])
    return RaterDeviation(
        mean_abs_deviation=mad,
        correlation_with_others=corr,
        n_targets=n_targets.astype(np.int64),
        flagged=np.nan_to_num(mad, nan=0.0) > threshold,
        threshold=threshold,
    )
