"""Candidates, their invitations, results, decisions and audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from servicefit.assessments.emails import send_invitation
from servicefit.assessments.invitation_status import (
    InvitationStatus,
    delivery_status,
    status_of,
    statuses_for,
)
from servicefit.assessments.models import Invitation
from servicefit.assessments.services import (
    create_invitation,
    extend_invitation,
    link_closed_by_stage,
    link_of,
    revives_link_on_closed_job,
    revoke_invitation,
)
from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate, CandidateImport, Stage
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job
from servicefit.oversight.models import ScoringSuspension
from servicefit.oversight.services import current_suspension
from servicefit.security.mail import email_is_delivered

from ..auth import BearerToken, require_scope
from ..idempotency import OPENAPI_EXTRA, Created, idempotent
from ..pagination import paginate
from ..problems import ApiProblem
from ..results import result_payload, result_status
from ..schemas import (
    AuditPage,
    CandidateCreated,
    CandidateIn,
    CandidateOut,
    CandidatePage,
    Cursor,
    DateParam,
    DecisionOut,
    ExtendIn,
    ImportOut,
    InvitationIn,
    InvitationOut,
    Limit,
    NewInvitationOut,
    ObjectId,
    Problem,
    ResultOut,
    StageName,
)
from ..scopes import AUDIT_READ, CANDIDATES_READ, CANDIDATES_WRITE, RESULTS_READ

router = Router(tags=["candidates"])
ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    413: Problem,
    409: Problem,
    422: Problem,
    429: Problem,
}
#: A create with an Idempotency-Key whose candidate has since been erased is a 410 on retry.
CREATE_ERRORS: dict[int, Any] = {**ERRORS, 410: Problem}


#: The API's invitation statuses (the v1 vocabulary) for the one status the back office shows
#: (:func:`servicefit.assessments.invitation_status.status_of`). "sent" means the e-mail left;
#: while it is queued the invitation reads "created" and ``email`` says "queued".
API_INVITATION_STATUS: dict[InvitationStatus, str] = {
    InvitationStatus.NOT_INVITED: "none",
    InvitationStatus.LINK_CREATED: "created",
    InvitationStatus.SENT: "created",
    InvitationStatus.DELIVERED: "sent",
    InvitationStatus.FAILED: "failed",
    InvitationStatus.OPENED: "opened",
    InvitationStatus.STARTED: "started",
    InvitationStatus.SUBMITTED: "submitted",
    InvitationStatus.WITHDRAWN: "withdrawn",
    InvitationStatus.EXPIRED: "expired",
    InvitationStatus.REVOKED: "revoked",
}

#: ``email_reason`` of an e-mail that reaches nobody because no e-mail server is set up.
EMAIL_NOT_SENT_REASON = (
    "No e-mail server is set up on this ServiceFit installation (SERVICEFIT_EMAIL_BACKEND is a "
    "backend that delivers nothing), so the candidate receives no e-mail. Ask for the link "
    'with "send_email": false and deliver it yourself.'
)


def api_invitation_status(status: InvitationStatus) -> str:
    """The API's word for ``status``: an e-mail "sent" while no e-mail server is set up
    reached nobody, so the invitation reads "created" (a link exists, nothing was sent)."""
    if status in {InvitationStatus.SENT, InvitationStatus.DELIVERED} and not email_is_delivered():
        return "created"
    return API_INVITATION_STATUS[status]


def api_email_status(delivery: str | None) -> str | None:
    """``email`` of an invitation: queued, sent, failed, ``not_sent`` (no e-mail server: the
    worker hands it to a backend that delivers nothing) or None (no e-mail asked for)."""
    if delivery in {"queued", "sent"} and not email_is_delivered():
        return "not_sent"
    return delivery


def email_reason(email: str | None) -> str | None:
    return EMAIL_NOT_SENT_REASON if email == "not_sent" else None


def candidate_out(
    candidate: Candidate,
    *,
    suspended: bool | None = None,
    invitation: InvitationStatus | None = None,
) -> dict[str, Any]:
    """A candidate with the summary of their result (from the stored standing, no scoring)."""
    status = result_status(candidate, suspended=suspended)
    standing = getattr(candidate, "standing", None)
    composite = standing.composite if status == "scored" and standing is not None else None
    if invitation is None:
        invitation = statuses_for([candidate.pk])[candidate.pk]
    return {
        "id": candidate.pk,
        "job_id": candidate.job_id,
        "name": candidate.name,
        "email": candidate.email,
        "language": candidate.language,
        "stage": candidate.stage,
        "invitation_status": api_invitation_status(invitation),
        "stage_changed_at": candidate.stage_changed_at,
        "created_at": candidate.created_at,
        "result_status": status,
        "composite": composite,
    }


def _page_out(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """One suspension look-up per job on the page and the invitation statuses in two queries,
    not per candidate."""
    job_ids = {c.job_id for c in candidates}
    suspended = set(
        ScoringSuspension.objects.open().filter(job_id__in=job_ids).values_list("job_id", flat=True)
    )
    invitations = statuses_for(c.pk for c in candidates)
    return [
        candidate_out(c, suspended=c.job_id in suspended, invitation=invitations[c.pk])
        for c in candidates
    ]


LISTED = ("assessment", "standing")


def _filtered(
    candidates: QuerySet[Candidate],
    *,
    stage: str | None,
    created_after: str | None,
    created_before: str | None,
) -> QuerySet[Candidate]:
    if stage is not None:
        if stage not in Stage.values:
            raise ApiProblem(
                400, "Unknown stage", detail=f"stage must be one of: {', '.join(Stage.values)}."
            )
        candidates = candidates.filter(stage=stage)
    if created_after is not None:
        candidates = candidates.filter(created_at__gte=_day_start(created_after))
    if created_before is not None:
        candidates = candidates.filter(created_at__lt=_day_start(created_before))
    return candidates


def _day_start(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ApiProblem(
            400, "Invalid date", detail=f"{value!r} is not a date (YYYY-MM-DD)."
        ) from None
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    try:
        start.astimezone(UTC)
    except OverflowError:  # the first or last day of the calendar, east or west of UTC
        return (
            datetime.min.replace(tzinfo=UTC) if day.year == 1 else datetime.max.replace(tzinfo=UTC)
        )
    return start


@router.get(
    "/candidates", response={200: CandidatePage, **ERRORS}, auth=BearerToken(CANDIDATES_READ)
)
def list_candidates(
    request: HttpRequest,
    job: ObjectId | None = None,
    stage: StageName | None = None,
    created_after: DateParam | None = None,
    created_before: DateParam | None = None,
    cursor: Cursor | None = None,
    limit: Limit | None = None,
) -> dict[str, Any]:
    """Candidates, oldest first; filter by job, stage and creation date (``created_before`` is exclusive)."""
    require_scope(request, CANDIDATES_READ)
    candidates = Candidate.objects.select_related(*LISTED)
    if job is not None:
        candidates = candidates.filter(job_id=job)
    candidates = _filtered(
        candidates, stage=stage, created_after=created_after, created_before=created_before
    )
    page = paginate(candidates, cursor=cursor, limit=limit)
    return {"items": _page_out(page.items), "next_cursor": page.next_cursor}


@router.get(
    "/jobs/{job_id}/candidates",
    response={200: CandidatePage, **ERRORS},
    auth=BearerToken(CANDIDATES_READ),
)
def list_job_candidates(
    request: HttpRequest,
    job_id: ObjectId,
    stage: StageName | None = None,
    created_after: DateParam | None = None,
    created_before: DateParam | None = None,
    cursor: Cursor | None = None,
    limit: Limit | None = None,
) -> dict[str, Any]:
    require_scope(request, CANDIDATES_READ)
    job = get_object_or_404(Job, pk=job_id)
    candidates = _filtered(
        job.candidates.select_related(*LISTED),
        stage=stage,
        created_after=created_after,
        created_before=created_before,
    )
    page = paginate(candidates, cursor=cursor, limit=limit)
    return {"items": _page_out(page.items), "next_cursor": page.next_cursor}


@router.post(
    "/jobs/{job_id}/candidates",
    response={201: CandidateCreated, **CREATE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    auth=BearerToken(CANDIDATES_WRITE),
)
def create_candidate(
    request: HttpRequest, job_id: ObjectId, payload: CandidateIn
) -> Status[dict[str, Any]]:
    """Add a candidate to a job; optionally e-mail the invitation at once.

    Send an ``Idempotency-Key`` header so that a retry after a timeout adds nobody twice.
    """
    token = require_scope(request, CANDIDATES_WRITE)
    job = get_object_or_404(Job, pk=job_id)

    # The checks of the job's state run inside create(), after the Idempotency-Key look-up: a
    # retry gets the first answer even if the job has been closed since.
    def create() -> Created:
        if job.archived_at is not None:
            raise ApiProblem(
                409, "Job archived", detail="Candidates cannot be added to an archived job."
            )
        if not job.offers_language(payload.language):
            raise ApiProblem(
                422,
                "Language not offered",
                detail=f"This job's assessment languages are: {', '.join(job.languages)}.",
            )
        if Candidate.objects.filter(job=job, email=payload.email).exists():
            raise ApiProblem(
                409,
                "Candidate exists",
                detail="A candidate with this e-mail address is already on this job.",
            )
        candidate = add_candidate(
            job=job,
            name=payload.name,
            email=payload.email,
            language=payload.language,
            added_by=token.user,
        )
        if payload.send_invitation:
            send_invitation(candidate=candidate, sent_by=token.user)
        # after the invitation: its status is in the answer (it said "none" for an invited one)
        return Created(201, candidate_out(candidate), candidate=candidate)

    return Status(*idempotent(request, token=token, body=payload.model_dump(), create=create))


def _candidate(candidate_id: int) -> Candidate:
    return get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)


@router.get(
    "/candidates/{candidate_id}",
    response={200: CandidateOut, **ERRORS},
    auth=BearerToken(CANDIDATES_READ),
)
def read_candidate(request: HttpRequest, candidate_id: ObjectId) -> dict[str, Any]:
    require_scope(request, CANDIDATES_READ)
    return candidate_out(_candidate(candidate_id))


def invitation_status(candidate: Candidate) -> dict[str, Any]:
    """The latest invitation and its status, from the back office's one rule (``status_of``)."""
    invitation = candidate.invitations.order_by("-created_at", "-id").first()
    session = getattr(candidate, "assessment", None)
    email = api_email_status(delivery_status(invitation) if invitation is not None else None)
    return {
        "status": api_invitation_status(status_of(invitation, session)),
        "email": email,
        "email_reason": email_reason(email),
        "created_at": invitation.created_at if invitation else None,
        "sent_at": invitation.sent_at if invitation else None,
        "expires_at": invitation.expires_at if invitation else None,
        "revoked_at": invitation.revoked_at if invitation else None,
        "started_at": session.consented_at if session else None,
        "submitted_at": session.submitted_at if session else None,
    }


