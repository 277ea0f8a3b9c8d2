"""Fairness and oversight in a real browser: a candidate self-identifies and contests; a
recruiter reads the fairness page of the demo job, downloads the audit summary, imports
outcomes and reads the validity table, and answers a review request; an admin suspends and
resumes scoring and adds a self-identification question."""

from __future__ import annotations

import random
import re

import pytest
from django.core import mail
from pypdf import PdfReader

from servicefit.assessments.services import create_invitation
from servicefit.candidates.models import Stage
from servicefit.candidates.services import add_candidate
from servicefit.demo import DEMO_PASSWORD, load_demo
from servicefit.demo_assessments import simulate_assessment
from servicefit.fairness.models import Outcome, SelfIdentification, SelfIdQuestion
from servicefit.oversight.models import ReviewRequest, ScoringSuspension

from .conftest import accessibility_violations, form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_candidate_self_identifies_and_contests_on_a_phone(phone, live_server, recruiter, job):
    person = add_candidate(job=job, name="Freja Holm", email="freja@example.com", language="da")
    simulate_assessment(candidate=person, rng=random.Random(8))
    token = create_invitation(candidate=person, created_by=recruiter).token
    page = phone
    page.goto(f"{live_server.url}/a/{token}/done/")
    page.locator("a[href$='/about-you/']").click()
    page.wait_for_url(re.compile(r"/about-you/$"))
    problems = accessibility_violations(page)
    page.locator("input[name=gender][value=woman]").check()
    page.locator("input[name=age_band][value=prefer_not]").check()
    form(page, "self-identify").locator("button.primary").click()
    page.wait_for_url(re.compile(r"/done/$"))
    assert SelfIdentification.objects.get(candidate=person).answers == {"gender": "woman"}

    page.locator("a[href$='/review-request/']").click()
    page.wait_for_url(re.compile(r"/review-request/$"))
    problems += accessibility_violations(page)
    page.locator("input[name=kind][value=contest]").check()
    page.fill("textarea[name=message]", "Jeg mener, at mit skriftlige svar blev læst forkert.")
    form(page, "contest").locator("button.primary").click()
    page.locator("h1").filter(has_text=re.compile(".+")).wait_for()
    review = ReviewRequest.objects.get(candidate=person)
    assert review.kind == "contest" and review.message.startswith("Jeg mener")
    assert problems == [], "\n".join(problems)


def test_a_recruiter_reads_the_demo_fairness_page_and_validates_against_outcomes(
    desktop, live_server, tmp_path
):
    job = load_demo().job
    hired = list(job.candidates.filter(stage=Stage.HIRED).order_by("pk"))
    Outcome.objects.filter(candidate__job=job).delete()
    first = job.candidates.filter(assessment__submitted_at__isnull=False).first()
    contest = ReviewRequest.objects.create(
        candidate=first,
        kind="review",
        message="Please have a person look at my result.",
        due_at=first.created_at,
    )
    page = desktop
    login(page, live_server, "recruiter", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    page.click("text=Fairness monitoring")
    page.wait_for_url(re.compile(r"/fairness/$"))
    assert page.locator("[role=alert]").filter(has_text="four-fifths").count() == 1
    assert page.locator("text=suppressed").count() >= 1
    problems = accessibility_violations(page)
    page.select_option("#by", "age_band")
    page.fill("#id_start", "2020-01-01")
    form(page, "fairness-period").locator("button:has-text('Show')").click()
    page.wait_for_url(re.compile(r"by=age_band"))
    assert "25 to 39" in page.content()

    with page.expect_download() as download:
        page.click("a:has-text('PDF')")
    path = tmp_path / "summary.pdf"
    download.value.save_as(path)
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1
    assert "Adverse-impact audit summary" in reader.pages[0].extract_text()

    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    page.click("text=Local validation")
    page.wait_for_url(re.compile(r"/validation/$"))
    assert "No outcomes imported yet." in page.content()
    rows = ["email,qa_score,retained_90d"] + [
        f"{p.email},{60 + 3 * i},{'yes' if i % 3 else 'no'}" for i, p in enumerate(hired)
    ]
    upload = tmp_path / "outcomes.csv"
    upload.write_text("\n".join(rows), encoding="utf-8")
    page.set_input_files("#id_file", str(upload))
    form(page, "outcome-import").locator("button:has-text('Import outcomes')").click()
    page.locator("#validity-table").wait_for()
    assert Outcome.objects.filter(candidate__job=job, name="qa_score").count() == len(hired)
    table = page.locator("#validity-table").inner_text()
    assert "Composite" in table and "qa_score" in table and "corrected" in table
    assert page.locator("[role=alert]").filter(has_text="fewer than 30").count() == 1
    problems += accessibility_violations(page)

    page.click("nav >> text=Review requests")
    page.wait_for_url(re.compile(r"/review-requests/$"))
    page.fill(f"#response-{contest.pk}", "Looked at the reply again with a colleague.")
    form(page, "review-resolve").locator("button:has-text('Answer and close')").first.click()
    page.wait_for_url(re.compile(r"/review-requests/$"))
    contest.refresh_from_db()
    assert contest.response.startswith("Looked at") and contest.resolved_at is not None
    # the answer reaches the candidate by e-mail, whether or not their page is still open
    answered = [m for m in mail.outbox if "Looked at the reply again" in m.body]
    assert [m.to for m in answered] == [[contest.candidate.email]]
    assert problems == [], "\n".join(problems)


def test_an_admin_suspends_and_resumes_scoring_and_adds_a_question(
    desktop, live_server, admin_user, job, recruiter
):
    person = add_candidate(job=job, name="Olivia Smith", email="olivia@example.com")
    simulate_assessment(candidate=person, rng=random.Random(2))
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert "Ranked shortlist" in page.content()
    page.click("summary:has-text('Suspend automated scoring')")
    page.fill("#suspend-reason", "Investigating a four-fifths flag at shortlisting")
    form(page, "scoring-suspend").locator("button:has-text('Suspend scoring')").click()
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/$"))
    assert "Ranked shortlist" not in page.content()
    assert page.locator(".badge.warn", has_text="Scoring suspended").count() == 1
    suspension = ScoringSuspension.objects.get(job=job)
    assert suspension.suspended_by == admin_user and suspension.resumed_at is None
    page.click(f"a:has-text('{person.name}')")
    assert "Competency profile" not in page.content()
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    form(page, "scoring-resume").locator("button:has-text('Resume scoring')").click()
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/$"))
    assert "Ranked shortlist" in page.content()
    suspension.refresh_from_db()
    assert suspension.resumed_by == admin_user

    page.click("nav >> text=Self-identification")
    page.fill("#id_label", "Ethnic background")
    page.fill("#id_options", "Group A\nGroup B\nAnother background")
    page.fill("#id_lawful_basis", "GDPR Art. 9(2)(b) and the national equality-monitoring act")
    form(page, "selfid-question").locator("button:has-text('Add question')").click()
    page.locator(".message.success").wait_for()
    question = SelfIdQuestion.objects.get()
    assert question.options == ["Group A", "Group B", "Another background"]
    assert "Ethnic background" in page.locator("table").inner_text()
