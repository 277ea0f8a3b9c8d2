"""Issue 10 in a real browser: the candidate's language, feedback when ready, invitations a
recruiter can manage, the reply-rating form, branding, and the remaining back-office forms.

Every check reads what was stored, not only what the page says.
"""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone, translation
from PIL import Image

from servicefit.assessments.invitation_status import InvitationStatus, statuses_for
from servicefit.assessments.models import AssessmentSession, Invitation, ReplyRating, Result
from servicefit.assessments.services import (
    create_invitation,
    link_of,
    plan_for,
    save_answer,
    start_session,
)
from servicefit.backoffice.templatetags.sf import reason_label
from servicefit.branding.models import Branding
from servicefit.candidates.models import Candidate, ReasonCode, Stage, StageChange
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.interviews.models import Interview
from servicefit.jobs.services import create_job_from_template

from .conftest import (
    PHONE,
    accessibility_violations,
    form,
    login,
    screenshot,
    start_timed_section,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The phone job's written reply answers the "bill_confusion" chat message.
CUSTOMER = {"nb": "Ola Berg", "sv": "Erik Johansson", "en": "Tom Baker"}
REPLY = {
    "nb": "Hei Ola,\n\ntakk for at du skrev, og beklager at regningen var vanskelig å forstå. Jeg "
    "forstår godt at det er frustrerende. Jeg sender deg en spesifisert regning i dag og ringer "
    "deg i morgen før klokken 12.\n\nMed vennlig hilsen\nKari",
    "sv": "Hej Erik,\n\ntack för att du hörde av dig, och förlåt att fakturan var svår att förstå. "
    "Jag förstår att det är frustrerande. Jag skickar en specificerad faktura i dag och ringer "
    "dig i morgon före klockan 12.\n\nMed vänliga hälsningar\nKarin",
}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def phone_context(browser, locale: str = "en-GB"):
    return browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale=locale
    )


def status_of(candidate) -> InvitationStatus:
    return statuses_for([candidate.pk])[candidate.pk]


def phone_job(recruiter, title="Kundtjänst & kundeservice"):
    return create_job_from_template(title=title, template_id="phone_support", created_by=recruiter)


