"""Storing a scored result for a submitted session.

Scoring is computed outside any transaction and written in one short one that locks the
session row, so a slow analysis never holds the database (SQLite's single writer) and two workers
that happen to score the same session store one result, once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from servicefit.audit.recording import record
from servicefit.content import default_content

from . import scoring
from .models import AssessmentSession, Result
from .plan import reply_key


def score_session(*, session_id: int, force: bool = False) -> Result | None:
    """Score the session unless it already has a current result (or ``force``).

    Returns the stored (or existing) result, or ``None`` if the session no longer exists (the
    candidate was erased after submitting).
    """
    session = AssessmentSession.objects.select_related("candidate__job").filter(pk=session_id)
    found = session.first()
    if found is None:
        return None
    if not force:
        current = _current_result(found)
        if current is not None:
            return current
    return store_result(session=found, force=force)


def _current_result(session: AssessmentSession) -> Result | None:
    result = Result.objects.filter(session=session).first()
    if result is not None and result.scoring_version == scoring.SCORING_VERSION:
        return result
    return None


def _compute(session: AssessmentSession) -> dict[str, Any]:
    content = default_content()
    answers = {a.key: a for a in session.answers.all()}
    values = {key: a.value for key, a in answers.items() if a.value is not None}
    reply_answer = answers.get(reply_key(session.reply_message))
    return scoring.score_assessment(
        content,
        values=values,
        reply_message=session.reply_message,
        reply_text=reply_answer.text if reply_answer else "",
        reply_language=(
            reply_answer.language if reply_answer and reply_answer.language else session.language
        ),
    )


def store_result(*, session: AssessmentSession, force: bool = True) -> Result:
    """Score ``session`` and save (or replace) its result with content and scoring versions.

    With ``force=False`` a result stored by someone else while this one was being computed
    wins, and nothing is written twice.
    """
    if not session.is_submitted:
        raise ValueError("only a submitted assessment can be scored")
    scored = _compute(session)
    with transaction.atomic():
        AssessmentSession.objects.select_for_update().filter(pk=session.pk).first()
        if not force:
            current = _current_result(session)
            if current is not None:
                return current
        result, _created = Result.objects.update_or_create(
            session=session,
            defaults={
                "content_version": scored["content_version"],
                "scoring_version": scored["scoring_version"],
                "computed_at": timezone.now(),
                "competencies": scored["competencies"],
                "questionnaire": scored["questionnaire"],
                "sjt": scored["sjt"],
                "reply": scored["reply"],
                "flags": scored["flags"],
            },
        )
        record(
            action="assessment.scored",
            candidate=session.candidate,
            scoring_version=scored["scoring_version"],
        )
    return result
