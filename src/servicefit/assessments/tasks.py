"""Background work: scoring and invitation e-mails run in the task worker, never in a request.

Every task here is idempotent, because the worker may run one again after a crash (the sweeper
re-queues a task whose worker died) and an operator may re-score on purpose.
"""

from __future__ import annotations

from django_tasks import task

SCORING_PRIORITY = 10
"""Scoring goes before bulk e-mail, so a large import never delays a candidate's result."""
EMAIL_PRIORITY = -10


@task(priority=SCORING_PRIORITY)
def score_assessment(session_id: int, force: bool = False) -> int | None:
    """Score a submitted session and store the result; returns the result id.

    A session that already has a result with the current scoring version is left alone unless
    ``force`` is set (``servicefit manage rescore``), so a re-run task scores nobody twice.
    """
    from .results import score_session

    result = score_session(session_id=session_id, force=force)
    return result.pk if result is not None else None


@task(priority=EMAIL_PRIORITY)
def send_invitation_email(invitation_id: int) -> str:
    """E-mail one invitation (retried with back-off on failure); returns its e-mail status."""
    from .emails import deliver_invitation_email

    return deliver_invitation_email(invitation_id=invitation_id)


@task(priority=EMAIL_PRIORITY)
def send_invitation_emails(invitation_ids: list[int]) -> dict[str, int]:
    """E-mail a batch of invitations over one connection (an import's invitations)."""
    from .emails import deliver_invitation_emails

    return deliver_invitation_emails(invitation_ids=invitation_ids)
