"""``servicefit manage task_worker``: the resilient task worker (see servicefit.runtime.worker).

Takes the same options as django-tasks-db's ``db_worker`` (queue names, interval, batch,
max-tasks, worker id); only the worker class differs.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from servicefit.runtime.worker import ResilientWorker


class Command(DbWorkerCommand):
    help = (
        "Run the task worker: survives database outages, keeps a heartbeat, sweeps stranded tasks"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
