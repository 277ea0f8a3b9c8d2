"""Storing a scored result for a submitted session, with its standing in the job."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from servicefit.content import default_content
from servicefit.privacy.services import record

from . import scoring
from .models import AssessmentSession, NormGroup, Result
from .norms import current_norm_group, needs_refresh, sems_of
from .plan import reply_key
from .standings import store_standing


@transaction.atomic
def store_result(
    *, session: AssessmentSession, group: NormGroup | None = None, refresh: bool = True
) -> Result:
    """Score ``session`` and save (or replace) its result and standing.

    Bands use the SEMs of ``group`` (default: the newest norm group of the content version).
    With ``refresh``, a new norm group is built by a task after commit when one is due.
    """
    if not session.is_submitted:
        raise ValueError("only a submitted assessment can be scored")
    content = default_content()
    group = group or current_norm_group(content.version)
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
        sems=sems_of(group),
    )
    stored = scored.model_dump(mode="json")
    result, _created = Result.objects.update_or_create(
        session=session,
        defaults={
            "record_version": scored.record_version,
            "content_version": scored.content_version,
            "scoring_version": scored.scoring_version,
            "norm_group": group,
            "computed_at": timezone.now(),
            "competencies": stored["competencies"],
            "questionnaire": stored["questionnaire"],
            "sjt": stored["sjt"],
            "reply": stored["reply"],
            "flags": stored["flags"],
        },
    )
    result.__dict__.pop("record", None)
    store_standing(result=result, candidate=session.candidate)
    record(
        action="assessment.scored",
        candidate=session.candidate,
        scoring_version=scored.scoring_version,
    )
    if refresh and needs_refresh(content.version):
        from .tasks import refresh_norm_group

        transaction.on_commit(lambda: refresh_norm_group.enqueue())
    return result
