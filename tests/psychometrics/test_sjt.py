from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicefit.psychometrics import (
    InvalidResponseError,
    KeyMismatchError,
    consensus_choice_key,
    consensus_key,
    score_most_least,
    score_ratings,
    sjt_item_statistics,
)

KEY = np.array([[5.0, 1.0, 3.0, 4.0], [2.0, 4.0, 1.0, 5.0]])  # 2 scenarios x 4 options


def test_it_gives_one_for_a_perfect_match_and_zero_for_the_worst():
    worst = np.where(KEY >= 3, 1.0, 5.0)
    result = score_ratings(np.stack([KEY, worst]), KEY, minimum=1, maximum=5)
    assert result.scores[0] == 1.0
    expected_distance = np.abs(worst - KEY).mean()
    assert result.distance[1] == pytest.approx(expected_distance)
    assert result.scores[1] == pytest.approx(1 - expected_distance / 4)


def test_it_squares_deviations_when_asked():
    ratings = KEY.copy()
    ratings[0, 0] = 3.0  # 2 points off on one of 8 options
    result = score_ratings(ratings[None], KEY, minimum=1, maximum=5, distance="squared")
    assert result.distance[0] == pytest.approx(4 / 8)
    assert result.scores[0] == pytest.approx(1 - (4 / 8) / 16)


def test_it_skips_unrated_options():
    ratings = KEY.copy()
    ratings[1, :] = np.nan
    result = score_ratings(ratings[None], KEY, minimum=1, maximum=5)
    assert result.n_answered[0] == 4
    assert result.scores[0] == 1.0


def test_it_removes_elevation_and_scatter_with_within_person_standardization():
    shifted = np.clip(KEY * 0.5 + 1.5, 1, 5)  # same profile, compressed and shifted
    raw = score_ratings(shifted[None], KEY, minimum=1, maximum=5)
    std = score_ratings(shifted[None], KEY, minimum=1, maximum=5, standardize=True)
    assert raw.scores[0] < 1.0
    assert std.scores[0] == pytest.approx(1.0)


def test_it_gives_no_standardized_score_to_flat_ratings():
    flat = np.full((1, 8), 3.0)
    result = score_ratings(flat, KEY, minimum=1, maximum=5, standardize=True)
    assert np.isnan(result.scores[0])


def test_it_refuses_a_key_of_the_wrong_size():
    with pytest.raises(KeyMismatchError, match="7 entries for 8"):
        score_ratings(np.ones((2, 8)), np.ones(7), minimum=1, maximum=5)


def test_it_refuses_out_of_range_ratings():
    with pytest.raises(InvalidResponseError, match="outside 1-5"):
        score_ratings(np.full((1, 8), 6.0), KEY, minimum=1, maximum=5)


@given(
    st.lists(st.integers(1, 5), min_size=8, max_size=8),
    st.integers(0, 7),
)
def test_it_never_lowers_the_score_when_a_rating_moves_towards_the_key(ratings, option):
    before = np.array(ratings, dtype=float)
    key = KEY.reshape(-1)
    after = before.copy()
    after[option] += np.sign(key[option] - before[option])
    for distance in ("absolute", "squared"):
        a = score_ratings(before[None], key, minimum=1, maximum=5, distance=distance)
        b = score_ratings(after[None], key, minimum=1, maximum=5, distance=distance)
        assert b.scores[0] >= a.scores[0]


def test_it_scores_most_least_picks_plus_one_minus_one_zero():
    key_best, key_worst = np.array([0, 3]), np.array([1, 2])
    most = np.array([[0, 3], [1, 0], [2, -1]])
    least = np.array([[1, 2], [0, 3], [3, -1]])
    result = score_most_least(most, least, key_best=key_best, key_worst=key_worst)
    np.testing.assert_array_equal(result.per_scenario, [[2, 2], [-2, -1], [0, 0]])
    np.testing.assert_array_equal(result.scores, [4, -3, 0])


def test_it_refuses_the_same_option_as_most_and_least():
    with pytest.raises(InvalidResponseError, match="picked twice"):
        score_most_least([[1]], [[1]], key_best=[0], key_worst=[2])


def test_it_builds_a_consensus_key_from_mean_or_mode():
    sample = np.array([[5, 1, 3], [4, 1, 3], [5, 2, 4], [5, 2, 4]], dtype=float)
    np.testing.assert_allclose(consensus_key(sample), [4.75, 1.5, 3.5])
    np.testing.assert_array_equal(consensus_key(sample, method="mode"), [5, 1, 3])
    choices = np.array([[0, 2], [0, 1], [1, 1]])
    np.testing.assert_array_equal(consensus_choice_key(choices, n_options=3), [0, 1])


def test_it_flags_a_key_that_disagrees_with_good_performers():
    rng = np.random.default_rng(7)
    ability = rng.normal(size=300)
    key = np.array([5.0, 1.0, 4.0, 2.0, 5.0])
    spread = 1.5 * np.exp(-ability)[:, None]  # better performers stay closer to the key
    ratings = np.clip(np.round(key + rng.normal(size=(300, 5)) * spread), 1, 5)
    bad_key = key.copy()
    bad_key[2] = 1.0  # experts got option 3 backwards
    stats = sjt_item_statistics(ratings, bad_key, minimum=1, maximum=5)
    assert stats.weak[2]
    assert any("from the sample mean" in r for r in stats.reasons[2])
    assert not stats.weak[0]
