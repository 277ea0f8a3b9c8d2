"""Cronbach's alpha, Guttman's lambda 6 and item analysis, matching ``psych::alpha``.

For ``k`` items with covariance matrix ``C`` and correlation matrix ``R``:

* raw alpha (Cronbach 1951): ``k/(k-1) * (1 - tr(C) / sum(C))``
* standardized alpha: ``k/(k-1) * (1 - k / sum(R))``
* Guttman's (1945) lambda 6: ``1 - sum(1 - smc_i) / sum(R)``, with ``smc_i = 1 - 1/(R^-1)_ii``
  the squared multiple correlation of item ``i`` on the others
* alpha if item deleted: raw alpha of the other ``k - 1`` items
* corrected item-total correlation (psych's ``r.drop``):
  ``(sum_j C_ij - C_ii) / sqrt(C_ii * sum(C without row/column i))``
* Feldt (1965) confidence interval (as ``psych::alpha.ci``):
  ``1 - (1 - alpha) * F_(1 - p/2 ; n-1, (n-1)(k-1))`` and
  ``1 - (1 - alpha) * F_(p/2 ; n-1, (n-1)(k-1))``

Missing data: ``missing="pairwise"`` (psych's default) estimates each covariance from the
rows where both items are present; ``"listwise"`` keeps complete rows only. Like psych, the
correlation matrix is ``R = cov2cor(C)``. Items must be keyed (reverse-scored) first,
see :func:`servicefit.psychometrics.reverse_score`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from servicefit.psychometrics._arrays import (
    FloatArray,
    as_matrix,
    constant_columns,
    require_items,
)
from servicefit.psychometrics.covariance import Missing, complete_rows, pairwise_moments
from servicefit.psychometrics.errors import InsufficientDataError, PsychometricsError

__all__ = [
    "AlphaResult",
    "cronbach_alpha",
    "feldt_interval",
    "guttman_lambda6",
    "singular_correlations",
]


@dataclass(frozen=True, slots=True, eq=False)
class AlphaResult:
    """Reliability and item statistics of one scale (arrays have one entry per item)."""

    raw_alpha: float
    std_alpha: float
    g6: float
    average_r: float
    n: int
    n_items: int
    missing: str
    ci_lower: float
    ci_upper: float
    confidence: float
    alpha_if_deleted: FloatArray
    std_alpha_if_deleted: FloatArray
    item_total_r: FloatArray


def _raw_alpha(cov: FloatArray) -> float:
    k = cov.shape[0]
    total = float(cov.sum())
    return (1.0 - float(np.trace(cov)) / total) * k / (k - 1)


def _std_alpha(cor: FloatArray) -> float:
    """NaN when the standardized items cancel out (``sum(R)`` is 0, e.g. two items at
    r = -1): the standardized total has no variance, and the formula divides by it."""
    k = cor.shape[0]
    total = float(cor.sum())
    if total <= 1e-12 * k:
        return math.nan
    return (1.0 - k / total) * k / (k - 1)


def _positive_ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """``numerator / denominator`` where the denominator (a variance) is positive, else NaN:
    a rest score without variance, or pairwise covariances that do not fit together."""
    ok = denominator > 1e-12 * max(float(np.abs(denominator).max(initial=0.0)), 1e-300)
    out = np.full(np.shape(denominator), np.nan)
    np.divide(numerator, denominator, out=out, where=ok)
    return out


def _smc(cor: FloatArray) -> FloatArray:
    try:
        inv = np.linalg.inv(cor)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(cor)
    with np.errstate(divide="ignore", invalid="ignore"):
        smc: FloatArray = 1.0 - 1.0 / np.diag(inv)
    return np.clip(smc, 0.0, 1.0)


def singular_correlations(cor: FloatArray) -> bool:
    """True when ``cor`` is singular or not positive definite (smallest eigenvalue at most
    1e-8 of the largest): then some item is predicted perfectly and its squared multiple
    correlation, hence lambda 6, says nothing about the data. It happens with fewer rows than
    items, an item that is a linear combination of others, or pairwise estimates that do not
    fit together."""
    values = np.linalg.eigvalsh(cor)
    return bool(values[0] <= 1e-8 * max(float(values[-1]), 1.0))


def guttman_lambda6(cor: ArrayLike) -> float:
    """Guttman's (1945) lambda 6 from a correlation matrix: ``1 - sum(1 - smc) / sum(R)``.

    Raises :class:`InsufficientDataError` for a singular or not positive definite matrix
    (:func:`singular_correlations`), where every number it could give would be an artefact.
    """
    r = as_matrix(cor, name="cor")
    if r.shape[0] != r.shape[1]:
        raise PsychometricsError("cor must be square")
    require_items(r)
    if not np.isfinite(r).all():
        raise PsychometricsError("cor must be finite")
    if singular_correlations(r):
        raise InsufficientDataError(
            "lambda 6 is undefined: the correlation matrix is singular or not positive definite"
        )
    k = r.shape[0]
    return 1.0 - (k - float(_smc(r).sum())) / float(r.sum())


def feldt_interval(
    alpha: float, *, n: int, n_items: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Feldt (1965) interval for coefficient alpha, as ``psych::alpha.ci``.

    Returns ``(lower, upper)``. Uses ``F`` quantiles with ``n - 1`` and ``(n - 1)(k - 1)``
    degrees of freedom.
    """
    if n < 2 or n_items < 2:
        raise InsufficientDataError(f"Feldt interval needs n >= 2 and k >= 2 (n={n}, k={n_items})")
    p = 1.0 - confidence
    df1 = n - 1
    df2 = (n - 1) * (n_items - 1)
    lower = 1.0 - (1.0 - alpha) * float(stats.f.ppf(1.0 - p / 2.0, df1, df2))
    upper = 1.0 - (1.0 - alpha) * float(stats.f.ppf(p / 2.0, df1, df2))
    return lower, upper


