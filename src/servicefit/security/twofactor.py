"""The optional second factor for staff: a TOTP authenticator app (RFC 6238, django-otp).

Any back-office user may enrol an authenticator app; from then on signing in needs the
six-digit code after the password. With ``SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS`` on, an admin
without one is sent to the enrolment page before anything else. A session that belongs to a
user with an authenticator but was not verified with it (e.g. one opened before enrolment on
another device) is signed out.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"
CHECKED_KEY = "servicefit_2fa_checked"
RECHECK_SECONDS = 60
"""A session without a second factor re-checks at most once a minute for a new authenticator."""

#: Paths an admin who must enrol may still open.
_ALWAYS_ALLOWED = ("/static/", "/i18n/", "/logout/", "/healthz")


def confirmed_device(user: object) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def must_enrol(user: object) -> bool:
    """Admins need an authenticator when ``SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS`` is on."""
    return bool(settings.SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS and getattr(user, "is_admin", False))


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data`` (no image request, nothing for the CSP to block)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title="QR"
    )
    return out.getvalue().decode("utf-8")


def pending_device(user: object) -> TOTPDevice:
    """The user's unconfirmed authenticator (created once; its key is kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


_clock = time.time


class SecondFactorMiddleware:
    """Enforce the second factor on every signed-in request (after ``OTPMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_ALWAYS_ALLOWED):
            verified = getattr(user, "is_verified", lambda: False)()
            if not verified:
                if self._gained_a_device(request, user):
                    logout(request)
                    return redirect_to_login(request.get_full_path())
                enrol_url = reverse("two_factor")
                if must_enrol(user) and request.path != enrol_url:
                    return redirect(enrol_url)
        return self.get_response(request)

    @staticmethod
    def _gained_a_device(request: HttpRequest, user: object) -> bool:
        """Has this unverified session's user set up an authenticator since (checked each minute)?"""
        now = _clock()
        checked = request.session.get(CHECKED_KEY, 0)
        if isinstance(checked, (int, float)) and now - checked < RECHECK_SECONDS:
            return False
        if confirmed_device(user) is not None:
            return True
        request.session[CHECKED_KEY] = now
        return False
