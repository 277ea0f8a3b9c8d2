"""Commands that need the Django project: ``manage``, ``demo``, ``compilemessages``."""

from __future__ import annotations

import argparse
import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    import django

    django.setup()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    manage = subparsers.add_parser(
        "manage", help="run a Django management command (migrate, runserver, createsuperuser…)"
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=run_manage)

    demo = subparsers.add_parser("demo", help="load demo users, a job and candidates")
    demo.add_argument("--candidates", type=int, default=42, help="number of demo candidates")
    demo.add_argument("--seed", type=int, default=2026, help="random seed for repeatable demo data")
    demo.set_defaults(func=run_demo)

    compile_messages = subparsers.add_parser(
        "compilemessages", help="compile the translation catalogues (.po → .mo)"
    )
    compile_messages.set_defaults(func=run_compilemessages)


def run_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["servicefit manage", *args.args])
    return 0


def run_demo(args: argparse.Namespace) -> int:
    setup_django()
    from servicefit.demo import load_demo

    summary = load_demo(candidates=args.candidates, seed=args.seed)
    print(summary)
    return 0


def run_compilemessages(args: argparse.Namespace) -> int:
    from servicefit.i18n_build import compile_catalogues

    written = compile_catalogues()
    print(f"compiled {len(written)} catalogue(s)")
    return 0
