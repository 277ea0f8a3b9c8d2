"""The task worker: django-tasks-db's ``Worker``, wrapped so it strands no one.

What the wrapper adds to the library's loop (which it runs unchanged):

- **database outages**: the library's loop exits on any database error except SQLite's
  "database is locked" while claiming. Here a ``DatabaseError`` (PostgreSQL restarting, a
  dropped connection, SQLite locked at any point) closes the connections, waits with
  exponential back-off (1 s doubling to 30 s) and resumes. A task this worker had claimed when
  the error hit is queued again at once, since nothing of it runs any more.
- **transient task failures**: a task that failed with a database error is queued again with
  back-off (up to :data:`~servicefit.runtime.leases.MAX_ATTEMPTS` claims) instead of ending
  FAILED with its candidate unscored.
- **heartbeat and sweeper**: a daemon thread writes the worker's heartbeat every few seconds
  and, once the worker has been connected for a whole lease, sweeps tasks stranded by dead
  workers (:func:`~servicefit.runtime.leases.sweep_stranded_tasks`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import leases

logger = logging.getLogger("servicefit.runtime.worker")

BACKOFF_START = 1.0
BACKOFF_MAX = 30.0
TRANSIENT_ERRORS = {
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
}


def close_connections() -> None:
    """Drop this thread's connections so the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError, InterfaceError):
            connection.close()


class ResilientWorker(Worker):
    """A ``db_worker`` that reconnects instead of exiting and keeps a heartbeat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat_interval = float(settings.SERVICEFIT_WORKER_HEARTBEAT)
        self.lease_seconds = float(settings.SERVICEFIT_WORKER_LEASE)
        self._stop = threading.Event()
        self._connected_since = time.monotonic()
        self.outages = 0

    # -- the main loop -------------------------------------------------------------------
    def run(self) -> None:
        thread = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        thread.start()
        backoff = BACKOFF_START
        try:
            while self.running:
                try:
                    self._requeue_own_tasks()
                    super().run()
                    return
                except (DatabaseError, InterfaceError) as exc:
                    self.outages += 1
                    if time.monotonic() - self._connected_since > 60:
                        backoff = BACKOFF_START  # the last outage is long past
                    logger.warning(
                        "database unavailable (%s: %s); retrying in %.0f s",
                        type(exc).__name__,
                        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                        backoff,
                    )
                    close_connections()
                    time.sleep(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    self._connected_since = time.monotonic()
                    self.startup_delay = False
        finally:
            self._stop.set()
            thread.join(timeout=2)
            with contextlib.suppress(DatabaseError, InterfaceError):
                leases.stop(self.worker_id)

    def _requeue_own_tasks(self) -> None:
        """Tasks this worker left RUNNING when a database error interrupted it."""
        for task in DBTaskResult.objects.running().only("id", "started_at", "worker_ids"):
            if task.worker_ids and task.worker_ids[-1] == self.worker_id and leases.requeue(task):
                logger.warning("task %s interrupted by a database error: queued again", task.pk)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in TRANSIENT_ERRORS
            and len(db_task_result.worker_ids) < leases.MAX_ATTEMPTS
        ):
            delay = BACKOFF_START * 2 ** len(db_task_result.worker_ids)
            updated = DBTaskResult.objects.filter(
                pk=db_task_result.pk, status=TaskResultStatus.FAILED
            ).update(
                status=TaskResultStatus.READY,
                started_at=None,
                finished_at=None,
                run_after=timezone.now() + timedelta(seconds=delay),
            )
            if updated:
                logger.warning(
                    "task %s failed with %s; queued again in %.0f s",
                    db_task_result.pk,
                    db_task_result.exception_class_path,
                    delay,
                )

    # -- the heartbeat thread ------------------------------------------------------------
    def _heartbeat_loop(self) -> None:
        last_sweep = 0.0
        healthy_since: float | None = None
        while not self._stop.is_set():
            try:
                leases.beat(self.worker_id)
                now = time.monotonic()
                healthy_since = healthy_since or now
                # Sweep only after a whole lease of good health: after an outage every other
                # worker needs time to write its heartbeat again before it can look dead.
                if now - healthy_since >= self.lease_seconds and now - last_sweep >= max(
                    self.heartbeat_interval, self.lease_seconds / 4
                ):
                    last_sweep = now
                    swept = leases.sweep_stranded_tasks()
                    for task_id in swept.requeued:
                        logger.warning("task %s stranded by a dead worker: queued again", task_id)
                    for task_id in swept.failed:
                        logger.error("task %s stranded too often: marked failed", task_id)
            except (DatabaseError, InterfaceError) as exc:
                healthy_since = None
                logger.debug("heartbeat failed: %s", exc)
                close_connections()
            self._stop.wait(self.heartbeat_interval)
        close_connections()