@router.get(
    "/candidates/{candidate_id}/invitation",
    response={200: InvitationOut, **ERRORS},
    auth=BearerToken(CANDIDATES_READ),
)
def read_invitation(request: HttpRequest, candidate_id: ObjectId) -> dict[str, Any]:
    """The latest invitation's status: none, created, sent, failed, opened, started, submitted,
    withdrawn, expired or revoked; ``email`` is the e-mail's delivery (queued, sent, failed, or
    not_sent with ``email_reason`` when no e-mail server is set up)."""
    require_scope(request, CANDIDATES_READ)
    return invitation_status(_candidate(candidate_id))


@router.post(
    "/candidates/{candidate_id}/invitation",
    response={201: NewInvitationOut, **CREATE_ERRORS},
    openapi_extra=OPENAPI_EXTRA,
    auth=BearerToken(CANDIDATES_WRITE),
)
def invite(
    request: HttpRequest, candidate_id: ObjectId, payload: InvitationIn
) -> Status[dict[str, Any]]:
    """A fresh link (older links stop working); e-mailed unless ``send_email`` is false."""
    token = require_scope(request, CANDIDATES_WRITE)
    candidate = _candidate(candidate_id)

    # The state checks run after the Idempotency-Key look-up: a retry of an invitation that was
    # made gets its first answer even if the candidate has started or moved on since.
    def create() -> Created:
        if link_closed_by_stage(candidate):
            raise ApiProblem(
                409, "Cannot invite", detail=f"The candidate's stage is {candidate.stage}."
            )
        if candidate.job.archived_at is not None:
            raise ApiProblem(
                409, "Job archived", detail="The candidate's job is archived (closed)."
            )
        session = getattr(candidate, "assessment", None)
        if session is not None and session.is_submitted:
            raise ApiProblem(409, "Already submitted", detail="The assessment has been submitted.")
        if payload.send_email:
            invitation = send_invitation(candidate=candidate, sent_by=token.user, days=payload.days)
            email = api_email_status("queued")
            mailed = {
                "url": None,
                "expires_at": invitation.expires_at,
                "email": email,
                "email_reason": email_reason(email),
                "email_queued": email == "queued",
            }
            return Created(201, mailed, candidate=candidate)
        new = create_invitation(candidate=candidate, created_by=token.user, days=payload.days)
        body: dict[str, Any] = {
            "url": new.url,
            "expires_at": new.invitation.expires_at,
            "email": None,
            "email_reason": None,
            "email_queued": False,
        }
        # The link is kept as the invitation's id, never as text (see _replay_invitation).
        stored = {**body, "url": None, "invitation_id": new.invitation.pk}
        return Created(201, body, candidate=candidate, stored=stored)

    return Status(
        *idempotent(
            request,
            token=token,
            body=payload.model_dump(),
            create=create,
            replay=_replay_invitation,
        )
    )


