"""One delivery attempt: POST the signed JSON, log the response code, schedule a retry.

Retries back off exponentially: 30 s, 1 min, 2 min, … capped at 6 h, for up to
``MAX_ATTEMPTS`` attempts; then the delivery is marked failed and stays in the log.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servicefit.security.outbound import OutboundRefused, open_checked

from .models import DeliveryStatus, WebhookDelivery
from .signing import SIGNATURE_HEADER, sign

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
TIMEOUT_SECONDS = 10
#: ``last_error`` of a delivery not sent because its webhook was paused (the delivery log
#: shows it translated).
PAUSED = "paused"


def backoff(attempt: int) -> timedelta:
    """Delay before attempt ``attempt + 1`` (``attempt`` >= 1)."""
    return min(BASE_DELAY * (2 ** (attempt - 1)), MAX_DELAY)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """The response code, and the error to log for one that is not 2xx.

    Sent through :func:`~servicefit.security.outbound.open_checked`: an internal address is
    refused (:class:`OutboundRefused`), and redirects are answers, not deliveries: followed,
    a 301-303 turns the POST into a GET without the event, whose 200 would mark the event
    delivered.
    """
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with open_checked(request, timeout=TIMEOUT_SECONDS) as response:
            code = int(response.status)
    except urllib.error.HTTPError as exc:
        code = int(exc.code)
        if 300 <= code < 400:
            where = (exc.headers.get("Location") or "")[:200]
            return code, f"HTTP {code} → {where}"  # not followed: the receiver URL is outdated
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def attempt_delivery(delivery_id: int) -> str:
    """Try to deliver once; returns the delivery's status afterwards.

    The HTTP call happens outside any transaction, so a slow receiver never holds a database
    lock (on SQLite that would block every candidate's autosave).
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.status in {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED}:
            return str(delivery.status)
        if not delivery.subscription.active:
            # Paused: nothing more is sent to it, not even the retries already scheduled.
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = PAUSED
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return str(delivery.status)
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    subscription = delivery.subscription
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ServiceFit-Webhooks/1",
        SIGNATURE_HEADER: sign(body, subscription.secret),
        "ServiceFit-Event": delivery.event,
        "ServiceFit-Delivery": delivery.event_id,
    }
    refused = False
    try:
        code, error = _post(subscription.url, body, headers)
    except OutboundRefused as exc:
        # the same answer on every retry until the URL or SERVICEFIT_OUTBOUND_ALLOW changes
        code, error, refused = 0, exc.log_text()[:300], True
        logger.warning("webhook %s not sent: %s", subscription.pk, exc.reason)
    except (OSError, ValueError) as exc:
        code = 0
        error = str(exc)[:300] or exc.__class__.__name__
    delivery.response_code = code or None
    delivery.last_error = error
    if 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.next_attempt_at = None
    elif refused or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = delivery.last_attempt_at + backoff(delivery.attempts)
    delivery.save(update_fields=["response_code", "last_error", "status", "next_attempt_at"])
    if delivery.status == DeliveryStatus.RETRYING:
        _schedule_retry(delivery)
    return str(delivery.status)


def _schedule_retry(delivery: WebhookDelivery) -> None:
    from .tasks import deliver_webhook

    backend = deliver_webhook.get_backend()
    if getattr(backend, "supports_defer", False) and not getattr(
        settings, "SERVICEFIT_WEBHOOKS_NO_AUTO_RETRY", False
    ):
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