@pytest.mark.parametrize("language", ["nb", "sv"])
def test_an_invitation_in_the_candidates_language_opened_in_an_english_browser(
    live_server, browser, desktop, recruiter, language
):
    job = phone_job(recruiter)
    candidate = add_candidate(
        job=job, name="Kari Nordmann", email=f"kari-{language}@example.com", language=language
    )
    token = create_invitation(candidate=candidate, created_by=recruiter).token
    context = phone_context(browser, "en-GB")
    page = context.new_page()
    page.set_default_timeout(20000)
    shots = ("candidate-flow", language)
    problems: list[str] = []

    page.goto(f"{live_server.url}/a/{token}/")
    assert page.locator("html").get_attribute("lang") == language
    screenshot(page, *shots, "01-landing.png")
    problems += accessibility_violations(page)
    form(page, "consent").locator("input[name=consent]").check()
    form(page, "consent").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/preview/$"))
    session = AssessmentSession.objects.get(candidate=candidate)
    assert session.language == language
    with page.expect_navigation(wait_until="load"):
        page.locator("a.button.primary").click()

    # the "answered" counter moves the moment an answer is saved, not on the next page
    counter = page.locator("#answered-count")
    assert counter.get_attribute("data-done") == "0"
    first = page.locator("fieldset").first
    first.locator('input[type=radio][value="4"]').check()
    first.locator(".saved-indicator").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    assert counter.get_attribute("data-done") == "1"
    assert counter.inner_text().startswith("1 ")
    assert page.locator("#answered-bar").get_attribute("aria-valuenow") == "1"
    screenshot(page, *shots, "03-questionnaire-1.png")
    problems += accessibility_violations(page)

    # the rest of the closed items are answered by the service (the pages are tested elsewhere)
    plan = plan_for(session)
    keys = plan.keys()
    for key in keys[1:]:
        if not key.startswith("reply"):
            save_answer(session=session, key=key, value=3, language=language)
    reply_page = next(p for p in plan.pages if p.section == "reply")
    page.goto(f"{live_server.url}/a/{token}/p/{reply_page.slug}/")
    problems += accessibility_violations(page)
    assert start_timed_section(page)
    assert CUSTOMER[language] in page.inner_text("#customer-message")
    page.locator("textarea").fill(REPLY[language])
    page.locator("#saved-reply").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    screenshot(page, *shots, "05-reply-1.png")
    problems += accessibility_violations(page)
    with page.expect_navigation(wait_until="load"):
        form(page, "assessment-page").locator("button[value=next]").click()
    assert page.url.endswith("/review/")

    # scoring is queued for the worker: the thank-you page first says feedback is coming
    with override_settings(TASKS=DB_TASKS):
        form(page, "submit").locator("button").click()
        page.wait_for_url(re.compile(r"/done/$"))
        assert page.locator("#feedback[hx-get]").count() == 1
        assert not Result.objects.filter(session=session).exists()
        screenshot(page, *shots, "06-done-waiting.png")
        problems += accessibility_violations(page)
        assert status_of(candidate) == InvitationStatus.SUBMITTED
        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay")
    page.locator("#feedback-heading").wait_for(timeout=20000)
    assert page.locator("#feedback[hx-get]").count() == 0
    screenshot(page, *shots, "07-done.png")
    problems += accessibility_violations(page)
    context.close()
    assert problems == [], "WCAG 2.2 AA violations found by axe-core:\n" + "\n".join(problems)

    result = Result.objects.get(session=session)
    assert result.reply["shown_language"] == language
    assert result.reply["language"] == language
    assert result.reply["analysis"]["language"]["expected"] == language
    assert "wrong_language" not in result.flags

    # the recruiter (English back office) sees the message the candidate saw
    login(desktop, live_server, "rita")
    desktop.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    summary = desktop.locator("#reply-heading ~ details summary").first
    assert CUSTOMER[language] in summary.inner_text()
    summary.click()
    assert desktop.locator(f'.customer-body[lang="{language}"]').is_visible()

    # the written-reply rating form: keep four suggestions, change one with a reason
    rating_form = form(desktop, "reply-rating")
    suggested = {k: int(v) for k, v in result.reply["analysis"]["ratings"].items()}
    changed = 5 if suggested["overall"] != 5 else 4
    for name, value in suggested.items():
        assert rating_form.locator(f'input[name="{name}"][value="{value}"]').is_checked()
    rating_form.locator(f'input[name="overall"][value="{changed}"]').check()
    rating_form.locator("button[type=submit]").click()
    desktop.wait_for_selector(".message.error")
    assert "Overall" in desktop.inner_text(".messages")
    assert "overall_reason" not in desktop.inner_text(".messages")
    assert not ReplyRating.objects.exists()
    rating_form.locator(f'input[name="overall"][value="{changed}"]').check()
    rating_form.locator("#id_overall_reason").fill("Clear next step and a named time")
    rating_form.locator("button[type=submit]").click()
    desktop.wait_for_selector(".message.success")
    stored = {r.dimension: r for r in ReplyRating.objects.filter(result=result)}
    assert set(stored) == set(suggested)
    assert (
        stored["overall"].rating == changed and stored["overall"].suggested == suggested["overall"]
    )
    assert stored["overall"].reason == "Clear next step and a named time"
    assert all(stored[d].rating == suggested[d] for d in suggested if d != "overall")
    assert accessibility_violations(desktop) == []
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    agreement = desktop.locator("#agreement-heading ~ .table-wrap tbody tr")
    assert agreement.count() == 5
    assert agreement.first.locator("td").first.inner_text().strip() == "1"


