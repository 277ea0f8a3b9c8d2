"""The API reads the back office's one rule for each status: the invitation's (``status_of``)
and the result's (``result_status``), so the API, the shortlist and the report never disagree."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from servicefit.api.results import result_status
from servicefit.api.routes.candidates import API_INVITATION_STATUS
from servicefit.assessments.emails import send_invitation
from servicefit.assessments.invitation_status import InvitationStatus, statuses_for
from servicefit.assessments.models import Invitation
from servicefit.assessments.services import create_invitation, start_session, withdraw
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.oversight.services import suspend_scoring

pytestmark = pytest.mark.django_db


def test_every_back_office_status_has_an_api_name():
    assert set(API_INVITATION_STATUS) == set(InvitationStatus)


def _invitation(api, person) -> dict:
    body = api.get(f"/api/v1/candidates/{person.pk}/invitation").json()
    listed = api.get(f"/api/v1/candidates/{person.pk}").json()
    assert listed["invitation_status"] == body["status"]
    # the same status the back office shows, in the API's words
    assert body["status"] == API_INVITATION_STATUS[statuses_for([person.pk])[person.pk]]
    return body


def test_the_invitation_status_follows_the_candidate(
    api, job, recruiter, django_capture_on_commit_callbacks
):
    person = add_candidate(job=job, name="Ola Berg", email="ola@example.com", language="nb")
    body = _invitation(api, person)
    assert (body["status"], body["email"], body["created_at"]) == ("none", None, None)
    assert api.get(f"/api/v1/candidates/{person.pk}").json()["stage"] == "invited"

    create_invitation(candidate=person, created_by=recruiter)
    assert (_invitation(api, person)["status"], _invitation(api, person)["email"]) == (
        "created",
        None,
    )
    send_invitation(candidate=person, sent_by=recruiter)  # queued: the worker has not run
    assert (_invitation(api, person)["status"], _invitation(api, person)["email"]) == (
        "created",
        "queued",
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(candidate=person, sent_by=recruiter)
    body = _invitation(api, person)
    assert (body["status"], body["email"]) == ("sent", "sent")
    assert body["sent_at"] is not None

    Invitation.objects.filter(pk=invitation.pk).update(opened_at=timezone.now())
    assert _invitation(api, person)["status"] == "opened"
    start_session(invitation=Invitation.objects.get(pk=invitation.pk), language="nb")
    body = _invitation(api, person)
    assert body["status"] == "started" and body["started_at"] is not None
    withdraw(invitation=Invitation.objects.get(pk=invitation.pk), reason="Another job")
    assert _invitation(api, person)["status"] == "withdrawn"


def test_expired_revoked_and_failed_invitations_are_not_reported_as_sent(api, job, recruiter):
    expired, revoked, failed = (
        add_candidate(job=job, name=name, email=f"{name}@example.com")
        for name in ("expired", "revoked", "failed")
    )
    old = create_invitation(candidate=expired, created_by=recruiter).invitation
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    gone = create_invitation(candidate=revoked, created_by=recruiter).invitation
    Invitation.objects.filter(pk=gone.pk).update(revoked_at=timezone.now())
    bounced = create_invitation(candidate=failed, created_by=recruiter).invitation
    Invitation.objects.filter(pk=bounced.pk).update(email_status="failed")
    assert [_invitation(api, p)["status"] for p in (expired, revoked, failed)] == [
        "expired",
        "revoked",
        "failed",
    ]
    listed = api.get("/api/v1/candidates", job=job.pk).json()["items"]
    assert {c["name"]: c["invitation_status"] for c in listed} == {
        "expired": "expired",
        "revoked": "revoked",
        "failed": "failed",
    }
    assert {c["stage"] for c in listed} == {"invited"}


def test_the_candidate_summary_and_the_result_agree_on_the_result_status(
    api, job, recruiter, admin_user
):
    rng = random.Random(3)
    add_candidate(job=job, name="Waiting", email="w@example.com")
    started = add_candidate(job=job, name="Started", email="s@example.com")
    start_session(
        invitation=create_invitation(candidate=started, created_by=recruiter).invitation,
        language="en",
    )
    leaving = add_candidate(job=job, name="Leaving", email="l@example.com")
    invitation = create_invitation(candidate=leaving, created_by=recruiter).invitation
    start_session(invitation=invitation, language="en")
    withdraw(invitation=invitation)
    unscored = add_candidate(job=job, name="Unscored", email="u@example.com")
    simulate_assessment(candidate=unscored, rng=rng, score=False)
    scored = add_candidate(job=job, name="Scored", email="d@example.com")
    simulate_assessment(candidate=scored, rng=rng)
    expected = {
        "Waiting": "not_started",
        "Started": "in_progress",
        "Leaving": "withdrawn",
        "Unscored": "submitted",
        "Scored": "scored",
    }

    def statuses() -> tuple[dict, dict]:
        items = api.get("/api/v1/candidates", job=job.pk).json()["items"]
        listed = {c["name"]: c["result_status"] for c in items}
        results = {
            c["name"]: api.get(f"/api/v1/candidates/{c['id']}/result").json()["status"]
            for c in items
        }
        return listed, results

    listed, results = statuses()
    assert listed == results == expected
    body = api.get(f"/api/v1/candidates/{scored.pk}/result").json()
    assert 1 <= body["composite"]["score"] <= 5

    suspend_scoring(job=job, suspended_by=admin_user, reason="Checking the key")
    listed, results = statuses()
    assert listed == results == expected | {"Scored": "submitted"}
    assert result_status(scored) == "submitted"
