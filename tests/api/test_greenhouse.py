"""The Greenhouse assessment-partner contract, against the documented request and response shapes.

Shapes from https://developers.greenhouse.io/assessment.html: list_tests returns a list of
``{partner_test_id, partner_test_name}``; send_test takes ``{partner_test_id, candidate:
{first_name, last_name, email, …}, url}`` and returns ``{partner_interview_id}``; test_status
takes ``partner_interview_id`` and returns ``{partner_status, partner_profile_url,
partner_score, metadata}``; calls use HTTP Basic with the API key as the user name.
"""

from __future__ import annotations

import base64
import json
import random

import pytest

from servicefit.api.models import GreenhouseOrder
from servicefit.candidates.models import Candidate

from .test_webhooks import Receiver

BASE = "/api/partners/greenhouse"


SEND_TEST = {
    "partner_test_id": None,
    "candidate": {
        "first_name": "Ingrid",
        "last_name": "Hansen",
        "resume_url": "https://example.com/cv.pdf",
        "phone_numbers": [{"value": "+47 1234 5678", "type": "mobile"}],
        "email": "ingrid@example.com",
        "greenhouse_profile_url": "https://app.greenhouse.io/people/1?application_id=2",
    },
    "url": None,
}


def send(client, basic, job, url="", **overrides):
    body = json.loads(json.dumps(SEND_TEST))
    body["partner_test_id"] = str(job.pk)
    body["url"] = url
    body.update(overrides)
    return client.post(
        f"{BASE}/send_test", json.dumps(body), content_type="application/json", headers=basic
    )


def test_list_tests_lists_open_jobs(client, basic, job):
    response = client.get(f"{BASE}/list_tests", headers=basic)
    assert response.status_code == 200
    assert response.json() == [{"partner_test_id": str(job.pk), "partner_test_name": "Phone agent"}]


def test_a_key_without_the_partner_scope_is_refused(client, recruiter, make_token, job):
    secret = make_token(recruiter, scopes=["jobs:read"])
    headers = {"Authorization": "Basic " + base64.b64encode(f"{secret}:".encode()).decode()}
    response = client.get(f"{BASE}/list_tests", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "Invalid API key"
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(f"{BASE}/list_tests").status_code == 401


def test_send_test_adds_and_invites_the_candidate_once(
    client, basic, job, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, basic, job)
        again = send(client, basic, job)  # Greenhouse retries
    assert first.status_code == again.status_code == 200
    interview_id = first.json()["partner_interview_id"]
    assert again.json() == {"partner_interview_id": interview_id}
    candidate = Candidate.objects.get()
    assert (candidate.name, candidate.email) == ("Ingrid Hansen", "ingrid@example.com")
    assert len(mailoutbox) == 1
    assert GreenhouseOrder.objects.get().greenhouse_profile_url.startswith(
        "https://app.greenhouse.io"
    )


def test_send_test_bad_input(client, basic, job):
    assert send(client, basic, job, partner_test_id="999").status_code == 404
    bad = client.post(f"{BASE}/send_test", "{oops", content_type="application/json", headers=basic)
    assert bad.status_code == 400 and "error" in bad.json()
    no_email = send(client, basic, job, candidate={"first_name": "A"})
    assert no_email.status_code == 400
    assert Candidate.objects.count() == 0


def test_status_moves_to_complete_with_a_score(client, basic, job):
    from servicefit.demo_assessments import simulate_assessment

    interview_id = send(client, basic, job).json()["partner_interview_id"]
    status = client.get(
        f"{BASE}/test_status", {"partner_interview_id": interview_id}, headers=basic
    ).json()
    assert status["partner_status"] == "sent"
    assert "partner_score" not in status
    simulate_assessment(candidate=Candidate.objects.get(), rng=random.Random(4))
    status = client.get(
        f"{BASE}/test_status", {"partner_interview_id": interview_id}, headers=basic
    ).json()
    assert status["partner_status"] == "complete"
    assert 1.0 <= status["partner_score"] <= 5.0
    assert status["partner_profile_url"].endswith(f"/candidates/{Candidate.objects.get().pk}/")
    assert status["metadata"] and all(1 <= v <= 5 for v in status["metadata"].values())
    unknown = client.get(f"{BASE}/test_status", {"partner_interview_id": "nope"}, headers=basic)
    assert unknown.status_code == 404


def test_scoring_patches_the_greenhouse_callback(
    client, basic, job, settings, django_capture_on_commit_callbacks
):
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]  # the receiver listens on loopback
    from servicefit.assessments.services import submit
    from servicefit.demo_assessments import simulate_assessment

    receiver = Receiver()
    receiver_patch = []

    def do_patch(handler):
        length = int(handler.headers["Content-Length"])
        receiver_patch.append(json.loads(handler.rfile.read(length)))
        handler.send_response(200)
        handler.end_headers()

    receiver.server.RequestHandlerClass.do_PATCH = do_patch
    try:
        interview_id = send(client, basic, job, url=receiver.url).json()["partner_interview_id"]
        session = simulate_assessment(
            candidate=Candidate.objects.get(), rng=random.Random(2), complete=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            submit(session=session)
        assert receiver_patch == [{"partner_interview_id": interview_id}]
        assert GreenhouseOrder.objects.get().completed_notified_at is not None
    finally:
        receiver.close()


def test_an_oversized_send_test_names_the_configured_limit(client, basic, job, settings):
    settings.SERVICEFIT_API_MAX_BODY_BYTES = 300
    response = send(client, basic, job, padding="x" * 400)
    assert response.status_code == 413
    assert response.json()["error"] == "Request body too large. The limit is 300 bytes."
    assert Candidate.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8100/cb",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/cb",
        "http://localhost/cb",
    ],
)
def test_send_test_refuses_a_callback_to_an_internal_address(client, basic, job, settings, url):
    settings.SERVICEFIT_OUTBOUND_ALLOW = []
    response = send(client, basic, job, url=url)
    assert response.status_code == 400
    assert response.json()["error"].startswith("The url for the completion callback is refused")
    assert "SERVICEFIT_OUTBOUND_ALLOW" in response.json()["detail"]
    assert GreenhouseOrder.objects.count() == 0 and Candidate.objects.count() == 0


def test_a_stored_internal_callback_is_not_called(
    client, basic, job, settings, django_capture_on_commit_callbacks
):
    """A callback allowed when the order came (or stored before the guard) and refused when
    scoring finishes: nothing is sent and the order stays un-notified."""
    from servicefit.api.greenhouse import notify

    receiver = Receiver()
    patched = []
    receiver.server.RequestHandlerClass.do_PATCH = lambda handler: patched.append(handler.path)
    try:
        settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]
        send(client, basic, job, url=receiver.url)
        settings.SERVICEFIT_OUTBOUND_ALLOW = []
        assert notify(GreenhouseOrder.objects.get().pk) == 0
        assert patched == []
        assert GreenhouseOrder.objects.get().completed_notified_at is None
    finally:
        receiver.close()
