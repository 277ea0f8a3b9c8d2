"""Invitation and reminder e-mails, in the candidate's language, signed with the employer's name."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from servicefit.accounts.models import User
from servicefit.branding.models import Branding
from servicefit.candidates.models import Candidate, Stage
from servicefit.privacy.services import record

from .models import Invitation
from .services import NewInvitation, create_invitation, link_of


def _sender(organisation: str) -> str:
    """The configured From address, shown with the organisation's name when one is set."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((organisation or name, address)) if address else settings.DEFAULT_FROM_EMAIL


def _send(*, template: str, candidate: Candidate, url: str, expires_at: datetime) -> None:
    organisation = Branding.current().organisation_name
    with translation.override(candidate.language):
        context = {
            "candidate": candidate,
            "job": candidate.job,
            "url": url,
            "expires_at": expires_at,
            "organisation": organisation,
        }
        # plain-text e-mails: the templates switch autoescaping off ("&" stays "&")
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject, body, _sender(organisation), [candidate.email])


def send_invitation(
    *, candidate: Candidate, sent_by: User | None, days: int | None = None
) -> NewInvitation:
    """Create a fresh link (revoking older ones) and e-mail it; a reminder follows later."""
    new = create_invitation(candidate=candidate, created_by=sent_by, days=days)
    _send(
        template="invitation",
        candidate=candidate,
        url=new.url,
        expires_at=new.invitation.expires_at,
    )
    new.invitation.sent_at = timezone.now()
    new.invitation.save(update_fields=["sent_at"])
    record(action="invitation.sent", actor=sent_by, candidate=candidate)
    schedule_reminder(new.invitation)
    return new


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
        _send(
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
