"""Forms of the Integrations page: API tokens and webhook subscriptions (admins only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicefit.accounts.models import Role, User
from servicefit.api.scopes import scope_choices
from servicefit.security.outbound import OutboundRefused, check_url
from servicefit.webhooks.events import EVENTS
from servicefit.webhooks.models import ADDRESS_KINDS


class ApiTokenForm(forms.Form):
    prefix = "token"
    form_id = "token-create"
    name = forms.CharField(label=_("What the token is for"), max_length=100)
    user = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=User.objects.filter(is_active=True, role__in=[Role.RECRUITER, Role.ADMIN]),
        help_text=_("The token can never do more than this person's role allows."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=scope_choices, widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=730, initial=90
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=100_000, initial=600
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: u.get_username()  # type: ignore[attr-defined]


def event_choices() -> list[tuple[str, object]]:
    return [(name, label) for name, label in EVENTS.items() if name != "webhook.test"]


class WebhookForm(forms.Form):
    prefix = "webhook"
    form_id = "webhook-create"
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(
        label=_("Receiver URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Use https in production; the body is signed, not encrypted."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_url(self) -> str:
        """Refuse a receiver on an internal address now, not only when the worker sends to it
        (a host name that does not resolve yet is kept: the delivery log will say so)."""
        url = str(self.cleaned_data["url"])
        try:
            check_url(url)
        except OutboundRefused as exc:
            kind = ADDRESS_KINDS.get(exc.kind)
            if kind is None:
                raise forms.ValidationError(_("Use an http or https URL.")) from None
            raise forms.ValidationError(
                _(
                    "%(host)s is %(address)s, an internal address (%(kind)s). Webhooks do not "
                    "reach internal addresses unless the operator allows them with "
                    "SERVICEFIT_OUTBOUND_ALLOW."
                ),
                params={"host": exc.host, "address": exc.address, "kind": kind},
            ) from None
        except (OSError, UnicodeError):
            pass
        return url
