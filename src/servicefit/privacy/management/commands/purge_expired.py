"""Erase candidates past their job's retention period and audit events past the decision-log
retention, and delete the API's stored idempotent responses past their retry window. Run daily
(cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from servicefit.api.idempotency import purge_idempotency_records
from servicefit.oversight.services import purge_decision_log
from servicefit.privacy.services import purge_expired


class Command(BaseCommand):
    help = "Erase candidates whose hiring process ended longer ago than the job's retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what would be erased")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = purge_expired(dry_run=options["dry_run"])
        verb = "would erase" if options["dry_run"] else "erased"
        self.stdout.write(f"{verb} {len(ids)} candidate(s)")
        events = purge_decision_log(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(f"{verb} {events} decision-log event(s) past the retention period")
        records = purge_idempotency_records(dry_run=options["dry_run"])
        self.stdout.write(
            f"{verb} {records} stored API response(s) (Idempotency-Key) past the retry window"
        )
