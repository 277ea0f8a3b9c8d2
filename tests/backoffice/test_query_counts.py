"""The shortlist, the report and the exports cost the same number of queries at any job size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicefit.backoffice import shortlist

pytestmark = pytest.mark.django_db


def _queries(client, url, **params) -> int:
    # A warm-up request first: once-per-session work (the sign-in re-check, caches) is not
    # what this test is about.
    warm = client.get(url, params)
    if getattr(warm, "streaming", False):
        b"".join(warm.streaming_content)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def _counts(client, job, candidate):
    pages = {
        "shortlist": (reverse("backoffice:job_detail", args=[job.pk]), {}),
        "filtered": (
            reverse("backoffice:job_detail", args=[job.pk]),
            {"filter": "flagged", "sort": "stage", "page": "2"},
        ),
        "report": (reverse("backoffice:candidate_report", args=[candidate.pk]), {}),
        "csv": (reverse("backoffice:job_export", args=[job.pk, "csv"]), {}),
        "xlsx": (reverse("backoffice:job_export", args=[job.pk, "xlsx"]), {"sort": "name"}),
    }
    return {name: _queries(client, url, **params) for name, (url, params) in pages.items()}


def test_query_counts_do_not_grow_with_the_job_or_the_page(
    client, recruiter, job, add_scored, monkeypatch
):
    from servicefit.candidates.services import add_candidate

    client.force_login(recruiter)
    # The first request of a session writes the session once (the second-factor middleware
    # records its check); count from the second request on, as a recruiter's day goes.
    client.get(reverse("backoffice:dashboard"))
    first = add_scored(job, 8, seed=1, prefix="First")
    for i in range(4):
        add_candidate(job=job, name=f"Waiting {i}", email=f"w{i}@example.com")
    monkeypatch.setattr(shortlist, "PAGE_SIZE", 3)
    small = _counts(client, job, first[0])

    add_scored(job, 16, seed=2, prefix="Second")
    for i in range(4, 12):
        add_candidate(job=job, name=f"Waiting {i}", email=f"w{i}@example.com")
    monkeypatch.setattr(shortlist, "PAGE_SIZE", 10)
    large = _counts(client, job, first[0])

    assert large == small
    assert small["shortlist"] <= 18  # incl. the invitation column and the bulk-action form
    assert small["report"] <= 25
