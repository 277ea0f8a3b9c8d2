"""Measurement quality and the adaptive questionnaire switch (recruiters and admins)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicefit.accounts.permissions import acting_user, recruiter_required
from servicefit.fairness.selfid import categories
from servicefit.jobs.models import Job
from servicefit.measurement.models import ParameterSet, QualityReport
from servicefit.measurement.services import (
    AdaptiveNotAvailable,
    adaptive_setting,
    request_quality_report,
    set_adaptive,
)


@recruiter_required
def measurement_quality(request: HttpRequest) -> HttpResponse:
    """The latest stored quality report; POST queues a fresh one (computed by the worker)."""
    if request.method == "POST":
        request_quality_report(requested_by=acting_user(request))
        messages.success(
            request, _("A new report is being computed. Reload this page in a minute.")
        )
        return redirect("backoffice:measurement_quality")
    report = QualityReport.objects.first()
    context = {
        "report": report,
        "parameter_sets": ParameterSet.objects.all()[:10],
        "selfid": _selfid_display(report.report if report else {}),
    }
    return render(request, "backoffice/measurement_quality.html", context)


def _selfid_display(report: dict[str, Any]) -> dict[str, Any]:
    """The report's self-identified groups and their DIF with labels (aggregates only)."""
    labels = {c.key: (str(c.label), {k: str(v) for k, v in c.options}) for c in categories()}

    def name(key: str) -> str:
        return labels.get(key, (key, {}))[0]

    def option(key: str, group: str) -> str:
        return labels.get(key, (key, {}))[1].get(group, group)

    part = report.get("selfid") or {}
    groups = [
        {
            "label": name(c["key"]),
            "groups": [{**g, "label": option(c["key"], g["group"])} for g in c["groups"]],
            "tested": sum(1 for g in c["groups"] if g.get("tested")) >= 2,
        }
        for c in part.get("categories", [])
    ]
    dif = {
        scale["competency"]: [
            {
                **d,
                "characteristic_label": name(d["characteristic"]),
                "focal_label": option(d["characteristic"], d["focal"]),
                "reference_label": option(d["characteristic"], d["reference"]),
            }
            for d in scale.get("selfid_dif", [])
            if d["category"] != "A"
        ]
        for scale in report.get("scales", [])
    }
    return {
        "categories": groups,
        "dif": dif,
        "min_cell": part.get("min_cell"),
        "min_dif_group": part.get("min_dif_group"),
        "any_tested": any(c["tested"] for c in groups),
    }


@recruiter_required
def job_adaptive(request: HttpRequest, job_id: int) -> HttpResponse:
    """The adaptive questionnaire of one job: the simulation on own answers, and the switch."""
    job = get_object_or_404(Job, pk=job_id)
    if request.method == "POST":
        enabled = request.POST.get("enabled") == "on"
        try:
            set_adaptive(job=job, enabled=enabled, changed_by=acting_user(request))
        except AdaptiveNotAvailable as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The adaptive questionnaire is on for new candidates.")
                if enabled
                else _("The fixed questionnaire is used for new candidates."),
            )
        return redirect("backoffice:job_adaptive", job_id=job.pk)
    context = {
        "job": job,
        "setting": adaptive_setting(job),
        "parameter_set": ParameterSet.objects.current(),
    }
    return render(request, "backoffice/job_adaptive.html", context)
