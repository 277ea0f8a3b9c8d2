"""Re-scoring: finding candidates left unscored, and scoring them (or a job) again.

Used by ``servicefit manage rescore``. Scoring is idempotent, so queuing a session that is
already being scored is harmless: the second run finds the current result and stops.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import AssessmentSession
from .scoring import SCORING_VERSION


def unscored_sessions() -> QuerySet[AssessmentSession]:
    """Submitted sessions without a result of the current scoring version."""
    return (
        AssessmentSession.objects.filter(submitted_at__isnull=False)
        .filter(Q(result__isnull=True) | ~Q(result__scoring_version=SCORING_VERSION))
        .order_by("submitted_at")
    )


def submitted_sessions(*, candidate_id: int | None = None, job_id: int | None = None):
    sessions = AssessmentSession.objects.filter(submitted_at__isnull=False)
    if candidate_id is not None:
        sessions = sessions.filter(candidate_id=candidate_id)
    if job_id is not None:
        sessions = sessions.filter(candidate__job_id=job_id)
    return sessions.order_by("submitted_at")


@dataclass(frozen=True)
class Rescore:
    sessions: int
    queued: int
    scored: int


def rescore(*, sessions: QuerySet[AssessmentSession], force: bool, inline: bool) -> Rescore:
    """Queue a scoring task per session, or with ``inline`` score them here and now."""
    from .results import score_session
    from .tasks import score_assessment

    ids = list(sessions.values_list("pk", flat=True))
    queued = scored = 0
    for session_id in ids:
        if inline:
            scored += score_session(session_id=session_id, force=force) is not None
        else:
            score_assessment.enqueue(session_id, force)
            queued += 1
    return Rescore(sessions=len(ids), queued=queued, scored=scored)
