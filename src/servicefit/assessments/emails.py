"""Invitation e-mails, in the candidate's language, sent by the task worker after commit.

A request (or an import) only *queues* the e-mail: it creates the invitation with
``email_status = queued`` and enqueues :func:`~servicefit.assessments.tasks.send_invitation_email`
once the transaction commits, so a rolled-back transaction mails nobody and a slow SMTP server
never holds up a page or a database lock.

The send task mails the invitation's own link, derived from its nonce: the link the recruiter
already sees on the candidate's page ("Copy link") is the one in the e-mail, and a retry sends
the same link again. An invitation that has no derivable link yet (an import's, or one made
under an earlier secret key) gets a fresh nonce just before the first attempt, committed before
any e-mail leaves, so the link in a delivered e-mail always works. Failures are retried with back-off up to
``SERVICEFIT_EMAIL_ATTEMPTS`` times; the status, the number of attempts and the last error are
on the invitation for the recruiter to see.

Tokens come from a nonce (see ``links.py``), so the link can be shown again ("Copy link") and
sent again in a reminder. Reminders are sent by the worker too (``send_reminder``), and both
e-mails carry the employer's name as the sender and the signature.

When a job asks for it (``Job.feedback_email``, with the feedback report on), the worker also
tells the candidate that their feedback is ready (``send_feedback_ready``), once, after the
scoring transaction has committed. Tasks carry only ids, and nothing is logged with a link, so
no token reaches a log or the task table.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import formataddr, make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from servicefit.accounts.models import User
from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record
from servicefit.branding.models import Branding
from servicefit.candidates.models import Candidate, Stage
from servicefit.runtime.bulk import PreparedInsert, chunked
from servicefit.security.scrub import failure_summary

from .links import new_nonce, token_from_nonce
from .models import AssessmentSession, EmailStatus, Invitation, Result, hash_token
from .services import (
    TOKEN_BYTES,
    assessment_minutes,
    create_invitation,
    feedback_available_until,
    invitation_url,
    link_of,
    token_of,
)

logger = logging.getLogger(__name__)

RETRY_BASE_DELAY = timedelta(seconds=30)
"""Delay before the second attempt; it doubles for each later one (30 s, 1 min, 2 min …)."""


def max_attempts() -> int:
    return int(getattr(settings, "SERVICEFIT_EMAIL_ATTEMPTS", 5))


def send_invitation(
    *, candidate: Candidate, sent_by: User | None, days: int | None = None
) -> Invitation:
    """Create a fresh link (revoking older ones) and queue its e-mail for after the commit."""
    with transaction.atomic():
        invitation = create_invitation(
            candidate=candidate, created_by=sent_by, days=days
        ).invitation
        invitation.email_status = EmailStatus.QUEUED
        invitation.save(update_fields=["email_status"])
        record(action="invitation.email_queued", actor=sent_by, candidate=candidate)
        queue_invitation_emails([invitation.pk])
    return invitation


class PreparedInvitations:
    """Invitations for many new candidates at once (an import), prepared before the lock.

    For candidates without an earlier link. Each invitation starts with a token nobody knows;
    the send task gives it the real one when it e-mails the link. As with
    :class:`~servicefit.candidates.importing.PreparedCandidates`, the rows are built and
    converted here, and :meth:`store` (inside the caller's transaction) only inserts them and
    queues the e-mails for after the commit.
    """

    def __init__(self, count: int, *, sent_by: User | None, days: int | None = None) -> None:
        now = timezone.now()
        days = settings.SERVICEFIT_INVITATION_DAYS if days is None else days
        expires = now + timedelta(days=days)
        label = sent_by.get_username() if sent_by is not None else "system"
        self._invitations = PreparedInsert(
            Invitation,
            [
                Invitation(
                    token_hash=hash_token(secrets.token_urlsafe(TOKEN_BYTES)),
                    created_at=now,
                    expires_at=expires,
                    created_by=sent_by,
                    email_status=EmailStatus.QUEUED,
                )
                for _ in range(count)
            ],
            later=["candidate_id"],
        )
        self._events = PreparedInsert(
            AuditEvent,
            [
                AuditEvent(
                    at=now,
                    actor=sent_by,
                    actor_label=label,
                    action="invitation.email_queued",
                    detail={"expires": expires.isoformat()},
                )
                for _ in range(count)
            ],
            later=["candidate_id", "job_id"],
        )

    def store(self, candidates: Sequence[Candidate]) -> list[int]:
        """Insert one invitation per candidate (saved, in order); returns the invitation ids."""
        if len(candidates) != len(self._invitations):
            raise ValueError("prepared for a different number of candidates")
        self._invitations.execute(lambda i: [candidates[i].pk])
        self._events.execute(lambda i: [candidates[i].pk, candidates[i].job_id])
        ids = [
            pk
            for part in chunked([c.pk for c in candidates])
            for pk in Invitation.objects.filter(candidate_id__in=part).values_list("pk", flat=True)
        ]
        queue_invitation_emails(sorted(ids))
        return ids


def queue_invitation_emails(invitation_ids: Iterable[int]) -> None:
    """Enqueue the send task(s) once the current transaction commits (now if there is none)."""
    from .tasks import send_invitation_email, send_invitation_emails

    ids = list(invitation_ids)
    if len(ids) == 1:
        transaction.on_commit(lambda: send_invitation_email.enqueue(ids[0]))
        return
    for batch in chunked(ids, EMAIL_BATCH):
        transaction.on_commit(partial(send_invitation_emails.enqueue, batch))


EMAIL_BATCH = 50
"""Invitations per batch task: one SMTP connection each, and a bounded amount of work per task."""


def _claim(invitation_ids: list[int]) -> list[tuple[Invitation, str]]:
    """The link token of each invitation still to be mailed, in one short transaction.

    An invitation keeps the link it has (the one its page shows); one without a derivable link
    gets a new nonce. Already sent, revoked and expired invitations are skipped. The token
    hashes are committed before any e-mail leaves, so the link in a delivered e-mail always
    works.
    """
    claimed: list[tuple[Invitation, str]] = []
    with transaction.atomic():
        invitations = (
            Invitation.objects.select_for_update()
            .select_related("candidate__job")
            .filter(pk__in=invitation_ids)
            .exclude(email_status=EmailStatus.SENT)
            .order_by("pk")
        )
        closed = []
        for invitation in invitations:
            if not invitation.is_open():
                closed.append(invitation.pk)  # revoked or expired before it was sent
                continue
            token = token_of(invitation)
            if token is None:
                nonce = new_nonce()
                token = token_from_nonce(nonce)
                invitation.token_hash = hash_token(token)
                invitation.token_nonce = nonce
            invitation.email_attempts += 1
            claimed.append((invitation, token))
        Invitation.objects.bulk_update(
            [i for i, _token in claimed], ["token_hash", "token_nonce", "email_attempts"]
        )
        Invitation.objects.filter(pk__in=closed).update(email_status=EmailStatus.NOT_EMAILED)
    return claimed


def sender_address(organisation: str) -> str:
    """The configured From address, shown with the organisation's name when one is set."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((organisation or name, address)) if address else settings.DEFAULT_FROM_EMAIL


def send_candidate_mail(
    subject: str,
    body: str,
    organisation: str,
    to: str,
    connection: BaseEmailBackend | None = None,
) -> None:
    """Send a plain-text e-mail to a candidate from :func:`sender_address`, its Message-ID in
    the sender's own domain ("…@acme.example", not the server's host name, which is often
    "localhost" and counts against the message in spam filters)."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2] or None
    EmailMessage(
        subject,
        body,
        sender_address(organisation),
        [to],
        connection=connection,
        headers={"Message-ID": make_msgid(domain=domain)},
    ).send()


def mail_candidate(
    candidate: Candidate,
    template: str,
    context: dict[str, object],
    connection: BaseEmailBackend | None = None,
) -> None:
    """Render ``emails/<template>_subject.txt`` and ``emails/<template>.txt`` in the candidate's
    language, with the candidate, their job and the organisation beside ``context``, and send
    them (:func:`send_candidate_mail`)."""
    organisation = Branding.current().organisation_name
    with translation.override(candidate.language):
        context = {
            "candidate": candidate,
            "job": candidate.job,
            "organisation": organisation,
            **context,
        }
        # plain-text e-mails: the templates switch autoescaping off ("&" stays "&")
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    send_candidate_mail(subject, body, organisation, candidate.email, connection=connection)


def _mail(
    *,
    template: str,
    candidate: Candidate,
    url: str,
    expires_at: datetime,
    connection: BaseEmailBackend | None = None,
) -> None:
    mail_candidate(
        candidate,
        template,
        {"url": url, "expires_at": expires_at, "minutes": assessment_minutes(candidate)},
        connection=connection,
    )


def _send(invitation: Invitation, token: str, connection: BaseEmailBackend | None) -> None:
    _mail(
        template="invitation",
        candidate=invitation.candidate,
        url=invitation_url(token),
        expires_at=invitation.expires_at,
        connection=connection,
    )


def _record_sent(invitations: list[Invitation]) -> None:
    if not invitations:
        return
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
            email_status=EmailStatus.SENT, sent_at=now, email_last_error=""
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    at=now,
                    actor_label="system",
                    action="invitation.sent",
                    candidate=i.candidate,
                    job=i.candidate.job,
                    detail={"attempts": i.email_attempts},
                )
                for i in invitations
            ]
        )
        for invitation in invitations:
            schedule_reminder(invitation)


def deliver_invitation_emails(
    *, invitation_ids: list[int], connection: BaseEmailBackend | None = None
) -> dict[str, int]:
    """One attempt at each invitation's e-mail, over one connection; counts by outcome.

    Three short transactions for the whole batch (claim, and record the sent ones), however
    many e-mails it holds; a failed e-mail is recorded on its own and retried later by a new task.
    """
    claimed = _claim(invitation_ids)
    counts: dict[str, int] = {"skipped": len(invitation_ids) - len(claimed)}
    sent: list[Invitation] = []
    own_connection = connection is None
    if own_connection:
        connection = get_connection()
    try:
        for invitation, token in claimed:
            try:
                _send(invitation, token, connection)
            except Exception as exc:  # SMTP, DNS, TLS, template: recorded, retried
                status = _record_failure(invitation, exc)
                counts[status] = counts.get(status, 0) + 1
            else:
                sent.append(invitation)
    finally:
        if own_connection and connection is not None:
            connection.close()
    _record_sent(sent)
    counts[EmailStatus.SENT] = len(sent)
    return {k: v for k, v in counts.items() if v}


def deliver_invitation_email(*, invitation_id: int) -> str:
    """One attempt to e-mail one invitation; returns its e-mail status afterwards.

    Nothing is sent for an invitation that was already sent, revoked or expired. A failed
    attempt is recorded and, while attempts remain, retried later by a new task.
    """
    deliver_invitation_emails(invitation_ids=[invitation_id])
    status = (
        Invitation.objects.filter(pk=invitation_id).values_list("email_status", flat=True).first()
    )
    return "missing" if status is None else status


def _record_failure(invitation: Invitation, exc: Exception) -> str:
    error = failure_summary(exc)  # the reason, not the candidate's address
    final = invitation.email_attempts >= max_attempts()
    status = EmailStatus.FAILED if final else EmailStatus.QUEUED
    logger.warning(
        "invitation e-mail %s failed (attempt %d): %s",
        invitation.pk,
        invitation.email_attempts,
        error,
    )
    Invitation.objects.filter(pk=invitation.pk).update(email_status=status, email_last_error=error)
    if final:
        record(action="invitation.email_failed", candidate=invitation.candidate, error=error)
    else:
        _retry_later(invitation.pk, attempt=invitation.email_attempts)
    return status


def _retry_later(invitation_id: int, *, attempt: int) -> None:
    from django_tasks import task_backends

    from .tasks import send_invitation_email

    task = send_invitation_email
    if task_backends[task.backend].supports_defer:
        delay = RETRY_BASE_DELAY * (2 ** (attempt - 1))
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(invitation_id)


def schedule_reminder(invitation: Invitation) -> None:
    """Queue the automatic reminder for ``SERVICEFIT_REMINDER_DAYS`` after the invitation.

    Needs a task backend that can defer work (the database backend can); otherwise the
    ``send_reminders`` management command (for cron) sends the reminders that are due.
    """
    days = settings.SERVICEFIT_REMINDER_DAYS
    if days <= 0:
        return
    from django_tasks import default_task_backend

    from .tasks import send_reminder_task

    if not default_task_backend.supports_defer:
        return
    run_after = invitation.created_at + timedelta(days=days)
    invitation_id = invitation.pk
    transaction.on_commit(
        lambda: send_reminder_task.using(run_after=run_after).enqueue(invitation_id, False)
    )


def reminder_blocker(invitation: Invitation, *, manual: bool) -> str | None:
    """Why no reminder may go out for ``invitation`` now (``None``: it may)."""
    candidate = invitation.candidate
    latest = candidate.invitations.order_by("-created_at", "-id").first()
    if latest is None or latest.pk != invitation.pk:
        return "replaced"
    if not invitation.is_open():
        return "closed"
    session = getattr(candidate, "assessment", None)
    if session is not None and (session.submitted_at or session.withdrawn_at):
        return "finished"
    if candidate.stage in {Stage.REJECTED, Stage.WITHDRAWN, Stage.HIRED}:
        return "finished"
    if not manual and invitation.reminder_count > 0:
        return "already_reminded"
    if link_of(invitation) is None:
        return "no_link"
    return None


def send_reminder(*, invitation_id: int, manual: bool) -> bool:
    """E-mail a reminder with the same link; idempotent for the automatic one. True if sent.

    The reminder is counted in a short transaction and mailed after it, so no database lock is
    held while the mail server answers; a failed send takes the count back and raises, so the
    task fails visibly and can run again.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("candidate__job")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or reminder_blocker(invitation, manual=manual) is not None:
            return False
        url = link_of(invitation)
        assert url is not None  # noqa: S101  (checked by reminder_blocker)
        previous = invitation.reminded_at
        invitation.reminder_count += 1
        invitation.reminded_at = timezone.now()
        invitation.save(update_fields=["reminder_count", "reminded_at"])
    try:
        _mail(
            template="reminder",
            candidate=invitation.candidate,
            url=url,
            expires_at=invitation.expires_at,
        )
    except Exception:
        Invitation.objects.filter(pk=invitation.pk).update(
            reminder_count=F("reminder_count") - 1, reminded_at=previous
        )
        raise
    record(action="invitation.reminded", candidate=invitation.candidate, manual=manual)
    return True


def due_reminders(*, now: datetime | None = None) -> list[int]:
    """Invitations whose automatic reminder is due (for the ``send_reminders`` command)."""
    days = settings.SERVICEFIT_REMINDER_DAYS
    if days <= 0:
        return []
    now = now or timezone.now()
    candidates = Invitation.objects.filter(
        revoked_at__isnull=True,
        expires_at__gt=now,
        reminder_count=0,
        created_at__lte=now - timedelta(days=days),
    ).select_related("candidate__job")
    return [i.pk for i in candidates if reminder_blocker(i, manual=False) is None]


def queue_feedback_email(session: AssessmentSession) -> None:
    """Queue the "your feedback is ready" e-mail for after the current transaction commits,
    if the session's job asks for it (the task checks everything again when it runs)."""
    job = session.candidate.job
    if not (job.feedback_email and job.feedback_report) or session.feedback_emailed_at:
        return
    from .tasks import send_feedback_email

    session_id = session.pk
    transaction.on_commit(lambda: send_feedback_email.enqueue(session_id))


def feedback_email_blocker(
    session: AssessmentSession, *, now: datetime | None = None
) -> str | None:
    """Why no feedback e-mail may go out for ``session`` now (``None``: it may)."""
    from servicefit.oversight.services import is_scoring_suspended

    job = session.candidate.job
    if not (job.feedback_email and job.feedback_report):
        return "not_enabled"
    if session.feedback_emailed_at is not None:
        return "already_sent"
    if session.submitted_at is None or session.withdrawn_at is not None:
        return "not_submitted"
    now = now or timezone.now()
    if now > feedback_available_until(session):
        return "too_late"
    if not Result.objects.filter(session=session).exists():
        return "not_scored"
    if is_scoring_suspended(job):
        return "suspended"
    return None


def feedback_link(candidate: Candidate) -> str | None:
    """The candidate's thank-you page, through their latest link that was not revoked."""
    for invitation in candidate.invitations.filter(revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    ):
        url = link_of(invitation)
        if url is not None:
            return f"{url}done/"
    return None


def send_feedback_ready(*, session_id: int) -> bool:
    """E-mail the candidate that their feedback is ready; at most once. True if sent.

    Marked as sent in a short transaction and mailed after it (no lock held while the mail
    server answers); a failed send clears the mark and raises, so the task fails visibly and
    may run again.
    """
    with transaction.atomic():
        session = (
            AssessmentSession.objects.select_for_update()
            .select_related("candidate__job")
            .filter(pk=session_id)
            .first()
        )
        if session is None:
            return False
        blocker = feedback_email_blocker(session)
        if blocker is not None:
            logger.info("feedback e-mail for session %s not sent: %s", session_id, blocker)
            return False
        url = feedback_link(session.candidate)
        if url is None:
            logger.info("feedback e-mail for session %s not sent: no link to show", session_id)
            return False
        session.feedback_emailed_at = timezone.now()
        session.save(update_fields=["feedback_emailed_at"])
    try:
        _mail(
            template="feedback_ready",
            candidate=session.candidate,
            url=url,
            expires_at=feedback_available_until(session),
        )
    except Exception:
        AssessmentSession.objects.filter(pk=session_id).update(feedback_emailed_at=None)
        raise
    record(action="feedback.emailed", candidate=session.candidate)
    return True
