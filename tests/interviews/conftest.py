"""Personas and a scored candidate for the interview tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.assessments.models import AssessmentSession, Result
from servicefit.candidates.services import add_candidate

# Phone-support weights favour composure (0.12), active listening (0.11), patience (0.10).
SCORES = {
    "composure": 2.0,  # priority 0.12 x 3 = 0.36
    "active_listening": 4.5,  # 0.11 x 0.5 = 0.055
    "patience": 3.0,  # 0.10 x 2 = 0.20
    "empathy": 1.5,  # 0.08 x 3.5 = 0.28
    "clear_communication": 4.8,
    "emotional_distance": 2.5,  # 0.08 x 2.5 = 0.20 (tie with patience; higher weight wins)
    "problem_solving": 4.0,
    "valuing_customer": 4.2,
    "courtesy": 4.9,
    "organisation": 3.5,
    "positive_attitude": 4.0,
    "assertiveness": 3.5,
    "learning": 4.0,
    "helpfulness": 4.4,
    "teamwork": 3.9,
    "digital_competence": None,  # 0.03 x 2.5 = 0.075
}
EXPECTED_AREAS = ["composure", "empathy", "patience"]


def give_result(candidate, scores):
    session = AssessmentSession.objects.create(
        candidate=candidate,
        content_version="test",
        privacy_notice_version="1",
        automation_notice_version="1",
        consented_at=timezone.now(),
        language="en",
        reply_message="late_delivery",
        submitted_at=timezone.now(),
    )
    competencies = {c: {"score": s, "sources": {}} for c, s in scores.items()}
    return Result.objects.create(
        session=session, content_version="test", scoring_version="test", competencies=competencies
    )


@pytest.fixture
def candidate(job, recruiter):
    person = add_candidate(
        job=job, name="Sam <script>alert(1)</script>", email="sam@example.com", added_by=recruiter
    )
    give_result(person, SCORES)
    return person


@pytest.fixture
def second_interviewer(make_user):
    return make_user("iris", "interviewer", first_name="Iris")


@pytest.fixture
def outsider(make_user):
    """An interviewer who is on no panel."""
    return make_user("otto", "interviewer")


@pytest.fixture
def interview(candidate, recruiter, interviewer, second_interviewer):
    from servicefit.interviews.services import schedule_interview

    return schedule_interview(
        candidate=candidate,
        # Started already (earlier today): a scorecard is submitted only once it has started.
        scheduled_at=max(
            timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0),
            timezone.now() - timedelta(hours=1),
        ),
        interviewers=[interviewer, second_interviewer],
        scheduled_by=recruiter,
        location="Room 1",
    )


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
