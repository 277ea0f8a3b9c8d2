"""Criterion validity: Pearson r, Fisher-z interval, Thorndike case II range correction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from servicefit.psychometrics import (
    InsufficientDataError,
    PsychometricsError,
    criterion_validity,
    fisher_z_interval,
    thorndike_case_ii,
)


def test_case_ii_matches_the_published_worked_example_in_revelle():
    """Revelle, *An introduction to psychometric theory with applications in R*, ch. 4, the
    example R psych documents as ``rangeCorrection(.33, 100.32, 48.19)``: an observed r of
    .33 among people selected on the predictor, whose SD is 48.19 there and 100.32 in the
    unrestricted group.

    By hand: U = 100.32 / 48.19 = 2.081760; U·r = 0.686981; U² = 4.333723;
    (U² - 1)·r² = 3.333723 × 0.1089 = 0.363042; sqrt(1.363042) = 1.167494;
    R = 0.686981 / 1.167494 = 0.588423.
    """
    corrected = thorndike_case_ii(0.33, applicant_sd=100.32, incumbent_sd=48.19)
    assert corrected == pytest.approx(0.588423, abs=5e-7)


def test_case_ii_matches_the_worked_example_of_the_selection_package():
    """R package *selection* (Fife), ``caseII(rxy = .5, sx = 1.5, sxs = .9)``.

    By hand: U = 1.5 / 0.9 = 1.666667; U·r = 0.833333; (U² - 1)·r² = 1.777778 × 0.25 =
    0.444444; sqrt(1.444444) = 1.201850; R = 0.833333 / 1.201850 = 0.693375.
    """
    assert thorndike_case_ii(0.5, applicant_sd=1.5, incumbent_sd=0.9) == pytest.approx(
        0.693375, abs=5e-7
    )


def test_case_ii_leaves_r_alone_without_restriction_and_keeps_the_sign():
    assert thorndike_case_ii(0.3, applicant_sd=2.0, incumbent_sd=2.0) == pytest.approx(0.3)
    assert thorndike_case_ii(-0.3, applicant_sd=2, incumbent_sd=1) == pytest.approx(
        -thorndike_case_ii(0.3, applicant_sd=2, incumbent_sd=1)
    )


def test_fisher_interval_by_hand():
    """r = .5, n = 50: atanh(.5) = 0.549306; 1.959964 / sqrt(47) = 0.285890;
    tanh(0.263416) = 0.257488 and tanh(0.835196) = 0.683256."""
    low, high = fisher_z_interval(0.5, 50)
    assert low == pytest.approx(0.257488, abs=1e-6)
    assert high == pytest.approx(0.683256, abs=1e-6)


def test_criterion_validity_agrees_with_scipy_and_drops_incomplete_rows():
    rng = np.random.default_rng(7)
    x = rng.normal(3, 0.6, 40)
    y = 0.4 * x + rng.normal(0, 0.5, 40)
    x_missing = x.copy()
    x_missing[3] = np.nan
    y_missing = y.copy()
    y_missing[10] = np.nan
    result = criterion_validity(x_missing, y_missing, applicant_sd=1.0)
    keep = np.ones(40, bool)
    keep[[3, 10]] = False
    reference = stats.pearsonr(x[keep], y[keep])
    ci = reference.confidence_interval(0.95)
    assert result.n == 38
    assert result.r == pytest.approx(reference.statistic)
    assert result.ci == pytest.approx((ci.low, ci.high))
    sd = float(np.std(x[keep], ddof=1))
    assert result.incumbent_sd == pytest.approx(sd)
    assert result.r_corrected == pytest.approx(
        thorndike_case_ii(result.r, applicant_sd=1.0, incumbent_sd=sd)
    )
    assert result.ci_corrected is not None
    assert result.ci_corrected[0] == pytest.approx(
        thorndike_case_ii(ci.low, applicant_sd=1.0, incumbent_sd=sd)
    )
    assert result.ci_corrected[0] < result.r_corrected < result.ci_corrected[1]


def test_criterion_validity_without_applicant_sd_has_no_correction():
    result = criterion_validity([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert result.r_corrected is None and result.ci_corrected is None
    assert result.small_sample
    assert not math.isnan(result.r)


@pytest.mark.parametrize(
    ("x", "y", "error"),
    [
        ([1, 2, 3], [1, 2, 3], InsufficientDataError),
        ([1, 1, 1, 1], [1, 2, 3, 4], InsufficientDataError),
        ([1, 2, 3, 4], [1, 2, 3], PsychometricsError),
    ],
)
def test_criterion_validity_rejects_unusable_data(x, y, error):
    with pytest.raises(error):
        criterion_validity(x, y)


def test_case_ii_rejects_non_positive_sds():
    with pytest.raises(PsychometricsError):
        thorndike_case_ii(0.3, applicant_sd=0, incumbent_sd=1)


@pytest.mark.parametrize("value", [3.3, 0.1, 1 / 3, 4.6])
def test_a_predictor_every_hire_shares_is_refused_even_when_its_sd_rounds_above_zero(value):
    # Six copies of 3.3 have a computed SD of ~1e-16 (their mean is not exactly 3.3); r came
    # out as 1.1e-16 with a 95% interval of -0.81 to 0.81 instead of "does not vary".
    criterion = np.array([1.0, 2.0, 5.0, 4.0, 3.0, 2.0])
    with pytest.raises(InsufficientDataError, match="predictor does not vary"):
        criterion_validity(np.full(6, value), criterion)
    with pytest.raises(InsufficientDataError, match="criterion does not vary"):
        criterion_validity(criterion, np.full(6, value))
