"""Sign-in with the optional second step (authenticator code) and authenticator enrolment."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from servicefit.accounts.permissions import acting_user, signed_in
from servicefit.audit.recording import record

from .throttle import lockout_minutes, lockout_response
from .twofactor import (
    code_error,
    confirmed_device,
    end_other_sessions,
    must_enrol,
    pending_device,
    qr_svg,
    seconds_to_wait,
    wait_message,
    wrong_code_message,
)

PENDING_KEY = "servicefit_2fa_pending"
PENDING_SECONDS = 300
"""The password step is good for five minutes of entering the code."""


class CodeForm(forms.Form):
    form_id = "login-verify"

    code = forms.CharField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits shown in your authenticator app."))
        return code


class LoginView(auth_views.LoginView):
    """The password step; users with an authenticator continue to the code step."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if confirmed_device(user) is None:
            response = super().form_valid(form)
            if must_enrol(user):
                return redirect("two_factor")
            return response
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_verify")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["lockout_minutes"] = lockout_minutes()
        return context


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app, throttled like the password."""
    found = _pending_user(request)
    if found is None:
        messages.error(request, _("Your sign-in took too long. Please start again."))
        return redirect("login")
    user, pending = found
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request, None, credentials)
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and device is not None:
        wait = seconds_to_wait(device)
        if wait is None and device.verify_token(form.cleaned_data["code"]):
            del request.session[PENDING_KEY]
            user.backend = pending["backend"]
            user.otp_device = device  # django-otp marks the session as verified on login
            auth_login(request, user)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return HttpResponseRedirect(target)
        if wait is not None:
            # django-otp's back-off after a wrong code: no code was checked, so this try does
            # not count towards the lockout (a right code typed too soon must not lock anyone out).
            form.add_error("code", wait_message(wait))
        else:
            # A wrong code counts as a failed login for the account and the address (django-axes).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                request.session.pop(PENDING_KEY, None)
            form.add_error("code", wrong_code_message(device, form.cleaned_data["code"]))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/verify.html", {"form": form}, status=status)


@signed_in
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (or remove) an authenticator app: QR code and key, then one code to confirm."""
    user = acting_user(request)
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and request.POST.get("action") == "remove":
            if must_enrol(user):
                messages.error(request, _("Administrators must keep an authenticator app."))
            elif form.is_valid():
                error = code_error(device, form.cleaned_data["code"])
                if error is None:
                    device.delete()
                    record(action="account.totp_removed", actor=user)
                    messages.success(request, _("The authenticator app was removed."))
                    return redirect("two_factor")
                form.add_error("code", error)
        return render(request, "registration/two_factor.html", {"enrolled": True, "form": form})
    pending = pending_device(user)
    if request.method == "POST" and form.is_valid():
        error = code_error(pending, form.cleaned_data["code"])
        if error is None:
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            from django_otp import login as otp_login

            otp_login(request, pending)
            end_other_sessions(user, keep=request.session.session_key)
            record(action="account.totp_enrolled", actor=user)
            messages.success(
                request,
                _("Your authenticator app is set up. You will need a code at every sign-in."),
            )
            return redirect("backoffice:dashboard")
        form.add_error("code", error)
    context = {
        "enrolled": False,
        "form": form,
        "qr": qr_svg(pending.config_url),
        "secret": _base32(pending.bin_key),
        "required": must_enrol(user),
    }
    return render(request, "registration/two_factor.html", context)


def _base32(key: bytes) -> str:
    """The key as authenticator apps expect it typed in: base32, in groups of four."""
    import base64

    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin signs in through ``/login/`` (same throttling, second factor, session).

    A signed-in user whom the admin turned away (not an administrator) gets the "no access"
    page, not the login form again, which would look like a failed sign-in.
    """
    from django.contrib.auth.views import redirect_to_login

    if request.user.is_authenticated:
        raise PermissionDenied

    return redirect_to_login(
        request.GET.get("next") or "/" + settings.SERVICEFIT_ADMIN_URL.strip("/") + "/"
    )
