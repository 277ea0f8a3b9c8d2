"""Every API call is audited: which token (by prefix), which user, what, and the answer.

The middleware also makes every error under ``/api/`` JSON, as documented: Django's and
django-ninja's own answers (a plain-text or empty ``405``, an HTML ``400``/``404``/``413``, an
uncaught exception's HTML ``500``) become RFC 9457 problems. Under the Greenhouse partner
endpoints (``/api/partners/greenhouse/``) the problem also carries ``error``, the member
Greenhouse shows its users.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from servicefit.audit.recording import record

from .models import ApiToken
from .problems import PROBLEM_CONTENT_TYPE, problem_response

logger = logging.getLogger("django.request")

GREENHOUSE_PREFIX = "/api/partners/greenhouse/"

TITLES = {
    400: "Malformed request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    500: "Server error",
}


def api_problem(request: HttpRequest, status: int, *, allow: str = "") -> HttpResponse:
    """The problem answer for ``status`` (``allow``: the methods a 405's endpoint answers)."""
    title = TITLES.get(status) or HTTPStatus(status).phrase
    detail = {
        405: f"This endpoint answers {allow}.",
        500: "The server could not answer this request; it has been logged. Try again later.",
    }.get(status, "")
    extra = {"error": detail or title} if request.path.startswith(GREENHOUSE_PREFIX) else None
    response = problem_response(
        request,
        status=status,
        title=title,
        detail=detail,
        kind={405: "method-not-allowed", 500: "server-error"}.get(status, ""),
        headers={"Allow": allow} if status == 405 else None,
        extra=extra,
    )
    return response


def _is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type in {"application/json", PROBLEM_CONTENT_TYPE}


class ApiAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not _is_json(response)
        ):
            # django-ninja lists the methods from a set: sorted, the header is the same each time
            methods = sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip())
            response = api_problem(request, response.status_code, allow=", ".join(methods))
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

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """An uncaught exception in an API view: logged as Django logs a 500, answered as a
        problem instead of the HTML error page."""
        if not request.path.startswith("/api/"):
            return None
        from servicefit.runtime.storage import (
            note_storage_full,
            storage_full_cause,
            storage_full_response,
        )

        if cause := storage_full_cause(exception):
            logger.error(
                "Service Unavailable: %s",
                request.path,
                exc_info=(type(exception), exception, exception.__traceback__),
                extra={"status_code": 503, "request": request},
            )
            note_storage_full(cause, exception, request)
            return storage_full_response(request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
            extra={"status_code": 500, "request": request},
        )
        return api_problem(request, 500)
