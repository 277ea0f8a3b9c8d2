"""The readiness report behind ``/healthz``: for load balancers and monitoring, no secrets.

``status`` is ``ok``; ``degraded`` when tasks wait with no live worker or the oldest waiting
task is older than ``SERVICEFIT_QUEUE_ALERT_SECONDS`` (300); ``error`` when the database does
not answer (HTTP 503, so a load balancer takes the server out). Counts and ages only: no
names, no hosts, no task arguments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection

from .leases import queue_state


def readiness() -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = queue_state()
    except (DatabaseError, InterfaceError):
        return 503, {"status": "error", "database": "unavailable"}
    alert_after = float(getattr(settings, "SERVICEFIT_QUEUE_ALERT_SECONDS", 300))
    stale = queue.oldest_waiting_seconds is not None and queue.oldest_waiting_seconds > alert_after
    unattended = queue.waiting > 0 and queue.workers_alive == 0
    return 200, {
        "status": "degraded" if stale or unattended else "ok",
        "database": "ok",
        "queue": {
            "waiting": queue.waiting,
            "running": queue.running,
            "oldest_waiting_seconds": queue.oldest_waiting_seconds,
        },
        "workers": {"alive": queue.workers_alive},
    }
