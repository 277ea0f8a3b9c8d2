"""Administrators read, filter and download the audit log in the admin; nobody else can."""

from __future__ import annotations

import csv
import io

import pytest

from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_administrator_filters_and_downloads_the_audit_log(
    browser, desktop, live_server, admin_user, recruiter, job
):
    record(action="branding.changed", actor=admin_user, logo=True)
    record(action="job.closed", actor=recruiter, job=job)
    record(
        action="candidate.erased", actor=recruiter, job=job, candidate_id=7, reason="=HYPERLINK()"
    )
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.locator("#content-main a", has_text="Audit events").first.click()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == AuditEvent.objects.count()
    assert "Candidate data erased" in page.locator("#result_list").inner_text()

    with page.expect_navigation():
        page.locator("#changelist-filter a", has_text="Candidate data erased").click()
    assert rows.count() == 1
    assert "=HYPERLINK()" in rows.first.inner_text()
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "download_csv")
    with page.expect_download() as download:
        page.locator("button[name=index]").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        table = list(csv.reader(io.StringIO(handle.read())))
    assert table[0][:3] == ["time", "actor", "action"]
    assert [(r[1], r[2], r[4], r[5]) for r in table[1:]] == [
        ("rita", "candidate.erased", "", str(job.pk))
    ]
    assert "'{" not in table[1][6] and "=HYPERLINK()" in table[1][6]  # JSON, not a formula cell
    assert AuditEvent.objects.filter(action="audit.exported", actor=admin_user).exists()
    # read-only: no adding, changing or deleting events
    assert page.goto(f"{live_server.url}/admin/audit/auditevent/add/").status == 403
    assert "delete_selected" not in page.content()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other = context.new_page()
    login(other, live_server, "rita")
    assert other.goto(f"{live_server.url}/admin/audit/auditevent/").status == 403
    context.close()
