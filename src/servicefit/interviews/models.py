"""Structured interviews: who interviews a candidate when, and each interviewer's scorecard.

An interview keeps the competencies its kit probes (``focus``) and the content version, so every
interviewer rates the same questions even if the candidate's scores or the job's weights change
after scheduling. A scorecard is locked once submitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from servicefit.accounts.models import User

RATING_MIN = 1
RATING_MAX = 5


class Recommendation(models.TextChoices):
    """The overall recommendation: a forced four-point scale with no neutral middle."""

    STRONG_NO = "strong_no", _("Strong no")
    NO = "no", _("No")
    YES = "yes", _("Yes")
    STRONG_YES = "strong_yes", _("Strong yes")


RECOMMENDATION_VALUES: dict[str, int] = {
    Recommendation.STRONG_NO: 1,
    Recommendation.NO: 2,
    Recommendation.YES: 3,
    Recommendation.STRONG_YES: 4,
}


class InterviewQuerySet(models.QuerySet["Interview"]):
    def assigned_to(self, user: User) -> InterviewQuerySet:
        """Interviews ``user`` sits on as an interviewer."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(interviewers=user)

    def upcoming(self, now: datetime | None = None) -> InterviewQuerySet:
        """Scheduled from the start of today (local time) onwards."""
        now = timezone.localtime(now or timezone.now())
        start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return self.filter(scheduled_at__gte=start_of_day)

    def for_candidate(self, candidate_id: int) -> InterviewQuerySet:
        return self.filter(candidate_id=candidate_id)


class Interview(models.Model):
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="interviews"
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("place or video link"), max_length=300, blank=True, default="")
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assigned_interviews",
        verbose_name=_("interviewers"),
    )
    focus = models.JSONField(
        _("competencies probed"),
        default=list,
        help_text=_("Competency ids of the kit's areas to probe, fixed when scheduled."),
    )
    content_version = models.CharField(max_length=40, blank=True, default="")
    notes = models.TextField(_("notes for the interviewers"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"Interview with {self.candidate} at {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    def has_started(self, now: datetime | None = None) -> bool:
        """Has the start time passed? Scorecards are submitted only from then on."""
        return self.scheduled_at <= (now or timezone.now())

    def has_interviewer(self, user: User) -> bool:
        """Is ``user`` on this interview's panel?"""
        if not user.is_authenticated or not user.is_active:
            return False
        return self.interviewers.filter(pk=user.pk).exists()

    def scorecard_of(self, user: User) -> Scorecard | None:
        return self.scorecards.filter(interviewer=user).first()

    def submitted_scorecards(self) -> models.QuerySet[Scorecard]:
        return self.scorecards.submitted().select_related("interviewer")


class ScorecardQuerySet(models.QuerySet["Scorecard"]):
    def submitted(self) -> ScorecardQuerySet:
        return self.filter(submitted_at__isnull=False)

    def drafts(self) -> ScorecardQuerySet:
        return self.filter(submitted_at__isnull=True)


class Scorecard(models.Model):
    """One interviewer's ratings of one interview; locked once ``submitted_at`` is set."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    recommendation = models.CharField(
        _("overall recommendation"),
        max_length=20,
        choices=Recommendation.choices,
        blank=True,
        default="",
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    observations = models.JSONField(_("observed behaviours"), default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["interview", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer"], name="one_scorecard_per_interviewer"
            )
        ]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self) -> str:
        return f"Scorecard of {self.interviewer} for {self.interview}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_locked(self) -> bool:
        """A submitted scorecard can no longer be changed."""
        return self.is_submitted

    @property
    def recommendation_value(self) -> int | None:
        """The recommendation on 1 (strong no) .. 4 (strong yes), or ``None``."""
        return RECOMMENDATION_VALUES.get(self.recommendation)


class ScorecardRating(models.Model):
    """One question's 1–5 rating (``None`` until rated) and the interviewer's note."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    question_id = models.CharField(max_length=80)
    competency = models.CharField(
        max_length=50, help_text=_("Competency id, or the question set id for general questions.")
    )
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["scorecard", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "question_id"], name="one_rating_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="rating_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.rating}"
