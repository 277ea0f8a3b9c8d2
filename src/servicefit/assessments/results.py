"""Storing a scored result for a submitted session, with its standing in the job.

Scoring is computed outside any transaction and written in one short one that locks the
session row, so a slow analysis never holds the database (SQLite's single writer) and two
workers that happen to score the same session store one result, once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servicefit.audit.recording import record
from servicefit.content import default_content
from servicefit.measurement.adaptive import questionnaire_keys
from servicefit.measurement.scoring import irt_for_session, irt_for_sessions
from servicefit.webhooks.events import emit

from . import scoring
from .models import Answer, AssessmentSession, NormGroup, Result
from .norms import current_norm_group, needs_refresh, sems_of
from .plan import reply_key
from .record import ResultRecord
from .standings import store_standing, store_standings


def score_session(*, session_id: int, force: bool = False) -> Result | None:
    """Score the session unless it already has a current result (or ``force``).

    Returns the stored (or existing) result, or ``None`` if the session no longer exists (the
    candidate was erased after submitting).
    """
    found = AssessmentSession.objects.select_related("candidate__job").filter(pk=session_id).first()
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


def store_result(
    *,
    session: AssessmentSession,
    group: NormGroup | None = None,
    refresh: bool = True,
    force: bool = True,
) -> Result:
    """Score ``session`` and save (or replace) its result and standing.

    Bands use the SEMs of ``group`` (default: the newest norm group of the content version).
    With ``refresh``, a new norm group is built by a task after commit when one is due. With
    ``force=False`` a result stored by someone else while this one was being computed wins,
    and nothing is written twice.
    """
    if not session.is_submitted:
        raise ValueError("only a submitted assessment can be scored")
    content = default_content()
    group = group or current_norm_group(content.version)
    answers = list(session.answers.all())
    scored = _score(session, answers, group)
    previous = Result.objects.filter(session=session).first()
    irt = irt_for_session(
        session=session,
        values=_values(answers),
        previous=previous.record.irt if previous is not None else None,
    )
    scored = scored.model_copy(update={"irt": irt})
    with transaction.atomic():
        AssessmentSession.objects.select_for_update().filter(pk=session.pk).first()
        if not force:
            current = _current_result(session)
            if current is not None:
                return current
        result, created = Result.objects.update_or_create(
            session=session, defaults=_columns(scored, group)
        )
        result.__dict__.pop("record", None)
        store_standing(result=result, candidate=session.candidate)
        record(
            action="assessment.scored",
            candidate=session.candidate,
            scoring_version=scored.scoring_version,
        )
        _emit_scored(session, scored.scoring_version)
        if created:
            from .emails import queue_feedback_email

            queue_feedback_email(session)
        if refresh and needs_refresh(content.version):
            from .tasks import refresh_norm_group

            transaction.on_commit(lambda: refresh_norm_group.enqueue())
    return result


def _score(
    session: AssessmentSession, answers: list[Answer], group: NormGroup | None
) -> ResultRecord:
    """The one scoring call, shared by :func:`store_result` and :func:`store_results`."""
    by_key = {a.key: a for a in answers}
    values = _values(answers)
    reply_answer = by_key.get(reply_key(session.reply_message))
    return scoring.score_assessment(
        default_content(),
        values=values,
        reply_message=session.reply_message,
        reply_text=reply_answer.text if reply_answer else "",
        reply_language=(
            reply_answer.language if reply_answer and reply_answer.language else session.language
        ),
        sems=sems_of(group),
        questionnaire_items=questionnaire_keys(session),
        reply_model=settings.SERVICEFIT_REPLY_MODEL,
        reply_shown=reply_shown(session, reply_answer is not None),
    )


def reply_shown(session: AssessmentSession, saved: bool) -> bool:
    """Whether the candidate saw the customer's message: the reply's clock was started (the
    Start button, or a saved reply, which starts it too). An untimed written reply records no
    opening; the candidate then had it on the way to the review page and counts as shown."""
    written = default_content().written_reply
    if written is None:
        return False
    return saved or session.reply_started_at is not None or written.time_limit_minutes is None


def _values(answers: list[Answer]) -> dict[str, int | None]:
    return {a.key: a.value for a in answers if a.value is not None}


def _columns(scored: ResultRecord, group: NormGroup | None) -> dict[str, object]:
    stored = scored.model_dump(mode="json")
    return {
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
        "irt": stored["irt"],
    }


@transaction.atomic
def store_results(
    *, sessions: Sequence[AssessmentSession], group: NormGroup | None = None
) -> list[Result]:
    """Score many submitted, not yet scored sessions at once (imports, the demo at scale).

    The same scoring and standing code as :func:`store_result`, with the answers read in one
    query and results, standings and competency scores inserted in bulk. Interview ratings are
    not joined (a session scored for the first time has no scorecards yet).
    """
    if any(not s.is_submitted for s in sessions):
        raise ValueError("only a submitted assessment can be scored")
    if not sessions:
        return []
    content = default_content()
    group = group or current_norm_group(content.version)
    answers: dict[int, list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(session__in=sessions):
        answers[answer.session_id].append(answer)
    irts = irt_for_sessions(sessions, {s.pk: _values(answers[s.pk]) for s in sessions})
    records = [
        _score(s, answers[s.pk], group).model_copy(update={"irt": irt})
        for s, irt in zip(sessions, irts, strict=True)
    ]
    results = Result.objects.bulk_create(
        Result(session=s, **_columns(r, group)) for s, r in zip(sessions, records, strict=True)
    )
    if results and results[0].pk is None:  # a backend that does not return ids
        by_session = dict(
            Result.objects.filter(session__in=sessions).values_list("session_id", "pk")
        )
        for result in results:
            result.pk = by_session[result.session_id]
    store_standings(
        entries=[
            (s.candidate, res, rec) for s, res, rec in zip(sessions, results, records, strict=True)
        ]
    )
    for session, rec in zip(sessions, records, strict=True):
        record(
            action="assessment.scored",
            candidate=session.candidate,
            scoring_version=rec.scoring_version,
        )
        _emit_scored(session, rec.scoring_version)
    return results


def _emit_scored(session: AssessmentSession, scoring_version: str) -> None:
    emit(
        "assessment.scored",
        {
            "candidate_id": session.candidate.pk,
            "job_id": session.candidate.job_id,
            "scoring_version": scoring_version,
        },
    )
