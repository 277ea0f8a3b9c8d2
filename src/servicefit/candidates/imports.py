"""A candidate import as a background job: saved on upload, checked and stored by the worker.

The request only stores the uploaded file (:func:`queue_import`) and returns; the task
(:func:`run_import`) reads and checks every row outside any transaction, reporting its progress
on the import record, then adds all candidates in one short transaction of bulk inserts, or
none: the whole-file rule of :mod:`.importing` stays. Invitation e-mails are queued in that same
transaction and sent by their own tasks after it commits, so a refused file mails no one.

Running an import twice (the worker died and the sweeper queued it again) does nothing the
second time: the saving transaction also marks the import done.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation

from servicefit.accounts.models import User
from servicefit.jobs.models import Job
from servicefit.runtime.bulk import BULK_ROWS_FOR_ANALYZE, refresh_statistics

from .importing import (
    MAX_BYTES,
    CandidateImportError,
    ImportProblem,
    PreparedCandidates,
    read_table,
    validate_rows,
)
from .models import CandidateImport, ImportStatus

MAX_STORED_PROBLEMS = 500
logger = logging.getLogger(__name__)


def queue_import(
    *,
    job: Job,
    file_name: str,
    data: bytes,
    send_invitations: bool,
    added_by: User | None,
    language: str = "en",
) -> CandidateImport:
    """Store the upload and queue the task that checks and adds it (after commit)."""
    from servicefit.jobs.services import closed_job_message

    from .tasks import run_candidate_import

    if job.archived_at is not None:
        raise CandidateImportError([ImportProblem(None, None, closed_job_message(job))])
    if len(data) > MAX_BYTES:
        raise CandidateImportError(
            [ImportProblem(None, None, translation.gettext("The file is larger than 5 MB."))]
        )
    with transaction.atomic():
        candidate_import = CandidateImport.objects.create(
            job=job,
            file_name=file_name[:255],
            data=data,
            send_invitations=send_invitations,
            language=language,
            created_by=added_by,
        )
        import_id = candidate_import.pk
        transaction.on_commit(lambda: run_candidate_import.enqueue(import_id))
    return candidate_import


def _set(import_id: int, **fields: object) -> None:
    CandidateImport.objects.filter(pk=import_id).update(**fields)


def run_import(*, import_id: int) -> str:
    """Check and store one queued import; returns its final status."""
    candidate_import = (
        CandidateImport.objects.select_related("job", "created_by").filter(pk=import_id).first()
    )
    if candidate_import is None or candidate_import.is_finished:
        return candidate_import.status if candidate_import else "missing"
    with translation.override(candidate_import.language):
        try:
            return _run(candidate_import)
        except CandidateImportError as exc:
            _refuse(candidate_import, exc.problems)
            return ImportStatus.FAILED
        except IntegrityError:
            message = translation.gettext(
                "A candidate in the file was added to this job while the file was being "
                "checked. Nothing was imported; upload the file again."
            )
            _refuse(candidate_import, [ImportProblem(None, None, message)])
            return ImportStatus.FAILED
        except DatabaseError:
            raise  # transient (database restarting, locked): the worker runs the task again
        except Exception:
            message = translation.gettext("The import failed unexpectedly. Nothing was imported.")
            _refuse(candidate_import, [ImportProblem(None, None, message)])
            raise


def _run(candidate_import: CandidateImport) -> str:
    job = candidate_import.job
    _set(candidate_import.pk, status=ImportStatus.CHECKING, rows_checked=0)
    table = read_table(
        candidate_import.file_name, bytes(candidate_import.data), languages=job.languages
    )
    _set(candidate_import.pk, rows_total=len(table))
    rows, problems = validate_rows(
        job, table, on_progress=lambda n: _set(candidate_import.pk, rows_checked=n)
    )
    if problems:
        raise CandidateImportError(problems)
    _set(candidate_import.pk, status=ImportStatus.SAVING, rows_checked=len(table))
    prepared = PreparedCandidates(
        job=job, rows=rows, added_by=candidate_import.created_by, candidate_import=candidate_import
    )
    invitations = None
    if candidate_import.send_invitations:
        from servicefit.assessments.emails import PreparedInvitations

        invitations = PreparedInvitations(len(rows), sent_by=candidate_import.created_by)
    started = time.monotonic()
    with transaction.atomic():
        locked = CandidateImport.objects.select_for_update().get(pk=candidate_import.pk)
        if locked.is_finished:  # another run got here first
            return locked.status
        candidates = prepared.store()
        if invitations is not None:
            invitations.store(candidates)
        _set(
            locked.pk,
            status=ImportStatus.DONE,
            created_count=len(candidates),
            finished_at=timezone.now(),
            data=b"",
        )
    if len(candidates) >= BULK_ROWS_FOR_ANALYZE:
        _refresh_statistics()
    logger.info(
        "import %s: %d candidates stored in one transaction of %.2f s",
        candidate_import.pk,
        len(rows),
        time.monotonic() - started,
    )
    return ImportStatus.DONE


def _refresh_statistics() -> None:
    """A large import changes the job's size at once: tell PostgreSQL's planner now."""
    from servicefit.assessments.models import Invitation
    from servicefit.candidates.models import Candidate, StageChange

    refresh_statistics(Candidate, StageChange, Invitation)


def _refuse(candidate_import: CandidateImport, problems: list[ImportProblem]) -> None:
    _set(
        candidate_import.pk,
        status=ImportStatus.FAILED,
        problems=[
            {"row": p.row, "column": p.column, "message": p.message}
            for p in problems[:MAX_STORED_PROBLEMS]
        ],
        problem_count=len(problems),
        finished_at=timezone.now(),
        data=b"",
    )


def problems_of(candidate_import: CandidateImport) -> list[ImportProblem]:
    return [ImportProblem(p["row"], p["column"], p["message"]) for p in candidate_import.problems]


SAMPLE_NAMES = 5


def imported_names(candidate_import: CandidateImport) -> list[str]:
    """The names of the first few candidates the import added (in file order)."""
    from .models import Candidate

    if candidate_import.status != ImportStatus.DONE:
        return []
    return list(
        Candidate.objects.filter(imported_in=candidate_import)
        .order_by("pk")
        .values_list("name", flat=True)[:SAMPLE_NAMES]
    )


def email_summary(candidate_import: CandidateImport) -> dict[str, int]:
    """How many of the import's invitation e-mails are queued, sent and failed."""
    from django.db.models import Count

    from servicefit.assessments.models import Invitation

    rows = (
        Invitation.objects.filter(candidate__imported_in=candidate_import)
        .values_list("email_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    summary = {"queued": 0, "sent": 0, "failed": 0}
    for status, n in rows:
        if status in summary:
            summary[status] += n
    return summary
