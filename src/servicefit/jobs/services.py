"""Creating and changing jobs."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

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
