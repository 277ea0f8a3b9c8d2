"""Background work: scoring and reminder e-mails run in the task worker, never in the request."""

from __future__ import annotations

from django_tasks import task

from .models import AssessmentSession


@task()
def score_assessment(session_id: int) -> int:
    """Score a submitted session and store the result (idempotent: re-scoring replaces it)."""
    from .results import store_result

    session = AssessmentSession.objects.select_related("candidate__job").get(pk=session_id)
    return store_result(session=session).pk


@task()
def send_reminder_task(invitation_id: int, manual: bool) -> bool:
    """Send one reminder e-mail if it is still wanted (the rules are in ``emails.send_reminder``)."""
    from .emails import send_reminder

    return send_reminder(invitation_id=invitation_id, manual=manual)
