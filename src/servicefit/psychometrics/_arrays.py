"""Private input validation shared by the statistics modules."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from servicefit.psychometrics.errors import InsufficientDataError, ShapeError

FloatArray = NDArray[np.float64]


def as_matrix(data: ArrayLike, *, name: str = "data") -> FloatArray:
    """Return ``data`` as a 2-D float64 array (NaN = missing) or raise :class:`ShapeError`."""
    try:
        x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ShapeError(f"{name} must be numeric: {exc}") from None
    if x.ndim != 2:
        raise ShapeError(f"{name} must be 2-D (rows x columns), got {x.ndim}-D")
    if np.isinf(x).any():
        raise ShapeError(f"{name} contains infinite values")
    return x


def as_vector(data: ArrayLike, *, name: str = "data") -> FloatArray:
    """Return ``data`` as a 1-D float64 array or raise :class:`ShapeError`."""
    try:
        x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ShapeError(f"{name} must be numeric: {exc}") from None
    if x.ndim != 1:
        raise ShapeError(f"{name} must be 1-D, got {x.ndim}-D")
    return x


def require_items(x: FloatArray, *, minimum: int = 2, what: str = "items") -> None:
    """Raise :class:`InsufficientDataError` if ``x`` has fewer than ``minimum`` columns."""
    if x.shape[1] < minimum:
        raise InsufficientDataError(f"need at least {minimum} {what}, got {x.shape[1]}")


def as_float(value: Any) -> float:
    """Convert a numpy scalar to a plain ``float`` (for dataclass fields and JSON)."""
    return float(value)


def constant_columns(x: FloatArray) -> NDArray[np.bool_]:
    """True for each column whose answered values are all equal (or that has none).

    Compared exactly, not through the variance: a column of 3.3 has a computed variance of
    about 1e-32, not 0 (its mean is not exactly 3.3), which a ``var > 0`` test lets through
    and which then gives correlations of pure rounding noise.
    """
    if x.shape[0] == 0:
        return np.ones(x.shape[1], dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column
        top = np.nanmax(x, axis=0)
        bottom = np.nanmin(x, axis=0)
    return np.asarray(~(top > bottom))
