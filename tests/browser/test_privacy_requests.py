"""The privacy officer (an administrator) registers, extends, acts on and closes a request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.privacy.models import DataSubjectRequest, add_months

from .conftest import form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_deletion_request_from_registering_to_closing(desktop, live_server, admin_user, job):
    ana = add_candidate(job=job, name="Ana Lind", email="ana@example.com")
    page = desktop
    login(page, live_server, "alice")
    with page.expect_navigation():
        page.locator("nav a", has_text="Data-subject requests").click()
    received = timezone.localdate() - timedelta(days=40)

    add = form(page, "privacy-request-add")
    add.locator("input[name=kind][value=erasure]").check()
    add.locator("input[name=email]").fill("not an address")
    add.locator("input[name=received_on]").fill(received.isoformat())
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    assert "Enter an e-mail address such as name@example.com." in page.content()
    assert not DataSubjectRequest.objects.exists()
    add = form(page, "privacy-request-add")
    add.locator("input[name=email]").fill("ANA@example.com")
    add.locator("input[name=name]").fill("Ana Lind")
    add.locator("textarea[name=notes]").fill("Asked by phone")
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    dsr = DataSubjectRequest.objects.get()
    assert (dsr.kind, dsr.received_on, dsr.due_on) == (
        "erasure",
        received,
        add_months(received, 1),
    )
    assert list(dsr.candidates.all()) == [ana] and dsr.name == "Ana Lind"
    assert "overdue" in page.locator(f'[data-request="{dsr.pk}"]').inner_text()

    extend = form(page, "privacy-request-extend")
    with page.expect_navigation():
        extend.locator("button[type=submit]").click()
    assert "Give the reason for the extension." in page.content()
    form(page, "privacy-request-extend").locator("textarea").fill("Several requests at once")
    with page.expect_navigation():
        form(page, "privacy-request-extend").locator("button[type=submit]").click()
    dsr.refresh_from_db()
    assert dsr.due_on == add_months(received, 3) and dsr.extension_reason
    assert form(page, "privacy-request-extend").count() == 0  # only once

    with page.expect_navigation():
        page.locator("a", has_text="Erase their data").click()
    erase = form(page, "candidate-erase")
    erase.locator("input[name=confirm]").fill("ana@example.com")
    erase.locator("input[name=reason]").fill(f"Data-subject request {dsr.pk}")
    with page.expect_navigation():
        erase.locator("button[type=submit]").click()
    assert page.url.endswith(f"/privacy/requests/{dsr.pk}/")
    assert not Candidate.objects.filter(pk=ana.pk).exists()
    dsr.refresh_from_db()
    assert (dsr.name, dsr.email, dsr.notes) == ("", "", "")
    assert dsr.erased_at is not None
    assert "Ana Lind" not in page.content() and "ana@example.com" not in page.content()

    close = form(page, "privacy-request-close")
    close.locator("input[name=close-outcome][value=done]").check()
    close.locator("textarea[name=close-notes]").fill("Erased; told the person by e-mail")
    with page.expect_navigation():
        close.locator("button[type=submit]").click()
    dsr.refresh_from_db()
    assert dsr.outcome == "done" and dsr.closed_on == timezone.localdate()
    assert dsr.notes == "Erased; told the person by e-mail"
    assert form(page, "privacy-request-close").count() == 0
