"""The register of data-subject requests: deadlines, order, extension, closing, erasure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from servicefit.audit.models import AuditEvent
from servicefit.candidates.services import add_candidate
from servicefit.privacy.models import DataSubjectRequest, add_months
from servicefit.privacy.services import (
    RequestStateError,
    close_request,
    erase_candidate,
    extend_request,
    register_request,
)

pytestmark = pytest.mark.django_db


def test_one_month_is_a_calendar_month_and_the_end_of_a_short_month_is_kept():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 3), 1) == date(2026, 6, 3)


def _register(admin_user, email, days_ago, kind="access"):
    return register_request(
        kind=kind,
        email=email,
        name="Ana Lind",
        received_on=timezone.localdate() - timedelta(days=days_ago),
        notes="Asked by phone",
        registered_by=admin_user,
    )


def test_the_list_shows_overdue_then_due_soon_then_the_rest_then_closed(client, admin_user):
    later = _register(admin_user, "later@example.com", 1)
    soon = _register(admin_user, "soon@example.com", 26)
    overdue = _register(admin_user, "late@example.com", 40)
    done = _register(admin_user, "done@example.com", 45)
    close_request(dsr=done, outcome="done", notes="Sent the copy", closed_by=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("backoffice:privacy_requests")).content.decode()
    order = [page.index(f'data-request="{r.pk}"') for r in (overdue, soon, later, done)]
    assert order == sorted(order)
    row = page[order[0] : order[1]]
    assert "overdue" in row
    assert "due soon" in page[order[1] : order[2]]
    assert "1 request is overdue." in page and "1 request is due within a week." in page


def test_registering_links_every_candidate_with_the_address_and_is_audited(
    client, admin_user, job, scored_candidate
):
    other = add_candidate(job=job, name="Ana Again", email="ANA2@example.com")
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:privacy_requests"),
        {
            "kind": "erasure",
            "email": " ana2@example.com ",
            "name": "Ana",
            "received_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "notes": "",
        },
    )
    dsr = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert list(dsr.candidates.all()) == [other]
    assert dsr.due_on == add_months(dsr.received_on, 1)
    event = AuditEvent.objects.get(action="privacy_request.registered")
    assert event.detail == {"request_id": dsr.pk, "kind": "erasure", "candidates": [other.pk]}
    assert "ana2" not in str(event.detail).lower()


def test_a_future_day_or_a_bad_address_is_refused_with_its_reason(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:privacy_requests"),
        {
            "kind": "access",
            "email": "not-an-address",
            "received_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter an e-mail address such as name@example.com." in text
    assert "The day received cannot be in the future." in text
    assert not DataSubjectRequest.objects.exists()


def test_extension_once_with_a_reason_to_three_months_and_not_after_closing(admin_user):
    dsr = _register(admin_user, "x@example.com", 10)
    extend_request(dsr=dsr, reason="Many requests at once", extended_by=admin_user)
    dsr.refresh_from_db()
    assert dsr.due_on == add_months(dsr.received_on, 3)
    with pytest.raises(RequestStateError):
        extend_request(dsr=dsr, reason="again", extended_by=admin_user)
    close_request(dsr=dsr, outcome="refused", notes="Manifestly unfounded", closed_by=admin_user)
    with pytest.raises(RequestStateError):
        close_request(dsr=dsr, outcome="done", notes="", closed_by=admin_user)
    assert AuditEvent.objects.filter(action="privacy_request.extended").count() == 1
    closed = AuditEvent.objects.get(action="privacy_request.closed")
    assert closed.detail["outcome"] == "refused" and closed.detail["late"] is False


def test_erasing_the_candidate_leaves_only_the_proof_in_the_register(admin_user, job, recruiter):
    ana = add_candidate(job=job, name="Ana Lind", email="ana@example.com")
    dsr = _register(admin_user, "ana@example.com", 5, kind="erasure")
    by_address = _register(admin_user, "ANA@example.com", 5, kind="access")
    by_address.candidates.clear()  # registered before she was added: matched by address
    extend_request(dsr=dsr, reason="Ana Lind asked twice", extended_by=admin_user)
    erase_candidate(candidate=ana, erased_by=recruiter, reason="her request")
    for entry in (dsr, by_address):
        entry.refresh_from_db()
        assert (entry.name, entry.email, entry.notes, entry.extension_reason) == ("", "", "", "")
        assert entry.personal_data_removed_at is not None
        assert entry.received_on and entry.due_on
    assert dsr.kind == "erasure" and dsr.erased_at is not None
    assert dsr.due_on == add_months(dsr.received_on, 3)  # the extension itself is kept


def test_the_same_person_in_another_job_keeps_the_address_on_the_request(
    admin_user, job, recruiter
):
    from servicefit.jobs.services import create_job_from_template

    second = create_job_from_template(
        title="Chat agent", template_id="phone_support", created_by=recruiter
    )
    first = add_candidate(job=job, name="Ana Lind", email="ana@example.com")
    again = add_candidate(job=second, name="Ana Lind", email="ana@example.com")
    dsr = _register(admin_user, "ana@example.com", 5, kind="erasure")
    erase_candidate(candidate=first, erased_by=recruiter, reason="her request")
    dsr.refresh_from_db()
    assert dsr.email == "ana@example.com" and list(dsr.candidates.all()) == [again]
    assert dsr.erased_at is not None and dsr.personal_data_removed_at is None


def test_the_export_from_the_register_is_noted_on_the_request(client, admin_user, job):
    ana = add_candidate(job=job, name="Ana Lind", email="ana@example.com")
    dsr = _register(admin_user, "ana@example.com", 5)
    client.force_login(admin_user)
    url = reverse("backoffice:candidate_export", args=[ana.pk])
    client.get(url)  # not from the register: nothing noted
    dsr.refresh_from_db()
    assert dsr.exported_at is None
    client.get(f"{url}?request={dsr.pk}")
    dsr.refresh_from_db()
    assert dsr.exported_at is not None


def test_recruiters_cannot_read_or_add_to_the_register(client, recruiter, admin_user):
    dsr = _register(admin_user, "x@example.com", 1)
    client.force_login(recruiter)
    assert client.get(reverse("backoffice:privacy_requests")).status_code == 403
    assert client.get(reverse("backoffice:privacy_request", args=[dsr.pk])).status_code == 403
    assert "Data-subject requests" not in client.get("/").content.decode()
