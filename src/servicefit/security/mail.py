"""The console e-mail backend for development: outside debug it prints no link or address."""

from __future__ import annotations

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.message import EmailMessage


class ConsoleEmailBackend(DjangoConsoleBackend):
    """Prints whole messages only with ``SERVICEFIT_DEBUG=1``; otherwise one line per message.

    Invitation e-mails carry the candidate's name, address and working link; the console ends
    up in the web server's log, so outside debug only the fact that a message was not delivered
    is printed.
    """

    def write_message(self, message: EmailMessage) -> None:
        if settings.DEBUG:
            super().write_message(message)
            return
        recipients = len(message.recipients())
        self.stream.write(
            f"[console e-mail backend] one message to {recipients} recipient(s) not delivered "
            "and not shown (set SERVICEFIT_EMAIL_BACKEND to send e-mail, or SERVICEFIT_DEBUG=1 "
            "to print it)\n"
        )


#: Backends that accept a message without delivering it to anyone (``locmem`` is left out: it
#: is the test suite's outbox).
UNDELIVERED_BACKENDS = frozenset(
    {
        "servicefit.security.mail.ConsoleEmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


def email_is_delivered() -> bool:
    """Whether the configured e-mail backend sends messages to their recipients."""
    return settings.EMAIL_BACKEND not in UNDELIVERED_BACKENDS


def email_context(request: object) -> dict[str, bool]:
    """Template context: ``email_not_delivered`` is true while no e-mail server is set up, so
    the back office can say that invitations are not being delivered."""
    return {"email_not_delivered": not email_is_delivered()}
