"""The start page: jobs with funnel counts and time in stage; interviewers see their interviews."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from servicefit.accounts.permissions import acting_user, signed_in
from servicefit.assessments.invitation_status import FunnelStep, funnel_step, statuses_in
from servicefit.candidates.models import Candidate, Stage
from servicefit.interviews.services import interviews_for
from servicefit.jobs.models import Job

#: The funnel's columns: the "invited" stage is split by where the invitation stands, so a
#: candidate who was never invited, or whose link lapsed, is not counted as "Invited".
COLUMNS: list[tuple[str, Any]] = [
    *FunnelStep.choices,
    *((value, label) for value, label in Stage.choices if value != Stage.INVITED),
]


def _funnel(jobs: list[Job]) -> dict[int, dict[str, list[float]]]:
    """Per job and column, the days each current candidate has spent in their stage."""
    now = timezone.now()
    candidates = Candidate.objects.filter(job__in=jobs)
    statuses = statuses_in(candidates.filter(stage=Stage.INVITED))
    days: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for pk, job_id, stage, changed_at in candidates.values_list(
        "pk", "job_id", "stage", "stage_changed_at"
    ):
        column = str(funnel_step(statuses[pk])) if stage == Stage.INVITED else stage
        days[job_id][column].append((now - changed_at).total_seconds() / 86400)
    return days


@signed_in
def dashboard(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    jobs: list[Job] = []
    archived = request.GET.get("archived") == "1"  # the closed jobs instead of the open ones
    if user.is_recruiter:
        shown = Job.objects.archived() if archived else Job.objects.active()
        jobs = list(shown.annotate(total=Count("candidates")).order_by("-created_at"))
        funnel = _funnel(jobs)
        for job in jobs:
            columns = funnel[job.pk]
            job.funnel = [  # type: ignore[attr-defined]
                {
                    "stage": value,
                    "label": label,
                    "count": len(columns[value]),
                    "days": sum(columns[value]) / len(columns[value]) if columns[value] else None,
                }
                for value, label in COLUMNS
            ]
    context = {"jobs": jobs, "archived": archived, "my_interviews": list(interviews_for(user))}
    return render(request, "backoffice/dashboard.html", context)
