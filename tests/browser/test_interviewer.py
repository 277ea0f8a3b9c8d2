"""An interviewer fills a scorecard in a real browser; the recruiter sees the aggregate."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.interviews.models import Scorecard
from servicefit.interviews.services import schedule_interview
from servicefit.jobs.services import create_job_from_template

from .conftest import form, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_interviewer_fills_and_locks_a_scorecard(desktop, live_server, recruiter, interviewer):
    job = create_job_from_template(
        title="Phone agent", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Emil Olsen", email="emil@example.com", language="nb")
    simulate_assessment(candidate=candidate, rng=random.Random(5))
    interview = schedule_interview(
        candidate=candidate,
        scheduled_at=timezone.now() + timedelta(days=1),
        interviewers=[interviewer],
        scheduled_by=recruiter,
    )

    page = desktop
    login(page, live_server, "ivo")
    assert "Emil Olsen" in page.content()
    screenshot(page, "backoffice", "interviewer-dashboard.png")
    page.goto(f"{live_server.url}/interviews/{interview.pk}/scorecard/")
    questions = page.locator("fieldset.question")
    assert questions.count() >= 3
    for i in range(questions.count()):
        questions.nth(i).locator("input[type=radio][value='4']").check()
    page.locator("input[name=recommendation]").nth(2).check()
    page.fill("#id_notes", "Calm, clear examples; confirmed the customer's problem before acting.")
    screenshot(page, "backoffice", "scorecard.png")
    # before the interview's start time only a draft can be saved (nothing ranks on it yet):
    # no Submit button, and the page says from when submitting is possible
    scorecard_form = form(page, "scorecard")
    assert not scorecard_form.locator("button[name=submit]").count()
    assert (
        scorecard_form.locator("[data-submit-from]")
        .inner_text()
        .startswith("You can submit this scorecard from")
    )
    with page.expect_navigation(wait_until="load"):
        scorecard_form.locator("button[name=save]").click()
    assert page.locator(".message.success").inner_text() == "Your draft is saved."
    scorecard = Scorecard.objects.get(interview=interview, interviewer=interviewer)
    assert scorecard.submitted_at is None
    assert set(scorecard.ratings.values_list("rating", flat=True)) == {4}

    # once it has started, the same draft is submitted and locked
    interview.scheduled_at = timezone.now() - timedelta(minutes=5)
    interview.save(update_fields=["scheduled_at"])
    page.goto(f"{live_server.url}/interviews/{interview.pk}/scorecard/")
    assert not form(page, "scorecard").locator("[data-submit-from]").count()
    form(page, "scorecard").locator("button[name=submit]").click()
    page.wait_for_load_state()
    scorecard.refresh_from_db()
    assert scorecard.submitted_at is not None
    assert set(scorecard.ratings.values_list("rating", flat=True)) == {4}

    # the recruiter sees the aggregate on the interview page; the interviewer cannot open the report
    assert page.goto(f"{live_server.url}/candidates/{candidate.pk}/").status == 403
    page.goto(f"{live_server.url}/login/")
    page.context.clear_cookies()
    login(page, live_server, "rita")
    page.goto(f"{live_server.url}/interviews/{interview.pk}/")
    assert re.search(r"4[.,]0", page.content())
    screenshot(page, "backoffice", "interview-detail.png")
    page.goto(f"{live_server.url}/interviews/candidates/{candidate.pk}/kit/")
    screenshot(page, "backoffice", "interview-kit.png")
    assert page.locator("text=Tell me about").count() + page.locator("text=Fortell").count() >= 1


def test_a_date_before_today_is_refused_when_scheduling(
    desktop, live_server, recruiter, interviewer
):
    from servicefit.interviews.models import Interview

    job = create_job_from_template(title="Chat agent", template_id="phone_support", created_by=None)
    candidate = add_candidate(job=job, name="Ana Berg", email="ana@example.com")
    page = desktop
    login(page, live_server, "rita")
    page.goto(f"{live_server.url}/interviews/candidates/{candidate.pk}/schedule/")
    schedule = form(page, "interview-schedule")
    last_week = timezone.localtime() - timedelta(days=7)
    schedule.locator("#id_scheduled_at").fill(last_week.strftime("%Y-%m-%dT10:00"))
    schedule.locator(f'input[name=interviewers][value="{interviewer.pk}"]').check()
    with page.expect_navigation():
        schedule.locator("button[type=submit]").click()
    field = form(page, "interview-schedule").locator("#id_scheduled_at").locator("xpath=..")
    assert "This date has passed. Choose today or a later day." in field.inner_text()
    assert not Interview.objects.exists()

    next_week = timezone.localtime() + timedelta(days=7)
    schedule = form(page, "interview-schedule")
    schedule.locator("#id_scheduled_at").fill(next_week.strftime("%Y-%m-%dT10:00"))
    with page.expect_navigation():
        schedule.locator("button[type=submit]").click()
    assert re.search(r"/interviews/\d+/$", page.url)
    stored = timezone.localtime(Interview.objects.get(candidate=candidate).scheduled_at)
    assert stored.date() == next_week.date() and (stored.hour, stored.minute) == (10, 0)


def _monday_after_summer_time_starts():
    """The Monday after the last Sunday of March (EU summer time) after today."""
    from datetime import date

    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
        if sunday > today:
            return sunday + timedelta(days=1)
    raise AssertionError("unreachable")


def test_the_notes_for_the_interviewers_reach_them_and_the_time_stays_local(
    browser, desktop, live_server, recruiter, interviewer
):
    """The schedule form's "Notes for the interviewers" were shown only on the recruiters'
    interview page; the interviewers now read them on their kit and scorecard. An interview
    booked in winter for a day after the change to summer time shows the hour that was typed
    everywhere."""
    from servicefit.interviews.models import Interview

    job = create_job_from_template(title="Chat agent", template_id="phone_support", created_by=None)
    candidate = add_candidate(job=job, name="Ana Berg", email="ana@example.com")
    simulate_assessment(candidate=candidate, rng=random.Random(3))
    day = _monday_after_summer_time_starts()
    page = desktop
    login(page, live_server, "rita")
    page.goto(f"{live_server.url}/interviews/candidates/{candidate.pk}/schedule/")
    schedule = form(page, "interview-schedule")
    schedule.locator("#id_scheduled_at").fill(f"{day:%Y-%m-%d}T10:00")
    schedule.locator("#id_location").fill("Room 4")
    schedule.locator(f'input[name=interviewers][value="{interviewer.pk}"]').check()
    schedule.locator("#id_notes").fill("Ask about weekend shifts.\nShe asked for step-free access.")
    with page.expect_navigation():
        schedule.locator("button[type=submit]").click()
    interview = Interview.objects.get(candidate=candidate)
    assert interview.notes == "Ask about weekend shifts.\nShe asked for step-free access."
    local = timezone.localtime(interview.scheduled_at)
    assert (local.date(), local.hour, local.minute) == (day, 10, 0)
    assert interview.scheduled_at.utcoffset() == timedelta(0) and interview.scheduled_at.hour == 8
    short = f"{day:%d/%m/%Y} 10:00"
    assert short in page.content() or f"{day.day} March {day.year}, 10:00" in page.content()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other = context.new_page()
    login(other, live_server, "ivo")
    assert short in other.locator("main").inner_text()  # dashboard: my interviews
    other.goto(f"{live_server.url}/interviews/candidates/{candidate.pk}/kit/")
    kit = other.locator("main").inner_text()
    assert short in kit and "Ask about weekend shifts." in kit
    other.goto(f"{live_server.url}/interviews/{interview.pk}/scorecard/")
    notes = other.locator("[data-interview-notes]").inner_text()
    assert "Ask about weekend shifts." in notes and "step-free access" in notes
    assert f"{day.day} March {day.year}, 10:00" in other.locator("main").inner_text()
    context.close()
