"""Links, the submit race and the cost of one save (issue 9: links, race, speed).

The race tests use real threads with their own database connections, so they run on whatever
database the suite runs on (SQLite file in WAL mode, or PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from servicefit.assessments import services
from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.plan import AssessmentPlan
from servicefit.assessments.services import (
    AnswerError,
    create_invitation,
    plan_for,
    revoke_invitation,
    save_answer,
    start_session,
    submit,
)
from servicefit.candidates.services import add_candidate
from servicefit.content import default_content


def _started_session(job, email="race@example.com"):
    candidate = add_candidate(job=job, name="Race Tester", email=email)
    new = create_invitation(candidate=candidate, created_by=None)
    return new, start_session(invitation=new.invitation, language="en")


# -- links -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_submit_answers_a_used_link_exactly_like_an_unknown_one(client, job):
    used, session = _started_session(job)
    client.post(f"/a/{used.token}/submit/")
    assert AssessmentSession.objects.get(pk=session.pk).is_submitted
    revoked, _ = _started_session(job, email="revoked@example.com")
    revoke_invitation(invitation=revoked.invitation, revoked_by=None)
    unknown = "x" * 43

    responses = {
        "used": client.post(f"/a/{used.token}/submit/"),
        "revoked": client.post(f"/a/{revoked.token}/submit/"),
        "unknown": client.post(f"/a/{unknown}/submit/"),
    }
    tokens = {"used": used.token, "revoked": revoked.token, "unknown": unknown}
    for name, response in responses.items():
        assert response.status_code == 302, name
        assert response["Location"] == f"/a/{tokens[name]}/done/", name
        assert response.content == b"", name
    # Nothing was submitted for the revoked link.
    assert not AssessmentSession.objects.get(candidate__email="revoked@example.com").is_submitted


# -- race ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_answer_from_a_page_loaded_before_submitting_is_refused_and_not_stored(job):
    """Deterministic: the saving request read the session before the submit committed."""
    _new, session = _started_session(job)
    stale = AssessmentSession.objects.get(pk=session.pk)  # loaded before the submit
    save_answer(session=stale, key="q01", value=2)
    submit(session=AssessmentSession.objects.get(pk=session.pk))
    assert stale.submitted_at is None  # the in-memory check alone would let it through
    with pytest.raises(AnswerError) as refused:
        save_answer(session=stale, key="q01", value=5)
    assert refused.value.status == 409
    with pytest.raises(AnswerError):
        save_answer(session=stale, key="q02", value=3)
    assert dict(Answer.objects.values_list("key", "value")) == {"q01": 2}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trial", range(4))
def test_no_answer_is_stored_after_submission_under_concurrent_saves(job, trial):
    """Four threads keep saving while a fifth submits; afterwards nothing may have changed."""
    _new, session = _started_session(job, email=f"race{trial}@example.com")
    keys = list(plan_for(session).keys("questionnaire"))[:8]
    for key in keys:
        save_answer(session=session, key=key, value=1)
    stop = threading.Event()
    submitted = threading.Event()
    snapshot: dict[str, int | None] = {}
    acknowledged_after: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    rng = random.Random(trial)

    def writer(worker: int) -> None:
        try:
            stale = AssessmentSession.objects.get(pk=session.pk)  # never refreshed
            step = 0
            while not stop.is_set():
                key = keys[(worker + step) % len(keys)]
                value = 2 + (step % 4)
                step += 1
                try:
                    save_answer(session=stale, key=key, value=value)
                except AnswerError as exc:
                    assert exc.status == 409
                    continue
                if submitted.is_set():
                    acknowledged_after.append((key, value))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def submitter() -> None:
        try:
            stop.wait(0.05 + rng.random() * 0.1)
            submit(session=AssessmentSession.objects.get(pk=session.pk))
            snapshot.update(
                Answer.objects.filter(session=session).values_list("key", "value")  # type: ignore[arg-type]
            )
            submitted.set()
            stop.wait(0.2)  # writers keep trying after the submission
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=submitter))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert snapshot, "the submitter never ran"
    final = dict(Answer.objects.filter(session=session).values_list("key", "value"))
    assert final == snapshot
    assert acknowledged_after == []


# -- speed -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_save_inside_a_test_transaction_also_stays_within_four_queries(
    client, job, django_assert_max_num_queries
):
    new, _session = _started_session(job)
    with django_assert_max_num_queries(4):
        response = client.post(f"/a/{new.token}/answer/", {"key": "q01", "q01": "2"})
    assert response.status_code == 200
    assert Answer.objects.get(key="q01").value == 2


def test_the_page_plan_is_built_once_and_shared(monkeypatch):
    class FakeSession:
        reply_message = "late_delivery"

    builds = []
    real_build = AssessmentPlan.build.__func__  # type: ignore[attr-defined]

    def counting_build(cls, content, *, reply_message):
        builds.append(reply_message)
        return real_build(cls, content, reply_message=reply_message)

    services._default_plan.cache_clear()
    monkeypatch.setattr(AssessmentPlan, "build", classmethod(counting_build))
    first = plan_for(FakeSession())  # type: ignore[arg-type]
    second = plan_for(FakeSession())  # type: ignore[arg-type]
    services._default_plan.cache_clear()
    assert first is second
    assert builds == ["late_delivery"]
    assert first.section_of("q01") == "questionnaire"
    assert first.section_of("reply.late_delivery") == "reply"
    assert first.section_of("nope") is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key,value", [("q01", "4"), ("sjt.{first}", "2"), ("reply", "Hello")])
def test_a_save_request_is_one_small_transaction_of_at_most_four_queries(client, job, key, value):
    new, session = _started_session(job)
    plan = plan_for(session)
    if key.startswith("sjt"):
        key = plan.keys("sjt")[0]
        client.post(f"/a/{new.token}/p/sjt-1/", {"start": "yes"})  # Start starts the clock
    elif key == "reply":
        key = plan.keys("reply")[0]
        client.post(f"/a/{new.token}/p/reply-1/", {"start": "yes"})
    for attempt in ("first save", "changed answer"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/a/{new.token}/answer/", {"key": key, key: value})
        assert response.status_code == 200, response.content
        statements = [q["sql"].strip() for q in queries.captured_queries]
        # Everything counts, transaction control included (SQLite's BEGIN IMMEDIATE/COMMIT,
        # PostgreSQL's BEGIN/COMMIT): the link lookup, then one transaction with one upsert.
        assert len(statements) <= 4, (attempt, [s[:70] for s in statements])
        assert not any("SAVEPOINT" in s.upper() for s in statements)
        writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        assert len(writes) == 1, (attempt, statements)  # one upsert, nothing else written
        value = "5" if value != "5" and not key.startswith("reply") else value + "!"
    stored = Answer.objects.get(session=session, key=key)
    assert (stored.value if stored.value is not None else stored.text) in {5, "Hello!"}


@pytest.mark.django_db
def test_an_expired_link_saves_nothing(client, job):
    new, _session = _started_session(job)
    new.invitation.expires_at = timezone.now() - timedelta(minutes=1)
    new.invitation.save(update_fields=["expires_at"])
    response = client.post(f"/a/{new.token}/answer/", {"key": "q01", "q01": "3"})
    assert response.status_code == 404
    assert not Answer.objects.exists()
    assert default_content().questionnaire is not None
