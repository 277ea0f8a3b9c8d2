"""How a candidate's link opens the portal: the token is the only credential."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from servicefit.assessments.models import AssessmentSession, Invitation
from servicefit.assessments.services import open_invitation


def unavailable(request: HttpRequest) -> HttpResponse:
    """One neutral page for unknown, expired, revoked and used links: it reveals nothing."""
    return render(request, "portal/unavailable.html", status=404)


def with_invitation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the token to an open invitation (and session, if started) or show the neutral page."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = open_invitation(token)
        if invitation is None:
            return unavailable(request)
        request.invitation = invitation  # type: ignore[attr-defined]
        return view(request, token, invitation, *args, **kwargs)

    return wrapped


def session_of(invitation: Invitation) -> AssessmentSession | None:
    """The candidate's session, loaded with the invitation (no extra query)."""
    return getattr(invitation.candidate, "assessment", None)
