"""Background work of the integrations."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_greenhouse(order_id: int) -> int | None:
    """Tell Greenhouse an ordered assessment is complete (it then calls test_status)."""
    from .greenhouse import notify

    return notify(order_id)
