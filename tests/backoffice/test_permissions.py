"""Every back-office and candidate URL, for every kind of visitor (the permission matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.assessments.services import create_invitation

pytestmark = pytest.mark.django_db

ANON, ADMIN, RECRUITER, INTERVIEWER, TOKEN = (
    "anonymous",
    "admin",
    "recruiter",
    "interviewer",
    "token holder",
)
LOGIN = "login"  # redirected to the login page


@pytest.fixture
def world(admin_user, recruiter, interviewer, scored_candidate):
    from servicefit.candidates.services import add_candidate

    newcomer = add_candidate(job=scored_candidate.job, name="New Person", email="new@example.com")
    invitation = create_invitation(candidate=newcomer, created_by=recruiter)
    return {
        ADMIN: admin_user,
        RECRUITER: recruiter,
        INTERVIEWER: interviewer,
        "candidate": scored_candidate,
        "job": scored_candidate.job,
        "token": invitation.token,
    }


def urls(world):
    job, candidate = world["job"], world["candidate"]
    return [
        (
            "GET",
            reverse("backoffice:dashboard"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 200},
        ),
        (
            "GET",
            reverse("backoffice:job_create"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:job_detail", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:job_edit", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:job_export", args=[job.pk, "csv"]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:job_export", args=[job.pk, "xlsx"]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:candidate_add", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:candidate_import", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:candidate_report", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:candidate_report_pdf", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:reply_rating", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:invitation_send", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:invitation_link", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:invitation_remind", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:bulk_action", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("branding:settings"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 403, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("branding:settings"),
            {ANON: LOGIN, ADMIN: 400, RECRUITER: 403, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:invitation_revoke", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:invitation_extend", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:stage_change", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:candidate_export", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:candidate_erase", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        ("GET", "/admin/", {ANON: LOGIN, ADMIN: 200, RECRUITER: LOGIN, INTERVIEWER: LOGIN}),
    ]


def outcome(response) -> int | str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("who", [ANON, ADMIN, RECRUITER, INTERVIEWER, TOKEN])
def test_permission_matrix(client, world, who):
    if who in (ADMIN, RECRUITER, INTERVIEWER):
        client.force_login(world[who])
    if who == TOKEN:  # a candidate who holds a link is anonymous to the back office
        assert client.get(f"/a/{world['token']}/").status_code == 200
    seen = {}
    for method, url, expected in urls(world):
        response = client.post(url, {}) if method == "POST" else client.get(url)
        seen[(method, url)] = (outcome(response), expected[ANON if who == TOKEN else who])
    wrong = {key: got for key, got in seen.items() if got[0] != got[1]}
    assert wrong == {}


def test_every_backoffice_url_is_in_the_matrix(world):
    from django.urls import get_resolver

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    backoffice = {
        n for n in get_resolver().namespace_dict["backoffice"][1].reverse_dict if isinstance(n, str)
    }
    covered = {
        "dashboard",
        "job_create",
        "job_detail",
        "job_edit",
        "job_export",
        "candidate_add",
        "candidate_import",
        "candidate_report",
        "candidate_report_pdf",
        "reply_rating",
        "invitation_send",
        "invitation_link",
        "invitation_remind",
        "bulk_action",
        "invitation_revoke",
        "invitation_extend",
        "stage_change",
        "candidate_export",
        "candidate_erase",
    }
    assert backoffice == covered
    assert "login" in names
