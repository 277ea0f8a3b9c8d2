"""Worker heartbeats: how the sweeper tells a dead worker's task from a slow one."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One row per running task worker, rewritten every few seconds while it lives.

    A task is RUNNING under the id of the worker that claimed it (django-tasks-db keeps the ids
    in ``DBTaskResult.worker_ids``); when that worker's heartbeat is older than the lease, the
    worker is dead and the task is queued again.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname}:{self.pid}"
