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
