"""Demo data, so a first-time visitor sees a full product (``servicefit demo``)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from servicefit.accounts.models import Role, User
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.fairness.demo import add_demo_fairness
from servicefit.jobs.models import Job
from servicefit.jobs.services import create_job_from_template
from servicefit.runtime.bulk import BULK_ROWS_FOR_ANALYZE, refresh_statistics

DEMO_PASSWORD = "servicefit-demo"  # noqa: S105  (a published demo credential, not a secret)
DEMO_USERS = (
    ("admin", Role.ADMIN, "Ada", "Admin"),
    ("recruiter", Role.RECRUITER, "Rikke", "Recruiter"),
    ("interviewer", Role.INTERVIEWER, "Ivan", "Interviewer"),
    ("interviewer2", Role.INTERVIEWER, "Ines", "Interviewer"),
)
DEMO_JOB_TITLE = "Customer service agent, phone support"
NORM_GROUP_AFTER = 200
"""The demo builds its norm group once this many candidates are scored (or all, if fewer)."""
SCORING_BATCH = 500

FIRST_NAMES = {
    "en": ["Olivia", "Jack", "Amelia", "Harry", "Isla", "George", "Ava", "Noah"],
    "da": ["Freja", "Mads", "Ida", "Frederik", "Clara", "Magnus", "Emma", "Oscar"],
    "sv": ["Elsa", "Lucas", "Maja", "Hugo", "Alice", "William", "Astrid", "Liam"],
    "nb": ["Nora", "Jakob", "Sofie", "Filip", "Ingrid", "Emil", "Leah", "Henrik"],
    "pl": ["Zuzanna", "Antoni", "Julia", "Jan", "Maja", "Szymon", "Hanna", "Franciszek"],
}
LAST_NAMES = {
    "en": ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans"],
    "da": ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen"],
    "sv": ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson"],
    "nb": ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen"],
    "pl": ["Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamińska"],
}


@dataclass(frozen=True)
class DemoSummary:
    job: Job
    candidates: int
    login: str
    password: str

    def __str__(self) -> str:
        return (
            f"Demo data ready: job '{self.job.title}' with {self.candidates} candidates.\n"
            f"Log in at {settings.SITE_URL}/login/ as '{self.login}' with password "
            f"'{self.password}' (also: admin, interviewer)."
        )


DEMO_EMAIL_DOMAIN = "demo.servicefit.invalid"
DEMO_CANDIDATE_EMAIL = re.compile(r"^[^@\s]+\.\d+@example\.com$")


class DemoConflict(Exception):
    """The demo cannot be loaded without touching data that is not demo data."""


def _is_demo_user(user: User) -> bool:
    names = {username for username, *_ in DEMO_USERS}
    return user.username in names and user.email == f"{user.username}@{DEMO_EMAIL_DOMAIN}"


def demo_users() -> list[User]:
    """The users ``servicefit demo`` created (their names and demo e-mail addresses)."""
    names = [username for username, *_ in DEMO_USERS]
    return [
        u for u in User.objects.filter(username__in=names).order_by("username") if _is_demo_user(u)
    ]


def _demo_user_ids() -> set[int]:
    return {u.pk for u in demo_users()}


def _demo_jobs(user_ids: set[int]) -> list[Job]:
    return list(Job.objects.filter(title=DEMO_JOB_TITLE, created_by_id__in=user_ids))


def _is_demo_candidate(candidate: Candidate, user_ids: set[int]) -> bool:
    """Added by the demo (its e-mail pattern, first stage change by a demo user)."""
    if not DEMO_CANDIDATE_EMAIL.match(candidate.email):
        return False
    first = candidate.stage_changes.order_by("pk").first()
    return first is not None and first.changed_by_id in user_ids


def other_data() -> list[str]:
    """What the database holds that is not demo data (empty: only demo data, or nothing)."""
    user_ids = _demo_user_ids()
    jobs = _demo_jobs(user_ids)
    users = User.objects.exclude(pk__in=user_ids).count()
    other_jobs = Job.objects.exclude(pk__in=[job.pk for job in jobs]).count()
    demo_candidates = sum(
        1
        for job in jobs
        for candidate in job.candidates.all()
        if _is_demo_candidate(candidate, user_ids)
    )
    candidates = Candidate.objects.count() - demo_candidates
    found = []
    if users:
        found.append(f"{users} user(s)")
    if other_jobs:
        found.append(f"{other_jobs} job(s)")
    if candidates:
        found.append(f"{candidates} candidate(s)")
    return found


@transaction.atomic
def load_demo(*, candidates: int = 42, seed: int = 2026, assessments: bool = True) -> DemoSummary:
    """Create (or reset) the demo users, a phone-support job and ``candidates`` candidates.

    Only demo data is ever changed or deleted: a user with a demo user's name that the demo
    did not create raises :class:`DemoConflict` (nothing is written), and an earlier demo job
    that has gained candidates of its own is kept as it is.
    """
    if candidates < 0:
        raise ValueError("candidates must be 0 or more")
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not security)
    names = [username for username, *_ in DEMO_USERS]
    taken = [u.username for u in User.objects.filter(username__in=names) if not _is_demo_user(u)]
    if taken:
        raise DemoConflict(
            "the user(s) " + ", ".join(sorted(taken)) + " exist and are not demo users; "
            "the demo needs these names and never changes a real account"
        )
    user_ids = _demo_user_ids()
    for old in _demo_jobs(user_ids):
        if all(_is_demo_candidate(c, user_ids) for c in old.candidates.all()):
            old.delete()
    users: dict[str, User] = {}
    for username, role, first, last in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.role = role
        user.first_name, user.last_name = first, last
        user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
    job = create_job_from_template(
        title=DEMO_JOB_TITLE,
        template_id="phone_support",
        created_by=users["recruiter"],
        location="Copenhagen / remote",
        pay_min=Decimal("26000"),
        pay_max=Decimal("31000"),
        pay_currency="DKK",
    )
    languages = list(FIRST_NAMES)
    people = []
    for i in range(candidates):
        language = languages[i % len(languages)]
        name = f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}"
        email = f"{name.split()[0].lower()}.{i + 1}@example.com"
        people.append(
            add_candidate(
                job=job, name=name, email=email, language=language, added_by=users["recruiter"]
            )
        )
    if assessments:
        _fill_pipeline(people, users=users, rng=rng)
        add_demo_fairness(job=job, recruiter=users["recruiter"], rng=rng)
        date_audit_trail(job)
    if candidates >= BULK_ROWS_FOR_ANALYZE:
        transaction.on_commit(_refresh_statistics)
    return DemoSummary(job=job, candidates=candidates, login="recruiter", password=DEMO_PASSWORD)


def _refresh_statistics() -> None:
    """The planner's statistics of every table the demo filled in bulk (see ``refresh_statistics``)."""
    from servicefit.assessments.models import (
        Answer,
        AssessmentSession,
        CompetencyStanding,
        Invitation,
        Result,
        Standing,
    )
    from servicefit.candidates.models import StageChange

    refresh_statistics(
        Candidate,
        StageChange,
        Invitation,
        AssessmentSession,
        Answer,
        Result,
        Standing,
        CompetencyStanding,
    )