def test_a_recruiter_manages_an_invitation_from_link_to_revocation(live_server, browser, recruiter):
    job = phone_job(recruiter, title="Kundtjänst, telefon")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, live_server, "rita")
    problems: list[str] = []

    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/new/")
    add = form(page, "candidate-add")
    add.locator("#id_name").fill("Karin Lindqvist")
    add.locator("#id_email").fill("karin@example.com")
    add.locator("#id_language").select_option("sv")
    add.locator("#id_send_invitation").uncheck()
    add.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/candidates/\d+/$"))
    candidate = Candidate.objects.get(email="karin@example.com")
    assert (candidate.name, candidate.language, candidate.invitations.count()) == (
        "Karin Lindqvist",
        "sv",
        0,
    )
    badge = page.locator("[data-invitation-status]")
    assert badge.get_attribute("data-invitation-status") == "not_invited"
    assert page.locator("h1 + p .badge").inner_text() == "Not invited"

    # no e-mail set up: the recruiter makes a link and copies it
    form(page, "invitation-link").locator("button").click()
    page.wait_for_selector("#invitation-link")
    assert badge.get_attribute("data-invitation-status") == "link_created"
    assert len(mail.outbox) == 0
    page.locator("button[data-copy]").click()
    page.locator("[data-copy-status]").filter(has_text="Link copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    invitation = Invitation.objects.get(candidate=candidate)
    assert copied == link_of(invitation) == page.input_value("#invitation-link")
    screenshot(page, "backoffice", "invitation-link.png")
    problems += accessibility_violations(page)

    candidate_page = context.new_page()
    candidate_page.goto(copied.replace("http://127.0.0.1:8000", live_server.url))
    assert candidate_page.locator("html").get_attribute("lang") == "sv"
    page.reload()
    assert badge.get_attribute("data-invitation-status") == "opened"
    form(candidate_page, "consent").locator("input[name=consent]").check()
    form(candidate_page, "consent").locator("button[type=submit]").click()
    candidate_page.wait_for_url(re.compile(r"/preview/$"))
    page.reload()
    assert badge.get_attribute("data-invitation-status") == "started"

    before = Invitation.objects.get(candidate=candidate).expires_at
    extend = form(page, "invitation-extend")
    extend.locator("#id_days").fill("5")
    extend.locator("button").click()
    page.wait_for_selector(".message.success")
    assert Invitation.objects.get(candidate=candidate).expires_at - before == timedelta(days=5)

    form(page, "invitation-remind").locator("button").click()
    page.wait_for_selector(".message.success")
    assert Invitation.objects.get(candidate=candidate).reminder_count == 1
    assert mail.outbox[-1].subject.startswith("Påminnelse")
    assert copied.replace("http://127.0.0.1:8000", "") in mail.outbox[-1].body

    form(page, "invitation-send").locator("button").click()
    page.wait_for_selector(".message.success")
    assert candidate.invitations.count() == 2
    assert candidate.invitations.filter(revoked_at__isnull=True).count() == 1
    assert mail.outbox[-1].to == ["karin@example.com"]

    form(page, "invitation-revoke").locator("button").click()
    page.wait_for_selector(".message.success")
    assert badge.get_attribute("data-invitation-status") == "revoked"
    assert candidate.invitations.filter(revoked_at__isnull=True).count() == 0
    assert (
        candidate_page.goto(copied.replace("http://127.0.0.1:8000", live_server.url)).status == 404
    )
    problems += accessibility_violations(page)
    context.close()
    assert problems == []


def test_bulk_invite_and_remind_from_the_shortlist(live_server, desktop, recruiter):
    job = phone_job(recruiter, title="Support, bulk")
    rng = random.Random(11)
    for i in range(3):
        person = add_candidate(job=job, name=f"Scored {i}", email=f"s{i}@example.com")
        simulate_assessment(candidate=person, rng=rng)
    fresh = [
        add_candidate(job=job, name=f"Imported {i}", email=f"imp{i}@example.com", language="pl")
        for i in range(2)
    ]
    expired = add_candidate(job=job, name="Expired Person", email="old@example.com")
    old = create_invitation(candidate=expired, created_by=recruiter)
    Invitation.objects.filter(pk=old.invitation.pk).update(expires_at=old.invitation.created_at)
    login(desktop, live_server, "rita")
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    for person, label in ((fresh[0], "Not invited"), (expired, "Invitation expired")):
        row = desktop.locator("table.shortlist tbody tr", has_text=person.name)
        assert row.locator("td").nth(2).inner_text() == label
    assert "Invited" not in desktop.locator("table.shortlist tbody").inner_text().split()
    screenshot(desktop, "backoffice", "shortlist-invitations.png")
    assert accessibility_violations(desktop) == []

    for person in (*fresh, expired):
        desktop.check(f"#pick-{person.pk}")
    bulk = form(desktop, "shortlist-bulk")
    bulk.locator("button[value=invite]").click()
    desktop.wait_for_selector(".message.success")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "imp0@example.com",
        "imp1@example.com",
        "old@example.com",
    ]
    assert all(status_of(p) == InvitationStatus.DELIVERED for p in (*fresh, expired))
    with translation.override("pl"):
        polish = render_to_string("emails/invitation_subject.txt", {"job": job}).strip()
    to_imported = next(m for m in mail.outbox if m.to == ["imp0@example.com"])
    assert to_imported.subject == polish != "Your assessment for Support, bulk"

    for person in fresh:
        desktop.check(f"#pick-{person.pk}")
    form(desktop, "shortlist-bulk").locator("button[value=remind]").click()
    desktop.wait_for_selector(".message.success")
    assert [
        Invitation.objects.filter(candidate=p, revoked_at__isnull=True).get().reminder_count
        for p in fresh
    ] == [1, 1]
    assert len(mail.outbox) == 5


