"""A retry with the same Idempotency-Key gets the first answer, whatever happened since."""

from __future__ import annotations

from servicefit.candidates.models import Candidate, Stage
from servicefit.candidates.services import add_candidate, move_to_stage
from servicefit.jobs.services import close_job


def test_a_retried_candidate_create_is_replayed_after_the_job_was_closed(api, job, recruiter):
    url = f"/api/v1/jobs/{job.pk}/candidates"
    body = {"name": "Kim Berg", "email": "kim@example.com"}
    first = api.post(url, body, headers={"Idempotency-Key": "add-kim"})
    assert first.status_code == 201
    close_job(job=job, closed_by=recruiter)
    again = api.post(url, body, headers={"Idempotency-Key": "add-kim"})
    assert (again.status_code, again.json()) == (201, first.json())
    assert Candidate.objects.filter(job=job).count() == 1
    # A new request (another key) is still refused.
    other = api.post(url, {"name": "Ola", "email": "ola@example.com"}, headers={})
    assert other.status_code == 409


def test_a_retried_invitation_is_replayed_after_the_candidate_moved_on(api, job, recruiter):
    person = add_candidate(job=job, name="Kim Berg", email="kim@example.com")
    url = f"/api/v1/candidates/{person.pk}/invitation"
    first = api.post(url, {"send_email": False}, headers={"Idempotency-Key": "inv-kim"})
    assert first.status_code == 201
    move_to_stage(candidate=person, stage=Stage.REJECTED, changed_by=recruiter, reason_code="other")
    again = api.post(url, {"send_email": False}, headers={"Idempotency-Key": "inv-kim"})
    assert (again.status_code, again.json()) == (201, first.json())
    assert api.post(url, {"send_email": False}).status_code == 409


def test_a_retry_racing_the_first_attempt_gets_its_response_not_a_conflict(api, job, monkeypatch):
    """A client that retries while its first attempt still runs: the retry looks the key up
    before the first attempt commits, then finds the candidate it created. It must answer the
    first attempt's response, not 409 "Candidate exists"."""
    from servicefit.api import idempotency

    url = f"/api/v1/jobs/{job.pk}/candidates"
    body = {"name": "Kim Berg", "email": "kim@example.com"}
    first = api.post(url, body, headers={"Idempotency-Key": "add-kim"})
    assert first.status_code == 201

    real = idempotency._stored
    misses = iter([None])  # the first look-up comes before the first attempt committed

    def racing(token, key):
        return next(misses, real(token, key))

    monkeypatch.setattr(idempotency, "_stored", racing)
    again = api.post(url, body, headers={"Idempotency-Key": "add-kim"})
    assert (again.status_code, again.json()) == (201, first.json())
    assert Candidate.objects.filter(job=job).count() == 1
