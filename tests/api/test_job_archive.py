"""Closing (archiving) a job through the API, and what a closed job refuses there."""

from __future__ import annotations

import pytest

from servicefit.assessments.models import Invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(job):
    return add_candidate(job=job, name="Wanda", email="wanda@example.com")


def test_the_api_archives_lists_and_refuses(api, job, waiting):
    other = Job.objects.create(title="Open", channel=job.channel, profile_template="x")
    response = api.post(f"/api/v1/jobs/{job.pk}/archive")
    assert response.status_code == 200 and response.json()["archived"] is True
    assert AuditEvent.objects.filter(action="job.closed", job=job).exists()
    ids = lambda **q: [j["id"] for j in api.get("/api/v1/jobs", **q).json()["items"]]  # noqa: E731
    assert ids(archived="true") == [job.pk]
    assert ids(archived="false") == [other.pk]
    assert sorted(ids()) == sorted([job.pk, other.pk])
    added = api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "N", "email": "n@example.com"})
    assert added.status_code == 409
    invited = api.post(f"/api/v1/candidates/{waiting.pk}/invitation", {"send_email": False})
    assert invited.status_code == 409
    assert not Invitation.objects.filter(candidate=waiting).exists()
    response = api.post(f"/api/v1/jobs/{job.pk}/reopen")
    assert response.status_code == 200 and response.json()["archived"] is False


def test_an_expired_link_of_an_archived_job_is_not_extended_a_live_one_is(api, job, waiting):
    """Re-opening an expired link is a new invitation in all but name: refused on an archived
    job (409, nothing changed); a link still open is extended, since links already sent keep
    working."""
    from datetime import timedelta

    from django.utils import timezone

    from servicefit.assessments.services import create_invitation

    invitation = create_invitation(candidate=waiting, created_by=None).invitation
    api.post(f"/api/v1/jobs/{job.pk}/archive")
    url = f"/api/v1/candidates/{waiting.pk}/invitation/extend"
    before = Invitation.objects.get(pk=invitation.pk).expires_at
    assert api.post(url, {"days": 3}).status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).expires_at == before + timedelta(days=3)
    expired = timezone.now() - timedelta(hours=1)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=expired)
    response = api.post(url, {"days": 3})
    assert response.status_code == 409
    assert "expired" in response.json()["detail"]
    assert Invitation.objects.get(pk=invitation.pk).expires_at == expired
