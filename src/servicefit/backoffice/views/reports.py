"""The candidate report (page and PDF) and the written-reply rater form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicefit.accounts.permissions import acting_user, recruiter_required
from servicefit.assessments.emails import reminder_blocker
from servicefit.assessments.invitation_status import status_of
from servicefit.assessments.models import ReplyRating, Result
from servicefit.assessments.services import (
    expired_link_on_closed_job_message,
    link_closed_by_stage,
    link_of,
    revives_link_on_closed_job,
)
from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate, ReasonCode
from servicefit.interviews.services import interviews_of
from servicefit.oversight.services import is_scoring_suspended

from ..forms import ExtendForm, ReplyRatingForm, StageForm
from ..report import build_report
from ..report_pdf import report_pdf


def _suggested(result: Result) -> dict[str, int]:
    return result.record.reply.suggested_ratings


@recruiter_required
def candidate_report(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    return render_report(request, candidate)


def render_report(
    request: HttpRequest,
    candidate: Candidate,
    *,
    stage_form: StageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report page; ``stage_form`` is a refused stage change to show with its errors.

    The caller has checked the permission (``recruiter_required``).
    """
    record(action="candidate.report_viewed", actor=acting_user(request), candidate=candidate)
    suspended = is_scoring_suspended(candidate.job)
    report = build_report(candidate) if not suspended else _without_scores(candidate)
    result = report.get("result")
    rater_form = None
    my_ratings = {}
    if result is not None and result.record.reply.analysis:
        my_ratings = {
            r.dimension: r for r in result.reply_ratings.filter(rated_by=acting_user(request))
        }
        initial = {d: r.rating for d, r in my_ratings.items()} | {
            f"{d}_reason": r.reason for d, r in my_ratings.items()
        }
        rater_form = ReplyRatingForm(suggested=_suggested(result), initial=initial or None)
    invitation = candidate.invitations.first()
    invitation_status = status_of(invitation, report.get("session"))
    link_closed = link_closed_by_stage(candidate)
    context = {
        **report,
        "invitation_status": invitation_status,
        "link_closed_by_stage": link_closed,
        # A closed job takes no new links (``create_invitation`` refuses them); the link
        # already sent keeps working, so reminding, extending and revoking stay offered.
        "job_closed": candidate.job.is_archived,
        "invitation_link": link_of(invitation)
        if invitation is not None
        and invitation.is_open()
        and invitation_status != "submitted"
        and not link_closed
        else None,
        "can_remind": invitation is not None and reminder_blocker(invitation, manual=True) is None,
        "stage_form": stage_form or StageForm(candidate=candidate),
        "extend_form": ExtendForm(),
        "extend_refused": expired_link_on_closed_job_message()
        if invitation is not None and revives_link_on_closed_job(invitation)
        else None,
        "reason_codes": ReasonCode.choices,
        "rater_form": rater_form,
        "my_ratings": my_ratings,
        "invitation": invitation,
        "stage_changes": candidate.stage_changes.select_related("changed_by"),
        "audit": AuditEvent.objects.filter(candidate=candidate)[:50],
        "candidate_interviews": interviews_of(candidate),
        "scoring_suspended": suspended,
    }
    return render(request, "backoffice/candidate_report.html", context, status=status)


def _without_scores(candidate: Candidate) -> dict[str, Any]:
    """The report's frame while the job's scoring is suspended: no result, no rank."""
    session = getattr(candidate, "assessment", None)
    return {"candidate": candidate, "job": candidate.job, "session": session, "result": None}


@recruiter_required
def candidate_report_pdf(request: HttpRequest, candidate_id: int) -> HttpResponse:

    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    if is_scoring_suspended(candidate.job):
        messages.error(
            request, _("Scoring is suspended for this job: no report can be downloaded.")
        )
        return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
    record(action="candidate.report_downloaded", actor=acting_user(request), candidate=candidate)
    pdf = report_pdf(request, candidate)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="servicefit-report-{candidate.pk}.pdf"'
    return response


@require_POST
@recruiter_required
def reply_rating(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Store a person's confirmed or changed ratings beside the suggestions."""
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    result = get_object_or_404(Result, session__candidate=candidate)
    suggested = _suggested(result)
    if not suggested:
        messages.error(request, _("There is no written reply to rate."))
        return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
    form = ReplyRatingForm(request.POST, suggested=suggested)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
    with transaction.atomic():
        for dimension in ReplyRatingForm.DIMENSIONS:
            ReplyRating.objects.update_or_create(
                result=result,
                dimension=dimension,
                rated_by=acting_user(request),
                defaults={
                    "job_id": candidate.job_id,
                    "suggested": suggested[dimension],
                    "rating": form.cleaned_data[dimension],
                    "reason": form.cleaned_data.get(f"{dimension}_reason", ""),
                },
            )
        changed = [d for d in ReplyRatingForm.DIMENSIONS if form.cleaned_data[d] != suggested[d]]
        record(
            action="reply.rated", actor=acting_user(request), candidate=candidate, changed=changed
        )
    messages.success(request, _("Your ratings of the written reply are saved."))
    return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
