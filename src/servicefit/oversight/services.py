"""Oversight workflows: suspend and resume a job's scoring, review requests, log retention.

Suspension is about what people see: while a job's scoring is suspended candidates still
take the assessment and results are still computed and stored, but no score, band, rank or
candidate feedback is shown anywhere until an admin resumes it. Both steps are logged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate
from servicefit.jobs.models import Job

from .models import RequestKind, ReviewRequest, ScoringSuspension


class OversightError(Exception):
    """A request that cannot be carried out; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def current_suspension(job: Job) -> ScoringSuspension | None:
    return ScoringSuspension.objects.open().filter(job=job).select_related("suspended_by").first()


def is_scoring_suspended(job: Job) -> bool:
    return ScoringSuspension.objects.open().filter(job=job).exists()


def suspend_scoring(*, job: Job, suspended_by: User, reason: str) -> ScoringSuspension:
    """Hide every score and ranking of ``job`` until resumed (admins only; the view checks)."""
    reason = reason.strip()
    if not reason:
        raise OversightError(_("Give a reason for suspending the scoring."))
    try:
        with transaction.atomic():
            suspension = ScoringSuspension.objects.create(
                job=job, reason=reason, suspended_by=suspended_by
            )
            record(action="scoring.suspended", actor=suspended_by, job=job, reason=reason)
    except IntegrityError:
        raise OversightError(_("The scoring of this job is already suspended.")) from None
    return suspension


@transaction.atomic
def resume_scoring(*, job: Job, resumed_by: User) -> ScoringSuspension:
    suspension = ScoringSuspension.objects.open().select_for_update().filter(job=job).first()
    if suspension is None:
        raise OversightError(_("The scoring of this job is not suspended."))
    suspension.resumed_by = resumed_by
    suspension.resumed_at = timezone.now()
    suspension.save(update_fields=["resumed_by", "resumed_at"])
    record(action="scoring.resumed", actor=resumed_by, job=job, suspension=suspension.pk)
    return suspension


@transaction.atomic
def request_review(*, candidate: Candidate, kind: str, message: str) -> ReviewRequest:
    """A candidate asks for human review or contests; lands in the recruiters' queue.

    Submitting the same request twice (a double click) returns the first one.
    """
    if kind not in RequestKind.values:
        raise OversightError(_("Choose what you are asking for."))
    message = message.strip()
    if not message:
        raise OversightError(_("Tell us briefly what you would like us to look at."))
    if len(message) > 4000:
        raise OversightError(_("Please keep your message under 4,000 characters."))
    existing = ReviewRequest.objects.filter(
        candidate=candidate, kind=kind, message=message, resolved_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    review = ReviewRequest.objects.create(
        candidate=candidate,
        kind=kind,
        message=message,
        created_at=now,
        due_at=now + timedelta(days=settings.REVIEW_REQUEST_DAYS),
    )
    record(action="review.requested", candidate=candidate, kind=kind, request=review.pk)
    return review


def open_requests() -> list[ReviewRequest]:
    """The recruiters' queue: open requests, the nearest deadline first."""
    return list(
        ReviewRequest.objects.filter(resolved_at__isnull=True).select_related("candidate__job")
    )


@transaction.atomic
def resolve_request(*, review: ReviewRequest, resolved_by: User, response: str) -> ReviewRequest:
    """A person answers the request (what they looked at and what they decided)."""
    response = response.strip()
    if not response:
        raise OversightError(_("Write what you reviewed and what you decided."))
    locked = ReviewRequest.objects.select_for_update().get(pk=review.pk)
    if locked.resolved_at is not None:
        raise OversightError(_("This request has already been answered."))
    locked.resolved_by = resolved_by
    locked.resolved_at = timezone.now()
    locked.response = response
    locked.save(update_fields=["resolved_by", "resolved_at", "response"])
    record(
        action="review.resolved",
        actor=resolved_by,
        candidate=locked.candidate,
        request=locked.pk,
    )
    from .tasks import send_review_answer_email

    # The thank-you page shows the answer only while it is open (SERVICEFIT_FEEDBACK_DAYS after
    # submitting); the e-mail reaches the candidate whenever the answer is given.
    transaction.on_commit(lambda: send_review_answer_email.enqueue(locked.pk))
    record(
        action="review.answer_email_queued",
        actor=resolved_by,
        candidate=locked.candidate,
        request=locked.pk,
    )
    return locked


def purge_decision_log(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete audit events older than ``DECISION_LOG_RETENTION_DAYS`` (>= 183, see checks)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DECISION_LOG_RETENTION_DAYS)
    old = AuditEvent.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _by_model = old.delete()
    return deleted
