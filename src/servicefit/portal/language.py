"""The language a candidate picked, remembered per invitation link, not per browser.

Django's ``set_language`` keeps the pick in one cookie for the whole site, so on a shared device
(a shop's tablet, a job centre's PC) the next candidate's pages opened in the previous
candidate's language instead of their own invitation's. On a candidate's pages the pick is kept
in the browser session under the link's hash instead (the token itself is never stored), and the
site-wide cookie is left alone; everywhere else ``set_language`` behaves as Django's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.i18n import set_language as django_set_language

from servicefit.assessments.models import Invitation, hash_token

PICKS_KEY = "portal_languages"


def _portal_token(path: str) -> str | None:
    """The token of a candidate page's path (``/a/<token>/...``), or ``None``."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if match.app_name != "portal":
        return None
    token = match.kwargs.get("token")
    return token if isinstance(token, str) else None


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``; on a candidate's page the pick applies to that link only."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    token = _portal_token(request.POST.get("next", ""))
    if request.method == "POST" and token and language in dict(settings.LANGUAGES):
        picks = dict(request.session.get(PICKS_KEY, {}))
        picks[hash_token(token)] = language
        request.session[PICKS_KEY] = picks
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return response


def picked_language(request: HttpRequest, invitation: Invitation) -> str | None:
    """The language picked on this invitation's pages in this browser, if any."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    language = session.get(PICKS_KEY, {}).get(invitation.token_hash)
    return language if language in dict(settings.LANGUAGES) else None
