"""Login, roles, the job list, the language switcher, system checks and the demo command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from servicefit.accounts.models import User
from servicefit.candidates.models import Candidate
from servicefit.cli import main
from servicefit.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_it_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders_a_labelled_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_it_logs_in_with_the_right_password(client, recruiter):
    response = client.post(reverse("login"), {"username": "rita", "password": "pw-rita"})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:dashboard")


def test_it_refuses_the_wrong_password(client, recruiter):
    response = client.post(reverse("login"), {"username": "rita", "password": "nope"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_recruiter_sees_jobs_with_funnel_counts(client, recruiter, job):
    from servicefit.candidates.services import add_candidate

    add_candidate(job=job, name="Ea Holm", email="ea@example.com", added_by=recruiter)
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 200
    assert "Phone agent" in response.content.decode()
    assert response.context["jobs"][0].total == 1
    counts = {step["stage"]: step["count"] for step in response.context["jobs"][0].funnel}
    assert counts["not_invited"] == 1  # added, never sent a link: not counted as invited
    assert counts["invited"] == 0


def test_interviewer_does_not_see_jobs(client, interviewer, job):
    client.force_login(interviewer)
    response = client.get(reverse("backoffice:dashboard"))
    assert response.status_code == 200
    assert "Phone agent" not in response.content.decode()
    assert client.get(reverse("backoffice:job_detail", args=[job.pk])).status_code == 403


def test_admin_site_is_for_admins_only(client, admin_user, recruiter):
    client.force_login(recruiter)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("code", "text"),
    [("da", "Log ind"), ("sv", "Logga in"), ("nb", "Logg inn"), ("pl", "Zaloguj")],
)
def test_language_switcher_translates_the_login_page(client, code, text):
    response = client.post(
        reverse("set_language"), {"language": code, "next": reverse("login")}, follow=True
    )
    assert response.status_code == 200
    assert f'<html lang="{code}">' in response.content.decode()
    assert text in response.content.decode()


def test_health_endpoint_checks_the_database(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_system_checks_pass_on_the_shipped_project():
    call_command("check")


def test_demo_creates_recruiter_job_and_candidates(client):
    assert main(["demo", "--candidates", "30"]) == 0
    recruiter = User.objects.get(username="recruiter")
    assert recruiter.is_recruiter
    job = Job.objects.get(title__startswith="Customer service agent")
    assert job.profile_template == "phone_support"
    assert Candidate.objects.filter(job=job).count() == 30
    assert client.login(username="recruiter", password="servicefit-demo")


def test_demo_can_run_twice(client):
    assert main(["demo", "--candidates", "5"]) == 0
    assert main(["demo", "--candidates", "5"]) == 0
    assert Job.objects.filter(title__startswith="Customer service agent").count() == 1
