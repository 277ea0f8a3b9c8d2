"""A 200-character unbroken name wraps in the shortlist and the report heading.

A new-user trial found such a name (the field's maximum) stretching the shortlist table to
3,501 px on desktop and phone, with the stage and composite columns far off to the right.
"""

from __future__ import annotations

import pytest

from servicefit.candidates.services import add_candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TABLE_WIDTH = "() => document.querySelector('#shortlist table').scrollWidth"


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
def test_a_long_unbroken_name_does_not_stretch_the_shortlist(browser, live_server, recruiter, size):
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    add_candidate(job=job, name="Ann Berg", email="ann@example.com")
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        login(page, live_server, "rita")
        page.goto(f"{live_server.url}/jobs/{job.pk}/")
        normal = page.evaluate(TABLE_WIDTH)
        long = add_candidate(job=job, name="N" * 200, email="n@example.com")
        page.reload()
        # the long name takes more lines, not more width (a little slack for the column)
        assert page.evaluate(TABLE_WIDTH) <= max(normal, size[0]) + 40
        page.goto(f"{live_server.url}/candidates/{long.pk}/")
        heading = page.locator("h1.candidate-name")
        assert heading.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
    finally:
        context.close()
