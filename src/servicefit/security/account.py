"""The signed-in user's own account page: who they are, two-step sign-in, and their password.

The password change is Django's (:class:`~django.contrib.auth.views.PasswordChangeView` with
:class:`~django.contrib.auth.forms.PasswordChangeForm`): the current password is asked for, the
validators of ``AUTH_PASSWORD_VALIDATORS`` apply, and the session stays signed in
(``update_session_auth_hash``) while the user's other sessions end. Every change is audited.
A wrong current password counts as a failed sign-in (django-axes, see :mod:`.throttle`): a
session left open cannot be used to guess the password, and once the account is locked the
session ends and the lockout page is shown.
A user whose password is not ServiceFit's to change (an account made by single sign-on, or
local passwords switched off) is told that their identity provider manages it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from servicefit.accounts.permissions import acting_user
from servicefit.accounts.sso import password_allowed, provider_name
from servicefit.audit.recording import record

from .throttle import lockout_response
from .twofactor import confirmed_device


class AccountPasswordForm(auth_forms.PasswordChangeForm):
    """Django's password change form, named for the template and the form inventory."""

    form_id = "password-change"


def password_is_local(user: Any) -> bool:
    """Whether ServiceFit holds this user's password (so the user may change it here)."""
    return bool(user.has_usable_password()) and password_allowed(user)


class AccountView(auth_views.PasswordChangeView):
    """``/account/``: the account summary and the password change form (signed-in users)."""

    template_name = "registration/account.html"
    form_class = AccountPasswordForm
    success_url = reverse_lazy("account")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and request.method == "POST" and not password_is_local(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        credentials = {"username": request.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return self._locked_out(credentials)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            credentials = {"username": self.request.user.get_username()}
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if getattr(self.request, "axes_locked_out", False):
                return self._locked_out(credentials)
        return super().form_invalid(form)

    def _locked_out(self, credentials: dict[str, str]) -> HttpResponse:
        """End this session and show the lockout: the password was guessed at too often."""
        record(action="account.locked_out", actor=acting_user(self.request))
        logout(self.request)
        return lockout_response(self.request, None, credentials)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["password_is_local"] = password_is_local(user)
        context["provider_name"] = provider_name()
        context["totp_enrolled"] = confirmed_device(user) is not None
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)  # saves; keeps this session signed in
            record(action="account.password_changed", actor=form.user)
        messages.success(self.request, _("Your password was changed."))
        return response
