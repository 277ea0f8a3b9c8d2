"""Every API call is audited: which token (by prefix), which user, what, and the answer."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from servicefit.audit.recording import record

from .models import ApiToken


class ApiAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
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
