"""Every error under /api/ is JSON (an RFC 9457 problem), never Django's HTML or empty page:
wrong methods, unknown ids, malformed or odd bodies, server errors. The Greenhouse endpoints'
problems also carry ``error``, which Greenhouse shows its users."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from .test_greenhouse import BASE, send

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.mark.parametrize(
    ("method", "endpoint", "allowed"),
    [
        ("post", "list_tests", "GET"),
        ("put", "list_tests", "GET"),
        ("get", "send_test", "POST"),
        ("delete", "send_test", "POST"),
        ("post", "test_status", "GET"),
        ("patch", "test_status", "GET"),
    ],
)
def test_a_wrong_method_is_a_json_405(basic, method, endpoint, allowed):
    # CSRF checks on, as in production: a POST to a GET endpoint was a CSRF 403, not a 405
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"{BASE}/{endpoint}", headers=basic)
    body = assert_problem(response, 405)
    assert response["Allow"] == allowed
    assert body["error"] == f"This endpoint answers {allowed}."
    assert body["type"].endswith("/method-not-allowed")


def test_greenhouse_errors_are_problems_with_greenhouses_error_member(client, basic, job):
    unauthorised = client.get(f"{BASE}/list_tests")
    body = assert_problem(unauthorised, 401)
    assert body["error"] == "Invalid API key" == body["detail"]
    assert unauthorised["WWW-Authenticate"].startswith("Basic")
    unknown = assert_problem(send(client, basic, job, partner_test_id="999"), 404)
    assert unknown["error"] == "No test with partner_test_id 999"
    missing = client.get(f"{BASE}/test_status?partner_interview_id=gh_nope", headers=basic)
    assert assert_problem(missing, 404)["error"] == "Unknown partner_interview_id"


@pytest.mark.parametrize(
    "overrides",
    [
        {"metadata": "sv"},  # not an object
        {"metadata": ["sv"]},
        {"partner_test_id": "9" * 40},  # beyond any database integer
        {"candidate": {"email": "ingrid@example.com", "first_name": ["I"]}},
        {"url": {"href": "https://example.com"}},
    ],
)
def test_odd_send_test_bodies_are_json_errors_not_server_errors(client, basic, job, overrides):
    response = send(client, basic, job, **overrides)
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert "error" in assert_problem(response, response.status_code)


def test_a_body_that_is_not_an_object_is_a_400(client, basic):
    for raw in (b"[]", b'"x"', b"7", b"{", b"\xff"):
        response = client.post(
            f"{BASE}/send_test", raw, content_type="application/json", headers=basic
        )
        assert_problem(response, 400)


def test_an_uncaught_error_in_an_api_view_is_a_json_500(client, basic, monkeypatch):
    from servicefit.api import greenhouse

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(greenhouse, "_jobs", broken)
    client.raise_request_exception = False
    body = assert_problem(client.get(f"{BASE}/list_tests", headers=basic), 500)
    assert "boom" not in json.dumps(body)
    assert body["error"]


def test_an_uncaught_error_in_the_rest_api_is_a_json_500(client, api, job, monkeypatch):
    from servicefit.api.routes import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "job_out", broken)
    client.raise_request_exception = False
    response = api.get("/api/v1/jobs")
    body = assert_problem(response, 500)
    assert "error" not in body and "boom" not in json.dumps(body)


def test_a_wrong_method_on_the_rest_api_is_still_a_json_405(client, api):
    response = client.put("/api/v1/jobs", headers={"Authorization": f"Bearer {api.secret}"})
    assert assert_problem(response, 405)["detail"] == "This endpoint answers GET, POST."
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", {"href": "https://x.example"}, "x" * 2000]
)
def test_send_test_keeps_only_an_http_callback_url(client, basic, job, url):
    from servicefit.api.greenhouse import notify
    from servicefit.api.models import GreenhouseOrder

    response = send(client, basic, job, url=url)
    assert response.status_code == 200
    order = GreenhouseOrder.objects.get()
    assert order.callback_url == ""
    GreenhouseOrder.objects.filter(pk=order.pk).update(callback_url="file:///etc/passwd")
    assert notify(order.pk) is None  # an order stored before: not followed either
