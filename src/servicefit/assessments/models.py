"""Invitations, assessment sessions, answers and scored results."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicefit.runtime.precompiled import PrecompiledQuery

if TYPE_CHECKING:
    from .record import ResultRecord


def hash_token(token: str) -> str:
    """Invitation tokens are stored only as their SHA-256 (they carry 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _invitation_by_hash(token_hash: str) -> models.QuerySet[Invitation]:
    # The adaptive run too: plan_for needs it on every save (measurement app). The hash is
    # unique, so no ORDER BY (``first()`` would add one to every autosave's query).
    return Invitation.objects.select_related(
        "candidate__job", "candidate__assessment__adaptive_run"
    ).filter(token_hash=token_hash)


_BY_TOKEN_HASH = PrecompiledQuery(_invitation_by_hash)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_token(self, token: str) -> Invitation | None:
        """The invitation a token belongs to, whatever its state, or ``None``.

        One query joining the candidate, the job, the session and its adaptive run, compiled
        once per process (:class:`~servicefit.runtime.precompiled.PrecompiledQuery`): every
        page and every autosave starts here.
        """
        if not token or len(token) > 100:
            return None
        matches = _BY_TOKEN_HASH.all(hash_token(token), using=self.db)
        return matches[0] if matches else None


class EmailStatus(models.TextChoices):
    """Where the invitation e-mail is: the send task moves it from queued to sent or failed."""

    NOT_EMAILED = "", _("Not e-mailed")
    QUEUED = "queued", _("E-mail queued")
    SENT = "sent", _("E-mail sent")
    FAILED = "failed", _("E-mail failed")


class Invitation(models.Model):
    """A link for one candidate; the token itself is shown once and never stored.

    An e-mailed invitation gets its token from the send task (``send_invitation_email``), which
    records the delivery in ``email_status``, ``email_attempts`` and ``email_last_error``.
    """

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, default="", blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_last_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    token_nonce = models.CharField(max_length=43, blank=True)
    """Random input from which the server derives the token again (see ``links.py``)."""
    opened_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.candidate} until {self.expires_at:%Y-%m-%d}"

    def is_open(self, now: datetime | None = None) -> bool:
        """Usable for answering: not revoked, not expired."""
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at


class Section(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", _("Work style")
    SJT = "sjt", _("Situations at work")
    REPLY = "reply", _("Written reply")


class AssessmentSession(models.Model):
    """One candidate's assessment: consent, timers, answers and submission."""

    candidate = models.OneToOneField(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="assessment"
    )
    content_version = models.CharField(max_length=40)
    privacy_notice_version = models.CharField(max_length=40)
    automation_notice_version = models.CharField(max_length=40)
    consented_at = models.DateTimeField()
    retention_days_notified = models.PositiveIntegerField(null=True, blank=True)
    """The retention period the privacy notice named when the candidate agreed: the purge never
    keeps their data longer, even if the job's period is raised later."""
    language = models.CharField(max_length=8)
    reply_message = models.CharField(max_length=50)
    sjt_started_at = models.DateTimeField(null=True, blank=True)
    reply_started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    feedback_emailed_at = models.DateTimeField(null=True, blank=True)
    """When the "your feedback is ready" e-mail went out (it goes once; see ``emails.py``)."""

    def __str__(self) -> str:
        return f"Assessment of {self.candidate}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer, saved the moment it is given. ``key`` names the item (see services)."""

    session = models.ForeignKey(AssessmentSession, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=80)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "key"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value if self.value is not None else len(self.text)}"


class NormGroup(models.Model):
    """A named, dated norm sample: per competency its mean, SD, reliability and distribution.

    Built by a background task from the scored assessments with one content version (see
    :mod:`servicefit.assessments.norms`), never per request; results point at the group their
    bands and percentiles were computed with, so a number means the same a year later.
    """

    name = models.CharField(max_length=200)
    content_version = models.CharField(max_length=40)
    scoring_version = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)
    statistics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["content_version", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.name} (n = {self.n}, {self.computed_at:%Y-%m-%d})"


class Result(models.Model):
    """The scored assessment, with the versions and inputs that explain every number.

    The JSON columns hold a :class:`~servicefit.assessments.record.ResultRecord` of version
    ``record_version``; read them through :attr:`record`, never directly.
    """

    session = models.OneToOneField(
        AssessmentSession, on_delete=models.CASCADE, related_name="result"
    )
    record_version = models.PositiveSmallIntegerField(default=1)
    content_version = models.CharField(max_length=40, db_index=True)
    scoring_version = models.CharField(max_length=40)
    norm_group = models.ForeignKey(
        NormGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="results"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    competencies = models.JSONField(default=dict)
    questionnaire = models.JSONField(default=dict)
    sjt = models.JSONField(default=dict)
    reply = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    irt = models.JSONField(null=True, blank=True, default=None)
    """The record's IRT part with its item-parameter version (record version 3)."""

    def __str__(self) -> str:
        return f"Result for {self.session.candidate}"

    @cached_property
    def record(self) -> ResultRecord:
        """The typed record (older record versions are upgraded on reading)."""
        from .record import ResultRecord

        return ResultRecord.from_result(self)


class Standing(models.Model):
    """A scored candidate's place in their job, stored so the shortlist is a database query.

    Written when the result is stored and rewritten by a background task when the job's
    weights or minimums change (``profile_key`` then no longer matches the job's). The rank is
    not stored: it is one indexed count (``composite`` greater than this one's) away.
    """

    candidate = models.OneToOneField(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="standing"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="standings")
    result = models.OneToOneField(Result, on_delete=models.CASCADE, related_name="standing")
    composite = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list)
    flagged = models.BooleanField(default=False)
    profile_key = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["job", "composite"], name="standing_job_composite"),
            models.Index(fields=["job", "flagged"], name="standing_job_flagged"),
            models.Index(fields=["job", "profile_key"], name="standing_job_profile"),
        ]

    def __str__(self) -> str:
        return f"Standing of {self.candidate_id} in job {self.job_id}: {self.composite}"


class CompetencyStanding(models.Model):
    """One competency score (1–5, with its band) of a standing, in an indexed column."""

    standing = models.ForeignKey(Standing, on_delete=models.CASCADE, related_name="scores")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    competency = models.CharField(max_length=40)
    score = models.FloatField(null=True, blank=True)
    sem = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["standing", "competency"], name="one_score_per_competency"
            )
        ]
        indexes = [
            models.Index(fields=["job", "competency", "score"], name="competency_job_score"),
        ]

    def __str__(self) -> str:
        return f"{self.competency}={self.score}"


class ReplyRating(models.Model):
    """A person's rating of the written reply, beside the suggestion it confirms or changes."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="reply_ratings")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+", db_index=False)
    """The candidate's job, copied from the result so the job page counts its ratings from
    one index (``replyrating_job_agreement``) instead of joining every candidate of the job."""
    dimension = models.CharField(max_length=20)
    suggested = models.PositiveSmallIntegerField()
    rating = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result", "dimension", "rated_by"], name="one_rating_per_rater"
            )
        ]
        indexes = [
            models.Index(
                fields=["job", "dimension", "suggested", "rating"],
                name="replyrating_job_agreement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.suggested} → {self.rating}"
