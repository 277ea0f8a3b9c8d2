"""Recruiter and interviewer pages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from servicefit.accounts.permissions import recruiter_required, signed_in
from servicefit.candidates.models import Stage
from servicefit.jobs.models import Job


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    """Jobs with funnel counts (recruiters); interviewers see their interviews instead."""
    jobs = []
    if request.user.is_recruiter:  # type: ignore[union-attr]
        counts = {
            stage: Count("candidates", filter=Q(candidates__stage=stage)) for stage in Stage.values
        }
        jobs = list(
            Job.objects.active()
            .annotate(total=Count("candidates"), **counts)
            .order_by("-created_at")
        )
    return render(request, "backoffice/dashboard.html", {"jobs": jobs, "stages": Stage.choices})


@recruiter_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    candidates = job.candidates.order_by("name")
    return render(request, "backoffice/job_detail.html", {"job": job, "candidates": candidates})
