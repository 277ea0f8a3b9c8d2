"""The candidate's strengths and areas to grow (analyst audit).

Competencies differ in level, so the feedback compares where the candidate stands among
others (z in the norm group), not raw 1–5 scores; and a competency is never both a strength
and an area to grow.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from servicefit.assessments.models import AssessmentSession, NormGroup
from servicefit.assessments.results import store_result
from servicefit.portal.feedback import feedback_for

pytestmark = pytest.mark.django_db

COMPETENCIES = (
    "clear_communication",
    "composure",
    "patience",
    "empathy",
    "teamwork",
    "courtesy",
    "learning",
)


def _scored(scores: dict[str, float], norms: dict[str, tuple[float, float]] | None):
    session = AssessmentSession.objects.get()
    session.submitted_at = timezone.now()
    session.save()
    result = store_result(session=session)
    result.competencies = {
        c: {"score": scores.get(c), "sources": {"questionnaire": scores[c]} if c in scores else {}}
        for c in result.competencies
    }
    if norms is not None:
        result.norm_group = NormGroup.objects.create(
            name="test",
            content_version=result.content_version,
            scoring_version=result.scoring_version,
            n=300,
            statistics={c: {"n": 300, "mean": m, "sd": sd} for c, (m, sd) in norms.items()},
        )
    result.save()
    result.__dict__.pop("record", None)
    return session


def _names(items):
    return [i["name"] for i in items]


def test_areas_to_grow_are_where_the_candidate_stands_lowest_among_others(started):
    # Clear communication has the lowest raw score (3.1) but is above its group's mean (3.0);
    # composure (3.5) is a full SD below its mean (4.0).
    scores = dict(zip(COMPETENCIES, (3.1, 3.5, 4.4, 3.9, 3.9, 3.6, 3.8), strict=True))
    norms = {
        "clear_communication": (3.0, 0.5),
        "composure": (4.0, 0.5),
        "patience": (3.6, 0.5),
        "empathy": (3.4, 0.5),
        "teamwork": (3.5, 0.5),
        "courtesy": (3.6, 0.5),
        "learning": (3.8, 0.5),
    }
    feedback = feedback_for(_scored(scores, norms))
    # z: patience 1.6, empathy 1.0, teamwork 0.8, clear 0.2, courtesy 0, learning 0, composure -1
    assert _names(feedback["strengths"]) == ["Patience", "Empathy", "Teamwork"]
    assert _names(feedback["develop"])[0] == "Composure under pressure"
    assert "Clear communication" not in _names(feedback["develop"])


def test_without_a_norm_group_raw_scores_are_compared(started):
    scores = dict(zip(COMPETENCIES, (3.1, 3.5, 4.4, 3.9, 3.8, 3.6, 3.7), strict=True))
    feedback = feedback_for(_scored(scores, None))
    assert _names(feedback["strengths"])[0] == "Patience"
    assert _names(feedback["develop"])[0] == "Clear communication"


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_a_competency_is_never_both_a_strength_and_an_area_to_grow(started, count):
    scores = {c: 2.0 + 0.3 * i for i, c in enumerate(COMPETENCIES[:count])}
    feedback = feedback_for(_scored(scores, None))
    strengths, develop = _names(feedback["strengths"]), _names(feedback["develop"])
    assert not set(strengths) & set(develop)
    assert len(strengths) + len(develop) == count
    assert len(strengths) >= len(develop)


def test_every_answer_the_same_names_no_strength_and_no_area_to_grow(started):
    """Equal scores were split by the competencies' order in the content: the first three
    became "strengths" and the last three "areas to grow"."""
    feedback = feedback_for(_scored(dict.fromkeys(COMPETENCIES, 3.0), None))
    assert feedback["strengths"] == [] and feedback["develop"] == []
    assert feedback["even"] is True


def test_a_tie_across_the_cut_is_named_on_neither_side(started):
    scores = dict(zip(COMPETENCIES, (4.0, 4.0, 4.0, 4.0, 3.0, 2.0, 1.0), strict=True))
    feedback = feedback_for(_scored(scores, None))
    assert feedback["strengths"] == []  # four tied at the top, three places
    assert _names(feedback["develop"]) == [
        "Willingness to learn",
        "Courtesy and professional conduct",
        "Teamwork",
    ]
    assert feedback["even"] is False


def test_the_thank_you_page_says_when_every_competency_is_level(started, client):
    from django.urls import reverse

    _scored(dict.fromkeys(COMPETENCIES, 3.0), None)
    page = client.get(reverse("portal:done", args=[started])).content.decode()
    assert "Your answers put every competency at the same level" in page
    assert "too few questions" not in page
