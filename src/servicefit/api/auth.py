"""Bearer-token authentication, per-token rate limits and body-size limits for the API."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .problems import ApiProblem
from .tokens import authenticate

MAX_BODY_BYTES = 64 * 1024


class BearerToken(HttpBearer):
    """``Authorization: Bearer sf_…``; a revoked, expired or unknown token is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > getattr(
            settings, "SERVICEFIT_API_MAX_BODY_BYTES", MAX_BODY_BYTES
        ):
            raise ApiProblem(
                413, "Request body too large", detail=f"The limit is {MAX_BODY_BYTES} bytes."
            )
        found = authenticate(token.strip())
        if found is None:
            return None
        _check_rate(found)
        return found


def _check_rate(token: ApiToken) -> None:
    """A fixed one-minute window per token in the configured cache."""
    window = int(time.time() // 60)
    key = f"servicefit:api-rate:{token.token_hash[:24]}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        used = 1
    if used > token.rate_limit_per_minute:
        retry = 60 - int(time.time()) % 60
        raise ApiProblem(
            429,
            "Too many requests",
            detail=f"This token may make {token.rate_limit_per_minute} requests a minute.",
            headers={"Retry-After": str(retry)},
        )


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise ApiProblem(
            403, "Missing scope", detail=f"This call needs a token with the scope {scope!r}."
        )
    return token
