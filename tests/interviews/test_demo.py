"""Demo interviews: panels of two with submitted, correlated scorecards."""

from __future__ import annotations

import random

import pytest

from servicefit.candidates.models import Stage
from servicefit.candidates.services import add_candidate
from servicefit.interviews.demo import add_demo_interviews
from servicefit.interviews.models import Scorecard
from servicefit.interviews.services import interview_summary, kit_for_interview

from .conftest import SCORES, give_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_job(job):
    """Six candidates with varied assessment scores and one not yet assessed."""
    rng = random.Random(11)
    for i in range(6):
        person = add_candidate(job=job, name=f"Person {i}", email=f"p{i}@example.com")
        give_result(person, {c: round(rng.uniform(1.5, 4.8), 2) for c in SCORES})
    add_candidate(job=job, name="Not assessed", email="na@example.com")
    return job


def test_demo_interviews_have_two_submitted_scorecards_that_agree_meaningfully(
    recruiter, interviewer, second_interviewer, make_user, scored_job
):
    third = make_user("tom", "interviewer")
    interviews = add_demo_interviews(
        job=scored_job,
        interviewers=[interviewer, second_interviewer, third],
        recruiter=recruiter,
        rng=random.Random(3),
        count=4,
    )
    done, upcoming = interviews[:4], interviews[4:]
    assert len(done) == 4 and len(upcoming) == 1
    for interview in done:
        assert interview.scorecards.submitted().count() == 2
        interview.candidate.refresh_from_db()
        assert interview.candidate.stage == Stage.INTERVIEW
        assert interview.candidate.stage_changes.last().changed_by == recruiter
    assert not upcoming[0].scorecards.exists()
    alphas = []
    for interview in done:
        summary = interview_summary(interview, kit_for_interview(interview, language="en"))
        assert summary.agreement is not None
        if summary.agreement.alpha is not None:
            alphas.append(summary.agreement.alpha)
    assert alphas and 0.2 < sum(alphas) / len(alphas) < 0.98
    assert set(Scorecard.objects.values_list("recommendation", flat=True)) <= {
        "strong_no",
        "no",
        "yes",
        "strong_yes",
    }


def test_demo_interviews_need_two_interviewers(recruiter, interviewer, job):
    with pytest.raises(ValueError):
        add_demo_interviews(
            job=job, interviewers=[interviewer], recruiter=recruiter, rng=random.Random(1), count=1
        )
