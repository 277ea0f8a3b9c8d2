"""Signed webhooks: signature and replay window, delivery to a real HTTP receiver, retries."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from servicefit.webhooks.delivery import MAX_ATTEMPTS, attempt_delivery, backoff
from servicefit.webhooks.events import emit
from servicefit.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from servicefit.webhooks.signing import SIGNATURE_HEADER, SignatureError, sign, verify


@pytest.fixture(autouse=True)
def allow_local(settings):
    """The receivers here listen on loopback, which the outbound guard refuses unless the
    operator allows it."""
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]


def test_signature_round_trip_and_tampering():
    body = b'{"a":1}'
    header = sign(body, "s3cret", timestamp=1_000_000)
    assert verify(body, header, "s3cret", now=1_000_010) == 1_000_000
    with pytest.raises(SignatureError, match="does not match"):
        verify(b'{"a":2}', header, "s3cret", now=1_000_010)
    with pytest.raises(SignatureError, match="does not match"):
        verify(body, header, "other", now=1_000_010)
    with pytest.raises(SignatureError, match="malformed"):
        verify(body, "v1=abc", "s3cret")


@pytest.mark.parametrize(
    "header",
    ["t=1000000,v1=\u00e9", "t=1000000,v1=\u00ff\u00fe", "t=\u0661\u0662,v1=ab", "t=1e3,v1=ab"],
)
def test_a_forged_header_with_odd_characters_is_a_signature_error(header):
    """A receiver that catches SignatureError (as documented) must not crash on a forged header:
    HTTP servers hand non-ASCII header bytes over as Latin-1 text."""
    with pytest.raises(SignatureError):
        verify(b"{}", header, "s3cret", now=1_000_000)


def test_a_replayed_signature_outside_the_window_is_rejected():
    body = b"{}"
    header = sign(body, "s3cret", timestamp=1_000_000)
    with pytest.raises(SignatureError, match="replay window"):
        verify(body, header, "s3cret", now=1_000_000 + 301)


def test_backoff_doubles_and_is_capped():
    delays = [backoff(n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 6 * 3600


class Receiver:
    """A real HTTP server on loopback that records requests and answers with ``status``."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                outer.requests.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def subscription(db, receiver):
    return WebhookSubscription.objects.create(
        name="ATS",
        url=receiver.url,
        events=["candidate.stage_changed", "decision.recorded"],
        secret="whsec_test",
    )


