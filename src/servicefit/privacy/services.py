"""Data-subject rights: export everything stored about a candidate, erase it, purge on schedule.

This module sits above the apps whose data it reads (candidates, assessments, interviews);
they never import it. The low-level audit trail it writes to is :mod:`servicefit.audit`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate, CandidateImport, Stage
from servicefit.fairness.models import SelfIdentification
from servicefit.fairness.selfid import PREFER_NOT, categories
from servicefit.interviews.services import export_interviews
from servicefit.jobs.models import MAX_RETENTION_DAYS
from servicefit.oversight.models import ReviewRequest
from servicefit.security.scrub import scrub_person

from .models import DataSubjectRequest, add_months

SELF_IDENTIFICATION_NOTE = (
    'The voluntary answers the candidate gave after the assessment ("About you"), stored '
    "apart and used only for fairness statistics over groups; recruiters never see them."
)
SELF_IDENTIFICATION_LEFT_OUT = (
    "Not in this export: only an administrator's export (the copy for the candidate) "
    "includes the voluntary self-identification."
)


def export_self_identification(candidate: Any) -> dict[str, Any] | None:
    """The candidate's self-identification, each answer with its question and option written
    out (and the stored keys), or ``None`` when they gave none (Art. 15 covers it too)."""
    given = SelfIdentification.objects.filter(candidate=candidate).first()
    if given is None:
        return None
    known = {c.key: c for c in categories(asked_now=False)}
    answers = []
    for key, value in sorted(given.answers.items()):
        category = known.get(key)
        answers.append(
            {
                "question": str(category.label) if category else key,
                "answer": _("I prefer not to say")
                if value == PREFER_NOT
                else (category.option_label(value) if category else value),
                "question_key": key,
                "answer_key": value,
            }
        )
    return {
        "note": SELF_IDENTIFICATION_NOTE,
        "given_at": given.given_at.isoformat(),
        "answers": answers,
    }


def export_candidate(
    candidate: Any, *, include_self_identification: bool = False
) -> dict[str, Any]:
    """Everything stored about a candidate, as JSON-ready data (a data-subject access request).

    The voluntary self-identification is included only when ``include_self_identification``
    (an administrator's export, the copy handed to the candidate); a recruiter's export says
    that it is left out, the same words whether or not the candidate answered.
    """
    session = getattr(candidate, "assessment", None)
    result = getattr(session, "result", None) if session is not None else None
    data: dict[str, Any] = {
        "candidate": {
            "name": candidate.name,
            "email": candidate.email,
            "language": candidate.language,
            "job": candidate.job.title,
            "stage": candidate.stage,
            "extra_time_percent": candidate.extra_time_percent,
            "created_at": candidate.created_at.isoformat(),
        },
        "stage_changes": [
            {
                "from": c.from_stage,
                "to": c.to_stage,
                "reason": c.reason_code,
                "note": c.note,
                "by": c.changed_by.get_username() if c.changed_by else "system",
                "at": c.changed_at.isoformat(),
            }
            for c in candidate.stage_changes.all()
        ],
        "invitations": [
            {
                "created_at": i.created_at.isoformat(),
                "expires_at": i.expires_at.isoformat(),
                "revoked": bool(i.revoked_at),
            }
            for i in candidate.invitations.all()
        ],
        "assessment": None,
        "audit": [
            {"at": e.at.isoformat(), "actor": e.actor_label, "action": e.action}
            for e in AuditEvent.objects.filter(candidate=candidate).order_by("at")
        ],
    }
    data["self_identification"] = (
        export_self_identification(candidate)
        if include_self_identification
        else SELF_IDENTIFICATION_LEFT_OUT
    )
    data["interviews"] = export_interviews(candidate)
    # What the candidate asked for (human review, contesting) and the answers they were given.
    data["review_requests"] = [
        {
            "kind": r.kind,
            "message": r.message,
            "created_at": r.created_at.isoformat(),
            "due_at": r.due_at.isoformat(),
            "answered_at": r.resolved_at.isoformat() if r.resolved_at else None,
            "answer": r.response,
            "answered_by": r.resolved_by.get_username() if r.resolved_by else None,
        }
        for r in ReviewRequest.objects.filter(candidate=candidate)
        .select_related("resolved_by")
        .order_by("created_at", "pk")
    ]
    if session is not None:
        data["assessment"] = {
            "consented_at": session.consented_at.isoformat(),
            "privacy_notice_version": session.privacy_notice_version,
            "automation_notice_version": session.automation_notice_version,
            "content_version": session.content_version,
            "language": session.language,
            "submitted_at": session.submitted_at.isoformat() if session.submitted_at else None,
            "answers": {
                a.key: a.value if a.value is not None else a.text
                for a in session.answers.order_by("key")
            },
            "result": None
            if result is None
            else {
                "content_version": result.content_version,
                "scoring_version": result.scoring_version,
                "record_version": result.record.record_version,
                "competencies": {
                    c: s.model_dump(mode="json") for c, s in result.record.competencies.items()
                },
                "flags": list(result.record.flags),
                "reply_analysis": result.record.reply.analysis,
                "irt": None
                if result.record.irt is None
                else result.record.irt.model_dump(mode="json"),
            },
        }
    return data


def erase_candidate(*, candidate: Any, erased_by: User | None, reason: str) -> None:
    """Delete a candidate and everything stored about them; the audit log keeps that it happened.

    The audit event outlives the candidate, so the typed ``reason`` is stored without their
    name and e-mail address (:func:`servicefit.security.scrub.scrub_person`).
    """
    with transaction.atomic():
        job, candidate_id = candidate.job, candidate.pk
        reason = scrub_person(reason, name=candidate.name, email=candidate.email)
        AuditEvent.objects.filter(candidate=candidate).update(detail={})
        _scrub_import_problems(job=job, email=candidate.email)
        _scrub_requests(candidate)
        candidate.delete()
        record(
            action="candidate.erased",
            actor=erased_by,
            job=job,
            candidate_id=candidate_id,
            reason=reason,
        )


def _scrub_requests(candidate: Any) -> None:
    """The candidate's data-subject requests keep what proves they were handled (kind, dates,
    extension, outcome, when the copy was made or the data erased) and lose the name, the
    address and the free-text notes, unless another candidate with that address remains (the
    same person in another job). A request registered by address alone is matched by it."""
    now = timezone.now()
    linked = DataSubjectRequest.objects.filter(
        Q(candidates=candidate)
        | Q(candidates__isnull=True, email__iexact=candidate.email or "\x00")
    ).distinct()
    for dsr in linked:
        dsr.candidates.remove(candidate)
        if dsr.kind == "erasure" and dsr.erased_at is None:
            dsr.erased_at = now
            dsr.save(update_fields=["erased_at"])
        if dsr.candidates.exclude(pk=candidate.pk).exists():
            continue
        dsr.name = dsr.email = dsr.notes = dsr.extension_reason = ""
        dsr.personal_data_removed_at = now
        dsr.save()


def register_request(
    *, kind: str, email: str, name: str, received_on: Any, notes: str, registered_by: User
) -> DataSubjectRequest:
    """Register a data-subject request, linked to every candidate with the address; due one
    month after receipt (Art. 12(3))."""
    with transaction.atomic():
        dsr = DataSubjectRequest.objects.create(
            kind=kind,
            email=email.strip(),
            name=name.strip(),
            received_on=received_on,
            due_on=add_months(received_on, 1),
            notes=notes,
            created_by=registered_by,
        )
        matches = list(Candidate.objects.filter(email__iexact=email.strip()))
        dsr.candidates.set(matches)
        record(
            action="privacy_request.registered",
            actor=registered_by,
            request_id=dsr.pk,
            kind=kind,
            candidates=[c.pk for c in matches],
        )
    return dsr


class RequestStateError(Exception):
    """The request cannot take this step (closed already, or extended already)."""


def extend_request(*, dsr: DataSubjectRequest, reason: str, extended_by: User) -> None:
    """Two further months from receipt (three in all), once, with the reason."""
    with transaction.atomic():
        dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
        if not dsr.is_open or dsr.extended:
            raise RequestStateError(dsr.pk)
        dsr.extension_reason = reason
        dsr.due_on = add_months(dsr.received_on, 3)
        dsr.save(update_fields=["extension_reason", "due_on"])
        record(
            action="privacy_request.extended",
            actor=extended_by,
            request_id=dsr.pk,
            due_on=dsr.due_on.isoformat(),
        )


def close_request(*, dsr: DataSubjectRequest, outcome: str, notes: str, closed_by: User) -> None:
    with transaction.atomic():
        dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
        if not dsr.is_open:
            raise RequestStateError(dsr.pk)
        dsr.outcome = outcome
        dsr.notes = "\n\n".join(n for n in (dsr.notes, notes) if n)
        dsr.closed_on = timezone.localdate()
        dsr.save(update_fields=["outcome", "notes", "closed_on"])
        record(
            action="privacy_request.closed",
            actor=closed_by,
            request_id=dsr.pk,
            outcome=outcome,
            late=dsr.closed_on > dsr.due_on,
        )


def note_export(*, dsr: DataSubjectRequest, candidate: Any) -> None:
    """The copy of the candidate's data was made for this request (the first time counts)."""
    if dsr.candidates.filter(pk=candidate.pk).exists() and dsr.exported_at is None:
        dsr.exported_at = timezone.now()
        dsr.save(update_fields=["exported_at"])


