"""/healthz for monitors, CONN_HEALTH_CHECKS, and `servicefit manage rescore`."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from servicefit.assessments.models import Result
from servicefit.assessments.tasks import score_assessment
from servicefit.runtime import leases
from servicefit.runtime.postgresql.base import has_pending_input

pytestmark = pytest.mark.django_db


def test_conn_health_checks_are_on():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_healthz_reports_database_queue_depth_and_oldest_wait(client, db_tasks, unscored):
    first = score_assessment.enqueue(unscored.pk)
    score_assessment.enqueue(unscored.pk)
    DBTaskResult.objects.filter(pk=first.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=90)
    )
    leases.beat("w1")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["queue"]["waiting"] == 2
    assert body["queue"]["running"] == 0
    assert 89 <= body["queue"]["oldest_waiting_seconds"] < 120
    assert body["workers"] == {"alive": 1}


def test_healthz_reveals_nothing_about_tasks_or_hosts(client, db_tasks, unscored):
    score_assessment.enqueue(unscored.pk)
    leases.beat("worker-secret-id")
    body = client.get("/healthz").json()
    assert set(body) == {"status", "database", "storage", "queue", "workers"}
    assert set(body["queue"]) == {"waiting", "running", "oldest_waiting_seconds"}
    text = json.dumps(body)
    assert "worker-secret-id" not in text
    assert "score_assessment" not in text
    assert settings.SECRET_KEY not in text
    strings = {v for v in (body["status"], body["database"], body["storage"]) if isinstance(v, str)}
    assert strings <= {"ok", "degraded"}


def test_healthz_is_degraded_when_tasks_wait_and_no_worker_lives(client, db_tasks, unscored):
    score_assessment.enqueue(unscored.pk)
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["workers"]["alive"] == 0


def test_healthz_is_degraded_when_the_oldest_task_waits_too_long(
    client, db_tasks, unscored, settings
):
    settings.SERVICEFIT_QUEUE_ALERT_SECONDS = 60
    task = score_assessment.enqueue(unscored.pk)
    DBTaskResult.objects.filter(pk=task.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )
    leases.beat("w1")
    assert client.get("/healthz").json()["status"] == "degraded"


def test_healthz_is_503_without_a_database(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_rescore_stuck_scores_a_submitted_candidate_left_without_a_result(unscored):
    out = StringIO()
    call_command("rescore", "--stuck", stdout=out)
    assert Result.objects.filter(session=unscored).exists()
    assert "1 assessment(s) queued" in out.getvalue()
    out = StringIO()
    call_command("rescore", "--stuck", stdout=out)
    assert "nothing to do" in out.getvalue()


def test_rescore_stuck_requeues_a_stranded_task(db_tasks, unscored):
    task = score_assessment.enqueue(unscored.pk)
    DBTaskResult.objects.filter(pk=task.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1), worker_ids=["dead"]
    )
    out = StringIO()
    call_command("rescore", "--stuck", stdout=out)
    assert "1 stranded task(s) queued again" in out.getvalue()
    assert DBTaskResult.objects.get(pk=task.id).status == "READY"


def test_rescore_candidate_replaces_the_result(unscored):
    call_command("rescore", "--stuck", stdout=StringIO())
    first = Result.objects.get(session=unscored)
    out = StringIO()
    call_command("rescore", "--candidate", str(unscored.candidate_id), "--now", stdout=out)
    second = Result.objects.get(session=unscored)
    assert second.pk == first.pk
    assert second.computed_at > first.computed_at
    assert "1 of 1 assessment(s) scored" in out.getvalue()


def test_rescore_job_covers_every_submitted_candidate(unscored, job):
    out = StringIO()
    call_command("rescore", "--job", str(job.pk), stdout=out)
    assert "1 assessment(s) queued" in out.getvalue()
    assert Result.objects.filter(session=unscored).exists()


def test_rescore_says_what_is_wrong_with_an_unknown_id(job, recruiter):
    from servicefit.candidates.services import add_candidate

    with pytest.raises(CommandError, match="no candidate with id 999999"):
        call_command("rescore", "--candidate", "999999")
    with pytest.raises(CommandError, match="no job with id 999999"):
        call_command("rescore", "--job", "999999")
    fresh = add_candidate(job=job, name="New", email="new@example.com")
    with pytest.raises(CommandError, match="has not submitted"):
        call_command("rescore", "--candidate", str(fresh.pk))


@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_the_database_drops_the_connection_succeeds(client):
    """PostgreSQL restarted (here: our server connection terminated) between two requests."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite connections are not reused between requests (CONN_MAX_AGE 0)")
    assert client.get("/healthz").json()["database"] == "ok"  # opens a reusable connection
    assert connection.connection is not None
    pid = connection.connection.info.backend_pid
    with _admin_connection() as admin:
        _terminate(admin, pid)
    # What Django runs when a real request starts (the test client leaves it out): with
    # CONN_HEALTH_CHECKS the reused connection is checked and replaced before the view uses it.
    close_old_connections()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert connection.connection.info.backend_pid != pid


