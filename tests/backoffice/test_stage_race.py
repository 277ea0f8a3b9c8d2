"""Two stage changes at the same instant: the stage is checked and moved under the row lock.

The race test uses real threads, each with its own database connection, so it runs on whatever
database the suite runs on (SQLite file in WAL mode, or PostgreSQL with DATABASE_URL). Both
requests are held between checking the stage and recording the change until the other one gets
there too (or two seconds pass): without the lock both pass the check from the same stage; with
it the second waits for the first's transaction (row lock on PostgreSQL, SQLite's immediate
transaction) and then finds the stage changed.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from servicefit.audit.models import AuditEvent
from servicefit.candidates import services
from servicefit.candidates.models import Candidate, Stage, StageChange
from servicefit.candidates.services import add_candidate, move_to_stage


@pytest.mark.django_db(transaction=True)
def test_of_two_decisions_sent_at_once_from_the_same_page_only_one_is_recorded(
    job, recruiter, make_user, monkeypatch
):
    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    url = reverse("backoffice:stage_change", args=[candidate.pk])
    decisions = {
        "offer": {"opened_stage": "invited", "stage": "offer", "reason_code": "assessment"},
        "rejected": {"opened_stage": "invited", "stage": "rejected", "reason_code": "experience"},
    }
    clients = {}
    for name, user in (("offer", recruiter), ("rejected", make_user("rolf", "recruiter"))):
        clients[name] = Client()
        clients[name].force_login(user)

    both_checked = threading.Barrier(2)
    real_create = StageChange.objects.create

    def create_once_both_have_checked(**kwargs):
        # broken after two seconds: the other request waits for this one's lock
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait(timeout=2)
        return real_create(**kwargs)

    monkeypatch.setattr(StageChange.objects, "create", create_once_both_have_checked)
    responses = {}
    errors: list[BaseException] = []

    def decide(name: str) -> None:
        try:
            responses[name] = clients[name].post(url, decisions[name])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(name,)) for name in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    monkeypatch.undo()
    assert not errors, errors

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [302, 409]
    winner = next(name for name, r in responses.items() if r.status_code == 302)
    loser = next(name for name, r in responses.items() if r.status_code == 409)
    assert Candidate.objects.get(pk=candidate.pk).stage == winner
    moves = list(
        StageChange.objects.filter(candidate=candidate)
        .exclude(from_stage="")
        .values_list("from_stage", "to_stage")
    )
    assert moves == [("invited", winner)]
    events = AuditEvent.objects.filter(candidate=candidate, action="candidate.stage_changed")
    assert [(e.detail["from_stage"], e.detail["to_stage"]) for e in events] == [("invited", winner)]
    page = responses[loser].content.decode()
    label = Stage(winner).label
    assert f"The stage changed to {label} since this page was opened" in page
    # what the loser chose is kept, and recording again applies it on top of the winner's
    assert f'<option value="{loser}" selected>' in page
    assert f'name="opened_stage" value="{winner}"' in page


@pytest.mark.django_db
def test_a_move_from_a_stage_that_is_no_longer_stored_records_nothing(job, recruiter):
    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    shown = Candidate.objects.get(pk=candidate.pk)  # the page, opened before the other move
    move_to_stage(candidate=candidate, stage="offer", changed_by=recruiter, reason_code="other")
    with pytest.raises(services.StageChangedMeanwhile) as refused:
        move_to_stage(
            candidate=shown,
            stage="rejected",
            changed_by=recruiter,
            reason_code="experience",
            opened_stage="invited",
        )
    assert refused.value.stage == Stage.OFFER
    assert Candidate.objects.get(pk=candidate.pk).stage == Stage.OFFER
    assert not StageChange.objects.filter(candidate=candidate, to_stage="rejected").exists()
    assert not AuditEvent.objects.filter(
        candidate=candidate, action="candidate.stage_changed", detail__to_stage="rejected"
    ).exists()


@pytest.mark.django_db
def test_a_move_starts_from_the_stored_stage_not_a_stale_copy(job, recruiter):
    """Callers without a page (the assessment, interviews) record the stage really left."""
    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    stale = Candidate.objects.get(pk=candidate.pk)
    move_to_stage(candidate=candidate, stage="shortlisted", changed_by=recruiter)
    change = move_to_stage(candidate=stale, stage="withdrawn", changed_by=None)
    assert (change.from_stage, change.to_stage) == ("shortlisted", "withdrawn")
    events = AuditEvent.objects.filter(candidate=candidate, action="candidate.stage_changed")
    assert [(e.detail["from_stage"], e.detail["to_stage"]) for e in events.order_by("pk")] == [
        ("invited", "shortlisted"),
        ("shortlisted", "withdrawn"),
    ]


@pytest.mark.django_db
def test_a_rejection_recorded_while_the_candidate_submits_stands(job, recruiter, monkeypatch):
    """The submit reads the stage ("in progress") before the candidate's row lock; a person's
    rejection committed in between is not moved on to "completed"."""
    from servicefit.assessments import services as assessments
    from servicefit.assessments.services import create_invitation, start_session, submit

    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    invitation = create_invitation(candidate=candidate, created_by=None).invitation
    session = start_session(invitation=invitation, language="en")
    real_move = assessments.move_to_stage

    def rejected_meanwhile(**kwargs):
        # what a recruiter's transaction committing just before the submit's lock leaves
        Candidate.objects.filter(pk=candidate.pk).update(stage=Stage.REJECTED)
        return real_move(**kwargs)

    monkeypatch.setattr(assessments, "move_to_stage", rejected_meanwhile)
    assert submit(session=session)
    assert Candidate.objects.get(pk=candidate.pk).stage == Stage.REJECTED
    assert not StageChange.objects.filter(candidate=candidate, to_stage="completed").exists()
    assert session.submitted_at is not None
