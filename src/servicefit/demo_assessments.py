"""Simulated, plausible assessments for the demo: answers driven by latent competency levels.

Each demo candidate gets a general level ``g`` and competency levels ``0.6 g + 0.8 e``; Likert
answers and judgement ratings are noisy functions of those, so scores vary, scales are
reliable and the ranking means something. Written replies come from ``demo_replies.yaml``.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from django.utils import timezone

from servicefit.accounts.models import User
from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.plan import REPLY_MESSAGE_BY_CHANNEL, reply_key, sjt_key
from servicefit.assessments.results import store_result
from servicefit.assessments.services import (
    AUTOMATION_NOTICE_VERSION,
    PRIVACY_NOTICE_VERSION,
    create_invitation,
)
from servicefit.candidates.models import Candidate, Stage, StageChange
from servicefit.candidates.services import move_to_stage
from servicefit.content import default_content

REPLIES = Path(__file__).with_name("demo_replies.yaml")


@functools.cache
def _demo_replies() -> dict[str, dict[str, list[str]]]:
    replies: dict[str, dict[str, list[str]]] = yaml.safe_load(REPLIES.read_text(encoding="utf-8"))[
        "replies"
    ]
    return replies


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))


def simulate_assessment(
    *, candidate: Candidate, rng: random.Random, complete: bool = True, score: bool = True
) -> AssessmentSession:
    """Create a session with answers for ``candidate``; submit it if ``complete``.

    A complete session is scored at once unless ``score`` is false (the caller then scores
    many together with :func:`servicefit.assessments.results.store_results`).
    """
    content = default_content()
    now = timezone.now() - timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 600))
    create_invitation(candidate=candidate, created_by=None, now=now - timedelta(days=1))
    session = AssessmentSession.objects.create(
        candidate=candidate,
        content_version=content.version,
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        automation_notice_version=AUTOMATION_NOTICE_VERSION,
        consented_at=now,
        language=candidate.language,
        reply_message=REPLY_MESSAGE_BY_CHANNEL.get(candidate.job.channel, "late_delivery"),
        sjt_started_at=now + timedelta(minutes=9),
        reply_started_at=now + timedelta(minutes=22),
    )
    g = rng.gauss(0, 1)
    level = {c.id: 0.6 * g + 0.8 * rng.gauss(0, 1) for c in content.competencies}
    answers = []
    items = content.questionnaire.items if content.questionnaire else []
    for item in items if complete else items[: len(items) // 2]:
        agree = _clip(3.2 + 0.9 * level[item.competency] + rng.gauss(0, 0.75))
        answers.append(
            Answer(
                session=session,
                key=item.id,
                value=6 - agree if item.reverse else agree,
                answered_at=now,
            )
        )
    if complete and content.sjt:
        for scenario in content.sjt.scenarios:
            skill = sum(level[c] for c in scenario.competencies) / len(scenario.competencies)
            spread = max(0.35, 1.2 - 0.35 * skill)
            for option in scenario.options:
                value = _clip(option.key + rng.gauss(0, spread))
                answers.append(
                    Answer(
                        session=session,
                        key=sjt_key(scenario.id, option.id),
                        value=value,
                        answered_at=now,
                    )
                )
    if complete:
        pool = _demo_replies()[candidate.language][session.reply_message]
        # better candidates tend to write the better replies (the pool is sorted worst → best)
        index = min(
            len(pool) - 1, max(0, round((len(pool) - 1) * (0.5 + 0.3 * g) + rng.gauss(0, 0.8)))
        )
        answers.append(
            Answer(
                session=session,
                key=reply_key(session.reply_message),
                text=pool[index],
                language=candidate.language,
            )
        )
    Answer.objects.bulk_create(answers)
    added_on(candidate, now - timedelta(days=1))
    dated(
        move_to_stage(
            candidate=candidate, stage=Stage.IN_PROGRESS, changed_by=None, reason_code="started"
        ),
        now,
    )
    if complete:
        session.submitted_at = now + timedelta(minutes=31)
        session.save(update_fields=["submitted_at"])
        dated(
            move_to_stage(
                candidate=candidate, stage=Stage.COMPLETED, changed_by=None, reason_code="submitted"
            ),
            session.submitted_at,
        )
        if score:
            store_result(session=session, refresh=False)
    return session


def dated(change: StageChange, at: datetime) -> StageChange:
    """Date a demo stage change when it would have happened (never later than now).

    The demo loads in seconds what took days; without this every history entry and the
    dashboard's days in stage would read "just now" (0.0 d).
    """
    at = min(at, timezone.now())
    StageChange.objects.filter(pk=change.pk).update(changed_at=at)
    change.changed_at = at
    if change.from_stage != change.to_stage:
        Candidate.objects.filter(pk=change.candidate_id).update(stage_changed_at=at)
        change.candidate.stage_changed_at = at
    return change


def added_on(candidate: Candidate, at: datetime) -> None:
    """Date a demo candidate's first stage ("invited", when they were added) at ``at``."""
    at = min(at, timezone.now())
    candidate.stage_changes.filter(from_stage="", to_stage=Stage.INVITED).update(changed_at=at)
    if candidate.stage == Stage.INVITED:
        Candidate.objects.filter(pk=candidate.pk).update(stage_changed_at=at)
        candidate.stage_changed_at = at


def move_along(
    candidate: Candidate,
    steps: Sequence[str],
    *,
    changed_by: User | None,
    reason_code: str,
    note: str = "",
) -> None:
    """Move a scored demo candidate through ``steps``, spread over the time since they submitted."""
    submitted = candidate.assessment.submitted_at or timezone.now()
    elapsed = timezone.now() - submitted
    for number, step in enumerate(steps, start=1):
        change = move_to_stage(
            candidate=candidate,
            stage=step,
            changed_by=changed_by,
            reason_code=reason_code,
            note=note,
        )
        dated(change, submitted + elapsed * number / (len(steps) + 1))


def spread_stages(*, candidates: list[Candidate], recruiter: User, rng: random.Random) -> None:
    """Move scored demo candidates along the pipeline, as a recruiter would have done."""
    from servicefit.assessments.models import Standing

    if not candidates:
        return
    ranked = list(
        Standing.objects.filter(job=candidates[0].job, composite__isnull=False)
        .select_related("candidate")
        .order_by("-composite", "candidate__name")
    )
    plan = [
        Stage.HIRED,
        Stage.OFFER,
        Stage.SHORTLISTED,
        Stage.SHORTLISTED,
        Stage.SHORTLISTED,
        Stage.SHORTLISTED,
    ]
    path = [Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED]
    for row, stage in zip(ranked, plan, strict=False):
        steps = path[: path.index(stage) + 1]
        move_along(row.candidate, steps, changed_by=recruiter, reason_code="strong_fit")
    for row in ranked[-4:]:
        move_along(
            row.candidate,
            [Stage.REJECTED],
            changed_by=recruiter,
            reason_code="assessment",
            note="Demo: weaker fit on the job's key competencies.",
        )
    if len(ranked) > 12:
        move_along(
            ranked[math.floor(len(ranked) / 2)].candidate,
            [Stage.WITHDRAWN],
            changed_by=None,
            reason_code="candidate_withdrew",
        )
