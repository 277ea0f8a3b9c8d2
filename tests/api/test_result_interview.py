"""The API's competency scores include submitted interview ratings, as the report's do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.interviews.services import (
    competency_ratings,
    kit_for_interview,
    save_scorecard,
    schedule_interview,
)

pytestmark = pytest.mark.django_db


def test_result_competencies_include_interview_ratings_like_the_report(
    api, scored_candidate, recruiter, interviewer
):
    from servicefit.backoffice.report import build_report

    interview = schedule_interview(
        candidate=scored_candidate,
        scheduled_at=timezone.now() - timedelta(hours=2),
        interviewers=[interviewer],
        scheduled_by=recruiter,
    )
    kit = kit_for_interview(interview, language="en")
    saved = save_scorecard(
        interview=interview,
        interviewer=interviewer,
        kit=kit,
        ratings={q.id: 5 for q in kit.questions},
        recommendation="yes",
        submit=True,
    )
    assert saved.submitted
    rated = competency_ratings(scored_candidate)
    assert rated

    body = api.get(f"/api/v1/candidates/{scored_candidate.pk}/result").json()
    by_id = {c["competency"]: c for c in body["competencies"]}
    report = build_report(scored_candidate)
    shown = {c["id"]: c for c in report["competencies"]}
    for competency in rated:
        assert by_id[competency]["sources"]["interview"] == pytest.approx(rated[competency])
        assert by_id[competency]["score"] == pytest.approx(shown[competency]["score"])
