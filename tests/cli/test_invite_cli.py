"""`servicefit invite` enforces what the back office's add form does (QA cli #4, #5, #7)."""

from __future__ import annotations

import pytest

from servicefit.assessments.models import Invitation
from servicefit.candidates.models import Candidate
from servicefit.cli import main

pytestmark = pytest.mark.django_db


def invite(job, *extra):
    return main(["invite", "--job", str(job.pk), *extra])


def test_a_name_over_200_characters_is_refused_and_nothing_is_stored(job, capsys):
    assert invite(job, "--email", "nn@example.com", "--name", "N" * 500) == 2
    err = capsys.readouterr().err
    assert "--name: Ensure this value has at most 200 characters (it has 500)." in err
    assert not Candidate.objects.exists()


def test_an_email_over_254_characters_is_refused(job, capsys):
    assert invite(job, "--email", "a" * 250 + "@example.com") == 2
    assert "--email: Ensure this value has at most 254 characters (it has 262)." in (
        capsys.readouterr().err
    )
    assert not Candidate.objects.exists()


def test_a_long_address_that_fits_gets_a_shortened_derived_name(job):
    assert invite(job, "--email", "b" * 230 + "@example.com") == 0
    assert len(Candidate.objects.get().name) == 200


def test_a_language_the_job_does_not_offer_is_refused_with_the_jobs_languages(job, capsys):
    job.languages = ["en", "sv"]
    job.save()
    assert invite(job, "--email", "pia@example.com", "--language", "da") == 2
    err = capsys.readouterr().err
    assert "--language: da is not one of this job's assessment languages" in err
    assert "'Phone agent' is offered in: en, sv" in err
    assert not Candidate.objects.exists()
    assert invite(job, "--email", "pia@example.com", "--language", "sv") == 0
    assert Candidate.objects.get().language == "sv"


def test_the_name_is_cleaned_as_in_the_back_office(job):
    assert invite(job, "--email", "kim@example.com", "--name", "  Kim\x00  Lund ") == 0
    assert Candidate.objects.get().name == "Kim Lund"


@pytest.mark.parametrize("days", ["0", "366", "99999999"])
def test_days_out_of_range_is_a_clear_error(job, capsys, days):
    assert invite(job, "--email", "x9@example.com", "--days", days) == 2
    assert "--days must be from 1 to 365" in capsys.readouterr().err
    assert not Invitation.objects.exists()


def test_a_new_candidate_gets_the_jobs_first_language_by_default(job):
    job.languages = ["da", "sv"]
    job.save()
    assert invite(job, "--email", "ida@example.com") == 0
    assert Candidate.objects.get().language == "da"


def test_an_existing_candidate_gets_a_new_link_and_a_note_when_details_differ(job, capsys):
    assert invite(job, "--email", "kim@example.com", "--language", "da") == 0
    job.languages = ["sv"]  # the job changed since: a new link still works
    job.save()
    capsys.readouterr()
    assert invite(job, "--email", "kim@example.com") == 0
    assert "note" not in capsys.readouterr().err
    assert invite(job, "--email", "kim@example.com", "--name", "Kim Lund") == 0
    assert "invite does not change their name or language" in capsys.readouterr().err
    kim = Candidate.objects.get()
    assert (kim.name, kim.language) == ("Kim", "da")
    assert Invitation.objects.filter(candidate=kim).count() == 3


def test_a_candidate_whose_link_is_closed_is_refused_with_the_services_reason(
    job, recruiter, capsys
):
    from servicefit.candidates.services import add_candidate, move_to_stage

    kim = add_candidate(job=job, name="Kim", email="kim@example.com")
    move_to_stage(candidate=kim, stage="rejected", changed_by=recruiter, reason_code="experience")
    assert invite(job, "--email", "kim@example.com") == 2
    err = capsys.readouterr().err
    assert err == (
        "servicefit: error: kim@example.com: The candidate is Rejected, so their link is "
        "closed: no link, reminder or extension can be sent. Move them back into the pipeline "
        "first.\n"
    )
    assert not Invitation.objects.exists()


def test_a_job_closed_while_inviting_is_refused_with_the_jobs_reason(
    job, recruiter, capsys, monkeypatch
):
    """The job is closed after the command's own check (another user, at the same moment): the
    reason is the job's, not the candidate's stage."""
    from servicefit.assessments import services
    from servicefit.jobs.services import close_job

    real = services.create_invitation

    def closed_meanwhile(**kwargs):
        close_job(job=kwargs["candidate"].job, closed_by=recruiter)
        return real(**kwargs)

    monkeypatch.setattr(services, "create_invitation", closed_meanwhile)
    assert invite(job, "--email", "new@example.com") == 2
    err = capsys.readouterr().err
    assert err == (
        "servicefit: error: new@example.com: The job Phone agent is closed: no candidates can "
        "be added or invited. Reopen it first.\n"
    )
    assert not Invitation.objects.exists()
    assert not Candidate.objects.filter(email="new@example.com").exists()  # rolled back
