"""Covariance and correlation matrices with pairwise-complete or listwise missing data.

Pairwise-complete estimates follow R's ``cov(x, use = "pairwise")``: each entry uses the rows
where both items are present, with means over those rows and divisor ``n_ij - 1``. Computed
with a handful of matrix products instead of a loop over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from servicefit.psychometrics._arrays import FloatArray
from servicefit.psychometrics.errors import InsufficientDataError, PsychometricsError

__all__ = ["Missing", "PairwiseMoments", "complete_rows", "pairwise_moments"]

Missing = Literal["pairwise", "listwise"]


@dataclass(frozen=True, slots=True, eq=False)
class PairwiseMoments:
    """Covariance ``cov``, correlation ``cor`` and pair counts ``n_pairs`` of item columns."""

    cov: FloatArray
    cor: FloatArray
    n_pairs: NDArray[np.float64]
    n_rows: int


def complete_rows(x: FloatArray) -> FloatArray:
    """Rows of ``x`` without any NaN."""
    return x[~np.isnan(x).any(axis=1)]


def pairwise_moments(x: FloatArray, *, missing: Missing = "pairwise") -> PairwiseMoments:
    """Covariance and correlation matrices under the given missing-data option.

    ``cor`` is ``cov2cor(cov)``, as ``psych::alpha`` computes it; with pairwise data this
    differs slightly from R's ``cor(x, use = "pairwise")``, which rescales each pair by its
    own pair-complete standard deviations.
    """
    if missing not in ("pairwise", "listwise"):
        raise PsychometricsError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    if missing == "listwise":
        x = complete_rows(x)
    mask = ~np.isnan(x)
    n_rows = int(mask.any(axis=1).sum())
    if mask.all():
        n = x.shape[0]
        if n < 2:
            raise InsufficientDataError(f"need at least 2 complete rows, got {n}")
        centred = x - x.mean(axis=0)
        cov = centred.T @ centred / (n - 1)
        sd = np.sqrt(np.diag(cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            cor = cov / np.outer(sd, sd)
        np.fill_diagonal(cor, 1.0)
        return PairwiseMoments(cov=cov, cor=cor, n_pairs=np.full(cov.shape, float(n)), n_rows=n)
    m = mask.astype(np.float64)
    x0 = np.where(mask, x, 0.0)
    n_ij = m.T @ m
    if (n_ij < 2).any():
        raise InsufficientDataError("some pair of items has fewer than 2 rows answered together")
    s_i = x0.T @ m  # s_i[i, j]: sum of item i over rows where j is present
    s_ij = x0.T @ x0
    cross = s_ij - s_i * s_i.T / n_ij
    cov = cross / (n_ij - 1.0)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        cor = cov / np.outer(sd, sd)
    np.fill_diagonal(cor, 1.0)
    return PairwiseMoments(cov=cov, cor=cor, n_pairs=n_ij, n_rows=n_rows)
