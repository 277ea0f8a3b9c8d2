"""Keyboard-only answering, an answer given while offline that still arrives, and the clock."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.services import (
    create_invitation,
    plan_for,
    start_session,
    time_limit,
)
from servicefit.candidates.services import add_candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import form, start_timed_section

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


def test_the_reply_clock_starts_with_start_and_time_up_saves_and_locks_the_reply(
    phone, live_server, started_link
):
    session = AssessmentSession.objects.get()
    reply = next(p for p in plan_for(session).pages if p.section == "reply")
    phone.goto(f"{live_server.url}/a/{started_link}/p/{reply.slug}/")
    assert form(phone, "start-section").is_visible()
    assert AssessmentSession.objects.get().reply_started_at is None  # looking costs no time
    assert start_timed_section(phone)
    assert AssessmentSession.objects.get().reply_started_at is not None
    # While the clock runs, nothing invites the candidate to leave the part.
    assert phone.locator("#next-part").count() == 1
    assert not phone.locator("#next-part").is_visible()

    # Four seconds left: what the candidate typed last is saved when the clock reaches zero
    # (the 1.5 s autosave pause outlasts the clock), and the box then takes no more typing.
    limit = time_limit(session, "reply")
    assert limit is not None
    AssessmentSession.objects.update(reply_started_at=timezone.now() - limit + timedelta(seconds=4))
    phone.reload()
    area = phone.locator("textarea")
    phone.locator(".countdown-clock").filter(has_text="0:01").wait_for()
    text = "Hej Sarah, jag beklagar. Jag ringer dig i dag."
    with phone.expect_response(lambda r: r.url.endswith("/answer/")) as saved:
        area.fill(text)
    assert saved.value.status == 200
    box = phone.locator(".countdown")
    box.filter(has_text=box.get_attribute("data-up") or "").wait_for()
    assert phone.locator("#next-part").is_visible()  # at zero, the way on is shown
    assert area.evaluate("a => a.readOnly")
    area.focus()
    phone.keyboard.type(" Mer text.")
    assert area.input_value() == text
    assert Answer.objects.get(key=reply.keys[0]).text == text


def test_an_answer_given_offline_is_sent_again_by_itself_when_the_connection_returns(
    phone, live_server, started_link
):
    session = AssessmentSession.objects.get()
    first = plan_for(session).pages[0]
    key = first.keys[0]
    phone.goto(f"{live_server.url}/a/{started_link}/p/{first.slug}/")
    phone.context.set_offline(True)
    phone.locator(f'input[name="{key}"][value="2"]').check()
    indicator = phone.locator(f"#saved-{key}")
    indicator.filter(has_text=re.compile(".+")).wait_for()
    assert "error" in (indicator.get_attribute("class") or "")
    status = phone.locator("#connection-status")
    assert status.is_visible() and status.bounding_box()["y"] < 740  # in view, not at the foot
    assert not Answer.objects.exists()
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    indicator.filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    assert Answer.objects.get(key=key).value == 2
    assert status.inner_text() == ""


def test_a_refused_answer_shows_the_servers_reason_next_to_it(phone, live_server, started_link):
    session = AssessmentSession.objects.get()
    reply = next(p for p in plan_for(session).pages if p.section == "reply")
    phone.goto(f"{live_server.url}/a/{started_link}/p/{reply.slug}/")
    start_timed_section(phone)
    phone.locator("textarea").fill("Hej! " * 1001)  # 5,005 characters, over the limit
    indicator = phone.locator("#saved-reply")
    indicator.filter(has_text="5000").wait_for()
    assert "error" in (indicator.get_attribute("class") or "")
    assert phone.locator("#connection-status").inner_text() == ""  # not a connection problem
    assert not Answer.objects.exists()


def test_a_reply_typed_just_before_leaving_the_page_is_saved(phone, live_server, started_link):
    session = AssessmentSession.objects.get()
    reply = next(p for p in plan_for(session).pages if p.section == "reply")
    phone.goto(f"{live_server.url}/a/{started_link}/p/{reply.slug}/")
    start_timed_section(phone)
    text = "Hej Sarah, förlåt. Jag ringer dig i eftermiddag."
    phone.locator("textarea").fill(text)  # no pause of 1.5 s before the page is left
    phone.goto(f"{live_server.url}/a/{started_link}/review/")
    for _ in range(50):
        if Answer.objects.filter(key=reply.keys[0]).exists():
            break
        phone.wait_for_timeout(100)
    assert Answer.objects.get(key=reply.keys[0]).text == text


def test_the_reply_counter_counts_as_the_server_does_and_warns_when_too_long(
    phone, live_server, started_link
):
    session = AssessmentSession.objects.get()
    reply = next(p for p in plan_for(session).pages if p.section == "reply")
    phone.goto(f"{live_server.url}/a/{started_link}/p/{reply.slug}/")
    assert start_timed_section(phone)
    area = phone.locator("textarea")
    text = "Hej Karin 😀 vi löser det"
    with phone.expect_response(lambda r: r.url.endswith("/answer/")) as saved:
        area.fill(text)
    assert saved.value.status == 200
    limit = int(area.get_attribute("data-max") or 0)
    assert phone.locator(".char-count").inner_text() == f"({len(text)} / {limit})"
    assert not phone.locator("#reply-too-long").is_visible()
    with phone.expect_response(lambda r: r.url.endswith("/answer/")) as refused:
        area.fill("å" * (limit + 1))
    assert refused.value.status >= 400
    assert phone.locator("#reply-too-long").is_visible()
    assert Answer.objects.get(key=reply.keys[0]).text == text  # the last text within the limit


def test_the_sticky_clock_never_hides_the_focused_option(phone, live_server, started_link):
    """WCAG 2.2 2.4.11 (focus not obscured): Shift+Tab back to an option that sits just under
    the top edge scrolls it into view below the sticky countdown, not under it."""
    session = AssessmentSession.objects.get()
    sjt = next(p for p in plan_for(session).pages if p.section == "sjt")
    phone.goto(f"{live_server.url}/a/{started_link}/p/{sjt.slug}/")
    assert start_timed_section(phone)
    phone.locator(".countdown").wait_for()
    for key in sjt.keys:  # Shift+Tab lands on a group's checked option
        phone.locator(f'input[name="{key}"][value="5"]').check()
    for previous, current in itertools.pairwise(sjt.keys):
        target = f'input[name="{previous}"][value="5"]'
        phone.locator(f'input[name="{current}"][value="5"]').evaluate(
            "e => e.focus({preventScroll: true})"
        )
        # Scroll so that the previous group's option is in view, but only just (2 px below
        # the top edge): the browser does not scroll to an element it thinks is visible.
        phone.locator(target).evaluate("e => window.scrollBy(0, e.getBoundingClientRect().top - 2)")
        phone.keyboard.press("Shift+Tab")
        assert phone.evaluate("document.activeElement.name") == previous
        top = phone.locator(target).evaluate("e => e.getBoundingClientRect().top")
        clock = phone.locator(".countdown").evaluate("e => e.getBoundingClientRect().bottom")
        assert top >= clock, (previous, top, clock)


def test_enter_on_an_answer_goes_forward_and_keeps_the_answer(phone, live_server, started_link):
    """Enter on a chosen option submits the page with its default (first) button.

    With "Back" first, a keyboard user on page 2 who pressed Enter to continue was sent back to
    page 1: Chromium submits a form from a radio button with the first submit button in it.
    """
    session = AssessmentSession.objects.get()
    pages = plan_for(session).pages
    second, third = pages[1], pages[2]
    phone.goto(f"{live_server.url}/a/{started_link}/p/{second.slug}/")
    option = phone.locator(f"input[type=radio][name='{second.keys[0]}']").first
    option.focus()
    with phone.expect_response(lambda r: r.url.endswith("/answer/")):
        phone.keyboard.press("Space")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.url.endswith(f"/p/{third.slug}/")
    assert Answer.objects.get(key=second.keys[0]).value == 1