def test_an_admin_brands_the_candidate_pages(live_server, browser, desktop, admin_user, recruiter):
    login(desktop, live_server, "alice")
    desktop.goto(f"{live_server.url}/settings/branding/")
    brand = form(desktop, "branding")
    brand.locator("#id_organisation_name").fill("Fjord & Co")
    brand.locator("#id_accent_colour").fill("#777777")
    brand.locator("button[type=submit]").click()
    desktop.wait_for_selector(".errorlist")
    assert "4.5:1" in desktop.inner_text(".errorlist")
    assert not Branding.objects.exists()
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), "#7a1f5c").save(logo, format="PNG")
    brand = form(desktop, "branding")
    brand.locator("#id_organisation_name").fill("Fjord & Co")
    brand.locator("#id_privacy_contact").fill("personvern@fjord")
    brand.locator("#id_accent_colour").fill("#7a1f5c")
    brand.locator("button[type=submit]").click()
    desktop.wait_for_selector(".errorlist")
    assert not Branding.objects.exists()  # not an e-mail address: nothing stored
    brand = form(desktop, "branding")
    brand.locator("#id_organisation_name").fill("Fjord & Co")
    brand.locator("#id_privacy_contact").fill("personvern@fjord.example")
    brand.locator("#id_accent_colour").fill("#7a1f5c")
    brand.locator("#id_logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": logo.getvalue()}]
    )
    brand.locator("button[type=submit]").click()
    desktop.wait_for_selector(".message.success")
    stored = Branding.current()
    assert (stored.organisation_name, stored.accent_colour) == ("Fjord & Co", "#7a1f5c")
    assert stored.privacy_contact == "personvern@fjord.example"
    assert bytes(stored.logo) == logo.getvalue()
    screenshot(desktop, "backoffice", "branding.png")
    assert accessibility_violations(desktop) == []

    job = phone_job(recruiter)
    person = add_candidate(job=job, name="Ola Berg", email="ola@example.com", language="nb")
    token = create_invitation(candidate=person, created_by=recruiter).token
    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/a/{token}/")
    assert page.inner_text(".brand-name") == "Fjord & Co"
    contact = page.locator("#privacy-contact a")
    assert contact.get_attribute("href") == "mailto:personvern@fjord.example"
    assert "Fjord & Co" in page.inner_text("section[aria-labelledby=privacy-heading]")
    assert page.locator("img.brand-logo").evaluate("img => img.naturalWidth") == 120
    header = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(122, 31, 92)"
    assert page.locator(".brand").evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    screenshot(page, "candidate-flow", "nb", "01-landing-branded.png")
    assert accessibility_violations(page) == []
    context.close()


