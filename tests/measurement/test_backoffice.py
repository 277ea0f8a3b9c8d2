"""The adaptive switch per job and the measurement-quality page: permissions and content."""

from __future__ import annotations

import numpy as np
import pytest

from servicefit.assessments.models import Answer
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate
from servicefit.fairness.models import SelfIdentification
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


def test_the_quality_page_compares_self_identified_groups_and_suppresses_small_ones(
    client, job, recruiter, simulated, django_capture_on_commit_callbacks
):
    simulated({"da": 400}, seed=21)
    simulated({"da": 400}, seed=22, dif={"language": "da", "item": "q05", "shift": 1.2})
    first = list(Candidate.objects.filter(email__endswith="-21@example.com").order_by("pk"))
    second = Candidate.objects.filter(email__endswith="-22@example.com")
    answers = ["under_25"] * 3 + ["prefer_not"] * 10 + ["25_39"] * (len(first) - 13)
    SelfIdentification.objects.bulk_create(
        [
            SelfIdentification(candidate=c, answers={"age_band": a})
            for c, a in zip(first, answers, strict=True)
        ]
        + [SelfIdentification(candidate=c, answers={"age_band": "55_plus"}) for c in second]
    )
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/measurement/")
    report = QualityReport.objects.get().report

    age = next(c for c in report["selfid"]["categories"] if c["key"] == "age_band")
    assert age["groups"] == [
        {"group": "25_39", "n": 387, "tested": True},
        {"group": "40_54", "suppressed": True, "tested": False},  # nobody: listed all the same
        {"group": "55_plus", "n": 400, "tested": True},
        {"group": "under_25", "suppressed": True, "tested": False},
    ]
    gender = next(c for c in report["selfid"]["categories"] if c["key"] == "gender")
    assert gender["groups"] == [
        {"group": g, "suppressed": True, "tested": False} for g in ("another", "man", "woman")
    ]
    flagged = {
        item: f
        for s in report["scales"]
        for item, f in s["flags"].items()
        if any(x.startswith("selfid_dif_") for x in f)
    }
    assert list(flagged) == ["q05"], flagged
    assert not any(x.startswith("dif_") for x in flagged["q05"])  # one language: no language DIF
    row = next(d for s in report["scales"] for d in s["selfid_dif"] if d["item"] == "q05")
    assert (row["characteristic"], row["reference"], row["focal"]) == (
        "age_band",
        "55_plus",
        "25_39",
    )
    assert "under_25" not in str(report["scales"])  # a suppressed group is in no comparison

    page = client.get("/measurement/").content.decode()
    assert "Under 25: suppressed (fewer than 5 people)" in page
    assert "40 to 54: suppressed (fewer than 5 people)" in page
    assert "25 to 39: 387" in page and "55 or over: 400" in page
    assert "Under 25: 3" not in page
    assert (
        f"q05: DIF category {row['category']} between the self-identified groups 25 to 39 and "
        "55 or over (Age band)." in page
    )
    assert "Sim da" not in page and "@example.com" not in page  # never a person


def test_the_quality_page_uses_everyone_who_answered_a_competencys_statements(
    client, job, recruiter, simulated, django_capture_on_commit_callbacks
):
    # Found in the analyst audit: with 4-6 % of statements skipped at random only ~25 of 300
    # questionnaires had all 64 answered, so every competency read "too few answers" although
    # about 255 people had answered all four of its statements.
    simulated({"da": 400}, seed=5)
    answers = list(Answer.objects.filter(value__isnull=False).values_list("pk", flat=True))
    rng = np.random.default_rng(5)
    Answer.objects.filter(
        pk__in=[int(p) for p in rng.choice(answers, len(answers) // 16, replace=False)]
    ).delete()
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/measurement/")
    report = QualityReport.objects.get().report
    assert report["n_complete"] < 30
    for scale in report["scales"]:
        stats = scale["groups"]["all"]
        assert stats is not None, scale["competency"]
        assert 280 < stats["n"] < 400
        assert 0.7 < stats["alpha"] < 1
    assert report["n_questionnaires"] == 400
    page = client.get("/measurement/").content.decode()
    assert "on 400 submitted questionnaires" in page
    assert "too few answers" not in page


def test_a_negative_alpha_on_the_quality_page_reads_as_no_consistency(client, recruiter):
    """Alpha below 0 was shown as a bare number beside the "0 to 1" legend."""
    from servicefit.content import default_content

    competency = default_content().competencies[0].id
    item = {"item": "q01", "item_total_r": -0.3, "alpha_if_deleted": 0.2}
    QualityReport.objects.create(
        content_version=default_content().version,
        n_sessions=60,
        report={
            "n_complete": 60,
            "scales": [
                {
                    "competency": competency,
                    "items": ["q01"],
                    "groups": {
                        "all": {"n": 60, "alpha": -0.25, "omega": None, "items": [item]},
                        "da": {"n": 60, "alpha": 0.71, "omega": 0.72, "items": [item]},
                    },
                    "flags": {},
                    "dif": [],
                }
            ],
        },
    )
    client.force_login(recruiter)
    page = client.get("/measurement/").content.decode()
    assert '-0.25 <span class="badge bad" data-below-zero>below 0: no consistency</span>' in page
    assert page.count("data-below-zero") == 1  # not beside the 0.71
    assert "Treat it as no consistency at all, never as a small amount." in page
