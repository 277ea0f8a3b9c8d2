"""What an ``Idempotency-Key`` keeps: no working candidate link, nothing left after erasure."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from servicefit.api.models import IdempotencyRecord
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.privacy.services import erase_candidate


def _stored() -> str:
    return json.dumps(list(IdempotencyRecord.objects.values("body")))


def test_the_link_of_an_idempotent_invitation_is_not_stored_but_is_replayed(api, client, job):
    person = add_candidate(job=job, name="Kim Berg", email="kim@example.com")
    url = f"/api/v1/candidates/{person.pk}/invitation"
    headers = {"Idempotency-Key": "invite-kim"}
    first = api.post(url, {"send_email": False}, headers=headers)
    assert first.status_code == 201
    link = first.json()["url"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    # A copy of the database must not reveal a working link (docs/api.md: "returned once and
    # never stored"; the invitation itself keeps only the token's hash).
    assert token not in _stored()
    again = api.post(url, {"send_email": False}, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert person.invitations.count() == 1
    assert client.get(urlsplit(link).path).status_code == 200


def test_erasing_a_candidate_erases_the_responses_stored_for_their_requests(api, job, recruiter):
    created = api.post(
        f"/api/v1/jobs/{job.pk}/candidates",
        {"name": "Ulla Erased", "email": "ulla@example.com"},
        headers={"Idempotency-Key": "add-ulla"},
    )
    assert created.status_code == 201
    person = Candidate.objects.get(pk=created.json()["id"])
    api.post(
        f"/api/v1/candidates/{person.pk}/invitation",
        {"send_email": False},
        headers={"Idempotency-Key": "invite-ulla"},
    )
    assert "ulla@example.com" in _stored()
    erase_candidate(candidate=person, erased_by=recruiter, reason="asked to be forgotten")
    stored = _stored()
    assert "ulla@example.com" not in stored and "Ulla Erased" not in stored
    # A late retry neither brings the erased person back nor replays their data.
    retry = api.post(
        f"/api/v1/jobs/{job.pk}/candidates",
        {"name": "Ulla Erased", "email": "ulla@example.com"},
        headers={"Idempotency-Key": "add-ulla"},
    )
    assert retry.status_code == 410
    assert retry["Content-Type"] == "application/problem+json"
    assert "ulla" not in retry.content.decode().lower()
    assert not Candidate.objects.filter(email="ulla@example.com").exists()


def test_the_migration_ties_old_records_to_their_candidates_and_drops_stored_links(
    api, job, recruiter
):
    """Records stored before the fix kept a link and a name; the data migration cleans them."""
    from importlib import import_module

    from django.apps import apps

    from servicefit.api.models import ApiToken
    from servicefit.assessments.services import create_invitation

    migration = import_module("servicefit.api.migrations.0003_idempotency_candidate")
    token = ApiToken.objects.get()
    kept = add_candidate(job=job, name="Kept Person", email="kept@example.com")
    gone = add_candidate(job=job, name="Gone Person", email="gone@example.com")
    new = create_invitation(candidate=kept, created_by=recruiter)
    old_bodies = {
        "link": {"url": new.url, "expires_at": "2026-12-21", "email_queued": False},
        "kept": {"id": kept.pk, "job_id": job.pk, "name": kept.name, "email": kept.email},
        "gone": {"id": gone.pk, "job_id": job.pk, "name": gone.name, "email": gone.email},
    }
    for key, body in old_bodies.items():
        IdempotencyRecord.objects.create(
            token=token, key=key, request_hash="x", status=201, body=body
        )
    Candidate.objects.filter(pk=gone.pk).delete()  # erased before records named candidates
    assert IdempotencyRecord.objects.filter(key="gone").exists()

    migration.tie_records_to_candidates(apps, None)

    records = {r.key: r for r in IdempotencyRecord.objects.all()}
    assert new.token not in _stored() and "gone@example.com" not in _stored()
    assert records["link"].candidate_id == kept.pk
    assert records["link"].body["invitation_id"] == new.invitation.pk
    assert records["kept"].candidate_id == kept.pk and records["kept"].body["email"]
    assert (records["gone"].status, records["gone"].body) == (410, {})
