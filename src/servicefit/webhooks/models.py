"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicefit.security.outbound import parse_log_text

#: The kinds of address the outbound guard refuses, as the delivery log names them.
ADDRESS_KINDS = {
    "unspecified": _("unspecified"),
    "loopback": _("loopback, this server"),
    "link-local": _("link-local, e.g. cloud metadata"),
    "multicast": _("multicast"),
    "private": _("private network"),
    "reserved": _("reserved"),
}


class WebhookSubscription(models.Model):
    """An HTTPS endpoint that receives signed JSON for the events it subscribes to."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one subscription, with every attempt's outcome."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=40)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subscription", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"

    @property
    def refusal(self) -> str:
        """Why the server refused to send to the receiver's address (translated), or ``""``."""
        parsed = parse_log_text(self.last_error)
        if parsed is None:
            return ""
        kind = ADDRESS_KINDS.get(parsed["kind"])
        if kind is None:
            return gettext("Not sent: webhooks are sent only to http and https URLs.")
        return gettext(
            "Not sent: %(host)s is %(address)s, an internal address (%(kind)s). Webhooks do "
            "not reach internal addresses unless the operator allows them with "
            "SERVICEFIT_OUTBOUND_ALLOW."
        ) % {"host": parsed["host"], "address": parsed["address"], "kind": kind}
