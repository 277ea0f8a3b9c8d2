"""A database that cannot store data: a clear 503 instead of the 500 page.

When the disk under the database is full, SQLite refuses a write with ``SQLITE_FULL``
("database or disk is full"; also when ``PRAGMA max_page_count`` is reached) and PostgreSQL
with SQLSTATE ``53100`` (disk_full) or ``53200`` (out_of_memory). In WAL mode SQLite mostly
says "disk I/O error" instead: measured on a full 12 MB tmpfs, every new connection failed
with ``SQLITE_IOERR_SHMSIZE`` (it could not grow the ``-shm`` file), reads included; an I/O
error while the database's disk has less than :data:`SQLITE_MIN_FREE_BYTES` free counts as
full too. The statement fails and its
transaction is rolled back, so nothing of the request is stored; the person only needs to know
that, and to try again later. :func:`storage_full_response` says so (HTML page, a short text
for the candidate page's autosave, a problem under ``/api/``), with HTTP 503 and
``Retry-After``; Django's request log keeps the traceback for the operator and
:data:`logger` adds one line naming the cause. ``/healthz`` reports ``"storage": "full"`` for a
while afterwards (see :func:`recently_full`).
"""

from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import time
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("servicefit.storage")

#: PostgreSQL's SQLSTATEs for "cannot store it now" (class 53, insufficient resources).
SQLSTATES = {"53100": "disk_full", "53200": "out_of_memory"}
RETRY_AFTER_SECONDS = 300
#: ``/healthz`` reports the storage as full this long after the last refused write.
REPORT_SECONDS = 600

_last_full: float | None = None

#: Below this much free space on the disk of a SQLite database, it counts as full.
SQLITE_MIN_FREE_BYTES = 1024 * 1024


def sqlite_disk_nearly_full() -> bool:
    """Whether the disk of the (SQLite) database has less than 1 MB free: a statvfs."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return False
    try:
        return shutil.disk_usage(Path(name).parent).free < SQLITE_MIN_FREE_BYTES
    except OSError:
        return False


def storage_full_cause(exc: BaseException | None) -> str:
    """``disk_full`` / ``out_of_memory`` when ``exc`` (or an exception it wraps) is the
    database or the disk refusing to store data; else ``""``."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            primary = code & 0xFF if isinstance(code, int) else None
            if primary == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc):
                return "disk_full"
            io_error = primary == sqlite3.SQLITE_IOERR or "disk I/O error" in str(exc)
            if io_error and sqlite_disk_nearly_full():
                return "disk_full"
        state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(state, str) and state in SQLSTATES:
            return SQLSTATES[state]
        if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT}:
            return "disk_full"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return ""


def note_storage_full(cause: str, exc: BaseException, request: HttpRequest | None) -> None:
    global _last_full  # one timestamp per process, for /healthz
    _last_full = time.monotonic()
    logger.error(
        "The database could not store data (%s) for %s %s: nothing of the request was saved. "
        "Free space on the database's disk (or give PostgreSQL memory); %s",
        cause,
        getattr(request, "method", ""),
        getattr(request, "path", ""),
        str(exc)[:200],
    )


def recently_full(now: float | None = None) -> bool:
    """Whether this process had a write refused in the last :data:`REPORT_SECONDS`."""
    if _last_full is None:
        return False
    return (time.monotonic() if now is None else now) - _last_full < REPORT_SECONDS


def reset() -> None:
    global _last_full
    _last_full = None


def storage_full_response(request: HttpRequest) -> HttpResponse:
    """The 503 for a request whose data could not be stored."""
    if request.path.startswith("/api/"):
        from servicefit.api.problems import problem_response

        detail = (
            "The server cannot store data right now (its database storage is full). Nothing "
            "of this request was saved; try again later."
        )
        extra = {"error": detail} if request.path.startswith("/api/partners/greenhouse/") else None
        response = problem_response(
            request,
            status=503,
            title="Service unavailable",
            detail=detail,
            kind="storage-full",
            extra=extra,
        )
    elif request.headers.get("HX-Request"):
        # the candidate page's autosave keeps the answer on the page and sends it again
        response = HttpResponse(
            _(
                "Not saved: the server cannot store data right now. Your answer stays here and is sent again."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
