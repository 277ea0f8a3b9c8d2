"""Bad input is a clear 4xx problem and stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.api.models import ApiToken
from servicefit.api.tokens import revoke_token
from servicefit.candidates.models import Candidate

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


def test_malformed_json(api, job):
    response = api.post(f"/api/v1/jobs/{job.pk}/candidates", raw="{not json")
    assert_problem(response, 400)
    assert Candidate.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"name": 5, "email": "a@example.com"},
        {"name": "A", "email": "not-an-email"},
        {"name": "A", "email": "a@example.com", "language": "de"},
        {"name": "A", "email": "a@example.com", "send_invitation": "maybe"},
        {"name": "A\x00B", "email": "a@example.com"},
        {"name": "A", "email": "a" * 250 + "@example.com"},
        {"email": "a@example.com"},
        [],
    ],
)
def test_wrong_types_and_values(api, job, body):
    response = api.post(f"/api/v1/jobs/{job.pk}/candidates", body)
    problem = assert_problem(response, 422)
    assert problem["errors"] or problem["detail"]
    assert Candidate.objects.count() == 0


def test_unknown_fields_are_rejected_by_name(api, job):
    response = api.post(
        f"/api/v1/jobs/{job.pk}/candidates",
        {"name": "A", "email": "a@example.com", "langauge": "da"},
    )
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["location"] == "body.langauge"
    assert Candidate.objects.count() == 0


def test_oversized_body(api, job):
    big = {"name": "A", "email": "a@example.com", "padding": "x" * 70_000}
    response = api.post(f"/api/v1/jobs/{job.pk}/candidates", big)
    problem = assert_problem(response, 413)
    assert problem["detail"] == "The limit is 65536 bytes."
    assert Candidate.objects.count() == 0


def test_the_413_names_the_configured_limit(api, job, settings):
    """SERVICEFIT_API_MAX_BODY_BYTES is both the limit and what the answer says (it said 64 KB
    whatever the setting)."""
    settings.SERVICEFIT_API_MAX_BODY_BYTES = 1000
    body = {"name": "A", "email": "a@example.com", "padding": "x" * 1200}
    problem = assert_problem(api.post(f"/api/v1/jobs/{job.pk}/candidates", body), 413)
    assert problem["detail"] == "The limit is 1000 bytes."
    assert Candidate.objects.count() == 0
    settings.SERVICEFIT_API_MAX_BODY_BYTES = 200_000
    big = {"name": "A", "email": "a@example.com", "padding": "x" * 70_000}
    response = api.post(f"/api/v1/jobs/{job.pk}/candidates", big)
    assert response.status_code != 413, response.content


def test_missing_token_is_401(client, job):
    body = assert_problem(client.get("/api/v1/jobs"), 401)
    assert "Bearer" in body["detail"]


def test_expired_token_is_401(api, recruiter, job):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(api.get("/api/v1/jobs"), 401)


def test_revoked_token_is_401(api, job):
    revoke_token(token=ApiToken.objects.get(), revoked_by=None)
    assert_problem(api.get("/api/v1/jobs"), 401)
    response = api.post(
        f"/api/v1/jobs/{job.pk}/candidates", {"name": "A", "email": "a@example.com"}
    )
    assert_problem(response, 401)
    assert Candidate.objects.count() == 0


def test_token_of_a_deactivated_user_is_401(api, recruiter):
    recruiter.is_active = False
    recruiter.save()
    assert_problem(api.get("/api/v1/jobs"), 401)


def test_unknown_endpoint_and_object_are_404_problems(api):
    assert_problem(api.get("/api/v1/nothing-here"), 404)
    assert_problem(api.get("/api/v1/candidates/999999"), 404)


def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(api, client, job):
    """docs/api.md: every error is an RFC 9457 problem (django-ninja answered 405 in text)."""
    for method, path in [
        ("delete", "/api/v1/jobs"),
        ("put", f"/api/v1/jobs/{job.pk}"),
        ("get", f"/api/v1/jobs/{job.pk}/archive"),
    ]:
        response = getattr(client, method)(path, headers={"Authorization": f"Bearer {api.secret}"})
        body = assert_problem(response, 405)
        assert body["instance"] == path
        assert response["Allow"] and response["Allow"] in body["detail"]


def test_a_misspelt_query_parameter_is_a_422_not_an_unfiltered_list(api, job):
    """``?stgae=hired`` returned every candidate, as if no filter had been asked for."""
    from servicefit.candidates.services import add_candidate

    add_candidate(job=job, name="Kim", email="kim@example.com")
    body = assert_problem(api.get("/api/v1/candidates", stgae="hired"), 422)
    assert body["errors"] == [
        {"location": "query.stgae", "message": "Unknown query parameter", "type": "extra_forbidden"}
    ]
    assert_problem(api.get(f"/api/v1/jobs/{job.pk}/candidates", jobs="1"), 422)
    assert_problem(api.get(f"/api/v1/candidates/{Candidate.objects.get().pk}", expand="x"), 422)
    # the documented parameters still work
    assert api.get("/api/v1/candidates", stage="hired", limit=5).status_code == 200
    assert api.get(f"/api/v1/jobs/{job.pk}/candidates", stage="invited").json()["items"]
    assert api.get("/api/v1/jobs", archived="false").status_code == 200


def test_bad_cursor_and_limit(api, job):
    assert_problem(api.get("/api/v1/candidates", cursor="%%%"), 422)
    assert_problem(api.get("/api/v1/candidates", limit=0), 422)
    assert_problem(api.get("/api/v1/candidates", limit=1000), 422)
    assert_problem(api.get("/api/v1/candidates", created_after="2026-02-31"), 400)


def test_rate_limit_per_token(recruiter, make_token, client, job):
    secret = make_token(recruiter, rate_limit_per_minute=3)
    headers = {"Authorization": f"Bearer {secret}"}
    codes = [client.get("/api/v1/jobs", headers=headers).status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    limited = client.get("/api/v1/jobs", headers=headers)
    assert limited["Content-Type"] == PROBLEM
    assert int(limited["Retry-After"]) >= 1


def test_dates_at_the_ends_of_the_calendar_filter_instead_of_failing(api, job):
    """0001-01-01 at midnight in Copenhagen is still year 0 in UTC: it gave a 500
    (OverflowError), found by the schema fuzz test. The ends of the calendar now mean
    "since the beginning" and "until the end"."""
    api.post(f"/api/v1/jobs/{job.pk}/candidates", {"name": "Early", "email": "early@example.com"})
    route = f"/api/v1/jobs/{job.pk}/candidates"
    everyone = api.get(route).json()["items"]
    assert everyone
    assert api.get(route, created_after="0001-01-01").json()["items"] == everyone
    assert api.get(route, created_before="9999-12-31").json()["items"] == everyone
    assert api.get(route, created_before="0001-01-01").json()["items"] == []
    assert api.get(route, created_after="9999-12-31").json()["items"] == []
    assert api.get("/api/v1/candidates", created_after="0001-01-01").status_code == 200
