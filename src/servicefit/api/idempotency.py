"""``Idempotency-Key`` on creates: a retried request gets the first response, nothing twice.

The key is scoped to the token. The first response is stored in the same transaction as what
it created, so a crash leaves either both or neither. Reusing a key with a different body is
an error (422), as in the IETF draft "The Idempotency-Key HTTP Header Field".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from .models import ApiToken, IdempotencyRecord
from .problems import ApiProblem

MAX_KEY_LENGTH = 200


def _request_hash(request: HttpRequest, body: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "body": body},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    request: HttpRequest,
    *,
    token: ApiToken,
    body: dict[str, Any],
    create: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run ``create`` once per ``Idempotency-Key`` header (or every time without one)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        with transaction.atomic():
            return create()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiProblem(
            400,
            "Invalid Idempotency-Key",
            detail=f"Use at most {MAX_KEY_LENGTH} printable characters.",
        )
    fingerprint = _request_hash(request, body)
    for _attempt in range(2):
        existing = IdempotencyRecord.objects.filter(token=token, key=key).first()
        if existing is not None:
            if existing.request_hash != fingerprint:
                raise ApiProblem(
                    422,
                    "Idempotency key reused",
                    detail="This Idempotency-Key was used with a different request.",
                )
            return existing.status, existing.body
        try:
            with transaction.atomic():
                status, payload = create()
                IdempotencyRecord.objects.create(
                    token=token,
                    key=key,
                    request_hash=fingerprint,
                    status=status,
                    body=json.loads(json.dumps(payload, default=str)),
                )
                return status, payload
        except IntegrityError:
            continue  # a concurrent request with the same key won; replay its response
    raise ApiProblem(409, "Conflict", detail="The request could not be completed; retry it.")
