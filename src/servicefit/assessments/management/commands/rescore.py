"""``servicefit manage rescore --stuck | --candidate ID | --job ID [--now]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicefit.assessments.rescoring import rescore, submitted_sessions, unscored_sessions


class Command(BaseCommand):
    help = (
        "Score candidates again: --stuck re-queues tasks stranded by dead workers and scores "
        "every submitted assessment that has no current result; --candidate and --job re-score "
        "(replacing the stored result)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--stuck", action="store_true", help="submitted but not scored")
        which.add_argument("--candidate", type=int, metavar="ID", help="one candidate")
        which.add_argument("--job", type=int, metavar="ID", help="every candidate of a job")
        parser.add_argument(
            "--now",
            action="store_true",
            help="score in this command instead of queuing tasks for the worker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from servicefit.candidates.models import Candidate
        from servicefit.jobs.models import Job

        inline = options["now"]
        if options["stuck"]:
            from servicefit.runtime.leases import sweep_stranded_tasks

            swept = sweep_stranded_tasks()
            if swept.requeued:
                self.stdout.write(f"{len(swept.requeued)} stranded task(s) queued again")
            outcome = rescore(sessions=unscored_sessions(), force=False, inline=inline)
        elif options["candidate"] is not None:
            if not Candidate.objects.filter(pk=options["candidate"]).exists():
                raise CommandError(f"no candidate with id {options['candidate']}")
            sessions = submitted_sessions(candidate_id=options["candidate"])
            if not sessions.exists():
                raise CommandError(
                    f"candidate {options['candidate']} has not submitted an assessment"
                )
            outcome = rescore(sessions=sessions, force=True, inline=inline)
        else:
            if not Job.objects.filter(pk=options["job"]).exists():
                raise CommandError(f"no job with id {options['job']}")
            outcome = rescore(
                sessions=submitted_sessions(job_id=options["job"]), force=True, inline=inline
            )
        if inline:
            self.stdout.write(f"{outcome.scored} of {outcome.sessions} assessment(s) scored")
        else:
            self.stdout.write(
                f"{outcome.queued} assessment(s) queued for scoring"
                + ("" if outcome.queued else " (nothing to do)")
            )
