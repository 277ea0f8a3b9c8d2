"""HMAC-SHA256 signatures with a timestamp, so a receiver can reject forged and replayed calls.

Header ``ServiceFit-Signature: t=<unix seconds>,v1=<hex>`` where ``v1`` is
``HMAC_SHA256(secret, f"{t}.{body}")``. A receiver recomputes it, compares in constant time and
rejects a timestamp older than its replay window (default 300 s). The scheme is the one Stripe
documents for its webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "ServiceFit-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The signature header is missing, malformed, wrong or too old."""


def sign(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The header value for ``body``."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(
    body: bytes,
    header: str,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: int | None = None,
) -> int:
    """Check ``header`` for ``body``; return its timestamp or raise :class:`SignatureError`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise SignatureError("malformed signature header") from None
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    # compare_digest refuses non-ASCII text with a TypeError; a forged header may carry it.
    if not given.isascii() or not hmac.compare_digest(expected, given):
        raise SignatureError("signature does not match")
    current = int(time.time()) if now is None else now
    if abs(current - t) > tolerance:
        raise SignatureError("timestamp outside the replay window")
    return t
