"""The API example runs end to end: job, invitation, the candidate's pages, signed webhook, result.

CI runs it here, against a live server whose task backend runs scoring after the commit (as
the worker would), with the webhook receiver that the example itself starts.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from servicefit.jobs.models import Job
from servicefit.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ats_roundtrip.py"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_example_round_trip(live_server, recruiter, make_token, settings):
    settings.SITE_URL = live_server.url  # invitation links point at this server
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]  # the example's receiver is on loopback
    port = free_port()
    WebhookSubscription.objects.create(
        name="Example ATS",
        url=f"http://127.0.0.1:{port}/hook",
        events=["assessment.scored"],
        secret="whsec_example",
    )
    token = make_token(recruiter)
    # Twice with the same token, as a developer trying it would: its Idempotency-Keys must name
    # one run's requests, not replay the first run's job and candidate (whose assessment is
    # submitted, so the second run's invitation was a 409).
    for _run in range(2):
        done = _run_example(live_server.url, token, port)
        assert done.returncode == 0, done.stdout + done.stderr
        assert '"status": "scored"' in done.stdout
        assert "signature checked" in done.stdout
    assert Job.objects.count() == 2
    deliveries = WebhookDelivery.objects.filter(event="assessment.scored")
    assert deliveries.count() == 2
    for delivery in deliveries:
        assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_code == 204


def _run_example(base_url: str, token: str, port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(EXAMPLE),
            "--base-url",
            base_url,
            "--token",
            token,
            "--webhook-secret",
            "whsec_example",
            "--receiver-port",
            str(port),
            "--timeout",
            "60",
            "--verbose",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
