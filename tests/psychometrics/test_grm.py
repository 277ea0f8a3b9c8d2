"""The graded response model against R mirt 1.40 on the bfi data (tests/golden/mirt)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from servicefit.psychometrics import (
    GrmParameters,
    InsufficientDataError,
    InvalidResponseError,
    eap_scores,
    fit_grm,
    item_information,
    map_scores,
    marginal_reliability,
    test_information,
)

from .conftest import BFI_SCALES, read_rows

# R 4.2.2, mirt 1.40: mirt(x, 1, itemtype = "graded") on each reverse-keyed bfi scale
# (listwise-complete rows), 61 quadrature points, TOL = 1e-4; see tests/golden/mirt/PROVENANCE.md.
MIRT_C_TEST_INFORMATION = [2.96453, 3.5751, 3.68454, 3.55545, 3.25925, 1.98518, 0.70638]
MIRT_C_MARGINAL_RXX = 0.770153


@pytest.fixture(scope="module")
def mirt_params(reference_dir):
    return read_rows(reference_dir / "mirt" / "bfi_grm_params.csv")


@pytest.fixture(scope="module")
def fits(bfi):
    out = {}
    for scale in BFI_SCALES:
        x = bfi.scale(scale)
        out[scale] = fit_grm(x[~np.isnan(x).any(axis=1)])
    return out


@pytest.fixture(scope="module")
def scale_c(reference_dir):
    rows = read_rows(reference_dir / "mirt" / "bfi_grm_C_eap.csv")
    x = np.array([[float(r[f"C{i}"]) for i in range(1, 6)] for r in rows])
    eap = np.array([float(r["F1"]) for r in rows])
    se = np.array([float(r["SE_F1"]) for r in rows])
    return x, eap, se


@pytest.mark.parametrize("scale", BFI_SCALES)
def test_it_matches_mirt_item_parameters_and_loglik_on_bfi(fits, mirt_params, scale):
    fit = fits[scale]
    expected = [r for r in mirt_params if r["scale"] == scale]
    assert fit.converged
    assert fit.n == int(expected[0]["n"])
    for j, row in enumerate(expected):
        assert fit.parameters.a[j] == pytest.approx(float(row["a"]), abs=0.02), row["item"]
        b = [float(row[f"b{k}"]) for k in range(1, 6)]
        np.testing.assert_allclose(fit.parameters.b[j], b, atol=0.02, err_msg=row["item"])
    assert fit.loglik == pytest.approx(float(expected[0]["logLik"]), abs=0.1)


def test_it_matches_mirt_eap_scores_and_standard_errors_on_scale_c(fits, scale_c):
    x, eap, se = scale_c
    scores = eap_scores(fits["C"].parameters, x)
    np.testing.assert_allclose(scores.theta, eap, atol=0.01)
    np.testing.assert_allclose(scores.se, se, atol=0.01)
    assert scores.method == "EAP"


def test_it_matches_mirt_test_information_and_marginal_reliability_on_scale_c(fits):
    params = fits["C"].parameters
    info = test_information(params, np.arange(-3, 4))
    np.testing.assert_allclose(info, MIRT_C_TEST_INFORMATION, atol=2e-3)
    assert marginal_reliability(params) == pytest.approx(MIRT_C_MARGINAL_RXX, abs=1e-3)
    np.testing.assert_allclose(
        item_information(params, [0.5]).sum(axis=0), test_information(params, 0.5)
    )


def test_mirt_parameters_reproduce_mirt_eap_scores(mirt_params, scale_c):
    """Scoring with R's own parameters isolates the scorer from the calibration."""
    rows = [r for r in mirt_params if r["scale"] == "C"]
    params = GrmParameters(
        a=np.array([float(r["a"]) for r in rows]),
        b=np.array([[float(r[f"b{k}"]) for k in range(1, 6)] for r in rows]),
        categories=[tuple(range(1, 7))] * 5,
    )
    x, eap, se = scale_c
    scores = eap_scores(params, x)
    np.testing.assert_allclose(scores.theta, eap, atol=2e-3)
    np.testing.assert_allclose(scores.se, se, atol=2e-3)


def test_it_calibrates_with_missing_answers(bfi):
    x = bfi.scale("C")
    fit = fit_grm(x)  # incomplete rows kept: each contributes the items it answered
    complete = fit_grm(x[~np.isnan(x).any(axis=1)])
    assert fit.n > complete.n
    np.testing.assert_allclose(fit.parameters.a, complete.parameters.a, atol=0.1)
    scores = eap_scores(fit.parameters, x)
    assert np.isfinite(scores.theta).all()
    assert (scores.n_answered[np.isnan(x).any(axis=1)] < 5).all()


