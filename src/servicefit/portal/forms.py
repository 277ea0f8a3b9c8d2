"""Candidate forms after the assessment: voluntary self-identification and review requests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicefit.fairness.selfid import PREFER_NOT, Category
from servicefit.oversight.models import RequestKind


class SelfIdForm(forms.Form):
    """One optional radio group per category; every group offers "I prefer not to say"."""

    form_id = "self-identify"

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in categories:
            self.fields[category.key] = forms.ChoiceField(
                label=category.label,
                choices=[*category.options, (PREFER_NOT, _("I prefer not to say"))],
                widget=forms.RadioSelect,
                required=False,
            )


class ReviewRequestForm(forms.Form):
    form_id = "contest"

    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should a person look at again, and why? (at most 4,000 characters)"),
    )
