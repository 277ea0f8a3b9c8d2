"""Voluntary self-identification and job outcomes of hired people.

Self-identification is stored in its own table, apart from the assessment, and is only ever
read by :mod:`servicefit.fairness.monitoring` to build aggregates. No page or export that
names a person reads it. It is deleted with the candidate (``on_delete=CASCADE``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SelfIdQuestion(models.Model):
    """A further self-identification category an admin added, with its lawful basis.

    The two default categories (sex/gender and age band) are defined in code
    (:mod:`servicefit.fairness.selfid`) so their labels are translated.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    label = models.CharField(_("question"), max_length=200)
    options = models.JSONField(_("answer options"), default=list)
    lawful_basis = models.TextField(
        _("lawful basis"),
        help_text=_("Why you may ask this (e.g. GDPR Art. 9(2)(b) and the national law)."),
    )
    active = models.BooleanField(_("asked"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.label


class SelfIdentification(models.Model):
    """A candidate's voluntary answers; ``answers`` maps a category key to an option key.

    A missing key or the value ``"prefer_not"`` means the candidate did not say.
    """

    candidate = models.OneToOneField(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="+"
    )
    answers = models.JSONField(default=dict)
    given_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"self-identification #{self.pk}"


class Outcome(models.Model):
    """One job outcome of a hired person (e.g. still employed at 90 days, QA score, CSAT)."""

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="outcomes"
    )
    name = models.CharField(max_length=60)
    value = models.FloatField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "name"], name="one_outcome_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value:g}"
