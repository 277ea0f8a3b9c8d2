"""Jobs and job-profile templates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from servicefit.content import default_content
from servicefit.jobs.models import Job
from servicefit.jobs.services import close_job, create_job_from_template, reopen_job

from ..auth import BearerToken, require_scope
from ..idempotency import OPENAPI_EXTRA, Created, idempotent
from ..pagination import paginate
from ..problems import ApiProblem
from ..schemas import Cursor, JobIn, JobOut, JobPage, Limit, ObjectId, Problem, TemplateOut
from ..scopes import JOBS_READ, JOBS_WRITE

router = Router(tags=["jobs"])
ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    413: Problem,
    422: Problem,
    429: Problem,
}


def job_out(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "title": job.title,
        "location": job.location,
        "channel": job.channel,
        "template": job.profile_template,
        "languages": list(job.languages),
        "weights": {k: float(v) for k, v in job.weights.items()},
        "minimums": {k: float(v) for k, v in job.minimums.items()},
        "created_at": job.created_at,
        "archived": job.archived_at is not None,
    }


@router.get(
    "/job-templates", response={200: list[TemplateOut], **ERRORS}, auth=BearerToken(JOBS_READ)
)
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    """The job-profile templates a job can be created from."""
    require_scope(request, JOBS_READ)
    return [
        {
            "id": p.id,
            "channel": p.channel,
            "weights": dict(p.weights),
            "minimums": dict(p.minimums),
        }
        for p in default_content().job_profiles
    ]


@router.get("/jobs", response={200: JobPage, **ERRORS}, auth=BearerToken(JOBS_READ))
def list_jobs(
    request: HttpRequest,
    cursor: Cursor | None = None,
    limit: Limit | None = None,
    archived: bool | None = None,
) -> dict[str, Any]:
    """Jobs, oldest first, a page at a time (follow ``next_cursor``)."""
    require_scope(request, JOBS_READ)
    jobs = Job.objects.all()
    if archived is not None:
        jobs = Job.objects.archived() if archived else Job.objects.active()
    page = paginate(jobs, cursor=cursor, limit=limit)
    return {"items": [job_out(j) for j in page.items], "next_cursor": page.next_cursor}


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, auth=BearerToken(JOBS_READ))
def read_job(request: HttpRequest, job_id: ObjectId) -> dict[str, Any]:
    require_scope(request, JOBS_READ)
    return job_out(get_object_or_404(Job, pk=job_id))


@router.post(
    "/jobs",
    response={201: JobOut, 409: Problem, **ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    auth=BearerToken(JOBS_WRITE),
)
def create_job(request: HttpRequest, payload: JobIn) -> Status[dict[str, Any]]:
    """Create a job from a template (weights and minimums are copied from it).

    Send an ``Idempotency-Key`` header to make a retry safe.
    """
    token = require_scope(request, JOBS_WRITE)
    templates = {p.id for p in default_content().job_profiles}
    if payload.template not in templates:
        raise ApiProblem(
            422,
            "Unknown template",
            detail=f"template must be one of: {', '.join(sorted(templates))}.",
        )

    def create() -> Created:
        job = create_job_from_template(
            title=payload.title,
            template_id=payload.template,
            created_by=token.user,
            location=payload.location,
            languages=list(payload.languages) if payload.languages else None,
        )
        return Created(201, job_out(job))

    return Status(*idempotent(request, token=token, body=payload.model_dump(), create=create))


@router.post(
    "/jobs/{job_id}/archive", response={200: JobOut, **ERRORS}, auth=BearerToken(JOBS_WRITE)
)
def archive_job(request: HttpRequest, job_id: ObjectId) -> dict[str, Any]:
    """Close a job, as the back office's "Close job" does (repeating it changes nothing)."""
    token = require_scope(request, JOBS_WRITE)
    job = get_object_or_404(Job, pk=job_id)
    close_job(job=job, closed_by=token.user)
    return job_out(job)


@router.post(
    "/jobs/{job_id}/reopen", response={200: JobOut, **ERRORS}, auth=BearerToken(JOBS_WRITE)
)
def reopen_archived_job(request: HttpRequest, job_id: ObjectId) -> dict[str, Any]:
    """Reopen a closed job (repeating it changes nothing)."""
    token = require_scope(request, JOBS_WRITE)
    job = get_object_or_404(Job, pk=job_id)
    reopen_job(job=job, reopened_by=token.user)
    return job_out(job)
