"""The register of data-subject requests (GDPR Art. 15-21) and their deadlines (Art. 12(3)).

A request is answered within one month of receipt; the deadline can be extended once by two
further months, with a reason. When a candidate is erased, their requests keep only what
proves the request was handled (kind, dates, outcome, when the copy was made or the data
erased): the name, the address and the notes are emptied (:func:`.services.erase_candidate`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DUE_SOON_DAYS = 7
"""An open request due within this many days is listed as due soon."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 January + 1 = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DsrKind(models.TextChoices):
    ACCESS = "access", _("Copy of their data (access)")
    RECTIFICATION = "rectification", _("Correction")
    ERASURE = "erasure", _("Deletion (erasure)")
    OBJECTION = "objection", _("Objection or restriction")


class DsrOutcome(models.TextChoices):
    DONE = "done", _("Done as asked")
    PARTLY = "partly", _("Partly done")
    REFUSED = "refused", _("Refused, with the reason given")
    NO_DATA = "no_data", _("No data held about them")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person")


class DataSubjectRequest(models.Model):
    kind = models.CharField(_("request"), max_length=20, choices=DsrKind.choices)
    candidates = models.ManyToManyField(
        "candidates.Candidate", blank=True, related_name="+", verbose_name=_("candidates")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    notes = models.TextField(_("what was done"), blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=DsrOutcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self.kind} request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    def is_due_soon(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_open
            and not self.is_overdue(today)
            and self.due_on <= today + timedelta(days=DUE_SOON_DAYS)
        )
