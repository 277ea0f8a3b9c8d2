from __future__ import annotations

import numpy as np
import pytest

from servicefit.psychometrics import InsufficientDataError, aggregate_ratings, rater_deviation


def test_it_aggregates_ratings_per_competency_over_interviewers():
    ratings = np.array([[[4, 2], [5, np.nan], [3, 3]]], dtype=float)  # 1 cand, 3 raters, 2 comp
    result = aggregate_ratings(ratings)
    np.testing.assert_allclose(result.mean, [[4.0, 2.5]])
    np.testing.assert_array_equal(result.n_raters, [[3, 2]])
    np.testing.assert_allclose(result.sd, [[1.0, np.sqrt(0.5)]])


def test_it_flags_a_rater_far_from_the_others():
    rng = np.random.default_rng(11)
    truth = rng.integers(1, 6, size=20).astype(float)
    lenient = np.clip(truth + 1, 1, 5)
    ratings = np.column_stack([truth, truth, truth, lenient, 6 - truth])
    result = rater_deviation(ratings, threshold=1.0)
    np.testing.assert_array_equal(result.flagged, [False, False, False, False, True])
    assert result.correlation_with_others[4] < 0 < result.correlation_with_others[0]


def test_it_needs_three_raters_to_flag_one():
    with pytest.raises(InsufficientDataError, match="3 raters"):
        rater_deviation(np.ones((4, 2)))
