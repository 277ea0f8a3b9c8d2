"""People who use the back office. Candidates are not users: they hold an invitation token."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    RECRUITER = "recruiter", _("Recruiter")
    INTERVIEWER = "interviewer", _("Interviewer")


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """``servicefit manage createsuperuser`` makes the first administrator, shown as one."""
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A back-office user with one role.

    Admins manage users and settings (and can do everything a recruiter can); recruiters
    manage jobs, candidates and decisions; interviewers see only their own interviews.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RECRUITER)
    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # The role is the one source of rights: the superuser and staff flags, groups and
    # per-user permissions are not used (an admin who demotes a superuser to recruiter must
    # not leave them an administrator), and an administrator made in "Add user" or by single
    # sign-on may use the Django admin without them.

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_recruiter(self) -> bool:
        """Recruiter rights: recruiters and admins."""
        return self.is_active and self.role in {Role.RECRUITER, Role.ADMIN}

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Every permission of the Django admin for active administrators, none for others."""
        return self.is_admin

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_admin

    @property
    def is_interviewer(self) -> bool:
        return self.is_active and self.role == Role.INTERVIEWER


class SingleSignOnIdentity(models.Model):
    """The account at an OpenID provider (issuer + subject) that signs in as a ServiceFit user.

    Users are matched on this pair, never on the e-mail address, so a changed or reused address
    at the provider cannot take over another account.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_sso_identity")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
