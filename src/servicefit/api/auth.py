"""Bearer-token authentication, per-token rate limits and body-size limits for the API."""

from __future__ import annotations

import functools
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .problems import ApiProblem
from .tokens import authenticate


def max_body_bytes() -> int:
    """The configured body limit (``SERVICEFIT_API_MAX_BODY_BYTES``; its 64 KB default is set
    once, in the settings)."""
    return int(settings.SERVICEFIT_API_MAX_BODY_BYTES)


def body_too_large_detail(limit: int) -> str:
    """The 413's detail names the limit in force, not the default."""
    return f"The limit is {limit} bytes."


class BearerToken(HttpBearer):
    """``Authorization: Bearer sf_…``; a revoked, expired or unknown token is a 401.

    With ``scope``, a token without it is a 403 here, before django-ninja reads the path, query
    and body: authorisation comes before validation, so a token that may not make a call learns
    that (403) rather than what its body got wrong (422). Every operation names its scope
    (``auth=BearerToken(SCOPE)``); the API-wide default checks the token alone.
    """

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = max_body_bytes()
        if length.isdigit() and int(length) > limit:
            raise ApiProblem(413, "Request body too large", detail=body_too_large_detail(limit))
        found = authenticate(token.strip())
        if found is None:
            return None
        _check_rate(found)
        if self.scope is not None:
            _check_scope(found, self.scope)
        _check_query(request)
        return found


@functools.cache
def _query_names() -> list[tuple[str, re.Pattern[str], frozenset[str]]]:
    """(method, path pattern, query parameter names) of every operation, from the schema."""
    from .v1 import api

    operations = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in methods.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            operations.append((method.upper(), pattern, frozenset(names)))
    return operations


def _check_query(request: HttpRequest) -> None:
    """An unknown query parameter is a 422, as an unknown body field is: a misspelt filter
    (``?stgae=hired``) would otherwise be ignored and the whole list returned."""
    if not request.GET:
        return
    for method, pattern, names in _query_names():
        if method == request.method and pattern.match(request.path):
            unknown = sorted(set(request.GET) - names)
            if unknown:
                raise ApiProblem(
                    422,
                    "Invalid request",
                    detail="The request does not match the schema; see errors.",
                    kind="invalid-request",
                    errors=[
                        {
                            "location": f"query.{name}",
                            "message": "Unknown query parameter",
                            "type": "extra_forbidden",
                        }
                        for name in unknown
                    ],
                )
            return


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


def _check_scope(token: ApiToken, scope: str) -> None:
    if scope not in token.scopes:
        raise ApiProblem(
            403, "Missing scope", detail=f"This call needs a token with the scope {scope!r}."
        )


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    """The request's token, checked again for ``scope`` (the operation's ``auth`` did first)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    _check_scope(token, scope)
    return token
