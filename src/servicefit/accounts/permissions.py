"""Role checks used at the top of every back-office view.

A failed check is a 403 for a signed-in user and a redirect to the login page for anyone else.
Object-level checks (is this interviewer on this interview?) stay in the view itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme

from .models import User

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _require(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(_return_to(request))
            if not check(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _return_to(request: HttpRequest) -> str:
    """Where to go after signing in: the page itself, or for a form sent after the session
    ended, the page the form was on (many forms post to an address that only takes a POST,
    such as a stage change: going there after signing in gave "405 Method Not Allowed")."""
    referrer = request.META.get("HTTP_REFERER", "")
    if request.method == "POST" and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        page = urlsplit(referrer)
        return page.path + (f"?{page.query}" if page.query else "")
    return request.get_full_path()


signed_in = _require(lambda user: user.is_active)
recruiter_required = _require(lambda user: user.is_recruiter)
admin_required = _require(lambda user: user.is_admin)


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a request that a permission decorator has already checked."""
    return cast(User, request.user)
