"""Creating and editing jobs, and the ranked shortlist with its exports."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicefit.accounts.permissions import acting_user, recruiter_required
from servicefit.assessments.invitation_status import statuses_for, statuses_in
from servicefit.assessments.reply_agreement import reply_agreement
from servicefit.assessments.standings import schedule_recompute
from servicefit.audit.recording import record
from servicefit.candidates.models import Stage
from servicefit.jobs.models import Job
from servicefit.jobs.services import close_job, create_job_from_template, reopen_job
from servicefit.oversight.services import current_suspension

from ..concurrency import is_stale, refresh_version, version_of
from ..forms import JobCloseForm, JobCreateForm, JobForm
from ..shortlist import FILTERS, SORTS, ShortlistQuery, build_shortlist, stream_csv, write_xlsx

#: The session remembers the jobs it created in the last minutes, by their details, so the
#: same page sent again (Back, then "Create job"; a double click) leads to that job instead of
#: creating a duplicate.
CREATED_JOBS = "created_jobs"
SAME_JOB_SECONDS = 600


@recruiter_required
def job_create(request: HttpRequest) -> HttpResponse:
    form = JobCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = version_of(data)
        now = timezone.now().timestamp()
        created = {
            key: (job_id, at)
            for key, (job_id, at) in request.session.get(CREATED_JOBS, {}).items()
            if now - at < SAME_JOB_SECONDS
        }
        if details in created:
            job = Job.objects.filter(pk=created[details][0]).first()
            if job is not None:
                messages.info(
                    request,
                    _("This job was created a moment ago with the same details: here it is."),
                )
                return redirect("backoffice:job_edit", job_id=job.pk)
        job = create_job_from_template(
            title=data["title"],
            template_id=data["template"],
            created_by=acting_user(request),
            location=data["location"],
            languages=data["languages"],
            pay_min=data["pay_min"],
            pay_max=data["pay_max"],
            pay_currency=data["pay_currency"],
            pay_period=data["pay_period"],
        )
        request.session[CREATED_JOBS] = {**created, details: (job.pk, now)}
        messages.success(
            request, _("Job created from the template. Review the weights and minimums.")
        )
        return redirect("backoffice:job_edit", job_id=job.pk)
    return render(request, "backoffice/job_create.html", {"form": form})


@recruiter_required
def job_edit(request: HttpRequest, job_id: int) -> HttpResponse:
    if request.method != "POST":
        job = get_object_or_404(Job, pk=job_id)
        return render(
            request, "backoffice/job_edit.html", {"job": job, "form": JobForm(instance=job)}
        )
    with transaction.atomic():
        # Checked and saved under the row lock, so of two saves from pages showing the same
        # version only the first applies; the second is refused (backoffice/concurrency.py).
        job = get_object_or_404(Job.objects.select_for_update(), pk=job_id)
        form = JobForm(request.POST, instance=job)
        if form.is_valid():
            form.save()
            record(
                action="job.edited",
                actor=acting_user(request),
                job=job,
                fields=sorted(form.changed_data),
            )
            if any(f.startswith(("weight_", "minimum_")) for f in form.changed_data):
                schedule_recompute(job=job)
            messages.success(request, _("Job saved."))
            return redirect("backoffice:job_detail", job_id=job.pk)
    status = 200
    if is_stale(form):
        refresh_version(form)
        status = 409
    job = Job.objects.get(pk=job_id)  # the form changed the instance in validating it
    return render(request, "backoffice/job_edit.html", {"job": job, "form": form}, status=status)


@recruiter_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The ranked shortlist: composite with band, per-competency bars, flags, filters, sorting."""
    job = get_object_or_404(Job, pk=job_id)
    suspension = current_suspension(job)
    if suspension is not None:
        return _suspended_job(request, job, suspension)
    query = ShortlistQuery.from_params(request.GET)
    shortlist = build_shortlist(job, query)
    record(action="shortlist.viewed", actor=acting_user(request), job=job)
    context = {
        "job": job,
        "shortlist": shortlist,
        "query": query,
        "filters": FILTERS,
        "sorts": SORTS,
        "stages": Stage.choices,
        "reply_agreement": reply_agreement(job),
        "statuses": statuses_for(row.candidate.pk for row in shortlist.rows),
    }
    template = (
        "backoffice/_shortlist_table.html"
        if request.headers.get("HX-Request")
        else "backoffice/job_detail.html"
    )
    return render(request, template, context)


@require_POST
@recruiter_required
def job_close(request: HttpRequest, job_id: int) -> HttpResponse:
    """Close (archive) a job once the recruiter has ticked the confirmation."""
    job = get_object_or_404(Job, pk=job_id)
    form = JobCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the job is to be closed."))
    elif close_job(job=job, closed_by=acting_user(request)):
        messages.success(
            request,
            _(
                "The job is closed: it is off the dashboard, and no candidates can be added or "
                "invited. Links already sent still work."
            ),
        )
    return redirect("backoffice:job_detail", job_id=job.pk)


@require_POST
@recruiter_required
def job_reopen(request: HttpRequest, job_id: int) -> HttpResponse:
    """Bring a closed job back onto the dashboard."""
    job = get_object_or_404(Job, pk=job_id)
    if reopen_job(job=job, reopened_by=acting_user(request)):
        messages.success(request, _("The job is open again."))
    return redirect("backoffice:job_detail", job_id=job.pk)


@recruiter_required
def job_export(request: HttpRequest, job_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    job = get_object_or_404(Job, pk=job_id)
    if current_suspension(job) is not None:
        messages.error(request, _("Scoring is suspended for this job: there is nothing to export."))
        return redirect("backoffice:job_detail", job_id=job.pk)
    query = ShortlistQuery.from_params(request.GET)
    record(action="shortlist.exported", actor=acting_user(request), job=job, format=fmt)
    filename = f"servicefit-job-{job.pk}-shortlist.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            write_xlsx(job, query),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(stream_csv(job, query), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _suspended_job(request: HttpRequest, job: Job, suspension: object) -> HttpResponse:
    """While scoring is suspended: the candidates and their stages, no scores, no ranking."""
    record(action="job.viewed_suspended", actor=acting_user(request), job=job)
    context = {
        "job": job,
        "suspension": suspension,
        "candidates": job.candidates.order_by("name"),
        "statuses": statuses_in(job.candidates.all()),
    }
    return render(request, "backoffice/job_suspended.html", context)
