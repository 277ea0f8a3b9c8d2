"""Fixed quadrature on the latent trait, and the posterior of response patterns on it.

The trait is integrated on ``Q`` equally spaced points on ``[-6, 6]`` with weights
proportional to the standard normal density, normalised to sum to one: R mirt's default for a
unidimensional model (``quadpts = 61``, ``theta_lim = c(-6, 6)``). The same grid serves the
EM E-step (:mod:`.calibration`), EAP scoring (:mod:`.theta`) and adaptive testing
(:mod:`.cat`).

A response pattern is turned into a row of a 0/1 indicator matrix over all
(item, category) pairs, so the log-likelihood of every pattern at every node is one matrix
product ``Y @ log P`` (missing answers simply have no 1 in their item's block).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from servicefit.psychometrics._arrays import FloatArray
from servicefit.psychometrics.grm import MISSING, GrmParameters, category_probabilities

__all__ = ["DEFAULT_LIMITS", "DEFAULT_POINTS", "Quadrature", "normal_quadrature"]

DEFAULT_POINTS = 61
DEFAULT_LIMITS = (-6.0, 6.0)
_TINY = 1e-300


@dataclass(frozen=True, slots=True, eq=False)
class Quadrature:
    """Nodes and normalised prior weights (``log_weights`` = their logarithms)."""

    nodes: FloatArray
    weights: FloatArray
    log_weights: FloatArray


@lru_cache(maxsize=8)
def normal_quadrature(
    points: int = DEFAULT_POINTS, limits: tuple[float, float] = DEFAULT_LIMITS
) -> Quadrature:
    """Equally spaced nodes with standard-normal weights that sum to one (as mirt).

    Cached: the arrays are shared, so callers must not modify them.
    """
    if points < 3:
        raise ValueError(f"need at least 3 quadrature points, got {points}")
    nodes = np.linspace(limits[0], limits[1], points)
    log_w = -0.5 * nodes**2
    log_w -= np.log(np.exp(log_w).sum())
    return Quadrature(nodes=nodes, weights=np.exp(log_w), log_weights=log_w)


def category_offsets(params: GrmParameters) -> NDArray[np.int64]:
    """Start of each item's block in the stacked (item, category) axis; last = total."""
    return np.concatenate([[0], np.cumsum(params.n_categories)]).astype(np.int64)


def indicator_matrix(coded: NDArray[np.int64], offsets: NDArray[np.int64]) -> FloatArray:
    """0/1 matrix ``(N, sum K_j)``: one 1 per answered item in its category's column."""
    n, _j = coded.shape
    y = np.zeros((n, int(offsets[-1])))
    rows, cols = np.nonzero(coded != MISSING)
    y[rows, offsets[cols] + coded[rows, cols]] = 1.0
    return y


def stacked_log_probabilities(params: GrmParameters, nodes: FloatArray) -> FloatArray:
    """``log P_jk(node)`` for every (item, category) row: shape ``(sum K_j, Q)``."""
    p = category_probabilities(params, nodes)
    keep = np.arange(p.shape[1])[None, :] < params.n_categories[:, None]
    return np.log(np.maximum(p[keep], _TINY))
