"""Percentiles only against enough scores of the competency itself (analyst audit)."""

from __future__ import annotations

import numpy as np
import pytest

from servicefit.assessments.models import NormGroup
from servicefit.assessments.norms import MIN_NORM_GROUP, percentile
from servicefit.psychometrics import build_norm

pytestmark = pytest.mark.django_db


def _group(scores_per_competency: dict[str, list[float]], n: int) -> NormGroup:
    return NormGroup.objects.create(
        name="test",
        content_version="test",
        scoring_version="test",
        n=n,
        statistics={
            c: {"n": len(v), "norm": build_norm(np.array(v), scale=c).to_dict()}
            for c, v in scores_per_competency.items()
        },
    )


def test_a_percentile_needs_thirty_scores_of_that_competency_not_thirty_results():
    many = [1.0 + 4.0 * i / 39 for i in range(40)]
    few = [2.0, 3.0, 4.0, 4.5, 5.0]  # 35 of the 40 results have no score here
    group = _group({"patience": many, "teamwork": few}, n=40)
    assert percentile(group, "patience", 3.0) == pytest.approx(
        100 * (sum(v < 3.0 for v in many) + sum(v == 3.0 for v in many) / 2) / 40
    )
    # 4.0 would be the 50th percentile of five people: not shown as if it were a norm
    assert percentile(group, "teamwork", 4.0) is None


def test_exactly_the_minimum_is_enough():
    scores = [1.0 + i / 10 for i in range(MIN_NORM_GROUP)]
    group = _group({"patience": scores}, n=MIN_NORM_GROUP)
    assert percentile(group, "patience", scores[0]) == pytest.approx(100 * 0.5 / MIN_NORM_GROUP)