def _terminate(admin, pid: int) -> None:
    """End server process ``pid`` and wait until it has gone, as a restart does before the
    server accepts connections again (``pg_terminate_backend`` only sends the signal)."""
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    _wait_until(lambda: not _running(admin, pid))


def _running(admin, pid: int) -> bool:
    query = "SELECT count(*) FROM pg_stat_activity WHERE pid = %s"
    return bool(admin.execute(query, [pid]).fetchone()[0])


def _wait_until(condition) -> None:
    """Poll ``condition`` for up to 5 s."""
    for _ in range(100):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _admin_connection():
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_a_healthy_reused_connection_is_checked_without_a_round_trip(monkeypatch):
    """The check asks the socket first; ``SELECT 1`` runs only when the server has spoken."""
    if connection.vendor != "postgresql":
        pytest.skip("only the PostgreSQL backend checks reused connections")
    from django.db.backends.postgresql import base as django_postgresql

    select_one = []
    real = django_postgresql.DatabaseWrapper.is_usable
    monkeypatch.setattr(
        django_postgresql.DatabaseWrapper,
        "is_usable",
        lambda self: select_one.append(1) or real(self),
    )
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    assert connection.is_usable() is True
    assert select_one == []  # idle and silent: usable, no statement sent

    # The server speaks while the connection is idle (here a notification; in a restart its
    # farewell): the real check runs and keeps a connection that is fine.
    with connection.cursor() as cursor:
        cursor.execute("LISTEN servicefit_health_test")
    with _admin_connection() as admin:
        admin.execute("NOTIFY servicefit_health_test")
    _wait_until(lambda: has_pending_input(connection.connection.fileno()))
    assert connection.is_usable() is True
    assert select_one == [1]

    with _admin_connection() as admin:
        _terminate(admin, pid)
    assert connection.is_usable() is False  # the farewell was seen, and SELECT 1 failed
    assert select_one == [1, 1]
    connection.close()


def test_healthz_answers_a_probe_by_address_with_a_public_allowed_host(client, settings):
    """The container HEALTHCHECK (127.0.0.1) and a load balancer (10.0.0.11) send no host name."""
    settings.ALLOWED_HOSTS = ["hiring.example.com"]
    for host in ("127.0.0.1:8000", "10.0.0.11:8000", "localhost"):
        response = client.get("/healthz", HTTP_HOST=host)
        assert response.status_code == 200, host
        assert response.json()["database"] == "ok"
        assert "no-cache" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still ran
    assert client.head("/healthz", HTTP_HOST="10.0.0.11").status_code == 200
    # only that path is exempt from the host check
    assert client.get("/login/", HTTP_HOST="10.0.0.11:8000").status_code == 400
    assert client.get("/healthz/x", HTTP_HOST="10.0.0.11:8000").status_code == 400
    assert client.post("/healthz", HTTP_HOST="10.0.0.11:8000").status_code == 400
    assert client.get("/healthz", HTTP_HOST="hiring.example.com").status_code == 200


def test_a_foreign_host_logs_one_line_without_a_traceback(client, settings, caplog):
    settings.ALLOWED_HOSTS = ["hiring.example.com"]
    with caplog.at_level("ERROR", logger="django.security.DisallowedHost"):
        assert client.get("/login/", HTTP_HOST="evil.example.com").status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert "Invalid HTTP_HOST header: 'evil.example.com'" in record.getMessage()
    assert record.exc_info is None
