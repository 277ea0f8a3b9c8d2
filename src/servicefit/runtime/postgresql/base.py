"""The PostgreSQL backend: Django's, with a cheaper check of a reused connection.

With ``CONN_HEALTH_CHECKS`` Django runs ``SELECT 1`` on a reused connection at the start of
every request, so that the first request after a database restart reconnects instead of
failing with a 500. For the candidates' autosave (two statements of its own) that check was a
third round trip to the server and about a third of PostgreSQL's work per save.

A connection that sits idle between requests has nothing to read: the server speaks only when
asked. When PostgreSQL restarts, or an administrator or an idle timeout ends the session, the
server sends its farewell (a FATAL error) and closes the socket, which makes the socket
readable. So the check first asks the operating system, without waiting, whether anything
arrived; only then does it run Django's ``SELECT 1`` to decide. A connection lost without a
word (a cable pulled) goes unnoticed by both checks until the next statement, as before.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if not has_pending_input(connection.fileno()):
            return True
        return bool(super().is_usable())


def has_pending_input(fd: int) -> bool:
    """Whether the socket ``fd`` has data or an end of stream waiting (never blocks)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    try:
        return bool(poller.poll(0))
    except OSError:
        return True  # let the real check decide
