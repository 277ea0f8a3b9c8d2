from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from servicefit.psychometrics import (
    InsufficientDataError,
    PsychometricsError,
    cronbach_alpha,
    feldt_interval,
    guttman_lambda6,
)

from .conftest import BFI_SCALES, read_rows

# Golden values: tests/golden/psych/bfi_alpha.csv, computed with
# R 4.2.2, psych 2.2.9, psychTools 2.2.9: psych::alpha(bfi[, scale], keys = reversed),
# pairwise-complete (psych's default) and on listwise-complete rows.


@pytest.fixture(scope="module")
def bfi_alpha(reference_dir):
    return {r["scale"]: r for r in read_rows(reference_dir / "psych" / "bfi_alpha.csv")}


@pytest.mark.parametrize("scale", BFI_SCALES)
def test_it_matches_psych_alpha_pairwise_on_bfi(bfi, bfi_alpha, scale):
    expected = bfi_alpha[scale]
    result = cronbach_alpha(bfi.scale(scale), missing="pairwise")
    assert result.raw_alpha == pytest.approx(float(expected["raw_alpha_pairwise"]), abs=1e-6)
    assert result.std_alpha == pytest.approx(float(expected["std_alpha_pairwise"]), abs=1e-6)
    assert result.g6 == pytest.approx(float(expected["G6"]), abs=1e-6)
    assert result.average_r == pytest.approx(float(expected["average_r"]), abs=1e-6)


@pytest.mark.parametrize("scale", BFI_SCALES)
def test_it_matches_psych_alpha_listwise_on_bfi(bfi, bfi_alpha, scale):
    expected = bfi_alpha[scale]
    result = cronbach_alpha(bfi.scale(scale), missing="listwise")
    assert result.n == int(expected["n_listwise"])
    assert result.raw_alpha == pytest.approx(float(expected["raw_alpha_listwise"]), abs=1e-6)
    assert result.std_alpha == pytest.approx(float(expected["std_alpha_listwise"]), abs=1e-6)


def test_it_computes_alpha_if_deleted_as_alpha_of_the_remaining_items(bfi):
    x = bfi.scale("C")
    result = cronbach_alpha(x, missing="listwise")
    for i in range(x.shape[1]):
        rest = np.delete(x, i, axis=1)
        rest = rest[~np.isnan(x).any(axis=1)]
        assert result.alpha_if_deleted[i] == pytest.approx(cronbach_alpha(rest).raw_alpha)


def test_it_computes_corrected_item_total_r_against_the_rest_score(bfi):
    x = bfi.scale("E")
    x = x[~np.isnan(x).any(axis=1)]
    result = cronbach_alpha(x)
    for i in range(x.shape[1]):
        rest = np.delete(x, i, axis=1).sum(axis=1)
        assert result.item_total_r[i] == pytest.approx(np.corrcoef(x[:, i], rest)[0, 1])


def test_it_brackets_alpha_with_the_feldt_interval(bfi):
    result = cronbach_alpha(bfi.scale("N"), missing="listwise")
    assert result.ci_lower < result.raw_alpha < result.ci_upper
    wider = feldt_interval(result.raw_alpha, n=result.n, n_items=5, confidence=0.99)
    assert wider[0] < result.ci_lower and wider[1] > result.ci_upper


def test_it_computes_lambda6_from_a_correlation_matrix():
    r = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]])
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    assert guttman_lambda6(r) == pytest.approx(1 - (3 - smc.sum()) / r.sum())


def test_it_refuses_a_single_item():
    with pytest.raises(InsufficientDataError, match="at least 2 items"):
        cronbach_alpha(np.arange(10.0).reshape(10, 1))


def test_it_refuses_an_item_without_variance():
    x = np.column_stack([np.ones(10), np.arange(10.0)])
    with pytest.raises(InsufficientDataError, match="variance"):
        cronbach_alpha(x)


def test_it_refuses_an_unknown_missing_option():
    with pytest.raises(PsychometricsError, match="pairwise"):
        cronbach_alpha(np.random.default_rng(1).normal(size=(10, 3)), missing="mean")  # type: ignore[arg-type]


likert = arrays(
    np.float64,
    st.tuples(st.integers(5, 30), st.integers(2, 6)),
    elements=st.integers(1, 5).map(float),
)


def _alpha_or_skip(x: np.ndarray):
    try:
        return cronbach_alpha(x)
    except InsufficientDataError:
        assume(False)  # an item without variance, or a total score without variance
        raise


@settings(max_examples=60, deadline=None)
@given(likert, st.randoms())
def test_it_gives_the_same_alpha_whatever_the_item_order(x, random):
    a = _alpha_or_skip(x)
    order = list(range(x.shape[1]))
    random.shuffle(order)
    b = cronbach_alpha(x[:, order])
    assert b.raw_alpha == pytest.approx(a.raw_alpha, abs=1e-9)
    assert b.std_alpha == pytest.approx(a.std_alpha, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(likert)
def test_it_never_reports_alpha_above_one(x):
    result = _alpha_or_skip(x)
    assert result.raw_alpha <= 1.0 + 1e-12
    assert result.std_alpha <= 1.0 + 1e-12
