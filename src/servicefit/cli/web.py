"""Commands that need the Django project: ``manage``, ``demo``, ``compilemessages``."""

from __future__ import annotations

import argparse
import os
import sys


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    import django

    django.setup()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    manage = subparsers.add_parser(
        "manage",
        help="run a Django management command (migrate, runserver, createsuperuser…)",
        description="Run a Django management command: servicefit manage COMMAND [OPTIONS]. "
        "'servicefit manage help' lists the commands (migrate, check --deploy, rescore, "
        "purge_expired, createsuperuser…); 'servicefit manage help COMMAND' shows one's options.",
    )
    manage.add_argument(
        "args", nargs=argparse.REMAINDER, metavar="COMMAND ...", help="the command and its options"
    )
    manage.set_defaults(func=run_manage)

    demo = subparsers.add_parser("demo", help="load demo users, a job and candidates")
    demo.add_argument(
        "--candidates", type=_non_negative, default=42, help="number of demo candidates"
    )
    demo.add_argument("--seed", type=int, default=2026, help="random seed for repeatable demo data")
    guard = demo.add_mutually_exclusive_group()
    guard.add_argument(
        "--reset-demo",
        action="store_true",
        help="load the demo although the database holds other data (never changes or deletes "
        "real users, jobs or candidates)",
    )
    guard.add_argument(
        "--skip-if-other-data",
        action="store_true",
        help="if the database holds other data, load nothing and exit 0 (as `make run` does)",
    )
    demo.set_defaults(func=run_demo)

    compile_messages = subparsers.add_parser(
        "compilemessages", help="compile the translation catalogues (.po → .mo)"
    )
    compile_messages.set_defaults(func=run_compilemessages)
    register_invite(subparsers)


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, not {value!r}")
    return number


def run_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["servicefit manage", *args.args])
    return 0


def run_demo(args: argparse.Namespace) -> int:
    setup_django()
    from servicefit.cli import CommandError
    from servicefit.demo import DemoConflict, load_demo, other_data

    found = other_data()
    if found and not args.reset_demo:
        what = ", ".join(found)
        if args.skip_if_other_data:
            print(f"Demo data not loaded: the database holds data that is not demo data ({what}).")
            return 0
        raise CommandError(
            f"the database holds data that is not demo data ({what}). The demo adds accounts "
            "with a published password: do not load it into a real database. To add it anyway "
            "(real users, jobs and candidates are left as they are), use --reset-demo."
        )
    try:
        summary = load_demo(candidates=args.candidates, seed=args.seed)
    except DemoConflict as exc:
        raise CommandError(str(exc)) from None
    print(summary)
    return 0


def run_compilemessages(args: argparse.Namespace) -> int:
    from servicefit.i18n_build import compile_catalogues

    written = compile_catalogues()
    print(f"compiled {len(written)} catalogue(s)")
    return 0


def register_invite(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    invite = subparsers.add_parser(
        "invite", help="invite a candidate to a job's assessment; prints the link"
    )
    invite.add_argument("--job", required=True, help="job id or exact job title")
    invite.add_argument("--email", required=True, help="the candidate's e-mail address")
    invite.add_argument(
        "--name", default="", help="the candidate's name (default: from the e-mail)"
    )
    invite.add_argument(
        "--language",
        choices=["en", "da", "sv", "nb", "pl"],
        help="assessment language of a new candidate, one of the job's (default: en if the "
        "job offers it, else its first)",
    )
    invite.add_argument(
        "--days", type=int, default=None, help="days the link stays valid (default 14, at most 365)"
    )
    invite.add_argument("--json", action="store_true", help="print one JSON object: url, expires")
    invite.set_defaults(func=run_invite)


#: The longest an invitation from the command line may stay open (the back office extends a
#: link by at most 60 days at a time).
MAX_INVITE_DAYS = 365


def run_invite(args: argparse.Namespace) -> int:
    import json

    setup_django()
    from django.db import transaction

    from servicefit.assessments.services import LinkClosedError, create_invitation
    from servicefit.backoffice.forms import CandidateForm
    from servicefit.candidates.models import Candidate
    from servicefit.candidates.services import add_candidate
    from servicefit.cli import CommandError
    from servicefit.jobs.models import Job

    job = Job.objects.filter(pk=int(args.job)).first() if args.job.isdigit() else None
    job = job or Job.objects.filter(title=args.job).first()
    if job is None:
        raise CommandError(f"no job with id or title {args.job!r}")
    if job.archived_at is not None:
        raise CommandError(
            f"'{job.title}' is closed (archived): no candidates can be added or invited. "
            "Reopen it in the back office first."
        )
    if args.days is not None and not 1 <= args.days <= MAX_INVITE_DAYS:
        raise CommandError(f"--days must be from 1 to {MAX_INVITE_DAYS}")
    email = args.email.strip().lower()
    name = args.name or email.split("@")[0].replace(".", " ").title()[:200]
    existing = Candidate.objects.filter(job=job, email=email).first()
    offered = [code for code, _label in job.language_choices()]
    if existing is not None:
        # invite sends a new link and changes no details: only the name/e-mail are checked
        language = existing.language if existing.language in offered or not offered else offered[0]
    else:
        language = args.language or (offered[0] if offered else "en")
    # The back office's own add form, so the CLI enforces exactly what it does: the e-mail
    # address, the name's length (after cleaning) and one of the job's assessment languages.
    form = CandidateForm(data={"name": name, "email": email, "language": language}, job=job)
    if not form.is_valid():
        problems = []
        for field, errors in form.errors.items():
            for error in errors:
                problems.append(f"--{field}: {error}")
        if "language" in form.errors:
            problems.append(f"'{job.title}' is offered in: {', '.join(offered) or 'none'}")
        raise CommandError("; ".join(problems))
    email = form.cleaned_data["email"].strip().lower()
    with transaction.atomic():
        candidate = Candidate.objects.filter(job=job, email=email).first()
        if candidate is None:
            candidate = add_candidate(
                job=job,
                name=form.cleaned_data["name"],
                email=email,
                language=form.cleaned_data["language"],
            )
        elif (args.name and form.cleaned_data["name"] != candidate.name) or (
            args.language and args.language != candidate.language
        ):
            print(
                f"servicefit: note: {email} is already a candidate for '{job.title}' "
                f"({candidate.name}, {candidate.language}); invite does not change their "
                "name or language (the back office does)",
                file=sys.stderr,
            )
        try:
            new = create_invitation(candidate=candidate, created_by=None, days=args.days)
        except LinkClosedError as exc:
            # The service's own reason: the candidate's stage, or the job closed meanwhile.
            raise CommandError(f"{email}: {exc}") from None
    if args.json:
        print(json.dumps({"url": new.url, "expires": new.invitation.expires_at.isoformat()}))
    else:
        print(f"Invitation for {candidate.name} <{candidate.email}> to '{job.title}':")
        print(f"  {new.url}")
        print(f"  valid until {new.invitation.expires_at:%Y-%m-%d %H:%M %Z}")
    return 0
