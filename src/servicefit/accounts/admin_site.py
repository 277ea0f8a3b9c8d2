"""The Django admin, open to users whose role is administrator (and only to them).

Django's own admin site lets in ``is_staff`` users and gives them the permissions of their
groups or of the superuser flag. ServiceFit has one source of rights, the role: an
administrator made in "Add user" or by single sign-on never had ``is_staff``, and was sent
back to the login page; a superuser demoted to recruiter kept every right. Here the role
decides (see :meth:`servicefit.accounts.models.User.has_perm`).
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class ServiceFitAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_admin", False))


class ServiceFitAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`ServiceFitAdminSite` as ``admin.site``."""

    default_site = "servicefit.accounts.admin_site.ServiceFitAdminSite"
