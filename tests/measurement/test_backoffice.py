"""The adaptive switch per job and the measurement-quality page: permissions and content."""

from __future__ import annotations

import pytest

from servicefit.audit.models import AuditEvent
from servicefit.measurement.calibration import calibrate
from servicefit.measurement.models import AdaptiveSetting, QualityReport

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_only_recruiters_and_admins_see_the_pages(client, job, interviewer):
    for url in (f"/jobs/{job.pk}/adaptive/", "/measurement/"):
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(interviewer)
        assert client.get(url).status_code == 403
        assert client.post(url, {"enabled": "on"}).status_code == 403
        client.logout()
    assert not AdaptiveSetting.objects.exists()
    assert not QualityReport.objects.exists()


def test_before_calibration_the_job_page_says_the_fixed_form_stays(client, job, recruiter):
    client.force_login(recruiter)
    page = client.get(f"/jobs/{job.pk}/adaptive/").content.decode()
    assert "Not available yet" in page
    response = client.post(f"/jobs/{job.pk}/adaptive/", {"enabled": "on"}, follow=True)
    assert "has not been calibrated yet" in response.content.decode()
    assert not AdaptiveSetting.objects.filter(enabled=True).exists()


def test_a_recruiter_sees_the_simulation_then_switches_adaptive_on_and_off(
    client, job, recruiter, simulated
):
    simulated({"da": 310})
    stored = calibrate(min_per_group=300)
    client.force_login(recruiter)
    page = client.get(f"/jobs/{job.pk}/adaptive/").content.decode()
    assert f"Item parameters version {stored.version}" in page
    assert f"{stored.simulation['pct_saving']:.0f}%" in page
    client.post(f"/jobs/{job.pk}/adaptive/", {"enabled": "on"})
    setting = AdaptiveSetting.objects.get(job=job)
    assert setting.enabled and setting.changed_by == recruiter
    client.post(f"/jobs/{job.pk}/adaptive/", {})
    setting.refresh_from_db()
    assert not setting.enabled
    actions = list(AuditEvent.objects.filter(job=job).values_list("action", flat=True))
    assert "job.adaptive_on" in actions and "job.adaptive_off" in actions


def test_the_quality_page_flags_an_item_that_is_harder_in_one_language(
    client, job, recruiter, simulated, django_capture_on_commit_callbacks
):
    simulated({"da": 400, "pl": 400}, dif={"language": "pl", "item": "q02", "shift": 1.2})
    client.force_login(recruiter)
    assert "No report yet" in client.get("/measurement/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/measurement/")
    report = QualityReport.objects.get()
    scale = next(s for s in report.report["scales"] if "q02" in s["items"])
    assert any(f.startswith("dif_") for f in scale["flags"]["q02"])
    flagged = {
        item
        for s in report.report["scales"]
        for item, f in s["flags"].items()
        if any(x.startswith("dif_") for x in f)
    }
    assert flagged == {"q02"}
    assert 0.7 < scale["groups"]["all"]["alpha"] < 1
    assert scale["groups"]["pl"]["n"] == 400
    page = client.get("/measurement/").content.decode()
    assert "q02: DIF category C between Polish and Danish." in page  # names, not codes
    assert "Check the translation." in page
