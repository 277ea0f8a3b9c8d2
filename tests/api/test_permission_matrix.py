"""Every API endpoint × token scope × user role. Adding an endpoint without an entry fails.

A token does what its scopes allow and never more than its user's role: recruiters and admins
may use the API; an interviewer's token (say, after a role change) and any unknown, revoked or
expired token get 401; a missing scope gets 403 with a problem body.
"""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from servicefit.api.models import ApiToken, hash_secret
from servicefit.api.scopes import (
    AUDIT_READ,
    CANDIDATES_READ,
    CANDIDATES_WRITE,
    JOBS_READ,
    JOBS_WRITE,
    RESULTS_READ,
    SCOPES,
)
from servicefit.api.v1 import api as ninja_api

#: (method, path template) -> the one scope that grants it.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/job-templates"): JOBS_READ,
    ("GET", "/api/v1/jobs"): JOBS_READ,
    ("POST", "/api/v1/jobs"): JOBS_WRITE,
    ("GET", "/api/v1/jobs/{job_id}"): JOBS_READ,
    ("POST", "/api/v1/jobs/{job_id}/archive"): JOBS_WRITE,
    ("POST", "/api/v1/jobs/{job_id}/reopen"): JOBS_WRITE,
    ("GET", "/api/v1/candidates"): CANDIDATES_READ,
    ("GET", "/api/v1/jobs/{job_id}/candidates"): CANDIDATES_READ,
    ("POST", "/api/v1/jobs/{job_id}/candidates"): CANDIDATES_WRITE,
    ("GET", "/api/v1/candidates/{candidate_id}"): CANDIDATES_READ,
    ("GET", "/api/v1/candidates/{candidate_id}/invitation"): CANDIDATES_READ,
    ("POST", "/api/v1/candidates/{candidate_id}/invitation"): CANDIDATES_WRITE,
    ("POST", "/api/v1/candidates/{candidate_id}/invitation/revoke"): CANDIDATES_WRITE,
    ("POST", "/api/v1/candidates/{candidate_id}/invitation/extend"): CANDIDATES_WRITE,
    ("GET", "/api/v1/candidates/{candidate_id}/result"): RESULTS_READ,
    ("GET", "/api/v1/candidates/{candidate_id}/report.pdf"): RESULTS_READ,
    ("GET", "/api/v1/candidates/{candidate_id}/decisions"): CANDIDATES_READ,
    ("GET", "/api/v1/candidates/{candidate_id}/audit"): AUDIT_READ,
    ("GET", "/api/v1/imports/{import_id}"): CANDIDATES_READ,
}
BODIES = {
    ("POST", "/api/v1/jobs"): lambda n: {"title": f"Job {n}", "template": "phone_support"},
    ("POST", "/api/v1/jobs/{job_id}/archive"): lambda n: {},
    ("POST", "/api/v1/jobs/{job_id}/reopen"): lambda n: {},
    ("POST", "/api/v1/jobs/{job_id}/candidates"): lambda n: {
        "name": f"P {n}",
        "email": f"p{n}@example.com",
    },
    ("POST", "/api/v1/candidates/{candidate_id}/invitation"): lambda n: {"send_email": False},
    ("POST", "/api/v1/candidates/{candidate_id}/invitation/revoke"): lambda n: {},
    ("POST", "/api/v1/candidates/{candidate_id}/invitation/extend"): lambda n: {"days": 3},
}


def schema_endpoints() -> set[tuple[str, str]]:
    schema = ninja_api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_endpoint_has_a_matrix_entry():
    assert schema_endpoints() == set(MATRIX), "add new API endpoints to MATRIX (and to docs/api.md)"


def test_every_scope_is_exercised():
    assert set(MATRIX.values()) | {"partner:greenhouse"} == set(SCOPES)


@pytest.fixture
def world(job, recruiter):
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate

    candidate = add_candidate(job=job, name="Target", email="target@example.com")
    create_invitation(candidate=candidate, created_by=recruiter)
    from servicefit.candidates.imports import queue_import

    upload = queue_import(
        job=job,
        file_name="people.csv",
        data=b"name,email\nA,a@example.com\n",
        send_invitations=False,
        added_by=recruiter,
    )
    return {"job_id": job.pk, "candidate_id": candidate.pk, "import_id": upload.pk}


