"""A database that cannot store data (full disk) is a clear, translated 503, never the 500
page, and nothing of the request is stored.

SQLite is filled for real (``PRAGMA max_page_count`` reached: the same ``SQLITE_FULL``,
"database or disk is full", as a full disk); PostgreSQL's refusals (SQLSTATE 53100 disk_full,
53200 out_of_memory) are raised through ``connection.execute_wrapper`` with the SQLSTATE
psycopg gives them.
"""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.services import create_invitation
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job
from servicefit.runtime import storage
from servicefit.runtime.storage import storage_full_cause

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_refusals():
    storage.reset()
    yield
    storage.reset()


@pytest.fixture
def full_sqlite(transactional_db):
    """Fill the test database to ``PRAGMA max_page_count``: no free page is left, so a write
    that needs a new page (an answer of 5,000 characters needs overflow pages) is refused with
    SQLITE_FULL. Committed data (``transactional_db``): SQLite may answer SQLITE_FULL by
    rolling back the whole transaction, which in a test would be the test's own."""
    if connection.vendor != "sqlite":
        pytest.skip("fills a SQLite database")
    fill = (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < %s) "
        "INSERT INTO zz_fill SELECT randomblob(3000) FROM r"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS zz_fill")
        cursor.execute("CREATE TABLE zz_fill (b BLOB)")
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        free = cursor.execute("PRAGMA freelist_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 4}")
        # the test database of a long run has free pages (earlier tests' rows): fill them
        # too, in batches that halve when one no longer fits, down to a single row
        rows, refused = free + 8, 0
        while rows:
            try:
                cursor.execute(fill, [rows])
            except OperationalError as exc:
                assert "database or disk is full" in str(exc)
                refused += 1
                rows //= 2
        assert refused
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
            cursor.execute("DROP TABLE zz_fill")


@pytest.fixture
def no_raise_client():
    """The test client re-raises a view's exception by default; the person sees the answer."""
    return Client(raise_request_exception=False)


@pytest.fixture
def started(job, recruiter, no_raise_client):
    candidate = add_candidate(
        job=job, name="Mette Holm", email="mette@example.com", language="en", added_by=recruiter
    )
    token = create_invitation(candidate=candidate, created_by=recruiter).token
    assert no_raise_client.post(f"/a/{token}/", {"consent": "yes"}).status_code == 302
    return token


def _reply(client, token, text, **headers):
    key = f"reply.{AssessmentSession.objects.get().reply_message}"
    return key, client.post(f"/a/{token}/answer/", {"key": key, key: text}, headers=headers)


@pytest.mark.django_db(transaction=True)
def test_a_candidates_answer_on_a_full_sqlite_database_is_a_503_and_nothing_is_stored(
    started, no_raise_client, caplog, request
):
    key, saved = _reply(no_raise_client, started, "Dear customer, I am sorry.")
    assert saved.status_code == 200
    before = AssessmentSession.objects.values().get()
    request.getfixturevalue("full_sqlite")

    with caplog.at_level(logging.ERROR):
        _key, autosave = _reply(no_raise_client, started, "x" * 5000, **{"HX-Request": "true"})
    assert autosave.status_code == 503 and autosave["Retry-After"] == "300"
    assert autosave.content.decode().startswith("Not saved: the server cannot store data")
    assert Answer.objects.get(key=key).text == "Dear customer, I am sorry."
    assert AssessmentSession.objects.values().get() == before
    logged = [r for r in caplog.records if r.name == "servicefit.storage"]
    assert logged and "could not store data (disk_full)" in logged[0].getMessage()
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)

    # without JavaScript the form posts and gets the page
    _key, page = _reply(no_raise_client, started, "y" * 5000)
    assert page.status_code == 503
    html = page.content.decode()
    assert "data-storage-full" in html and "Something went wrong" not in html
    assert Answer.objects.get(key=key).text == "Dear customer, I am sorry."

    health = no_raise_client.get("/healthz").json()
    assert (health["storage"], health["status"]) == ("full", "degraded")


@pytest.mark.django_db(transaction=True)
def test_the_page_is_in_english_and_says_nothing_was_saved(started, no_raise_client, full_sqlite):
    _key, page = _reply(no_raise_client, started, "z" * 5000)
    html = page.content.decode()
    assert page.status_code == 503
    assert "The server cannot store data right now" in html
    assert "was not saved" in html and "try again later" in html


