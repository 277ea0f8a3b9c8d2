from __future__ import annotations

import numpy as np
import pytest

from servicefit.psychometrics import (
    JobProfile,
    KeyMismatchError,
    composite_scores,
    profile_composite,
)

PROFILE = JobProfile(
    name="phone",
    weights={"empathy": 2.0, "patience": 1.0, "composure": 1.0},
    minimums={"composure": 2.5},
)
MEANS = {"empathy": 3.0, "patience": 3.0, "composure": 3.0}
SDS = {"empathy": 1.0, "patience": 0.5, "composure": 1.0}


def scores() -> dict[str, np.ndarray]:
    return {
        "empathy": np.array([4.0, 3.0, 2.0, 4.0]),
        "patience": np.array([3.5, 3.0, 3.0, 3.5]),
        "composure": np.array([2.0, 3.0, 5.0, 2.0]),
    }


def test_it_weights_standardized_scores():
    result = composite_scores(scores(), PROFILE, means=MEANS, sds=SDS)
    # candidate 0: z = (1, 1, -1), weights (.5, .25, .25)
    assert result.composite[0] == pytest.approx(0.5 + 0.25 - 0.25)
    assert result.composite[1] == pytest.approx(0.0)


def test_it_flags_minimums_but_still_scores_and_ranks():
    result = composite_scores(scores(), PROFILE, means=MEANS, sds=SDS)
    np.testing.assert_array_equal(result.flagged, [True, False, False, True])
    assert result.rank[0] > 0 and not np.isnan(result.composite[0])


def test_it_ranks_ties_together():
    result = composite_scores(scores(), PROFILE, means=MEANS, sds=SDS)
    np.testing.assert_array_equal(result.rank, [1, 3, 3, 1])


def test_it_gives_a_band_from_the_competency_reliabilities():
    rel = {"empathy": 0.8, "patience": 0.7, "composure": 0.75}
    result = composite_scores(scores(), PROFILE, means=MEANS, sds=SDS, reliabilities=rel)
    se = np.sqrt(0.5**2 * 0.2 + 0.25**2 * 0.3 + 0.25**2 * 0.25)
    np.testing.assert_allclose(result.standard_error, se)
    np.testing.assert_allclose(result.upper - result.composite, 1.959963984540054 * se)


def test_it_explains_each_competencys_contribution():
    result = composite_scores(scores(), PROFILE, means=MEANS, sds=SDS)
    explanation = result.explain(0)
    total = sum(c.contribution for c in explanation.contributions)
    assert total == pytest.approx(explanation.composite)
    composure = next(c for c in explanation.contributions if c.competency == "composure")
    assert composure.below_minimum and composure.minimum == 2.5
    assert explanation.flags == ("composure 2 below minimum 2.5",)


def test_it_renormalises_weights_over_the_scores_a_candidate_has():
    s = scores()
    s["patience"][1] = np.nan
    result = composite_scores(s, PROFILE, means=MEANS, sds=SDS)
    np.testing.assert_allclose(result.weights[1], [2 / 3, 0, 1 / 3])


def test_it_refuses_a_profile_with_a_missing_competency():
    s = scores()
    del s["patience"]
    with pytest.raises(KeyMismatchError, match="patience"):
        composite_scores(s, PROFILE)


def test_it_refuses_minimums_on_unweighted_competencies():
    with pytest.raises(KeyMismatchError, match="listening"):
        JobProfile(name="x", weights={"empathy": 1.0}, minimums={"listening": 2.0})


def test_profile_composite_is_the_weighted_mean_on_the_score_scale():
    profile = JobProfile("desk", {"a": 3.0, "b": 1.0, "c": 1.0}, minimums={"b": 3.0})
    result = profile_composite({"a": 4.0, "b": 2.0, "c": None}, profile, sems={"a": 0.3, "b": 0.4})
    # weights renormalised over a and b: 3/4 and 1/4
    assert result.weights == {"a": 0.75, "b": 0.25}
    assert result.composite == pytest.approx(0.75 * 4.0 + 0.25 * 2.0)
    se = np.sqrt(0.75**2 * 0.3**2 + 0.25**2 * 0.4**2)
    assert result.standard_error == pytest.approx(se)
    assert result.lower == pytest.approx(3.5 - 1.959964 * se, abs=1e-6)
    assert result.upper == pytest.approx(3.5 + 1.959964 * se, abs=1e-6)
    assert result.below_minimum == ("b",)


def test_profile_composite_clips_the_band_and_withholds_it_without_every_sem():
    profile = JobProfile("desk", {"a": 1.0, "b": 1.0})
    high = profile_composite({"a": 5.0, "b": 5.0}, profile, sems={"a": 0.5, "b": 0.5})
    assert high.composite == 5.0 and high.upper == 5.0 and high.lower < 5.0
    partial = profile_composite({"a": 4.0, "b": 2.0}, profile, sems={"a": 0.5})
    assert partial.composite == 3.0
    assert partial.lower is None and partial.upper is None
    nothing = profile_composite({"a": None}, profile)
    assert nothing.composite is None
