"""Where each candidate's invitation stands, for the recruiter: one status, computed on display.

The status combines the latest invitation (created, e-mail delivery, opened, revoked, expired)
with the assessment (started, submitted, withdrawn). The e-mail delivery status comes from
:func:`delivery_status`, the one place that knows how delivery is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicefit.candidates.models import Candidate, Stage

from .models import AssessmentSession, Invitation


class InvitationStatus(models.TextChoices):
    NOT_INVITED = "not_invited", _("Not invited")
    LINK_CREATED = "link_created", _("Link created, no e-mail")
    SENT = "sent", _("E-mail queued")
    """Queued for the send task, not yet handed to the mail server (``DELIVERED`` then:
    shown as "E-mail sent", since the mail server accepting it does not mean it arrived)."""
    DELIVERED = "delivered", _("E-mail sent")  # handed to the mail server; it may still bounce
    FAILED = "failed", _("E-mail failed")
    OPENED = "opened", _("Opened")
    STARTED = "started", _("Started")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrew")
    EXPIRED = "expired", _("Invitation expired")
    REVOKED = "revoked", _("Invitation revoked")


#: Statuses shown as a problem (red/amber badge) and those that a reminder may follow.
PROBLEM_STATUSES = frozenset({InvitationStatus.FAILED, InvitationStatus.EXPIRED})
REMINDABLE_STATUSES = frozenset(
    {
        InvitationStatus.SENT,
        InvitationStatus.DELIVERED,
        InvitationStatus.LINK_CREATED,
        InvitationStatus.OPENED,
        InvitationStatus.STARTED,
    }
)


def delivery_status(invitation: Invitation) -> str | None:
    """The invitation e-mail's delivery: ``"queued"``, ``"sent"``, ``"failed"`` or ``None``.

    Uses the per-invitation ``email_status`` when the e-mail task records one; otherwise an
    e-mail counts as sent (handed to the mail server) once ``sent_at`` is set.
    """
    recorded = getattr(invitation, "email_status", None)
    if recorded:
        return str(recorded)
    return "sent" if invitation.sent_at else None


def status_of(
    invitation: Invitation | None,
    session: AssessmentSession | None,
    *,
    now: datetime | None = None,
) -> InvitationStatus:
    """The one status a recruiter sees for a candidate's latest invitation."""
    now = now or timezone.now()
    if session is not None and session.submitted_at is not None:
        return InvitationStatus.SUBMITTED
    if session is not None and session.withdrawn_at is not None:
        return InvitationStatus.WITHDRAWN
    if invitation is None:
        return InvitationStatus.NOT_INVITED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    if session is not None:
        return InvitationStatus.STARTED
    if invitation.opened_at is not None:
        return InvitationStatus.OPENED
    delivery = delivery_status(invitation)
    if delivery == "failed":
        return InvitationStatus.FAILED
    if delivery == "sent":
        return InvitationStatus.DELIVERED
    if delivery == "queued" or invitation.sent_at is not None:
        return InvitationStatus.SENT
    return InvitationStatus.LINK_CREATED


def statuses_for(candidate_ids: Iterable[int]) -> dict[int, InvitationStatus]:
    """Each candidate's status in two queries (latest invitation, session)."""
    ids = list(candidate_ids)
    return _statuses(ids, ids)


def statuses_in(candidates: QuerySet[Candidate]) -> dict[int, InvitationStatus]:
    """Each status for a queryset of candidates (any size: the ids stay in the database)."""
    return _statuses(candidates.values("pk"), list(candidates.values_list("pk", flat=True)))


def _statuses(selection: Iterable[Any], ids: list[int]) -> dict[int, InvitationStatus]:
    """``selection`` is the candidates' ids, as a list or as a subquery."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(candidate_id__in=selection).order_by(
        "candidate_id", "-created_at", "-id"
    ):
        latest.setdefault(invitation.candidate_id, invitation)
    sessions = {
        s.candidate_id: s for s in AssessmentSession.objects.filter(candidate_id__in=selection)
    }
    now = timezone.now()
    return {cid: status_of(latest.get(cid), sessions.get(cid), now=now) for cid in ids}


class FunnelStep(models.TextChoices):
    """Where a candidate still at the "invited" stage stands in the dashboard's funnel."""

    NOT_INVITED = "not_invited", _("Not invited")
    INVITED = "invited", _("Invited")
    LAPSED = "lapsed", _("Link expired or revoked")


def funnel_step(status: InvitationStatus) -> str:
    """The funnel column of a candidate still at the "invited" stage, from their invitation.

    A never-invited candidate and a lapsed invitation do not count as "Invited"; one who has
    already started or submitted (a stage not moved yet) counts where the session stands.
    """
    if status == InvitationStatus.NOT_INVITED:
        return FunnelStep.NOT_INVITED
    if status in {InvitationStatus.EXPIRED, InvitationStatus.REVOKED}:
        return FunnelStep.LAPSED
    if status == InvitationStatus.STARTED:
        return Stage.IN_PROGRESS
    if status == InvitationStatus.SUBMITTED:
        return Stage.COMPLETED
    if status == InvitationStatus.WITHDRAWN:
        return Stage.WITHDRAWN
    return FunnelStep.INVITED
