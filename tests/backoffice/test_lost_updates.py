"""Two recruiters (or two tabs) editing the same job or candidate: no lost update.

The second save from a page opened before the first save is refused with who saved, when and
what, and what the second recruiter typed is kept; saving again then applies it on purpose.
"""

from __future__ import annotations

import pytest
from django.test import Client

from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_data(response) -> dict:
    """What the browser would send from the page: every field as the page filled it in."""
    form = response.context["form"]
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value if isinstance(value, list) else str(value)
    return data


def test_a_second_job_save_from_an_older_page_is_refused_not_applied_over_the_first(
    recruiter, admin_user, job
):
    url = f"/jobs/{job.pk}/edit/"
    rita, alice = _signed_in(recruiter), _signed_in(admin_user)
    rita_page, alice_page = _form_data(rita.get(url)), _form_data(alice.get(url))

    assert rita.post(url, {**rita_page, "retention_days": "222"}).status_code == 302
    refused = alice.post(url, {**alice_page, "title": "Phone agent, nights"})

    assert refused.status_code == 409
    job.refresh_from_db()
    assert (job.title, job.retention_days) == ("Phone agent", 222)  # Rita's change stands
    html = refused.content.decode()
    assert "rita saved this job at" in html
    assert "Retention period (days)" in html
    assert 'value="Phone agent, nights"' in html  # what Alice typed is still in the form
    assert "Saved meanwhile: 222" in html  # and beside the field, what Rita saved
    assert AuditEvent.objects.filter(action="job.edited").count() == 1

    # Saving the refused page again (it now carries the current version) applies it on purpose.
    again = alice.post(url, _form_data(refused))
    assert again.status_code == 302
    job.refresh_from_db()
    assert job.title == "Phone agent, nights"
    # the page still showed Rita's 180 as Alice's form had it: saving it again is deliberate
    assert job.retention_days == 180


def test_a_job_save_without_the_page_version_is_refused(client, recruiter, job):
    client.force_login(recruiter)
    data = _form_data(client.get(f"/jobs/{job.pk}/edit/"))
    del data["opened_version"]
    response = client.post(f"/jobs/{job.pk}/edit/", {**data, "title": "Changed"})
    assert response.status_code == 409
    assert "changed after you opened this page" in response.content.decode()
    assert Job.objects.get(pk=job.pk).title == "Phone agent"


def test_the_same_page_saved_twice_in_a_row_does_not_conflict_with_itself_when_unchanged(
    client, recruiter, job
):
    """Resubmitting an unchanged page (Back, then save) is not a conflict: nothing differs."""
    client.force_login(recruiter)
    data = _form_data(client.get(f"/jobs/{job.pk}/edit/"))
    assert client.post(f"/jobs/{job.pk}/edit/", data).status_code == 302
    assert client.post(f"/jobs/{job.pk}/edit/", data).status_code == 302


def test_a_second_correction_of_a_candidate_from_an_older_page_is_refused(
    recruiter, admin_user, job
):
    candidate = add_candidate(job=job, name="William Karlsson", email="william@example.com")
    url = f"/candidates/{candidate.pk}/edit/"
    rita, alice = _signed_in(recruiter), _signed_in(admin_user)
    rita_page, alice_page = _form_data(rita.get(url)), _form_data(alice.get(url))

    assert rita.post(url, {**rita_page, "email": "w.karlsson@example.com"}).status_code == 302
    refused = alice.post(url, {**alice_page, "name": "William Karlsson Jr"})

    assert refused.status_code == 409
    candidate.refresh_from_db()
    # the corrected address is not silently put back to the old one
    assert (candidate.name, candidate.email) == ("William Karlsson", "w.karlsson@example.com")
    html = refused.content.decode()
    assert "rita saved this candidate&#x27;s details at" in html
    assert "(changed: E-mail)" in html
    assert 'value="William Karlsson Jr"' in html
    assert "Saved meanwhile: w.karlsson@example.com" in html  # beside the e-mail field

    again = alice.post(url, _form_data(refused))
    assert again.status_code == 302
    assert Candidate.objects.get(pk=candidate.pk).name == "William Karlsson Jr"


def test_saving_a_job_counts_only_what_was_changed_not_every_weight(
    client, recruiter, job, django_capture_on_commit_callbacks
):
    """The page's weights ("0.15") read back equal to the stored floats (0.15): a title change
    is audited as a title change, and the standings are not recomputed for it (nor does a
    refused save name weights nobody touched)."""
    client.force_login(recruiter)
    data = _form_data(client.get(f"/jobs/{job.pk}/edit/"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/jobs/{job.pk}/edit/", {**data, "title": "Phone agent, days"})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="job.edited").detail == {"fields": ["title"]}
    assert callbacks == []  # no recompute of the standings queued


def test_the_new_job_page_sent_twice_creates_one_job(client, recruiter):
    client.force_login(recruiter)
    data = _form_data(client.get("/jobs/new/"))
    data.update(title="Kundeservice", template="phone_support", pay_period="month")
    first = client.post("/jobs/new/", data)
    second = client.post("/jobs/new/", data)  # Back, then "Create job" again
    job = Job.objects.get(title="Kundeservice")
    assert first["Location"] == second["Location"] == f"/jobs/{job.pk}/edit/"
    assert "with the same details: here it is" in client.get(second["Location"]).content.decode()
    # other details: another job
    client.post("/jobs/new/", {**data, "location": "Aarhus"})
    assert Job.objects.filter(title="Kundeservice").count() == 2
