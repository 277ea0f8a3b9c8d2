"""Invitation e-mails, in the candidate's language."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate

from .services import NewInvitation, create_invitation


def send_invitation(
    *, candidate: Candidate, sent_by: User | None, days: int | None = None
) -> NewInvitation:
    """Create a fresh link (revoking older ones) and e-mail it; the token exists only in the e-mail."""
    new = create_invitation(candidate=candidate, created_by=sent_by, days=days)
    with translation.override(candidate.language):
        context = {
            "candidate": candidate,
            "job": candidate.job,
            "url": new.url,
            "expires_at": new.invitation.expires_at,
        }
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        body = render_to_string("emails/invitation.txt", context)
    send_mail(subject, body, None, [candidate.email])
    new.invitation.sent_at = timezone.now()
    new.invitation.save(update_fields=["sent_at"])
    record(action="invitation.sent", actor=sent_by, candidate=candidate)
    return new
