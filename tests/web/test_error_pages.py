"""Access denied and not found: the site's own pages, translated, with a way back."""

from __future__ import annotations

import pytest
from django.urls import path, reverse

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


def _server_error(request):
    raise RuntimeError("a bug")


def _bad_request(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("boom/", _server_error),
    path("bad/", _bad_request),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "server_error", "bad_request"),
    [
        ("da", "Noget gik galt", "Forespørgslen kunne ikke behandles"),
        ("pl", "Coś poszło nie tak", "Nie udało się obsłużyć żądania"),
        ("en", "Something went wrong", "The request could not be handled"),
    ],
)
def test_a_server_error_and_a_bad_request_are_explained_in_the_readers_language(
    client, language, server_error, bad_request
):
    """Without a 500.html (and 400.html) Django answered with a bare English "Server Error
    (500)" whatever the reader's language."""
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 500
    assert server_error in page and f'<html lang="{language}"' in page
    assert "Server Error" not in page
    response = client.get("/bad/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 400
    assert bad_request in page and "Bad Request" not in page