def _refuse_writes(sqlstate):
    class PsycopgError(Exception):
        """What psycopg raises: the SQLSTATE in ``sqlstate``."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            cause = PsycopgError("could not extend file: No space left on device")
            cause.sqlstate = sqlstate
            raise OperationalError(str(cause)) from cause
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)  # autocommit, as in production
@pytest.mark.parametrize("sqlstate", ["53100", "53200"])
def test_a_recruiter_saving_a_form_gets_the_translated_503_and_nothing_is_stored(
    recruiter, job, no_raise_client, sqlstate
):
    no_raise_client.force_login(recruiter)
    with connection.execute_wrapper(_refuse_writes(sqlstate)):
        response = no_raise_client.post(
            reverse("backoffice:candidate_add", args=[job.pk]),
            {"name": "Kari Nordmann", "email": "kari@example.com", "language": "nb"},
            headers={"Accept-Language": "pl"},
        )
    assert response.status_code == 503
    html = response.content.decode()
    assert 'lang="pl"' in html and "data-storage-full" in html
    assert "The server cannot store data right now" not in html  # translated
    assert not Candidate.objects.filter(email="kari@example.com").exists()


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_a_problem_with_503(recruiter, no_raise_client):
    from servicefit.api.scopes import SCOPES
    from servicefit.api.tokens import create_token

    token = create_token(user=recruiter, name="t", scopes=list(SCOPES), created_by=None).secret
    with connection.execute_wrapper(_refuse_writes("53100")):
        response = no_raise_client.post(
            "/api/v1/jobs",
            '{"title": "Support", "template": "phone_support"}',
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 503 and response["Retry-After"] == "300"
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/storage-full") and problem["status"] == 503
    assert "Nothing of this request was saved" in problem["detail"]
    assert not Job.objects.filter(title="Support").exists()


def test_other_errors_stay_500(recruiter, job, no_raise_client):
    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    no_raise_client.force_login(recruiter)
    with connection.execute_wrapper(wrapper):
        response = no_raise_client.post(
            reverse("backoffice:candidate_add", args=[job.pk]),
            {"name": "Kari", "email": "kari@example.com", "language": "nb"},
        )
    assert response.status_code == 500
    assert no_raise_client.get("/healthz").json()["storage"] == "ok"


def _sqlite_error(message, code):
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize(
    ("exc", "cause"),
    [
        (_sqlite_error("database or disk is full", sqlite3.SQLITE_FULL), "disk_full"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "disk_full"),
        (_sqlite_error("database is locked", sqlite3.SQLITE_BUSY), ""),
        (IntegrityError("UNIQUE constraint failed"), ""),
        (OSError(errno.EACCES, "Permission denied"), ""),
        (ValueError("x"), ""),
        (None, ""),
    ],
)
def test_storage_full_cause(exc, cause):
    assert storage_full_cause(exc) == cause


def test_a_wrapped_sqlstate_is_found():
    class Error(Exception):
        sqlstate = "53200"

    try:
        try:
            raise Error("out of memory")
        except Error as inner:
            raise OperationalError("out of memory") from inner
    except OperationalError as outer:
        assert storage_full_cause(outer) == "out_of_memory"


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_a_full_sqlite_database(full_sqlite, client):
    body = client.get("/healthz").json()
    assert body["storage"] == "full" and body["status"] == "degraded"


def test_a_sqlite_io_error_counts_as_full_only_when_the_disk_is_full(monkeypatch):
    """In WAL mode a full disk is mostly "disk I/O error" (measured: SQLITE_IOERR_SHMSIZE on
    every new connection); an I/O error with space left stays a 500."""
    error = _sqlite_error("disk I/O error", 4874)  # SQLITE_IOERR_SHMSIZE
    monkeypatch.setattr(storage, "sqlite_disk_nearly_full", lambda: True)
    assert storage_full_cause(error) == "disk_full"
    monkeypatch.setattr(storage, "sqlite_disk_nearly_full", lambda: False)
    assert storage_full_cause(error) == ""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the free-space check is SQLite's")
def test_the_sqlite_disk_counts_as_nearly_full_below_a_megabyte(monkeypatch, tmp_path):
    """Read from the database file's folder. The test database is in memory (and which name the
    connection has depends on the tests run before), so the file name is set here."""
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "servicefit.sqlite3"))
    seen = []
    monkeypatch.setattr(
        storage.shutil, "disk_usage", lambda path: seen.append(path) or usage(10, 10, 0)
    )
    assert storage.sqlite_disk_nearly_full()
    assert seen == [tmp_path]
    monkeypatch.setattr(storage.shutil, "disk_usage", lambda path: usage(10, 5, 10**9))
    assert not storage.sqlite_disk_nearly_full()


def test_healthz_says_storage_full_when_the_database_cannot_even_be_read(
    monkeypatch, no_raise_client
):
    from servicefit.runtime import health

    def unreadable():
        raise OperationalError("disk I/O error") from _sqlite_error("disk I/O error", 4874)

    monkeypatch.setattr(health, "queue_state", unreadable)
    monkeypatch.setattr(storage, "sqlite_disk_nearly_full", lambda: True)
    response = no_raise_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "storage": "full"}


@pytest.mark.django_db(transaction=True)
def test_a_section_clock_is_not_started_when_its_audit_event_cannot_be_stored(started):
    """Half-written before: the reply's clock started, its audit event refused, the answer
    not stored."""
    from servicefit.assessments.services import save_answer

    session = AssessmentSession.objects.get()
    assert session.reply_started_at is None

    def refuse_audit(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "audit" in sql:
            raise OperationalError("database or disk is full") from _sqlite_error(
                "database or disk is full", sqlite3.SQLITE_FULL
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_audit), pytest.raises(OperationalError):
        save_answer(session=session, key=f"reply.{session.reply_message}", value="Dear customer")
    session.refresh_from_db()
    assert session.reply_started_at is None
    assert not Answer.objects.exists()
