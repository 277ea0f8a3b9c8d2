"""Invitations, assessment sessions, answers and scored results."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """Invitation tokens are stored only as their SHA-256 (they carry 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_token(self, token: str) -> Invitation | None:
        """The invitation a token belongs to, whatever its state, or ``None``."""
        if not token or len(token) > 100:
            return None
        return self.select_related("candidate__job").filter(token_hash=hash_token(token)).first()


class Invitation(models.Model):
    """A link for one candidate; the token itself is shown once and never stored."""

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
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
    language = models.CharField(max_length=8)
    reply_message = models.CharField(max_length=50)
    sjt_started_at = models.DateTimeField(null=True, blank=True)
    reply_started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

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


class Result(models.Model):
    """The scored assessment, with the versions and inputs that explain every number."""

    session = models.OneToOneField(
        AssessmentSession, on_delete=models.CASCADE, related_name="result"
    )
    content_version = models.CharField(max_length=40)
    scoring_version = models.CharField(max_length=40)
    computed_at = models.DateTimeField(default=timezone.now)
    competencies = models.JSONField(default=dict)
    questionnaire = models.JSONField(default=dict)
    sjt = models.JSONField(default=dict)
    reply = models.JSONField(default=dict)
    flags = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Result for {self.session.candidate}"


class ReplyRating(models.Model):
    """A person's rating of the written reply, beside the suggestion it confirms or changes."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="reply_ratings")
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

    def __str__(self) -> str:
        return f"{self.dimension}: {self.suggested} → {self.rating}"
