"""Adding candidates and moving them through the pipeline (always by a person)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.jobs.models import Job
from servicefit.security.text import clean_text
from servicefit.webhooks.events import DECISION_STAGES, emit

from .models import Candidate, Stage, StageChange


@transaction.atomic
def add_candidate(
    *, job: Job, name: str, email: str, language: str = "en", added_by: User | None = None
) -> Candidate:
    """Add a candidate in stage "invited"; a closed job raises ``JobClosedError``."""
    if job.archived_at is not None:
        from servicefit.jobs.services import JobClosedError

        raise JobClosedError(job)
    candidate = Candidate.objects.create(
        job=job, name=clean_text(name), email=clean_text(email).lower(), language=language
    )
    StageChange.objects.create(candidate=candidate, to_stage=Stage.INVITED, changed_by=added_by)
    record(action="candidate.added", actor=added_by, candidate=candidate)
    return candidate


class DuplicateEmail(ValueError):
    """Another candidate for the same job already has this e-mail address."""


#: Stages the assessment sets by itself: added → invited, started → in progress, submitted →
#: completed. They feed the dashboard's funnel and the fairness steps, so a person may not move
#: a candidate into one the candidate's assessment has not reached.
ASSESSMENT_STAGES = frozenset({Stage.INVITED, Stage.IN_PROGRESS, Stage.COMPLETED})


def assessment_stage(candidate: Candidate) -> str | None:
    """The assessment stage the candidate's assessment has reached (``None``: they withdrew)."""
    session = getattr(candidate, "assessment", None)
    if session is None:
        return Stage.INVITED
    if session.submitted_at is not None:
        return Stage.COMPLETED
    if session.withdrawn_at is not None:
        return None
    return Stage.IN_PROGRESS


def settable_stages(candidate: Candidate) -> list[str]:
    """The stages a person may choose for ``candidate``, in the order of :class:`Stage`.

    Every decision stage (shortlisted to hired, rejected, withdrawn), the current stage (to add
    a note) and, of the assessment's own stages, only the one the assessment has reached, so a
    rejected candidate can be brought back to where their assessment stands.
    """
    reached = assessment_stage(candidate)
    return [
        stage
        for stage in Stage.values
        if stage not in ASSESSMENT_STAGES or stage in {reached, candidate.stage}
    ]


