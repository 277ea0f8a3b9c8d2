"""Creating, checking and revoking API tokens.

A token is ``sf_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored; the first characters are kept as a prefix so people can tell tokens apart.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from servicefit.accounts.models import User
from servicefit.audit.recording import record

from .models import ApiToken, hash_secret
from .scopes import SCOPES

TOKEN_PREFIX = "sf_"  # noqa: S105 (a visible marker, not a secret)


class TokenError(ValueError):
    """A token request that cannot be granted (unknown scope, a role that may not use the API)."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str


def may_use_api(user: User) -> bool:
    """Only recruiters and admins reach candidate data; interviewers see their own interviews."""
    return user.is_recruiter


@transaction.atomic
def create_token(
    *,
    user: User,
    name: str,
    scopes: list[str],
    created_by: User | None,
    expires_in_days: int | None = 90,
    rate_limit_per_minute: int = 600,
) -> NewToken:
    """A new token for ``user`` with ``scopes``; the secret is returned once and never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise TokenError(f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    if not scopes:
        raise TokenError("give at least one scope")
    if not may_use_api(user):
        raise TokenError(f"user {user.get_username()!r} has a role that may not use the API")
    if expires_in_days is not None and expires_in_days < 1:
        raise TokenError("a token must be valid for at least one day")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100] or "API token",
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        scopes=sorted(set(scopes)),
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        rate_limit_per_minute=rate_limit_per_minute,
    )
    record(
        action="api.token_created",
        actor=created_by,
        token=token.prefix,
        user=user.get_username(),
        scopes=token.scopes,
    )
    return NewToken(token=token, secret=secret)


def revoke_token(*, token: ApiToken, revoked_by: User | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(action="api.token_revoked", actor=revoked_by, token=token.prefix)


def authenticate(secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """The usable token behind ``secret`` (its last-used time refreshed), or ``None``."""
    token = ApiToken.objects.for_secret(secret)
    now = now or timezone.now()
    if token is None or not token.is_usable(now) or not may_use_api(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(seconds=30):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
