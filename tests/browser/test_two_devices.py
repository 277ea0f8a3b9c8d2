"""One candidate, two devices: the assessment submitted on the phone, a page still open on the
laptop. Answering there says why nothing is saved, next to the answer; Next leads to the
thank-you page, not to "This link cannot be used"."""

from __future__ import annotations

import re

import pytest

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.services import create_invitation, plan_for, start_session
from servicefit.candidates.services import add_candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_page_left_open_on_a_second_device_after_submitting_says_so(browser, live_server):
    job = create_job_from_template(title="Support", template_id="phone_support", created_by=None)
    candidate = add_candidate(job=job, name="Ida Berg", email="ida@example.com")
    new = create_invitation(candidate=candidate, created_by=None)
    session = start_session(invitation=new.invitation, language="en")
    first = plan_for(session).pages[0]
    base = f"{live_server.url}/a/{new.token}/"
    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    laptop_context = browser.new_context(locale="en-GB")
    phone, laptop = phone_context.new_page(), laptop_context.new_page()
    try:
        laptop.goto(f"{base}p/{first.slug}/")
        phone.goto(f"{base}review/")
        form(phone, "submit").locator("button").click()
        phone.wait_for_url(re.compile(r"/done/$"))

        item = laptop.locator("fieldset").first
        with laptop.expect_response(re.compile(r"/answer/$")) as response:
            item.locator('input[type=radio][value="3"]').check()
        assert response.value.status == 409
        indicator = item.locator(".saved-indicator")
        indicator.filter(has_text="already submitted").wait_for()
        assert indicator.inner_text() == (
            "Your assessment is already submitted; this answer was not saved."
        )
        assert "error" in (indicator.get_attribute("class") or "")

        with laptop.expect_navigation(wait_until="load"):
            form(laptop, "assessment-page").locator("button[value=next]").click()
        assert laptop.url == f"{base}done/"
        assert "This link cannot be used" not in laptop.content()
    finally:
        phone_context.close()
        laptop_context.close()
    assert not Answer.objects.filter(session=AssessmentSession.objects.get()).exists()
