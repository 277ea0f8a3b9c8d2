"""McDonald's omega total from a one-factor maximum-likelihood factor model.

The model is ``Sigma = lambda lambda' + Psi`` with one common factor (McDonald 1999, ch. 6).
Omega total is the share of the unit-weighted sum score's variance due to the factor:

    omega = (sum_i lambda_i)^2 / ((sum_i lambda_i)^2 + sum_i psi_i)

**Denominator.** We divide by the *model-implied* total variance ``1' Sigma_hat 1`` — the
formula of lavaan-based tools (e.g. ``semTools::compRelSEM``) — not by the observed total
variance ``1' S 1`` used by ``psych::omega``. With a one-factor model the two differ by the
sum of the residual covariances; the reference values are lavaan's.

Estimation: maximum likelihood on the (listwise-complete) covariance matrix, minimising
``F = log|Sigma| + tr(S Sigma^-1) - log|S| - p`` over the uniquenesses, the loadings being
profiled out from the leading eigenvector of ``Psi^-1/2 S Psi^-1/2`` (Joreskog 1967; the
algorithm of R's ``factanal``). ML is scale-invariant, so the model is fitted to the
correlation matrix and the solution rescaled to the item covariances; this equals a lavaan
ML CFA with free loadings and residual variances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from servicefit.psychometrics._arrays import (
    FloatArray,
    as_matrix,
    constant_columns,
    require_items,
)
from servicefit.psychometrics.covariance import Missing, complete_rows, pairwise_moments
from servicefit.psychometrics.errors import InsufficientDataError
from servicefit.psychometrics.reliability import singular_correlations

__all__ = ["OmegaResult", "OneFactorModel", "fit_one_factor", "omega_total"]

_LOWER_UNIQUENESS = 0.005  # as factanal's default lower bound


@dataclass(frozen=True, slots=True, eq=False)
class OneFactorModel:
    """A fitted one-factor model on the correlation scale plus its covariance-scale version."""

    standardized_loadings: FloatArray
    uniquenesses: FloatArray
    loadings: FloatArray
    residual_variances: FloatArray
    converged: bool
    heywood: bool


@dataclass(frozen=True, slots=True, eq=False)
class OmegaResult:
    """Omega total, the one-factor loadings it rests on and the sample size used."""

    omega_total: float
    loadings: FloatArray
    standardized_loadings: FloatArray
    residual_variances: FloatArray
    n: int
    converged: bool
    heywood: bool
    denominator: str = "model-implied"


def _profile(psi: FloatArray, cor: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    scale = 1.0 / np.sqrt(psi)
    s_star = cor * np.outer(scale, scale)
    values, vectors = np.linalg.eigh(s_star)
    rest = values[:-1]
    objective = -float(np.sum(np.log(rest) - rest)) - 1.0 + cor.shape[0]
    load = vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0)) * np.sqrt(psi)
    grad = ((np.outer(load, load).diagonal() + psi) - np.diag(cor)) / psi**2
    return objective, load, grad


def fit_one_factor(cov: ArrayLike, *, tol: float = 1e-12, max_iter: int = 1000) -> OneFactorModel:
    """Fit a one-factor ML model to a covariance matrix (see the module docstring)."""
    c = as_matrix(cov, name="cov")
    require_items(c, minimum=3, what="items for a one-factor model")
    sd = np.sqrt(np.diag(c))
    if not (sd > 0).all():
        raise InsufficientDataError("every item needs a non-zero variance")
    cor = c / np.outer(sd, sd)
    try:
        start = (1.0 - 0.5 * 1.0 / np.diag(np.linalg.inv(cor))).clip(_LOWER_UNIQUENESS, 1.0)
    except np.linalg.LinAlgError:
        start = np.full(c.shape[0], 0.5)

    def fun(psi: FloatArray) -> tuple[float, FloatArray]:
        obj, _, grad = _profile(psi, cor)
        return obj, grad

    res = optimize.minimize(
        fun,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(_LOWER_UNIQUENESS, 1.0)] * c.shape[0],
        options={"ftol": tol, "gtol": 1e-10, "maxiter": max_iter},
    )
    psi = np.asarray(res.x, dtype=np.float64)
    _, load, _ = _profile(psi, cor)
    if load.sum() < 0:
        load = -load
    return OneFactorModel(
        standardized_loadings=load,
        uniquenesses=psi,
        loadings=load * sd,
        residual_variances=psi * sd**2,
        converged=bool(res.success),
        heywood=bool(np.any(psi <= _LOWER_UNIQUENESS * 1.0001)),
    )


def omega_total(data: ArrayLike, *, missing: Missing = "listwise") -> OmegaResult:
    """McDonald's omega total of keyed item responses ``(n_people, k_items)``.

    Uses the model-implied total variance as the denominator (lavaan's convention), see the
    module docstring. Listwise deletion by default, as the reference lavaan fit. Raises
    :class:`InsufficientDataError` when the covariance matrix is singular or not positive
    definite (e.g. no more complete rows than items), where the ML fit has no solution.
    """
    x = as_matrix(data)
    require_items(x, minimum=3, what="items for omega")
    moments = pairwise_moments(x, missing=missing)  # refuses fewer than 2 complete rows
    flat = constant_columns(complete_rows(x) if missing == "listwise" else x)
    if flat.any():
        raise InsufficientDataError(
            f"every item needs a non-zero variance (item {int(np.argmax(flat))} does not vary)"
        )
    if not np.isfinite(moments.cor).all() or singular_correlations(moments.cor):
        raise InsufficientDataError(
            f"omega needs a positive definite covariance matrix, and {moments.n_rows} rows "
            f"for {x.shape[1]} items do not give one: maximum likelihood needs more (complete) "
            "rows than items and no item that follows from the others"
        )
    model = fit_one_factor(moments.cov)
    common = float(model.loadings.sum()) ** 2
    omega = common / (common + float(model.residual_variances.sum()))
    return OmegaResult(
        omega_total=omega,
        loadings=model.loadings,
        standardized_loadings=model.standardized_loadings,
        residual_variances=model.residual_variances,
        n=moments.n_rows,
        converged=model.converged,
        heywood=model.heywood,
    )
