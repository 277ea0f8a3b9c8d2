"""``Idempotency-Key`` on creates: a retried request gets the first response, nothing twice.

The key is scoped to the token. The first response is stored in the same transaction as what
it created, so a crash leaves either both or neither. Reusing a key with a different body is
an error (422), as in the IETF draft "The Idempotency-Key HTTP Header Field".

What is stored is the response minus any secret: a create that returns a candidate's link keeps
how to derive it again (``stored`` and ``replay``), so a copy of the database reveals no working
link. A record about a candidate names them, so that erasing the candidate erases the stored
response too; a retry after that is a ``410``.

Records are kept ``SERVICEFIT_API_IDEMPOTENCY_HOURS`` (24): the daily ``purge_expired``
deletes older ones (:func:`purge_idempotency_records`), and until it runs an older record is
ignored, so a key counts as new once its retry window has passed, whenever the purge ran.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from servicefit.candidates.models import Candidate

from .models import ERASED_STATUS, ApiToken, IdempotencyRecord
from .problems import ApiProblem

MAX_KEY_LENGTH = 200

#: The header in the OpenAPI schema of each create that honours it (``openapi_extra``), so that
#: a client generated from the schema can send it.
OPENAPI_EXTRA: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "description": (
                "Your id for this request (at most 200 printable characters): a retry with the "
                "same key and body returns the first response and creates nothing; the same key "
                "with another body is a 422."
            ),
            "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
        }
    ]
}


@dataclass(frozen=True)
class Created:
    """What a create answered: ``status`` and ``body``, the ``candidate`` it concerns (erasing
    them erases the stored response), and ``stored``, what to keep instead of ``body`` when the
    body holds a secret (``replay`` of :func:`idempotent` turns it back into the body)."""

    status: int
    body: dict[str, Any]
    candidate: Candidate | None = None
    stored: dict[str, Any] | None = None


def _request_hash(request: HttpRequest, body: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "body": body},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def retention() -> timedelta:
    """How long a stored first response is replayed (``SERVICEFIT_API_IDEMPOTENCY_HOURS``)."""
    return timedelta(hours=max(1, int(settings.SERVICEFIT_API_IDEMPOTENCY_HOURS)))


def purge_idempotency_records(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the stored responses older than :func:`retention`; how many (would be) deleted."""
    expired = IdempotencyRecord.objects.filter(created_at__lt=(now or timezone.now()) - retention())
    if dry_run:
        return expired.count()
    deleted, _by_model = expired.delete()
    return deleted


def _stored(token: ApiToken, key: str) -> IdempotencyRecord | None:
    """The live record of ``key``; one past its retention is deleted here (the key is new)."""
    record = IdempotencyRecord.objects.filter(token=token, key=key).first()
    if record is not None and record.created_at < timezone.now() - retention():
        IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
        return None
    return record


def idempotent(
    request: HttpRequest,
    *,
    token: ApiToken,
    body: dict[str, Any],
    create: Callable[[], Created],
    replay: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Run ``create`` once per ``Idempotency-Key`` header (or every time without one)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        with transaction.atomic():
            created = create()
            return created.status, created.body
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiProblem(
            400,
            "Invalid Idempotency-Key",
            detail=f"Use at most {MAX_KEY_LENGTH} printable characters.",
        )
    fingerprint = _request_hash(request, body)
    for _attempt in range(2):
        existing = _stored(token, key)
        if existing is not None:
            if existing.request_hash != fingerprint:
                raise ApiProblem(
                    422,
                    "Idempotency key reused",
                    detail="This Idempotency-Key was used with a different request.",
                )
            if existing.status == ERASED_STATUS and existing.candidate_id is None:
                raise ApiProblem(
                    410,
                    "Candidate erased",
                    detail="The candidate this request was about has since been erased.",
                )
            stored = existing.body
            return existing.status, replay(stored) if replay is not None else stored
        try:
            with transaction.atomic():
                created = create()
                kept = created.body if created.stored is None else created.stored
                IdempotencyRecord.objects.create(
                    token=token,
                    key=key,
                    request_hash=fingerprint,
                    status=created.status,
                    body=json.loads(json.dumps(kept, default=str)),
                    candidate=created.candidate,
                )
                return created.status, created.body
        except IntegrityError:
            continue  # a concurrent request with the same key won; replay its response
        except ApiProblem:
            # A concurrent request with the same key (a client retrying while the first attempt
            # still runs) may have committed what this one then found, e.g. the candidate (409
            # "Candidate exists"): its response is the one to replay.
            if _stored(token, key) is not None:
                continue
            raise
    raise ApiProblem(409, "Conflict", detail="The request could not be completed; retry it.")
