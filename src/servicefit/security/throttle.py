"""Login throttling and lockout (django-axes): per account at an address, with wider limits.

Every failed sign-in (on ``/login/``, on the second-factor step and on the admin, which
redirects to ``/login/``) is counted by django-axes. Three limits, each over the last
``SERVICEFIT_LOGIN_LOCKOUT_MINUTES``; reaching one refuses further attempts for that long even
with the right password, and the login page says so:

- ``SERVICEFIT_LOGIN_FAILURE_LIMIT`` (5) failures for one account *from one address* lock that
  account at that address only (``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``).
  Colleagues behind the same office address (one NAT) still sign in, and nobody elsewhere can
  lock a user out by guessing their password;
- ``SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT`` (30) failures *from one address*, whatever the
  accounts, lock the address: one machine trying many accounts is stopped;
- ``SERVICEFIT_LOGIN_ACCOUNT_FAILURE_LIMIT`` (30) failures *for one account*, whatever the
  addresses, lock the account everywhere: guessing one password from many machines is stopped.
  As each address may only add 5 before its own lock, this takes six or more addresses.

django-axes compares all its lockout parameters with the one ``AXES_FAILURE_LIMIT``, so the two
wider limits are :class:`LoginThrottleHandler`'s, computed from the same attempt records. A
successful sign-in clears only that account's failures at that address.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
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


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler plus the per-address and per-account limits (see above)."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or self.wide_limit_reached(
            request, credentials
        )

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the failure (axes), then lock at once if it reached a wider limit."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.wide_limit_reached(request, credentials):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=getattr(request, "axes_ip_address", None),
            )

    def wide_limit_reached(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> bool:
        """Whether the address's failures (all accounts) or the account's (all addresses)
        reached their limit."""
        address = getattr(request, "axes_ip_address", None)
        if address and self._recent_failures(request, ip_address=address) >= int(
            settings.SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            return True
        username = get_client_username(request, credentials)
        return bool(username) and self._recent_failures(request, username=username) >= int(
            settings.SERVICEFIT_LOGIN_ACCOUNT_FAILURE_LIMIT
        )

    @staticmethod
    def _recent_failures(request: HttpRequest, **match: str) -> int:
        attempts = AccessAttempt.objects.filter(**match)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        total = attempts.aggregate(n=Sum("failures_since_start"))["n"]
        return int(total or 0)


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
