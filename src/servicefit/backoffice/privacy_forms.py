"""The confirmation a recruiter gives before a candidate's data is erased."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