def _fill_pipeline(people: list[Candidate], *, users: dict[str, User], rng: random.Random) -> None:
    """Invited, half-done and scored candidates moved along the pipeline, with interviews."""
    from servicefit.assessments.norms import refresh_norms
    from servicefit.assessments.results import store_results
    from servicefit.assessments.services import create_invitation
    from servicefit.demo_assessments import added_on, simulate_assessment, spread_stages
    from servicefit.interviews.demo import add_demo_interviews

    invited, started, completed = people[:5], people[5:9], people[9:]
    for number, candidate in enumerate(invited, start=1):  # added and invited days ago
        sent = timezone.now() - timedelta(days=number, hours=3 * number)
        added_on(candidate, sent)
        create_invitation(candidate=candidate, created_by=users["recruiter"], now=sent)
    for candidate in started:
        simulate_assessment(candidate=candidate, rng=rng, complete=False)
    sessions = [
        simulate_assessment(candidate=candidate, rng=rng, score=False) for candidate in completed
    ]
    # The norm group is built once enough are scored (as the task would after commit); later
    # results are scored with its bands, earlier ones gain theirs when it is built.
    store_results(sessions=sessions[:NORM_GROUP_AFTER])
    refresh_norms(force=True)
    for start in range(NORM_GROUP_AFTER, len(sessions), SCORING_BATCH):
        store_results(sessions=sessions[start : start + SCORING_BATCH])
    spread_stages(candidates=completed, recruiter=users["recruiter"], rng=rng)
    if people:
        add_demo_interviews(
            job=people[0].job,
            interviewers=[users["interviewer"], users["interviewer2"]],
            recruiter=users["recruiter"],
            rng=rng,
            count=5,
            upcoming=1,
        )


