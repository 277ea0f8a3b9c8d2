"""The events other systems can subscribe to, and emitting them from services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import WebhookDelivery, WebhookSubscription

EVENTS: dict[str, object] = {
    "invitation.opened": _("A candidate opened their invitation link"),
    "assessment.submitted": _("A candidate submitted the assessment"),
    "assessment.scored": _("An assessment was scored"),
    "candidate.stage_changed": _("A candidate moved to another stage"),
    "decision.recorded": _("A person recorded a hiring decision"),
    "webhook.test": _("A test event sent from the back office"),
}
DECISION_STAGES = frozenset({"shortlisted", "interview", "offer", "hired", "rejected"})

Listener = Callable[[str, dict[str, Any]], None]
_LISTENERS: dict[str, list[Listener]] = {}


def add_listener(event: str, listener: Listener) -> None:
    """Run ``listener(event, data)`` whenever ``event`` is emitted (inside the caller's
    transaction; a listener that starts work queues it with ``transaction.on_commit``).

    For integrations that live above the apps emitting events (the Greenhouse partner
    contract registers one in its ``AppConfig.ready``), so no app imports the one above it.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    if listener not in _LISTENERS.setdefault(event, []):
        _LISTENERS[event].append(listener)


def emit(event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue ``event`` for every active subscription that wants it; delivered after commit.

    The payload carries ids and states only, never names, e-mail addresses or answers: the
    receiver fetches what it is allowed to see through the API.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    for listener in _LISTENERS.get(event, []):
        listener(event, data)
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(active=True)
        if event in s.events or event == "webhook.test"
    ]
    if not subscriptions:
        return []
    payload = _payload(event, data)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=s, event_id=payload["id"], event=event, payload=payload)
        for s in subscriptions
    )
    ids = [d.pk for d in deliveries]

    def enqueue() -> None:
        from .tasks import deliver_webhook

        for pk in ids:
            deliver_webhook.enqueue(pk)

    transaction.on_commit(enqueue)
    return deliveries


def emit_for_subscription(
    subscription: WebhookSubscription, event: str, data: dict[str, Any]
) -> WebhookDelivery:
    """One event for one subscription (the back office's "send test event")."""
    payload = _payload(event, data)
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_id=payload["id"], event=event, payload=payload
    )

    def enqueue() -> None:
        from .tasks import deliver_webhook

        deliver_webhook.enqueue(delivery.pk)

    transaction.on_commit(enqueue)
    return delivery


def _payload(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of one event: a new event id, the type, the time and ``data``."""
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": event,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }
