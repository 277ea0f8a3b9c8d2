"""Creating and changing jobs."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.content import default_content

from .models import CURRENCIES, Job


@transaction.atomic
def create_job_from_template(
    *,
    title: str,
    template_id: str,
    created_by: User | None,
    location: str = "",
    languages: list[str] | None = None,
    pay_min: Decimal | None = None,
    pay_max: Decimal | None = None,
    pay_currency: str = "EUR",
    pay_period: str = "month",
    retention_days: int = 180,
) -> Job:
    """A job whose channel, weights and minimums are copied from a job-profile template.

    ``pay_currency`` must be one of :data:`~.models.CURRENCIES` (ISO 4217); the forms offer only
    those, so another value is a programming error.
    """
    if pay_currency not in CURRENCIES:
        raise ValueError(f"unknown currency {pay_currency!r}; use one of {', '.join(CURRENCIES)}")
    profile = default_content().job_profile(template_id)
    job = Job.objects.create(
        title=title,
        location=location,
        channel=profile.channel,
        profile_template=profile.id,
        languages=languages or ["en", "da", "sv", "nb", "pl"],
        pay_min=pay_min,
        pay_max=pay_max,
        pay_currency=pay_currency,
        pay_period=pay_period,
        weights=dict(profile.weights),
        minimums=dict(profile.minimums),
        retention_days=retention_days,
        created_by=created_by,
    )
    record(action="job.created", actor=created_by, job=job, template=template_id)
    return job


def closed_job_message(job: Job) -> str:
    """Why nobody can be added to or invited for ``job`` (for the user)."""
    return _(
        "The job %(title)s is closed: no candidates can be added or invited. Reopen it first."
    ) % {"title": job.title}


class JobClosedError(ValueError):
    """Candidates cannot be added to (or invited for) a closed (archived) job."""

    def __init__(self, job: Job) -> None:
        super().__init__(closed_job_message(job))
        self.job = job


@transaction.atomic
def close_job(*, job: Job, closed_by: User | None) -> bool:
    """Archive ``job`` (off the dashboard, no new candidates or links); ``False`` if it was."""
    now = timezone.now()
    if not Job.objects.filter(pk=job.pk, archived_at__isnull=True).update(archived_at=now):
        job.refresh_from_db(fields=["archived_at"])
        return False
    job.archived_at = now
    record(action="job.closed", actor=closed_by, job=job)
    return True


@transaction.atomic
def reopen_job(*, job: Job, reopened_by: User | None) -> bool:
    """Bring a closed job back (dashboard, new candidates); ``False`` if it was open."""
    if not Job.objects.filter(pk=job.pk, archived_at__isnull=False).update(archived_at=None):
        job.refresh_from_db(fields=["archived_at"])
        return False
    job.archived_at = None
    record(action="job.reopened", actor=reopened_by, job=job)
    return True
