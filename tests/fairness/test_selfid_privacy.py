"""Self-identification stays apart: never on a page or in a file that names a person."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from servicefit.candidates.services import add_candidate, move_to_stage
from servicefit.demo_assessments import simulate_assessment
from servicefit.fairness.models import Outcome, SelfIdentification, SelfIdQuestion
from servicefit.fairness.selfid import save_self_identification
from servicefit.interviews.demo import add_demo_interviews
from servicefit.oversight.services import request_review
from servicefit.privacy.services import erase_candidate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

QUESTION = "Marker-Question-QZX"
OPTION = "Marker-Option-QZX"
GENDER_LABEL = "Non-binary or another gender"


@pytest.fixture
def identified(job, recruiter, interviewer, make_user):
    rng = random.Random(5)
    SelfIdQuestion.objects.create(
        key="marker", label=QUESTION, options=[OPTION, "Other-Option"], lawful_basis="test basis"
    )
    people = []
    for i in range(8):
        person = add_candidate(job=job, name=f"Named Person {i}", email=f"np{i}@example.com")
        simulate_assessment(candidate=person, rng=rng)
        save_self_identification(
            candidate=person, raw={"gender": "another", "age_band": "55_plus", "marker": OPTION}
        )
        people.append(person)
    for person in people[:3]:
        move_to_stage(candidate=person, stage="shortlisted", changed_by=recruiter)
    add_demo_interviews(
        job=job,
        interviewers=[interviewer, make_user("ina", "interviewer")],
        recruiter=recruiter,
        rng=rng,
        count=2,
        upcoming=1,
    )
    request_review(candidate=people[0], kind="contest", message="Please look again")
    return people


def _patterns(resolver=None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace or ""
            if namespace in {"backoffice", "interviews"}:
                yield from ((f"{namespace}:{p.name}", p) for p in entry.url_patterns if p.name)
        elif isinstance(entry, URLPattern):
            continue


def _urls(candidate, job, interview_ids, review_id):
    values = {
        "candidate_id": [candidate.pk],
        "job_id": [job.pk],
        "interview_id": interview_ids,
        "request_id": [review_id],
        "fmt": ["csv", "xlsx", "pdf", "json", "html"],
    }
    for name, pattern in _patterns():
        params = list(pattern.pattern.converters)
        combos = [{}]
        for param in params:
            combos = [dict(c, **{param: v}) for c in combos for v in values.get(param, [])]
        for kwargs in combos:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:  # e.g. a format this route does not offer
                continue
            yield url


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if "pdf" in kind:
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ["admin", "recruiter", "interviewer"])
def test_no_page_or_export_that_names_a_person_shows_their_self_identification(
    client, identified, job, role, make_user, admin_user, recruiter, interviewer
):
    from servicefit.interviews.models import Interview
    from servicefit.oversight.models import ReviewRequest

    user = {"admin": admin_user, "recruiter": recruiter, "interviewer": interviewer}[role]
    client.force_login(user)
    person = identified[0]
    interview_ids = list(Interview.objects.values_list("pk", flat=True))
    review_id = ReviewRequest.objects.get().pk
    checked = named = 0
    for candidate in (identified[0], identified[5]):
        for url in _urls(candidate, job, interview_ids, review_id):
            if role == "admin" and "export.json" in url:
                continue  # the administrator's copy for the candidate includes it (below)
            response = client.get(url)
            checked += 1
            if response.status_code != 200:
                continue
            text = _text(response)
            names = [p.name for p in identified if p.name in text]
            if not names:
                continue
            named += 1
            for marker in (OPTION, GENDER_LABEL, "55 or over"):
                assert marker not in text, f"{url} names {names[0]} and shows {marker!r}"
    assert checked > 20
    if role != "interviewer":
        assert named >= 8  # shortlist, exports, report, PDF, explanation, data export …
    # a recruiter's copy of the person's data leaves it out; the administrator's copy, the one
    # handed to the candidate (Art. 15), has it, labelled
    if role == "recruiter":
        export = client.get(reverse("backoffice:candidate_export", args=[person.pk])).content
        assert OPTION.encode() not in export and b"selfid" not in export
        assert b"Non-binary" not in export and b"55 or over" not in export
        assert b"only an administrator's export" in export
    if role == "admin":
        export = client.get(reverse("backoffice:candidate_export", args=[person.pk])).json()
        given = export["self_identification"]
        assert "fairness statistics" in given["note"]
        assert {(a["question"], a["answer"]) for a in given["answers"]} == {
            ("Sex or gender", GENDER_LABEL),
            ("Age band", "55 or over"),
            (QUESTION, OPTION),
        }


def test_erasing_a_candidate_erases_their_self_identification_and_outcomes(identified, recruiter):
    person = identified[0]
    Outcome.objects.create(candidate=person, name="qa_score", value=80)
    assert SelfIdentification.objects.filter(candidate=person).exists()
    erase_candidate(candidate=person, erased_by=recruiter, reason="asked")
    assert not SelfIdentification.objects.filter(candidate_id=person.pk).exists()
    assert not Outcome.objects.filter(candidate_id=person.pk).exists()
    assert SelfIdentification.objects.count() == len(identified) - 1
