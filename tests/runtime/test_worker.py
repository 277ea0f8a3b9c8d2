"""The task worker strands no one: outages, dead workers, transient task failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from servicefit.assessments.models import Result
from servicefit.assessments.tasks import score_assessment
from servicefit.audit.models import AuditEvent
from servicefit.runtime import leases, worker
from servicefit.runtime.models import WorkerHeartbeat
from servicefit.runtime.worker import ResilientWorker

pytestmark = pytest.mark.django_db(transaction=True)


def make_worker(worker_id="w-test"):
    return ResilientWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.fixture
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(worker.time, "sleep", slept.append)
    return slept


def scored_events(session):
    return AuditEvent.objects.filter(
        action="assessment.scored", candidate=session.candidate
    ).count()


def strand(task_id, *, worker_id, minutes_ago):
    """What a SIGKILLed worker leaves behind: the task RUNNING under its id."""
    started = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=task_id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[worker_id]
    )


def test_the_sweeper_requeues_a_task_whose_worker_died_and_the_worker_scores_it(
    db_tasks, unscored, no_sleep
):
    task = score_assessment.enqueue(unscored.pk)
    strand(task.id, worker_id="dead", minutes_ago=5)
    WorkerHeartbeat.objects.create(worker_id="dead", beat_at=timezone.now() - timedelta(minutes=5))

    swept = leases.sweep_stranded_tasks()

    assert swept.requeued == (task.id,)
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.READY
    make_worker().run()
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.SUCCESSFUL
    assert Result.objects.filter(session=unscored).count() == 1


def test_the_sweeper_leaves_the_task_of_a_live_worker_alone(db_tasks, unscored):
    task = score_assessment.enqueue(unscored.pk)
    strand(task.id, worker_id="busy", minutes_ago=10)  # a slow task, but its worker beats
    leases.beat("busy")

    assert leases.sweep_stranded_tasks().requeued == ()
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.RUNNING


def test_the_sweeper_waits_for_the_lease_before_requeuing(db_tasks, unscored, settings):
    settings.SERVICEFIT_WORKER_LEASE = 30
    task = score_assessment.enqueue(unscored.pk)
    strand(task.id, worker_id="gone", minutes_ago=0)  # started just now, no heartbeat yet

    assert leases.sweep_stranded_tasks().requeued == ()
    later = timezone.now() + timedelta(seconds=31)
    assert leases.sweep_stranded_tasks(now=later).requeued == (task.id,)


def test_a_task_that_kills_its_worker_every_time_ends_failed_not_looping(db_tasks, unscored):
    task = score_assessment.enqueue(unscored.pk)
    strand(task.id, worker_id="w5", minutes_ago=5)
    DBTaskResult.objects.filter(pk=task.id).update(worker_ids=["w1", "w2", "w3", "w4", "w5"])

    swept = leases.sweep_stranded_tasks()

    assert swept.failed == (task.id,)
    row = DBTaskResult.objects.get(pk=task.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == leases.STRANDED_EXCEPTION


def test_the_worker_survives_database_errors_and_then_scores(
    db_tasks, unscored, no_sleep, monkeypatch
):
    real = DBTaskResultQuerySet.get_locked
    failures = iter(
        [
            OperationalError("server closed the connection unexpectedly"),
            OperationalError("database is locked"),
        ]
    )

    def flaky(self):
        error = next(failures, None)
        if error is not None:
            raise error
        return real(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", flaky)
    task = score_assessment.enqueue(unscored.pk)
    w = make_worker()

    w.run()  # the library's loop would have exited on the first error

    assert w.outages == 1  # "locked" while claiming is already retried by the library
    assert no_sleep[:1] == [worker.BACKOFF_START]
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.SUCCESSFUL
    assert Result.objects.filter(session=unscored).exists()


def test_a_task_interrupted_by_an_outage_is_queued_again_and_finished(
    db_tasks, unscored, no_sleep, monkeypatch
):
    from django_tasks_db.models import DBTaskResult as Model

    real = Model.set_successful
    calls = []

    def lost_connection(self, value):
        calls.append(value)
        if len(calls) == 1:  # the database goes away just as the result is recorded
            raise OperationalError("terminating connection due to administrator command")
        return real(self, value)

    monkeypatch.setattr(Model, "set_successful", lost_connection)
    monkeypatch.setattr(Model, "set_failed", lambda self, exc: (_ for _ in ()).throw(exc))
    task = score_assessment.enqueue(unscored.pk)
    before = scored_events(unscored)
    w = make_worker()

    w.run()

    assert w.outages == 1
    row = DBTaskResult.objects.get(pk=task.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["w-test", "w-test"]
    # scored once: the second run found the result and stored nothing new
    assert scored_events(unscored) == before + 1


def test_a_task_failing_with_a_database_error_is_retried_later(db_tasks, unscored, monkeypatch):
    from servicefit.assessments import results

    real = results.store_result
    calls = []

    def locked_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(results, "store_result", locked_once)
    task = score_assessment.enqueue(unscored.pk)

    make_worker().run()

    row = DBTaskResult.objects.get(pk=task.id)
    assert row.status == TaskResultStatus.READY  # not FAILED: due again after a back-off
    assert row.run_after > timezone.now()
    DBTaskResult.objects.filter(pk=task.id).update(run_after=timezone.now())
    make_worker().run()
    assert DBTaskResult.objects.get(pk=task.id).status == TaskResultStatus.SUCCESSFUL
    assert Result.objects.filter(session=unscored).exists()


def test_the_worker_keeps_a_heartbeat_and_removes_it_on_exit(db_tasks, monkeypatch):
    beats = []
    real = leases.beat
    monkeypatch.setattr(
        leases, "beat", lambda worker_id: (beats.append(worker_id), real(worker_id))
    )
    w = make_worker("w-beat")
    w.run()
    assert "w-beat" in beats
    assert not WorkerHeartbeat.objects.filter(pk="w-beat").exists()


def test_scoring_twice_stores_one_result_once(db_tasks, unscored):
    before = scored_events(unscored)
    score_assessment.enqueue(unscored.pk)
    score_assessment.enqueue(unscored.pk)
    make_worker().run()
    assert Result.objects.filter(session=unscored).count() == 1
    assert scored_events(unscored) == before + 1
