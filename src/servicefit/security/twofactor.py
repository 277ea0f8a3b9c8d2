"""The optional second factor for staff: a TOTP authenticator app (RFC 6238, django-otp).

Any back-office user may enrol an authenticator app; from then on signing in needs the
six-digit code after the password. With ``SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS`` on, an admin
without one is sent to the enrolment page before anything else. A session that belongs to a
user's other sessions (opened with the password alone) are ended when they enrol.
A session opened with single sign-on counts as verified: the identity provider decides
how people authenticate there.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicefit.accounts.sso import SSO_SESSION_KEY

DEVICE_NAME = "authenticator"


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


class SecondFactorMiddleware:
    """Send admins without an authenticator to the enrolment page when it is required.

    Costs no query: whether an admin must enrol follows from the setting and the role. A session
    that predates an enrolment is ended by :func:`end_other_sessions` at enrolment instead of
    being checked on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and must_enrol(user)
            and not request.path.startswith(_ALWAYS_ALLOWED)
            and request.path != reverse("two_factor")
        ):
            verified = getattr(user, "is_verified", lambda: False)()
            # A single sign-on session: the identity provider owns the second factor.
            if not (verified or request.session.get(SSO_SESSION_KEY) is True):
                return redirect("two_factor")
        return self.get_response(request)


def end_other_sessions(user: object, *, keep: str | None) -> int:
    """Sign ``user`` out everywhere except the session ``keep`` (after setting up a second
    factor, no session opened with the password alone may live on). Returns how many ended."""
    from django.contrib.sessions.models import Session

    user_id = str(getattr(user, "pk", ""))
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.session_key != keep
        and str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def seconds_to_wait(device: TOTPDevice) -> int | None:
    """Seconds before django-otp checks a code for ``device`` again; ``None`` if it checks now.

    After each wrong code django-otp refuses to check any code (right or wrong) for 1, 2, 4 ...
    seconds; ``verify_token`` then simply returns False, so without this a right code typed
    too soon was reported as wrong.
    """
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def code_error(device: TOTPDevice, code: str) -> str | None:
    """Check ``code``: ``None`` when it is right, else what to tell the user (wrong, or wait)."""
    wait = seconds_to_wait(device)
    if wait is not None:
        return wait_message(wait)
    if device.verify_token(code):
        return None
    return wrong_code_message(device, code)


def was_used_already(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is the device's code for a time step already used to sign in.

    django-otp accepts each time step once; a code typed again within its 30 seconds is refused
    like a wrong one, but the right advice is to wait for the next code, not to check the clock.
    """
    code = code.strip()
    if device.last_t < 0 or not code.isdigit():
        return False
    from django_otp.oath import TOTP, hotp

    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return any(
        hotp(device.bin_key, t, digits=device.digits) == int(code)
        for t in range(now - device.tolerance, min(now + device.tolerance, device.last_t) + 1)
    )


def wrong_code_message(device: TOTPDevice, code: str) -> str:
    """What to say about a refused code: used already, or not right."""
    if was_used_already(device, code):
        return _("That code was used already: wait for the next one.")
    return _("That code is not right. Check the time on your phone.")


def wait_message(seconds: int) -> str:
    """django-otp's pause after a wrong code (1, 2, 4 … seconds): no lock-out, just a wait."""
    return ngettext(
        "Wait %(seconds)d second before the next try (each wrong code makes the wait longer).",
        "Wait %(seconds)d seconds before the next try (each wrong code makes the wait longer).",
        seconds,
    ) % {"seconds": seconds}
