"""A recruiter who works in Danish or Polish, on a phone: the back office in their language fits.

The longest words of the interface are Danish and Polish compounds; a page that scrolls
sideways at 390 px hides its right-hand side from a recruiter on a phone.
"""

from __future__ import annotations

import random

import pytest

from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.services import create_job_from_template

from .conftest import form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

#: What scrolls the page sideways: elements whose right edge passes the viewport (tables sit in
#: their own scrolling wrapper and are left out).
WIDE = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-wrap'))
    .map(e => e.tagName + ' ' + (e.innerText || '').slice(0, 50));
}"""


@pytest.fixture
def scored_job(recruiter):
    job = create_job_from_template(
        title="Kundeservice, telefon", template_id="phone_support", created_by=recruiter
    )
    rng = random.Random(5)
    for i in range(6):
        candidate = add_candidate(
            job=job,
            name=f"Kandidat {i}",
            email=f"k{i}@example.com",
            language=["da", "pl"][i % 2],
        )
        simulate_assessment(candidate=candidate, rng=rng)
    return job


@pytest.mark.parametrize("language", ["da", "pl"])
def test_back_office_pages_fit_a_phone_in_danish_and_polish(
    browser, live_server, recruiter, scored_job, language
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, "rita")
    form(page, "language").locator("select").select_option(language)
    with page.expect_navigation(wait_until="load"):
        form(page, "language").locator("button").click()
    assert page.locator("html").get_attribute("lang") == language

    candidate = scored_job.candidates.order_by("pk").first()
    paths = [
        "/",
        f"/jobs/{scored_job.pk}/",
        f"/jobs/{scored_job.pk}/edit/",
        f"/jobs/{scored_job.pk}/candidates/new/",
        f"/jobs/{scored_job.pk}/candidates/import/",
        f"/jobs/{scored_job.pk}/fairness/",
        f"/jobs/{scored_job.pk}/validation/",
        f"/candidates/{candidate.pk}/",
        f"/candidates/{candidate.pk}/explanation/",
        f"/candidates/{candidate.pk}/erase/",
        f"/interviews/candidates/{candidate.pk}/kit/",
        f"/interviews/candidates/{candidate.pk}/schedule/",
        "/account/",
        "/instructions-for-use/",  # long setting names such as SERVICEFIT_..._RETENTION_DAYS
    ]
    wide = {}
    for path in paths:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language, path
        if found := page.evaluate(WIDE):
            wide[path] = found[:3]
    context.close()
    assert wide == {}, f"pages scroll sideways at 390 px: {wide}"
