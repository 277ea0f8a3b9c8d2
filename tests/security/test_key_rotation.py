"""Rotating the secret key (docs/operations.md, "Rotating the secret key"): with the old key in
SERVICEFIT_SECRET_KEY_FALLBACKS, links can still be shown and reminded and nobody is signed
out; without it the links still open but cannot be shown again."""

from __future__ import annotations

import pytest
from django.core import mail

from servicefit.assessments.emails import send_reminder
from servicefit.assessments.services import create_invitation, link_of
from servicefit.candidates.services import add_candidate

OLD_KEY = "old-" + "o" * 30 + "-the-key-before-the-rotation-0123"
NEW_KEY = "new-" + "n" * 30 + "-the-key-after-the-rotation-45678"


@pytest.fixture
def invitation(settings, job, recruiter):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    candidate = add_candidate(job=job, name="Kari Nordmann", email="kari@example.com")
    return create_invitation(candidate=candidate, created_by=recruiter)


def test_after_a_rotation_the_old_key_as_fallback_keeps_links_showable(settings, invitation):
    link = invitation.url
    assert link_of(invitation.invitation) == link
    settings.SECRET_KEY = NEW_KEY
    assert link_of(invitation.invitation) is None  # as documented without the fallback
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert link_of(invitation.invitation) == link
    assert send_reminder(invitation_id=invitation.invitation.pk, manual=False)
    (message,) = mail.outbox
    assert link in message.body


def test_the_link_opens_whatever_the_key(client, settings, invitation):
    settings.SECRET_KEY = NEW_KEY
    response = client.get(f"/a/{invitation.token}/")
    assert response.status_code == 200


def test_a_signed_in_recruiter_stays_signed_in_with_the_old_key_as_fallback(
    client, settings, recruiter
):
    for fallbacks, status in (([], 302), ([OLD_KEY], 200)):  # 302: signed out, to the login
        settings.SECRET_KEY = OLD_KEY
        settings.SECRET_KEY_FALLBACKS = []
        client.force_login(recruiter)
        assert client.get("/").status_code == 200
        settings.SECRET_KEY = NEW_KEY
        settings.SECRET_KEY_FALLBACKS = fallbacks
        assert client.get("/").status_code == status, fallbacks
        client.logout()


def test_fallbacks_are_read_from_the_environment_or_a_file(tmp_path):
    import os
    import subprocess
    import sys

    keys = tmp_path / "fallbacks"
    keys.write_text(f"{OLD_KEY}\n{NEW_KEY}\n", encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SERVICEFIT_", "DJANGO_"))}
    environ.update(
        SERVICEFIT_DATA_DIR=str(tmp_path / "data"),
        SERVICEFIT_SECRET_KEY="k" * 60,
        DJANGO_SETTINGS_MODULE="servicefit.settings",
    )
    show = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    for extra in (
        {"SERVICEFIT_SECRET_KEY_FALLBACKS": f"{OLD_KEY}, {NEW_KEY}"},
        {"SERVICEFIT_SECRET_KEY_FALLBACKS_FILE": str(keys)},
    ):
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {show}"],
            env={**environ, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.stdout.strip() == repr([OLD_KEY, NEW_KEY]), done.stderr
