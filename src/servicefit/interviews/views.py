"""Interview pages: kit, scheduling, the recruiter's interview view, "my interviews", scorecard.

Permissions are checked here, first: a role decorator, then the object check (is this user on
the interview's panel?). Interviewers see the kit of candidates they interview, never the
report, and nobody on a panel sees the others' ratings before submitting their own.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.accounts.permissions import acting_user, recruiter_required, signed_in
from servicefit.assessments.invitation_status import statuses_for
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate

from .forms import ScheduleForm, ScorecardForm
from .models import Interview, Scorecard
from .services import (
    AlreadyScheduled,
    InterviewError,
    ScorecardLocked,
    interview_summary,
    interviews_for,
    kit_for_candidate,
    kit_for_interview,
    save_scorecard,
    schedule_interview,
)


def _interview(interview_id: int) -> Interview:
    return get_object_or_404(
        Interview.objects.select_related("candidate__job", "created_by"), pk=interview_id
    )


def _can_see_ratings(interview: Interview, user: User) -> bool:
    """Panel members see the others' ratings only after submitting their own."""
    if not interview.has_interviewer(user):
        return True
    own = interview.scorecard_of(user)
    return own is not None and own.is_submitted


@signed_in
def kit(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """The interview kit: recruiters for any candidate, interviewers for their own interviews."""
    user = acting_user(request)
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    interviews = Interview.objects.for_candidate(candidate.pk).prefetch_related("interviewers")
    if not user.is_recruiter:
        interviews = interviews.assigned_to(user)
        if not interviews.exists():
            raise PermissionDenied
    latest = interviews.order_by("-scheduled_at", "-pk").first()
    the_kit = kit_for_candidate(
        candidate, language=get_language(), focus=latest.focus if latest else None
    )
    record(action="interview.kit_viewed", actor=user, candidate=candidate)
    context = {
        "candidate": candidate,
        "job": candidate.job,
        "kit": the_kit,
        # Never while the job's scoring is suspended: the kit then has no scores at all.
        "show_scores": user.is_recruiter and not the_kit.scoring_suspended,
        "is_recruiter": user.is_recruiter,
        "interviews": list(interviews),
        "my_interview_ids": set(
            Interview.objects.assigned_to(user)
            .filter(candidate=candidate)
            .values_list("pk", flat=True)
        ),
        "fixed_by": latest,
    }
    return render(request, "interviews/kit.html", context)


@recruiter_required
def schedule(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = acting_user(request)
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interview = schedule_interview(
                candidate=candidate,
                scheduled_at=form.cleaned_data["scheduled_at"],
                interviewers=list(form.cleaned_data["interviewers"]),
                scheduled_by=user,
                location=form.cleaned_data["location"],
                notes=form.cleaned_data["notes"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except AlreadyScheduled as exc:
            # the same form sent again (a double click, or Back and send): show the one made
            messages.info(request, str(exc))
            return redirect("interviews:detail", interview_id=exc.interview.pk)
        except InterviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The interview is scheduled."))
            return redirect("interviews:detail", interview_id=interview.pk)
    context = {
        "candidate": candidate,
        "job": candidate.job,
        "invitation_status": statuses_for([candidate.pk])[candidate.pk],
        "form": form,
        "interviews": Interview.objects.for_candidate(candidate.pk).prefetch_related(
            "interviewers"
        ),
    }
    return render(request, "interviews/schedule.html", context, status=400 if form.errors else 200)


@recruiter_required
def detail(request: HttpRequest, interview_id: int) -> HttpResponse:
    """Recruiters: the panel, each scorecard's status, aggregates and agreement."""
    user = acting_user(request)
    interview = _interview(interview_id)
    the_kit = kit_for_interview(interview, language=get_language())
    visible = _can_see_ratings(interview, user)
    record(action="interview.viewed", actor=user, candidate=interview.candidate)
    context = {
        "interview": interview,
        "candidate": interview.candidate,
        "job": interview.candidate.job,
        "kit": the_kit,
        "panel": [
            {"user": member, "scorecard": interview.scorecard_of(member)}
            for member in interview.interviewers.order_by("first_name", "username")
        ],
        "ratings_visible": visible,
        "summary": interview_summary(interview, the_kit) if visible else None,
        "on_panel": interview.has_interviewer(user),
        "observation_labels": {o.id: o.label for o in the_kit.observations},
    }
    return render(request, "interviews/detail.html", context)


@signed_in
def mine(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "interviews/mine.html",
        {"my_interviews": list(interviews_for(user, include_done=True))},
    )


def _scorecard_page(
    request: HttpRequest,
    interview: Interview,
    scorecard: Scorecard | None,
    form: ScorecardForm | None,
    *,
    status: int = 200,
    locked_message: str = "",
) -> HttpResponse:
    the_kit = (
        form.kit if form is not None else kit_for_interview(interview, language=get_language())
    )
    submitted = scorecard is not None and scorecard.is_submitted
    context = {
        "interview": interview,
        "candidate": interview.candidate,
        "job": interview.candidate.job,
        "kit": the_kit,
        "form": form,
        "scorecard": scorecard,
        "submitted": submitted,
        # Submitting is refused before the start time (the draft is kept): only "Save draft"
        # is offered until then, with the time from which submitting is possible.
        "can_submit": interview.has_started(),
        "locked_message": locked_message,
        "own_ratings": {r.question_id: r for r in scorecard.ratings.all()} if scorecard else {},
        "observation_labels": {o.id: o.label for o in the_kit.observations},
        "summary": interview_summary(interview, the_kit) if submitted else None,
    }
    if form is not None:
        context["area_fields"] = [
            (area, form.question_fields(area.questions)) for area in the_kit.areas
        ]
        context["general_fields"] = form.question_fields(the_kit.general)
    return render(request, "interviews/scorecard.html", context, status=status)


@signed_in
def scorecard(request: HttpRequest, interview_id: int) -> HttpResponse:
    """The signed-in panel member's own scorecard: draft, submit, then read-only."""
    user = acting_user(request)
    interview = _interview(interview_id)
    if not interview.has_interviewer(user):
        raise PermissionDenied
    own = interview.scorecard_of(user)
    locked = _("This scorecard was submitted and is locked. Nothing was changed.")
    if own is not None and own.is_locked:
        if request.method == "POST":
            return _scorecard_page(request, interview, own, None, status=409, locked_message=locked)
        return _scorecard_page(request, interview, own, None)
    the_kit = kit_for_interview(interview, language=get_language())
    if request.method != "POST":
        form = ScorecardForm(initial=ScorecardForm.initial_from(own), kit=the_kit)
        return _scorecard_page(request, interview, own, form)
    form = ScorecardForm(request.POST, kit=the_kit)
    if not form.is_valid():
        return _scorecard_page(request, interview, own, form, status=400)
    try:
        saved = save_scorecard(
            interview=interview,
            interviewer=user,
            kit=the_kit,
            ratings=form.ratings(),
            rating_notes=form.rating_notes(),
            observations=form.cleaned_data["observations"],
            recommendation=form.cleaned_data["recommendation"],
            notes=form.cleaned_data["notes"],
            submit="submit" in request.POST,
        )
    except ScorecardLocked:
        own = interview.scorecard_of(user)
        return _scorecard_page(request, interview, own, None, status=409, locked_message=locked)
    if saved.submitted:
        messages.success(request, _("Your scorecard is submitted. Thank you."))
    elif saved.problems:
        messages.warning(request, _("Your draft is saved, but it cannot be submitted yet."))
        for problem in saved.problems:
            messages.error(request, problem)
    else:
        messages.success(request, _("Your draft is saved."))
    return redirect("interviews:scorecard", interview_id=interview.pk)