def test_it_recovers_known_parameters_from_simulated_answers():
    rng = np.random.default_rng(7)
    truth = GrmParameters(
        a=np.array([0.8, 1.2, 1.6, 2.0, 2.4, 1.0]),
        b=np.sort(rng.normal(size=(6, 4)), axis=1) + np.linspace(-1.5, 1.5, 4),
        categories=[tuple(range(1, 6))] * 6,
    )
    from servicefit.psychometrics.cat import simulate_responses

    x = simulate_responses(truth, rng.normal(size=5000), rng=rng)
    fit = fit_grm(x)
    np.testing.assert_allclose(fit.parameters.a, truth.a, atol=0.15)
    np.testing.assert_allclose(fit.parameters.b, truth.b, atol=0.2)


def test_an_item_keyed_the_wrong_way_gets_a_negative_slope(bfi):
    x = bfi.scale("C", keyed=False)  # C4 and C5 not reversed
    fit = fit_grm(x[~np.isnan(x).any(axis=1)])
    assert (fit.parameters.a[:3] > 0).all()
    assert (fit.parameters.a[3:] < 0).all()
    assert (np.diff(fit.parameters.b[3]) < 0).all()  # thresholds fall with a negative slope
    keyed = bfi.scale("C")
    theta_keyed = eap_scores(fit_grm(keyed[~np.isnan(keyed).any(axis=1)]).parameters, keyed).theta
    theta_raw = eap_scores(fit.parameters, x).theta
    np.testing.assert_allclose(theta_raw, theta_keyed, atol=0.02)


def test_map_scores_sit_between_the_prior_and_the_likelihood(fits, scale_c):
    x, eap, _ = scale_c
    params = fits["C"].parameters
    map_ = map_scores(params, x[:200])
    assert map_.method == "MAP"
    assert np.corrcoef(map_.theta, eap[:200])[0, 1] > 0.99
    assert (map_.se > 0).all() and (map_.se < 1).all()


def test_it_rejects_an_answer_outside_the_item_categories(fits):
    with pytest.raises(InvalidResponseError, match="answer 7 is not one of its categories"):
        eap_scores(fits["C"].parameters, [[1, 2, 3, 4, 7]])


def test_it_needs_two_items_and_two_observed_categories():
    with pytest.raises(InsufficientDataError, match="at least 2 items"):
        fit_grm([[1.0], [2.0]])
    with pytest.raises(InsufficientDataError, match="item 1 has 1 distinct"):
        fit_grm([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]])


def test_parameters_round_trip_through_a_dict(fits):
    params = fits["C"].parameters
    again = GrmParameters.from_dict(params.to_dict())
    np.testing.assert_array_equal(again.a, params.a)
    np.testing.assert_array_equal(again.b, params.b)
    assert again.categories == params.categories


# 20 people x 6 items of random answers (no trait behind them; numpy default_rng(2) via
# integers(1, 6)). Item D's slope runs off and two of its intercepts meet, so its information
# matrix had entries near 1e259 and fit_grm ended in numpy's LinAlgError("Singular matrix").
NOISE = [
    [1, 3, 4, 2, 4, 1], [3, 3, 2, 3, 1, 3], [1, 2, 3, 1, 5, 3], [3, 3, 5, 2, 1, 4],
    [2, 3, 4, 5, 4, 1], [4, 4, 5, 1, 5, 1], [1, 5, 1, 2, 5, 3], [1, 5, 3, 3, 4, 1],
    [3, 3, 1, 5, 1, 2], [5, 3, 3, 4, 1, 1], [3, 1, 5, 1, 5, 4], [3, 2, 2, 2, 4, 3],
    [1, 5, 4, 2, 3, 4], [1, 2, 5, 2, 2, 3], [1, 5, 2, 5, 4, 2], [3, 5, 3, 5, 5, 4],
    [2, 2, 5, 1, 4, 5], [5, 4, 4, 1, 2, 4], [5, 3, 4, 1, 3, 4], [5, 1, 1, 1, 1, 5],
]  # fmt: skip


def test_patternless_small_data_end_unconverged_not_in_a_linalg_error():
    fit = fit_grm(np.array(NOISE, dtype=float))
    assert not fit.converged
    assert np.isfinite(fit.loglik)
    assert np.isfinite(fit.parameters.a).all()


def test_a_float32_overflow_in_the_e_step_is_redone_without_a_warning():
    # Four people, slopes running off: a row's float32 log-likelihood lies far above its last
    # mode, exp overflows and the row is redone in float64. numpy printed
    # "RuntimeWarning: overflow encountered in exp" to the user on the way.
    nan = np.nan
    x = np.array([[2, 2, nan, 1], [1, 1, 2, 2], [2, 2, nan, 1], [1, nan, 1, 2]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_grm(x, max_cycles=50)
    assert np.isfinite(fit.loglik)
