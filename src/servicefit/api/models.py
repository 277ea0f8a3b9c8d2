"""API tokens, idempotency records, webhook subscriptions and their delivery log."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_secret(secret: str) -> str:
    """API tokens carry 256 random bits, so a plain SHA-256 is a sufficient one-way store."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_secret(self, secret: str) -> ApiToken | None:
        if not secret or len(secret) > 200:
            return None
        return self.select_related("user").filter(token_hash=hash_secret(secret)).first()


class ApiToken(models.Model):
    """A bearer token for one user. The secret is shown once; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or now < self.expires_at)
            and self.user.is_active
        )


#: The status an idempotency record keeps once the candidate it concerned has been erased.
ERASED_STATUS = 410


def erase_stored_response(
    collector: Collector, field: models.Field[Any, Any], sub_objs: Any, using: str
) -> None:
    """``on_delete`` of :attr:`IdempotencyRecord.candidate`: erasing a candidate erases the
    responses stored for requests about them (their name and e-mail address), but the key stays
    used, so a late retry is told the candidate is gone instead of adding them again."""
    # ``sub_objs`` may be a query on ``candidate``: the updates run in this order, so that one
    # comes last.
    empty = models.Value({}, output_field=models.JSONField())  # hashable, unlike {}
    collector.add_field_update(IdempotencyRecord._meta.get_field("body"), empty, sub_objs)
    collector.add_field_update(IdempotencyRecord._meta.get_field("status"), ERASED_STATUS, sub_objs)
    collector.add_field_update(field, None, sub_objs)


erase_stored_response.lazy_sub_objs = True  # type: ignore[attr-defined]


class IdempotencyRecord(models.Model):
    """The first response to a create request with an ``Idempotency-Key``, replayed on retry.

    ``body`` never holds a candidate's link (an invitation is stored by id and its link derived
    again on replay); ``candidate`` ties the record to the person it is about, for erasure.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=erase_stored_response,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token", "key"], name="one_response_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"


class GreenhouseOrder(models.Model):
    """An assessment ordered by Greenhouse through the assessment-partner API."""

    partner_interview_id = models.CharField(max_length=40, unique=True)
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="greenhouse_orders"
    )
    callback_url = models.URLField(max_length=1000, blank=True)
    greenhouse_profile_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.partner_interview_id
