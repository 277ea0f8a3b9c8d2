"""Storing one answer in one SQL statement, unless the session has been submitted.

A save is the hottest write in ServiceFit (every click of every candidate). It is one
``INSERT … SELECT … ON CONFLICT DO UPDATE`` that takes its row from the session only while
``submitted_at`` is empty:

- on PostgreSQL the ``SELECT`` locks the session row ``FOR KEY SHARE``, which waits for a
  submit holding ``FOR UPDATE`` and then re-reads the row, so an answer racing the submit is
  either stored before it or not at all;
- on SQLite the statement runs in a transaction that starts with ``BEGIN IMMEDIATE`` (see
  settings), which serialises it with the submit's transaction.

On PostgreSQL the statement runs on its own (in autocommit it is its own transaction), which
saves the two round trips of ``BEGIN`` and ``COMMIT`` on every autosave.

Both engines support the upsert and ``RETURNING`` (SQLite >= 3.35).
"""

from __future__ import annotations

from django.db import connection, transaction

from .models import Answer, AssessmentSession


def store_unless_submitted(answer: Answer) -> bool:
    """Insert or replace ``answer``; ``False`` (nothing written) if its session is submitted."""
    if connection.vendor == "sqlite":
        with transaction.atomic():
            return _upsert(answer)
    return _upsert(answer)


def _upsert(answer: Answer) -> bool:
    quote = connection.ops.quote_name
    answers = Answer._meta
    sessions = AssessmentSession._meta
    columns = ["session_id", "key", "value", "text", "language", "answered_at"]
    fields = {field.attname: field for field in answers.concrete_fields}
    values = [
        fields[name].get_db_prep_save(getattr(answer, name), connection) for name in columns[1:]
    ]
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    updated = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns[2:])
    # Only identifiers from the models' metadata are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(answers.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT {quote('id')}, %s, %s, %s, %s, %s FROM {quote(sessions.db_table)} "
        f"WHERE {quote('id')} = %s AND {quote('submitted_at')} IS NULL{lock} "
        f"ON CONFLICT ({quote('session_id')}, {quote('key')}) DO UPDATE SET {updated} "
        f"RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, answer.session_id])
        row = cursor.fetchone()
    if row is None:
        return False
    answer.pk = row[0]
    return True
