"""Queue the automatic reminder e-mails that are due (for cron, when tasks cannot be deferred)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from servicefit.assessments.emails import due_reminders
from servicefit.assessments.tasks import send_reminder_task


class Command(BaseCommand):
    help = "Queue a reminder e-mail for every open invitation that is due one."

    def handle(self, *args: Any, **options: Any) -> None:
        due = due_reminders()
        for invitation_id in due:
            send_reminder_task.enqueue(invitation_id, False)
        self.stdout.write(f"{len(due)} reminder(s) queued")
