"""The candidate's language (pages, analysis, the report's message) and the /done/ link rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from servicefit.assessments.models import AssessmentSession, Result
from servicefit.assessments.plan import reply_key
from servicefit.assessments.results import store_result
from servicefit.assessments.services import revoke_invitation, submit

pytestmark = pytest.mark.django_db

NB_REPLY = (
    "Hei Ingrid, takk for at du tok kontakt, og beklager at regningen var vanskelig å forstå. "
    "Jeg forstår at det er frustrerende. Jeg har sjekket kontoen din og sender deg en "
    "forklaring på e-post i dag. Ta gjerne kontakt hvis noe er uklart. Med vennlig hilsen, Ola"
)


@pytest.fixture
def nb_token(candidate, token):
    candidate.language = "nb"
    candidate.save()
    return token


def test_pages_default_to_the_invitation_language_over_the_browser(client, nb_token):
    html = client.get(f"/a/{nb_token}/", HTTP_ACCEPT_LANGUAGE="en-GB,en").content.decode()
    assert '<html lang="nb">' in html
    assert "Personvernerklæring" in html or "personvern" in html.lower()


def test_a_language_the_candidate_picks_wins(client, nb_token):
    client.post("/i18n/setlang/", {"language": "pl", "next": f"/a/{nb_token}/"})
    html = client.get(f"/a/{nb_token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="pl">' in html


def _submitted_with_reply(client, token, text):
    client.post(f"/a/{token}/", {"consent": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    session = AssessmentSession.objects.get()
    client.post(
        f"/a/{token}/answer/",
        {"key": reply_key(session.reply_message), reply_key(session.reply_message): text},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    session.refresh_from_db()
    submit(session=session)
    store_result(session=session)  # what the worker does after the commit
    return session


def test_a_norwegian_reply_is_analysed_in_norwegian_and_the_report_shows_the_nb_message(
    client, nb_token, recruiter
):
    session = _submitted_with_reply(client, nb_token, NB_REPLY)
    result = Result.objects.get(session=session)
    assert result.reply["shown_language"] == "nb"
    assert result.reply["language"] == "nb"
    assert result.reply["analysis"]["language"]["expected"] == "nb"
    client.force_login(recruiter)
    html = client.get(f"/candidates/{session.candidate.pk}/").content.decode()
    assert 'class="customer-body" lang="nb"' in html


def test_a_reply_written_in_another_language_is_analysed_in_that_language(client, candidate, token):
    # English pages, but the reply is clearly Norwegian: analysed as Norwegian, flagged
    session = _submitted_with_reply(client, token, NB_REPLY)
    result = Result.objects.get(session=session)
    assert result.reply["shown_language"] == "en"
    assert result.reply["language"] == "nb"
    assert "wrong_language" in result.flags


def test_the_thank_you_page_waits_for_scoring_then_shows_the_feedback(client, started):
    session = AssessmentSession.objects.get()
    session.submitted_at = timezone.now()
    session.save()  # submitted, not yet scored by the worker
    waiting = client.get(f"/a/{started}/done/").content.decode()
    assert "Your feedback is being prepared" in waiting
    assert f'hx-get="/a/{started}/done/feedback/"' in waiting
    assert f'href="/a/{started}/done/"' in waiting  # the reload link without JavaScript
    store_result(session=session)
    fragment = client.get(f"/a/{started}/done/feedback/").content.decode()
    assert "Your feedback" in fragment and "hx-trigger" not in fragment


def test_feedback_without_answers_says_so_instead_of_empty_lists(client, started):
    session = AssessmentSession.objects.get()
    session.submitted_at = timezone.now()
    session.save()
    store_result(session=session)  # nothing answered: no competency can be scored
    fragment = client.get(f"/a/{started}/done/feedback/").content.decode()
    assert "You answered too few questions" in fragment
    assert "Where you came out strongest" not in fragment


def test_done_shows_the_neutral_page_when_revoked_or_too_old(client, started, invitation):
    session = AssessmentSession.objects.get()
    submit(session=session)
    assert client.get(f"/a/{started}/done/").status_code == 200
    with override_settings(SERVICEFIT_FEEDBACK_DAYS=30):
        AssessmentSession.objects.filter(pk=session.pk).update(
            submitted_at=timezone.now() - timedelta(days=31)
        )
        assert client.get(f"/a/{started}/done/").status_code == 404
        AssessmentSession.objects.filter(pk=session.pk).update(submitted_at=timezone.now())
        assert client.get(f"/a/{started}/done/").status_code == 200
    revoke_invitation(invitation=invitation.invitation, revoked_by=None)
    assert client.get(f"/a/{started}/done/").status_code == 404
    assert client.get(f"/a/{started}/done/feedback/").status_code == 404


def test_done_is_neutral_after_erasure(client, started, candidate):
    from servicefit.privacy.services import erase_candidate

    submit(session=AssessmentSession.objects.get())
    erase_candidate(candidate=candidate, erased_by=None, reason="asked")
    assert client.get(f"/a/{started}/done/").status_code == 404


@pytest.mark.parametrize(
    ("language", "one_day"),
    [("en", "deleted 1 day after"), ("pl", "usunięte 1 dzień po"), ("sv", "raderas 1 dag efter")],
)
def test_a_one_day_retention_period_is_written_in_the_singular(
    client, candidate, token, language, one_day
):
    """The privacy notice said "1 days" ("1 dni") for a job that keeps data one day."""
    candidate.job.retention_days = 1
    candidate.job.save()
    candidate.language = language
    candidate.save()
    assert one_day in client.get(f"/a/{token}/").content.decode()
