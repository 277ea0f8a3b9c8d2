"""The fairness page, the audit summary downloads, self-identification and its questions."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from servicefit.assessments.services import create_invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Stage
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.fairness.models import SelfIdentification, SelfIdQuestion

pytestmark = pytest.mark.django_db

WOMAN = {"gender": "woman", "age_band": "25_39"}
MAN = {"gender": "man", "age_band": "25_39"}


@pytest.fixture
def flagged_job(job, build):
    build(
        job,
        [
            (WOMAN, Stage.SHORTLISTED, 2),
            (WOMAN, Stage.COMPLETED, 8),
            (MAN, Stage.SHORTLISTED, 6),
            (MAN, Stage.COMPLETED, 4),
            ({"gender": "another", "age_band": "55_plus"}, Stage.COMPLETED, 3),
        ],
    )
    return job


def test_recruiters_see_the_fairness_page_and_interviewers_do_not(
    client, flagged_job, recruiter, interviewer
):
    client.force_login(interviewer)
    url = reverse("backoffice:job_fairness", args=[flagged_job.pk])
    assert client.get(url).status_code == 403
    client.force_login(recruiter)
    page = client.get(url).content.decode()
    assert "Completed → shortlisted" in page and "four-fifths flag" in page
    assert "suppressed (fewer than 5 people)" in page
    assert "Person 0" not in page  # aggregates only
    assert AuditEvent.objects.filter(action="fairness.viewed", job=flagged_job).exists()
    by_age = client.get(url, {"by": "age_band"}).content.decode()
    assert "25 to 39" in by_age
    bad = client.get(url, {"start": "2026-05-01", "end": "2026-01-01"})
    assert "The period must start before it ends." in bad.content.decode()


@pytest.mark.slow
def test_the_audit_summary_is_one_page_and_the_csv_has_every_group(client, flagged_job, recruiter):
    client.force_login(recruiter)
    pdf = client.get(reverse("backoffice:job_audit_summary", args=[flagged_job.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Adverse-impact audit summary" in text and "Method notes" in text
    assert "0.33" in text  # women's impact ratio at shortlisting: 0.2 / 0.6
    assert re.search(r"Generated: \S+ \d\d:\d\d (CET|CEST|UTC)", text), text  # the zone named
    response = client.get(reverse("backoffice:job_audit_summary", args=[flagged_job.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    shortlisting = [
        r for r in rows if r[2] == "Completed → shortlisted" and r[3] == "Sex or gender"
    ]
    woman = next(r for r in shortlisting if r[4] == "Woman")
    assert woman[5:10] == ["10", "2", "0.200", "0.333", "yes"]
    hidden = next(r for r in shortlisting if r[4] == "Non-binary or another gender")
    assert hidden[5] == "" and "suppressed" in hidden[-1]
    assert not any("Person" in cell for row in rows for cell in row)


@pytest.fixture
def submitted_token(job, recruiter):
    person = add_candidate(job=job, name="Ada Lind", email="ada@example.com")
    simulate_assessment(candidate=person, rng=random.Random(1))
    return person, create_invitation(candidate=person, created_by=recruiter).token


def test_self_identification_is_optional_and_stored_apart(client, submitted_token):
    person, token = submitted_token
    url = reverse("portal:self_identify", args=[token])
    page = client.get(url).content.decode()
    assert "I prefer not to say" in page and "voluntary" in page
    client.post(url, {"skip": "1"})
    assert not SelfIdentification.objects.exists()
    client.post(url, {"gender": "woman", "age_band": "made-up"})
    assert not SelfIdentification.objects.exists()  # an unknown option is refused
    client.post(url, {"gender": "woman", "age_band": "prefer_not"})
    stored = SelfIdentification.objects.get()
    assert stored.answers == {"gender": "woman"}  # "prefer not to say" is simply not stored
    assert not AuditEvent.objects.filter(action="selfid.given", candidate=person).exists()


def test_self_identification_needs_a_submitted_assessment(client, job, recruiter):
    person = add_candidate(job=job, name="Not Done", email="nd@example.com")
    token = create_invitation(candidate=person, created_by=recruiter).token
    assert client.get(reverse("portal:self_identify", args=[token])).status_code == 404
    assert client.get(reverse("portal:contest", args=[token])).status_code == 404
    assert client.get(reverse("portal:self_identify", args=["nonsense"])).status_code == 404


def test_only_admins_add_questions_and_each_needs_a_lawful_basis(client, recruiter, admin_user):
    url = reverse("backoffice:selfid_questions")
    client.force_login(recruiter)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    response = client.post(url, {"label": "Disability", "options": "Yes\nNo", "lawful_basis": "x"})
    assert "Describe the lawful basis" in response.content.decode()
    client.post(
        url,
        {
            "label": "Disability",
            "options": "Yes\nNo\nYes",
            "lawful_basis": "GDPR Art. 9(2)(b); national equality-monitoring law",
        },
    )
    question = SelfIdQuestion.objects.get()
    assert question.key == "disability" and question.options == ["Yes", "No"]
    assert question.created_by == admin_user


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"start": "2026-12-31", "end": "2026-01-01"}, "The period must start before it ends."),
        ({"start": "garbage"}, "Enter a valid date."),
        ({"end": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_an_invalid_period_shows_the_error_and_no_statistics(
    client, flagged_job, recruiter, params, error
):
    client.force_login(recruiter)
    url = reverse("backoffice:job_fairness", args=[flagged_job.pk])
    page = client.get(url, params).content.decode()
    assert error in page
    assert "No statistics are shown until the period is valid." in page
    assert "candidates in the period" not in page
    assert "four-fifths flag" not in page and "Completed → shortlisted" not in page
    summary = client.get(
        reverse("backoffice:job_audit_summary", args=[flagged_job.pk, "csv"]), params
    )
    assert summary.status_code == 302 and summary["Location"].startswith(url)


@pytest.mark.parametrize(
    ("language", "twenty_percent"),
    [("da", "20\u00a0%"), ("sv", "20\u00a0%"), ("nb", "20\u00a0%"), ("pl", "20%"), ("en", "20%")],
)
def test_selection_rates_are_written_as_the_readers_language_writes_percentages(
    client, flagged_job, recruiter, language, twenty_percent
):
    """Danish, Swedish and Norwegian put a space before the percent sign ("20 %"); the page
    printed "20%" in every language."""
    client.force_login(recruiter)
    url = reverse("backoffice:job_fairness", args=[flagged_job.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f">{twenty_percent}<" in page  # women's selection rate at shortlisting: 2 of 10
    if language in {"da", "sv", "nb"}:
        assert not re.search(r"\d%", page)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "da", "sv", "nb", "pl"])
def test_a_busy_jobs_audit_summary_stays_on_one_page_in_every_language(
    client, job, build, recruiter, language
):
    """Four groups at three steps: the Polish summary ran onto a second page at 7pt (longer
    words than English wrap more cells onto two lines); at 6.5pt every language fits."""
    groups = []
    for gender in ("woman", "man"):
        for age in ("under_25", "25_39"):
            answers = {"gender": gender, "age_band": age}
            for stage in (Stage.COMPLETED, Stage.SHORTLISTED, Stage.INTERVIEW):
                groups.append((answers, stage, 3 if gender == "woman" else 4))
    build(job, groups)
    client.force_login(recruiter)
    url = reverse("backoffice:job_audit_summary", args=[job.pk, "pdf"])
    pdf = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
