"""A standing's flags: minimums that an incomplete assessment left unmeasured."""

from __future__ import annotations

from servicefit.assessments.standings import standing_values
from servicefit.psychometrics import JobProfile, profile_composite

PROFILE = JobProfile(
    name="Support",
    weights={"empathy": 2.0, "composure": 1.0, "clear_communication": 1.0},
    minimums={"composure": 3.0},
)


def test_an_unscored_competency_with_a_minimum_is_listed_as_unmeasured():
    composite = profile_composite({"empathy": 4.5, "clear_communication": 4.0}, PROFILE)
    assert composite.composite is not None and composite.composite > 4  # re-weighted
    assert composite.unmeasured_minimum == ("composure",)
    assert composite.below_minimum == ()
    scored = profile_composite({"empathy": 4.5, "composure": 3.5}, PROFILE)
    assert scored.unmeasured_minimum == ()


def test_an_incomplete_assessment_that_leaves_a_minimum_unmeasured_is_flagged():
    values = standing_values(
        scores={"empathy": 4.5, "clear_communication": 4.0},
        sems={},
        result_flags=["incomplete"],
        profile=PROFILE,
    )
    assert values.flags == ("incomplete", "minimum_not_measured")


def test_a_complete_assessment_is_not_flagged_for_a_minimum_measured_elsewhere():
    # e.g. a competency only the interview measures: no score yet is not the candidate's doing
    values = standing_values(
        scores={"empathy": 4.5, "clear_communication": 4.0},
        sems={},
        result_flags=[],
        profile=PROFILE,
    )
    assert values.flags == ()


def test_recomputing_replaces_the_derived_flags():
    values = standing_values(
        scores={"empathy": 4.5, "composure": 2.0, "clear_communication": 4.0},
        sems={},
        result_flags=["incomplete", "minimum_not_measured", "below_minimum"],
        profile=PROFILE,
    )
    assert values.flags == ("incomplete", "below_minimum")
