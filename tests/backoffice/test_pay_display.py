"""Pay amounts are shown as entered (165.50 stays 165.50, not 166), localised, whole ones bare."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from servicefit.jobs.templatetags.pay import format_amount


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", Decimal("165.50"), "165.50"),
        ("da", Decimal("165.50"), "165,50"),
        ("da", Decimal("190.00"), "190"),
        ("en", Decimal("190.00"), "190"),
        ("da", Decimal("26000.00"), "26.000"),
        ("en", Decimal("26000.00"), "26,000"),
        ("da", Decimal("1234.5"), "1.234,50"),
        ("pl", Decimal("165.05"), "165,05"),
        ("en", 31000, "31,000"),
        ("en", None, ""),
    ],
)
def test_amounts_are_exact_and_localised(language, value, shown):
    with translation.override(language):
        assert format_amount(value) == shown


@pytest.fixture
def priced_job(job):
    job.pay_min, job.pay_max, job.pay_currency = Decimal("165.50"), Decimal("190.00"), "DKK"
    job.save()
    return job


@pytest.mark.django_db
def test_the_job_page_shows_the_range_as_entered(client, recruiter, priced_job):
    client.force_login(recruiter)
    url = reverse("backoffice:job_detail", args=[priced_job.pk])
    assert "165.50–190 DKK" in client.get(url).content.decode()
    assert "165,50–190 DKK" in client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()


@pytest.mark.django_db
def test_the_candidates_job_preview_shows_the_range_as_entered(client, priced_job):
    from servicefit.assessments.models import Invitation
    from servicefit.assessments.services import create_invitation, start_session
    from servicefit.candidates.services import add_candidate

    candidate = add_candidate(job=priced_job, name="Ane", email="ane@example.com", language="da")
    token = create_invitation(candidate=candidate, created_by=None).token
    start_session(invitation=Invitation.objects.get(candidate=candidate), language="da")
    html = client.get(f"/a/{token}/preview/").content.decode()
    assert "165,50–190 DKK" in html