def _replay_invitation(stored: dict[str, Any]) -> dict[str, Any]:
    """The first answer to ``POST …/invitation`` again, its link derived again from the
    invitation (``null`` if it can no longer be, e.g. after the secret key was changed)."""
    body = {k: v for k, v in stored.items() if k != "invitation_id"}
    invitation_id = stored.get("invitation_id")
    invitation = Invitation.objects.filter(pk=invitation_id).first() if invitation_id else None
    if invitation is not None:
        body["url"] = link_of(invitation)
    return body


def _open_invitation(candidate: Candidate) -> Any:
    invitation = (
        candidate.invitations.filter(revoked_at__isnull=True).order_by("-created_at").first()
    )
    if invitation is None:
        # "Invite the candidate first" misled a client whose invitation had been revoked
        revoked = candidate.invitations.exists()
        raise ApiProblem(
            409,
            "No open invitation",
            detail="The candidate's invitation was revoked: create a new one (POST …/invitation)."
            if revoked
            else "The candidate has no invitation: create one (POST …/invitation).",
        )
    return invitation


@router.post(
    "/candidates/{candidate_id}/invitation/revoke",
    response={200: InvitationOut, **ERRORS},
    auth=BearerToken(CANDIDATES_WRITE),
)
def revoke(request: HttpRequest, candidate_id: ObjectId) -> dict[str, Any]:
    token = require_scope(request, CANDIDATES_WRITE)
    candidate = _candidate(candidate_id)
    revoke_invitation(invitation=_open_invitation(candidate), revoked_by=token.user)
    return invitation_status(candidate)


