"""Inviting and reminding several candidates at once (the shortlist's bulk actions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from servicefit.accounts.models import User
from servicefit.candidates.models import Candidate

from .emails import reminder_blocker, send_invitation
from .invitation_status import InvitationStatus, status_of
from .models import AssessmentSession
from .services import link_closed_by_stage


@dataclass(frozen=True)
class BulkOutcome:
    done: int
    skipped: int
    closed: int = 0
    """Skipped because their stage closes the link (rejected, withdrawn, hired): also in ``skipped``."""


#: Who a bulk "invite" reaches: never invited, or whose last link no longer works.
INVITABLE = frozenset(
    {
        InvitationStatus.NOT_INVITED,
        InvitationStatus.EXPIRED,
        InvitationStatus.REVOKED,
        InvitationStatus.FAILED,
    }
)


def invite_candidates(*, candidates: Iterable[Candidate], sent_by: User | None) -> BulkOutcome:
    """Send an invitation to each candidate without a working link; others are skipped.

    Candidates whose stage closes the link (rejected, withdrawn, hired) are skipped and counted in
    ``closed``: a new link would not work for them.
    """
    done = skipped = closed = 0
    for candidate in candidates:
        if link_closed_by_stage(candidate):
            skipped += 1
            closed += 1
            continue
        latest = candidate.invitations.order_by("-created_at", "-id").first()
        session = AssessmentSession.objects.filter(candidate=candidate).first()
        if status_of(latest, session) not in INVITABLE:
            skipped += 1
            continue
        with transaction.atomic():
            send_invitation(candidate=candidate, sent_by=sent_by)
        done += 1
    return BulkOutcome(done=done, skipped=skipped, closed=closed)


def remind_candidates(*, candidates: Iterable[Candidate], requested_by: User | None) -> int:
    """Queue a reminder (sent by the task worker) for each candidate with an open link."""
    from servicefit.audit.recording import record

    from .tasks import send_reminder_task

    queued = 0
    for candidate in candidates:
        latest = candidate.invitations.order_by("-created_at", "-id").first()
        if latest is None or reminder_blocker(latest, manual=True) is not None:
            continue
        record(action="invitation.reminder_requested", actor=requested_by, candidate=candidate)
        transaction.on_commit(partial(send_reminder_task.enqueue, latest.pk, True))
        queued += 1
    return queued