def test_the_remaining_back_office_and_candidate_forms(
    live_server, browser, desktop, recruiter, interviewer
):
    job = phone_job(recruiter, title="Butikk, kundeservice")
    rng = random.Random(4)
    people = []
    for i in range(3):
        person = add_candidate(job=job, name=f"Person {i}", email=f"p{i}@example.com")
        simulate_assessment(candidate=person, rng=rng)
        people.append(person)
    login(desktop, live_server, "rita")

    # a decision with a reason code, then the Swedish back office shows no raw codes
    desktop.goto(f"{live_server.url}/candidates/{people[0].pk}/")
    stage = form(desktop, "stage-change")
    stage.locator("#id_stage").select_option("shortlisted")
    stage.locator("#id_reason_code").select_option("strong_fit")
    stage.locator("button[type=submit]").click()
    desktop.wait_for_selector(".message.success")
    assert StageChange.objects.filter(candidate=people[0]).last().reason_code == "strong_fit"

    # schedule an interview: stored as a code with its time, shown translated
    desktop.goto(f"{live_server.url}/interviews/candidates/{people[0].pk}/schedule/")
    schedule = form(desktop, "interview-schedule")
    in_two_weeks = (timezone.localdate() + timedelta(days=14)).isoformat()
    schedule.locator("#id_scheduled_at").fill(f"{in_two_weeks}T14:30")
    schedule.locator(f'input[name=interviewers][value="{interviewer.pk}"]').check()
    schedule.locator("button[type=submit]").click()
    desktop.wait_for_url(re.compile(r"/interviews/\d+/$"))
    assert Interview.objects.filter(candidate=people[0]).count() == 1
    change = StageChange.objects.filter(candidate=people[0], to_stage=Stage.INTERVIEW).get()
    assert (change.reason_code, change.note) == ("interview_scheduled", "")
    assert change.params["when"].startswith(f"{in_two_weeks}T")

    form(desktop, "language").locator("select").select_option("sv")
    form(desktop, "language").locator("button").click()
    desktop.goto(f"{live_server.url}/candidates/{people[0].pk}/")
    assert desktop.locator("html").get_attribute("lang") == "sv"
    history = desktop.locator("#history-heading ~ .table-wrap").inner_text()
    desktop.locator("#history-heading ~ details summary").click()
    audit = desktop.locator("#history-heading ~ details").inner_text()
    with translation.override("sv"):
        assert str(dict(ReasonCode.choices)["strong_fit"]) in history
    for raw in ("strong_fit", "interview_scheduled", "candidate.report_viewed", "submitted)"):
        assert raw not in history + audit
    with translation.override("sv"):
        assert reason_label(change) in history  # "Intervju inbokad …" with the local time
    assert "14:30" in history
    screenshot(desktop, "backoffice", "report-sv.png")
    assert accessibility_violations(desktop) == []

    # erase a candidate's data
    desktop.goto(f"{live_server.url}/candidates/{people[2].pk}/erase/")
    erase = form(desktop, "candidate-erase")
    erase.locator("#confirm").fill("p2@example.com")
    erase.locator("#reason").fill("Request by e-mail")
    erase.locator("button[type=submit]").click()
    desktop.wait_for_load_state()
    assert not Candidate.objects.filter(pk=people[2].pk).exists()

    # log out
    form(desktop, "logout").locator("button").click()
    desktop.wait_for_url(re.compile(r"/login/"))
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert "/login/" in desktop.url

    # a candidate withdraws from the job preview
    leaving = add_candidate(
        job=job, name="Leaving Person", email="leave@example.com", language="sv"
    )
    token = create_invitation(candidate=leaving, created_by=recruiter).token
    start_session(invitation=Invitation.objects.get(candidate=leaving), language="sv")
    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/a/{token}/withdraw/")
    withdraw = form(page, "withdraw")
    withdraw.locator("#reason").fill("Jag har fått ett annat jobb")
    withdraw.locator("button[type=submit]").click()
    page.wait_for_load_state()
    leaving.refresh_from_db()
    assert leaving.stage == Stage.WITHDRAWN
    assert leaving.stage_changes.last().note == "Jag har fått ett annat jobb"
    assert accessibility_violations(page) == []
    context.close()
