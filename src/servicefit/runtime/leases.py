"""Heartbeats and the sweeper: a task whose worker died is queued again, a live one never.

Every worker writes its heartbeat every ``SERVICEFIT_WORKER_HEARTBEAT`` seconds (5) from a
thread of its own, also while a long task runs. A RUNNING task belongs to the last worker id in
its ``worker_ids``; the sweeper re-queues it only when that worker's heartbeat is older than the
lease (``SERVICEFIT_WORKER_LEASE``, 30 s), so with several workers on several machines a slow
task of a live worker is left alone. The re-queue is a conditional update (still RUNNING, same
``started_at``), so two sweepers cannot re-queue one task twice, and every task is idempotent
(scoring checks for a current result under a row lock), so even a mistaken second run scores
no one twice. A task stranded ``MAX_ATTEMPTS`` times (one that kills its worker) is marked
failed instead of looping forever; ``servicefit manage rescore --stuck`` picks up its candidate.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat

MAX_ATTEMPTS = 5
"""A task claimed this many times and stranded every time is failed, not queued again."""
STRANDED_EXCEPTION = "servicefit.runtime.leases.StrandedTask"
FORGET_AFTER = timedelta(days=1)


class StrandedTask(Exception):
    """Recorded as the failure of a task whose workers died ``MAX_ATTEMPTS`` times."""


def lease() -> timedelta:
    return timedelta(seconds=float(settings.SERVICEFIT_WORKER_LEASE))


def beat(worker_id: str, *, now: datetime | None = None) -> None:
    """Record that ``worker_id`` is alive (one small upsert)."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "beat_at": now,
            },
        )


def stop(worker_id: str) -> None:
    """A worker that exits cleanly removes its heartbeat."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def live_worker_ids(*, now: datetime | None = None) -> set[str]:
    cutoff = (now or timezone.now()) - lease()
    return set(
        WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True)
    )


@dataclass(frozen=True)
class Sweep:
    requeued: tuple[str, ...]
    failed: tuple[str, ...]


def requeue(task: DBTaskResult, *, run_after: datetime | None = None) -> bool:
    """Put a RUNNING task back in the queue unless someone changed it meanwhile."""
    changes: dict[str, object] = {"status": TaskResultStatus.READY, "started_at": None}
    if run_after is not None:
        changes["run_after"] = run_after
    return bool(
        DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        ).update(**changes)
    )


def sweep_stranded_tasks(*, now: datetime | None = None) -> Sweep:
    """Re-queue (or, after too many attempts, fail) RUNNING tasks whose worker is dead."""
    now = now or timezone.now()
    cutoff = now - lease()
    live = live_worker_ids(now=now)
    requeued: list[str] = []
    failed: list[str] = []
    candidates = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    for task in candidates.only("id", "started_at", "worker_ids"):
        owner = task.worker_ids[-1] if task.worker_ids else None
        if owner in live:
            continue
        if len(task.worker_ids) >= MAX_ATTEMPTS:
            if _fail(task, now=now):
                failed.append(str(task.pk))
        elif requeue(task):
            requeued.append(str(task.pk))
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return Sweep(requeued=tuple(requeued), failed=tuple(failed))


def _fail(task: DBTaskResult, *, now: datetime) -> bool:
    return bool(
        DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=STRANDED_EXCEPTION,
            traceback=f"StrandedTask: the worker died {len(task.worker_ids)} times running it\n",
        )
    )


@dataclass(frozen=True)
class QueueState:
    waiting: int
    running: int
    oldest_waiting_seconds: float | None
    workers_alive: int


def queue_state(*, now: datetime | None = None) -> QueueState:
    """Depth of the queue and how long the oldest due task has waited (since it became due)."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    never_deferred = ready.filter(run_after=get_date_max()).aggregate(t=Min("enqueued_at"))["t"]
    deferred = ready.exclude(run_after=get_date_max()).aggregate(t=Min("run_after"))["t"]
    due_since = min((t for t in (never_deferred, deferred) if t is not None), default=None)
    return QueueState(
        waiting=ready.count(),
        running=DBTaskResult.objects.running().count(),
        oldest_waiting_seconds=(
            None if due_since is None else round(max(0.0, (now - due_since).total_seconds()), 1)
        ),
        workers_alive=len(live_worker_ids(now=now)),
    )
