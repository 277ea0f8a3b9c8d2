"""Login throttling and lockout (django-axes), per account and per address.

Every failed sign-in (on ``/login/``, on the second-factor step and on the admin, which
redirects to ``/login/``) is counted by django-axes. After ``SERVICEFIT_LOGIN_FAILURE_LIMIT``
failures for one account, or from one address, further attempts are refused for
``SERVICEFIT_LOGIN_LOCKOUT_MINUTES`` even with the right password, and the login page says so.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for web logins; authentication without a request passes.

    ``authenticate()`` without a request (the test client's ``login()``, management commands)
    is not a web login and cannot be throttled by address, so it is left to the next backend
    instead of raising as ``AxesStandaloneBackend`` does.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``SERVICEFIT_PROXY_COUNT`` trusted
    proxies the address that the outermost of them put into ``X-Forwarded-For``."""
    proxies = int(getattr(settings, "SERVICEFIT_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_minutes() -> int:
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with the lockout explained (HTTP 429)."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "lockout_minutes": lockout_minutes()}
    return render(request, "registration/login.html", context, status=429)
