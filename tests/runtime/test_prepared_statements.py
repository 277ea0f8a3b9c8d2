"""PostgreSQL: parameters bound on the server and repeated statements prepared (the autosave's
lookup and upsert are then neither parsed nor planned again), and the switch that turns it off
for a pooler in transaction mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from servicefit.assessments.models import Invitation
from servicefit.assessments.services import create_invitation
from servicefit.candidates.services import add_candidate

pytestmark = pytest.mark.django_db

SHOW_OPTIONS = (
    "import json, servicefit.settings as s; d = s.DATABASES['default']; "
    "print(json.dumps({'engine': d['ENGINE'], 'options': d.get('OPTIONS', {})}))"
)


def _database_settings(tmp_path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERVICEFIT_", "DATABASE_"))}
    env.update(
        SERVICEFIT_DATA_DIR=str(tmp_path),
        SERVICEFIT_SECRET_KEY="x" * 50,
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/anything",
        **extra,
    )
    out = subprocess.run(
        [sys.executable, "-c", SHOW_OPTIONS], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_postgresql_binds_on_the_server_and_prepares_by_default(tmp_path):
    shown = _database_settings(tmp_path)
    assert shown["engine"] == "servicefit.runtime.postgresql"
    assert shown["options"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(tmp_path):
    shown = _database_settings(tmp_path, SERVICEFIT_DB_PREPARED_STATEMENTS="off")
    assert shown["engine"] == "servicefit.runtime.postgresql"
    assert "server_side_binding" not in shown["options"]
    assert "prepare_threshold" not in shown["options"]


def _prepared_statements() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


def test_a_repeated_lookup_is_prepared_once_and_reused(job, recruiter):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    candidate = add_candidate(job=job, name="Mette Holm", email="m@example.com", language="en")
    new = create_invitation(candidate=candidate, created_by=recruiter)
    for _ in range(8):
        assert Invitation.objects.for_token(new.token).pk == new.invitation.pk
    for _ in range(3):
        assert Invitation.objects.for_token("not-a-token") is None

    lookups = [
        (sql, runs)
        for sql, runs in _prepared_statements()
        if sql.startswith('SELECT "assessments_invitation"."id"')
    ]
    # one statement for every token (the token is a parameter, not part of the SQL), run
    # as prepared from its sixth use on
    assert len(lookups) == 1
    sql, runs = lookups[0]
    assert "$1" in sql and new.token not in sql
    assert runs == 11 - 5
