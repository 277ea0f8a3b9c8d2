"""Cohen's weighted kappa between two raters on an ordinal scale.

With observed proportions ``O[i, j]`` (rater 1 gave category i, rater 2 category j), expected
proportions ``E = outer(row margins, column margins)`` and disagreement weights ``w[i, j]``
(``|i - j|`` linear, ``(i - j)**2`` quadratic, ``i != j`` unweighted)::

    kappa_w = 1 - sum(w * O) / sum(w * E)

Reference: Cohen, J. (1968). Weighted kappa: nominal scale agreement with provision for scaled
disagreement or partial credit. *Psychological Bulletin*, 70(4), 213–220.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from servicefit.psychometrics.errors import InsufficientDataError, InvalidResponseError

__all__ = ["weighted_kappa", "weighted_kappa_from_counts"]

Weights = Literal["quadratic", "linear", "none"]


def weighted_kappa(
    rater1: ArrayLike,
    rater2: ArrayLike,
    *,
    categories: ArrayLike,
    weights: Weights = "quadratic",
) -> float:
    """Weighted kappa of paired ratings (pairs with a missing rating are dropped).

    ``categories`` lists the ordered scale points (e.g. ``range(1, 6)``). Returns NaN when both
    raters used a single, identical category (kappa is undefined there).
    """
    a = np.asarray(rater1, dtype=np.float64).ravel()
    b = np.asarray(rater2, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise InvalidResponseError(
            f"the raters have {a.size} and {b.size} ratings; they must be paired"
        )
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if a.size < 2:
        raise InsufficientDataError("weighted kappa needs at least two rated pairs")
    scale = np.asarray(categories, dtype=np.float64).ravel()
    index = {value: i for i, value in enumerate(scale)}
    try:
        ia = np.array([index[v] for v in a])
        ib = np.array([index[v] for v in b])
    except KeyError as exc:
        raise InvalidResponseError(f"rating {exc.args[0]:g} is not one of the categories") from None
    k = scale.size
    observed = np.zeros((k, k))
    np.add.at(observed, (ia, ib), 1.0)
    return weighted_kappa_from_counts(observed, weights=weights)


def weighted_kappa_from_counts(counts: ArrayLike, *, weights: Weights = "quadratic") -> float:
    """Weighted kappa from a k×k table of counts (``counts[i, j]``: rater 1 gave category i,
    rater 2 category j, categories in scale order).

    The same statistic as :func:`weighted_kappa`, for callers that count the pairs where they
    are stored (a database's GROUP BY) instead of holding every pair. Returns NaN when both
    raters used a single, identical category.
    """
    observed = np.asarray(counts, dtype=np.float64)
    if observed.ndim != 2 or observed.shape[0] != observed.shape[1]:
        raise InvalidResponseError(f"the table of counts must be square, got {observed.shape}")
    if (observed < 0).any():
        raise InvalidResponseError("the table of counts has a negative count")
    total = observed.sum()
    if total < 2:
        raise InsufficientDataError("weighted kappa needs at least two rated pairs")
    k = observed.shape[0]
    observed = observed / total
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.indices((k, k))
    if weights == "quadratic":
        w = (i - j) ** 2.0
    elif weights == "linear":
        w = np.abs(i - j).astype(np.float64)
    elif weights == "none":
        w = (i != j).astype(np.float64)
    else:
        raise InvalidResponseError(
            f"weights must be 'quadratic', 'linear' or 'none', got {weights!r}"
        )
    denominator = float((w * expected).sum())
    if denominator == 0:
        return float("nan")
    return 1.0 - float((w * observed).sum()) / denominator
