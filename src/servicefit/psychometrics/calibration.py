"""Calibrating the graded response model: marginal maximum likelihood by EM (Bock & Aitkin).

The trait is integrated out on fixed quadrature (61 points on [-6, 6], standard normal
weights; :mod:`.quadrature`), exactly as R ``mirt(x, 1, itemtype = "graded")`` does by default:

* **E-step.** For every distinct response pattern ``u`` with frequency ``f_u``, the
  posterior weight of node ``q`` is ``L_u(theta_q) w_q / sum_q' L_u(theta_q') w_q'``, and the
  expected number of people at node ``q`` answering item ``j`` in category ``k`` is
  ``r_jkq = sum_u f_u [u_j = k] posterior_uq``. Missing answers contribute nothing (they are
  ignorable under missing at random), so incomplete rows are used as they are.
* **M-step.** Each item's slope-intercept parameters ``(a, d_1 .. d_{K-1})`` maximise
  ``sum_q sum_k r_jkq log P_jk(theta_q)`` by Fisher scoring with step halving; items with the
  same number of categories are solved together as one batch of small linear systems.
* **Convergence.** EM stops when no parameter (``a`` or ``d``) changed by more than ``tol``
  (1e-4, mirt's ``TOL``) in a cycle. Every third cycle the step is extrapolated as in Ramsay
  (1975), mirt's default ``accelerate = "Ramsay"``.
* **Log-likelihood.** ``sum_u f_u log sum_q L_u(theta_q) w_q`` at the final parameters
  (mirt's ``logLik``).

Each item's categories are its observed response values in ascending order (mirt's
recoding); the fitted parameters are returned in the IRT parameterisation ``b_k = -d_k / a``.

References: Bock, R. D. & Aitkin, M. (1981). Marginal maximum likelihood estimation of item
parameters: application of an EM algorithm. Psychometrika 46, 443-459. Ramsay, J. O. (1975).
Solving implicit equations in psychological measurement. Psychometrika 40, 337-360.
Chalmers, R. P. (2012). mirt: a multidimensional item response theory package for the R
environment. Journal of Statistical Software 48(6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, ndtri

from servicefit.psychometrics._arrays import FloatArray, as_matrix
from servicefit.psychometrics.errors import InsufficientDataError, ShapeError
from servicefit.psychometrics.grm import GrmParameters
from servicefit.psychometrics.quadrature import (
    DEFAULT_LIMITS,
    DEFAULT_POINTS,
    category_offsets,
    indicator_matrix,
    normal_quadrature,
)

__all__ = ["GrmFit", "fit_grm"]

_TINY = 1e-300


@dataclass(frozen=True, slots=True, eq=False)
class GrmFit:
    """A calibrated graded response model.

    ``parameters`` holds ``a``, ``b`` and each item's categories; ``loglik`` is the marginal
    log-likelihood; ``n`` the number of rows with at least one answer; ``cycles`` the EM
    cycles used and ``converged`` whether the tolerance was reached within ``max_cycles``.
    """

    parameters: GrmParameters
    loglik: float
    n: int
    cycles: int
    converged: bool


def _observed_categories(x: FloatArray) -> tuple[tuple[float, ...], ...]:
    cats = []
    for j in range(x.shape[1]):
        col = x[:, j]
        values = np.unique(col[~np.isnan(col)])
        if values.size < 2:
            raise InsufficientDataError(
                f"item {j} has {values.size} distinct answer(s); a graded item needs at least 2"
            )
        if not np.all(values == np.round(values)):
            raise ShapeError(f"item {j}: answers must be whole numbers (category codes)")
        cats.append(tuple(float(v) for v in values))
    return tuple(cats)


class _Batch:
    """Items that share a number of categories ``K``: solved together in the M-step."""

    def __init__(self, items: NDArray[np.int64], k: int, offsets: NDArray[np.int64]):
        self.items = items
        self.k = k
        #: rows of the stacked (item, category) axis, shape (G, K)
        self.rows = offsets[items][:, None] + np.arange(k)[None, :]

    def probabilities(
        self, a: FloatArray, d: FloatArray, nodes: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """``P`` (G, K, Q) and ``W = P*(1 - P*)`` with the bounds (G, K + 1, Q)."""
        g, q = a.shape[0], nodes.shape[0]
        star = np.empty((g, self.k + 1, q))
        star[:, 0] = 1.0
        star[:, -1] = 0.0
        star[:, 1:-1] = expit(a[:, None, None] * nodes + d[:, :, None])
        return star[:, :-1] - star[:, 1:], star * (1.0 - star)

    def maximise(
        self, r: FloatArray, a: FloatArray, d: FloatArray, nodes: FloatArray, *, iterations: int
    ) -> tuple[FloatArray, FloatArray]:
        """Fisher scoring on ``sum r log P`` for every item of the batch at once.

        A step that would disorder the intercepts (an empty category) is halved until valid.
        """
        g, k = a.shape[0], self.k
        n_node = r.sum(axis=1)  # (G, Q)
        m = np.arange(1, k)
        for _ in range(iterations):
            p, w = self.probabilities(a, d, nodes)
            jac = np.zeros((g, k, k, nodes.shape[0]))
            jac[:, :, 0, :] = nodes * (w[:, :-1] - w[:, 1:])
            jac[:, m, m, :] = w[:, m]
            jac[:, m - 1, m, :] = -w[:, m]
            inv_p = 1.0 / np.maximum(p, _TINY)
            flat = jac.transpose(0, 2, 1, 3).reshape(g, k, -1)  # (G, params, K * Q)
            score = (flat * (r * inv_p).reshape(g, 1, -1)).sum(axis=2)
            weighted = flat * (n_node[:, None, :] * inv_p).reshape(g, 1, -1)
            info = weighted @ flat.transpose(0, 2, 1)  # expected information (G, K, K)
            info += 1e-10 * np.eye(k)
            step = _newton_steps(info, score)
            scale = np.ones(g)
            for _half in range(40):
                a_new = a + scale * step[:, 0]
                d_new = d + scale[:, None] * step[:, 1:]
                bad = ~((np.diff(d_new, axis=1) < 0).all(axis=1) & (a_new != 0))
                if not bad.any():
                    break
                scale = np.where(bad, scale / 2, scale)
            a, d = a_new, d_new
            if float(np.abs(step).max()) < 1e-7:
                break
        return a, d


def _newton_steps(info: FloatArray, score: FloatArray) -> FloatArray:
    """``info^-1 score`` per item; least squares for an item whose information matrix is
    singular, no step for one whose matrix is not finite.

    On small or patternless data an item's slope can run off and two of its intercepts meet
    (a category nobody is expected in): its information has entries near 1e259 and no inverse.
    That item then stands still instead of ending the whole fit in a ``LinAlgError``; EM goes on
    and reports ``converged=False`` if it does not settle."""
    try:
        return np.asarray(np.linalg.solve(info, score[..., None])[..., 0])
    except np.linalg.LinAlgError:
        steps = np.zeros_like(score)
        for g, (matrix, vector) in enumerate(zip(info, score, strict=True)):
            if np.isfinite(matrix).all() and np.isfinite(vector).all():
                steps[g] = np.linalg.lstsq(matrix, vector, rcond=1e-12)[0]
        return np.where(np.isfinite(steps), steps, 0.0)


def _distinct_patterns(
    coded: NDArray[np.int64], n_cat: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct response patterns and their frequencies (missing = -1 is a pattern value).

    Patterns are numbered in mixed radix (one digit per item, ``K_j + 1`` values) when that
    fits in 63 bits, which makes the count one sort of integers instead of a row sort.
    """
    radix = (n_cat + 1).astype(np.float64)
    if np.sum(np.log2(radix)) < 62:
        weights = np.cumprod(np.concatenate([[1], (n_cat + 1)[:-1]])).astype(np.int64)
        keys = (coded + 1) @ weights
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return coded[first], counts
    patterns, counts = np.unique(coded, axis=0, return_counts=True)
    return patterns, counts


