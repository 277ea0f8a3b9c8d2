"""`servicefit demo` never damages a real database (QA cli #1, #12)."""

from __future__ import annotations

import pytest

from servicefit.accounts.models import Role, User
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.cli import main
from servicefit.demo import DEMO_JOB_TITLE
from servicefit.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_demo_refuses_a_database_with_other_data_and_changes_nothing(capsys):
    admin = User.objects.create_user("admin", password="Very-Secret-Prod-Pw-91", role=Role.ADMIN)
    assert main(["demo", "--candidates", "2"]) == 2
    err = capsys.readouterr().err
    assert "not demo data (1 user(s))" in err
    assert "--reset-demo" in err
    admin.refresh_from_db()
    assert admin.check_password("Very-Secret-Prod-Pw-91")
    assert not Job.objects.exists()


def test_reset_demo_never_changes_a_real_account():
    User.objects.create_user("admin", password="Very-Secret-Prod-Pw-91", role=Role.RECRUITER)
    assert main(["demo", "--candidates", "2", "--reset-demo"]) == 2
    admin = User.objects.get(username="admin")
    assert admin.check_password("Very-Secret-Prod-Pw-91")
    assert admin.role == Role.RECRUITER and not admin.is_superuser
    assert not Job.objects.exists()


def test_reset_demo_keeps_real_candidates_and_jobs(capsys):
    assert main(["demo", "--candidates", "2"]) == 0
    demo_job = Job.objects.get(title=DEMO_JOB_TITLE)
    real = add_candidate(job=demo_job, name="Real", email="real.candidate@example.com")
    other = Job.objects.create(title="Real job")
    add_candidate(job=other, name="Kim", email="kim@example.com")
    capsys.readouterr()
    assert main(["demo", "--candidates", "2"]) == 2
    assert "2 candidate(s)" in capsys.readouterr().err
    assert main(["demo", "--candidates", "2", "--reset-demo"]) == 0
    assert Candidate.objects.filter(pk=real.pk, job=demo_job).exists()
    assert Job.objects.filter(pk=other.pk).exists()
    assert Candidate.objects.filter(email="kim@example.com").exists()
    assert User.objects.get(username="recruiter").check_password("servicefit-demo")


def test_skip_if_other_data_loads_nothing_and_succeeds(capsys):
    User.objects.create_user("someone", password="x-Very-Secret-1")
    assert main(["demo", "--skip-if-other-data"]) == 0
    assert "Demo data not loaded" in capsys.readouterr().out
    assert not User.objects.filter(username="recruiter").exists()


def test_demo_twice_on_demo_data_resets_it():
    assert main(["demo", "--candidates", "2"]) == 0
    assert main(["demo", "--candidates", "3", "--skip-if-other-data"]) == 0
    job = Job.objects.get(title=DEMO_JOB_TITLE)
    assert job.candidates.count() == 3


def test_demo_refuses_a_negative_number_of_candidates(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--candidates", "-3"])
    assert exit_.value.code == 2
    assert "expected a whole number >= 0" in capsys.readouterr().err
