"""Delivering webhooks from the task worker, with retries and exponential back-off."""

from __future__ import annotations

from django_tasks import task

from .delivery import attempt_delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt; a failed attempt schedules the next one (see :mod:`.delivery`)."""
    return attempt_delivery(delivery_id)
