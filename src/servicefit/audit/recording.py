"""Recording audit events. Call from services, never from templates or signals."""

from __future__ import annotations

from typing import Any

from servicefit.accounts.models import User

from .models import AuditEvent


def record(
    *,
    action: str,
    actor: User | None = None,
    candidate: Any = None,
    job: Any = None,
    **detail: Any,
) -> AuditEvent:
    """Append one audit event; ``detail`` must be JSON-serialisable."""
    label = actor.get_username() if actor is not None else "system"
    if job is None and candidate is not None:
        job = candidate.job
    return AuditEvent.objects.create(
        actor=actor, actor_label=label, action=action, candidate=candidate, job=job, detail=detail
    )
