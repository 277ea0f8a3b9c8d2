"""Interview workflows and look-ups used by the interview pages and by other apps.

Public API for other apps: :func:`competency_ratings`, :func:`competency_ratings_for_job`,
:func:`interviews_for`, :func:`interviews_of`, :func:`export_interviews`; for views: :func:`schedule_interview`, :func:`save_scorecard`,
:func:`kit_for_candidate`, :func:`kit_for_interview`, :func:`interview_summary`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from ..models import Interview, InterviewQuerySet, Scorecard
from .kit import InterviewKit, build_kit, kit_for_candidate
from .ratings import (
    InterviewSummary,
    competency_ratings,
    competency_ratings_for_job,
    interview_summary,
)
from .workflows import (
    AlreadyScheduled,
    InterviewError,
    NotOnPanel,
    SchedulingError,
    ScorecardLocked,
    ScorecardSaved,
    eligible_interviewers,
    kit_for_interview,
    save_scorecard,
    schedule_interview,
)

__all__ = [
    "AlreadyScheduled",
    "InterviewError",
    "InterviewKit",
    "InterviewSummary",
    "NotOnPanel",
    "SchedulingError",
    "ScorecardLocked",
    "ScorecardSaved",
    "build_kit",
    "competency_ratings",
    "competency_ratings_for_job",
    "eligible_interviewers",
    "export_interviews",
    "interview_summary",
    "interviews_for",
    "interviews_of",
    "kit_for_candidate",
    "kit_for_interview",
    "save_scorecard",
    "schedule_interview",
]


def interviews_for(user: Any, *, include_done: bool = False) -> InterviewQuerySet:
    """Interviews ``user`` sits on: upcoming ones and any whose scorecard they still owe.

    With ``include_done`` also past interviews they have submitted. Each interview carries
    ``my_submitted_at`` and ``my_scorecard_id`` (``None`` when not submitted / not started).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Interview.objects.none()
    mine = Scorecard.objects.filter(interview=OuterRef("pk"), interviewer=user)
    interviews = (
        Interview.objects.assigned_to(user)
        .select_related("candidate__job")
        .annotate(
            my_submitted_at=Subquery(mine.values("submitted_at")[:1]),
            my_scorecard_id=Subquery(mine.values("pk")[:1]),
        )
    )
    if not include_done:
        start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        interviews = interviews.filter(
            Q(scheduled_at__gte=start_of_today) | Q(my_submitted_at__isnull=True)
        )
    return interviews.order_by("scheduled_at", "pk")


def interviews_of(candidate: Any) -> InterviewQuerySet:
    """A candidate's interviews, with their panels and scorecards prefetched."""
    return (
        Interview.objects.for_candidate(candidate.pk)
        .select_related("created_by")
        .prefetch_related("interviewers")
        .annotate(
            panel_size=Count("interviewers", distinct=True),
            submitted_count=Count(
                "scorecards", filter=Q(scorecards__submitted_at__isnull=False), distinct=True
            ),
        )
        .order_by("scheduled_at", "pk")
    )


def export_interviews(candidate: Any) -> list[dict[str, Any]]:
    """Everything stored about a candidate's interviews, JSON-ready (for a data export)."""
    return [
        {
            "scheduled_at": interview.scheduled_at.isoformat(),
            "location": interview.location,
            "focus": interview.focus,
            "content_version": interview.content_version,
            "notes": interview.notes,
            "interviewers": [u.get_username() for u in interview.interviewers.all()],
            "scorecards": [
                {
                    "interviewer": sc.interviewer.get_username(),
                    "submitted_at": sc.submitted_at.isoformat() if sc.submitted_at else None,
                    "recommendation": sc.recommendation,
                    "observations": sc.observations,
                    "notes": sc.notes,
                    "ratings": [
                        {"question": r.question_id, "rating": r.rating, "note": r.note}
                        for r in sc.ratings.all()
                    ],
                }
                for sc in interview.scorecards.select_related("interviewer")
            ],
        }
        for interview in interviews_of(candidate)
    ]
