"""Scheduling interviews and saving scorecards: transactions, rules and the audit log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import Role, User
from servicefit.audit.recording import record
from servicefit.candidates.models import PIPELINE, Candidate, Stage
from servicefit.candidates.services import move_to_stage

from ..models import RATING_MAX, RATING_MIN, Interview, Recommendation, Scorecard, ScorecardRating
from .kit import InterviewKit, kit_for_candidate

CLOSED_STAGES = frozenset({Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN})
NOTE_MAX_CHARS = 5000


class InterviewError(Exception):
    """A workflow rule refused the request; ``str(error)`` is a message for the user."""


class SchedulingError(InterviewError):
    pass


class AlreadyScheduled(SchedulingError):
    """The candidate already has an interview at that time (the same form sent twice: a double
    click, or sent again after the browser's Back button); ``interview`` is that one."""

    def __init__(self, interview: Interview) -> None:
        super().__init__(_("This interview was already scheduled; nothing was added."))
        self.interview = interview


class NotOnPanel(InterviewError):
    """The user is not an interviewer on this interview."""


class ScorecardLocked(InterviewError):
    """The scorecard was submitted and can no longer change."""


def eligible_interviewers() -> QuerySet[User]:
    """Active users who may sit on an interview panel (interviewers, recruiters, admins)."""
    return User.objects.filter(
        Q(role__in=[Role.INTERVIEWER, Role.RECRUITER, Role.ADMIN]) | Q(is_superuser=True),
        is_active=True,
    ).order_by("role", "first_name", "username")


def kit_for_interview(interview: Interview, *, language: str) -> InterviewKit:
    """The kit of a scheduled interview: the areas fixed when it was scheduled."""
    return kit_for_candidate(interview.candidate, language=language, focus=interview.focus)


@transaction.atomic
def schedule_interview(
    *,
    candidate: Candidate,
    scheduled_at: datetime,
    interviewers: Sequence[User],
    scheduled_by: User,
    location: str = "",
    notes: str = "",
    duration_minutes: int = 60,
) -> Interview:
    """Schedule an interview, fix its kit's areas, and move the candidate to "interview".

    A candidate before the interview stage moves forward (logged with ``scheduled_by``); one at
    the interview or offer stage keeps their stage; hired, rejected or withdrawn candidates
    cannot be scheduled until a person reopens them. A second interview of the candidate at
    the same time raises :class:`AlreadyScheduled` (a form sent twice adds nothing).
    """
    candidate = Candidate.objects.select_for_update().select_related("job").get(pk=candidate.pk)
    if candidate.stage in CLOSED_STAGES:
        raise SchedulingError(
            _("The candidate is %(stage)s. Move them back into the pipeline first.")
            % {"stage": candidate.get_stage_display()}
        )
    panel = list(dict.fromkeys(interviewers))
    if not panel:
        raise SchedulingError(_("Choose at least one interviewer."))
    allowed = set(eligible_interviewers().filter(pk__in=[u.pk for u in panel]))
    if set(panel) - allowed:
        raise SchedulingError(_("Only active interviewers and recruiters can interview."))
    if timezone.is_naive(scheduled_at):
        raise SchedulingError(_("The interview time needs a time zone."))
    # Under the candidate's row lock: of two identical requests only the first schedules.
    existing = Interview.objects.filter(candidate=candidate, scheduled_at=scheduled_at).first()
    if existing is not None:
        raise AlreadyScheduled(existing)
    kit = kit_for_candidate(candidate, language="en")
    interview = Interview.objects.create(
        candidate=candidate,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        notes=notes.strip(),
        focus=kit.focus,
        content_version=kit.content_version,
        created_by=scheduled_by,
    )
    interview.interviewers.set(panel)
    record(
        action="interview.scheduled",
        actor=scheduled_by,
        candidate=candidate,
        interview_id=interview.pk,
        scheduled_at=scheduled_at.isoformat(),
        interviewers=[u.get_username() for u in panel],
        focus=kit.focus,
    )
    stage_index = PIPELINE.index(candidate.stage)
    if stage_index < PIPELINE.index(Stage.INTERVIEW):
        move_to_stage(
            candidate=candidate,
            stage=Stage.INTERVIEW,
            changed_by=scheduled_by,
            reason_code="interview_scheduled",
            params={"when": scheduled_at.isoformat()},
        )
    return interview


@dataclass(frozen=True)
class ScorecardSaved:
    scorecard: Scorecard
    submitted: bool
    problems: tuple[str, ...] = ()
    """Why a requested submission did not happen (the draft is saved all the same)."""


def submission_problems(scorecard: Scorecard, kit: InterviewKit) -> list[str]:
    """What keeps a scorecard from being submitted: a recommendation and each area rated."""
    problems = []
    if not scorecard.recommendation:
        problems.append(_("Give an overall recommendation."))
    rated = set(
        scorecard.ratings.filter(rating__isnull=False).values_list("question_id", flat=True)
    )
    for area in kit.areas:
        if not any(q.id in rated for q in area.questions):
            problems.append(
                _("Rate at least one question on %(competency)s.") % {"competency": area.name}
            )
    return problems


def not_started_problem(interview: Interview) -> str:
    """Why a scorecard cannot be submitted before its interview's start time."""
    return _(
        "The interview has not started yet (it starts %(when)s). You can submit your "
        "scorecard once it has started; until then it stays a draft."
    ) % {"when": formats.localize(timezone.localtime(interview.scheduled_at))}


@transaction.atomic
def save_scorecard(
    *,
    interview: Interview,
    interviewer: User,
    kit: InterviewKit,
    ratings: Mapping[str, int | None],
    rating_notes: Mapping[str, str] | None = None,
    observations: Sequence[str] = (),
    recommendation: str = "",
    notes: str = "",
    submit: bool = False,
) -> ScorecardSaved:
    """Save ``interviewer``'s draft scorecard and, if ``submit`` and complete, lock it.

    A scorecard is not submitted before the interview's start time (the draft is saved and
    the reason is among ``problems``). Raises :class:`NotOnPanel` for someone not on the
    interview and :class:`ScorecardLocked` once the scorecard is submitted (a double submit
    changes nothing).
    """
    if not interview.has_interviewer(interviewer):
        raise NotOnPanel(_("You are not an interviewer on this interview."))
    questions = {q.id: q for q in kit.questions}
    unknown = set(ratings) - set(questions)
    if unknown:
        raise ValueError(f"unknown questions: {sorted(unknown)}")
    for value in ratings.values():
        if value is not None and not RATING_MIN <= value <= RATING_MAX:
            raise ValueError(f"rating {value} is outside {RATING_MIN}..{RATING_MAX}")
    if recommendation and recommendation not in Recommendation.values:
        raise ValueError(f"unknown recommendation {recommendation!r}")
    allowed_observations = [o.id for o in kit.observations]
    ticked = [o for o in allowed_observations if o in set(observations)]
    scorecard, _created = Scorecard.objects.get_or_create(
        interview=interview, interviewer=interviewer
    )
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.is_locked:
        raise ScorecardLocked(_("This scorecard was submitted and is locked."))
    rating_notes = rating_notes or {}
    existing = {r.question_id: r for r in scorecard.ratings.all()}
    for question_id, question in questions.items():
        row = existing.get(question_id) or ScorecardRating(
            scorecard=scorecard, question_id=question_id, competency=question.competency
        )
        row.rating = ratings.get(question_id)
        row.note = (rating_notes.get(question_id) or "").strip()[:NOTE_MAX_CHARS]
        row.save()
    scorecard.recommendation = recommendation
    scorecard.notes = notes.strip()[:NOTE_MAX_CHARS]
    scorecard.observations = ticked
    scorecard.updated_at = timezone.now()
    problems: list[str] = []
    if submit:
        problems = submission_problems(scorecard, kit)
        if not interview.has_started(scorecard.updated_at):
            # Nothing ranks a candidate on an interview that has not happened: the draft is
            # kept, the submission (which feeds the composite) waits for the start time.
            problems.insert(0, not_started_problem(interview))
        if not problems:
            scorecard.submitted_at = scorecard.updated_at
    scorecard.save()
    submitted = scorecard.is_submitted
    record(
        action="scorecard.submitted" if submitted else "scorecard.saved",
        actor=interviewer,
        candidate=interview.candidate,
        interview_id=interview.pk,
        scorecard_id=scorecard.pk,
        recommendation=scorecard.recommendation,
    )
    if submitted:
        from servicefit.assessments.tasks import restore_standing

        candidate_id = interview.candidate_id
        transaction.on_commit(lambda: restore_standing.enqueue(candidate_id))
    return ScorecardSaved(scorecard=scorecard, submitted=submitted, problems=tuple(problems))
