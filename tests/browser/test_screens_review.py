"""Issue 10, review round, in a real browser: where an invitation stands on every screen (never
"Invited" for a candidate who was not, or whose link lapsed), no raw codes in the Swedish back
office, and the optional "your feedback is ready" e-mail opened on a phone.

Every check reads what was stored, not only what the page says.
"""

from __future__ import annotations

import random
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from servicefit.assessments.invitation_status import InvitationStatus
from servicefit.assessments.models import AssessmentSession, Invitation, Result
from servicefit.assessments.services import create_invitation, plan_for, save_answer, start_session
from servicefit.candidates.models import Stage
from servicefit.candidates.services import add_candidate, move_to_stage
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.models import Job
from servicefit.jobs.services import create_job_from_template

from .conftest import PHONE, accessibility_violations, form, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: What a code looks like when it leaks onto a page: snake_case words and dotted audit actions.
RAW_CODE = re.compile(
    r"\b[a-z]+_[a-z_]+\b"
    r"|\b(?:account|api|assessment|candidate|feedback|interview|invitation|job|reply|review|"
    r"scorecard|scoring|shortlist|webhook)\.[a-z_]+\b"
)


def raw_codes(page) -> list[str]:
    """Codes in the page's visible text (e-mail addresses and the language list left out)."""
    text = page.locator("main").inner_text()
    text = re.sub(r"\S+@\S+", "", text)
    return sorted(set(RAW_CODE.findall(text)))


def test_every_screen_shows_where_the_invitation_stands_and_no_raw_codes(
    live_server, desktop, recruiter, interviewer
):
    job = create_job_from_template(
        title="Kundeservice, telefon", template_id="phone_support", created_by=recruiter
    )
    never = [
        add_candidate(job=job, name=f"Importert {i}", email=f"imp{i}@example.com", language="nb")
        for i in range(2)
    ]
    waiting = add_candidate(job=job, name="Invitert Person", email="inv@example.com")
    create_invitation(candidate=waiting, created_by=recruiter)
    lapsed = add_candidate(job=job, name="Utløpt Person", email="old@example.com")
    old = create_invitation(candidate=lapsed, created_by=recruiter).invitation
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    rng = random.Random(5)
    scored = [
        add_candidate(job=job, name=f"Scored {i}", email=f"s{i}@example.com", language="sv")
        for i in range(3)
    ]
    for person in scored:
        simulate_assessment(candidate=person, rng=rng)
    move_to_stage(
        candidate=scored[0], stage=Stage.SHORTLISTED, changed_by=recruiter, reason_code="strong_fit"
    )
    login(desktop, live_server, "rita")
    problems: list[str] = []

    # the dashboard's funnel: two not invited, one invited, one whose link lapsed
    section = desktop.locator("section.card", has_text="Kundeservice, telefon")
    counts = {
        step: section.locator(f'td[data-step="{step}"]').inner_text()
        for step in ("not_invited", "invited", "lapsed", "completed", "shortlisted")
    }
    assert counts == {
        "not_invited": "2",
        "invited": "1",
        "lapsed": "1",
        "completed": "2",
        "shortlisted": "1",
    }
    screenshot(desktop, "backoffice", "dashboard-funnel.png")
    problems += accessibility_violations(desktop)

    # the shortlist and the report say the same, and so does the schedule page
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    for person, label in ((never[0], "Not invited"), (lapsed, "Invitation expired")):
        row = desktop.locator("table.shortlist tbody tr", has_text=person.name)
        assert row.locator("td").nth(2).inner_text() == label
    desktop.goto(f"{live_server.url}/interviews/candidates/{never[0].pk}/schedule/")
    assert desktop.locator("h1 + p .badge").inner_text() == "Not invited"
    problems += accessibility_violations(desktop)

    # the Swedish back office: translated stages, and no code on any page a recruiter reads
    form(desktop, "language").locator("select").select_option("sv")
    form(desktop, "language").locator("button").click()
    desktop.wait_for_load_state()
    with translation.override("sv"):
        expected = {
            "not_invited": str(InvitationStatus.NOT_INVITED.label),
            "expired": str(InvitationStatus.EXPIRED.label),
        }
    desktop.goto(f"{live_server.url}/interviews/candidates/{lapsed.pk}/schedule/")
    assert desktop.locator("html").get_attribute("lang") == "sv"
    assert desktop.locator("h1 + p .badge").inner_text() == expected["expired"]
    pages = {
        "dashboard": "/",
        "shortlist": f"/jobs/{job.pk}/",
        "report": f"/candidates/{scored[0].pk}/",
        "explanation": f"/candidates/{scored[0].pk}/explanation/",
        "not invited": f"/candidates/{never[1].pk}/",
        "schedule": f"/interviews/candidates/{never[1].pk}/schedule/",
        "kit": f"/interviews/candidates/{scored[1].pk}/kit/",
        "job edit": f"/jobs/{job.pk}/edit/",
        "fairness": f"/jobs/{job.pk}/fairness/",
    }
    for name, path in pages.items():
        desktop.goto(f"{live_server.url}{path}")
        details = desktop.locator("main details")
        for i in range(details.count()):
            details.nth(i).evaluate("d => d.open = true")
        assert raw_codes(desktop) == [], f"raw codes on the {name} page"
        problems += [f"{name}: {p}" for p in accessibility_violations(desktop)]
    desktop.goto(f"{live_server.url}/candidates/{never[1].pk}/")
    assert desktop.locator("h1 + p .badge").inner_text() == expected["not_invited"]
    assert problems == [], "WCAG 2.2 AA violations found by axe-core:\n" + "\n".join(problems)


