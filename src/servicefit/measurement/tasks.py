"""Background work of the measurement module."""

from __future__ import annotations

from django_tasks import task


@task()
def compute_quality_report() -> int:
    """Recompute the measurement-quality report; returns its id."""
    from .services import refresh_quality_report

    return refresh_quality_report().pk
