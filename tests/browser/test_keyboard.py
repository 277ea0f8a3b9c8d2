"""Keyboard only: what Enter does in a form, and where the focus goes after an error."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from servicefit.api.models import ApiToken
from servicefit.api.tokens import create_token
from servicefit.assessments.services import create_invitation
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.models import Job
from servicefit.oversight.models import ReviewRequest
from servicefit.privacy.models import DataSubjectRequest

from .conftest import form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FOCUSED = "document.activeElement.id"


def test_a_form_sent_back_with_errors_focuses_the_first_field_to_correct(
    recruiter_page, live_server, job
):
    """Enter in an empty title brings the form back with an error; the focus was left on the
    page (the body), so a screen-reader user heard only the unchanged page title."""
    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/new/")
    create = form(page, "job-create")
    create.locator("input[name=location]").fill("Aarhus")
    create.locator("input[name=location]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Job.objects.count() == 1  # only the fixture's job: nothing was stored
    assert page.evaluate(FOCUSED) == "id_title"
    described = page.locator("#id_title").get_attribute("aria-describedby") or ""
    assert "id_title_error" in described.split()
    page.keyboard.type("Chat agent")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Job.objects.filter(title="Chat agent", location="Aarhus").count() == 1


def test_a_radio_group_with_an_error_gets_the_focus_and_its_message(
    desktop, live_server, admin_user
):
    """A choice nobody made (radio buttons): the first option gets the focus, and its error is
    linked to it (Django marks the options invalid but links the message to none of them)."""
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/privacy/requests/")
    add = form(page, "privacy-request-add")
    add.locator("input[name=email]").fill("ana@example.com")
    add.locator("input[name=received_on]").fill("2026-11-30")
    add.locator("input[name=email]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not DataSubjectRequest.objects.exists()
    assert page.evaluate(FOCUSED) == "id_kind_0"
    assert page.locator("#id_kind_0").get_attribute("aria-describedby") == "id_kind_error"
    assert page.locator("#id_kind_error").inner_text() == "Choose what the person asks for."
    page.keyboard.press("ArrowDown")  # the second option: arrows move within the group
    with page.expect_navigation():
        page.keyboard.press("Enter")
    entry = DataSubjectRequest.objects.get()
    assert (entry.email, entry.kind) == ("ana@example.com", "rectification")


def test_revoking_an_api_token_asks_for_a_confirmation(desktop, live_server, admin_user):
    """One Enter on a focused "Revoke" revoked the token for good (an integration stops at
    once); now the button opens a confirmation with a box to tick, as closing a job does."""
    new = create_token(
        user=admin_user, name="Teamtailor", scopes=["jobs:read"], created_by=admin_user
    )
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/integrations/")
    for _ in range(80):  # Tab to the token's "Revoke"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Revoke Teamtailor":
            break
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is None
    revoke = form(page, "token-revoke")
    assert revoke.is_visible()  # the confirmation opened
    page.keyboard.press("Tab")  # the box
    page.keyboard.press("Tab")  # "Revoke token"
    page.keyboard.press("Enter")  # the box is not ticked: the browser refuses, focusing it
    page.wait_for_timeout(300)
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is None
    assert page.evaluate("document.activeElement.name") == "confirm"
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter on the ticked box sends the confirmation
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is not None
    assert page.get_by_text("Token revoked").is_visible()


def test_a_revocation_without_the_tick_revokes_nothing(client, admin_user):
    new = create_token(
        user=admin_user, name="Teamtailor", scopes=["jobs:read"], created_by=admin_user
    )
    client.force_login(admin_user)
    response = client.post(f"/integrations/tokens/{new.token.pk}/revoke/", follow=True)
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is None
    assert "The token was not revoked: tick the box to confirm." in response.content.decode()


def test_a_new_shortlist_filter_is_read_out_and_keeps_the_focus(recruiter_page, live_server, job):
    """The filter swaps the shortlist in place; its new count was in no live region, so a
    screen-reader user changing "Show" with the arrow keys heard nothing of the result."""
    for n in range(3):
        add_candidate(job=job, name=f"Kandidat {n}", email=f"k{n}@example.com")
    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    status = page.locator("#shortlist-status")
    assert status.get_attribute("role") == "status" and status.inner_text() == ""
    page.locator("#filter").focus()
    with page.expect_response(lambda r: "filter=scored" in r.url):
        page.keyboard.press("ArrowDown")  # All → Scored
    page.wait_for_url(re.compile(r"filter=scored"))
    expect(status).to_have_text(re.compile(r"of 0 shown; 3 candidates in the job, 0 scored"))
    assert status.inner_text() == page.locator("[data-shortlist-count]").inner_text()
    assert page.evaluate(FOCUSED) == "filter"
    assert Candidate.objects.filter(job=job).count() == 3


def test_a_candidate_form_sent_back_with_errors_focuses_the_choice_to_make(
    desktop, live_server, recruiter, job
):
    """The candidate's review request without a kind: the message is typed, Enter is pressed on
    "Send my request"; the page comes back with the error and the focus on the first kind."""
    person = add_candidate(job=job, name="Freja Holm", email="freja@example.com", language="en")
    simulate_assessment(candidate=person, rng=random.Random(8))
    token = create_invitation(candidate=person, created_by=recruiter).token
    page = desktop
    page.goto(f"{live_server.url}/a/{token}/review-request/")
    page.locator("textarea[name=message]").focus()
    page.keyboard.type("Please look at my written reply again.")
    page.keyboard.press("Tab")  # "Send my request"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not ReviewRequest.objects.exists()
    assert page.evaluate(FOCUSED) == "id_kind_0"
    assert "err-kind" in (page.locator("#id_kind_0").get_attribute("aria-describedby") or "")
    page.keyboard.press("Space")  # the first kind, then Tab past the message to the button
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    review = ReviewRequest.objects.get(candidate=person)
    assert review.message == "Please look at my written reply again."
