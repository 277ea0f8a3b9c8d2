"""Fairness and local validation of a job: adverse impact per stage, audit summary, outcomes.

Everything here is aggregated over groups; no page or file names a person next to their
self-identification.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicefit.accounts.permissions import acting_user, admin_required, recruiter_required
from servicefit.audit.recording import record
from servicefit.fairness.models import SelfIdQuestion
from servicefit.fairness.monitoring import dimensions, fairness_report
from servicefit.fairness.outcomes import OutcomeImportError, import_outcomes
from servicefit.fairness.selfid import DEFAULT_CATEGORIES, add_question
from servicefit.fairness.summary import period_label, summary_csv
from servicefit.fairness.validation import validity_table
from servicefit.jobs.models import Job
from servicefit.runtime.uploads import NO_SPACE_IMPORT, refuse_lost_uploads

from ..fairness_forms import OutcomeImportForm, PeriodForm, SelfIdQuestionForm


def _period(request: HttpRequest) -> tuple[PeriodForm, dict[str, object] | None]:
    """The period asked for, or ``None`` when it is invalid (reversed or unreadable dates):
    then no statistics are shown, rather than those of all time under the error."""
    form = PeriodForm(request.GET or None)
    if not form.is_bound:
        return form, {"start": None, "end": None}
    if form.is_valid():
        return form, {"start": form.cleaned_data["start"], "end": form.cleaned_data["end"]}
    return form, None


@recruiter_required
def job_fairness(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    form, period = _period(request)
    report = fairness_report(job, **period) if period is not None else None  # type: ignore[arg-type]
    dims = dimensions()
    chosen = request.GET.get("by") or dims[0].key
    if chosen not in {d.key for d in dims}:
        chosen = dims[0].key
    record(action="fairness.viewed", actor=acting_user(request), job=job)
    context = {
        "job": job,
        "form": form,
        "report": report,
        "dimensions": dims,
        "chosen": chosen,
        "comparisons": report.for_dimension(chosen) if report is not None else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "backoffice/job_fairness.html", context)


@recruiter_required
def job_audit_summary(request: HttpRequest, job_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "pdf"}:
        raise Http404
    job = get_object_or_404(Job, pk=job_id)
    _form, period = _period(request)
    if period is None:  # the page says what is wrong with the period
        return redirect(
            reverse("backoffice:job_fairness", args=[job.pk]) + "?" + request.GET.urlencode()
        )
    report = fairness_report(job, **period)  # type: ignore[arg-type]
    record(action="fairness.summary_downloaded", actor=acting_user(request), job=job, format=fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(summary_csv(report), content_type="text/csv; charset=utf-8")
    else:
        from weasyprint import HTML  # heavy import, only for this download

        html = render_to_string(
            "backoffice/audit_summary_pdf.html",
            {
                "job": job,
                "report": report,
                "period": period_label(report),
                "generated": timezone.localtime(),
                "by": acting_user(request),
            },
            request=request,
        )
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="servicefit-job-{job.pk}-audit-summary-{stamp}.{fmt}"'
    )
    return response


@recruiter_required
def job_validation(request: HttpRequest, job_id: int) -> HttpResponse:
    """Import outcomes of hired people; show each predictor's correlation with each outcome."""
    job = get_object_or_404(Job, pk=job_id)
    form = OutcomeImportForm(request.POST or None, request.FILES or None)
    refuse_lost_uploads(request, form, NO_SPACE_IMPORT)
    problems: list[object] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_outcomes(
                job=job,
                file_name=upload.name,
                data=upload.read(),
                imported_by=acting_user(request),
            )
        except OutcomeImportError as exc:
            problems = list(exc.problems)
        else:
            messages.success(
                request,
                ngettext(
                    "Imported %(values)d outcome values for %(people)d hired person.",
                    "Imported %(values)d outcome values for %(people)d hired people.",
                    result.people,
                )
                % {"values": result.values, "people": result.people},
            )
            return redirect("backoffice:job_validation", job_id=job.pk)
    record(action="validation.viewed", actor=acting_user(request), job=job)
    context = {"job": job, "form": form, "problems": problems, "table": validity_table(job)}
    return render(
        request, "backoffice/job_validation.html", context, status=400 if problems else 200
    )


@admin_required
def selfid_questions(request: HttpRequest) -> HttpResponse:
    """The self-identification categories: the defaults and those an admin added."""
    form = SelfIdQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        add_question(
            key=data["key"],
            label=data["label"],
            options=data["options"],
            lawful_basis=data["lawful_basis"],
            added_by=acting_user(request),
        )
        messages.success(request, _("The question is added to the self-identification form."))
        return redirect("backoffice:selfid_questions")
    context = {
        "form": form,
        "defaults": DEFAULT_CATEGORIES,
        "questions": SelfIdQuestion.objects.all(),
    }
    return render(request, "backoffice/selfid_questions.html", context)
