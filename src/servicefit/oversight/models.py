"""Suspensions of a job's automated scoring and candidates' review requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuspensionQuerySet(models.QuerySet["ScoringSuspension"]):
    def open(self) -> SuspensionQuerySet:
        return self.filter(resumed_at__isnull=True)


class ScoringSuspension(models.Model):
    """While open (not resumed), no score or ranking of the job is shown to anyone."""

    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    suspended_at = models.DateTimeField(default=timezone.now)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-suspended_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job"],
                condition=models.Q(resumed_at__isnull=True),
                name="one_open_suspension_per_job",
            )
        ]

    def __str__(self) -> str:
        return f"suspension of job {self.job_id} at {self.suspended_at:%Y-%m-%d}"


class RequestKind(models.TextChoices):
    HUMAN_REVIEW = "review", _("Human review of my result")
    CONTEST = "contest", _("I contest the decision or result")


class ReviewRequest(models.Model):
    """A candidate's request for human review or to contest, with a deadline for an answer."""

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="review_requests"
    )
    kind = models.CharField(_("request"), max_length=10, choices=RequestKind.choices)
    message = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(_("answer to the candidate"), blank=True)
    answer_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def is_overdue(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.is_open and self.due_at < moment  # type: ignore[operator]
