"""Single sign-on for staff with OpenID Connect, and switching local passwords off.

The protocol (authorization-code flow with PKCE, state, nonce, token exchange, JWKS signature
check) is mozilla-django-oidc's; this module adds what ServiceFit needs around it:

* configuration from the environment only (``settings.py``), endpoints either given one by one
  or read once from the provider's discovery document (``SERVICEFIT_OIDC_ISSUER``);
* a stricter ID-token check (issuer, audience, expiry and subject are required and verified);
* just-in-time accounts keyed on the provider's issuer + subject (:class:`SingleSignOnIdentity`),
  with the role mapped from a claim on every sign-in, and a refusal with a clear message when
  no value of the claim maps to a ServiceFit role;
* an audit event for every SSO sign-in and refusal;
* :class:`PasswordBackend`, which refuses passwords when ``SERVICEFIT_PASSWORD_LOGIN`` is off
  (administrators only, with the break-glass setting on).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from servicefit.audit.recording import record

from .models import Role, SingleSignOnIdentity, User

logger = logging.getLogger(__name__)

#: Session key set when the session was opened with single sign-on. Such a session needs no
#: ServiceFit authenticator code: the provider decides how people authenticate (its own MFA).
SSO_SESSION_KEY = "servicefit_sso"

#: When a user's claim maps to several roles, the one with the most rights wins.
ROLE_RANK = {Role.INTERVIEWER: 1, Role.RECRUITER: 2, Role.ADMIN: 3}

#: Settings that may come from the provider's discovery document, and the document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


class SignInRefused(Exception):
    """A valid sign-in at the provider that ServiceFit refuses; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def provider_name() -> str:
    """The provider's name as users know it (e.g. "Microsoft Entra ID"), for buttons and messages."""
    return str(getattr(settings, "SERVICEFIT_OIDC_PROVIDER_NAME", "") or _("single sign-on"))


def passwords_enabled() -> bool:
    return bool(getattr(settings, "SERVICEFIT_PASSWORD_LOGIN", True))


def break_glass() -> bool:
    """Emergency password sign-in for administrators while passwords are switched off."""
    return not passwords_enabled() and bool(
        getattr(settings, "SERVICEFIT_PASSWORD_BREAK_GLASS", False)
    )


def password_allowed(user: Any) -> bool:
    if passwords_enabled():
        return True
    return break_glass() and bool(getattr(user, "is_admin", False))


def login_page_context(request: HttpRequest) -> dict[str, Any]:
    """Template context (a context processor): what the sign-in page offers."""
    return {
        "sso": {
            "enabled": enabled(),
            "provider_name": provider_name(),
            "password_form": passwords_enabled() or break_glass(),
            "break_glass": break_glass(),
        }
    }


def parse_role_map(text: str) -> dict[str, str]:
    """``"value=role,value=role"`` into a dict; an unknown ServiceFit role is a ValueError."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        value, equals, role = part.rpartition("=")
        if not equals or not value.strip() or role.strip() not in Role.values:
            raise ValueError(
                f"SERVICEFIT_OIDC_ROLE_MAP: {part.strip()!r} is not CLAIM_VALUE=ROLE with ROLE one of "
                + ", ".join(Role.values)
            )
        mapping[value.strip()] = role.strip()
    return mapping


def claim_values(claims: dict[str, Any], path: str) -> list[str]:
    """The claim at ``path`` (dots for nesting, e.g. ``realm_access.roles``) as a list of strings."""
    value: Any = claims
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def mapped_role(claims: dict[str, Any]) -> str | None:
    """The ServiceFit role for these claims, or None when no claim value is mapped."""
    mapping = parse_role_map(settings.SERVICEFIT_OIDC_ROLE_MAP)
    roles = {
        mapping[value]
        for value in claim_values(claims, settings.SERVICEFIT_OIDC_ROLE_CLAIM)
        if value in mapping
    }
    return max(roles, key=lambda role: ROLE_RANK[Role(role)]) if roles else None


@lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict[str, Any]:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer.rstrip(
        "/"
    ):
        raise ProviderUnavailable(f"{url}: the document's issuer is not {issuer}")
    return document


def setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's setting look-up, with endpoints from discovery when not given."""
    if name in DISCOVERED and not getattr(settings, name, ""):
        issuer = settings.SERVICEFIT_OIDC_ISSUER
        if issuer:
            value = _discovery(issuer).get(DISCOVERED[name])
            if value:
                return value
    return import_from_settings(name, *default)


def _unique_username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    base = re.sub(r"[^\w.@+-]", "-", wanted)[:140] or "user"
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs staff in with the authorization-code flow; accounts are created just in time."""

    get_settings = staticmethod(setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Settings and endpoints are read when a sign-in happens, not each time Django loads
        # the backends (password sign-ins must never wait for the provider's discovery).
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or not enabled() or "nonce" not in kwargs:
            return None  # not an SSO callback (e.g. a password sign-in)
        self.OIDC_OP_TOKEN_ENDPOINT = setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = setting("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token: Any, key: Any) -> dict[str, Any]:
        """Verify the ID token's signature, expiry, issuer and audience (the library checks
        only the signature and expiry)."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token signed with an unexpected algorithm")
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.SERVICEFIT_OIDC_ISSUER or None,
                leeway=30,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub", "")) != str(payload["sub"]):
            raise SuspiciousOperation("userinfo subject differs from the ID token's")
        claims = {**payload, **userinfo}
        issuer, subject = str(payload["iss"]), str(payload["sub"])
        identity = (
            SingleSignOnIdentity.objects.select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        known = identity.user if identity is not None else None
        role = mapped_role(claims)
        seen = {
            "issuer": issuer,
            "subject": subject,
            "email": str(claims.get("email", ""))[:254],
            "claim_values": claim_values(claims, settings.SERVICEFIT_OIDC_ROLE_CLAIM)[:20],
        }
        if role is None:
            record(action="sso.refused", actor=known, reason="no mapped role", **seen)
            raise SignInRefused(
                _(
                    "You signed in at %(provider)s, but your account there has no ServiceFit "
                    "role. Ask your administrator to give you access to ServiceFit."
                )
                % {"provider": provider_name()}
            )
        if known is not None and not known.is_active:
            record(action="sso.refused", actor=known, reason="deactivated", **seen)
            raise SignInRefused(
                _("Your ServiceFit account is deactivated. Ask your administrator.")
            )
        with transaction.atomic():
            user = known or User(username=_unique_username(claims))
            previous_role = user.role if known is not None else None
            user.role = role
            user.email = str(claims.get("email") or user.email)[:254]
            user.first_name = str(claims.get("given_name") or user.first_name)[:150]
            user.last_name = str(claims.get("family_name") or user.last_name)[:150]
            if known is None:
                user.set_unusable_password()
            user.save()
            if identity is None:
                identity = SingleSignOnIdentity(user=user, issuer=issuer, subject=subject)
            identity.last_login_at = timezone.now()
            identity.save()
            record(
                action="sso.login",
                actor=user,
                created=known is None,
                role=role,
                previous_role=previous_role,
                **seen,
            )
        return user


class PasswordBackend(ModelBackend):
    """Username and password, unless local passwords are switched off.

    With ``SERVICEFIT_PASSWORD_LOGIN`` off nobody signs in with a password (and password
    sessions end), except administrators while ``SERVICEFIT_PASSWORD_BREAK_GLASS`` is on;
    each such emergency sign-in is audited.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and password_allowed(user)

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and break_glass():
            logger.warning("Break-glass password sign-in by %s", user.get_username())
            record(action="auth.break_glass_login", actor=user)
        return user
