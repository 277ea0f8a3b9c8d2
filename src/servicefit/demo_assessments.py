"""Simulated, plausible assessments for the demo: answers driven by latent competency levels.

Each demo candidate gets a general level ``g`` and competency levels ``0.6 g + 0.8 e``; Likert
answers and judgement ratings are noisy functions of those, so scores vary, scales are
reliable and the ranking means something. Written replies come from ``demo_replies.yaml``.
"""

from __future__ import annotations

import functools
import math
import random
from datetime import timedelta
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
from servicefit.candidates.models import Candidate, Stage
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
    move_to_stage(
        candidate=candidate, stage=Stage.IN_PROGRESS, changed_by=None, reason_code="started"
    )
    if complete:
        session.submitted_at = now + timedelta(minutes=31)
        session.save(update_fields=["submitted_at"])
        move_to_stage(
            candidate=candidate, stage=Stage.COMPLETED, changed_by=None, reason_code="submitted"
        )
        if score:
            store_result(session=session, refresh=False)
    return session


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
    for row, stage in zip(ranked, plan, strict=False):
        for step in (Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED):
            move_to_stage(
                candidate=row.candidate, stage=step, changed_by=recruiter, reason_code="strong_fit"
            )
            if step == stage:
                break
    for row in ranked[-4:]:
        move_to_stage(
            candidate=row.candidate,
            stage=Stage.REJECTED,
            changed_by=recruiter,
            reason_code="assessment",
            note="Demo: weaker fit on the job's key competencies.",
        )
    if len(ranked) > 12:
        move_to_stage(
            candidate=ranked[math.floor(len(ranked) / 2)].candidate,
            stage=Stage.WITHDRAWN,
            changed_by=None,
            reason_code="candidate_withdrew",
        )
