"""Failure text without personal data: what a stored task error or a log line may keep.

An exception's message often names the person it was about: an SMTP server refusing a
recipient answers ``{'ulla@example.com': (550, b'5.1.1 <ulla@example.com>: ...')}``. Stored in
the task table or an audit event, that address would outlive the candidate's erasure. What an
operator needs to diagnose is the exception's type, where it was raised and the rest of the
message (the SMTP code and reason); the address and any candidate link are replaced.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from .logs import mask_tokens

#: An e-mail address, also inside ``<…>``, quotes or bytes reprs (``b'<a@b.example>'``).
EMAIL = re.compile(r"[^\s@<>()\[\]{},;:'\"\\]+@[^\s@<>()\[\]{},;:'\"\\]+")
EMAIL_MASK = "[e-mail address]"


def scrub(text: str) -> str:
    """``text`` with e-mail addresses and candidate-link tokens replaced."""
    return mask_tokens(EMAIL.sub(EMAIL_MASK, text))


#: What :func:`scrub_person` puts where the person's name was.
NAME_MASK = "[name]"
#: Shorter parts of a name (an initial, "de") are left: masking them would garble the text.
MIN_NAME_PART = 2


def scrub_person(text: str, *, name: str, email: str) -> str:
    """``text`` (e.g. the reason typed for an erasure) without the person's name or address.

    Removed, case-insensitively and only as whole words: every e-mail address and link token
    (:func:`scrub`), the person's address and its local part (``ulla.jensen``), the full name
    and each part of it of at least :data:`MIN_NAME_PART` letters ("Ulla", "Jensen", also
    in "Ulla's"). A full name goes before its parts, so "Ulla Jensen" becomes one ``[name]``.
    """
    text = scrub(text)
    local = email.split("@", 1)[0] if "@" in email else ""
    words = [name.strip(), *name.split(), local]
    for word in sorted({w for w in words if len(w) >= MIN_NAME_PART}, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(NAME_MASK, text)
    return text


def failure_text(exc: BaseException) -> str:
    """The traceback of ``exc`` (with its causes) as Python prints it, scrubbed: the frames
    (file, line, function, source line), each exception's type and its scrubbed message."""
    return scrub("".join(traceback.format_exception(exc)))


def failure_summary(exc: BaseException, limit: int = 500) -> str:
    """``Type: message`` of ``exc``, scrubbed and at most ``limit`` characters."""
    return scrub(f"{type(exc).__name__}: {exc}")[:limit]


class ScrubPersonalData(logging.Filter):
    """A logging filter (always passes the record) that scrubs its message and traceback.

    On the console handler: a failed task is logged by django-tasks with its traceback, whose
    last line may name the candidate's address (see the module docstring). The record's
    ``exc_info`` stays for other handlers; the text the console prints is the scrubbed one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to the formatter
            return True
        record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = failure_text(record.exc_info[1]).rstrip("\n")
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def scrub_stored_failure(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``pre_save`` of django-tasks-db's task rows: a failed task keeps a scrubbed traceback
    (the exception's type stays in ``exception_class_path``)."""
    if instance.traceback:
        instance.traceback = scrub(instance.traceback)
