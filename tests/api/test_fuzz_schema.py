"""Property-based fuzzing of every API operation from its own OpenAPI schema (Schemathesis).

Each operation gets generated valid and invalid inputs (path, query, headers, bodies) and is
called in-process through Django's WSGI handler with a token that has every scope. The checks:
no 5xx, and every response (status, content type, body) matches the schema.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_setup(recruiter, make_token, job):
    """A job, a candidate and a token; the WSGI handler must not close the test's connection.

    Django's test client disconnects ``close_old_connections`` from the request signals for
    the same reason; the real handler is used here so that the whole middleware stack runs.
    """
    from servicefit.candidates.services import add_candidate

    add_candidate(job=job, name="Fuzz Target", email="fuzz@example.com")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield make_token(recruiter, rate_limit_per_minute=100_000)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_operation_never_fails_and_matches_schema(case, fuzz_setup):
    if case.headers and "Idempotency-Key" in case.headers:
        # Generated keys repeat across cases with other bodies, which is rightly a 422
        # ("Idempotency key reused"): like a real client, each request gets its own key.
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_setup}"})
