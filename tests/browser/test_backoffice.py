"""Recruiter journeys in a real browser: create a job, import candidates, rank, report, decide."""

from __future__ import annotations

import random
import re

import pytest

from servicefit.candidates.models import Candidate, Stage, StageChange
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.models import Job
from servicefit.jobs.services import create_job_from_template

from .conftest import accessibility_violations, form, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(recruiter):
    job = create_job_from_template(
        title="Kundeservice, telefon",
        template_id="phone_support",
        created_by=recruiter,
        location="Aarhus",
        pay_min=26000,
        pay_max=31000,
        pay_currency="DKK",
    )
    rng = random.Random(3)
    for i in range(22):
        candidate = add_candidate(
            job=job,
            name=f"Kandidat {i:02d}",
            email=f"k{i}@example.com",
            language=["da", "en", "sv", "nb", "pl"][i % 5],
        )
        simulate_assessment(candidate=candidate, rng=rng)
    return job


def test_recruiter_creates_a_job_and_imports_candidates(recruiter_page, live_server, tmp_path):
    page = recruiter_page
    screenshot(page, "backoffice", "dashboard-empty.png")
    page.click("text=New job")
    page.select_option("#id_template", "email_chat_support")
    page.fill("#id_title", "Chat support agent")
    page.fill("#id_location", "Gdańsk")
    page.fill("#id_pay_min", "6500")
    page.fill("#id_pay_max", "7800")
    page.select_option("#id_pay_currency", "PLN")
    screenshot(page, "backoffice", "job-create.png")
    form(page, "job-create").locator("button:has-text('Create job')").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/edit/$"))
    screenshot(page, "backoffice", "job-edit.png")
    form(page, "job-edit").locator("button:has-text('Save job')").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    job = Job.objects.get(title="Chat support agent")
    assert job.channel == "email_chat"
    assert job.pay_currency == "PLN"

    bad = tmp_path / "candidates.csv"
    bad.write_text(
        "name,email,language\nAnna Nowak,anna@example.com,pl\nBo,not-an-email,da\n",
        encoding="utf-8",
    )
    page.click("text=Import candidates")
    page.set_input_files("#id_file", str(bad))
    form(page, "candidate-import").locator("button:has-text('Import')").click()
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/imports/\d+/$"))
    page.wait_for_selector(".import-problems")
    assert "not-an-email" in page.inner_text(".import-problems")
    screenshot(page, "backoffice", "import-errors.png")
    assert job.candidates.count() == 0

    good = tmp_path / "fixed.csv"
    good.write_text(
        "name,email,language\nAnna Nowak,anna@example.com,pl\nBo Holm,bo@example.com,da\n",
        encoding="utf-8",
    )
    page.click("text=Import another file")
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('Import')")
    page.wait_for_selector("#import-progress[data-status='done']")
    assert set(job.candidates.values_list("email", flat=True)) == {
        "anna@example.com",
        "bo@example.com",
    }


def test_the_job_form_refuses_settings_that_do_not_fit_and_stores_good_ones(
    recruiter_page, live_server, recruiter
):
    """A currency outside ISO 4217 or a feedback e-mail without the report: a field error."""
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    Job.objects.filter(pk=job.pk).update(pay_currency="€€")  # stored before the check existed
    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/{job.pk}/edit/")
    # the stored value is named, not silently replaced by the first currency in the list
    assert "€€ is not a currency code" in page.inner_text("#id_pay_currency")
    page.uncheck("#id_feedback_report")
    page.check("#id_feedback_email")
    form(page, "job-edit").locator("button:has-text('Save job')").click()
    page.wait_for_selector(".errorlist")
    errors = page.inner_text("form[data-form='job-edit']")
    assert "switch the report on, or the e-mail off" in errors
    assert "This field is required" in errors  # the currency
    job.refresh_from_db()
    assert (job.pay_currency, job.feedback_report, job.feedback_email) == ("€€", True, False)

    page.select_option("#id_pay_currency", "SEK")
    page.check("#id_feedback_report")
    form(page, "job-edit").locator("button:has-text('Save job')").click()
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/$"))
    job.refresh_from_db()
    assert (job.pay_currency, job.feedback_report, job.feedback_email) == ("SEK", True, True)


