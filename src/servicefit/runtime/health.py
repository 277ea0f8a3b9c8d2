"""The readiness report behind ``/healthz``: for load balancers and monitoring, no secrets.

``status`` is ``ok``; ``degraded`` when tasks wait with no live worker, the oldest waiting
task is older than ``SERVICEFIT_QUEUE_ALERT_SECONDS`` (300), or ``storage`` is ``full``;
``error`` when the database does not answer (HTTP 503, so a load balancer takes the server
out). ``storage`` is ``full`` when this process had a write refused for want of space in the
last 10 minutes (:mod:`.storage`), or, on SQLite, when the database's disk has less than
1 MB free or the database has reached ``PRAGMA max_page_count``. Counts and ages only: no
names, no hosts, no task arguments.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection

from .leases import queue_state
from .storage import recently_full, sqlite_disk_nearly_full, storage_full_cause


def _sqlite_full() -> bool:
    """SQLite only (PostgreSQL's disk is not visible from here): two pragmas and a statvfs."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        limit = cursor.execute("PRAGMA max_page_count").fetchone()[0]
    return pages >= limit or sqlite_disk_nearly_full()


def readiness() -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = queue_state()
        full = recently_full() or _sqlite_full()
    except (DatabaseError, InterfaceError) as exc:
        body = {"status": "error", "database": "unavailable"}
        if storage_full_cause(exc):  # SQLite in WAL mode cannot even read on a full disk
            body["storage"] = "full"
        return 503, body
    alert_after = float(getattr(settings, "SERVICEFIT_QUEUE_ALERT_SECONDS", 300))
    stale = queue.oldest_waiting_seconds is not None and queue.oldest_waiting_seconds > alert_after
    unattended = queue.waiting > 0 and queue.workers_alive == 0
    return 200, {
        "status": "degraded" if stale or unattended or full else "ok",
        "database": "ok",
        "storage": "full" if full else "ok",
        "queue": {
            "waiting": queue.waiting,
            "running": queue.running,
            "oldest_waiting_seconds": queue.oldest_waiting_seconds,
        },
        "workers": {"alive": queue.workers_alive},
    }