def cronbach_alpha(
    data: ArrayLike,
    *,
    missing: Missing = "pairwise",
    confidence: float = 0.95,
) -> AlphaResult:
    """Cronbach's alpha (raw and standardized), lambda 6 and item analysis.

    ``data`` is ``(n_people, k_items)`` of keyed responses, NaN = missing. The confidence
    interval is Feldt's; ``n`` is the number of rows with at least one answer (pairwise) or
    the number of complete rows (listwise). ``g6`` is NaN when the correlation matrix is
    singular or not positive definite (:func:`singular_correlations`: e.g. fewer rows than
    items), where lambda 6 would come out as a meaningless value near 1.
    """
    x = as_matrix(data)
    require_items(x)
    moments = pairwise_moments(x, missing=missing)
    cov, cor = moments.cov, moments.cor
    used = complete_rows(x) if missing == "listwise" else x
    flat = constant_columns(used)
    if flat.any() or not np.isfinite(cov).all() or (np.diag(cov) <= 0).any():
        which = f" (item {int(np.argmax(flat))} does not vary)" if flat.any() else ""
        raise InsufficientDataError(f"every item needs a non-zero variance{which}")
    k = cov.shape[0]
    if float(cov.sum()) <= 1e-12 * float(np.trace(cov)):
        raise InsufficientDataError("the total score has no variance (items cancel out)")
    raw = _raw_alpha(cov)
    std = _std_alpha(cor)
    g6 = (
        math.nan
        if singular_correlations(cor)
        else 1.0 - (k - float(_smc(cor).sum())) / float(cor.sum())
    )
    average_r = (float(cor.sum()) - k) / (k * (k - 1))

    total = float(cov.sum())
    col = cov.sum(axis=0)
    diag = np.diag(cov)
    rest_var = total - 2.0 * col + diag  # sum of C without row and column i
    item_total_r = _positive_ratio(col - diag, np.sqrt(np.maximum(diag * rest_var, 0.0)))
    cor_col = cor.sum(axis=0)
    if k > 2:
        trace = float(np.trace(cov))
        alpha_if_deleted = (1.0 - _positive_ratio(trace - diag, rest_var)) * (k - 1) / (k - 2)
        cor_rest = float(cor.sum()) - 2.0 * cor_col + 1.0
        std_alpha_if_deleted = (
            (1.0 - _positive_ratio(np.full(k, k - 1.0), cor_rest)) * (k - 1) / (k - 2)
        )
    else:
        alpha_if_deleted = np.full(k, np.nan)
        std_alpha_if_deleted = np.full(k, np.nan)
    lower, upper = feldt_interval(raw, n=moments.n_rows, n_items=k, confidence=confidence)
    return AlphaResult(
        raw_alpha=raw,
        std_alpha=std,
        g6=g6,
        average_r=average_r,
        n=moments.n_rows,
        n_items=k,
        missing=missing,
        ci_lower=lower,
        ci_upper=upper,
        confidence=confidence,
        alpha_if_deleted=alpha_if_deleted,
        std_alpha_if_deleted=std_alpha_if_deleted,
        item_total_r=item_total_r,
    )