@router.post(
    "/candidates/{candidate_id}/invitation/extend",
    response={200: InvitationOut, **ERRORS},
    auth=BearerToken(CANDIDATES_WRITE),
)
def extend(request: HttpRequest, candidate_id: ObjectId, payload: ExtendIn) -> dict[str, Any]:
    token = require_scope(request, CANDIDATES_WRITE)
    candidate = _candidate(candidate_id)
    if link_closed_by_stage(candidate):
        raise ApiProblem(
            409, "Cannot extend", detail=f"The candidate's stage is {candidate.stage}."
        )
    invitation = _open_invitation(candidate)
    if revives_link_on_closed_job(invitation):
        raise ApiProblem(
            409,
            "Job archived",
            detail="The link has expired and the candidate's job is archived (closed): "
            "extending it would be a new invitation. Reopen the job first.",
        )
    extend_invitation(invitation=invitation, days=payload.days, extended_by=token.user)
    return invitation_status(candidate)


@router.get(
    "/candidates/{candidate_id}/result",
    response={200: ResultOut, **ERRORS},
    auth=BearerToken(RESULTS_READ),
)
def read_result(request: HttpRequest, candidate_id: ObjectId) -> dict[str, Any]:
    """Competency scores with their bands, the composite and flags, once scored."""
    token = require_scope(request, RESULTS_READ)
    candidate = _candidate(candidate_id)
    record(action="candidate.result_read", actor=token.user, candidate=candidate, via="api")
    return result_payload(candidate)