class CandidateLocked(ValueError):
    """A detail that the candidate's assessment has already fixed cannot be changed any more."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is fixed once the candidate has started")
        self.field = field


def language_is_fixed(candidate: Candidate) -> bool:
    """The assessment language is fixed once the candidate has started the assessment (their
    answers are in it); until then a recruiter may correct it."""
    return getattr(candidate, "assessment", None) is not None


def extra_time_is_fixed(candidate: Candidate) -> bool:
    """Extra time is fixed once a timed part has started or the assessment is over: changing
    it then would move a deadline the candidate is already working to."""
    session = getattr(candidate, "assessment", None)
    if session is None:
        return False
    return bool(
        session.sjt_started_at
        or session.reply_started_at
        or session.submitted_at
        or session.withdrawn_at
    )


@transaction.atomic
def update_candidate(
    *,
    candidate: Candidate,
    name: str,
    email: str,
    changed_by: User | None,
    reason: str = "",
    language: str | None = None,
    extra_time_percent: int | None = None,
) -> list[str]:
    """Correct the name, e-mail address, assessment language or extra time; returns the
    fields that changed (audited, no values).

    ``language`` and ``extra_time_percent`` (``None``: unchanged) are for a candidate who was
    added with the wrong language or who asks for an accommodation after the invitation; they
    raise :class:`CandidateLocked` once the assessment has fixed them
    (:func:`language_is_fixed`, :func:`extra_time_is_fixed`). The language must be one of the
    job's (``ValueError`` otherwise). The audit event names the fields, not the old or new
    values, so it stays free of personal data after an erasure. Raises
    :class:`DuplicateEmail` when the job already has the address.
    """
    email = email.strip().lower()
    wanted: dict[str, object] = {"name": name, "email": email}
    if language is not None:
        wanted["language"] = language
    if extra_time_percent is not None:
        wanted["extra_time_percent"] = extra_time_percent
    changed = [field for field, value in wanted.items() if getattr(candidate, field) != value]
    if not changed:
        return []
    if {"language", "extra_time_percent"} & set(changed):
        # the row lock orders this after a start_session in progress (it locks it too), and
        # the fresh look-up sees a session started since the candidate was read
        Candidate.objects.select_for_update().filter(pk=candidate.pk).exists()
        fresh = Candidate.objects.select_related("assessment").get(pk=candidate.pk)
        if "language" in changed:
            if language_is_fixed(fresh):
                raise CandidateLocked("language")
            if not candidate.job.offers_language(str(language)):
                raise ValueError(f"{language!r} is not one of this job's assessment languages")
        if "extra_time_percent" in changed and extra_time_is_fixed(fresh):
            raise CandidateLocked("extra_time_percent")
    if (
        "email" in changed
        and Candidate.objects.filter(job_id=candidate.job_id, email=email)
        .exclude(pk=candidate.pk)
        .exists()
    ):
        raise DuplicateEmail(email)
    for field in changed:
        setattr(candidate, field, wanted[field])
    candidate.save(update_fields=changed)
    record(
        action="candidate.updated",
        actor=changed_by,
        candidate=candidate,
        fields=changed,
        reason=reason,
    )
    return changed


class StageChangedMeanwhile(ValueError):
    """The candidate's stage is no longer the one the person's page showed (``opened_stage``):
    another tab, person or the assessment moved them since. ``stage`` is the current stage."""

    def __init__(self, stage: str) -> None:
        super().__init__(f"the stage changed to {stage} meanwhile")
        self.stage = stage


@transaction.atomic
def move_to_stage(
    *,
    candidate: Candidate,
    stage: str,
    changed_by: User | None,
    reason_code: str = "",
    note: str = "",
    params: dict[str, str] | None = None,
    opened_stage: str | None = None,
) -> StageChange:
    """Move a candidate to ``stage`` and log who, when and why.

    ``stage`` equal to the current stage records the reason and note in the history and the
    audit log and changes nothing else: ``stage_changed_at`` (from which the retention period
    of a closed application runs) stays, and no stage-change or decision webhook is sent, so a
    note added to a rejected candidate neither postpones their deletion nor re-announces the
    decision.

    The move starts from the stored stage, read under the candidate's row lock (``candidate``
    is updated to it), so two moves at the same instant are one after the other and each
    records the stage it really left. ``opened_stage`` is the stage the person's page showed:
    if the candidate is no longer there, nothing is recorded and :class:`StageChangedMeanwhile`
    is raised, so of two people deciding from the same page only the first decision applies.
    """
    if stage not in Stage.values:
        raise ValueError(f"unknown stage {stage!r}")
    candidate.stage = (
        Candidate.objects.select_for_update().values_list("stage", flat=True).get(pk=candidate.pk)
    )
    if opened_stage is not None and opened_stage != candidate.stage:
        raise StageChangedMeanwhile(candidate.stage)
    change = StageChange.objects.create(
        candidate=candidate,
        from_stage=candidate.stage,
        to_stage=stage,
        reason_code=reason_code,
        note=note,
        params=params or {},
        changed_by=changed_by,
    )
    if change.from_stage == stage:
        record(
            action="candidate.stage_noted",
            actor=changed_by,
            candidate=candidate,
            stage=stage,
            reason_code=reason_code,
        )
        return change
    candidate.stage = stage
    candidate.stage_changed_at = timezone.now()
    candidate.save(update_fields=["stage", "stage_changed_at"])
    record(
        action="candidate.stage_changed",
        actor=changed_by,
        candidate=candidate,
        from_stage=change.from_stage,
        to_stage=stage,
        reason_code=reason_code,
    )
    data = {
        "candidate_id": candidate.pk,
        "job_id": candidate.job_id,
        "from_stage": change.from_stage,
        "to_stage": stage,
        "reason_code": reason_code,
    }
    emit("candidate.stage_changed", data)
    if changed_by is not None and stage in DECISION_STAGES:
        emit("decision.recorded", {**data, "decided_by": changed_by.get_username()})
    return change
