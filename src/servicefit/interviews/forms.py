"""Forms for scheduling an interview and filling in a scorecard (they parse; services decide)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicefit.accounts.models import User
from servicefit.security.forms import CleanTextMixin

from .models import RATING_MAX, RATING_MIN, Recommendation
from .services.kit import InterviewKit, KitQuestion
from .services.workflows import NOTE_MAX_CHARS, eligible_interviewers


class InterviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.get_role_display()})"


class ScheduleForm(CleanTextMixin, forms.Form):
    form_id = "interview-schedule"

    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=480, initial=60
    )
    location = forms.CharField(label=_("Place or video link"), max_length=300, required=False)
    interviewers = InterviewerChoiceField(
        label=_("Interviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more interviewers make the agreement between them measurable."),
    )
    notes = forms.CharField(
        label=_("Notes for the interviewers"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = eligible_interviewers()  # type: ignore[attr-defined]

    def clean_scheduled_at(self) -> datetime:
        """No day before today (in the site's time zone): a past date is almost always a typo.

        A time earlier today is accepted, so a recruiter can record an interview that has just
        taken place. (The service itself takes any time: the demo data has past interviews.)
        """
        when: datetime = self.cleaned_data["scheduled_at"]
        if timezone.localdate(when) < timezone.localdate():
            raise forms.ValidationError(
                _("This date has passed. Choose today or a later day."), code="past"
            )
        return when


def _field_key(question_id: str) -> str:
    return question_id.replace(".", "__")


class ScorecardForm(CleanTextMixin, forms.Form):
    """One 1–5 rating and a note per kit question, the checklist and the recommendation.

    Every field is optional here: a draft may be partial. What a submission needs is the
    service's rule (:func:`~servicefit.interviews.services.workflows.submission_problems`).
    """

    form_id = "scorecard"

    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    observations = forms.MultipleChoiceField(
        label=_("Observed behaviours"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, kit: InterviewKit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kit = kit
        self.fields["observations"].choices = [(o.id, o.label) for o in kit.observations]  # type: ignore[attr-defined]
        levels = [(str(v), str(v)) for v in range(RATING_MIN, RATING_MAX + 1)]
        for q in kit.questions:
            key = _field_key(q.id)
            self.fields[f"rating__{key}"] = forms.TypedChoiceField(
                label=q.text,
                choices=levels,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note__{key}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=NOTE_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def initial_from(scorecard: Any) -> dict[str, Any]:
        """Initial values from a saved scorecard (or ``{}``)."""
        if scorecard is None:
            return {}
        initial: dict[str, Any] = {
            "recommendation": scorecard.recommendation,
            "observations": list(scorecard.observations),
            "notes": scorecard.notes,
        }
        for r in scorecard.ratings.all():
            key = _field_key(r.question_id)
            initial[f"rating__{key}"] = None if r.rating is None else str(r.rating)
            initial[f"note__{key}"] = r.note
        return initial

    def question_fields(self, questions: tuple[KitQuestion, ...]) -> list[dict[str, Any]]:
        """For the template: each question with its bound rating and note fields."""
        return [
            {
                "question": q,
                "rating": self[f"rating__{_field_key(q.id)}"],
                "note": self[f"note__{_field_key(q.id)}"],
            }
            for q in questions
        ]

    def ratings(self) -> dict[str, int | None]:
        return {
            q.id: self.cleaned_data.get(f"rating__{_field_key(q.id)}") for q in self.kit.questions
        }

    def rating_notes(self) -> dict[str, str]:
        return {
            q.id: self.cleaned_data.get(f"note__{_field_key(q.id)}") or ""
            for q in self.kit.questions
        }
