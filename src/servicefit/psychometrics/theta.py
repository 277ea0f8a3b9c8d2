"""Person scores under the graded response model: EAP and MAP with standard errors.

With a standard normal prior ``phi`` and the likelihood ``L_u(theta)`` of a person's answers
(missing answers are left out of the product):

* **EAP** (Bock & Mislevy 1982): ``theta_EAP = sum_q theta_q L_u(theta_q) w_q / sum_q
  L_u(theta_q) w_q`` on the fixed quadrature of :mod:`.quadrature` (61 points on [-6, 6], as
  ``mirt::fscores(method = "EAP")``); its standard error is the posterior standard deviation.
  With no answers the EAP is the prior mean 0 and the SE the prior SD 1.
* **MAP**: the mode of ``log L_u(theta) + log phi(theta)``, by Newton-Raphson from the EAP;
  its standard error is ``1 / sqrt(-d^2/dtheta^2 log posterior)`` at the mode.
* **Marginal reliability** (``mirt::marginal_rxx``): ``integral I(theta) / (I(theta) + 1)
  phi(theta) dtheta`` with ``I`` the test information.

References: Bock, R. D. & Mislevy, R. J. (1982). Adaptive EAP estimation of ability in a
microcomputer environment. Applied Psychological Measurement 6, 431-444.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from servicefit.psychometrics._arrays import FloatArray
from servicefit.psychometrics.errors import KeyMismatchError
from servicefit.psychometrics.grm import MISSING, GrmParameters, _cumulative, test_information
from servicefit.psychometrics.quadrature import (
    DEFAULT_LIMITS,
    DEFAULT_POINTS,
    category_offsets,
    indicator_matrix,
    normal_quadrature,
    stacked_log_probabilities,
)

__all__ = ["ThetaEstimates", "eap_scores", "map_scores", "marginal_reliability"]


@dataclass(frozen=True, slots=True, eq=False)
class ThetaEstimates:
    """Trait estimates and their standard errors, one per row, plus how many items each used."""

    theta: FloatArray
    se: FloatArray
    n_answered: NDArray[np.int64]
    method: str


def _coded(params: GrmParameters, responses: ArrayLike, coded: bool) -> NDArray[np.int64]:
    if coded:
        out = np.atleast_2d(np.asarray(responses, dtype=np.int64))
        if out.shape[1] != params.n_items:
            raise KeyMismatchError(f"{out.shape[1]} columns for {params.n_items} items")
        return out
    return params.code(np.atleast_2d(np.asarray(responses, dtype=np.float64)))


def log_posterior_on_grid(
    params: GrmParameters,
    coded: NDArray[np.int64],
    *,
    quadrature_points: int = DEFAULT_POINTS,
    theta_limits: tuple[float, float] = DEFAULT_LIMITS,
) -> tuple[FloatArray, FloatArray]:
    """Unnormalised log posterior of each row at each node, and the nodes."""
    quad = normal_quadrature(quadrature_points, theta_limits)
    offsets = category_offsets(params)
    y = indicator_matrix(coded, offsets)
    return y @ stacked_log_probabilities(params, quad.nodes) + quad.log_weights, quad.nodes


def eap_scores(
    params: GrmParameters,
    responses: ArrayLike,
    *,
    coded: bool = False,
    quadrature_points: int = DEFAULT_POINTS,
    theta_limits: tuple[float, float] = DEFAULT_LIMITS,
) -> ThetaEstimates:
    """EAP trait estimates with posterior SDs for raw answers (``N x J``, NaN = missing).

    With ``coded=True`` the answers are category indices ``0..K-1`` (missing = -1).
    """
    x = _coded(params, responses, coded)
    log_post, nodes = log_posterior_on_grid(
        params, x, quadrature_points=quadrature_points, theta_limits=theta_limits
    )
    return _eap_from_log_posterior(log_post, nodes, (x != MISSING).sum(axis=1))


def _eap_from_log_posterior(
    log_post: FloatArray, nodes: FloatArray, n_answered: NDArray[np.int64]
) -> ThetaEstimates:
    post = np.exp(log_post - log_post.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    mean = post @ nodes
    var = post @ nodes**2 - mean**2
    return ThetaEstimates(
        theta=mean, se=np.sqrt(np.maximum(var, 0.0)), n_answered=n_answered, method="EAP"
    )


def _derivatives(
    params: GrmParameters, coded: NDArray[np.int64], theta: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """First and second derivative of the log-likelihood of each row at its own theta."""
    star = _cumulative(params, theta)  # (J, K+1, N)
    w = star * (1 - star)
    a = params.a[:, None]
    n = coded.shape[0]
    rows = np.arange(n)
    grad = np.zeros(n)
    hess = np.zeros(n)
    for j in range(params.n_items):
        seen = coded[:, j] != MISSING
        k = coded[seen, j]
        r = rows[seen]
        s_lo, s_hi = star[j, k, r], star[j, k + 1, r]
        w_lo, w_hi = w[j, k, r], w[j, k + 1, r]
        p = np.maximum(s_lo - s_hi, 1e-300)
        d1 = a[j] * (w_lo - w_hi)
        d2 = a[j] ** 2 * (w_lo * (1 - 2 * s_lo) - w_hi * (1 - 2 * s_hi))
        grad[r] += d1 / p
        hess[r] += d2 / p - (d1 / p) ** 2
    return grad, hess


def map_scores(
    params: GrmParameters,
    responses: ArrayLike,
    *,
    coded: bool = False,
    tol: float = 1e-8,
    max_iter: int = 100,
) -> ThetaEstimates:
    """MAP (posterior mode) estimates under a standard normal prior, with SEs (module docs)."""
    x = _coded(params, responses, coded)
    theta = eap_scores(params, x, coded=True).theta.copy()
    for _ in range(max_iter):
        grad, hess = _derivatives(params, x, theta)
        grad -= theta  # d/dtheta log phi
        hess -= 1.0
        step = np.clip(-grad / hess, -1.0, 1.0)
        theta += step
        if float(np.abs(step).max(initial=0.0)) < tol:
            break
    _, hess = _derivatives(params, x, theta)
    return ThetaEstimates(
        theta=theta,
        se=1.0 / np.sqrt(1.0 - hess),
        n_answered=(x != MISSING).sum(axis=1),
        method="MAP",
    )


def marginal_reliability(params: GrmParameters) -> float:
    """``integral I/(I + 1) phi`` over the trait, as ``mirt::marginal_rxx`` (module docs)."""

    def integrand(t: float) -> float:
        info = float(test_information(params, [t])[0])
        return info / (info + 1.0) * float(np.exp(-0.5 * t * t) / np.sqrt(2 * np.pi))

    value, _ = integrate.quad(integrand, -np.inf, np.inf, limit=200)
    return float(value)
