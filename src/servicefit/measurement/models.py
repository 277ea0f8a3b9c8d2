"""Calibrated item parameters, adaptive questionnaires and measurement-quality reports.

A :class:`ParameterSet` is immutable once stored: a new calibration makes a new version.
Every result records the version its IRT scores were computed with inside its typed record
(:class:`~servicefit.assessments.record.IrtRecord`), and an adaptive session the version it
selected items with (:class:`AdaptiveRun`), so no stored number changes when the questionnaire
is recalibrated; re-scoring is an explicit command.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ParameterSetQuerySet(models.QuerySet["ParameterSet"]):
    def current(self) -> ParameterSet | None:
        """The newest parameter set, used for new adaptive sessions and new scores."""
        return self.order_by("-version").first()


class ParameterSet(models.Model):
    """Graded-response-model parameters of every questionnaire scale, from one calibration.

    ``scales`` maps a competency to ``{"items": [ids], "parameters": GrmParameters.to_dict(),
    "n", "loglik", "marginal_reliability"}``; ``groups`` the complete assessments used per
    language; ``simulation`` the post-hoc adaptive simulation on the same answers.
    """

    version = models.PositiveIntegerField(unique=True)
    content_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    min_per_group = models.PositiveIntegerField()
    groups = models.JSONField(default=dict)
    scales = models.JSONField(default=dict)
    simulation = models.JSONField(default=dict)

    objects = ParameterSetQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Item parameters v{self.version}"


class AdaptiveSetting(models.Model):
    """Whether a job's new candidates get the adaptive questionnaire (off by default)."""

    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="adaptive")
    enabled = models.BooleanField(default=False)
    se_stop = models.FloatField(default=0.4)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Adaptive questionnaire for {self.job}: {'on' if self.enabled else 'off'}"


class AdaptiveRun(models.Model):
    """One candidate's adaptive questionnaire: the parameter version and items given, in order.

    ``administered`` lists the item ids shown so far; ``pending`` is the item on screen now
    (also the last entry of ``administered``) until it is answered, so a reload shows it again.
    """

    session = models.OneToOneField(
        "assessments.AssessmentSession", on_delete=models.CASCADE, related_name="adaptive_run"
    )
    parameter_set = models.ForeignKey(ParameterSet, on_delete=models.PROTECT, related_name="+")
    se_stop = models.FloatField()
    administered = models.JSONField(default=list)
    pending = models.CharField(max_length=80, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Adaptive run of {self.session} ({len(self.administered)} items)"


class QualityReport(models.Model):
    """Reliability, item statistics and DIF per scale and language, computed by a task."""

    computed_at = models.DateTimeField(default=timezone.now)
    content_version = models.CharField(max_length=40)
    n_sessions = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"Measurement quality report of {self.computed_at:%Y-%m-%d %H:%M}"