def _start_values(
    coded: NDArray[np.int64], freq: FloatArray, n_cat: NDArray[np.int64], k_max: int
) -> tuple[FloatArray, FloatArray]:
    """Slopes of 1 and intercepts from the cumulative proportions (probit approximation)."""
    j = coded.shape[1]
    a = np.ones(j)
    d = np.full((j, k_max - 1), np.nan)
    scale = 1.702 * np.sqrt(1.0 + (1.0 / 1.702) ** 2)
    for item in range(j):
        seen = coded[:, item] >= 0
        counts = np.bincount(coded[seen, item], weights=freq[seen], minlength=n_cat[item])
        upper = np.cumsum(counts[::-1])[::-1][1:] / counts.sum()  # P(X >= k), k = 1..K-1
        upper = np.clip(upper, 1e-4, 1 - 1e-4)
        d[item, : n_cat[item] - 1] = scale * ndtri(upper)
        # keep them strictly decreasing even for empty middle categories
        d[item, : n_cat[item] - 1] -= 1e-3 * np.arange(n_cat[item] - 1)
    return a, d


def fit_grm(
    responses: ArrayLike,
    *,
    quadrature_points: int = DEFAULT_POINTS,
    theta_limits: tuple[float, float] = DEFAULT_LIMITS,
    tol: float = 1e-4,
    max_cycles: int = 500,
    accelerate: bool = True,
    m_iterations: int = 2,
) -> GrmFit:
    """Fit a unidimensional graded response model by Bock-Aitkin EM (see the module docs).

    ``responses`` is ``N x J`` with whole-number answers and NaN for a missing answer; rows
    without any answer are ignored. Raises :class:`InsufficientDataError` for fewer than two
    items, fewer than two answering rows or an item with a single observed category.
    """
    x = as_matrix(responses, name="responses")
    if x.shape[1] < 2:
        raise InsufficientDataError(f"need at least 2 items, got {x.shape[1]}")
    x = x[~np.isnan(x).all(axis=1)]
    if x.shape[0] < 2:
        raise InsufficientDataError(f"need at least 2 rows with answers, got {x.shape[0]}")
    categories = _observed_categories(x)
    n_cat = np.array([len(c) for c in categories], dtype=np.int64)
    k_max = int(n_cat.max())
    template = GrmParameters(
        a=np.ones(x.shape[1]),
        b=np.where(
            np.arange(k_max - 1)[None, :] < (n_cat - 1)[:, None],
            np.arange(k_max - 1)[None, :] * 1.0,
            np.nan,
        ),
        categories=categories,
    )
    coded_rows = template.code(x)
    patterns, freq_int = _distinct_patterns(coded_rows, n_cat)
    freq = freq_int.astype(np.float64)
    offsets = category_offsets(template)
    y = indicator_matrix(patterns, offsets)
    quad = normal_quadrature(quadrature_points, theta_limits)
    nodes = quad.nodes
    log_w = quad.log_weights

    a, d = _start_values(patterns, freq, n_cat, k_max)
    batches = [_Batch(np.flatnonzero(n_cat == k), int(k), offsets) for k in np.unique(n_cat)]
    # One extra row/column carries the log prior weights through the matrix product.
    n_rows = int(offsets[-1])
    log_p_stack = np.empty((n_rows + 1, nodes.shape[0]))
    log_p_stack[n_rows] = log_w
    y = np.hstack([y, np.ones((y.shape[0], 1))])
    y32 = y.astype(np.float32)
    y32_t = np.ascontiguousarray(y32[:, :n_rows].T)
    pattern_rows = np.arange(y.shape[0])
    mode = np.full(y.shape[0], nodes.shape[0] // 2)  # node nearest each posterior mean

    def e_step(a: FloatArray, d: FloatArray, *, exact: bool = False) -> tuple[float, FloatArray]:
        """Marginal log-likelihood and expected counts ``r`` (stacked rows x nodes).

        During the iterations the pattern-by-node arrays are float32 (several times faster,
        errors far below the tolerance) and each row is shifted by its value at the node
        nearest its last posterior mean instead of its maximum (rows that would overflow are
        redone with the maximum); the reported log-likelihood is float64 throughout.
        """
        for batch in batches:
            p, _ = batch.probabilities(a[batch.items], d[batch.items, : batch.k - 1], nodes)
            log_p_stack[batch.rows.ravel()] = np.log(np.maximum(p, _TINY)).reshape(-1, len(nodes))
        log_l: NDArray[np.floating[Any]]
        if exact:
            log_l = y @ log_p_stack
            top = log_l.max(axis=1)
        else:
            log_l = y32 @ log_p_stack.astype(np.float32)
            top = log_l[pattern_rows, mode]
            high = log_l[:, 0] - top > 60.0  # cheap guard; exact check below
            high |= log_l[:, -1] - top > 60.0
            if high.any():
                top[high] = log_l[high].max(axis=1)
        log_l -= top[:, None]
        # e^-60 is nothing next to the mode; the floor keeps subnormal numbers (which slow
        # arithmetic down a hundredfold) out of the products.
        np.maximum(log_l, -60.0, out=log_l)
        with np.errstate(over="ignore"):  # float32 rows far from their last mode: redone below
            post = np.exp(log_l, out=log_l)
        total = post.sum(axis=1, dtype=np.float64)
        if not exact and not np.isfinite(total).all():
            bad = ~np.isfinite(total)
            redo = (y32[bad] @ log_p_stack.astype(np.float32)).astype(np.float64)
            redo_top = redo.max(axis=1)
            redo = np.exp(np.maximum(redo - redo_top[:, None], -60.0))
            post[bad] = redo
            top[bad] = redo_top
            total[bad] = redo.sum(axis=1)
        loglik = float(freq @ (np.log(total) + top))
        if exact:
            return loglik, post
        mode[:] = np.rint(
            (post @ nodes.astype(np.float32) / total - nodes[0]) / (nodes[1] - nodes[0])
        )
        post *= (freq / total).astype(np.float32)[:, None]
        return loglik, (y32_t @ post).astype(np.float64)

    def m_step(a: FloatArray, d: FloatArray, r_stack: FloatArray) -> tuple[FloatArray, FloatArray]:
        a_new, d_new = a.copy(), d.copy()
        for batch in batches:
            r = r_stack[batch.rows]  # (G, K, Q)
            ab, db = batch.maximise(
                r, a[batch.items], d[batch.items, : batch.k - 1], nodes, iterations=m_iterations
            )
            a_new[batch.items] = ab
            d_new[batch.items, : batch.k - 1] = db
        return a_new, d_new

    history: list[tuple[FloatArray, FloatArray]] = []
    converged = False
    cycles = 0
    loglik = -np.inf
    for cycles in range(1, max_cycles + 1):
        loglik, r_stack = e_step(a, d)
        a_new, d_new = m_step(a, d, r_stack)
        change = max(np.max(np.abs(a_new - a)), np.nanmax(np.abs(d_new - d)))
        history.append((a, d))
        a, d = a_new, d_new
        if change < tol:
            converged = True
            break
        if accelerate and cycles % 3 == 0 and len(history) >= 2:
            a, d = _ramsay(history[-2], history[-1], (a, d))
    loglik, _ = e_step(a, d, exact=True)
    if not np.isfinite(loglik):
        raise InsufficientDataError("the model could not be fitted (non-finite likelihood)")
    params = GrmParameters(a=a, b=-d / a[:, None], categories=categories)
    return GrmFit(
        parameters=params, loglik=loglik, n=int(x.shape[0]), cycles=cycles, converged=converged
    )


def _ramsay(
    before: tuple[FloatArray, FloatArray],
    previous: tuple[FloatArray, FloatArray],
    current: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """Ramsay (1975) extrapolation of the last EM step, as mirt does every third cycle.

    ``accel = 1 - sqrt(|dx|^2 / |dx - dx_prev|^2)`` (at least -5) and the new point is
    ``(1 - accel) x + accel x_prev``; an extrapolation that leaves the parameter space
    (a slope changing sign or disordered intercepts) is not taken.
    """

    def flat(pair: tuple[FloatArray, FloatArray]) -> FloatArray:
        return np.concatenate([pair[0], np.nan_to_num(pair[1].ravel())])

    x0, x1, x2 = flat(before), flat(previous), flat(current)
    dx, dx_prev = x2 - x1, x1 - x0
    d2 = dx - dx_prev
    denom = float(d2 @ d2)
    if denom <= 0:
        return current
    accel = max(1.0 - np.sqrt(float(dx @ dx) / denom), -5.0)
    a = (1 - accel) * current[0] + accel * previous[0]
    d = (1 - accel) * current[1] + accel * previous[1]
    valid = (np.sign(a) == np.sign(current[0])).all() and (
        np.nan_to_num(np.diff(d, axis=1), nan=-1.0) < 0
    ).all()
    if not valid:
        return current
    return a, d
