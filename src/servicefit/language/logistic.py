"""Logistic regression as ServiceFit fits it: deterministic, L2-regularised, Newton-CG.

Used to train the sentence model (:mod:`.train`) and the politeness head of the rating model
(:mod:`.train_ratings`), and by the evaluation's probes. Nothing is fitted at run time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fit_logistic"]


def fit_logistic(
    X: Any,
    y: np.ndarray,
    *,
    l2: float = 1.0,
    balanced: bool = True,
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, fitted by Newton-CG from zero weights.

    Minimises ``sum_i c_i log(1 + exp(-s_i (x_i·w + b))) + l2/2 ||w||²`` with ``s_i = ±1``
    and class weights ``c_i`` (``n / (2 n_class)`` when ``balanced``, else 1); the bias is
    not penalised. ``sample_weight`` (one per row; default 1) multiplies ``c_i``, and the
    balanced class weights are then computed on the weighted counts (a row of weight 0 counts
    for nothing). ``X`` may be a dense array or a scipy sparse matrix. Deterministic: no
    random start. Newton-CG uses exact Hessian-vector products
    ``X^T diag(c p (1-p)) X v + l2 v``, which suits many sparse features.
    """
    from scipy.optimize import minimize

    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    signs = 2.0 * y - 1.0
    if sample_weight is None:
        pos = float(y.sum())
        if balanced and 0 < pos < n:
            weights = np.where(y > 0, n / (2.0 * pos), n / (2.0 * (n - pos)))
        else:
            weights = np.ones(n)
    else:
        sw = np.asarray(sample_weight, dtype=np.float64)
        pos_w, total = float(np.sum(sw * y)), float(np.sum(sw))
        if balanced and 0 < pos_w < total:
            weights = sw * np.where(y > 0, total / (2.0 * pos_w), total / (2.0 * (total - pos_w)))
        else:
            weights = sw
    XT = X.T.tocsr() if hasattr(X, "tocsr") else X.T
    penalty = np.full(d + 1, l2)
    penalty[d] = 0.0

    def scores(params: np.ndarray) -> np.ndarray:
        return np.asarray(X @ params[:d]).ravel() + params[d]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        margin = signs * scores(params)
        value = float(np.sum(weights * np.logaddexp(0.0, -margin)))
        value += 0.5 * float(np.sum(penalty * params * params))
        coef = -weights * signs * np.exp(-np.logaddexp(0.0, margin))
        grad = np.concatenate([np.asarray(XT @ coef).ravel(), [coef.sum()]])
        return value, grad + penalty * params

    def hessp(params: np.ndarray, v: np.ndarray) -> np.ndarray:
        p = np.exp(-np.logaddexp(0.0, -scores(params)))
        dvec = weights * p * (1.0 - p)
        xv = np.asarray(X @ v[:d]).ravel() + v[d]
        dxv = dvec * xv
        out = np.concatenate([np.asarray(XT @ dxv).ravel(), [dxv.sum()]])
        return out + penalty * v

    result = minimize(
        loss,
        np.zeros(d + 1),
        jac=True,
        hessp=hessp,
        method="Newton-CG",
        options={"maxiter": 50, "xtol": 1e-4},
    )
    return result.x[:d], float(result.x[d])
