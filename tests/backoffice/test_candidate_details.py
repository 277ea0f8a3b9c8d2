"""Correcting a candidate's assessment language and extra time after they were added.

A candidate added with the wrong language, or who asks for an accommodation after the
invitation, is served from the edit page until the assessment has fixed the detail: the
language once they have started, the extra time once a timed part has started.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from servicefit.assessments.models import AssessmentSession
from servicefit.assessments.services import create_invitation, start_section, start_session
from servicefit.audit.models import AuditEvent
from servicefit.backoffice.forms import candidate_version
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import CandidateLocked, add_candidate, update_candidate

pytestmark = pytest.mark.django_db


def _post(client, candidate, **fields):
    data = {
        "name": candidate.name,
        "email": candidate.email,
        "language": candidate.language,
        "extra_time_percent": str(candidate.extra_time_percent),
        "reason": "",
        "opened_version": candidate_version(candidate),  # the page showed the stored details
    }
    data.update(fields)
    return client.post(f"/candidates/{candidate.pk}/edit/", data)


def _started(candidate: Candidate) -> AssessmentSession:
    new = create_invitation(candidate=candidate, created_by=None)
    return start_session(invitation=new.invitation, language=candidate.language)


def test_before_the_start_language_and_extra_time_can_be_corrected(client, recruiter, job):
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    response = _post(client, candidate, language="nb", extra_time_percent="25", reason="asked")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.language, candidate.extra_time_percent) == ("nb", 25)
    event = AuditEvent.objects.get(action="candidate.updated")
    assert event.detail == {"fields": ["language", "extra_time_percent"], "reason": "asked"}


def test_a_language_the_job_does_not_offer_is_refused(client, recruiter, job):
    job.languages = ["en", "da"]
    job.save(update_fields=["languages"])
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    response = _post(client, candidate, language="pl")
    assert response.status_code == 400
    assert "not one of this job" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.language == "en"
    with pytest.raises(ValueError, match="assessment languages"):
        update_candidate(
            candidate=candidate,
            name=candidate.name,
            email=candidate.email,
            language="pl",
            changed_by=recruiter,
        )


def test_once_started_the_language_is_fixed_but_extra_time_is_not_yet(client, recruiter, job):
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    _started(candidate)
    page = client.get(f"/candidates/{candidate.pk}/edit/").content.decode()
    assert re.search(r'<select name="language" disabled[^>]*id="id_language"', page)
    assert "Fixed: the candidate has started the assessment." in page
    # a hand-made post cannot change the disabled field; extra time still changes
    response = _post(client, candidate, language="da", extra_time_percent="50")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.language, candidate.extra_time_percent) == ("en", 50)
    with pytest.raises(CandidateLocked) as locked:
        update_candidate(
            candidate=candidate,
            name=candidate.name,
            email=candidate.email,
            language="da",
            changed_by=recruiter,
        )
    assert locked.value.field == "language"


def test_once_a_timed_part_has_started_the_extra_time_is_fixed(client, recruiter, job):
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    session = _started(candidate)
    start_section(session=session, section="sjt", now=timezone.now())
    response = _post(client, candidate, extra_time_percent="100", name="Ola Berg-Hansen")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.name, candidate.extra_time_percent) == ("Ola Berg-Hansen", 0)
    with pytest.raises(CandidateLocked):
        update_candidate(
            candidate=candidate,
            name=candidate.name,
            email=candidate.email,
            extra_time_percent=100,
            changed_by=recruiter,
        )


def test_a_candidate_who_started_meanwhile_is_not_changed(recruiter, job):
    """The service looks again under the row lock: a stale candidate object cannot change a
    language that a session started since it was read has fixed."""
    candidate = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    stale = Candidate.objects.get(pk=candidate.pk)
    _started(candidate)
    with pytest.raises(CandidateLocked):
        update_candidate(
            candidate=stale, name=stale.name, email=stale.email, language="sv", changed_by=None
        )
    candidate.refresh_from_db()
    assert candidate.language == "en"
