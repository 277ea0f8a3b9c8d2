"""Samejima's graded response model: item parameters, category probabilities, information.

For an item with categories ``0..K-1``, slope ``a`` and thresholds ``b_1 < ... < b_{K-1}``
(the IRT parameterisation), the probability of answering in category ``k`` *or higher* is

    P*_k(theta) = 1 / (1 + exp(-a (theta - b_k)))      (P*_0 = 1, P*_K = 0)

and the probability of category ``k`` is ``P_k = P*_k - P*_{k+1}`` (Samejima 1969). Internally
the slope-intercept form of R's mirt is used: ``P*_k = logistic(a theta + d_k)`` with
``d_k = -a b_k``.

Item information is ``I_j(theta) = sum_k P_k'(theta)^2 / P_k(theta)`` with
``P_k' = a (W_k - W_{k+1})`` and ``W_k = P*_k (1 - P*_k)`` (Samejima 1969; Baker & Kim 2004,
ch. 8); test information is the sum over items, without the prior, as ``mirt::testinfo``.

The response values of each item (e.g. 1..6) are kept in :attr:`GrmParameters.categories` in
ascending order, so raw answers are mapped to category indices the way mirt does (each item's
observed values, in order, become ``0..K-1``).

References: Samejima, F. (1969). Estimation of latent ability using a response pattern of
graded scores. Psychometrika Monograph 17. Baker, F. B. & Kim, S.-H. (2004). Item Response
Theory: Parameter Estimation Techniques (2nd ed.). Dekker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from servicefit.psychometrics._arrays import FloatArray, as_matrix
from servicefit.psychometrics.errors import InvalidResponseError, KeyMismatchError, ShapeError

__all__ = [
    "MISSING",
    "GrmParameters",
    "category_probabilities",
    "item_information",
    "test_information",
]

#: The code of a missing answer in an integer-coded response matrix.
MISSING = -1

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class GrmParameters:
    """Graded-response-model parameters of ``J`` items.

    ``a`` has shape ``(J,)``; ``b`` has shape ``(J, K_max - 1)`` with the thresholds of an
    item with fewer categories padded by NaN on the right; ``categories[j]`` lists item
    ``j``'s response values in ascending order (``len == K_j``). A negative slope (an item
    that falls as the trait rises, i.e. keyed the wrong way) is allowed, as in mirt.
    """

    a: FloatArray
    b: FloatArray
    categories: tuple[tuple[float, ...], ...]

    def __post_init__(self) -> None:
        a = np.asarray(self.a, dtype=np.float64)
        b = np.atleast_2d(np.asarray(self.b, dtype=np.float64))
        if a.ndim != 1 or b.shape[0] != a.shape[0]:
            raise ShapeError(f"a has {a.shape} and b {b.shape}: one row of b per slope expected")
        if len(self.categories) != a.shape[0]:
            raise ShapeError(f"{len(self.categories)} category lists for {a.shape[0]} items")
        for j, cats in enumerate(self.categories):
            k = len(cats)
            if k < 2 or k - 1 > b.shape[1]:
                raise ShapeError(f"item {j} has {k} categories but {b.shape[1]} threshold columns")
            if list(cats) != sorted(set(cats)):
                raise ShapeError(f"item {j}: categories must be distinct and ascending")
            thresholds = b[j, : k - 1]
            if not np.isfinite(thresholds).all() or np.isfinite(b[j, k - 1 :]).any():
                raise ShapeError(f"item {j}: expected {k - 1} finite thresholds then NaN padding")
            # d_k = -a b_k must fall: thresholds rise for a positive slope (the usual case)
            # and fall for a negative one (an item keyed against the trait).
            if (np.diff(-a[j] * thresholds) >= 0).any():
                raise ShapeError(
                    f"item {j}: thresholds out of order for slope {a[j]:g}: {thresholds}"
                )
        if not (np.isfinite(a).all() and (a != 0).all()):
            raise ShapeError("slopes a must be finite and non-zero")
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "categories", tuple(tuple(map(float, c)) for c in self.categories))

    # ------------------------------------------------------------------ shape
    @property
    def n_items(self) -> int:
        return int(self.a.shape[0])

    @property
    def n_categories(self) -> IntArray:
        """``K_j`` per item."""
        return np.array([len(c) for c in self.categories], dtype=np.int64)

    @property
    def d(self) -> FloatArray:
        """Intercepts ``d_k = -a b_k`` (slope-intercept form, as mirt's ``d1..dk``)."""
        return -self.a[:, None] * self.b

    @classmethod
    def from_intercepts(
        cls, a: ArrayLike, d: ArrayLike, categories: Sequence[Sequence[float]]
    ) -> GrmParameters:
        """Build from slope-intercept parameters (``b_k = -d_k / a``)."""
        a_ = np.asarray(a, dtype=np.float64)
        d_ = np.atleast_2d(np.asarray(d, dtype=np.float64))
        return cls(a=a_, b=-d_ / a_[:, None], categories=tuple(tuple(c) for c in categories))

    def subset(self, items: Sequence[int]) -> GrmParameters:
        """The parameters of the items at ``items`` (in that order)."""
        index = list(items)
        return GrmParameters(
            a=self.a[index], b=self.b[index], categories=tuple(self.categories[i] for i in index)
        )

    # ------------------------------------------------------------------ coding
    def code(self, responses: ArrayLike) -> IntArray:
        """Map raw answers (``N x J``, NaN = missing) to category indices (missing = -1).

        Raises :class:`InvalidResponseError` for a value that is not one of the item's
        categories, naming the item and the value.
        """
        x = as_matrix(responses, name="responses")
        if x.shape[1] != self.n_items:
            raise KeyMismatchError(f"responses have {x.shape[1]} columns for {self.n_items} items")
        coded = np.full(x.shape, MISSING, dtype=np.int64)
        for j, cats in enumerate(self.categories):
            col = x[:, j]
            seen = ~np.isnan(col)
            values = np.asarray(cats)
            pos = np.searchsorted(values, col[seen])
            pos_clipped = np.minimum(pos, len(values) - 1)
            bad = values[pos_clipped] != col[seen]
            if bad.any():
                value = col[seen][bad][0]
                raise InvalidResponseError(
                    f"item {j}: answer {value:g} is not one of its categories {list(cats)}"
                )
            coded[seen, j] = pos_clipped
        return coded

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (``from_dict`` reads it back)."""
        return {
            "a": [float(v) for v in self.a],
            "b": [
                [float(v) for v in row[: len(c) - 1]]
                for row, c in zip(self.b, self.categories, strict=True)
            ],
            "categories": [list(c) for c in self.categories],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GrmParameters:
        """Read the form written by :meth:`to_dict`."""
        try:
            rows = [list(map(float, row)) for row in data["b"]]
            width = max((len(r) for r in rows), default=0)
            b = np.full((len(rows), width), np.nan)
            for j, row in enumerate(rows):
                b[j, : len(row)] = row
            return cls(
                a=np.asarray(data["a"], dtype=np.float64),
                b=b,
                categories=tuple(tuple(c) for c in data["categories"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ShapeError(f"not a GRM parameter set: {exc}") from None


def _cumulative(params: GrmParameters, theta: FloatArray) -> FloatArray:
    """``P*_k`` with the bounds: shape ``(J, K_max + 1, T)``; padding categories get 0."""
    j, width = params.b.shape
    eta = params.a[:, None, None] * theta[None, None, :] + params.d[:, :, None]
    inner = np.where(np.isnan(eta), 0.0, expit(np.nan_to_num(eta, nan=0.0)))
    out = np.zeros((j, width + 2, theta.shape[0]))
    out[:, 0, :] = 1.0
    out[:, 1 : width + 1, :] = inner
    return out


def category_probabilities(params: GrmParameters, theta: ArrayLike) -> FloatArray:
    """``P_k(theta)`` per item: shape ``(J, K_max, T)``, zero for padding categories."""
    t = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    star = _cumulative(params, t)
    return star[:, :-1, :] - star[:, 1:, :]


def item_information(params: GrmParameters, theta: ArrayLike) -> FloatArray:
    """Fisher information of each item at each theta: shape ``(J, T)`` (see module docs)."""
    t = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    star = _cumulative(params, t)
    w = star * (1.0 - star)
    p = star[:, :-1, :] - star[:, 1:, :]
    dp = params.a[:, None, None] * (w[:, :-1, :] - w[:, 1:, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, dp * dp / np.where(p > 0, p, 1.0), 0.0)
    return np.asarray(terms.sum(axis=1))


def test_information(params: GrmParameters, theta: ArrayLike) -> FloatArray:
    """Test information ``sum_j I_j(theta)``: shape ``(T,)`` (as ``mirt::testinfo``)."""
    return np.asarray(item_information(params, theta).sum(axis=0))


test_information.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