def test_stage_change_is_delivered_signed(
    subscription, receiver, job, recruiter, django_capture_on_commit_callbacks
):
    from servicefit.candidates.services import add_candidate, move_to_stage

    candidate = add_candidate(job=job, name="A", email="a@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        move_to_stage(candidate=candidate, stage="shortlisted", changed_by=recruiter)
    events = [json.loads(body)["type"] for _headers, body in receiver.requests]
    assert sorted(events) == ["candidate.stage_changed", "decision.recorded"]
    headers, body = receiver.requests[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert verify(body, headers[SIGNATURE_HEADER.lower()], "whsec_test") > 0
    assert headers["servicefit-event"] in {"candidate.stage_changed", "decision.recorded"}
    payload = json.loads(body)
    assert payload["data"]["candidate_id"] == candidate.pk
    assert "name" not in json.dumps(payload["data"]) and "a@example.com" not in body.decode()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }
    assert set(WebhookDelivery.objects.values_list("response_code", flat=True)) == {200}


def test_unsubscribed_events_are_not_sent(
    subscription, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        emit("assessment.scored", {"candidate_id": 1})
    assert receiver.requests == []
    assert WebhookDelivery.objects.count() == 0


def test_failed_delivery_retries_then_gives_up(
    subscription, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("candidate.stage_changed", {"candidate_id": 1})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1 and delivery.response_code == 500
    assert delivery.next_attempt_at is not None
    for _ in range(MAX_ATTEMPTS - 1):
        attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert attempt_delivery(delivery.pk) == DeliveryStatus.FAILED
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_retry_succeeds_when_the_receiver_recovers(
    subscription, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("candidate.stage_changed", {"candidate_id": 1})
    receiver.status = 204
    assert attempt_delivery(delivery.pk) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.response_code == 204


def test_unreachable_receiver_is_logged(db, django_capture_on_commit_callbacks):
    WebhookSubscription.objects.create(
        name="Down", url="http://127.0.0.1:9/none", events=["candidate.stage_changed"], secret="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("candidate.stage_changed", {"candidate_id": 1})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.response_code is None and delivery.last_error


def test_submission_and_scoring_emit_events(db, receiver, job, django_capture_on_commit_callbacks):
    import random

    from servicefit.assessments.services import submit
    from servicefit.candidates.services import add_candidate
    from servicefit.demo_assessments import simulate_assessment

    WebhookSubscription.objects.create(
        name="All",
        url=receiver.url,
        events=["assessment.submitted", "assessment.scored"],
        secret="k",
    )
    candidate = add_candidate(job=job, name="A", email="a@example.com")
    session = simulate_assessment(candidate=candidate, rng=random.Random(1), complete=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(session=session)
    types = [json.loads(body)["type"] for _h, body in receiver.requests]
    assert "assessment.submitted" in types and "assessment.scored" in types


def test_unknown_event_is_a_programming_error(db):
    with pytest.raises(ValueError, match="unknown webhook event"):
        emit("candidate.deleted", {})


def test_opening_an_invitation_is_announced_once(
    db, receiver, job, django_capture_on_commit_callbacks
):
    from servicefit.assessments.services import create_invitation, mark_opened
    from servicefit.candidates.services import add_candidate

    WebhookSubscription.objects.create(
        name="Opened", url=receiver.url, events=["invitation.opened"], secret="k"
    )
    candidate = add_candidate(job=job, name="A", email="a@example.com")
    invitation = create_invitation(candidate=candidate, created_by=None).invitation
    with django_capture_on_commit_callbacks(execute=True):
        mark_opened(invitation=invitation)
        mark_opened(invitation=invitation)  # a reload
    bodies = [json.loads(body) for _h, body in receiver.requests]
    assert [b["type"] for b in bodies] == ["invitation.opened"]
    assert bodies[0]["data"] == {"candidate_id": candidate.pk, "job_id": job.pk}


class RedirectingReceiver:
    """A receiver whose POST /hook answers ``code`` to /moved, and whose /moved answers any GET
    with 200 (a load balancer sending http to https, a moved endpoint, a login page)."""

    def __init__(self, code):
        self.posts = []
        self.gets = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                outer.posts.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(code if self.path == "/hook" else 200)
                self.send_header("Location", "/moved")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                outer.gets.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_a_delivery(db, code, django_capture_on_commit_callbacks):
    """Following a redirect turns the POST into a GET without the event (301-303), and that
    answer's 200 marked the event delivered although the receiver never got it."""
    moved = RedirectingReceiver(code)
    try:
        WebhookSubscription.objects.create(
            name="Moved", url=moved.url, events=["candidate.stage_changed"], secret="x"
        )
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = emit("candidate.stage_changed", {"candidate_id": 1})
    finally:
        moved.server.shutdown()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.response_code == code
    assert delivery.last_error == f"HTTP {code} → /moved"
    assert moved.posts == ["/hook"] and moved.gets == []


def test_a_paused_webhook_gets_no_more_retries(
    subscription, receiver, django_capture_on_commit_callbacks
):
    """ "Webhook paused: no events are sent to it": retries already scheduled included."""
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("candidate.stage_changed", {"candidate_id": 1})
    assert len(receiver.requests) == 1
    subscription.active = False
    subscription.save()
    assert attempt_delivery(delivery.pk) == DeliveryStatus.FAILED
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error == "paused"
    assert delivery.next_attempt_at is None


def test_a_receiver_on_an_internal_address_is_refused_unless_allowed(
    db, settings, receiver, django_capture_on_commit_callbacks
):
    """End to end: without the allow-list the worker does not call 127.0.0.1, fails the
    delivery at once (a retry would get the same answer) and the log says why; allowed, the
    same local receiver gets the event."""
    settings.SERVICEFIT_OUTBOUND_ALLOW = []
    hook = WebhookSubscription.objects.create(
        name="Local", url=receiver.url, events=["candidate.stage_changed"], secret="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        (refused,) = emit("candidate.stage_changed", {"candidate_id": 1})
    refused.refresh_from_db()
    assert receiver.requests == []
    assert refused.status == DeliveryStatus.FAILED and refused.next_attempt_at is None
    assert refused.last_error.startswith("refused:loopback:127.0.0.1:127.0.0.1")
    assert "127.0.0.1 is 127.0.0.1, an internal address (loopback, this server)" in refused.refusal

    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1/32"]
    with django_capture_on_commit_callbacks(execute=True):
        (allowed,) = emit("candidate.stage_changed", {"candidate_id": 1})
    allowed.refresh_from_db()
    assert allowed.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 1
    assert hook.deliveries.count() == 2


def test_the_delivery_log_shows_the_refusal_translated(
    db, settings, client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    settings.SERVICEFIT_OUTBOUND_ALLOW = []
    hook = WebhookSubscription.objects.create(
        name="Metadata",
        url="http://169.254.169.254/latest/meta-data/",
        events=["candidate.stage_changed"],
        secret="x",
    )
    with django_capture_on_commit_callbacks(execute=True):
        emit("candidate.stage_changed", {"candidate_id": 1})
    page = client.get(f"/integrations/webhooks/{hook.pk}/").content.decode()
    assert (
        "169.254.169.254 is 169.254.169.254, an internal address (link-local, e.g. cloud "
        "metadata)" in page
    )
    page = client.get(
        f"/integrations/webhooks/{hook.pk}/", HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert "169.254.169.254" in page and "SERVICEFIT_OUTBOUND_ALLOW" in page
    assert "an internal address" not in page
