"""Users in the Django admin, and django-axes' and django-otp's admin pages, audited.

What an administrator does to someone else's account (adding it, changing the role,
deactivating or reactivating it, setting or disabling the password, deleting it, unlocking it
after failed sign-ins, removing or changing the authenticator app) is an audit event naming
who did it and to whom; no password ever reaches the event.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicefit.audit.recording import record

from .models import Role, User
from .permissions import acting_user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    # The role decides what a user may do (models.User.has_perm); the staff and superuser
    # flags, groups and per-user permissions are not offered, as they would change nothing.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("ServiceFit"), {"fields": ("role", "is_active", "language")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            # "Add user": the role is chosen here, with no preselected value, so nobody gets
            # recruiter rights (every candidate's data) by forgetting to set it afterwards.
            # (The model's default stays for other paths; single sign-on sets the mapped role.)
            role = form.base_fields["role"]
            assert isinstance(role, forms.ChoiceField)  # noqa: S101  (a field with choices)
            role.choices = [("", "---------"), *Role.choices]
            role.initial = None
            role.required = True
            role.help_text = _(
                "What the user may do. Interviewers see only their own interviews; recruiters "
                "see every job and candidate; administrators also manage users and settings."
            )
        return form

    # -- the audit trail of what administrators do to other accounts -------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            actor = acting_user(request)
            if not change:
                record(action="account.created", actor=actor, **_whom(obj), role=obj.role)
                return
            changed = set(form.changed_data)
            if "role" in changed:
                record(
                    action="account.role_changed",
                    actor=actor,
                    **_whom(obj),
                    before=form.initial.get("role", ""),
                    after=obj.role,
                )
            if "is_active" in changed:
                action = "account.reactivated" if obj.is_active else "account.deactivated"
                record(action=action, actor=actor, **_whom(obj))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's "Change password" of another user, audited when it changed something
        (``account.password_reset``; the password itself is never recorded)."""
        with transaction.atomic():
            before = User.objects.filter(pk=unquote(id)).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            target = User.objects.filter(pk=unquote(id)).first() if before is not None else None
            if target is not None and target.password != before:
                record(
                    action="account.password_reset",
                    actor=acting_user(request),
                    **_whom(target),
                    password_login="on" if target.has_usable_password() else "off",
                )
        return response

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(action="account.deleted", actor=acting_user(request), **_whom(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for user in queryset:
                record(action="account.deleted", actor=acting_user(request), **_whom(user))
            super().delete_queryset(request, queryset)


def _whom(user: Any) -> dict[str, Any]:
    """The account an administrator acted on, as the audit event's details name it."""
    return {"user": user.get_username(), "user_id": user.pk}


# django-axes' failed sign-ins: deleting them is how an administrator unlocks an account early.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' list of failed sign-ins; deleting one (unlocking) is audited."""

    def _unlocked(self, request: HttpRequest, attempt: AccessAttempt) -> None:
        record(
            action="account.unlocked",
            actor=acting_user(request),
            user=attempt.username or "",
            address=attempt.ip_address or "",
            failures=attempt.failures_since_start,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._unlocked(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for attempt in queryset:
                self._unlocked(request, attempt)
            super().delete_queryset(request, queryset)


# django-otp's authenticator apps: an administrator removes a user's to reset two-step sign-in.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's authenticator apps; every change an administrator makes is audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                action="account.totp_changed" if change else "account.totp_added",
                actor=acting_user(request),
                **_whom(obj.user),
                fields=sorted(form.changed_data) if change else [],
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(action="account.totp_reset", actor=acting_user(request), **_whom(obj.user))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                record(
                    action="account.totp_reset", actor=acting_user(request), **_whom(device.user)
                )
            super().delete_queryset(request, queryset)
