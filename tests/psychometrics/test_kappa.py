"""Weighted kappa (Cohen 1968) on hand-computed tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicefit.psychometrics import (
    InsufficientDataError,
    InvalidResponseError,
    weighted_kappa,
    weighted_kappa_from_counts,
)


def test_perfect_agreement_is_one():
    assert weighted_kappa(
        [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], categories=range(1, 6)
    ) == pytest.approx(1.0)


def test_quadratic_kappa_on_a_hand_computed_table():
    # Pairs (1,1), (1,2), (2,2), (2,1): O = [[.25,.25],[.25,.25]] = E, so kappa = 0.
    assert weighted_kappa([1, 1, 2, 2], [1, 2, 2, 1], categories=[1, 2]) == pytest.approx(0.0)
    # Pairs (1,1), (2,2), (3,3), (1,3) on 1..3, quadratic weights (i-j)^2:
    # sum(w*O) = 4/4 = 1; margins r = (.5,.25,.25), c = (.25,.25,.5);
    # sum(w*E) = sum_ij (i-j)^2 r_i c_j = 0.5*(0*.25+1*.25+4*.5) + .25*(1*.25+0+1*.5) + .25*(4*.25+1*.25+0)
    #          = 1.125 + 0.1875 + 0.3125 = 1.625 -> kappa = 1 - 1/1.625
    value = weighted_kappa([1, 2, 3, 1], [1, 2, 3, 3], categories=[1, 2, 3])
    assert value == pytest.approx(1 - 1 / 1.625)


def test_linear_weights_give_less_credit_loss_for_big_gaps():
    a, b = [1, 2, 3, 1], [1, 2, 3, 3]
    quadratic = weighted_kappa(a, b, categories=[1, 2, 3])
    linear = weighted_kappa(a, b, categories=[1, 2, 3], weights="linear")
    assert linear != pytest.approx(quadratic)


def test_missing_pairs_are_dropped():
    assert weighted_kappa(
        [1, 2, math.nan, 3], [1, 2, 5, 3], categories=range(1, 6)
    ) == pytest.approx(1.0)


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(InvalidResponseError, match="paired"):
        weighted_kappa([1, 2], [1], categories=[1, 2])
    with pytest.raises(InvalidResponseError, match="not one of the categories"):
        weighted_kappa([1, 7], [1, 2], categories=[1, 2])
    with pytest.raises(InsufficientDataError):
        weighted_kappa([1], [1], categories=[1, 2])


@given(
    pairs=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=2, max_size=60),
    weights=st.sampled_from(["quadratic", "linear", "none"]),
)
def test_kappa_from_a_table_of_counts_equals_kappa_from_the_pairs(pairs, weights):
    """The job page counts rating pairs in the database and computes kappa from the table."""
    table = np.zeros((5, 5))
    for a, b in pairs:
        table[a - 1, b - 1] += 1
    from_pairs = weighted_kappa(
        [a for a, _ in pairs], [b for _, b in pairs], categories=range(1, 6), weights=weights
    )
    from_counts = weighted_kappa_from_counts(table, weights=weights)
    assert from_counts == pytest.approx(from_pairs, nan_ok=True)
