"""Role checks used at the top of every back-office view.

A failed check is a 403 for a signed-in user and a redirect to the login page for anyone else.
Object-level checks (is this interviewer on this interview?) stay in the view itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from .models import User

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _require(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


signed_in = _require(lambda user: user.is_active)
recruiter_required = _require(lambda user: user.is_recruiter)
admin_required = _require(lambda user: user.is_admin)


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a request that a permission decorator has already checked."""
    return cast(User, request.user)
