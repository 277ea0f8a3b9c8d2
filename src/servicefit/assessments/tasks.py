"""Background work: scoring, invitation, reminder and feedback e-mails run in the task worker,
never in a request.

Every task here is idempotent, because the worker may run one again after a crash (the sweeper
re-queues a task whose worker died) and an operator may re-score on purpose.
"""

from __future__ import annotations

from django_tasks import task

SCORING_PRIORITY = 10
"""Scoring goes before bulk e-mail, so a large import never delays a candidate's result."""
EMAIL_PRIORITY = -10


@task(priority=SCORING_PRIORITY)
def score_assessment(session_id: int, force: bool = False) -> int | None:
    """Score a submitted session and store the result; returns the result id.

    A session that already has a result with the current scoring version is left alone unless
    ``force`` is set (``servicefit manage rescore``), so a re-run task scores nobody twice.
    """
    from .results import score_session

    result = score_session(session_id=session_id, force=force)
    return result.pk if result is not None else None


@task(priority=EMAIL_PRIORITY)
def send_invitation_email(invitation_id: int) -> str:
    """E-mail one invitation (retried with back-off on failure); returns its e-mail status."""
    from .emails import deliver_invitation_email

    return deliver_invitation_email(invitation_id=invitation_id)


@task(priority=EMAIL_PRIORITY)
def send_invitation_emails(invitation_ids: list[int]) -> dict[str, int]:
    """E-mail a batch of invitations over one connection (an import's invitations)."""
    from .emails import deliver_invitation_emails

    return deliver_invitation_emails(invitation_ids=invitation_ids)


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


@task(priority=EMAIL_PRIORITY)
def send_reminder_task(invitation_id: int, manual: bool) -> bool:
    """Send one reminder e-mail if it is still wanted (the rules are in ``emails.send_reminder``)."""
    from .emails import send_reminder

    return send_reminder(invitation_id=invitation_id, manual=manual)


@task(priority=EMAIL_PRIORITY)
def send_feedback_email(session_id: int) -> bool:
    """Tell the candidate their feedback is ready, once (the rules are in ``emails``)."""
    from .emails import send_feedback_ready

    return send_feedback_ready(session_id=session_id)
