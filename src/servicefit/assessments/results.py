"""Storing a scored result for a submitted session."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from servicefit.content import default_content
from servicefit.measurement.adaptive import questionnaire_keys
from servicefit.measurement.scoring import score_irt
from servicefit.privacy.services import record

from . import scoring
from .models import AssessmentSession, Result
from .plan import reply_key


@transaction.atomic
def store_result(*, session: AssessmentSession) -> Result:
    """Score ``session`` and save (or replace) its result with content and scoring versions."""
    if not session.is_submitted:
        raise ValueError("only a submitted assessment can be scored")
    content = default_content()
    answers = {a.key: a for a in session.answers.all()}
    values = {key: a.value for key, a in answers.items() if a.value is not None}
    reply_answer = answers.get(reply_key(session.reply_message))
    scored = scoring.score_assessment(
        content,
        values=values,
        reply_message=session.reply_message,
        reply_text=reply_answer.text if reply_answer else "",
        reply_language=(
            reply_answer.language if reply_answer and reply_answer.language else session.language
        ),
        questionnaire_items=questionnaire_keys(session),
    )
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
    score_irt(result=result)
    record(
        action="assessment.scored",
        candidate=session.candidate,
        scoring_version=scored["scoring_version"],
    )
    return result
