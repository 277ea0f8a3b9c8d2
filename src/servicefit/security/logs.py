"""Keep invitation tokens out of every log line (access logs, "Not Found", errors).

An invitation token is the candidate's only credential: a log line with ``/a/<token>/`` is a
working link for anyone who can read the logs. The filter rewrites the message and its
arguments (and the request path Django attaches) so only ``/a/…/`` remains.
"""

from __future__ import annotations

import logging
import re
from typing import Any

TOKEN_PATH = re.compile(r"/a/[^/\s?#\"']+")
MASK = "/a/…"


def mask_tokens(text: str) -> str:
    """``text`` with the token of every candidate link replaced by an ellipsis."""
    return TOKEN_PATH.sub(MASK, text)


def _masked(value: Any) -> Any:
    return mask_tokens(value) if isinstance(value, str) else value


class MaskInvitationTokens(logging.Filter):
    """A logging filter (always passes the record) that masks tokens in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(arg) for key, arg in record.args.items()}
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # django.request and django.server attach the request; handlers may print it.
            record.request = _MaskedRequest(request)
        return True


class _MaskedRequest:
    """A read-only view of a request whose path and full path hide the token."""

    def __init__(self, request: Any) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._request, name)
        if name in {"path", "path_info"}:
            return mask_tokens(value)
        if name in {"get_full_path", "build_absolute_uri"}:
            return lambda *a, **k: mask_tokens(value(*a, **k))
        return value

    def __repr__(self) -> str:
        return mask_tokens(repr(self._request))


#: Loggers that print request paths: Django's development server and request errors, and the
#: access/error logs of the WSGI servers ServiceFit may run under.
REQUEST_LOGGERS = (
    "django.server",
    "django.request",
    "django.security",
    "gunicorn.access",
    "gunicorn.error",
    "granian.access",
)


def install_token_mask() -> None:
    """Attach the filter to the request loggers themselves (idempotent).

    A logger-level filter also covers handlers that a WSGI server installs on its own loggers,
    which the ``LOGGING`` setting cannot reach without replacing them.
    """
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskInvitationTokens) for f in logger.filters):
            logger.addFilter(MaskInvitationTokens())


class WithoutTraceback(logging.Filter):
    """Keep the message, drop the traceback: for warnings a stranger can cause at will.

    Every request with a foreign ``Host`` header (scanners send many) logged a 20-line
    ``DisallowedHost`` traceback; the one line "Invalid HTTP_HOST header: …" says it all.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