def ordered_requests() -> list[DataSubjectRequest]:
    """Open requests by due date (overdue first, then due soon), then closed ones, latest
    closed first."""
    open_ = DataSubjectRequest.objects.filter(closed_on__isnull=True).order_by("due_on", "pk")
    closed = DataSubjectRequest.objects.filter(closed_on__isnull=False).order_by(
        "-closed_on", "-pk"
    )
    return [*open_.prefetch_related("candidates"), *closed.prefetch_related("candidates")]


def _scrub_import_problems(*, job: Any, email: str) -> None:
    """Take the address out of the problems of the job's refused imports ("kim@example.com is
    already a candidate for this job"), which the import pages go on showing."""
    if not email:
        return
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    for refused in CandidateImport.objects.filter(job=job, problem_count__gt=0):
        problems = [
            {**p, "message": pattern.sub("…", p["message"])}
            if isinstance(p, dict) and isinstance(p.get("message"), str)
            else p
            for p in refused.problems
        ]
        if problems != refused.problems:
            refused.problems = problems
            refused.save(update_fields=["problems"])


def _retention(candidate: Any) -> timedelta:
    """The job's retention period, at most :data:`MAX_RETENTION_DAYS` (a value stored before
    the limit existed must not stop the purge for every job), and never longer than the period
    the privacy notice named when the candidate agreed ("Your data is deleted N days after the
    hiring process ends"): raising the job's period later does not keep them longer."""
    days = min(candidate.job.retention_days, MAX_RETENTION_DAYS)
    session = getattr(candidate, "assessment", None)
    notified = getattr(session, "retention_days_notified", None)
    if notified is not None:
        days = min(days, notified)
    return timedelta(days=days)


FINISHED_STAGES = (Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN)


def _process_ended_at(candidate: Any) -> Any:
    """When the candidate's hiring process ended: hired, rejected or withdrawn, or else the
    closing of their job (a candidate left at "completed" when the job closed is done too)."""
    if candidate.stage in FINISHED_STAGES:
        return candidate.stage_changed_at
    return candidate.job.archived_at


def purge_expired(*, now: Any = None, dry_run: bool = False) -> list[int]:
    """Erase candidates whose hiring process ended longer ago than their job's retention period.

    The process has ended for a hired, rejected or withdrawn candidate (from that stage change)
    and for every candidate of a closed job (from the closing): the privacy notice promises the
    deletion "N days after the hiring process ends", also to those nobody moved to a last stage.
    """
    now = now or timezone.now()
    finished = Candidate.objects.filter(
        Q(stage__in=FINISHED_STAGES) | Q(job__archived_at__isnull=False)
    ).select_related("job", "assessment")
    due = [c for c in finished if _process_ended_at(c) + _retention(c) < now]
    if not dry_run:
        for candidate in due:
            erase_candidate(candidate=candidate, erased_by=None, reason="retention period ended")
    return [c.pk for c in due]