@router.get(
    "/candidates/{candidate_id}/report.pdf",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The candidate report as PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    auth=BearerToken(RESULTS_READ),
)
def read_report_pdf(request: HttpRequest, candidate_id: ObjectId) -> HttpResponse:
    token = require_scope(request, RESULTS_READ)
    candidate = _candidate(candidate_id)
    if current_suspension(candidate.job) is not None:
        raise ApiProblem(
            409, "Scoring suspended", detail="Scoring is suspended for this job: no report."
        )
    from servicefit.backoffice.report_pdf import report_pdf

    record(action="candidate.report_downloaded", actor=token.user, candidate=candidate, via="api")
    response = HttpResponse(report_pdf(request, candidate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="servicefit-report-{candidate.pk}.pdf"'
    return response


@router.get(
    "/candidates/{candidate_id}/decisions",
    response={200: list[DecisionOut], **ERRORS},
    auth=BearerToken(CANDIDATES_READ),
)
def list_decisions(request: HttpRequest, candidate_id: ObjectId) -> list[dict[str, Any]]:
    """Every stage change with who made it and why (read-only: people decide in the back office)."""
    require_scope(request, CANDIDATES_READ)
    candidate = _candidate(candidate_id)
    return [
        {
            "from_stage": change.from_stage,
            "to_stage": change.to_stage,
            "reason_code": change.reason_code,
            "note": change.note,
            "decided_by": change.changed_by.get_username() if change.changed_by else "system",
            "decided_at": change.changed_at,
        }
        for change in candidate.stage_changes.select_related("changed_by")
    ]


@router.get(
    "/imports/{import_id}", response={200: ImportOut, **ERRORS}, auth=BearerToken(CANDIDATES_READ)
)
def read_import(request: HttpRequest, import_id: ObjectId) -> dict[str, Any]:
    """The progress and outcome of a candidate import (uploaded in the back office).

    A file is imported whole or not at all: ``failed`` lists its problems and adds nobody.
    """
    require_scope(request, CANDIDATES_READ)
    found = get_object_or_404(CandidateImport.objects.defer("data"), pk=import_id)
    return {
        "id": found.pk,
        "job_id": found.job_id,
        "file_name": found.file_name,
        "status": found.status,
        "rows_total": found.rows_total,
        "rows_checked": found.rows_checked,
        "created_count": found.created_count,
        "problem_count": found.problem_count,
        "problems": [
            {"row": p.get("row"), "column": p.get("column"), "message": str(p.get("message", ""))}
            for p in found.problems
        ],
        "created_at": found.created_at,
        "finished_at": found.finished_at,
    }


@router.get(
    "/candidates/{candidate_id}/audit",
    response={200: AuditPage, **ERRORS},
    auth=BearerToken(AUDIT_READ),
)
def list_audit(
    request: HttpRequest,
    candidate_id: ObjectId,
    cursor: Cursor | None = None,
    limit: Limit | None = None,
) -> dict[str, Any]:
    """The candidate's audit trail, oldest first."""
    require_scope(request, AUDIT_READ)
    candidate = _candidate(candidate_id)
    page = paginate(AuditEvent.objects.filter(candidate=candidate), cursor=cursor, limit=limit)
    return {
        "items": [
            {"at": e.at, "actor": e.actor_label, "action": e.action, "detail": e.detail}
            for e in page.items
        ],
        "next_cursor": page.next_cursor,
    }
