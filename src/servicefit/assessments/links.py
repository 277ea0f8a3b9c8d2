"""Invitation links: tokens derived from a random nonce and the server's secret key.

The database stores only the token's SHA-256 (``token_hash``) and a random nonce. The token is
``HMAC-SHA256(SECRET_KEY, nonce)``, so the server can show a recruiter the same link again
("Copy link") and put it in a reminder, while a copy of the database alone reveals no working
link. Rotating the secret key keeps old links working (the hash still matches); they can be
shown again while the old key is among ``SECRET_KEY_FALLBACKS``, and no longer after that (the
recruiter then sends a new link).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

NONCE_BYTES = 32


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


def token_from_nonce(nonce: str, key: str | None = None) -> str:
    """The 256-bit link token for ``nonce`` (URL-safe base64, no padding), under the secret
    key (or ``key``, e.g. one of ``SECRET_KEY_FALLBACKS``)."""
    digest = hmac.new(
        (settings.SECRET_KEY if key is None else key).encode("utf-8"),
        b"servicefit.invitation:" + nonce.encode("ascii"),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}/a/{token}/"
