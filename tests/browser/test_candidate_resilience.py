"""Keyboard-only answering, and an answer given while offline that still arrives."""

from __future__ import annotations

import re

import pytest

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.services import create_invitation, plan_for, start_session
from servicefit.candidates.services import add_candidate
from servicefit.jobs.services import create_job_from_template

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def started_link():
    job = create_job_from_template(
        title="Support", template_id="email_chat_support", created_by=None
    )
    candidate = add_candidate(job=job, name="Ida Berg", email="ida@example.com", language="sv")
    new = create_invitation(candidate=candidate, created_by=None)
    start_session(invitation=new.invitation, language="sv")
    return new.token


def test_a_page_can_be_answered_with_the_keyboard_alone(phone, live_server, started_link):
    session = AssessmentSession.objects.get()
    first = plan_for(session).pages[0]
    phone.goto(f"{live_server.url}/a/{started_link}/p/{first.slug}/")
    for key in first.keys:
        for _ in range(60):  # Tab to the item's first option
            phone.keyboard.press("Tab")
            focused = phone.evaluate("document.activeElement.name")
            if focused == key:
                break
        for press in ("Space", "ArrowRight"):  # choose option 1, then move to option 2
            with phone.expect_response(lambda r: r.url.endswith("/answer/")) as saved:
                phone.keyboard.press(press)
            assert saved.value.status == 200
    focused_outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused_outline != "none"  # a visible focus indicator
    saved = dict(Answer.objects.values_list("key", "value"))
    assert saved == {key: 2 for key in first.keys}


def test_an_answer_given_offline_arrives_with_save_and_continue(phone, live_server, started_link):
    session = AssessmentSession.objects.get()
    first = plan_for(session).pages[0]
    phone.goto(f"{live_server.url}/a/{started_link}/p/{first.slug}/")
    phone.context.set_offline(True)
    for key in first.keys:
        phone.locator(f'input[name="{key}"][value="5"]').check()
    phone.locator("#connection-status").filter(has_text=re.compile(".+")).wait_for()
    assert Answer.objects.count() == 0
    phone.context.set_offline(False)
    phone.locator("button[value=next]").click()
    phone.wait_for_url(re.compile(r"/p/questionnaire-2/$"))
    assert dict(Answer.objects.values_list("key", "value")) == {key: 5 for key in first.keys}


def test_the_assessment_works_without_javascript(browser, live_server, started_link):
    from .conftest import PHONE

    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    session = AssessmentSession.objects.get()
    first, second = plan_for(session).pages[:2]
    page.goto(f"{live_server.url}/a/{started_link}/p/{first.slug}/")
    for key in first.keys:
        page.locator(f'input[name="{key}"][value="3"]').check()
    page.locator("button[value=next]").click()
    page.wait_for_url(re.compile(rf"/p/{second.slug}/$"))
    assert dict(Answer.objects.values_list("key", "value")) == {key: 3 for key in first.keys}
    page.locator("button[value=back]").click()
    page.wait_for_url(re.compile(rf"/p/{first.slug}/$"))
    assert page.locator(f'input[name="{first.keys[0]}"][value="3"]').is_checked()
    context.close()
