from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Role, User


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