def test_a_swedish_candidate_is_emailed_when_the_feedback_is_ready(
    live_server, browser, desktop, recruiter
):
    job = create_job_from_template(
        title="Kundtjänst & support", template_id="phone_support", created_by=recruiter
    )
    login(desktop, live_server, "rita")
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/edit/")
    edit = form(desktop, "job-edit")
    assert not edit.locator("#id_feedback_email").is_checked()
    assert edit.locator("#id_feedback_email_helptext").is_visible()
    edit.locator("#id_feedback_email").check()
    edit.locator("button[type=submit]").click()
    desktop.wait_for_selector(".message.success")
    assert Job.objects.get(pk=job.pk).feedback_email is True
    assert accessibility_violations(desktop) == []

    person = add_candidate(
        job=job, name="Karin Lindqvist", email="karin@example.com", language="sv"
    )
    token = create_invitation(candidate=person, created_by=recruiter).token
    session = start_session(invitation=Invitation.objects.get(candidate=person), language="sv")
    keys = plan_for(session).keys()
    for key in keys:
        if key.startswith("reply"):
            save_answer(
                session=session,
                key=key,
                value="Hej Erik, förlåt att fakturan var svår att förstå. Jag skickar en ny i dag. "
                "Med vänliga hälsningar, Karin",
                language="sv",
            )
        else:
            save_answer(session=session, key=key, value=4, language="sv")

    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/a/{token}/review/")
    with override_settings(TASKS=DB_TASKS):
        form(page, "submit").locator("button").click()
        page.wait_for_url(re.compile(r"/done/$"))
        assert mail.outbox == []  # nothing before scoring has committed
        with translation.override("sv"):
            note = translation.gettext(
                "We will also e-mail you the link to this page when your feedback is ready."
            )
        assert note in page.locator("#feedback").inner_text()
        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay")
    assert Result.objects.filter(session__candidate=person).exists()
    assert AssessmentSession.objects.get(candidate=person).feedback_emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karin@example.com"]
    assert message.subject == "Din återkoppling för Kundtjänst & support är klar"
    link = re.search(r"http\S+/done/", message.body).group(0)

    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert page.locator("html").get_attribute("lang") == "sv"
    page.locator("#feedback-heading").wait_for()
    screenshot(page, "candidate-flow", "sv", "08-feedback-from-email.png")
    assert accessibility_violations(page) == []
    context.close()
