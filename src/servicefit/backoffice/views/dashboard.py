"""The start page: jobs with funnel counts and time in stage; interviewers see their interviews."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from servicefit.accounts.permissions import acting_user, signed_in
from servicefit.candidates.models import Candidate, Stage
from servicefit.interviews.services import interviews_for
from servicefit.jobs.models import Job


def _days_in_stage(jobs: list[Job]) -> dict[int, dict[str, float]]:
    """Mean days the job's current candidates have spent in their current stage."""
    now = timezone.now()
    sums: dict[tuple[int, str], list[float]] = defaultdict(list)
    rows = Candidate.objects.filter(job__in=jobs).values_list("job_id", "stage", "stage_changed_at")
    for job_id, stage, changed_at in rows:
        sums[(job_id, stage)].append((now - changed_at).total_seconds() / 86400)
    days: dict[int, dict[str, float]] = defaultdict(dict)
    for (job_id, stage), values in sums.items():
        days[job_id][stage] = sum(values) / len(values)
    return days


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    jobs: list[Job] = []
    if user.is_recruiter:
        counts = {
            stage: Count("candidates", filter=Q(candidates__stage=stage)) for stage in Stage.values
        }
        jobs = list(
            Job.objects.active()
            .annotate(total=Count("candidates"), **counts)
            .order_by("-created_at")
        )
        days = _days_in_stage(jobs)
        for job in jobs:
            job.funnel = [  # type: ignore[attr-defined]
                {
                    "stage": value,
                    "label": label,
                    "count": getattr(job, value),
                    "days": days[job.pk].get(value),
                }
                for value, label in Stage.choices
            ]
    context = {"jobs": jobs, "stages": Stage.choices, "my_interviews": list(interviews_for(user))}
    return render(request, "backoffice/dashboard.html", context)