def raw_token(user, scopes):
    """A token row written directly, so roles that may not be given one can be tested too."""
    secret = f"sf_test_{user.username}_{'_'.join(sorted(scopes)) or 'none'}"
    ApiToken.objects.create(
        user=user,
        name="matrix",
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        scopes=scopes,
        rate_limit_per_minute=100_000,
    )
    return secret


@pytest.mark.parametrize("role", ["admin", "recruiter", "interviewer"])
def test_matrix(client, world, make_user, role):
    user = make_user(f"{role}-matrix", role)
    counter = itertools.count()
    tokens = {scope: raw_token(user, [scope]) for scope in SCOPES}
    failures = []
    for (method, template), needed in MATRIX.items():
        path = template.format(**world)
        for scope, secret in tokens.items():
            headers = {"Authorization": f"Bearer {secret}"}
            if method == "GET":
                response = client.get(path, headers=headers)
            else:
                body = BODIES[(method, template)](next(counter))
                response = client.post(path, body, content_type="application/json", headers=headers)
            if role == "interviewer":
                expected_ok = False
                allowed = {401}
            elif scope == needed:
                expected_ok = True
                allowed = set(range(200, 300)) | {409}
            else:
                expected_ok = False
                allowed = {403}
            if response.status_code not in allowed:
                failures.append(
                    f"{role} {scope} {method} {template}: {response.status_code} "
                    f"(expected {'success' if expected_ok else sorted(allowed)})"
                )
            if response.status_code >= 400:
                assert response["Content-Type"] == "application/problem+json"
    assert not failures, "\n".join(failures)


def test_anonymous_gets_401_everywhere(client, world):
    for method, template in MATRIX:
        path = template.format(**world)
        response = (
            client.get(path)
            if method == "GET"
            else client.post(path, {}, content_type="application/json")
        )
        assert response.status_code == 401, (method, template)


def test_reverse_names_exist():
    assert reverse("api-v1:openapi-json") == "/api/v1/openapi.json"


#: Requests django-ninja would refuse (422) before the view ran: a bad body, a bad path id, an
#: unknown query parameter.
INVALID_BODIES = [b"{", b"[]", b'{"unknown_field": 1}', b'{"title": 7, "days": "many"}']


@pytest.mark.parametrize("invalid", INVALID_BODIES)
def test_a_token_without_the_scope_gets_403_before_its_body_is_validated(
    client, world, recruiter, invalid
):
    """Authorisation before validation: a token that may not make the call is told so (403),
    not what was wrong with its request (422), on every route."""
    failures = []
    for (method, template), needed in MATRIX.items():
        others = [scope for scope in SCOPES if scope != needed]
        secret = raw_token(recruiter, others)
        headers = {"Authorization": f"Bearer {secret}"}
        for path in (
            template.format(**world),
            template.format(job_id="x", candidate_id="x", import_id="x"),
        ):
            if method == "GET":
                response = client.get(path, {"unknown": "1"}, headers=headers)
            else:
                response = client.post(
                    path, invalid, content_type="application/json", headers=headers
                )
            if response.status_code != 403:
                failures.append(f"{method} {path}: {response.status_code}")
            else:
                assert response.json()["title"] == "Missing scope"
        ApiToken.objects.filter(token_hash=hash_secret(secret)).delete()
    assert not failures, "\n".join(failures)


def test_with_the_scope_an_invalid_body_is_still_a_422(client, world, recruiter):
    secret = raw_token(recruiter, list(SCOPES))
    headers = {"Authorization": f"Bearer {secret}"}
    for (method, template), _needed in MATRIX.items():
        if method != "POST" or template.endswith(("/archive", "/reopen", "/revoke")):
            continue
        path = template.format(**world)
        response = client.post(
            path, b'{"unknown_field": 1}', content_type="application/json", headers=headers
        )
        assert response.status_code == 422, (method, template, response.status_code)
