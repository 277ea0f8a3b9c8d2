"""Invitations, answering, timing and submission: the candidate's workflow.

Every answer is saved on its own (an upsert keyed by session and item), so two tabs, a lost
connection or a reload never lose an answer. Time limits are enforced here, on the server.
"""

from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate, Stage
from servicefit.candidates.services import StageChangedMeanwhile, move_to_stage
from servicefit.content import Content, default_content
from servicefit.security.text import clean_text
from servicefit.webhooks.events import emit

from .answer_store import store_unless_submitted
from .links import invitation_url, new_nonce, token_from_nonce
from .models import Answer, AssessmentSession, Invitation, hash_token
from .plan import REPLY_MESSAGE_BY_CHANNEL, SCALE_MAX, SCALE_MIN, AssessmentPlan

TOKEN_BYTES = 32  # 256 random bits
PRIVACY_NOTICE_VERSION = "2026-12-privacy-3"
AUTOMATION_NOTICE_VERSION = "2026-11-automation-1"
WITHDRAW_REASON_MAX = 500
TIMER_GRACE = timedelta(seconds=15)
"""Network slack: an answer sent just as the clock runs out is still accepted."""


class LinkClosedError(ValueError):
    """No link for a candidate whose stage closes their links (see ``LINK_CLOSED_STAGES``)."""

    def __init__(self, candidate: Candidate, message: str | None = None) -> None:
        super().__init__(message or closed_link_message(candidate))
        self.candidate = candidate


class AnswerError(Exception):
    """An answer that cannot be accepted; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class TimeUp(AnswerError):
    def __init__(self, message: str) -> None:
        super().__init__(message, status=409)


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        return invitation_url(self.token)


def token_of(invitation: Invitation) -> str | None:
    """The invitation's token, derived again from its nonce; ``None`` if it cannot be.

    Links made before nonces existed, or under an earlier secret key that is no longer among
    ``SECRET_KEY_FALLBACKS``, cannot be derived.
    """
    if not invitation.token_nonce:
        return None
    for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        token = token_from_nonce(invitation.token_nonce, key)
        if hash_token(token) == invitation.token_hash:
            return token
    return None


def link_of(invitation: Invitation) -> str | None:
    """The invitation's link (see :func:`token_of`); ``None`` if it cannot be shown."""
    token = token_of(invitation)
    return invitation_url(token) if token is not None else None


@transaction.atomic
def create_invitation(
    *,
    candidate: Candidate,
    created_by: User | None,
    days: int | None = None,
    now: datetime | None = None,
) -> NewInvitation:
    """A new link for ``candidate``; earlier open links are revoked so only one works.

    Raises :class:`LinkClosedError` when the candidate's stage closes their links (rejected,
    withdrawn, hired): such a link would not open, so every way of making one (back office,
    API, CLI, e-mail) is refused here, not only in the screens that offer it. The same for a
    candidate of a closed (archived) job, with the job's reason.
    """
    if link_closed_by_stage(candidate):
        raise LinkClosedError(candidate)
    if candidate.job.archived_at is not None:
        from servicefit.jobs.services import closed_job_message

        raise LinkClosedError(candidate, closed_job_message(candidate.job))
    now = now or timezone.now()
    days = settings.SERVICEFIT_INVITATION_DAYS if days is None else days
    if days < 1:
        raise ValueError("an invitation must be valid for at least one day")
    candidate.invitations.filter(revoked_at__isnull=True).update(revoked_at=now)
    nonce = new_nonce()
    token = token_from_nonce(nonce)
    invitation = Invitation.objects.create(
        candidate=candidate,
        token_hash=hash_token(token),
        token_nonce=nonce,
        created_at=now,
        expires_at=now + timedelta(days=days),
        created_by=created_by,
    )
    record(
        action="invitation.created",
        actor=created_by,
        candidate=candidate,
        expires=invitation.expires_at.isoformat(),
    )
    return NewInvitation(invitation=invitation, token=token)


