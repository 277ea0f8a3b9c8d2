"""Access denied and not found: the site's own pages, translated, with a way back."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_interviewer_on_a_recruiter_page_gets_the_sites_no_access_page(client, interviewer, job):
    client.force_login(interviewer)
    response = client.get(reverse("backoffice:job_detail", args=[job.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "No access" in page and 'href="/"' in page
    assert "servicefit.css" in page  # the site's layout, not a bare text page


def test_an_unknown_address_gets_the_sites_translated_not_found_page(client, recruiter):
    client.force_login(recruiter)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="sv")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Sidan hittades inte" in page and '<html lang="sv"' in page


@pytest.mark.django_db
def test_the_browsers_favicon_request_is_answered_not_logged_as_not_found(client, caplog):
    """Every page view used to log "Not Found: /favicon.ico" in the production log."""
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("servicefit/favicon.svg")
    assert [r for r in caplog.records if r.name == "django.request"] == []
    assert 'rel="icon"' in client.get("/login/").content.decode()
