"""How a candidate's link opens the portal: the token is the only credential."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicefit.assessments.models import AssessmentSession, Invitation
from servicefit.assessments.services import feedback_available_until, open_invitation

from .language import picked_language


def unavailable(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """One neutral page for unknown, expired, revoked and used links: it reveals nothing.

    It speaks the link's language when ``token`` belongs to an invitation (a candidate invited
    in Polish whose link has expired reads it in Polish, whatever the browser's language); an
    unknown token gets the browser's language. Only the holder of the link sees the difference.
    """
    _link_language(request, token)
    return render(request, "portal/unavailable.html", status=404)


def _link_language(request: HttpRequest, token: str | None) -> None:
    if token is not None and (invitation := Invitation.objects.for_token(token)) is not None:
        use_candidate_language(request, invitation)


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
            return _closed(request, token)
        use_candidate_language(request, invitation)
        request.invitation = invitation  # type: ignore[attr-defined]
        return view(request, token, invitation, *args, **kwargs)

    return wrapped


def session_of(invitation: Invitation) -> AssessmentSession | None:
    """The candidate's session, loaded with the invitation (no extra query)."""
    return getattr(invitation.candidate, "assessment", None)


def submitted_session(request: HttpRequest, token: str) -> AssessmentSession | None:
    """The submitted session behind a link whose thank-you page may still be shown, or ``None``.

    Revoked links and erased candidates get the neutral page; so does a link once
    ``SERVICEFIT_FEEDBACK_DAYS`` have passed since submission.
    """
    invitation = Invitation.objects.for_token(token)
    if invitation is None or invitation.revoked_at is not None:
        return None
    session = session_of(invitation)
    if session is None or session.submitted_at is None:
        return None
    if timezone.now() > feedback_available_until(session):
        return None
    use_candidate_language(request, invitation)
    return session


def _closed(request: HttpRequest, token: str) -> HttpResponse:
    """A page of a link that no longer opens the assessment.

    Submitted (on another device, in another tab): the thank-you page, as the link itself
    leads there, not "This link cannot be used" after Back or Next on a page opened before.
    An answer saved from such a page (htmx) gets a short reason to show next to the answer,
    never a whole page squeezed into it. Anything else gets the neutral page.
    """
    submitted = submitted_session(request, token)
    if request.headers.get("HX-Request"):
        if submitted is not None:
            message = _("Your assessment is already submitted; this answer was not saved.")
            return HttpResponse(message, status=409)
        _link_language(request, token)
        return HttpResponse(_("This link cannot be used"), status=404)
    if submitted is not None:
        return redirect("portal:done", token=token)
    return unavailable(request, token)
