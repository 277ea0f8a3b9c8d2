"""``/api/v1/``: the versioned REST API (django-ninja; OpenAPI 3.1 at ``/api/v1/openapi.json``).

django-ninja was chosen because it builds the OpenAPI 3.1 schema from the same pydantic models
that validate requests (the project already uses pydantic), is maintained, and serves the
interactive documentation from bundled static files (no CDN). Every error is an RFC 9457
problem (``application/problem+json``); see :mod:`.problems`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import BearerToken
from .problems import PROBLEM_CONTENT_TYPE, ApiProblem, from_problem, problem_response
from .routes import candidates, jobs


class ProblemAwareAPI(NinjaAPI):
    """Documents every 4xx/5xx response as ``application/problem+json``, as it is sent.

    Response codes are keyed as strings: django-ninja keys its own as ints and an operation's
    ``openapi_extra`` as strings, which JSON turns into the same key twice (Swagger UI then
    refuses the whole schema); the two are merged, the extra's fields winning.
    """

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if "responses" in operation:
                    merged: dict[str, Any] = {}
                    for status, response in operation["responses"].items():
                        merged[str(status)] = {**merged.get(str(status), {}), **response}
                    operation["responses"] = merged
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status)[0] in "45" and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = ProblemAwareAPI(
    title="ServiceFit API",
    version="1",
    description=(
        "Jobs, candidates, invitations, results and decisions of a ServiceFit installation. "
        "Authenticate with `Authorization: Bearer <token>` (an admin creates tokens in the back "
        "office or with `servicefit api-token create`). Errors are RFC 9457 problem details. "
        "Decisions are read-only here: a named person records them in the back office."
    ),
    auth=BearerToken(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/", jobs.router)
api.add_router("/", candidates.router)


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return from_problem(request, exc)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "location": ".".join(str(p) for p in error.get("loc", ()) if p != "payload"),
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return problem_response(
        request,
        status=422,
        title="Invalid request",
        detail="The request does not match the schema; see errors.",
        kind="invalid-request",
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        title="Not authenticated",
        detail="Send a valid, unexpired token as 'Authorization: Bearer <token>'.",
        kind="not-authenticated",
        headers={"WWW-Authenticate": 'Bearer realm="servicefit"'},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    title = "Malformed request" if exc.status_code == 400 else str(exc)
    return problem_response(request, status=exc.status_code, title=title, detail=str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, status=404, title="Not found", kind="not-found")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, status=403, title="Forbidden", kind="forbidden")
