"""The precompiled token lookup returns what the ORM's own query returns, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicefit.assessments.models import Invitation, hash_token
from servicefit.assessments.services import create_invitation, start_session
from servicefit.candidates.services import add_candidate
from servicefit.runtime.precompiled import PrecompiledQuery

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def started(job):
    candidate = add_candidate(job=job, name="Ada", email="ada@example.com")
    new = create_invitation(candidate=candidate, created_by=None)
    start_session(invitation=new.invitation, language="en")
    return new.token


def test_for_token_matches_the_orm_and_loads_the_related_rows_in_one_query(started):
    with CaptureQueriesContext(connection) as captured:
        invitation = Invitation.objects.for_token(started)
        assert invitation is not None
        candidate = invitation.candidate
        session = candidate.assessment
        related = (candidate.job, getattr(session, "adaptive_run", None))
    assert len(captured.captured_queries) == 1

    expected = Invitation.objects.select_related("candidate__job", "candidate__assessment").get(
        token_hash=hash_token(started)
    )
    assert _fields(invitation) == _fields(expected)
    assert _fields(candidate) == _fields(expected.candidate)
    assert _fields(candidate.job) == _fields(expected.candidate.job)
    assert _fields(session) == _fields(expected.candidate.assessment)
    assert related[1] is None
    # Converted like the ORM's rows: aware datetimes on SQLite too, not strings.
    assert invitation.expires_at.tzinfo is not None
    assert session.consented_at.tzinfo is not None


def test_an_invitation_without_a_session_caches_the_missing_session(job):
    candidate = add_candidate(job=job, name="Bo", email="bo@example.com")
    new = create_invitation(candidate=candidate, created_by=None)
    invitation = Invitation.objects.for_token(new.token)
    assert invitation is not None
    with CaptureQueriesContext(connection) as captured:
        assert getattr(invitation.candidate, "assessment", None) is None
    assert captured.captured_queries == []


def test_unknown_and_oversized_tokens_find_nothing(started):
    assert Invitation.objects.for_token("not-a-token") is None
    assert Invitation.objects.for_token("x" * 101) is None
    assert Invitation.objects.for_token("") is None


def test_the_query_is_compiled_once_and_run_with_each_parameter(job):
    built: list[str] = []

    def build(token_hash: str):
        built.append(token_hash)
        return Invitation.objects.select_related("candidate").filter(token_hash=token_hash)

    lookup = PrecompiledQuery(build)
    tokens = []
    for name in ("a", "b"):
        candidate = add_candidate(job=job, name=name, email=f"{name}@example.com")
        tokens.append(create_invitation(candidate=candidate, created_by=None).token)
    found = [lookup.all(hash_token(token)) for token in tokens]
    assert [len(rows) for rows in found] == [1, 1]
    assert [rows[0].candidate.name for rows in found] == ["a", "b"]
    assert lookup.all(hash_token("unknown")) == []
    assert len(built) == 1


def test_a_query_with_more_than_one_placeholder_is_refused(db):
    lookup = PrecompiledQuery(
        lambda value: Invitation.objects.filter(token_hash=value, token_nonce=value)
    )
    with pytest.raises(ValueError, match="exactly one parameter"):
        lookup.all("x")
