"""The two single sign-on pages: start the sign-in at the provider, and come back from it.

mozilla-django-oidc's views do the protocol; these add the 404 when SSO is not configured,
an age limit on the stored state, and a clear, translated message (on the sign-in page)
for every way a sign-in can fail instead of a bare 400 or a redirect to ``/``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from servicefit.audit.recording import record

from . import sso

logger = logging.getLogger(__name__)


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseRedirect(reverse("login"))


def _unavailable(request: HttpRequest) -> HttpResponse:
    return _back_to_login(
        request,
        _("%(provider)s could not be reached. Please try again in a moment.")
        % {"provider": sso.provider_name()},
    )


class SignInView(OIDCAuthenticationRequestView):
    """Redirects to the provider's authorization endpoint (state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(sso.setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # endpoints are resolved in get(), not at import

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except sso.ProviderUnavailable as error:
            logger.error("Single sign-on: %s", error)
            return _unavailable(request)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with a code (or an error)."""

    get_settings = staticmethod(sso.setting)

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso.enabled():
            raise Http404
        provider = {"provider": sso.provider_name()}
        if request.GET.get("error"):
            super().get(request)  # forgets the state and signs out
            return _back_to_login(
                request, _("The sign-in at %(provider)s was cancelled or refused.") % provider
            )
        states = request.session.get("oidc_states")
        states = states if isinstance(states, dict) else {}
        state = request.GET.get("state", "")
        entry = states.get(state)
        max_age = settings.SERVICEFIT_OIDC_STATE_MAX_AGE
        if entry is None or time.time() - float(entry.get("added_on", 0)) > max_age:
            if entry is not None:
                del states[state]  # used up: an expired state cannot be retried
                request.session.modified = True
                record(action="sso.refused", reason="expired state")
            else:
                # Anyone can call this URL: an unknown state is logged, not written to the audit log.
                logger.warning("Single sign-on refused: a state this browser did not start")
            return _back_to_login(
                request, _("This sign-in has expired or is not valid. Please sign in again.")
            )
        try:
            return super().get(request)
        except sso.SignInRefused as refusal:
            return _back_to_login(request, refusal.message)
        except sso.ProviderUnavailable as error:
            logger.error("Single sign-on: %s", error)
            return _unavailable(request)
        except requests.RequestException as error:
            logger.error("Single sign-on: the provider answered with an error: %s", error)
            return _unavailable(request)
        except SuspiciousOperation as error:
            logger.warning("Single sign-on refused: %s", error)
            record(action="sso.refused", reason=str(error)[:200])
            return _back_to_login(
                request, _("The sign-in could not be verified. Please sign in again.")
            )

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[sso.SSO_SESSION_KEY] = True
        return response

    def login_failure(self) -> HttpResponse:
        return _back_to_login(
            self.request, _("The sign-in could not be verified. Please sign in again.")
        )