def mark_opened(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Record the first time the candidate opened the link (for the invitation status)."""
    if invitation.opened_at is None:
        now = now or timezone.now()
        if Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=now
        ):
            invitation.opened_at = now
            record(action="invitation.opened", candidate=invitation.candidate)
            emit(
                "invitation.opened",
                {"candidate_id": invitation.candidate_id, "job_id": invitation.candidate.job_id},
            )


def revoke_invitation(*, invitation: Invitation, revoked_by: User | None) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(action="invitation.revoked", actor=revoked_by, candidate=invitation.candidate)


def revives_link_on_closed_job(invitation: Invitation, now: datetime | None = None) -> bool:
    """Whether extending ``invitation`` would bring an expired link of a closed job back to
    life. A closed job takes no new invitations, and links already sent keep working until
    they expire; an expired one re-opened is a new invitation in all but name, so it is
    refused like one (:func:`extend_invitation`)."""
    return invitation.candidate.job.archived_at is not None and invitation.expires_at <= (
        now or timezone.now()
    )


def expired_link_on_closed_job_message() -> str:
    return _(
        "The link has expired and the job is closed: extending it would be a new invitation. "
        "Reopen the job first."
    )


def extend_invitation(*, invitation: Invitation, days: int, extended_by: User | None) -> None:
    """Keep the link open ``days`` longer (from now if it has expired already).

    Raises :class:`LinkClosedError` when the candidate's stage closes their links, or when the
    link has expired and the job is closed (:func:`revives_link_on_closed_job`)."""
    if days < 1:
        raise ValueError("extend by at least one day")
    if link_closed_by_stage(invitation.candidate):
        raise LinkClosedError(invitation.candidate)
    if revives_link_on_closed_job(invitation):
        raise LinkClosedError(invitation.candidate, expired_link_on_closed_job_message())
    base = max(invitation.expires_at, timezone.now())
    invitation.expires_at = base + timedelta(days=days)
    invitation.save(update_fields=["expires_at"])
    record(
        action="invitation.extended", actor=extended_by, candidate=invitation.candidate, days=days
    )


def feedback_available_until(session: AssessmentSession) -> datetime:
    """The thank-you page (with the feedback) answers until then (``SERVICEFIT_FEEDBACK_DAYS``
    after submission); the "feedback is ready" e-mail is not sent after it either."""
    if session.submitted_at is None:
        raise ValueError("only a submitted assessment has a thank-you page")
    return session.submitted_at + timedelta(days=settings.SERVICEFIT_FEEDBACK_DAYS)


#: Stages whose candidates' links do not work: the application is closed (decided either way,
#: or withdrawn). Until a person moves the candidate back into the pipeline no new link,
#: reminder or extension is given either.
LINK_CLOSED_STAGES = frozenset({Stage.REJECTED, Stage.WITHDRAWN, Stage.HIRED})


def link_closed_by_stage(candidate: Candidate) -> bool:
    """Whether ``candidate``'s stage closes every link of theirs (see ``LINK_CLOSED_STAGES``)."""
    return candidate.stage in LINK_CLOSED_STAGES


def closed_link_message(candidate: Candidate) -> str | None:
    """Why ``candidate`` gets no link, reminder or extension now (for the user), or ``None``."""
    if not link_closed_by_stage(candidate):
        return None
    return _(
        "The candidate is %(stage)s, so their link is closed: no link, reminder or extension "
        "can be sent. Move them back into the pipeline first."
    ) % {"stage": candidate.get_stage_display()}


def open_invitation(token: str, *, now: datetime | None = None) -> Invitation | None:
    """The invitation behind a usable link, or ``None`` for unknown, expired, revoked or used."""
    invitation = Invitation.objects.for_token(token)
    if invitation is None or not invitation.is_open(now):
        return None
    session = getattr(invitation.candidate, "assessment", None)
    if session is not None and (session.is_submitted or session.withdrawn_at):
        return None
    if link_closed_by_stage(invitation.candidate):
        return None
    return invitation


def plan_for(session: AssessmentSession, content: Content | None = None) -> AssessmentPlan:
    """The session's page plan; plans of the shipped content are built once per process.

    An adaptive questionnaire (see :mod:`servicefit.measurement.adaptive`) has one page whose
    items grow as the candidate answers, so its plan is built for the session each time.
    """
    from servicefit.measurement.adaptive import questionnaire_keys

    adaptive_keys = questionnaire_keys(session)
    if adaptive_keys is not None:
        return AssessmentPlan.build(
            content or default_content(),
            reply_message=session.reply_message,
            adaptive_keys=adaptive_keys,
        )
    if content is None or content is default_content():
        return _default_plan(session.reply_message)
    return AssessmentPlan.build(content, reply_message=session.reply_message)


@functools.lru_cache(maxsize=64)
def _default_plan(reply_message: str) -> AssessmentPlan:
    return AssessmentPlan.build(default_content(), reply_message=reply_message)


@transaction.atomic
def start_session(
    *, invitation: Invitation, language: str, now: datetime | None = None
) -> AssessmentSession:
    """Record consent (with the notice versions) and start the assessment; idempotent."""
    now = now or timezone.now()
    candidate = Candidate.objects.select_for_update().get(pk=invitation.candidate_id)
    existing = AssessmentSession.objects.filter(candidate=candidate).first()
    if existing is not None:
        return existing
    session = AssessmentSession.objects.create(
        candidate=candidate,
        content_version=default_content().version,
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        automation_notice_version=AUTOMATION_NOTICE_VERSION,
        consented_at=now,
        retention_days_notified=candidate.job.retention_days,
        language=language,
        reply_message=REPLY_MESSAGE_BY_CHANNEL.get(candidate.job.channel, "late_delivery"),
    )
    from servicefit.measurement.adaptive import start_adaptive

    start_adaptive(session=session)
    if candidate.stage == Stage.INVITED:
        move_to_stage(
            candidate=candidate, stage=Stage.IN_PROGRESS, changed_by=None, reason_code="started"
        )
    record(
        action="assessment.consented",
        candidate=candidate,
        privacy_notice=PRIVACY_NOTICE_VERSION,
        automation_notice=AUTOMATION_NOTICE_VERSION,
        retention_days=candidate.job.retention_days,
        language=language,
    )
    return session


def candidate_time_limit(
    candidate: Candidate, section: str, content: Content | None = None
) -> timedelta | None:
    """A timed section's limit for this candidate, extra time included; ``None`` if untimed."""
    content = content or default_content()
    minutes: int | None = None
    if section == "sjt" and content.sjt is not None:
        minutes = content.sjt.time_limit_minutes
    elif section == "reply" and content.written_reply is not None:
        minutes = content.written_reply.time_limit_minutes
    if minutes is None:
        return None
    return timedelta(minutes=minutes) * (1 + candidate.extra_time_percent / 100)


def limit_minutes(limit: timedelta) -> int:
    """A limit as the whole minutes a candidate is told (rounded up: never promise less)."""
    return math.ceil(limit.total_seconds() / 60 - 1e-9)


#: Minutes the untimed parts take most candidates: the questionnaire (about 8, as the landing
#: page says) and reading the notices, the job preview and the review page (about 2).
UNTIMED_MINUTES = 10


def assessment_minutes(candidate: Candidate, content: Content | None = None) -> int:
    """The whole assessment's duration as the candidate is told it ("about N minutes"): the
    timed parts' limits with their extra time, plus :data:`UNTIMED_MINUTES`, rounded up to
    five minutes (35 for the shipped content without extra time)."""
    total = UNTIMED_MINUTES + sum(
        limit_minutes(limit)
        for section in ("sjt", "reply")
        if (limit := candidate_time_limit(candidate, section, content)) is not None
    )
    return 5 * math.ceil(total / 5)


def time_limit(
    session: AssessmentSession, section: str, content: Content | None = None
) -> timedelta | None:
    """The section's limit including the candidate's extra time, or ``None`` if untimed."""
    return candidate_time_limit(session.candidate, section, content)


def awaits_start(session: AssessmentSession, section: str) -> bool:
    """True while a timed section has not been started: its pages show the start screen.

    The clock starts when the candidate presses Start (:func:`start_section`), not when a page
    of the section is merely opened, so looking ahead or coming back later costs no time.
    """
    return time_limit(session, section) is not None and deadline(session, section) is None


def deadline(session: AssessmentSession, section: str) -> datetime | None:
    started = {"sjt": session.sjt_started_at, "reply": session.reply_started_at}.get(section)
    limit = time_limit(session, section)
    if started is None or limit is None:
        return None
    return started + limit


def start_section(
    *, session: AssessmentSession, section: str, now: datetime | None = None
) -> datetime | None:
    """Start a timed section's clock the first time it is opened; return its deadline."""
    field = {"sjt": "sjt_started_at", "reply": "reply_started_at"}.get(section)
    if field is None:
        return None
    if getattr(session, field) is None:
        # the clock and its audit event together or not at all (a full disk refuses the second)
        with transaction.atomic():
            updated = AssessmentSession.objects.filter(
                pk=session.pk, **{f"{field}__isnull": True}
            ).update(**{field: now or timezone.now()})
            if updated:
                record(action=f"assessment.{section}_started", candidate=session.candidate)
        session.refresh_from_db(fields=[field])
    return deadline(session, section)


def is_time_up(session: AssessmentSession, section: str, now: datetime | None = None) -> bool:
    end = deadline(session, section)
    return end is not None and (now or timezone.now()) > end + TIMER_GRACE


def _validated(section: str | None, value: object) -> tuple[int | None, str]:
    if section is None:
        raise AnswerError(_("This question is not part of your assessment."))
    if section == "reply":
        # The one normalisation of stored text: no NUL or control characters (PostgreSQL
        # refuses NUL), line breaks as "\n"; the limit applies to what is stored.
        text = clean_text(value, multiline=True)
        limit = default_content().written_reply.max_characters  # type: ignore[union-attr]
        if len(text) > limit:
            raise AnswerError(
                _(
                    "Your reply is %(length)d characters long; the limit is %(limit)d. Please shorten it."
                )
                % {"length": len(text), "limit": limit},
                status=413,
            )
        return None, text
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise AnswerError(_("Please choose one of the options from 1 to 5.")) from None
    if not SCALE_MIN <= number <= SCALE_MAX:
        raise AnswerError(_("Please choose one of the options from 1 to 5."))
    return number, ""


def save_answer(
    *,
    session: AssessmentSession,
    key: str,
    value: object,
    language: str = "",
    now: datetime | None = None,
) -> Answer:
    """Save (or replace) one answer, enforcing the scale, the length limit and the clock.

    One statement in one short transaction (:func:`store_unless_submitted`): an upsert keyed
    by (session, item) that stores nothing once the session is submitted, under the session
    row's lock that :func:`submit` also takes, so no answer is stored after ``submitted_at``.
    Two tabs saving the same item at once are harmless (the later one wins).
    """
    now = now or timezone.now()
    if session.is_submitted:
        raise AnswerError(_("This assessment has already been submitted."), status=409)
    section = plan_for(session).section_of(key)
    if key.startswith("adaptive."):  # the adaptive page's "next item" placeholder
        section = None
    number, text = _validated(section, value)
    assert section is not None  # noqa: S101  (checked in _validated)
    if section in {"sjt", "reply"}:
        if deadline(session, section) is None:
            start_section(session=session, section=section, now=now)
        if is_time_up(session, section, now):
            raise TimeUp(_("Time is up for this section. Your earlier answers are saved."))
    answer = Answer(
        session=session, key=key, value=number, text=text, language=language, answered_at=now
    )
    if not store_unless_submitted(answer):
        session.submitted_at = session.submitted_at or now
        raise AnswerError(_("This assessment has already been submitted."), status=409)
    return answer


def answers_of(session: AssessmentSession) -> dict[str, Answer]:
    return {answer.key: answer for answer in session.answers.all()}


def answered_keys(answers: dict[str, Answer]) -> set[str]:
    """Keys with a real answer: a chosen value, or a reply that is not blank."""
    return {key for key, a in answers.items() if a.value is not None or a.text.strip()}


@transaction.atomic
def submit(*, session: AssessmentSession, now: datetime | None = None) -> bool:
    """Submit once; a second submit changes nothing. Returns True if this call submitted."""
    locked = AssessmentSession.objects.select_for_update().get(pk=session.pk)
    if locked.submitted_at is not None:
        session.submitted_at = locked.submitted_at
        return False
    locked.submitted_at = now or timezone.now()
    locked.save(update_fields=["submitted_at"])
    session.submitted_at = locked.submitted_at
    candidate = locked.candidate
    if candidate.stage in {Stage.INVITED, Stage.IN_PROGRESS}:
        # from the stage just read: a person's decision recorded since (a rejection at the
        # same instant) stands, rather than being moved on to "completed"
        with contextlib.suppress(StageChangedMeanwhile):
            move_to_stage(
                candidate=candidate,
                stage=Stage.COMPLETED,
                changed_by=None,
                reason_code="submitted",
                opened_stage=candidate.stage,
            )
    record(action="assessment.submitted", candidate=candidate)
    emit(
        "assessment.submitted",
        {
            "candidate_id": candidate.pk,
            "job_id": candidate.job_id,
            "submitted_at": locked.submitted_at.isoformat(),
        },
    )
    from .tasks import score_assessment

    session_id = locked.pk
    transaction.on_commit(lambda: score_assessment.enqueue(session_id))
    return True


@transaction.atomic
def withdraw(*, invitation: Invitation, reason: str = "") -> None:
    """The candidate withdraws after the job preview (or at any time before submitting)."""
    candidate = invitation.candidate
    session = getattr(candidate, "assessment", None)
    if session is not None and session.withdrawn_at is None:
        session.withdrawn_at = timezone.now()
        session.save(update_fields=["withdrawn_at"])
    if candidate.stage != Stage.WITHDRAWN:
        move_to_stage(
            candidate=candidate,
            stage=Stage.WITHDRAWN,
            changed_by=None,
            reason_code="candidate_withdrew",
            note=clean_text(reason, multiline=True)[:WITHDRAW_REASON_MAX],
        )
