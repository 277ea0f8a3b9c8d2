"""``servicefit serve`` (the production server) and ``servicefit worker`` (a task worker)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run ServiceFit in production: gunicorn plus the task worker, restarted if they die",
        description=(
            "Runs the gunicorn web server and the task worker(s) under one supervisor. Options "
            "default to the environment: SERVICEFIT_BIND, SERVICEFIT_WEB_WORKERS, "
            "SERVICEFIT_WEB_THREADS, SERVICEFIT_WEB_TIMEOUT, SERVICEFIT_TASK_WORKERS."
        ),
    )
    serve.add_argument("--bind", help="address:port to listen on (default 127.0.0.1:8000)")
    serve.add_argument("--workers", type=int, help="web worker processes (default 2 x CPUs + 1)")
    serve.add_argument("--threads", type=int, help="threads per web worker (default 4)")
    serve.add_argument("--task-workers", type=int, help="task worker processes (default 1)")
    serve.add_argument(
        "--no-web", action="store_true", help="run only the task worker(s) (a worker host)"
    )
    serve.add_argument(
        "--migrate", action="store_true", help="apply database migrations before starting"
    )
    serve.set_defaults(func=run_serve)

    worker = subparsers.add_parser(
        "worker", help="run one task worker (scoring, e-mail, imports) in the foreground"
    )
    worker.set_defaults(func=run_worker)


def _manage(*args: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    return subprocess.call([sys.executable, "-m", "servicefit.cli", "manage", *args])  # noqa: S603


def run_serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from servicefit.cli import CommandError
    from servicefit.runtime.supervisor import (
        ServeOptions,
        address_in_use,
        port_in_use_message,
        serve,
    )

    options = ServeOptions.from_environment()
    overrides = {
        "bind": args.bind,
        "web_workers": args.workers,
        "threads": args.threads,
        "task_workers": args.task_workers,
    }
    options = replace(options, **{k: v for k, v in overrides.items() if v is not None})
    if options.web_workers < 1 or options.threads < 1 or options.task_workers < 0:
        raise CommandError("--workers and --threads must be at least 1, --task-workers at least 0")
    if not args.no_web and address_in_use(options.bind):
        raise CommandError(port_in_use_message(options.bind), exit_code=1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    if args.migrate:
        if _manage("migrate", "--no-input") != 0:
            raise CommandError("the database migrations failed")
    elif (status := _manage("migrate", "--check", "-v", "0")) != 0:
        raise CommandError(_not_ready(status))
    return serve(options, web=not args.no_web)


def _not_ready(status: int) -> str:
    """Why ``migrate --check`` failed. Its exit status 1 means missing migrations *or* a failed
    system check (``servicefit.E010`` …), and 2 a database it could not reach (both printed
    above): only the first is answered with "migrate", the others were misreported so."""
    if status == 1 and _manage("migrate", "--check", "--skip-checks", "-v", "0") == 1:
        return (
            "the database is not up to date: run 'servicefit manage migrate' "
            "(or 'servicefit serve --migrate')"
        )
    return "ServiceFit cannot start: fix the error above"


def run_worker(args: argparse.Namespace) -> int:
    """Become the task worker (exec, not a child): the stop signal of systemd, docker or a
    shell reaches the worker itself, which finishes its task and exits, instead of killing a
    parent and leaving the worker running on its own."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    command = [sys.executable, "-m", "servicefit.cli", "manage", "task_worker", "--queue-name", "*"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)  # noqa: S606
    return 1  # pragma: no cover - execv does not return
