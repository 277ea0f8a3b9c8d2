"""docs/api.md followed literally: what an integrator reads is what the API does."""

from __future__ import annotations

from servicefit.api.schemas import CandidateIn


def test_adding_a_candidate_with_send_invitation_answers_the_invitations_status(api, job):
    """``invitation_status`` is "the latest invitation: none when never invited": the answer
    to an add with ``send_invitation`` said ``none`` although the invitation was created."""
    created = api.post(
        f"/api/v1/jobs/{job.pk}/candidates",
        {"name": "Ola Nordmann", "email": "ola@example.no", "send_invitation": True},
    )
    assert created.status_code == 201
    status = created.json()["invitation_status"]
    assert status != "none"
    read = api.get(f"/api/v1/candidates/{created.json()['id']}")
    assert read.json()["invitation_status"] == status
    assert api.get(f"/api/v1/candidates/{created.json()['id']}/invitation").json()["status"] == (
        status
    )
    plain = api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "Kim", "email": "k@example.com"})
    assert plain.json()["invitation_status"] == "none"


def test_the_language_of_a_new_candidate_is_optional_as_documented(api, job):
    assert "language" not in CandidateIn.model_json_schema().get("required", [])
    created = api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "Kim", "email": "k@x.example"})
    assert created.status_code == 201 and created.json()["language"] == "en"


def test_a_job_without_english_names_its_languages_when_none_is_given(api):
    job = api.post(
        "/api/v1/jobs", {"title": "Dansk agent", "template": "phone_support", "languages": ["da"]}
    ).json()
    refused = api.post(f"/api/v1/jobs/{job['id']}/candidates", {"name": "K", "email": "k@x.dk"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "This job's assessment languages are: da."


def test_an_invitation_without_email_has_no_email_status(api, job):
    person = api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "K", "email": "k@x.example"})
    url = f"/api/v1/candidates/{person.json()['id']}/invitation"
    assert api.post(url, {"send_email": False}).status_code == 201
    assert api.get(url).json()["email"] is None
    assert api.post(url, {}).status_code == 201  # "{}" for the defaults: e-mailed
    assert api.get(url).json()["email"] in {"queued", "sent"}


def test_extending_a_revoked_invitation_says_it_was_revoked(api, job):
    person = api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "K", "email": "k@x.example"})
    base = f"/api/v1/candidates/{person.json()['id']}/invitation"
    never = api.post(f"{base}/extend", {"days": 3})
    assert never.status_code == 409 and "has no invitation" in never.json()["detail"]
    api.post(base, {"send_email": False})
    assert api.post(f"{base}/revoke", {}).json()["status"] == "revoked"
    late = api.post(f"{base}/extend", {"days": 3})
    assert late.status_code == 409
    assert late.json()["detail"].startswith("The candidate's invitation was revoked")


def test_without_an_email_server_the_documented_not_sent_is_what_the_api_says(
    api, job, settings, django_capture_on_commit_callbacks
):
    """docs/api.md: without an e-mail server ``POST …/invitation`` answers ``"email":
    "not_sent"`` with ``email_reason`` and ``email_queued: false``; ``GET …/invitation`` says
    ``email: not_sent`` and the status stays ``created``, never ``sent``."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    assert '`"email": "not_sent"`' in doc and "`email_queued: false`" in doc
    assert "not_sent (no e-mail server; `email_reason` says so)" in doc
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    person = api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "K", "email": "k@x.example"})
    url = f"/api/v1/candidates/{person.json()['id']}/invitation"
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(url, {}).json()
    assert (created["email"], created["email_queued"]) == ("not_sent", False)
    assert created["email_reason"]
    read = api.get(url).json()
    assert (read["email"], read["status"]) == ("not_sent", "created") and read["email_reason"]
