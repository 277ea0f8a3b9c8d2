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
