"""Background work: scoring runs in the task worker, never in the request."""

from __future__ import annotations

from django_tasks import task

from .models import AssessmentSession


@task()
def score_assessment(session_id: int) -> int:
    """Score a submitted session and store the result (idempotent: re-scoring replaces it)."""
    from .results import store_result

    session = AssessmentSession.objects.select_related("candidate__job").get(pk=session_id)
    return store_result(session=session).pk
