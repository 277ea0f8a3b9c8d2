"""A recruiter pages through, sorts and filters a 1,000-candidate shortlist and opens a report."""

from __future__ import annotations

import random
import re

import pytest

from servicefit.assessments.results import store_results
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.services import create_job_from_template

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCORED = 64
TOTAL = 1000


@pytest.fixture
def big_job(recruiter):
    """1,000 candidates: 64 assessed and scored (the demo's bulk path), the rest invited."""
    job = create_job_from_template(
        title="Seasonal phone agents", template_id="phone_support", created_by=recruiter
    )
    rng = random.Random(5)
    sessions = []
    for i in range(SCORED):
        candidate = add_candidate(job=job, name=f"Scored {i:03d}", email=f"s{i}@example.com")
        sessions.append(simulate_assessment(candidate=candidate, rng=rng, score=False))
    store_results(sessions=sessions)
    Candidate.objects.bulk_create(
        Candidate(job=job, name=f"Applicant {i:04d}", email=f"a{i}@example.com")
        for i in range(TOTAL - SCORED)
    )
    return job


def _ranks(page) -> list[str]:
    return [t.strip() for t in page.locator("table.shortlist tbody tr td.rank").all_inner_texts()]


def _names(page) -> list[str]:
    return page.locator("table.shortlist tbody tr th a").all_inner_texts()


def test_recruiter_pages_sorts_filters_a_large_shortlist_and_opens_a_report(
    desktop, live_server, recruiter, big_job
):
    page = desktop
    login(page, live_server, "rita")
    page.click(f"text={big_job.title}")
    page.wait_for_selector("table.shortlist")
    assert page.locator("table.shortlist tbody tr").count() == 50
    assert _ranks(page)[:3] == ["1", "2", "3"]
    assert "of 1000 shown" in page.inner_text("#shortlist")
    assert "Page 1 of 20" in page.inner_text("#shortlist")

    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    assert "Page 2 of 20" in page.inner_text("#shortlist")
    ranks = _ranks(page)
    assert ranks[0] == "51"
    assert ranks[SCORED - 50 :] == ["–"] * (50 - (SCORED - 50))  # the unscored follow

    page.select_option("#sort", "name")
    page.wait_for_url(re.compile(r"sort=name"))
    page.wait_for_selector("text=Page 1 of 20")
    names = _names(page)
    assert names == sorted(names, key=str.lower)
    assert names[0] == "Applicant 0000"

    page.select_option("#filter", "scored")
    page.wait_for_url(re.compile(r"filter=scored"))
    page.wait_for_selector("text=Page 1 of 2")
    assert "of 64 shown" in page.inner_text("#shortlist")
    assert _names(page)[0] == "Scored 000"
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator("table.shortlist tbody tr").count() == SCORED - 50
    target = _names(page)[0]

    page.locator("table.shortlist tbody tr th a").first.click()
    page.wait_for_selector("svg.profile")
    assert page.locator("h1").first.inner_text().strip() == target
    candidate = Candidate.objects.get(job=big_job, name=target)
    standing = candidate.standing
    higher = big_job.standings.filter(composite__gt=standing.composite).count()
    assert f"Rank {higher + 1} of {SCORED} scored candidates" in page.inner_text("main")
