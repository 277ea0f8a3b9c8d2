"""Recruiter forms that must refuse what the rules refuse: languages, stages, kept input."""

from __future__ import annotations

import re

import pytest

from servicefit.candidates.models import Candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_candidate_gets_only_one_of_the_jobs_assessment_languages(
    recruiter_page, live_server, recruiter
):
    page = recruiter_page
    job = create_job_from_template(
        title="Kundtjänst",
        template_id="phone_support",
        created_by=recruiter,
        languages=["sv", "da"],
    )
    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/new/")
    add = form(page, "candidate-add")
    options = add.locator("#id_language option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == ["da", "sv"]
    # a tampered page (or an old tab) posting a language the job does not offer is refused
    add.locator("#id_name").fill("Piotr Nowak")
    add.locator("#id_email").fill("piotr@example.com")
    add.locator("#id_language").evaluate(
        "s => { s.add(new Option('Polish', 'pl')); s.value = 'pl'; }"
    )
    add.locator("#id_send_invitation").uncheck()
    add.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "pl is not one of this job's assessment languages" in add.inner_text()
    assert not Candidate.objects.filter(job=job).exists()

    add.locator("#id_language").select_option("sv")
    add.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/candidates/\d+/$"))
    candidate = Candidate.objects.get(job=job)
    assert (candidate.email, candidate.language) == ("piotr@example.com", "sv")


def test_a_refused_stage_change_keeps_the_input_and_only_settable_stages_are_offered(
    recruiter_page, live_server, recruiter
):
    from servicefit.candidates.models import Stage, StageChange
    from servicefit.candidates.services import add_candidate

    page = recruiter_page
    job = create_job_from_template(
        title="Kundeservice", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Ea Holm", email="ea@example.com")
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    stage = form(page, "stage-change")
    select = stage.locator("#id_stage")
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert values == [
        "invited",
        "shortlisted",
        "interview",
        "offer",
        "hired",
        "rejected",
        "withdrawn",
    ]
    assert select.input_value() == "invited"

    # a decision without a reason is refused; the stage, the note and the reason's error stay
    note = "Called on 3 March: prefers evening shifts, strong references."
    select.select_option("rejected")
    stage.locator("#id_note").fill(note)
    stage.locator("button:has-text('Record')").click()
    page.wait_for_selector("#id_reason_code_error")
    stage = form(page, "stage-change")
    assert stage.locator("#id_stage").input_value() == "rejected"
    assert stage.locator("#id_note").input_value() == note
    assert "A decision needs a reason." in stage.locator("#id_reason_code_error").inner_text()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.INVITED

    stage.locator("#id_reason_code").select_option("experience")
    stage.locator("button:has-text('Record')").click()
    page.wait_for_selector(".message.success")
    candidate.refresh_from_db()
    change = StageChange.objects.filter(candidate=candidate).last()
    assert (candidate.stage, change.reason_code, change.note) == ("rejected", "experience", note)

    # a tampered page cannot move a never-invited candidate into an assessment stage
    stage = form(page, "stage-change")
    stage.locator("#id_stage").evaluate(
        "s => { s.add(new Option('Completed', 'completed')); s.value = 'completed'; }"
    )
    stage.locator("button:has-text('Record')").click()
    page.wait_for_selector("#id_stage_error")
    assert "set by the assessment itself" in form(page, "stage-change").inner_text()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.REJECTED


def test_rejecting_a_candidate_closes_their_link_on_the_report(
    recruiter_page, live_server, recruiter
):
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate

    page = recruiter_page
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Ida Berg", email="ida@example.com")
    create_invitation(candidate=candidate, created_by=recruiter)
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    assert form(page, "invitation-send").count() == 1
    assert page.locator("#invitation-link").count() == 1

    stage = form(page, "stage-change")
    stage.locator("#id_stage").select_option("rejected")
    stage.locator("#id_reason_code").select_option("experience")
    stage.locator("button:has-text('Record')").click()
    page.wait_for_selector(".message.success")
    box = page.locator("#invitation")
    assert "Link closed: the candidate is Rejected." in box.inner_text()
    assert "valid until" not in box.inner_text()
    for action in ("invitation-send", "invitation-link", "invitation-remind", "invitation-extend"):
        assert form(page, action).count() == 0, action
    assert page.locator("#invitation-link").count() == 0
    assert candidate.invitations.count() == 1


def test_a_stage_change_from_a_second_tab_that_is_out_of_date_is_refused(
    recruiter_page, live_server, recruiter
):
    from servicefit.candidates.models import Stage, StageChange
    from servicefit.candidates.services import add_candidate

    job = create_job_from_template(
        title="Kundeservice", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Ea Holm", email="ea@example.com")
    url = f"{live_server.url}/candidates/{candidate.pk}/"
    first = recruiter_page
    second = first.context.new_page()  # the same signed-in session in a second tab
    first.goto(url)
    second.goto(url)

    tab_a = form(first, "stage-change")
    tab_a.locator("#id_stage").select_option("rejected")
    tab_a.locator("#id_reason_code").select_option("position_filled")
    tab_a.locator("button:has-text('Record')").click()
    first.wait_for_selector(".message.success")

    note = "Strong fit for the evening shift."
    tab_b = form(second, "stage-change")
    tab_b.locator("#id_stage").select_option("hired")
    tab_b.locator("#id_reason_code").select_option("other")
    tab_b.locator("#id_note").fill(note)
    tab_b.locator("button:has-text('Record')").click()
    second.wait_for_load_state()
    tab_b = form(second, "stage-change")
    assert "The stage changed to Rejected since this page was opened" in tab_b.inner_text()
    assert tab_b.locator("#id_stage").input_value() == "hired"
    assert tab_b.locator("#id_note").input_value() == note
    candidate.refresh_from_db()
    assert candidate.stage == Stage.REJECTED
    assert not StageChange.objects.filter(candidate=candidate, to_stage="hired").exists()

    # having read the message, the recruiter records again: now it applies
    tab_b.locator("button:has-text('Record')").click()
    second.wait_for_selector(".message.success")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.HIRED
    second.close()


def test_a_stage_change_sent_without_the_opened_stage_is_refused(
    recruiter_page, live_server, recruiter
):
    """A page that does not send the stage it showed (an old page, a hand-made form) cannot show
    that nothing changed since: refused with the current stage, the input kept."""
    from servicefit.candidates.models import Stage, StageChange
    from servicefit.candidates.services import add_candidate

    job = create_job_from_template(title="Kassa", template_id="phone_support", created_by=recruiter)
    candidate = add_candidate(job=job, name="Jonas Lind", email="jonas@example.com")
    page = recruiter_page
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    change = form(page, "stage-change")
    assert change.locator("input[name=opened_stage]").input_value() == "invited"
    change.locator("input[name=opened_stage]").evaluate("input => input.remove()")
    change.locator("#id_stage").select_option("shortlisted")
    change.locator("#id_reason_code").select_option("assessment")
    change.locator("#id_note").fill("Good written reply.")
    with page.expect_navigation(wait_until="load"):
        change.locator("button:has-text('Record')").click()
    change = form(page, "stage-change")
    assert "The form did not say which stage this page showed" in change.inner_text()
    assert change.locator("#id_stage").input_value() == "shortlisted"
    assert change.locator("#id_note").input_value() == "Good written reply."
    candidate.refresh_from_db()
    assert candidate.stage == Stage.INVITED
    assert not StageChange.objects.filter(candidate=candidate, to_stage="shortlisted").exists()

    # the page now carries the stage it shows: recording again applies the change
    assert change.locator("input[name=opened_stage]").input_value() == "invited"
    with page.expect_navigation(wait_until="load"):
        change.locator("button:has-text('Record')").click()
    assert page.locator(".message.success").inner_text() == "Stage changed to Shortlisted."
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SHORTLISTED
