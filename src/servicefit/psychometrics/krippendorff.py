"""Krippendorff's alpha for nominal, ordinal, interval and ratio data with missing values.

Following Krippendorff (2011), "Computing Krippendorff's alpha-reliability": from the
reliability data (rows = coders, columns = units, NaN = missing) build the coincidence matrix

    o_ck = sum_u (number of c-k pairs of values in unit u) / (m_u - 1)

over the units with ``m_u >= 2`` values, its marginals ``n_c`` and total ``n``, and

    alpha = 1 - (n - 1) * sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck

with the difference functions

* nominal: ``delta2 = 0 if c == k else 1``
* ordinal: ``delta2 = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2``
* interval: ``delta2 = (c - k)^2``
* ratio: ``delta2 = ((c - k) / (c + k))^2``
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from servicefit.psychometrics._arrays import FloatArray, as_matrix
from servicefit.psychometrics.errors import InsufficientDataError, PsychometricsError

__all__ = ["Level", "coincidence_matrix", "krippendorff_alpha"]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


def coincidence_matrix(reliability_data: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return ``(values, o)``: the sorted distinct values and the coincidence matrix."""
    x = as_matrix(reliability_data, name="reliability_data")
    values = np.unique(x[~np.isnan(x)])
    if values.size == 0:
        raise InsufficientDataError("no ratings at all")
    # counts[u, c]: how often value c occurs in unit u
    idx = np.searchsorted(values, np.where(np.isnan(x), values[0], x))
    counts = np.zeros((x.shape[1], values.size))
    present = ~np.isnan(x)
    units = np.broadcast_to(np.arange(x.shape[1]), x.shape)
    np.add.at(counts, (units[present], idx[present]), 1.0)
    m_u = counts.sum(axis=1)
    pairable = m_u >= 2
    counts = counts[pairable]
    m_u = m_u[pairable]
    if counts.shape[0] == 0:
        raise InsufficientDataError("no unit has two or more ratings")
    weighted = counts / (m_u - 1.0)[:, None]
    o = weighted.T @ counts
    o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
    return values, o


def _delta2(values: FloatArray, n_c: FloatArray, level: str) -> FloatArray:
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        return (c != k).astype(np.float64)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            d = ((c - k) / (c + k)) ** 2
        return np.nan_to_num(d, nan=0.0)
    if level == "ordinal":
        cum = np.cumsum(n_c)
        lo = np.minimum.outer(np.arange(values.size), np.arange(values.size))
        hi = np.maximum.outer(np.arange(values.size), np.arange(values.size))
        between = cum[hi] - cum[lo] + n_c[lo]
        return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
    raise PsychometricsError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")


def krippendorff_alpha(reliability_data: ArrayLike, *, level: Level = "nominal") -> float:
    """Krippendorff's alpha (rows = coders, columns = units, NaN = missing rating)."""
    if level not in LEVELS:
        raise PsychometricsError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    values, o = coincidence_matrix(reliability_data)
    if level == "ratio" and (values < 0).any():
        raise PsychometricsError("ratio level needs non-negative values")
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    delta2 = _delta2(values, n_c, level)
    observed = float((o * delta2).sum())
    expected = float((np.outer(n_c, n_c) * delta2).sum())
    if expected == 0.0:
        raise InsufficientDataError("all pairable ratings are identical; alpha is undefined")
    return 1.0 - (n - 1.0) * observed / expected