#: How long after the submission the demo's scoring is dated (the task worker's delay).
SCORED_AFTER = timedelta(minutes=1)


def date_audit_trail(job: Job) -> None:
    """Date the demo's audit events when the steps they record are dated, not at load time.

    The stage history, invitations, sessions, interviews and scorecards of the demo are dated
    days back; their audit events (and the job's and candidates' creation) follow them, so the
    audit log on a candidate's page tells the same story as the stage history: added, invited,
    started, submitted and scored, shortlisted, interviewed, decided. An event whose step has no
    date keeps its own.
    """
    from servicefit.assessments.models import AssessmentSession, Invitation
    from servicefit.audit.models import AuditEvent
    from servicefit.candidates.models import StageChange
    from servicefit.interviews.models import Interview, Scorecard

    added: dict[int, datetime] = {}
    moves: dict[int, list[datetime]] = {}
    for candidate_id, from_stage, to_stage, at in (
        StageChange.objects.filter(candidate__job=job)
        .order_by("candidate_id", "id")
        .values_list("candidate_id", "from_stage", "to_stage", "changed_at")
    ):
        if not from_stage:
            added.setdefault(candidate_id, at)
        elif from_stage != to_stage:
            moves.setdefault(candidate_id, []).append(at)
    links: dict[int, list[datetime]] = {}
    for candidate_id, at in (
        Invitation.objects.filter(candidate__job=job)
        .order_by("candidate_id", "id")
        .values_list("candidate_id", "created_at")
    ):
        links.setdefault(candidate_id, []).append(at)
    submitted: dict[int, datetime] = {
        session.candidate_id: session.submitted_at
        for session in AssessmentSession.objects.filter(
            candidate__job=job, submitted_at__isnull=False
        ).only("candidate_id", "submitted_at")
        if session.submitted_at is not None
    }
    scheduled: dict[int, datetime] = dict(
        Interview.objects.filter(candidate__job=job).values_list("pk", "created_at")
    )
    scorecards: dict[int, datetime] = {
        card.pk: card.submitted_at
        for card in Scorecard.objects.filter(
            interview__candidate__job=job, submitted_at__isnull=False
        ).only("pk", "submitted_at")
        if card.submitted_at is not None
    }

    def when(event: AuditEvent, seen: dict[tuple[int, str], int]) -> datetime | None:
        candidate_id = event.candidate_id
        if candidate_id is None:
            return None
        number = seen[candidate_id, event.action] = seen.get((candidate_id, event.action), -1) + 1
        dates: list[datetime] = []
        if event.action == "candidate.added":
            return added.get(candidate_id)
        if event.action == "candidate.stage_changed":
            dates = moves.get(candidate_id, [])
        elif event.action == "invitation.created":
            dates = links.get(candidate_id, [])
        elif event.action == "assessment.scored" and candidate_id in submitted:
            return submitted[candidate_id] + SCORED_AFTER * (number + 1)
        elif event.action == "interview.scheduled":
            return scheduled.get(event.detail.get("interview_id"))
        elif event.action == "scorecard.submitted":
            return scorecards.get(event.detail.get("scorecard_id"))
        return dates[number] if number < len(dates) else None

    now = timezone.now()
    seen: dict[tuple[int, str], int] = {}
    changed = []
    for event in AuditEvent.objects.filter(candidate__job=job).order_by("id").iterator():
        step_at = when(event, seen)
        if step_at is not None:
            changed.append((min(step_at, now), event.pk))
    _set_column(AuditEvent, "at", changed)
    first = min(added.values(), default=None)
    if first is not None:
        # The job was set up a day before its first candidate was added.
        created = first - timedelta(days=1)
        Job.objects.filter(pk=job.pk).update(created_at=created)
        job.created_at = created
        AuditEvent.objects.filter(job=job, action="job.created").update(at=created)
        _set_column(Candidate, "created_at", [(at, pk) for pk, at in added.items()])


def _set_column(model: type[models.Model], column: str, rows: list[tuple[datetime, int]]) -> None:
    """``UPDATE … SET column = value WHERE id = pk`` for each ``(value, pk)``, as one batch
    (``bulk_update`` compiles a CASE per row: seconds for the 10,000-candidate demo)."""
    from django.db import connection

    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    name = connection.ops.quote_name(column)
    values = [(connection.ops.adapt_datetimefield_value(at), pk) for at, pk in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {name} = %s WHERE id = %s", values)  # noqa: S608