def test_a_new_job_offers_only_currency_codes_and_suggests_the_languages_own(
    recruiter_page, live_server
):
    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/new/")
    options = page.locator("#id_pay_currency option").all_inner_texts()
    assert {"DKK", "SEK", "NOK", "PLN", "EUR", "GBP", "USD", "CHF"} <= set(options)
    assert all(len(code) == 3 and code.isupper() for code in options)
    assert page.input_value("#id_pay_currency") == "EUR"  # the page is in English
    page.select_option("#id_template", "phone_support")
    page.fill("#id_title", "Kundeservice")
    page.fill("#id_pay_min", "31000")  # one end of the range only
    form(page, "job-create").locator("button:has-text('Create job')").click()
    page.wait_for_selector(".errorlist")
    assert "Give both ends of the pay range, or neither." in page.inner_text(
        "form[data-form='job-create']"
    )
    assert not Job.objects.exists()
    page.fill("#id_pay_max", "26000")  # the wrong way round
    form(page, "job-create").locator("button:has-text('Create job')").click()
    page.wait_for_selector(".errorlist")
    assert "from the lower to the higher amount" in page.inner_text("form[data-form='job-create']")
    assert not Job.objects.exists()
    page.fill("#id_pay_min", "26000")
    page.fill("#id_pay_max", "31000")
    page.select_option("#id_pay_currency", "DKK")
    form(page, "job-create").locator("button:has-text('Create job')").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/edit/$"))
    job = Job.objects.get()
    assert (job.pay_min, job.pay_max, job.pay_currency) == (26000, 31000, "DKK")


def test_recruiter_ranks_opens_a_report_downloads_the_pdf_and_decides(
    recruiter_page, live_server, scored, tmp_path
):
    page = recruiter_page
    page.reload()
    screenshot(page, "backoffice", "dashboard.png")
    page.click(f"text={scored.title}")
    page.wait_for_selector("table.shortlist")
    rows = page.locator("table.shortlist tbody tr")
    assert rows.count() == 22
    assert rows.first.locator("td").nth(1).inner_text().strip() == "1"  # after the tick box
    screenshot(page, "backoffice", "shortlist.png")
    assert accessibility_violations(page) == []

    form(page, "shortlist-filter").locator("#sort").select_option("name")
    page.wait_for_url(re.compile(r"sort=name"))
    first_name = page.locator("table.shortlist tbody tr th a").first.inner_text()
    assert first_name == "Kandidat 00"

    page.locator("table.shortlist tbody tr th a").first.click()
    page.wait_for_selector("svg.profile")
    # every highlight of the written reply says why it was found (issue 14)
    titles = page.locator(".reply-text mark.evidence").evaluate_all("ms => ms.map(m => m.title)")
    assert titles
    assert all(
        re.search(
            r": (a phrase from its list|the sentence model flagged this sentence|words written in"
            r" capitals|repeated exclamation marks|the customer's name)",
            t,
        )
        for t in titles
    ), titles
    screenshot(page, "backoffice", "report.png")
    assert accessibility_violations(page) == []
    with page.expect_download() as download_info:
        page.click("text=Download PDF")
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.select_option("#id_stage", "shortlisted")
    page.select_option("#id_reason_code", "assessment")
    page.fill("#id_note", "Strong on composure and listening")
    form(page, "stage-change").locator("button:has-text('Record')").click()
    page.wait_for_selector(".message.success")
    candidate = Candidate.objects.get(name="Kandidat 00")
    assert candidate.stage == Stage.SHORTLISTED
    change = StageChange.objects.filter(candidate=candidate).last()
    assert change.changed_by.username == "rita"
    assert change.note == "Strong on composure and listening"


def test_the_competency_chart_stays_readable_on_a_phone(recruiter_page, live_server, scored):
    page = recruiter_page
    page.set_viewport_size({"width": 390, "height": 844})
    candidate = scored.candidates.order_by("name").first()
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    page.wait_for_selector(".chart-narrow svg.profile")  # the phone's chart (labels above bars)
    label = page.locator(".chart-narrow svg.profile text").first
    assert label.bounding_box()["height"] >= 9  # was about 5 px: the whole chart shrank
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the report scrolls sideways: the chart must scroll inside its card"
    assert accessibility_violations(page) == []


def test_erasing_says_when_the_address_does_not_match(recruiter_page, live_server, recruiter):
    from servicefit.audit.models import AuditEvent

    job = create_job_from_template(
        title="Chat agent", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Ana Berg", email="ana.berg@example.com")
    page = recruiter_page
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/erase/")
    erase = form(page, "candidate-erase")
    erase.locator("#confirm").fill("ana@example.com")
    erase.locator("#reason").fill("Candidate's request of 3 May")
    with page.expect_navigation():
        erase.locator("button[type=submit]").click()
    assert "does not match the candidate's e-mail address" in page.locator("main").inner_text()
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    erase = form(page, "candidate-erase")
    assert erase.locator("#reason").input_value() == "Candidate's request of 3 May"  # kept
    assert "do not name the person" in erase.locator("#reason_helptext").inner_text()
    erase.locator("#reason").fill("Ana Berg's request of 3 May (ana.berg@example.com)")
    erase.locator("#confirm").fill(" Ana.Berg@Example.com ")
    with page.expect_navigation():
        erase.locator("button[type=submit]").click()
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    event = AuditEvent.objects.get(action="candidate.erased")
    # the audit event outlives the candidate: it keeps the reason without their name or address
    assert event.detail["reason"] == "[name]'s request of 3 May ([e-mail address])"
    assert "The candidate's data was erased." in page.content()
