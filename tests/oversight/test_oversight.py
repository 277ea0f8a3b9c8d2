"""Suspending scoring, review requests, the explanation and the decision-log retention."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from servicefit.assessments.services import create_invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.services import add_candidate, move_to_stage
from servicefit.checks import check_oversight_settings
from servicefit.demo_assessments import simulate_assessment
from servicefit.oversight.models import ReviewRequest, ScoringSuspension
from servicefit.oversight.services import (
    OversightError,
    purge_decision_log,
    request_review,
    resolve_request,
    suspend_scoring,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(job, recruiter):
    rng = random.Random(4)
    people = []
    for i in range(3):
        person = add_candidate(job=job, name=f"Scored {i}", email=f"s{i}@example.com")
        simulate_assessment(candidate=person, rng=rng)
        people.append(person)
    move_to_stage(
        candidate=people[0],
        stage="shortlisted",
        changed_by=recruiter,
        reason_code="assessment",
        note="Strong on composure",
    )
    return people


@pytest.fixture
def token(scored, recruiter):
    return create_invitation(candidate=scored[0], created_by=recruiter).token


def test_only_an_admin_can_suspend_and_it_is_logged(client, job, recruiter, admin_user, scored):
    client.force_login(recruiter)
    url = reverse("backoffice:scoring_suspend", args=[job.pk])
    assert client.post(url, {"reason": "check"}).status_code == 403
    assert not ScoringSuspension.objects.exists()
    client.force_login(admin_user)
    client.post(url, {"reason": "Four-fifths flag at shortlisting"})
    suspension = ScoringSuspension.objects.get()
    assert suspension.suspended_by == admin_user and suspension.resumed_at is None
    assert AuditEvent.objects.filter(action="scoring.suspended", actor=admin_user, job=job).exists()
    # twice is refused, not a second row
    with pytest.raises(OversightError):
        suspend_scoring(job=job, suspended_by=admin_user, reason="again")
    client.post(reverse("backoffice:scoring_resume", args=[job.pk]))
    suspension.refresh_from_db()
    assert suspension.resumed_by == admin_user and suspension.resumed_at is not None
    assert AuditEvent.objects.filter(action="scoring.resumed", job=job).exists()


@pytest.mark.slow
def test_while_suspended_no_score_or_rank_is_shown_anywhere(
    client, job, recruiter, admin_user, scored, token
):
    client.force_login(recruiter)
    shortlist = client.get(reverse("backoffice:job_detail", args=[job.pk])).content.decode()
    assert "Ranked shortlist" in shortlist
    suspend_scoring(job=job, suspended_by=admin_user, reason="Content error under review")
    page = client.get(reverse("backoffice:job_detail", args=[job.pk])).content.decode()
    assert "Scoring suspended" in page and "Content error under review" in page
    assert "Ranked shortlist" not in page and "Scored 1" in page
    report = client.get(reverse("backoffice:candidate_report", args=[scored[0].pk]))
    text = report.content.decode()
    assert "Competency profile" not in text and "Scoring suspended" in text
    assert report.context["result"] is None
    export = client.get(reverse("backoffice:job_export", args=[job.pk, "csv"]))
    assert export.status_code == 302
    pdf = client.get(reverse("backoffice:candidate_report_pdf", args=[scored[0].pk]))
    assert pdf.status_code == 302
    explanation = json.loads(
        client.get(reverse("backoffice:candidate_explanation_json", args=[scored[0].pk])).content
    )
    assert explanation["scoring_suspended"] is True and explanation["scores"] is None
    done = client.get(reverse("portal:done", args=[token]))
    assert done.context["feedback"] is None
    client.force_login(admin_user)
    client.post(reverse("backoffice:scoring_resume", args=[job.pk]))
    assert client.get(reverse("portal:done", args=[token])).context["feedback"] is not None
    assert (
        "Ranked shortlist"
        in client.get(reverse("backoffice:job_detail", args=[job.pk])).content.decode()
    )


def test_a_candidate_request_lands_in_the_queue_with_a_deadline(
    client, scored, token, recruiter, interviewer
):
    response = client.post(
        reverse("portal:contest", args=[token]),
        {"kind": "contest", "message": "My reply was <b>misread</b>"},
    )
    assert response.status_code == 200
    review = ReviewRequest.objects.get()
    assert "will answer by" in client.get(reverse("portal:done", args=[token])).content.decode()
    assert review.candidate == scored[0] and review.kind == "contest"
    assert timedelta(days=13) < review.due_at - review.created_at <= timedelta(days=14)
    # a double submit does not create a second request
    client.post(
        reverse("portal:contest", args=[token]),
        {"kind": "contest", "message": "My reply was <b>misread</b>"},
    )
    assert ReviewRequest.objects.count() == 1
    client.force_login(interviewer)
    assert client.get(reverse("backoffice:review_queue")).status_code == 403
    client.force_login(recruiter)
    queue = client.get(reverse("backoffice:review_queue")).content.decode()
    assert "Scored 0" in queue and "&lt;b&gt;misread&lt;/b&gt;" in queue
    client.post(
        reverse("backoffice:review_resolve", args=[review.pk]),
        {"response": "Re-read the reply with a colleague; rating stands."},
    )
    review.refresh_from_db()
    assert review.resolved_by == recruiter and review.response.startswith("Re-read")
    client.logout()
    done = client.get(reverse("portal:done", args=[token])).content.decode()
    assert "Re-read the reply with a colleague; rating stands." in done
    with pytest.raises(OversightError):
        resolve_request(review=review, resolved_by=recruiter, response="again")


def test_an_empty_or_unknown_request_is_refused(client, token, scored):
    response = client.post(reverse("portal:contest", args=[token]), {"kind": "x", "message": ""})
    assert response.status_code == 400
    assert not ReviewRequest.objects.exists()
    with pytest.raises(OversightError):
        request_review(candidate=scored[0], kind="review", message="   ")


def test_the_explanation_says_what_was_measured_and_who_decided(client, recruiter, scored):
    client.force_login(recruiter)
    data = json.loads(
        client.get(reverse("backoffice:candidate_explanation_json", args=[scored[0].pk])).content
    )
    assert data["candidate"]["name"] == "Scored 0"
    assert {c["id"] for c in data["what_was_measured"]["competencies"]} >= {"empathy", "patience"}
    assert data["scores"]["composite"] is not None
    assert all(len(c["band"]) == 2 for c in data["scores"]["competencies"])
    assert data["evidence"]["scenarios"]
    shortlisted = next(d for d in data["decisions"] if d["to"] == "shortlisted")
    assert shortlisted["decided_by"] == "rita" and shortlisted["reason"] == "assessment"
    assert shortlisted["note"] == "Strong on composure"
    page = client.get(reverse("backoffice:candidate_explanation", args=[scored[0].pk]))
    assert "Who decided, and why" in page.content.decode()
    assert AuditEvent.objects.filter(action="candidate.explanation_exported").count() == 2


def test_the_decision_log_is_kept_at_least_six_months(job, recruiter):
    old = AuditEvent.objects.create(
        action="x.old", job=job, at=timezone.now() - timedelta(days=200)
    )
    kept = AuditEvent.objects.create(
        action="x.kept", job=job, at=timezone.now() - timedelta(days=150)
    )
    assert purge_decision_log(dry_run=True) >= 1
    call_command("purge_expired")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    with override_settings(DECISION_LOG_RETENTION_DAYS=90):
        assert [e.id for e in check_oversight_settings()] == ["servicefit.E010"]
    assert check_oversight_settings() == []


@pytest.mark.parametrize("page", ["portal:contest", "portal:self_identify"])
def test_the_pages_after_submission_speak_the_candidates_language(client, job, recruiter, page):
    person = add_candidate(job=job, name="Kari", email="kari@example.com", language="nb")
    simulate_assessment(candidate=person, rng=random.Random(5))
    token = create_invitation(candidate=person, created_by=recruiter).token

    response = client.get(reverse(page, args=[token]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<html lang="nb"' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_answer_is_emailed_to_the_candidate_in_their_language_once(job, recruiter):
    """The thank-you page that shows the answer closes SERVICEFIT_FEEDBACK_DAYS after submitting,
    so a request answered later would never reach the candidate without the e-mail."""
    from django.core import mail

    from servicefit.oversight.emails import send_review_answer

    person = add_candidate(job=job, name="Ola Nordmann", email="ola@example.no", language="nb")
    simulate_assessment(candidate=person, rng=random.Random(5))
    review = request_review(candidate=person, kind="contest", message="Svaret mitt ble feillest")
    mail.outbox.clear()
    resolve_request(review=review, resolved_by=recruiter, response="Vi har lest svaret på nytt.")
    (message,) = mail.outbox
    assert message.to == ["ola@example.no"]
    assert "Vi har lest svaret på nytt." in message.body
    assert message.body.startswith("Hei Ola Nordmann")  # Norwegian, the candidate's language
    assert "(Jeg bestrider beslutningen eller resultatet)" in message.body  # the kind, too
    assert "/a/" not in message.body  # the answer itself, no link that may have closed
    assert send_review_answer(review_id=review.pk) is False  # a task run again sends nothing
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="review.answer_emailed", candidate=person).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "backend",
    [
        "servicefit.security.mail.ConsoleEmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ],
)
def test_without_an_email_server_the_audit_says_the_answer_was_not_emailed(
    job, recruiter, settings, backend
):
    settings.EMAIL_BACKEND = backend
    person = add_candidate(job=job, name="Ola Nordmann", email="ola@example.no", language="nb")
    simulate_assessment(candidate=person, rng=random.Random(5))
    review = request_review(candidate=person, kind="contest", message="Svaret mitt ble feillest")
    resolve_request(review=review, resolved_by=recruiter, response="Vi har lest svaret på nytt.")
    actions = list(
        AuditEvent.objects.filter(candidate=person, action__startswith="review.answer")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["review.answer_email_queued", "review.answer_not_emailed"]
    queued = AuditEvent.objects.get(action="review.answer_email_queued")
    assert queued.actor == recruiter and queued.detail == {"request": review.pk}
    not_sent = AuditEvent.objects.get(action="review.answer_not_emailed")
    assert not_sent.detail == {"request": review.pk, "reason": "e-mail is not configured"}


@pytest.mark.django_db(transaction=True)
def test_a_queued_answer_is_audited_as_queued_until_the_worker_sends_it(job, recruiter, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    person = add_candidate(job=job, name="Ola Nordmann", email="ola@example.no", language="nb")
    simulate_assessment(candidate=person, rng=random.Random(5))
    review = request_review(candidate=person, kind="contest", message="Svaret mitt ble feillest")
    resolve_request(review=review, resolved_by=recruiter, response="Vi har lest svaret på nytt.")
    answered = AuditEvent.objects.filter(candidate=person, action__startswith="review.answer")
    assert list(answered.values_list("action", flat=True)) == ["review.answer_email_queued"]

    from servicefit.oversight.emails import send_review_answer

    assert send_review_answer(review_id=review.pk) is True  # what the worker runs
    assert answered.filter(action="review.answer_emailed").count() == 1
