"""Background work: scoring runs in the task worker, never in the request."""

from __future__ import annotations

from django_tasks import task

from .models import AssessmentSession


@task()
def score_assessment(session_id: int) -> int:
    """Score a submitted session and store the result (idempotent: re-scoring replaces it)."""
    from .results import store_result

    session = AssessmentSession.objects.select_related("candidate__job").get(pk=session_id)
    return store_result(session=session).pk


@task()
def recompute_standings(job_id: int) -> int:
    """Rewrite a job's standings after its weights or minimums changed (idempotent)."""
    from servicefit.jobs.models import Job

    from .standings import recompute_job

    job = Job.objects.filter(pk=job_id).first()
    return 0 if job is None else recompute_job(job=job)


@task()
def refresh_norm_group() -> int | None:
    """Build a new norm group when one is due (see :mod:`servicefit.assessments.norms`)."""
    from .norms import refresh_norms

    group = refresh_norms()
    return None if group is None else group.pk


@task()
def restore_standing(candidate_id: int) -> int | None:
    """Recompute one candidate's standing (interview ratings joined or changed)."""
    from servicefit.candidates.models import Candidate

    from .standings import restore_standing as restore

    candidate = Candidate.objects.select_related("job").filter(pk=candidate_id).first()
    standing = None if candidate is None else restore(candidate=candidate)
    return None if standing is None else standing.pk
