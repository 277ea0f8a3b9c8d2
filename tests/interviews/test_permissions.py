"""Every interview URL for every kind of visitor (the permission matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.interviews.services import kit_for_interview

pytestmark = pytest.mark.django_db

ANON, ADMIN, RECRUITER, ASSIGNED, UNASSIGNED = (
    "anonymous",
    "admin",
    "recruiter",
    "assigned interviewer",
    "unassigned interviewer",
)
LOGIN = "login"


@pytest.fixture
def world(admin_user, recruiter, interviewer, outsider, interview):
    return {
        ADMIN: admin_user,
        RECRUITER: recruiter,
        ASSIGNED: interviewer,
        UNASSIGNED: outsider,
        "interview": interview,
        "candidate": interview.candidate,
    }


def matrix(world):
    interview, candidate = world["interview"], world["candidate"]
    kit = kit_for_interview(interview, language="en")
    draft = {f"rating__{kit.questions[0].id.replace('.', '__')}": "3", "save": "1"}
    schedule = {"scheduled_at": "2030-01-02T09:00", "duration_minutes": "60"}
    schedule["interviewers"] = [world[ASSIGNED].pk]
    return [
        ("GET", reverse("interviews:mine"), None, {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, ASSIGNED: 200, UNASSIGNED: 200}),
        ("GET", reverse("interviews:kit", args=[candidate.pk]), None, {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, ASSIGNED: 200, UNASSIGNED: 403}),
        ("GET", reverse("interviews:schedule", args=[candidate.pk]), None, {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, ASSIGNED: 403, UNASSIGNED: 403}),
        ("POST", reverse("interviews:schedule", args=[candidate.pk]), schedule, {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, ASSIGNED: 403, UNASSIGNED: 403}),
        ("GET", reverse("interviews:detail", args=[interview.pk]), None, {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, ASSIGNED: 403, UNASSIGNED: 403}),
        ("GET", reverse("interviews:scorecard", args=[interview.pk]), None, {ANON: LOGIN, ADMIN: 403, RECRUITER: 403, ASSIGNED: 200, UNASSIGNED: 403}),
        ("POST", reverse("interviews:scorecard", args=[interview.pk]), draft, {ANON: LOGIN, ADMIN: 403, RECRUITER: 403, ASSIGNED: 302, UNASSIGNED: 403}),
    ]  # fmt: skip


@pytest.mark.parametrize("who", [ANON, ADMIN, RECRUITER, ASSIGNED, UNASSIGNED])
def test_each_visitor_gets_what_their_role_allows(client, world, who):
    if who != ANON:
        client.force_login(world[who])
    for method, url, data, expected in matrix(world):
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        outcome = expected[who]
        if outcome == LOGIN:
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(reverse("login")), (method, url)
        else:
            assert response.status_code == outcome, (method, url, who)


def test_an_unassigned_interviewer_sees_none_of_the_interview(client, outsider, interview):
    client.force_login(outsider)
    page = client.get(reverse("interviews:mine")).content.decode()
    assert "Sam" not in page
    assert reverse("interviews:scorecard", args=[interview.pk]) not in page


def test_an_interviewer_is_refused_the_candidate_report(client, interviewer, interview):
    client.force_login(interviewer)
    response = client.get(reverse("backoffice:candidate_report", args=[interview.candidate_id]))
    assert response.status_code == 403


def test_a_missing_interview_is_not_found(client, recruiter, interviewer):
    client.force_login(recruiter)
    assert client.get(reverse("interviews:detail", args=[999])).status_code == 404
    client.force_login(interviewer)
    assert client.get(reverse("interviews:scorecard", args=[999])).status_code == 404
