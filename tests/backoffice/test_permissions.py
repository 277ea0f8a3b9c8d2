"""Every back-office and candidate URL, for every kind of visitor (the permission matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.api.tokens import create_token
from servicefit.assessments.services import create_invitation
from servicefit.oversight.services import request_review
from servicefit.webhooks.models import WebhookSubscription

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
    from servicefit.candidates.imports import queue_import

    candidate_import = queue_import(
        job=scored_candidate.job,
        file_name="people.csv",
        data=b"name,email\nA,a@example.com\n",
        send_invitations=False,
        added_by=recruiter,
    )
    review = request_review(candidate=scored_candidate, kind="review", message="Please check")
    webhook = WebhookSubscription.objects.create(
        name="ATS", url="http://127.0.0.1:9/hook", events=["assessment.scored"], secret="s"
    )
    api_token = create_token(user=recruiter, name="ATS", scopes=["jobs:read"], created_by=None)
    from servicefit.privacy.services import register_request

    dsr = register_request(
        kind="access",
        email=scored_candidate.email,
        name="",
        received_on=scored_candidate.created_at.date(),
        notes="",
        registered_by=admin_user,
    )
    return {
        "dsr": dsr,
        "webhook": webhook,
        "api_token": api_token.token,
        "review": review,
        "import": candidate_import,
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
        (  # without the confirmation box: refused with a message, the job stays open
            "POST",
            reverse("backoffice:job_close", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:job_reopen", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
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
            reverse("backoffice:import_status", args=[job.pk, world["import"].pk]),
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
            "GET",
            reverse("backoffice:candidate_edit", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "POST",
            # an empty form does not carry the version its page showed: refused as stale
            reverse("backoffice:candidate_edit", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 409, RECRUITER: 409, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:stage_change", args=[candidate.pk]),
            {ANON: LOGIN, ADMIN: 400, RECRUITER: 400, INTERVIEWER: 403},
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
        (
            "GET",
            reverse("backoffice:job_adaptive", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:job_adaptive", args=[job.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:measurement_quality"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403},
        ),
        ("GET", "/admin/", {ANON: LOGIN, ADMIN: 200, RECRUITER: LOGIN, INTERVIEWER: LOGIN}),
        *fairness_urls(world),
    ]


def fairness_urls(world):
    """Fairness, validation and oversight (issue 13)."""
    job, candidate, review = world["job"], world["candidate"], world["review"]
    staff = {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 403}
    admin_only = {ANON: LOGIN, ADMIN: 302, RECRUITER: 403, INTERVIEWER: 403}
    return [
        ("GET", reverse("backoffice:job_fairness", args=[job.pk]), staff),
        ("GET", reverse("backoffice:job_audit_summary", args=[job.pk, "csv"]), staff),
        ("GET", reverse("backoffice:job_validation", args=[job.pk]), staff),
        ("POST", reverse("backoffice:scoring_suspend", args=[job.pk]), admin_only),
        ("POST", reverse("backoffice:scoring_resume", args=[job.pk]), admin_only),
        (
            "GET",
            reverse("backoffice:selfid_questions"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 403, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:privacy_requests"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 403, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:privacy_requests"),
            {ANON: LOGIN, ADMIN: 400, RECRUITER: 403, INTERVIEWER: 403},
        ),
        (
            "GET",
            reverse("backoffice:privacy_request", args=[world["dsr"].pk]),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 403, INTERVIEWER: 403},
        ),
        (
            "POST",
            reverse("backoffice:privacy_request", args=[world["dsr"].pk]),
            {ANON: LOGIN, ADMIN: 400, RECRUITER: 403, INTERVIEWER: 403},
        ),
        ("GET", reverse("backoffice:review_queue"), staff),
        (
            "POST",
            reverse("backoffice:review_resolve", args=[review.pk]),
            {ANON: LOGIN, ADMIN: 302, RECRUITER: 302, INTERVIEWER: 403},
        ),
        ("GET", reverse("backoffice:candidate_explanation", args=[candidate.pk]), staff),
        ("GET", reverse("backoffice:candidate_explanation_json", args=[candidate.pk]), staff),
        (
            "GET",
            reverse("backoffice:instructions"),
            {ANON: LOGIN, ADMIN: 200, RECRUITER: 200, INTERVIEWER: 200},
        ),
        *integration_urls(world),
    ]


def integration_urls(world):
    webhook, token = world["webhook"], world["api_token"]
    admin_only = {ANON: LOGIN, RECRUITER: 403, INTERVIEWER: 403}
    return [
        ("GET", reverse("backoffice:integrations"), {**admin_only, ADMIN: 200}),
        ("POST", reverse("backoffice:token_create"), {**admin_only, ADMIN: 400}),
        ("POST", reverse("backoffice:token_revoke", args=[token.pk]), {**admin_only, ADMIN: 302}),
        ("POST", reverse("backoffice:webhook_create"), {**admin_only, ADMIN: 400}),
        (
            "GET",
            reverse("backoffice:webhook_detail", args=[webhook.pk]),
            {**admin_only, ADMIN: 200},
        ),
        ("POST", reverse("backoffice:webhook_test", args=[webhook.pk]), {**admin_only, ADMIN: 302}),
        (
            "POST",
            reverse("backoffice:webhook_toggle", args=[webhook.pk]),
            {**admin_only, ADMIN: 302},
        ),
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
        "job_close",
        "job_reopen",
        "job_export",
        "candidate_add",
        "candidate_import",
        "import_status",
        "candidate_report",
        "candidate_report_pdf",
        "candidate_edit",
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
        "job_fairness",
        "job_audit_summary",
        "job_validation",
        "scoring_suspend",
        "scoring_resume",
        "selfid_questions",
        "privacy_requests",
        "privacy_request",
        "review_queue",
        "review_resolve",
        "candidate_explanation",
        "candidate_explanation_json",
        "instructions",
        "integrations",
        "token_create",
        "token_revoke",
        "webhook_create",
        "webhook_detail",
        "webhook_test",
        "webhook_toggle",
        "job_adaptive",
        "measurement_quality",
    }
    assert backoffice == covered
    assert "login" in names
