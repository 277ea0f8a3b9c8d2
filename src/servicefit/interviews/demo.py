"""Demo interviews: scheduled panels with plausible, correlated scorecards.

Each interviewer's rating of a question is

    round(level_c + question_q + bias_r + noise),  clipped to 1..5

where ``level_c`` is the candidate's assessment score on the question's competency (3 when
unmeasured; their mean score for the general questions), ``question_q ~ N(0, 0.8)`` is shared
by the panel (some questions go better than others), ``bias_r ~ N(0, 0.2)`` is the rater's
leniency and ``noise ~ N(0, 0.35)``. The shared parts make the ICC and Krippendorff's alpha
meaningful (typically 0.5–0.8), not perfect.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import fmean

from django.utils import timezone

from servicefit.accounts.models import User
from servicefit.candidates.models import Candidate, Stage, StageChange
from servicefit.jobs.models import Job

from .models import Interview, Recommendation, Scorecard
from .services import kit_for_interview, save_scorecard, schedule_interview
from .services.kit import candidate_scores

OPEN_STAGES = (Stage.INVITED, Stage.IN_PROGRESS, Stage.COMPLETED, Stage.SHORTLISTED)
DEMO_NOTES = (
    "Concrete examples with clear outcomes.",
    "Needed follow-up questions to get to a specific situation.",
    "Calm and friendly throughout.",
    "Answers stayed general; probe further in a second interview.",
    "Good questions back to us about the team and the queues.",
)


def _recommendation(mean: float) -> str:
    if mean < 2.25:
        return Recommendation.STRONG_NO
    if mean < 3.0:
        return Recommendation.NO
    if mean < 3.75:
        return Recommendation.YES
    return Recommendation.STRONG_YES


def _candidates(job: Job, count: int) -> list[Candidate]:
    """Open candidates with a result first (best mean score first), then any others."""
    from django.db.models import Avg, F

    open_candidates = job.candidates.filter(stage__in=OPEN_STAGES)
    scored = list(
        open_candidates.filter(standing__isnull=False)
        .annotate(mean=Avg("standing__scores__score"))
        .order_by(F("mean").desc(nulls_last=True), "pk")[:count]
    )
    others = list(
        open_candidates.filter(standing__isnull=True).order_by("pk")[: max(0, count - len(scored))]
    )
    return (scored + others)[:count]


def _fill_scorecards(interview: Interview, panel: Sequence[User], rng: random.Random) -> None:
    kit = kit_for_interview(interview, language="en")
    scores = candidate_scores(interview.candidate)
    measured = [v for v in scores.values() if v is not None]
    general_level = fmean(measured) if measured else 3.0
    question_effect = {q.id: rng.gauss(0.0, 0.8) for q in kit.questions}
    for member in panel:
        bias = rng.gauss(0.0, 0.2)
        ratings: dict[str, int | None] = {}
        for q in kit.questions:
            level = scores.get(q.competency)
            base = general_level if q.kind == "general" else (3.0 if level is None else level)
            value = base + question_effect[q.id] + bias + rng.gauss(0.0, 0.35)
            ratings[q.id] = min(5, max(1, round(value)))
        mean = fmean(r for r in ratings.values() if r is not None)
        ticked = [o.id for o in kit.observations if rng.random() < 0.25 + 0.15 * (mean - 2)]
        save_scorecard(
            interview=interview,
            interviewer=member,
            kit=kit,
            ratings=ratings,
            observations=ticked,
            recommendation=_recommendation(mean),
            notes=rng.choice(DEMO_NOTES),
            submit=True,
        )


def _past_interview_time(candidate: Candidate, now: datetime, rng: random.Random) -> datetime:
    """A start time for a demo interview that has taken place: after the candidate's last step
    (their submission or shortlisting, already dated in the past), on the hour, leaving time
    for the interview and the scorecards before ``now``."""
    last = candidate.stage_changed_at
    span = max(now - last, timedelta(hours=3))
    when = last + span * rng.uniform(0.3, 0.6)
    when = when.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return min(when, now - timedelta(hours=1))  # it has taken place: scorecards can be in


def _date_scheduling(candidate: Candidate, interview: Interview) -> None:
    """Date the move to the interview stage (and the scheduling) between the candidate's
    previous step and the interview, not at load time (as ``demo_assessments.dated`` does)."""
    changes = list(candidate.stage_changes.order_by("-id")[:2])
    if len(changes) < 2:
        return
    last, before = changes
    if last.to_stage != Stage.INTERVIEW or last.from_stage == Stage.INTERVIEW:
        return
    end = min(interview.scheduled_at, timezone.now())
    at = before.changed_at + max(end - before.changed_at, timedelta(0)) / 2
    StageChange.objects.filter(pk=last.pk).update(changed_at=at)
    Candidate.objects.filter(pk=candidate.pk).update(stage_changed_at=at)
    Interview.objects.filter(pk=interview.pk).update(created_at=at)


def _date_scorecards(interview: Interview, rng: random.Random) -> None:
    """Date the panel's scorecards after the interview ended (and before now), one by one."""
    now = timezone.now()
    at = interview.ends_at
    for pk in interview.scorecards.order_by("pk").values_list("pk", flat=True):
        at = min(at + timedelta(minutes=rng.randint(10, 90)), now)
        Scorecard.objects.filter(pk=pk).update(submitted_at=at, updated_at=at)


def add_demo_interviews(
    *,
    job: Job,
    interviewers: list[User],
    recruiter: User,
    rng: random.Random,
    count: int,
    upcoming: int = 1,
) -> list[Interview]:
    """Interview up to ``count`` candidates of ``job`` with two-person panels, scorecards in.

    Candidates with an assessment result come first (highest mean score first). Each gets a
    past interview with two of ``interviewers`` (their submitted scorecards) and moves to the
    interview stage, recorded with ``recruiter``. ``upcoming`` further candidates get an
    interview later this week with no scorecards yet, so interviewers have one to prepare.
    """
    if len(interviewers) < 2:
        raise ValueError("demo interviews need at least two interviewers")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    chosen = _candidates(job, count + upcoming)
    interviews = []
    for index, candidate in enumerate(chosen):
        panel = rng.sample(list(interviewers), 2)
        done = index < count
        if done:
            when = _past_interview_time(candidate, now, rng)
        else:
            when = now + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
        interview = schedule_interview(
            candidate=candidate,
            scheduled_at=when,
            interviewers=panel,
            scheduled_by=recruiter,
            location=rng.choice(["Meeting room 2", "https://meet.example.invalid/servicefit"]),
            duration_minutes=45,
        )
        _date_scheduling(candidate, interview)
        if done:
            _fill_scorecards(interview, panel, rng)
            _date_scorecards(interview, rng)
        interviews.append(interview)
    return interviews
