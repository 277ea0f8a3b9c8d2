"""Scheduling an interview: panel, stage move with who and when, audit, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Stage, StageChange
from servicefit.candidates.services import move_to_stage
from servicefit.interviews.models import Interview
from servicefit.interviews.services import SchedulingError, schedule_interview

from .conftest import EXPECTED_AREAS

pytestmark = pytest.mark.django_db


def form_data(*interviewers, when="2030-05-06T10:30"):
    return {
        "scheduled_at": when,
        "duration_minutes": "45",
        "location": "https://meet.example.invalid/abc",
        "interviewers": [u.pk for u in interviewers],
        "notes": "Ask about the night shift.",
    }


def test_scheduling_moves_the_candidate_to_interview_recorded_with_the_recruiter(
    login, recruiter, interviewer, second_interviewer, candidate
):
    response = login(recruiter).post(
        reverse("interviews:schedule", args=[candidate.pk]),
        form_data(interviewer, second_interviewer),
    )
    interview = Interview.objects.get(candidate=candidate)
    assert response.status_code == 302
    assert response["Location"] == reverse("interviews:detail", args=[interview.pk])
    assert set(interview.interviewers.all()) == {interviewer, second_interviewer}
    assert interview.focus == EXPECTED_AREAS
    assert interview.location == "https://meet.example.invalid/abc"
    assert interview.duration_minutes == 45
    candidate.refresh_from_db()
    assert candidate.stage == Stage.INTERVIEW
    change = StageChange.objects.filter(candidate=candidate).last()
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        Stage.INVITED,
        Stage.INTERVIEW,
        recruiter,
    )
    scheduled = AuditEvent.objects.get(action="interview.scheduled", candidate=candidate)
    assert scheduled.actor == recruiter
    assert set(scheduled.detail["interviewers"]) == {"ivo", "iris"}
    assert AuditEvent.objects.filter(
        action="candidate.stage_changed", candidate=candidate, actor=recruiter
    ).exists()


def test_a_second_interview_does_not_move_the_stage_again(
    recruiter, interviewer, candidate, interview
):
    changes = StageChange.objects.filter(candidate=candidate).count()
    schedule_interview(
        candidate=candidate,
        scheduled_at=timezone.now() + timedelta(days=3),
        interviewers=[interviewer],
        scheduled_by=recruiter,
    )
    assert StageChange.objects.filter(candidate=candidate).count() == changes


def test_it_refuses_a_rejected_candidate_and_changes_nothing(
    login, recruiter, interviewer, candidate
):
    move_to_stage(candidate=candidate, stage=Stage.REJECTED, changed_by=recruiter)
    response = login(recruiter).post(
        reverse("interviews:schedule", args=[candidate.pk]), form_data(interviewer)
    )
    assert response.status_code == 400
    assert "Move them back into the pipeline first" in response.content.decode()
    assert not Interview.objects.exists()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.REJECTED


def test_it_needs_an_interviewer_and_a_valid_time(login, recruiter, candidate):
    response = login(recruiter).post(
        reverse("interviews:schedule", args=[candidate.pk]), form_data(when="next tuesday")
    )
    assert response.status_code == 400
    assert not Interview.objects.exists()
    form = response.context["form"]
    assert "interviewers" in form.errors and "scheduled_at" in form.errors


def test_a_day_before_today_is_refused_with_a_field_error(login, recruiter, interviewer, candidate):
    yesterday = timezone.localtime() - timedelta(days=1)
    response = login(recruiter).post(
        reverse("interviews:schedule", args=[candidate.pk]),
        form_data(interviewer, when=yesterday.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["scheduled_at"] == [
        "This date has passed. Choose today or a later day."
    ]
    assert not Interview.objects.exists()
    candidate.refresh_from_db()
    assert candidate.stage != Stage.INTERVIEW


def test_an_interview_earlier_today_can_be_recorded(login, recruiter, interviewer, candidate):
    today = timezone.localtime().replace(hour=0, minute=5)
    response = login(recruiter).post(
        reverse("interviews:schedule", args=[candidate.pk]),
        form_data(interviewer, when=today.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 302
    assert timezone.localtime(Interview.objects.get().scheduled_at).date() == today.date()


def test_the_past_date_error_is_translated(login, recruiter, interviewer, candidate):
    response = login(recruiter).post(
        reverse("interviews:schedule", args=[candidate.pk]),
        form_data(interviewer, when="2020-01-02T10:00"),
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert "Denne dato er passeret. Vælg i dag eller en senere dag." in response.content.decode()


def test_an_inactive_user_cannot_be_put_on_a_panel(recruiter, interviewer, candidate):
    interviewer.is_active = False
    interviewer.save()
    with pytest.raises(SchedulingError):
        schedule_interview(
            candidate=candidate,
            scheduled_at=timezone.now(),
            interviewers=[interviewer],
            scheduled_by=recruiter,
        )
    assert not Interview.objects.exists()


def test_the_schedule_form_offers_interviewers_and_recruiters(
    login, recruiter, interviewer, candidate
):
    response = login(recruiter).get(reverse("interviews:schedule", args=[candidate.pk]))
    choices = {u.pk for u in response.context["form"].fields["interviewers"].queryset}
    assert {recruiter.pk, interviewer.pk} <= choices


def test_the_schedule_form_sent_twice_adds_one_interview(login, recruiter, interviewer, candidate):
    """A double click, or Back and send again: the second request leads to the interview the
    first one scheduled, and nothing is added."""
    client = login(recruiter)
    url = reverse("interviews:schedule", args=[candidate.pk])
    first = client.post(url, form_data(interviewer))
    second = client.post(url, form_data(interviewer))
    interview = Interview.objects.get(candidate=candidate)  # one, not two
    assert (
        first["Location"] == second["Location"] == reverse("interviews:detail", args=[interview.pk])
    )
    assert AuditEvent.objects.filter(action="interview.scheduled").count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "This interview was already scheduled; nothing was added." in page
    # another time is another interview
    assert client.post(url, form_data(interviewer, when="2030-05-07T10:30")).status_code == 302
    assert Interview.objects.filter(candidate=candidate).count() == 2
