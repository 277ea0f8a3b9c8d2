"""Forms of the fairness, validation and oversight pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from servicefit.fairness.models import SelfIdQuestion


class PeriodForm(forms.Form):
    """The period a fairness report or audit summary covers (candidates added in it)."""

    form_id = "fairness-period"
    start = forms.DateField(
        label=_("Added from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Added until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data


class OutcomeImportForm(forms.Form):
    form_id = "outcome-import"

    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: email, then one column per outcome (e.g. retained_90d, qa_score, csat)."
        ),
    )


class SuspendForm(forms.Form):
    form_id = "scoring-suspend"

    reason = forms.CharField(
        label=_("Why is the scoring suspended?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    form_id = "review-resolve"

    response = forms.CharField(
        label=_("What you reviewed and decided (e-mailed to the candidate)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SelfIdQuestionForm(forms.Form):
    form_id = "selfid-question"

    label = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Answer options, one per line"), widget=forms.Textarea(attrs={"rows": 4})
    )
    lawful_basis = forms.CharField(
        label=_("Lawful basis"),
        help_text=_(
            "Why you may ask this: the GDPR article and national law, and what it is used for."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        options = list(dict.fromkeys(line[:100] for line in lines if line))
        if len(options) < 2:
            raise forms.ValidationError(_("Give at least two answer options."))
        return options

    def clean_lawful_basis(self) -> str:
        text = self.cleaned_data["lawful_basis"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Describe the lawful basis (at least 10 characters)."))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = slugify(data.get("label", ""))[:40].replace("-", "_")
        if not key:
            raise forms.ValidationError(_("The question needs letters or digits."))
        if key in {"gender", "age_band"} or SelfIdQuestion.objects.filter(key=key).exists():
            raise forms.ValidationError(_("A question like this already exists."))
        data["key"] = key
        return data
