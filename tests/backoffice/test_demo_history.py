"""The demo's stage history is dated when each step would have happened, not at load time.

A new-user trial found every history entry stamped with the moment `make run` loaded the demo
(days after the assessments were submitted) and the dashboard's days in stage at 0.0 d.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from servicefit.candidates.models import Stage, StageChange
from servicefit.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_stage_history_follows_the_assessment_sessions(client):
    job = load_demo().job
    now = timezone.now()
    candidates = list(job.candidates.select_related("assessment"))
    assert all(c.stage_changed_at < now - timedelta(hours=1) for c in candidates)
    for candidate in candidates:
        changes = list(StageChange.objects.filter(candidate=candidate).order_by("id"))
        times = [c.changed_at for c in changes]
        assert times == sorted(times) and times[-1] == candidate.stage_changed_at
        session = getattr(candidate, "assessment", None)
        if session is not None and session.submitted_at is not None:
            completed = next(c for c in changes if c.to_stage == Stage.COMPLETED)
            assert completed.changed_at == session.submitted_at
            assert completed.changed_at > changes[0].changed_at  # invited before
    client.force_login(job.created_by)
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert page.count(" d</td>") > page.count("0.0 d</td>")


def test_demo_audit_log_is_dated_like_the_steps_it_records(client):
    """The audit log on a demo candidate's page tells the stage history's story, not "everything
    happened just now": each event is dated when its step is."""
    from servicefit.assessments.models import Invitation
    from servicefit.audit.models import AuditEvent
    from servicefit.interviews.models import Interview, Scorecard

    started = timezone.now()
    job = load_demo().job
    events = AuditEvent.objects.filter(job=job)
    created = events.get(action="job.created").at
    assert job.created_at == created
    for candidate in job.candidates.select_related("assessment"):
        trail = list(events.filter(candidate=candidate).order_by("at", "id"))
        assert all(created < e.at < started for e in trail), candidate
        assert trail[0].action == "candidate.added" and candidate.created_at == trail[0].at
        moves = [e for e in trail if e.action == "candidate.stage_changed"]
        changes = list(candidate.stage_changes.exclude(from_stage="").order_by("id"))
        assert [(e.detail["to_stage"], e.at) for e in moves] == [
            (c.to_stage, c.changed_at) for c in changes
        ]
        links = [e.at for e in trail if e.action == "invitation.created"]
        assert links == list(
            Invitation.objects.filter(candidate=candidate)
            .order_by("id")
            .values_list("created_at", flat=True)
        )
        session = getattr(candidate, "assessment", None)
        for event in trail:
            if event.action == "assessment.scored":
                assert session.submitted_at < event.at < session.submitted_at + timedelta(hours=1)
            if event.action == "interview.scheduled":
                interview = Interview.objects.get(pk=event.detail["interview_id"])
                assert event.at == interview.created_at <= interview.scheduled_at
                assert session is None or session.submitted_at < event.at
            if event.action == "scorecard.submitted":
                scorecard = Scorecard.objects.get(pk=event.detail["scorecard_id"])
                assert event.at == scorecard.submitted_at >= scorecard.interview.ends_at
    assert events.filter(action="scorecard.submitted").count() >= 8
    # the page's audit trail (newest first) continues from this view with the latest decision
    hired = job.candidates.filter(stage="hired").first()
    client.force_login(job.created_by)
    response = client.get(reverse("backoffice:candidate_report", args=[hired.pk]))
    viewed, latest, *_older = response.context["audit"]
    assert viewed.action == "candidate.report_viewed" and viewed.at > started
    assert (latest.action, latest.detail["to_stage"]) == ("candidate.stage_changed", "hired")
    assert latest.at == hired.stage_changed_at
