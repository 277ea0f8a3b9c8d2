from __future__ import annotations

import numpy as np
import pytest

from servicefit.psychometrics import InsufficientDataError, fit_one_factor, omega_total

from .conftest import BFI_SCALES

# Golden values: tests/golden/psych/PROVENANCE.md ("One-factor McDonald omega total from a lavaan
# ML CFA (listwise complete rows, model-implied total variance)"): R 4.2.2, lavaan 0.6-14,
# psychTools 2.2.9 bfi with reverse keys applied.
LAVAAN_OMEGA_TOTAL = {
    "A": 0.712129,
    "C": 0.7330223,
    "E": 0.7673336,
    "N": 0.8128444,
    "O": 0.6103741,
}


@pytest.mark.parametrize("scale", BFI_SCALES)
def test_it_matches_lavaan_omega_total_on_bfi(bfi, scale):
    result = omega_total(bfi.scale(scale))
    assert result.converged
    assert result.denominator == "model-implied"
    assert result.omega_total == pytest.approx(LAVAAN_OMEGA_TOTAL[scale], abs=1e-4)


def test_it_reproduces_a_one_factor_covariance_matrix_exactly():
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    uniq = np.array([0.36, 0.51, 0.64, 0.75])
    sd = np.array([1.0, 2.0, 0.5, 3.0])
    cov = (np.outer(loadings, loadings) + np.diag(uniq)) * np.outer(sd, sd)
    model = fit_one_factor(cov)
    np.testing.assert_allclose(model.standardized_loadings, loadings, atol=1e-5)
    np.testing.assert_allclose(model.loadings, loadings * sd, atol=1e-5)


def test_it_refuses_fewer_than_three_items():
    with pytest.raises(InsufficientDataError, match="at least 3"):
        omega_total(np.random.default_rng(0).normal(size=(20, 2)))


def test_an_item_with_one_decimal_answer_throughout_is_refused():
    # A column of 3.3 has a computed variance of ~1e-31, not 0: omega came out as 0.095.
    g = np.random.default_rng(1)
    x = np.column_stack([np.full(30, 3.3), g.normal(size=(30, 3))])
    with pytest.raises(InsufficientDataError, match="item 0 does not vary"):
        omega_total(x)


def test_no_more_complete_rows_than_items_is_refused_not_fitted():
    # 5 rows of 8 items: the sample covariance is singular, the ML objective takes the log of
    # zero eigenvalues, and omega came out as 0.851 from a fit that did not converge.
    g = np.random.default_rng(2)
    x = np.round(g.normal(size=(5, 1)) + g.normal(size=(5, 8)) * 0.7 + 3)
    with pytest.raises(InsufficientDataError, match="5 rows for 8 items"):
        omega_total(x)
    collinear = g.normal(size=(40, 3))
    collinear = np.column_stack([collinear, collinear.sum(axis=1)])
    with pytest.raises(InsufficientDataError, match="positive definite"):
        omega_total(collinear)


def test_no_complete_row_is_refused_as_too_few_rows():
    # Listwise deletion leaves nothing: was numpy's "zero-size array to reduction operation".
    x = np.array([[4.0, 1.0, np.nan, 4.0], [3.0, 2.0, np.nan, 5.0]])
    with pytest.raises(InsufficientDataError, match="at least 2 complete rows"):
        omega_total(x)
