"""Benchmark saving one answer: the code before issue 9 against today's, in the same run.

Run: ``.venv/bin/python benchmarks/bench_saves.py`` (``make bench``). It migrates a throw-away
SQLite database in a temporary data directory (or uses ``SERVICEFIT_BENCH_DATABASE_URL``, e.g.
an empty PostgreSQL database), starts one assessment and saves questionnaire answers with:

- **before**: the save path of commit 1d103ba, reproduced here: the invitation lookup, a
  separate query for the session (twice), the page plan rebuilt from the content twice and an
  ``update_or_create`` in its own transaction (with its savepoint);
- **after**: today's path, :func:`open_invitation` + :func:`save_answer`: one lookup with the
  session joined, the cached plan, and one transaction holding the session lock and one upsert.

Prints queries per save and saves per second (best of ``REPEATS`` runs of ``SAVES`` saves) for
both, and the ratio after/before.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable

DATA_DIR = tempfile.mkdtemp(prefix="servicefit-bench-saves-")
os.environ["SERVICEFIT_DATA_DIR"] = DATA_DIR
os.environ.setdefault("SERVICEFIT_SECRET_KEY", "benchmark-only-secret-key")
os.environ["DJANGO_SETTINGS_MODULE"] = "servicefit.settings"
if os.environ.get("SERVICEFIT_BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["SERVICEFIT_BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from servicefit.assessments.models import (  # noqa: E402
    Answer,
    AssessmentSession,
    Invitation,
    hash_token,
)
from servicefit.assessments.plan import AssessmentPlan  # noqa: E402
from servicefit.assessments.services import (  # noqa: E402
    create_invitation,
    open_invitation,
    plan_for,
    save_answer,
    start_session,
)
from servicefit.candidates.services import add_candidate  # noqa: E402
from servicefit.content import default_content  # noqa: E402
from servicefit.jobs.services import create_job_from_template  # noqa: E402
from servicefit.portal.access import session_of  # noqa: E402

SAVES = 400
REPEATS = 5


def before(token: str, key: str, value: int) -> None:
    """The request's data work as it was at 1d103ba (portal.views.answer → save_answer)."""
    invitation = (
        Invitation.objects.select_related("candidate__job")
        .filter(token_hash=hash_token(token))
        .first()
    )
    assert invitation is not None and invitation.is_open()
    session = getattr(invitation.candidate, "assessment", None)  # open_invitation: one query
    assert session is not None and not session.is_submitted
    session = AssessmentSession.objects.filter(candidate=invitation.candidate).first()  # session_of
    assert session is not None
    # _validated() and save_answer() each built the plan from the content.
    plan = AssessmentPlan.build(default_content(), reply_message=session.reply_message)
    assert plan.section_of(key) == "questionnaire"
    plan = AssessmentPlan.build(default_content(), reply_message=session.reply_message)
    assert plan.section_of(key) is not None
    defaults = {"value": value, "text": "", "language": "en", "answered_at": timezone.now()}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Answer.objects.update_or_create(session=session, key=key, defaults=defaults)
                return
        except IntegrityError:
            continue


def after(token: str, key: str, value: int) -> None:
    """Today's request data work (portal.views.answer)."""
    invitation = open_invitation(token)
    assert invitation is not None
    session = session_of(invitation)
    assert session is not None
    save_answer(session=session, key=key, value=value, language="en")


def queries_per_save(save: Callable[[str, str, int], None], token: str, keys: list[str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        save(token, keys[0], 3)
    return len(captured.captured_queries)


def saves_per_second(save: Callable[[str, str, int], None], token: str, keys: list[str]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for i in range(SAVES):
            save(token, keys[i % len(keys)], 1 + i % 5)
        best = min(best, time.perf_counter() - start)
    return SAVES / best


def main() -> int:
    call_command("migrate", verbosity=0)
    job = create_job_from_template(title="Bench", template_id="phone_support", created_by=None)
    tokens = []
    for name in ("before", "after"):
        candidate = add_candidate(job=job, name=name, email=f"{name}@example.com")
        new = create_invitation(candidate=candidate, created_by=None)
        start_session(invitation=new.invitation, language="en")
        tokens.append(new.token)
    session = AssessmentSession.objects.get(candidate__email="after@example.com")
    keys = list(plan_for(session).keys("questionnaire"))
    engine = connection.vendor
    print(f"saving one questionnaire answer ({engine}, {SAVES} saves, best of {REPEATS})")
    results = {}
    for label, save, token in (("before", before, tokens[0]), ("after", after, tokens[1])):
        save(token, keys[0], 2)  # warm-up: first save inserts
        queries = queries_per_save(save, token, keys)
        rate = saves_per_second(save, token, keys)
        results[label] = rate
        print(f"  {label:6s} {queries:2d} queries per save   {rate:8.0f} saves/s")
    print(f"  ratio after/before: {results['after'] / results['before']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
