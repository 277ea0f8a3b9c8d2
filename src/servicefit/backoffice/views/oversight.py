"""Human oversight: suspend/resume a job's scoring, the review-request queue, the
per-candidate explanation, and the instructions for use."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from markdown_it import MarkdownIt

from servicefit.accounts.permissions import (
    acting_user,
    admin_required,
    recruiter_required,
    signed_in,
)
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate
from servicefit.jobs.models import Job
from servicefit.oversight.models import ReviewRequest
from servicefit.oversight.services import (
    OversightError,
    open_requests,
    resolve_request,
    resume_scoring,
    suspend_scoring,
)

from ..explanation import build_explanation
from ..fairness_forms import ResolveForm, SuspendForm
from ..instructions_for_use import load_instructions


@require_POST
@admin_required
def scoring_suspend(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for suspending the scoring."))
    else:
        try:
            suspend_scoring(
                job=job, suspended_by=acting_user(request), reason=form.cleaned_data["reason"]
            )
        except OversightError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Scoring is suspended: no scores or rankings are shown for this job."),
            )
    return redirect("backoffice:job_detail", job_id=job.pk)


@require_POST
@admin_required
def scoring_resume(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    try:
        resume_scoring(job=job, resumed_by=acting_user(request))
    except OversightError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Scoring is resumed: scores and rankings are shown again."))
    return redirect("backoffice:job_detail", job_id=job.pk)


@recruiter_required
def review_queue(request: HttpRequest) -> HttpResponse:
    requests = open_requests()
    record(action="review.queue_viewed", actor=acting_user(request))
    now = timezone.now()
    rows = [{"request": r, "overdue": r.is_overdue(now)} for r in requests]
    return render(request, "backoffice/review_queue.html", {"rows": rows, "form": ResolveForm()})


@require_POST
@recruiter_required
def review_resolve(request: HttpRequest, request_id: int) -> HttpResponse:
    review = get_object_or_404(ReviewRequest, pk=request_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what you reviewed and what you decided."))
    else:
        try:
            resolve_request(
                review=review,
                resolved_by=acting_user(request),
                response=form.cleaned_data["response"],
            )
        except OversightError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The request is answered and logged."))
    return redirect("backoffice:review_queue")


@recruiter_required
def candidate_explanation(
    request: HttpRequest, candidate_id: int, fmt: str = "html"
) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    record(
        action="candidate.explanation_exported",
        actor=acting_user(request),
        candidate=candidate,
        format=fmt,
    )
    explanation = build_explanation(candidate)
    if fmt == "json":
        body = json.dumps(explanation, ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="servicefit-explanation-{candidate.pk}.json"'
        )
        return response
    return render(
        request,
        "backoffice/candidate_explanation.html",
        {"candidate": candidate, "job": candidate.job, "x": explanation},
    )


@signed_in
def instructions_for_use(request: HttpRequest) -> HttpResponse:
    """docs/instructions-for-use.md, or its translation for the interface language, rendered.

    The files are the single source; the page's ``lang`` is the language of the file shown
    (English when the interface language has no translation installed).
    """
    instructions = load_instructions(get_language())
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(instructions.text)
    return render(
        request,
        "backoffice/instructions.html",
        {
            "body": mark_safe(html),  # noqa: S308  (escaped: html=False)
            "missing": not instructions.text,
            "shown_language": instructions.language,
        },
    )
