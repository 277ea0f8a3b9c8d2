"""How a candidate's link opens the portal: the token is the only credential."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from servicefit.assessments.models import AssessmentSession, Invitation
from servicefit.assessments.services import open_invitation

from .language import picked_language


def unavailable(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """One neutral page for unknown, expired, revoked and used links: it reveals nothing.

    It speaks the link's language when ``token`` belongs to an invitation (a candidate invited
    in Polish whose link has expired reads it in Polish, whatever the browser's language); an
    unknown token gets the browser's language. Only the holder of the link sees the difference.
    """
    if token is not None and (invitation := Invitation.objects.for_token(token)) is not None:
        use_candidate_language(request, invitation)
    return render(request, "portal/unavailable.html", status=404)


def use_candidate_language(request: HttpRequest, invitation: Invitation) -> None:
    """Pages speak the invitation's language; a language picked on this link's pages wins.

    The pick is remembered per link (:mod:`servicefit.portal.language`), so a language chosen
    by someone else in the same browser, on another link or in the back office, does not carry
    over. The browser's own language only decides when the invitation names none that the
    site offers.
    """
    language = picked_language(request, invitation) or invitation.candidate.language
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


def with_invitation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the token to an open invitation (and session, if started) or show the neutral page."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = open_invitation(token)
        if invitation is None:
            return unavailable(request, token)
        use_candidate_language(request, invitation)
        request.invitation = invitation  # type: ignore[attr-defined]
        return view(request, token, invitation, *args, **kwargs)

    return wrapped


def session_of(invitation: Invitation) -> AssessmentSession | None:
    """The candidate's session, loaded with the invitation (no extra query)."""
    return getattr(invitation.candidate, "assessment", None)
