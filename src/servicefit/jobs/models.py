"""Jobs: a customer-service vacancy with its job profile (weights and minimums)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The longest retention period a job may set: ten years (longer periods would also overflow
#: the date arithmetic of the purge).
MAX_RETENTION_DAYS = 3650


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL_CHAT = "email_chat", _("E-mail and chat")
    IN_STORE = "in_store", _("In store")
    TECHNICAL = "technical", _("Technical support")


#: ISO 4217 codes a job's pay may be stated in: the countries served first, then neighbours
#: and common others. Shown as the code itself, which reads the same in every language.
CURRENCIES = (
    "DKK",
    "SEK",
    "NOK",
    "PLN",
    "EUR",
    "GBP",
    "USD",
    "CHF",
    "ISK",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "CAD",
    "AUD",
)
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
#: The currency a new job suggests for the recruiter's language.
CURRENCY_FOR_LANGUAGE = {"da": "DKK", "sv": "SEK", "nb": "NOK", "pl": "PLN"}

PAY_PERIODS = [("hour", _("per hour")), ("month", _("per month")), ("year", _("per year"))]


class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> JobQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> JobQuerySet:
        """Closed jobs (see :func:`servicefit.jobs.services.close_job`)."""
        return self.filter(archived_at__isnull=False)


class Job(models.Model):
    """A vacancy. ``weights`` and ``minimums`` map competency ids to numbers (see content)."""

    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    profile_template = models.CharField(_("job-profile template"), max_length=50)
    languages = models.JSONField(_("assessment languages"), default=list)
    pay_min = models.DecimalField(
        _("pay from"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    pay_max = models.DecimalField(
        _("pay to"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    pay_currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="EUR"
    )
    pay_period = models.CharField(
        _("pay period"),
        max_length=10,
        choices=PAY_PERIODS,
        default="month",
    )
    weights = models.JSONField(_("competency weights"), default=dict)
    minimums = models.JSONField(_("minimum levels"), default=dict, blank=True)
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        default=180,
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
    )
    feedback_report = models.BooleanField(_("show candidates a feedback report"), default=True)
    feedback_email = models.BooleanField(
        _("e-mail candidates when their feedback is ready"),
        default=False,
        help_text=_(
            "Sent in the invitation's language once the assessment is scored, with the link to "
            "the thank-you page. Only with the feedback report switched on."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        """Closed: off the dashboard, and no candidates can be added or invited."""
        return self.archived_at is not None

    def clean(self) -> None:
        """Settings that depend on each other (checked by the job form and ``full_clean``)."""
        errors: dict[str, StrOrPromise] = {}
        if self.feedback_email and not self.feedback_report:
            errors["feedback_email"] = _(
                "The feedback e-mail links to the feedback report: switch the report on, "
                "or the e-mail off."
            )
        if (self.pay_min is None) != (self.pay_max is None):
            field = "pay_max" if self.pay_max is None else "pay_min"
            errors[field] = _("Give both ends of the pay range, or neither.")
        elif self.pay_min is not None and self.pay_max is not None and self.pay_min > self.pay_max:
            errors["pay_max"] = _("The pay range must go from the lower to the higher amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_pay_range(self) -> bool:
        return self.pay_min is not None and self.pay_max is not None

    def offers_language(self, code: str) -> bool:
        """Whether this job's candidates may take the assessment in ``code``.

        The one rule for the back office's form, the import and the API: a candidate's
        assessment language is one of the job's assessment languages.
        """
        return code in (self.languages or [])

    def language_choices(self) -> list[tuple[str, str]]:
        """The job's assessment languages as ``(code, name)``, in the order of the settings."""
        return [
            (code, str(name)) for code, name in settings.LANGUAGES if self.offers_language(code)
        ]
