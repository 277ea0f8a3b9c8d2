"""Background work for candidates: imports run in the task worker, never in the request."""

from __future__ import annotations

from django_tasks import task


@task()
def run_candidate_import(import_id: int) -> str:
    """Check and store an uploaded candidate file (all rows or none); returns the status."""
    from .imports import run_import

    return run_import(import_id=import_id)
