"""The confirmation before a candidate's data is erased; the data-subject request register."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicefit.privacy.models import DsrKind, DsrOutcome
from servicefit.security.forms import CleanTextMixin


def same_address(typed: str, email: str) -> bool:
    """Whether the typed confirmation is the candidate's address: spaces around it and letter
    case are ignored (people type ``Ana@Example.com`` for ``ana@example.com``)."""
    return typed.strip().casefold() == email.strip().casefold()


class EraseForm(CleanTextMixin, forms.Form):
    """The candidate's e-mail address typed in full, and the reason kept in the audit log."""

    form_id = "candidate-erase"

    confirm = forms.CharField(
        max_length=254,
        error_messages={"required": _("Type the candidate's e-mail address to confirm.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason (e.g. the candidate's request of 3 May)"),
        help_text=_(
            "The reason stays in the audit log after the erasure, so do not name the person: "
            "their name and e-mail address are removed from it."
        ),
        max_length=500,
        error_messages={"required": _("Give the reason for erasing the data.")},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["confirm"].label = _("Type %(email)s to confirm") % {"email": email}

    def clean_confirm(self) -> str:
        typed = str(self.cleaned_data["confirm"])
        if not same_address(typed, self.email):
            raise forms.ValidationError(_("This does not match the candidate's e-mail address."))
        return typed


class DataSubjectRequestForm(CleanTextMixin, forms.Form):
    """A request a person made about their data, as the privacy officer registers it."""

    form_id = "privacy-request-add"

    kind = forms.ChoiceField(
        label=_("What they ask for"),
        choices=DsrKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the person asks for.")},
    )
    email = forms.EmailField(
        label=_("Their e-mail address"),
        max_length=254,
        help_text=_("Candidates with this address are linked to the request."),
        error_messages={
            "required": _("Give the person's e-mail address."),
            "invalid": _("Enter an e-mail address such as name@example.com."),
        },
    )
    name = forms.CharField(label=_("Their name (optional)"), max_length=200, required=False)
    received_on = forms.DateField(
        label=_("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the day the request was received."),
            "invalid": _("Enter the date as YYYY-MM-DD."),
        },
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_received_on(self) -> date:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day received cannot be in the future."))
        return day


class ExtendRequestForm(CleanTextMixin, forms.Form):
    """Art. 12(3): two more months where the requests are complex or many, with the reason."""

    form_id = "privacy-request-extend"

    reason = forms.CharField(
        label=_("Why more time is needed (tell the person within the first month)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the extension.")},
    )


class CloseRequestForm(CleanTextMixin, forms.Form):
    form_id = "privacy-request-close"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=DsrOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    notes = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what was done.")},
    )
