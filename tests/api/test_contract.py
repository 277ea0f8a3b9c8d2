"""The contract acceptance checks call: schema, docs, token CLI, jobs list, candidate create."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from servicefit.api.models import ApiToken
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate
from servicefit.cli import main


@pytest.mark.django_db
def test_schema_is_openapi_31_with_the_documented_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    paths = schema["paths"]
    assert "get" in paths["/api/v1/jobs"]
    assert "post" in paths["/api/v1/jobs/{job_id}/candidates"]
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_schema_has_no_duplicate_keys(client):
    """The report's 200 was documented twice ("200" and 200 became two "200" keys): Python
    keeps the last, Swagger UI (a YAML parser) refused the whole schema."""
    duplicates = []

    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        duplicates.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)
    assert duplicates == []
    schema = client.get("/api/v1/openapi.json").json()
    pdf = schema["paths"]["/api/v1/candidates/{candidate_id}/report.pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"]


@pytest.mark.django_db
def test_schema_documents_the_idempotency_key_of_each_create(client):
    for _twice in range(2):  # the schema is built per request; the header appears once
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        for path in [
            "/api/v1/jobs",
            "/api/v1/jobs/{job_id}/candidates",
            "/api/v1/candidates/{candidate_id}/invitation",
        ]:
            operation = paths[path]["post"]
            headers = [p for p in operation["parameters"] if p["in"] == "header"]
            assert [h["name"] for h in headers] == ["Idempotency-Key"], path
            assert headers[0]["schema"]["maxLength"] == 200
        assert "409" in paths["/api/v1/jobs"]["post"]["responses"]
        assert "parameters" not in paths["/api/v1/jobs"]["get"] or not [
            p for p in paths["/api/v1/jobs"]["get"]["parameters"] if p["in"] == "header"
        ]


@pytest.mark.django_db
def test_docs_page_is_served_without_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html


def test_api_token_create_prints_a_working_token(recruiter, capsys, client, job):
    code = main(["api-token", "create", "--user", "rita", "--scope", "jobs:read", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    secret = out["token"]
    assert secret.startswith("sf_") and len(secret) > 40
    stored = ApiToken.objects.get()
    assert stored.token_hash != secret and secret not in stored.token_hash
    response = client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert [j["title"] for j in response.json()["items"]] == ["Phone agent"]


def test_api_token_create_rejects_unknown_scope_and_user(recruiter, capsys):
    assert main(["api-token", "create", "--user", "rita", "--scope", "everything"]) == 2
    assert "unknown scope" in capsys.readouterr().err
    assert main(["api-token", "create", "--user", "nobody", "--scope", "jobs:read"]) == 2
    assert ApiToken.objects.count() == 0


def test_api_token_cannot_be_given_to_an_interviewer(interviewer, capsys):
    assert main(["api-token", "create", "--user", "ivo", "--scope", "jobs:read"]) == 2
    assert "may not use the API" in capsys.readouterr().err


def test_create_candidate_is_idempotent(api, job):
    body = {"name": "Kim Berg", "email": "Kim@Example.com", "language": "da"}
    first = api.post(f"/api/v1/jobs/{job.pk}/candidates", body, headers={"Idempotency-Key": "a1"})
    again = api.post(f"/api/v1/jobs/{job.pk}/candidates", body, headers={"Idempotency-Key": "a1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Candidate.objects.filter(job=job).count() == 1
    candidate = Candidate.objects.get()
    assert (candidate.name, candidate.email, candidate.language) == (
        "Kim Berg",
        "kim@example.com",
        "da",
    )


def test_idempotency_key_reused_with_another_body_is_422(api, job):
    url = f"/api/v1/jobs/{job.pk}/candidates"
    api.post(url, {"name": "A", "email": "a@example.com"}, headers={"Idempotency-Key": "k"})
    response = api.post(
        url, {"name": "B", "email": "b@example.com"}, headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Candidate.objects.count() == 1


def test_duplicate_candidate_is_a_409_problem(api, job):
    url = f"/api/v1/jobs/{job.pk}/candidates"
    api.post(url, {"name": "A", "email": "a@example.com"})
    response = api.post(url, {"name": "A again", "email": "a@example.com"})
    assert response.status_code == 409
    assert response.json()["title"] == "Candidate exists"


def test_invitation_on_create_is_mailed_by_the_worker(
    api, job, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/jobs/{job.pk}/candidates",
            {
                "name": "Ola Berg",
                "email": "ola@example.com",
                "language": "nb",
                "send_invitation": True,
            },
        )
    assert response.status_code == 201
    assert len(mailoutbox) == 1 and "/a/" in mailoutbox[0].body
    status = api.get(f"/api/v1/candidates/{response.json()['id']}/invitation").json()
    assert status["status"] == "sent"


def test_invite_without_email_returns_the_link_once(api, job):
    from servicefit.candidates.services import add_candidate

    person = add_candidate(job=job, name="Kim", email="kim@example.com")
    body = api.post(f"/api/v1/candidates/{person.pk}/invitation", {"send_email": False}).json()
    assert body["email_queued"] is False and "/a/" in body["url"]
    status = api.get(f"/api/v1/candidates/{person.pk}/invitation").json()
    assert status["status"] == "created"


def test_every_call_is_audited_with_the_token_prefix(api, job):
    api.get("/api/v1/jobs")
    event = AuditEvent.objects.filter(action="api.call").get()
    assert event.detail["path"] == "/api/v1/jobs"
    assert event.detail["status"] == 200
    assert event.detail["token"].startswith("sf_")
    assert event.actor_label == "rita"


def test_cursor_pagination_walks_every_candidate_once(api, job):
    from servicefit.candidates.services import add_candidate

    for i in range(7):
        add_candidate(job=job, name=f"P{i}", email=f"p{i}@example.com")
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "job": job.pk}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/api/v1/candidates", **params).json()
        seen += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"P{i}" for i in range(7)]


def test_filter_by_stage(api, job):
    from servicefit.candidates.services import add_candidate, move_to_stage

    a = add_candidate(job=job, name="A", email="a@example.com")
    add_candidate(job=job, name="B", email="b@example.com")
    move_to_stage(candidate=a, stage="shortlisted", changed_by=None)
    page = api.get("/api/v1/candidates", stage="shortlisted").json()
    assert [c["name"] for c in page["items"]] == ["A"]
    assert api.get("/api/v1/candidates", stage="bogus").status_code == 422


def test_result_of_a_scored_candidate(api, scored_candidate):
    body = api.get(f"/api/v1/candidates/{scored_candidate.pk}/result").json()
    assert body["status"] == "scored"
    assert body["scoring_version"]
    stored = scored_candidate.assessment.result.competencies
    by_id = {c["competency"]: c for c in body["competencies"]}
    assert set(by_id) == set(stored)


def test_report_pdf(api, scored_candidate):
    response = api.get(f"/api/v1/candidates/{scored_candidate.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"


def test_decisions_are_read_only(api, job, recruiter):
    from servicefit.candidates.services import add_candidate, move_to_stage

    a = add_candidate(job=job, name="A", email="a@example.com")
    move_to_stage(candidate=a, stage="rejected", changed_by=recruiter, reason_code="other")
    decisions = api.get(f"/api/v1/candidates/{a.pk}/decisions").json()
    assert decisions[-1]["to_stage"] == "rejected"
    assert decisions[-1]["decided_by"] == "rita"
    assert api.post(f"/api/v1/candidates/{a.pk}/decisions", {}).status_code == 405


def test_create_job_from_template(api):
    response = api.post("/api/v1/jobs", {"title": "Chat agent", "template": "email_chat_support"})
    assert response.status_code == 201, response.content
    assert response.json()["template"] == "email_chat_support"
    bad = api.post("/api/v1/jobs", {"title": "X", "template": "nope"})
    assert bad.status_code == 422


def test_cli_runs_as_a_process(tmp_path):
    """The console script is wired (``servicefit api-token --help``)."""
    done = subprocess.run(
        [sys.executable, "-m", "servicefit.cli", "api-token", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "create" in done.stdout


def test_import_status_reports_progress_and_problems(
    api, job, recruiter, django_capture_on_commit_callbacks
):
    from servicefit.candidates.imports import queue_import

    waiting = queue_import(
        job=job,
        file_name="later.csv",
        data=b"name,email\nC,c@example.com\n",
        send_invitations=False,
        added_by=recruiter,
    )
    assert api.get(f"/api/v1/imports/{waiting.pk}").json()["status"] == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        good = queue_import(
            job=job,
            file_name="good.csv",
            data=b"name,email\nAnna,anna@example.com\nBo,bo@example.com\n",
            send_invitations=False,
            added_by=recruiter,
        )
    with django_capture_on_commit_callbacks(execute=True):
        bad = queue_import(
            job=job,
            file_name="bad.csv",
            data=b"name,email\nAnna,not-an-email\n",
            send_invitations=False,
            added_by=recruiter,
        )
    done = api.get(f"/api/v1/imports/{good.pk}").json()
    assert (done["status"], done["created_count"], done["problem_count"]) == ("done", 2, 0)
    failed = api.get(f"/api/v1/imports/{bad.pk}").json()
    assert failed["status"] == "failed" and failed["created_count"] == 0
    assert failed["problems"][0]["row"] == 2 and failed["problems"][0]["column"] == "email"
    assert api.get("/api/v1/imports/999999").status_code == 404


def test_listing_costs_the_same_queries_for_any_page_size(api, scored_job):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path, limit):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(path, limit=limit).status_code == 200
        return len(ctx.captured_queries)

    api.get("/api/v1/jobs")  # the token's last-used time is written at most every 30 s
    for path in (f"/api/v1/jobs/{scored_job.pk}/candidates", "/api/v1/candidates"):
        assert count(path, 2) == count(path, 20), path
