"""Prepared bulk inserts store exactly what the ORM would, with the slow part before the lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicefit.assessments.emails import PreparedInvitations
from servicefit.assessments.models import EmailStatus, Invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.importing import PreparedCandidates, Row
from servicefit.candidates.models import Candidate, Stage, StageChange
from servicefit.candidates.services import add_candidate
from servicefit.runtime.bulk import PreparedInsert, chunked, refresh_statistics

pytestmark = pytest.mark.django_db(transaction=True)


def rows(n: int, *, start: int = 0) -> list[Row]:
    return [Row(i + 2, f"Person {i}", f"p{i}@example.com", "sv") for i in range(start, start + n)]


def test_values_round_trip_like_the_orm_json_datetimes_and_foreign_keys(job, recruiter):
    at = timezone.now() - timedelta(days=3)
    candidate = add_candidate(job=job, name="Ada", email="ada@example.com")
    prepared = PreparedInsert(
        AuditEvent,
        [
            AuditEvent(
                at=at,
                actor=recruiter,
                actor_label="rita",
                action="test.bulk",
                job=job,
                detail={"import": 7, "names": ["Å", "ł"], "nested": {"a": None}},
            )
        ],
        later=["candidate_id"],
    )
    prepared.execute(lambda i: [candidate.pk])
    event = AuditEvent.objects.get(action="test.bulk")
    assert event.detail == {"import": 7, "names": ["Å", "ł"], "nested": {"a": None}}
    assert event.at == at
    assert (event.actor_id, event.candidate_id, event.job_id) == (
        recruiter.pk,
        candidate.pk,
        job.pk,
    )


def test_defaults_and_auto_now_add_are_applied_when_preparing(job):
    before = timezone.now()
    PreparedInsert(Candidate, [Candidate(job=job, name="Bo", email="bo@example.com")]).execute()
    stored = Candidate.objects.get(email="bo@example.com")
    assert stored.stage == Stage.INVITED  # the field's default
    assert stored.created_at >= before  # auto_now_add


def test_an_unknown_later_field_and_missing_later_values_are_refused(job):
    with pytest.raises(ValueError, match="no field"):
        PreparedInsert(StageChange, [StageChange(to_stage=Stage.INVITED)], later=["nope_id"])
    prepared = PreparedInsert(
        StageChange, [StageChange(to_stage=Stage.INVITED)], later=["candidate_id"]
    )
    with pytest.raises(ValueError, match="missing"):
        prepared.execute()


def test_an_import_of_many_rows_is_a_few_statements_and_links_every_row(job, recruiter):
    prepared = PreparedCandidates(job=job, rows=rows(1200), added_by=recruiter)
    invitations = PreparedInvitations(1200, sent_by=recruiter)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        candidates = prepared.store()
        ids = invitations.store(candidates)  # the e-mails go out after the commit
        statuses = set(Invitation.objects.values_list("email_status", flat=True))
    assert statuses == {EmailStatus.QUEUED}
    # 5 inserts (a statement per ~100 rows on SQLite, one COPY each on PostgreSQL), 1 read of
    # the job's e-mails, 2 reads of invitation ids: not a statement per row
    assert len(queries.captured_queries) < 1200 / 15
    assert len(candidates) == len(ids) == 1200
    assert all(c.pk is not None for c in candidates)
    stored = {c.email: c for c in Candidate.objects.filter(job=job)}
    assert stored["p1199@example.com"].name == "Person 1199"
    assert stored["p0@example.com"].language == "sv"
    assert StageChange.objects.filter(candidate__job=job, to_stage=Stage.INVITED).count() == 1200
    assert {i.candidate_id for i in Invitation.objects.filter(pk__in=ids)} == {
        c.pk for c in candidates
    }
    added = AuditEvent.objects.filter(action="candidate.added", job=job)
    assert added.count() == 1200
    assert set(added.values_list("candidate_id", flat=True)) == {c.pk for c in candidates}
    queued = AuditEvent.objects.filter(action="invitation.email_queued")
    assert set(queued.values_list("candidate_id", flat=True)) == {c.pk for c in candidates}
    assert set(queued.values_list("job_id", flat=True)) == {job.pk}


def test_a_clash_with_a_candidate_added_since_the_check_rolls_everything_back(job):
    prepared = PreparedCandidates(job=job, rows=rows(50), added_by=None)
    add_candidate(job=job, name="Early", email="p30@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        prepared.store()
    assert list(Candidate.objects.filter(job=job).values_list("email", flat=True)) == [
        "p30@example.com"
    ]
    assert (
        not StageChange.objects.filter(candidate__job=job)
        .exclude(candidate__email="p30@example.com")
        .exists()
    )


def test_chunked_splits_without_losing_or_repeating():
    values = list(range(2001))
    parts = chunked(values, 900)
    assert [len(p) for p in parts] == [900, 900, 201]
    assert [v for p in parts for v in p] == values


def _reltuples(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return float(cursor.fetchone()[0])


def test_refresh_statistics_gives_postgresql_the_new_size_at_once(job, recruiter):
    with transaction.atomic():
        PreparedCandidates(job=job, rows=rows(1200), added_by=recruiter).store()
    postgres = connection.vendor == "postgresql"
    if postgres:
        assert _reltuples(Candidate) < 1200  # the planner has not seen the bulk load yet
    with CaptureQueriesContext(connection) as queries:
        refresh_statistics(Candidate, StageChange)
    if not postgres:
        assert queries.captured_queries == []  # nothing to do on SQLite
        return
    assert [q["sql"] for q in queries.captured_queries] == [
        'ANALYZE "candidates_candidate"',
        'ANALYZE "candidates_stagechange"',
    ]
    assert _reltuples(Candidate) == Candidate.objects.count() == 1200
