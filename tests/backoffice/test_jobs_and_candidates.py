"""Recruiter journeys: jobs, candidates, imports, invitations, decisions."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from servicefit.assessments.models import Invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate, Stage, StageChange
from servicefit.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_recruiter_creates_a_job_from_a_template(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:job_create"),
        {
            "template": "technical_support",
            "title": "Helpdesk agent",
            "location": "Malmö",
            "languages": ["sv", "en"],
            "pay_min": "28000",
            "pay_max": "32000",
            "pay_currency": "sek",
            "pay_period": "month",
        },
    )
    job = Job.objects.get(title="Helpdesk agent")
    assert response.status_code == 302
    assert job.channel == "technical"
    assert job.pay_currency == "SEK"
    assert sum(job.weights.values()) == pytest.approx(1.0)
    assert AuditEvent.objects.filter(action="job.created", job=job).exists()


def test_job_form_rejects_an_inverted_pay_range(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:job_create"),
        {
            "template": "phone_support",
            "title": "X",
            "languages": ["en"],
            "pay_min": "5",
            "pay_max": "1",
            "pay_currency": "EUR",
            "pay_period": "hour",
        },
    )
    assert response.status_code == 200
    assert "from the lower to the higher amount" in response.content.decode()
    assert not Job.objects.filter(title="X").exists()


def _edit_data(job, **overrides):
    data = {
        "title": job.title,
        "location": "",
        "channel": job.channel,
        "languages": ["en"],
        "pay_currency": "EUR",
        "pay_period": "month",
        "retention_days": 180,
        "feedback_report": "on",
    }
    from servicefit.backoffice.forms import job_version
    from servicefit.content import default_content

    for competency in default_content().competencies:
        data[f"weight_{competency.id}"] = job.weights.get(competency.id, 0)
        data[f"minimum_{competency.id}"] = job.minimums.get(competency.id, "")
    data["opened_version"] = job_version(job)  # the page was opened from the stored job
    data.update(overrides)
    return data


def test_editing_weights_that_do_not_sum_to_one_is_refused(client, recruiter, job):
    client.force_login(recruiter)
    first = next(iter(job.weights))
    response = client.post(
        reverse("backoffice:job_edit", args=[job.pk]),
        _edit_data(job, **{f"weight_{first}": job.weights[first] + 0.1}),
    )
    assert response.status_code == 200
    assert "must add up to 1" in response.content.decode()


def test_a_minimum_outside_the_scale_is_refused(client, recruiter, job):
    client.force_login(recruiter)
    first = next(iter(job.weights))
    response = client.post(
        reverse("backoffice:job_edit", args=[job.pk]), _edit_data(job, **{f"minimum_{first}": "7"})
    )
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.minimums.get(first) != 7


def test_editing_a_job_saves_weights_and_minimums(client, recruiter, job):
    client.force_login(recruiter)
    first = next(iter(job.weights))
    response = client.post(
        reverse("backoffice:job_edit", args=[job.pk]),
        _edit_data(job, title="Renamed", **{f"minimum_{first}": "3.5"}),
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.title == "Renamed"
    assert job.minimums[first] == 3.5


def test_adding_a_candidate_sends_an_invitation_in_their_language(
    client, recruiter, job, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:candidate_add", args=[job.pk]),
            {
                "name": "Kari Nordmann",
                "email": "kari@example.com",
                "language": "nb",
                "send_invitation": "on",
            },
        )
    assert response.status_code == 302
    candidate = Candidate.objects.get(email="kari@example.com")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@example.com"]
    assert "/a/" in mail.outbox[0].body
    assert Invitation.objects.get(candidate=candidate).sent_at is not None


def test_a_duplicate_candidate_email_gets_a_field_error(client, recruiter, job):
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_add", args=[job.pk])
    client.post(url, {"name": "A", "email": "a@example.com", "language": "en"})
    response = client.post(url, {"name": "B", "email": "a@example.com", "language": "en"})
    assert response.status_code == 200
    assert "already a candidate" in response.content.decode()
    assert Candidate.objects.filter(email="a@example.com").count() == 1


def upload(client, job, name, data, **extra):
    """Upload through the form; the import task runs after commit; returns the progress page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servicefit.candidates.models import CandidateImport

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("backoffice:candidate_import", args=[job.pk]),
            {"file": SimpleUploadedFile(name, data), **extra},
        )
    if response.status_code != 302:
        return response
    latest = CandidateImport.objects.latest("created_at")
    assert response["Location"] == reverse("backoffice:import_status", args=[job.pk, latest.pk])
    return client.get(response["Location"])


