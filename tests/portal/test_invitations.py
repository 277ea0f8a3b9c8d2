"""Invitation links: unguessable, stored hashed, and one neutral page for every bad link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from servicefit.assessments.models import AssessmentSession, Invitation, hash_token
from servicefit.assessments.services import create_invitation, revoke_invitation, submit
from servicefit.cli import main

pytestmark = pytest.mark.django_db


def test_token_has_at_least_128_random_bits_and_is_stored_only_hashed(invitation):
    token = invitation.token
    assert len(token) >= 43  # 32 bytes, URL-safe base64
    stored = Invitation.objects.get()
    assert stored.token_hash == hash_token(token)
    assert token not in stored.token_hash
    assert Invitation.objects.filter(token_hash=token).count() == 0


def test_invitation_is_valid_for_14_days_by_default(invitation):
    lifetime = invitation.invitation.expires_at - invitation.invitation.created_at
    assert lifetime == timedelta(days=14)


def test_a_new_invitation_revokes_the_old_link(client, candidate, invitation, recruiter):
    newer = create_invitation(candidate=candidate, created_by=recruiter)
    assert client.get(f"/a/{invitation.token}/").status_code == 404
    assert client.get(f"/a/{newer.token}/").status_code == 200


def _neutral(client, token):
    """The page with what legitimately differs per request masked: the CSRF token and the URL."""
    import re

    response = client.get(f"/a/{token}/")
    assert response.status_code == 404
    html = response.content.decode().replace(token, "TOKEN")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1CSRF", html)


def test_unknown_expired_revoked_and_used_links_get_the_same_neutral_page(
    client, candidate, recruiter, job
):
    from servicefit.candidates.services import add_candidate

    unknown = _neutral(client, "x" * 43)

    expired = create_invitation(candidate=candidate, created_by=recruiter)
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired_page = _neutral(client, expired.token)

    other = add_candidate(job=job, name="Ola", email="ola@example.com")
    revoked = create_invitation(candidate=other, created_by=recruiter)
    revoke_invitation(invitation=revoked.invitation, revoked_by=recruiter)
    revoked_page = _neutral(client, revoked.token)

    third = add_candidate(job=job, name="Ida", email="ida@example.com")
    used = create_invitation(candidate=third, created_by=recruiter)
    client.post(f"/a/{used.token}/", {"consent": "yes"})
    submit(session=third.assessment)
    # A used link opens the thank-you page while its feedback is shown (see below), then it
    # is as dead as any other.
    AssessmentSession.objects.filter(candidate=third).update(
        submitted_at=timezone.now() - timedelta(days=settings.SERVICEFIT_FEEDBACK_DAYS, seconds=1)
    )
    used_page = _neutral(client, used.token)

    assert unknown == expired_page == revoked_page == used_page
    assert "This link cannot be used" in unknown


def test_a_dead_link_is_explained_in_the_language_it_was_sent_in(client, recruiter, job):
    """A candidate invited in Polish whose link had expired read "Dette link kan ikke bruges"
    on a Danish phone (the page followed the browser); an unknown link still follows the
    browser, and the page says the same in both cases."""
    from servicefit.candidates.services import add_candidate

    polish = add_candidate(job=job, name="Anna", email="anna@example.com", language="pl")
    expired = create_invitation(candidate=polish, created_by=recruiter)
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    expired_page = _neutral(client, expired.token)
    assert '<html lang="pl">' in expired_page and "Nie można użyć tego linku" in expired_page
    for path in ("withdraw/", "done/", "about-you/", "review-request/"):
        assert 'lang="pl"' in client.get(f"/a/{expired.token}/{path}").content.decode(), path
    assert '<html lang="da">' in _neutral(client, "x" * 43)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    assert _neutral(client, "x" * 43) == expired_page


def test_a_used_link_opens_the_thank_you_page_with_the_feedback_and_the_rights(
    client, candidate, invitation, recruiter
):
    client.post(f"/a/{invitation.token}/", {"consent": "yes"})
    submit(session=candidate.assessment)
    response = client.get(f"/a/{invitation.token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/a/{invitation.token}/done/"
    assert client.get(response["Location"]).status_code == 200
    # The way back to the feedback and the review request needs the link itself: a link
    # revoked since gets the neutral page, as the thank-you page does.
    revoke_invitation(invitation=Invitation.objects.get(), revoked_by=recruiter)
    assert client.get(f"/a/{invitation.token}/").status_code == 404


def test_invite_command_prints_the_link_as_json(job, capsys):
    import json

    assert (
        main(
            [
                "invite",
                "--job",
                str(job.pk),
                "--email",
                "Kim@Example.com",
                "--language",
                "da",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["url"].startswith("http://127.0.0.1:8000/a/")
    token = data["url"].rstrip("/").rsplit("/", 1)[1]
    assert Invitation.objects.for_token(token).candidate.email == "kim@example.com"
    assert data["expires"]


def test_invite_command_rejects_an_unknown_job(capsys, db):
    assert main(["invite", "--job", "999", "--email", "kim@example.com"]) == 2
    assert "no job with id or title '999'" in capsys.readouterr().err


def test_the_link_s_end_is_given_with_its_time_zone(client, invitation, recruiter, settings):
    from django.core import mail
    from django.test import TestCase
    from django.utils import dateformat
    from django.utils.timezone import localtime

    from servicefit.assessments.emails import send_invitation

    settings.TIME_ZONE = "Europe/Copenhagen"
    zone = dateformat.format(localtime(invitation.invitation.expires_at), "T")
    assert zone in {"CET", "CEST"}
    assert f" {zone}." in client.get(f"/a/{invitation.token}/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = send_invitation(candidate=invitation.invitation.candidate, sent_by=recruiter)
    assert f"{dateformat.format(localtime(sent.expires_at), 'T')}. Do not share it" in (
        mail.outbox[-1].body
    )
