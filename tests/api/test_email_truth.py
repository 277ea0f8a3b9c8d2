"""The API says what happened to an invitation e-mail: ``sent`` only when an e-mail server took
it. Without one (the console backend of a trial install) it said ``email: sent`` and
``invitation_status: sent`` although nobody received anything."""

from __future__ import annotations

import pytest

from servicefit.candidates.services import add_candidate

pytestmark = pytest.mark.django_db

CONSOLE = "servicefit.security.mail.ConsoleEmailBackend"


def _invite(api, person, django_capture_on_commit_callbacks):
    url = f"/api/v1/candidates/{person.pk}/invitation"
    with django_capture_on_commit_callbacks(execute=True):  # the worker sends after commit
        created = api.post(url, {})
    assert created.status_code == 201
    return created.json(), api.get(url).json(), api.get(f"/api/v1/candidates/{person.pk}").json()


def test_without_an_email_server_the_api_says_not_sent_with_the_reason(
    api, job, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = CONSOLE
    person = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    created, invitation, candidate = _invite(api, person, django_capture_on_commit_callbacks)
    assert created["email"] == "not_sent" and created["email_queued"] is False
    assert "SERVICEFIT_EMAIL_BACKEND" in created["email_reason"]
    assert '"send_email": false' in created["email_reason"]
    assert invitation["email"] == "not_sent" and invitation["status"] == "created"
    assert invitation["email_reason"] == created["email_reason"]
    assert candidate["invitation_status"] == "created"


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ],
)
def test_every_backend_that_delivers_nothing_is_not_sent(
    api, job, settings, backend, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = backend
    person = add_candidate(job=job, name="Kim", email="kim@example.com")
    created, invitation, _candidate = _invite(api, person, django_capture_on_commit_callbacks)
    assert (created["email"], invitation["email"]) == ("not_sent", "not_sent")


def test_with_an_email_server_queued_then_sent(
    api, job, mailoutbox, django_capture_on_commit_callbacks
):
    person = add_candidate(job=job, name="Ola Berg", email="ola@example.com")
    url = f"/api/v1/candidates/{person.pk}/invitation"
    created = api.post(url, {})  # the worker has not run
    assert created.json()["email"] == "queued" and created.json()["email_queued"] is True
    assert created.json()["email_reason"] is None
    assert api.get(url).json()["email"] == "queued"
    created, invitation, candidate = _invite(api, person, django_capture_on_commit_callbacks)
    assert (invitation["email"], invitation["status"], candidate["invitation_status"]) == (
        "sent",
        "sent",
        "sent",
    )
    assert invitation["email_reason"] is None and len(mailoutbox) == 1


def test_a_link_without_email_has_no_email_words(api, job, settings):
    settings.EMAIL_BACKEND = CONSOLE
    person = add_candidate(job=job, name="Kim", email="kim@example.com")
    url = f"/api/v1/candidates/{person.pk}/invitation"
    created = api.post(url, {"send_email": False}).json()
    assert (created["email"], created["email_reason"], created["email_queued"]) == (
        None,
        None,
        False,
    )
    assert api.get(url).json()["email"] is None
