"""Bulk inserts that hold the database's write lock only for the statements themselves.

Django's ``bulk_create`` turns every value into its database form inside the call: for an
import of 5,000 candidates (25,000 rows with their stage changes, audit events and
invitations) that is about 1.5 s of Python. On SQLite it runs under the one write lock
(transactions are ``IMMEDIATE``), so every candidate's autosave waited for it.

:class:`PreparedInsert` does that work *before* the transaction (defaults, ``pre_save``,
``get_db_prep_save`` for every field) and inside it only runs multi-row ``INSERT`` statements (as many rows per statement as the
backend allows; ``COPY`` on PostgreSQL). Values that
are known only inside the transaction (the id of a row inserted just before) are left out
when preparing and given to :meth:`PreparedInsert.execute` as a function of the row's index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

T = TypeVar("T")


class PreparedInsert:
    """Rows of one model in their database form, ready to insert in a few statements."""

    def __init__(
        self,
        model: type[models.Model],
        objects: Sequence[models.Model],
        *,
        later: Sequence[str] = (),
    ) -> None:
        """Prepare ``objects`` (unsaved instances of ``model``) for insertion.

        ``later`` names the fields (by ``attname``, e.g. ``"candidate_id"``) whose values are
        given at :meth:`execute` time, in that order.
        """
        self.alias = router.db_for_write(model)
        connection = connections[self.alias]
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
        names = [f.attname for f in self.fields]
        unknown = set(later) - set(names)
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
        self.later_positions = [names.index(name) for name in later]
        self.rows: list[list[Any]] = [
            [
                None
                if f.attname in later
                else f.get_db_prep_save(f.pre_save(obj, True), connection)
                for f in self.fields
            ]
            for obj in objects
        ]
        # Only quoted identifiers from the model's own metadata go into the SQL; values are
        # always parameters.
        quote = connection.ops.quote_name
        target = "{} ({})".format(
            quote(meta.db_table), ", ".join(quote(f.column) for f in self.fields)
        )
        self.batch = max(1, connection.ops.bulk_batch_size(self.fields, self.rows))
        self.head = f"INSERT INTO {target} VALUES "  # noqa: S608
        self.placeholders = "({})".format(", ".join(["%s"] * len(self.fields)))
        self.copy = f"COPY {target} FROM STDIN"

    def __len__(self) -> int:
        return len(self.rows)

    def execute(self, later: Callable[[int], Sequence[Any]] | None = None) -> None:
        """Insert every row; ``later(i)`` gives row ``i``'s values of the ``later`` fields."""
        if self.later_positions:
            if later is None:
                raise ValueError("values for the fields prepared 'later' are missing")
            for index, row in enumerate(self.rows):
                for position, value in zip(self.later_positions, later(index), strict=True):
                    row[position] = value
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: psycopg would otherwise parse a statement with ~50,000 placeholders.
                with connection.wrap_database_errors, cursor.cursor.copy(self.copy) as copy:
                    for row in self.rows:
                        copy.write_row(row)
                return
            for batch in chunked(self.rows, self.batch):
                cursor.execute(
                    self.head + ", ".join([self.placeholders] * len(batch)),
                    [value for row in batch for value in row],
                )


def chunked(values: Sequence[T], size: int = 900) -> list[list[T]]:
    """``values`` in consecutive lists of at most ``size`` (by default small enough for one
    ``IN (...)`` on every backend)."""
    return [list(values[start : start + size]) for start in range(0, len(values), size)]


BULK_ROWS_FOR_ANALYZE = 1000
"""A bulk load at least this large refreshes the planner's statistics at once (see below)."""


def refresh_statistics(*model_classes: type[models.Model]) -> None:
    """Have PostgreSQL re-read the size and value spread of these models' tables now.

    After a bulk load the planner's statistics lag until autovacuum's next pass (up to a
    minute by default, longer on a busy server). Until then a job that grew from a few rows
    to 10,000 is estimated at a few dozen, and the shortlist sorts the whole job instead of
    walking its index (measured: 156 ms instead of 48 ms for the first page at 10,000).
    ``ANALYZE`` reads a sample of each table (a few hundred milliseconds at most) and takes
    no lock that blocks reads or writes. Other databases need nothing: SQLite's planner does
    not use row counts that way, so this does nothing there. Call it after the bulk load's
    transaction has committed.
    """
    for model in model_classes:
        connection = connections[router.db_for_write(model)]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
