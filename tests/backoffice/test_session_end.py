"""A form sent after the session ended: signing in leads back to the page the form was on."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from servicefit.candidates.services import add_candidate

pytestmark = pytest.mark.django_db


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_signing_in(client, job):
    candidate = add_candidate(job=job, name="Ea Holm", email="ea@example.com")
    report = f"/candidates/{candidate.pk}/"
    stage = f"/candidates/{candidate.pk}/stage/"  # takes only a POST: a GET there is a 405
    sent = client.post(stage, {"note": "x"}, HTTP_REFERER=f"http://testserver{report}?tab=1")
    assert sent["Location"] == f"/login/?next={quote(report + '?tab=1', safe='/')}"
    # a referrer from another site is not followed; nor is one sent with a GET
    foreign = client.post(stage, {"note": "x"}, HTTP_REFERER="https://evil.example/page/")
    assert foreign["Location"] == f"/login/?next={quote(stage, safe='/')}"
    page = client.get(report, HTTP_REFERER="http://testserver/")
    assert page["Location"] == f"/login/?next={quote(report, safe='/')}"
