"""Request and response bodies of the API (pydantic models via django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

Language = Literal["en", "da", "sv", "nb", "pl"]
StageName = Literal[
    "invited",
    "in_progress",
    "completed",
    "shortlisted",
    "interview",
    "offer",
    "hired",
    "rejected",
    "withdrawn",
]
EmailDelivery = Literal["queued", "sent", "failed", "not_sent"]
InvitationStatusName = Literal[
    "none",
    "created",
    "sent",
    "failed",
    "opened",
    "started",
    "submitted",
    "withdrawn",
    "expired",
    "revoked",
]
ResultStatus = Literal["not_started", "in_progress", "submitted", "scored", "withdrawn"]
TemplateId = Literal["phone_support", "email_chat_support", "in_store_service", "technical_support"]
Limit = Annotated[int, Field(ge=1, le=200, description="items per page (default 50)")]
ObjectId = Annotated[int, Field(ge=1, le=2**53)]
Cursor = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,16}$",
        description="next_cursor of the previous page (treat it as opaque)",
    ),
]


def _integral_float(value: object) -> object:
    """JSON has one number type: 3.0 is the integer 3 (JSON Schema agrees); "3" is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Days = Annotated[int, Field(ge=1, le=365)]
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
DateParam = Annotated[
    str,
    Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra={"format": "date"}),
]


class Strict(Schema):
    """Request bodies reject unknown fields, so a typo is an error rather than silently lost.

    Strict types: "3" is not a number and 0 is not a boolean; 3.0 is the integer 3, as in JSON
    Schema.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _json_integers(cls, value: object) -> object:
        return _integral_float(value)


class JobOut(Schema):
    id: int
    title: str
    location: str
    channel: str
    template: str
    languages: list[str]
    weights: dict[str, float]
    minimums: dict[str, float]
    created_at: datetime
    archived: bool


class JobIn(Strict):
    title: str = Field(min_length=1, max_length=200, pattern=PRINTABLE)
    template: TemplateId = Field(description="a job-profile template id (see /job-templates)")
    location: str = Field(default="", max_length=200, pattern=PRINTABLE)
    languages: list[Language] | None = Field(default=None, min_length=1)


class TemplateOut(Schema):
    id: str
    channel: str
    weights: dict[str, float]
    minimums: dict[str, float]


class CandidateOut(Schema):
    id: int
    job_id: int
    name: str
    email: str
    language: str
    stage: str = Field(
        description=(
            "the pipeline stage; a candidate added but not yet started is at `invited` whether "
            "or not a link was made: `invitation_status` says where the invitation stands"
        )
    )
    invitation_status: InvitationStatusName
    stage_changed_at: datetime
    created_at: datetime
    result_status: ResultStatus
    composite: float | None = Field(
        description="the stored composite on the 1-5 scale once scored (null while suspended)"
    )


class CandidateIn(Strict):
    name: str = Field(min_length=1, max_length=200, pattern=PRINTABLE)
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})
    language: Language = "en"
    send_invitation: bool = Field(
        default=False, description="e-mail an invitation link now (through the task worker)"
    )

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ValueError("control characters are not allowed")
        if not value.strip():
            raise ValueError("a name is required")
        return value.strip()

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        value = value.strip().lower()
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("not a valid e-mail address") from None
        return value


class CandidateCreated(CandidateOut):
    pass


class InvitationIn(Strict):
    send_email: bool = True
    days: Days | None = None


class ExtendIn(Strict):
    days: Days


class InvitationOut(Schema):
    status: InvitationStatusName
    email: EmailDelivery | None = Field(
        description=(
            "the invitation e-mail's delivery; not_sent when no e-mail server is set up (see "
            "email_reason); null when no e-mail was asked for"
        )
    )
    email_reason: str | None = Field(
        description="why the e-mail reaches nobody (with not_sent); else null"
    )
    created_at: datetime | None
    sent_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    started_at: datetime | None
    submitted_at: datetime | None


class NewInvitationOut(Schema):
    url: str | None = Field(
        description=(
            "the candidate's link, returned once (and to a retry with the same Idempotency-Key) "
            "and never stored; null when it was e-mailed (the link then exists only in the "
            "e-mail)"
        )
    )
    expires_at: datetime
    email: Literal["queued", "not_sent"] | None = Field(
        default=None,
        description=(
            "queued: the worker e-mails the link; not_sent: no e-mail server is set up, the "
            "candidate receives nothing (see email_reason); null when send_email was false"
        ),
    )
    email_reason: str | None = Field(
        default=None, description="why the e-mail reaches nobody (with not_sent); else null"
    )
    email_queued: bool = Field(
        description='kept for compatibility: the same as email == "queued" (since 2026-12 '
        "false when no e-mail server is set up)"
    )


class Band(Schema):
    score: float | None
    lower: float | None
    upper: float | None


class CompetencyScore(Band):
    competency: str
    sources: dict[str, float]


class ResultOut(Schema):
    candidate_id: int
    status: ResultStatus
    content_version: str | None = None
    scoring_version: str | None = None
    computed_at: datetime | None = None
    composite: Band | None = None
    competencies: list[CompetencyScore] = []
    flags: list[str] = []


class DecisionOut(Schema):
    from_stage: str
    to_stage: str
    reason_code: str
    note: str
    decided_by: str
    decided_at: datetime


class ImportProblemOut(Schema):
    row: int | None
    column: str | None
    message: str


class ImportOut(Schema):
    id: int
    job_id: int
    file_name: str
    status: Literal["queued", "checking", "saving", "done", "failed"]
    rows_total: int
    rows_checked: int
    created_count: int
    problem_count: int
    problems: list[ImportProblemOut] = Field(
        description="what was wrong with a refused file (the first 100), by row and column"
    )
    created_at: datetime
    finished_at: datetime | None


class AuditEventOut(Schema):
    at: datetime
    actor: str
    action: str
    detail: dict[str, object]


class JobPage(Schema):
    items: list[JobOut]
    next_cursor: str | None


class CandidatePage(Schema):
    items: list[CandidateOut]
    next_cursor: str | None


class AuditPage(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, object]] | None = None
