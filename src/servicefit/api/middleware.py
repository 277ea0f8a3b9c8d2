"""Every API call is audited: which token (by prefix), which user, what, and the answer.

The middleware also turns django-ninja's plain-text ``405 Method not allowed`` into a problem,
so that every error of ``/api/v1/`` is ``application/problem+json`` as documented.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from servicefit.audit.recording import record

from .models import ApiToken
from .problems import PROBLEM_CONTENT_TYPE, problem_response


class ApiAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/v1/")
            and response.get("Content-Type") != PROBLEM_CONTENT_TYPE
        ):
            allowed = response.get("Allow", "")
            response = problem_response(
                request,
                status=405,
                title="Method not allowed",
                detail=f"This endpoint answers {allowed}.",
                kind="method-not-allowed",
                headers={"Allow": allowed},
            )
        token = getattr(request, "auth", None)
        if request.path.startswith("/api/") and isinstance(token, ApiToken):
            record(
                action="api.call",
                actor=token.user,
                token=token.prefix,
                method=request.method,
                path=request.path,
                status=response.status_code,
            )
        return response