def test_importing_a_valid_csv_adds_everyone(client, recruiter, job):
    client.force_login(recruiter)
    csv = "name;email;language\nAnna Berg;anna@example.com;sv\nJan Nowak;jan@example.com;pl\n"
    response = upload(client, job, "people.csv", csv.encode())
    assert response.status_code == 200
    assert "2 candidates imported." in response.content.decode()
    assert set(job.candidates.values_list("email", "language")) == {
        ("anna@example.com", "sv"),
        ("jan@example.com", "pl"),
    }


def test_importing_a_file_with_errors_adds_no_one_and_lists_each_problem(client, recruiter, job):
    client.force_login(recruiter)
    csv = (
        "name,email,language\n"
        "Anna Berg,anna@example.com,sv\n"
        ",nobody@example.com,da\n"
        "Bo,not-an-email,da\n"
        "Cy,anna@example.com,xx\n"
    )
    response = upload(client, job, "people.csv", csv.encode())
    html = response.content.decode()
    assert 'data-status="failed"' in html
    assert job.candidates.count() == 0
    assert "row 3, column &#x27;name&#x27;: the name is empty" in html
    assert (
        "row 4, column &#x27;email&#x27;: &#x27;not-an-email&#x27; is not a valid e-mail address"
        in html
    )
    assert "row 5, column &#x27;email&#x27;: anna@example.com also appears in row 2" in html
    assert (
        "row 5, column &#x27;language&#x27;: &#x27;xx&#x27; is not one of this job&#x27;s "
        "assessment languages (en, da, sv, nb, pl)" in html
    )


def test_only_the_jobs_assessment_languages_can_be_given_to_a_candidate(client, recruiter, job):
    job.languages = ["da", "sv"]
    job.save(update_fields=["languages"])
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_add", args=[job.pk])
    page = client.get(url)
    assert [code for code, _name in page.context["form"].fields["language"].choices] == [
        "da",
        "sv",
    ]
    assert page.context["form"]["language"].value() == "da"
    response = client.post(url, {"name": "Piotr", "email": "piotr@example.com", "language": "pl"})
    assert response.status_code == 200 and not job.candidates.exists()
    assert "pl is not one of this job&#x27;s assessment languages" in response.content.decode()

    csv = "name,email,language\nAnna,anna@example.com,sv\nPiotr,piotr@example.com,pl\n"
    html = upload(client, job, "people.csv", csv.encode()).content.decode()
    assert not job.candidates.exists()
    assert (
        "row 3, column &#x27;language&#x27;: &#x27;pl&#x27; is not one of this job&#x27;s "
        "assessment languages (da, sv)" in html
    )


def test_importing_without_a_required_column_says_which(client, recruiter, job):
    client.force_login(recruiter)
    response = upload(client, job, "people.csv", b"name,phone\nAnna,123\n")
    assert 'data-status="failed"' in response.content.decode()
    assert (
        "row 1, column &#x27;email&#x27;: this required column is missing"
        in response.content.decode()
    )


