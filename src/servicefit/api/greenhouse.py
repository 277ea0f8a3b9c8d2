"""Greenhouse assessment-partner contract: Greenhouse orders a ServiceFit assessment.

Implements the partner side of Greenhouse's Assessment Partner API
(https://developers.greenhouse.io/assessment.html): Greenhouse calls

- ``GET  list_tests``                        → ``[{"partner_test_id", "partner_test_name"}]``
- ``POST send_test``  {partner_test_id, candidate{first_name, last_name, email, …}, url}
                                             → ``{"partner_interview_id"}``
- ``GET  test_status?partner_interview_id=…`` → ``{"partner_status", "partner_profile_url",
                                                 "partner_score", "metadata"}``

authenticated with HTTP Basic, the API key as the user name and an empty password. Here the
key is a ServiceFit API token with the ``partner:greenhouse`` scope. A "test" is a ServiceFit
job; ``partner_score`` is the composite on the 1–5 scale. When an assessment is scored,
ServiceFit PATCHes the ``url`` Greenhouse gave in ``send_test`` so it fetches the status at
once instead of waiting for its hourly poll.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from servicefit.assessments.emails import send_invitation
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job
from servicefit.security.outbound import OutboundRefused, check_url, open_checked

from .auth import body_too_large_detail, max_body_bytes
from .models import ApiToken, GreenhouseOrder
from .problems import problem_response
from .results import result_payload
from .scopes import PARTNER
from .tokens import authenticate

logger = logging.getLogger(__name__)

LANGUAGES = {"en", "da", "sv", "nb", "pl"}


ERROR_TITLES = {
    400: "Malformed request",
    401: "Not authenticated",
    404: "Not found",
    413: "Request body too large",
}


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """Greenhouse shows partner errors to its users from ``error``; the body is a problem
    (``application/problem+json``) like every other API error, with ``error`` beside
    ``detail``."""
    return problem_response(
        request,
        status=status,
        title=ERROR_TITLES.get(status, "Error"),
        detail=message,
        headers={"WWW-Authenticate": 'Basic realm="servicefit-greenhouse"'}
        if status == 401
        else None,
        extra={"error": message},
    )


def _token(request: HttpRequest) -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key = decoded.split(":", 1)[0]
    token = authenticate(key)
    if token is None or PARTNER not in token.scopes:
        return None
    return token


def _callback_url(value: Any) -> str:
    """The ``url`` Greenhouse gave for the completion callback, if it is an http(s) URL (the
    callback is a request from the server: a ``file:`` or other URL is not followed)."""
    url = value.strip() if isinstance(value, str) else ""
    return url if url.lower().startswith(("https://", "http://")) and len(url) <= 1000 else ""


def _jobs() -> Any:
    return Job.objects.filter(archived_at__isnull=True).order_by("pk")


@csrf_exempt  # HTTP Basic, no cookies: a wrong method is a 405, not a CSRF 403
@require_GET
def list_tests(request: HttpRequest) -> HttpResponse:
    if _token(request) is None:
        return _error(request, 401, "Invalid API key")
    return JsonResponse(
        [{"partner_test_id": str(job.pk), "partner_test_name": job.title} for job in _jobs()],
        safe=False,
    )


@csrf_exempt
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    token = _token(request)
    if token is None:
        return _error(request, 401, "Invalid API key")
    limit = max_body_bytes()
    if len(request.body) > limit:
        return _error(request, 413, f"Request body too large. {body_too_large_detail(limit)}")
    try:
        body = json.loads(request.body)
        test_id = str(body["partner_test_id"])
        person = body["candidate"]
        email = str(person["email"]).strip().lower()
        name = " ".join(
            str(person.get(part) or "").strip() for part in ("first_name", "last_name")
        ).strip()
    except (ValueError, KeyError, TypeError, AttributeError):
        return _error(request, 400, "Expected partner_test_id and candidate with an email")
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        return _error(request, 400, "The candidate's email address is not valid")
    if any(ord(ch) < 32 for ch in name) or len(name) > 200:
        return _error(request, 400, "The candidate's name is not valid")
    # at most 18 digits: a longer id fits no database integer (PostgreSQL would refuse the query)
    known = test_id.isdigit() and len(test_id) <= 18
    job = _jobs().filter(pk=int(test_id)).first() if known else None
    if job is None:
        return _error(request, 404, f"No test with partner_test_id {test_id}")
    metadata = body.get("metadata")
    language = str(metadata.get("language") or "") if isinstance(metadata, dict) else ""
    if language not in job.languages:
        language = job.languages[0] if job.languages else "en"
    callback = _callback_url(body.get("url"))
    if callback:
        try:
            check_url(callback)
        except OutboundRefused as exc:
            return _error(request, 400, f"The url for the completion callback is refused: {exc}")
        except (OSError, UnicodeError):
            pass  # not resolvable now; checked again when the callback is sent
    with transaction.atomic():
        existing = (
            GreenhouseOrder.objects.filter(candidate__job=job, candidate__email=email)
            .select_related("candidate")
            .first()
        )
        if existing is not None:  # Greenhouse retried: same order, no second e-mail
            return JsonResponse({"partner_interview_id": existing.partner_interview_id})
        candidate = Candidate.objects.filter(job=job, email=email).first() or add_candidate(
            job=job, name=name or email, email=email, language=language, added_by=token.user
        )
        order = GreenhouseOrder.objects.create(
            partner_interview_id="gh_" + secrets.token_urlsafe(18),
            token=token,
            candidate=candidate,
            callback_url=callback,
            greenhouse_profile_url=str(person.get("greenhouse_profile_url") or "")[:1000],
        )
        send_invitation(candidate=candidate, sent_by=token.user)
        record(
            action="greenhouse.test_sent",
            actor=token.user,
            candidate=candidate,
            order=order.partner_interview_id,
        )
    return JsonResponse({"partner_interview_id": order.partner_interview_id})


STATUS_BY_RESULT = {
    "not_started": "sent",
    "in_progress": "in_progress",
    "submitted": "in_progress",
    "scored": "complete",
    "withdrawn": "withdrawn",
}


@csrf_exempt  # HTTP Basic, no cookies: a wrong method is a 405, not a CSRF 403
@require_GET
def test_status(request: HttpRequest) -> HttpResponse:
    token = _token(request)
    if token is None:
        return _error(request, 401, "Invalid API key")
    order = (
        GreenhouseOrder.objects.select_related("candidate__job")
        .filter(partner_interview_id=request.GET.get("partner_interview_id", ""))
        .first()
    )
    if order is None:
        return _error(request, 404, "Unknown partner_interview_id")
    result = result_payload(order.candidate)
    status = STATUS_BY_RESULT[result["status"]]
    profile = request.build_absolute_uri(
        reverse("backoffice:candidate_report", args=[order.candidate.pk])
    )
    body: dict[str, Any] = {"partner_status": status, "partner_profile_url": profile}
    if status == "complete":
        composite = result.get("composite") or {}
        body["partner_score"] = composite.get("score")
        body["metadata"] = {
            c["competency"]: c["score"] for c in result["competencies"] if c["score"] is not None
        }
    record(action="greenhouse.status_read", actor=token.user, candidate=order.candidate)
    return JsonResponse(body)


def on_scored(event: str, data: dict[str, Any]) -> None:
    """Queue a completion callback for each Greenhouse order of the scored candidate."""
    candidate_id = data.get("candidate_id")
    if not isinstance(candidate_id, int):
        return
    ids = list(
        GreenhouseOrder.objects.filter(
            candidate_id=candidate_id, completed_notified_at__isnull=True
        )
        .exclude(callback_url="")
        .values_list("pk", flat=True)
    )
    if ids:
        from .tasks import notify_greenhouse

        transaction.on_commit(lambda: [notify_greenhouse.enqueue(pk) for pk in ids])


def notify(order_id: int) -> int | None:
    """PATCH the order's callback URL (Greenhouse then calls test_status); the status code."""
    import urllib.error
    import urllib.request

    from django.utils import timezone

    order = GreenhouseOrder.objects.filter(pk=order_id).first()
    if (
        order is None
        or order.completed_notified_at is not None
        or not _callback_url(order.callback_url)
    ):
        return None
    request = urllib.request.Request(  # noqa: S310 (checked by open_checked)
        order.callback_url,
        data=json.dumps({"partner_interview_id": order.partner_interview_id}).encode(),
        headers={"Content-Type": "application/json"},
        method="PATCH",
    )
    try:
        # an internal address is refused, a redirect is an answer (not followed)
        with open_checked(request, timeout=10) as response:
            code = int(response.status)
    except OutboundRefused as exc:
        logger.warning("Greenhouse callback of order %s not sent: %s", order.pk, exc.reason)
        code = 0
    except urllib.error.HTTPError as exc:
        code = int(exc.code)
    except OSError:
        code = 0
    if 200 <= code < 300:
        order.completed_notified_at = timezone.now()
        order.save(update_fields=["completed_notified_at"])
    return code