def test_importing_an_xlsx_file_works(client, recruiter, job):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "E-mail", "Language"])
    sheet.append(["Mette Jensen", "mette@example.com", "da"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(recruiter)
    assert (
        'data-status="done"'
        in upload(client, job, "people.xlsx", buffer.getvalue()).content.decode()
    )
    assert job.candidates.get().name == "Mette Jensen"


def test_a_rejection_needs_a_reason_and_records_who_and_when(client, recruiter, job):
    from servicefit.candidates.services import add_candidate

    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    client.force_login(recruiter)
    url = reverse("backoffice:stage_change", args=[candidate.pk])
    client.post(url, {"opened_stage": "invited", "stage": "rejected"})
    candidate.refresh_from_db()
    assert candidate.stage == Stage.INVITED
    client.post(
        url,
        {
            "opened_stage": "invited",
            "stage": "rejected",
            "reason_code": "experience",
            "note": "Needs more phone experience",
        },
    )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.REJECTED
    change = StageChange.objects.filter(candidate=candidate).last()
    assert (change.changed_by, change.reason_code, change.note) == (
        recruiter,
        "experience",
        "Needs more phone experience",
    )


def test_revoking_and_extending_an_invitation(client, recruiter, job):
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate

    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    new = create_invitation(candidate=candidate, created_by=recruiter)
    before = new.invitation.expires_at
    client.force_login(recruiter)
    client.post(reverse("backoffice:invitation_extend", args=[candidate.pk]), {"days": "7"})
    new.invitation.refresh_from_db()
    assert (new.invitation.expires_at - before).days == 7
    client.post(reverse("backoffice:invitation_revoke", args=[candidate.pk]))
    assert client.get(f"/a/{new.token}/").status_code == 404


def test_a_retention_period_beyond_ten_years_is_refused(client, recruiter, job):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:job_edit", args=[job.pk]),
        _edit_data(job, retention_days="999999999999"),
    )
    assert response.status_code == 200
    assert "less than or equal to 3650" in response.content.decode()
    job.refresh_from_db()
    assert job.retention_days == 180


def test_a_note_without_a_new_stage_does_not_claim_a_stage_change(client, recruiter, job):
    from servicefit.candidates.services import add_candidate

    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    client.force_login(recruiter)
    url = reverse("backoffice:stage_change", args=[candidate.pk])

    same = client.post(
        url,
        {"opened_stage": "invited", "stage": candidate.stage, "note": "Called, no answer"},
        follow=True,
    )
    moved = client.post(
        url,
        {"opened_stage": "invited", "stage": "shortlisted", "reason_code": "assessment"},
        follow=True,
    )

    assert "Recorded. The stage stays Invited." in same.content.decode()
    assert "Stage changed to" not in same.content.decode()
    assert "Stage changed to Shortlisted." in moved.content.decode()


def test_a_note_on_a_closed_candidate_neither_postpones_deletion_nor_resends_the_decision(
    recruiter, job
):
    from servicefit.candidates.models import StageChange
    from servicefit.candidates.services import add_candidate, move_to_stage
    from servicefit.webhooks.models import WebhookDelivery, WebhookSubscription

    WebhookSubscription.objects.create(
        name="ATS",
        url="https://hooks.example.com/in",
        events=["candidate.stage_changed", "decision.recorded"],
        secret="s" * 32,
    )
    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    move_to_stage(candidate=candidate, stage="rejected", changed_by=recruiter, reason_code="other")
    closed_at = candidate.stage_changed_at
    sent = WebhookDelivery.objects.count()
    assert sent == 2  # the move and the decision

    move_to_stage(candidate=candidate, stage="rejected", changed_by=recruiter, note="Asked why")

    candidate.refresh_from_db()
    assert candidate.stage_changed_at == closed_at  # the retention clock keeps running
    assert WebhookDelivery.objects.count() == sent
    notes = StageChange.objects.filter(candidate=candidate).order_by("pk")
    assert [(c.from_stage, c.to_stage, c.note) for c in notes][-1] == (
        "rejected",
        "rejected",
        "Asked why",
    )


# -- job settings that must fit (currency, feedback e-mail, pay range) -----------------------


@pytest.mark.parametrize("currency", ["€€", "kr", "EURO", "XYZ", ""])
def test_a_new_job_refuses_a_currency_that_is_not_an_iso_code(client, recruiter, currency):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:job_create"),
        {
            "template": "phone_support",
            "title": "X",
            "languages": ["en"],
            "pay_currency": currency,
            "pay_period": "hour",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["pay_currency"]
    assert not Job.objects.exists()


def test_the_job_edit_form_refuses_a_bad_currency_and_a_feedback_email_without_report(
    client, recruiter, job
):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:job_edit", args=[job.pk]),
        _edit_data(job, pay_currency="€€", feedback_report="", feedback_email="on"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"pay_currency", "feedback_email"}
    assert "switch the report on, or the e-mail off" in form.errors["feedback_email"][0]
    job.refresh_from_db()
    assert (job.pay_currency, job.feedback_email) == ("EUR", False)


def test_the_job_edit_form_wants_both_ends_of_the_pay_range(client, recruiter, job):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:job_edit", args=[job.pk]), _edit_data(job, pay_min="100")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pay_max"] == [
        "Give both ends of the pay range, or neither."
    ]


def test_the_service_refuses_an_unknown_currency(recruiter):
    from servicefit.jobs.services import create_job_from_template

    with pytest.raises(ValueError, match="unknown currency"):
        create_job_from_template(
            title="X", template_id="phone_support", created_by=recruiter, pay_currency="€€"
        )
    assert not Job.objects.exists()
