"""Back-office forms: validation at the boundary, with messages a recruiter understands."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate, ReasonCode, Stage
from servicefit.candidates.services import settable_stages
from servicefit.content import default_content
from servicefit.jobs.models import CURRENCY_CHOICES, CURRENCY_FOR_LANGUAGE, PAY_PERIODS, Job
from servicefit.jobs.services import closed_job_message
from servicefit.security.forms import CleanTextMixin, EmailAddressField

from .concurrency import add_version_field, refuse_stale, version_of

WEIGHT_TOLERANCE = 0.001


def _decimal(value: float | None) -> Decimal | None:
    """A stored weight or minimum (a float) as the form's decimal field reads the page: a
    float initial (0.15) never equals the Decimal posted back ("0.15"), so every save counted
    every weight as changed (audited as such, and recomputing the standings for nothing)."""
    return None if value is None else Decimal(str(value))


def _language() -> str:
    return (get_language() or "en").split("-")[0]


class CurrencyField(forms.ChoiceField):
    """An ISO 4217 code from :data:`~servicefit.jobs.models.CURRENCIES`, shown as a select.

    "sek" or " SEK " posted by a script is read as "SEK"; anything else ("€€", "kr") is refused.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Currency"))
        super().__init__(choices=CURRENCY_CHOICES, **kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


class JobCreateForm(CleanTextMixin, forms.Form):
    form_id = "job-create"
    template = forms.ChoiceField(label=_("Job-profile template"))
    title = forms.CharField(label=_("Title"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Assessment languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    pay_min = forms.DecimalField(
        label=_("Pay from"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    pay_max = forms.DecimalField(
        label=_("Pay to"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    pay_currency = CurrencyField()
    pay_period = forms.ChoiceField(label=_("Pay period"), choices=PAY_PERIODS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = _language()
        template = self.fields["template"]
        assert isinstance(template, forms.ChoiceField)  # noqa: S101  (declared above)
        template.choices = [(p.id, p.name.get(language)) for p in default_content().job_profiles]
        self.fields["languages"].initial = [code for code, _name in settings.LANGUAGES]
        self.fields["pay_currency"].initial = CURRENCY_FOR_LANGUAGE.get(language, "EUR")

    def clean(self) -> dict[str, Any]:
        """The pay range as the job's own rule has it (:meth:`Job.clean`), as field errors."""
        data = super().clean() or {}
        if "pay_min" in data and "pay_max" in data:
            job = Job(pay_min=data["pay_min"], pay_max=data["pay_max"])
            try:
                job.clean()
            except forms.ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return data


class JobForm(CleanTextMixin, forms.ModelForm):
    """Edit a job, including one weight and one optional minimum per competency."""

    form_id = "job-edit"

    languages = forms.MultipleChoiceField(
        label=_("Assessment languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    pay_currency = CurrencyField()

    class Meta:
        model = Job
        fields = [
            "title",
            "location",
            "channel",
            "languages",
            "pay_min",
            "pay_max",
            "pay_currency",
            "pay_period",
            "retention_days",
            "feedback_report",
            "feedback_email",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = _language()
        self.competency_fields: list[tuple[str, str, str, str]] = []
        for competency in default_content().competencies:
            weight_name, minimum_name = f"weight_{competency.id}", f"minimum_{competency.id}"
            label = competency.name.get(language)
            self.fields[weight_name] = forms.DecimalField(
                label=_("Weight: %(name)s") % {"name": label},
                min_value=Decimal(0),
                max_value=Decimal(1),
                decimal_places=3,
                initial=_decimal(self.instance.weights.get(competency.id, 0)),
            )
            self.fields[minimum_name] = forms.DecimalField(
                label=_("Minimum: %(name)s") % {"name": label},
                min_value=Decimal(1),
                max_value=Decimal(5),
                decimal_places=2,
                required=False,
                initial=_decimal(self.instance.minimums.get(competency.id)),
            )
            self.competency_fields.append((competency.id, label, weight_name, minimum_name))
        current = self.instance.pay_currency
        if current and current not in dict(CURRENCY_CHOICES):
            # Stored before currencies were checked ("€€"): say so instead of letting the
            # browser pick the first currency in the list without a word.
            currency = self.fields["pay_currency"]
            assert isinstance(currency, CurrencyField)  # noqa: S101  (declared above)
            notice = _("%(value)s is not a currency code: choose one") % {"value": current}
            currency.choices = [("", notice), *CURRENCY_CHOICES]
        add_version_field(self, job_version(self.instance))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Not over a save made since this page was opened (another tab, another recruiter).
        saves = AuditEvent.objects.filter(job=self.instance, action="job.edited")
        refuse_stale(self, kind="job", events=saves.order_by("-at", "-pk"))
        total = math.fsum(float(data.get(w) or 0) for _c, _l, w, _m in self.competency_fields)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise forms.ValidationError(
                _("The competency weights must add up to 1; they add up to %(total)s.")
                % {"total": f"{total:.3f}"}
            )
        for _c, label, w, m in self.competency_fields:
            if data.get(m) is not None and not data.get(w):
                self.add_error(
                    m, _("A minimum needs a weight above 0 for %(name)s.") % {"name": label}
                )
        # Settings that depend on each other (the feedback e-mail on the report, the pay
        # range's two ends) are the job's own rule, Job.clean(), which the model form runs.
        return data

    def save(self, commit: bool = True) -> Job:
        job = super().save(commit=False)
        data = self.cleaned_data
        job.weights = {c: float(data[w]) for c, _l, w, _m in self.competency_fields if data.get(w)}
        job.minimums = {
            c: float(data[m]) for c, _l, _w, m in self.competency_fields if data.get(m) is not None
        }
        if commit:
            job.save()
        return job


def job_version(job: Job) -> str:
    """The version of what :class:`JobForm` edits, as stored (see ``concurrency.py``)."""
    values = {name: getattr(job, name) for name in JobForm.Meta.fields}
    return version_of({**values, "weights": job.weights, "minimums": job.minimums})


def candidate_version(candidate: Candidate) -> str:
    """The version of what :class:`CandidateEditForm` edits, as stored."""
    return version_of(
        {
            "name": candidate.name,
            "email": candidate.email,
            "language": candidate.language,
            "extra_time_percent": candidate.extra_time_percent,
        }
    )


def _assessment_language_field() -> forms.ChoiceField:
    """A candidate's assessment language; the form narrows the choices to the job's."""
    return forms.ChoiceField(
        label=_("Assessment language"),
        choices=settings.LANGUAGES,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not one of this job's assessment languages. Choose one from the list."
            )
        },
    )


def _extra_time_field(**kwargs: Any) -> forms.IntegerField:
    """Extra time on the timed parts, an accommodation (0-200 %)."""
    return forms.IntegerField(
        label=_("Extra time (%)"),
        min_value=0,
        max_value=200,
        help_text=_("An accommodation: extra time on the timed parts."),
        **kwargs,
    )


class CandidateForm(CleanTextMixin, forms.Form):
    """Add one candidate to ``job``: the language is one of the job's assessment languages."""

    form_id = "candidate-add"
    name = forms.CharField(label=_("Name"), max_length=200)
    email = EmailAddressField(label=_("E-mail"))
    language = _assessment_language_field()
    extra_time_percent = _extra_time_field(initial=0, required=False)
    send_invitation = forms.BooleanField(
        label=_("Send the invitation e-mail now"), required=False, initial=True
    )

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared above)
        field.choices = choices = job.language_choices()
        if "language" not in self.initial and choices:
            self.initial["language"] = choices[0][0]
        self.job = job

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.job.archived_at is not None:
            raise forms.ValidationError(closed_job_message(self.job))
        return data


class CandidateEditForm(CleanTextMixin, forms.Form):
    """Correct a candidate's details: a typo in the name, a changed address, the wrong
    assessment language, or extra time asked for after the invitation.

    The language is one of the job's; it is shown but cannot be changed once the candidate has
    started, nor the extra time once a timed part has (the assessment has fixed them)."""

    form_id = "candidate-edit"
    name = forms.CharField(label=_("Name"), max_length=200)
    email = EmailAddressField(label=_("E-mail"))
    language = _assessment_language_field()
    extra_time_percent = _extra_time_field()
    reason = forms.CharField(
        label=_("Why the change (kept in the audit log)"), max_length=200, required=False
    )

    def __init__(
        self,
        *args: Any,
        candidate: Candidate,
        language_fixed: bool = False,
        extra_time_fixed: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": candidate.name,
                "email": candidate.email,
                "language": candidate.language,
                "extra_time_percent": candidate.extra_time_percent,
            },
        )
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        job = candidate.job
        add_version_field(self, candidate_version(candidate))
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)  # noqa: S101  (declared above)
        choices = job.language_choices()
        current = self.initial.get("language")
        if current and current not in dict(choices):  # the job no longer offers it
            choices.append((current, str(dict(settings.LANGUAGES).get(current, current))))
        language.choices = choices
        if language_fixed:
            language.disabled = True
            language.help_text = _("Fixed: the candidate has started the assessment.")
        if extra_time_fixed:
            extra = self.fields["extra_time_percent"]
            extra.disabled = True
            extra.help_text = _(
                "Fixed: a timed part has started, and changing it would move the candidate's "
                "deadline."
            )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Not over a correction made since this page was opened (another tab or recruiter).
        saves = AuditEvent.objects.filter(candidate=self.candidate, action="candidate.updated")
        refuse_stale(self, kind="candidate", events=saves.order_by("-at", "-pk"))
        return data


class ImportForm(forms.Form):
    form_id = "candidate-import"
    file = forms.FileField(
        label=_("CSV or Excel file"), help_text=_("Columns: name, email, language.")
    )
    send_invitations = forms.BooleanField(label=_("Send invitation e-mails"), required=False)


class _StageField(forms.ChoiceField):
    """Any stage passes the field; :meth:`StageForm.clean_stage` says why one cannot be set."""

    def valid_value(self, value: Any) -> bool:
        return value in Stage.values


class StageForm(CleanTextMixin, forms.Form):
    """A person moves ``candidate`` to a stage they may set (see ``settable_stages``)."""

    form_id = "stage-change"
    stage = _StageField(label=_("Move to stage"), choices=Stage.choices)
    reason_code = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *ReasonCode.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    #: The stage the page showed when the form was opened: a change from a stale page (another
    #: tab or another person moved the candidate since) is refused, not applied over theirs.
    #: Required: a form sent without it (an old page, a hand-made request) cannot show that
    #: nothing changed since, so it is refused like a stale one.
    opened_stage = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args: Any, candidate: Candidate, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"stage": candidate.stage, "opened_stage": candidate.stage})
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.fields["opened_stage"].error_messages["required"] = _(
            "The form did not say which stage this page showed, so a change made since (in "
            "another tab or by someone else) cannot be ruled out. The stage is now %(stage)s: "
            "check that your change still applies, then record it again."
        ) % {"stage": candidate.get_stage_display()}
        self.settable = settable_stages(candidate)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared above)
        field.choices = [(value, label) for value, label in Stage.choices if value in self.settable]

    def clean_stage(self) -> str:
        stage = str(self.cleaned_data["stage"])
        if stage not in self.settable:
            raise forms.ValidationError(
                _(
                    "%(stage)s is set by the assessment itself, and this candidate's "
                    "assessment has not reached it. Choose another stage."
                ),
                params={"stage": Stage(stage).label},
            )
        return stage

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opened = data.get("opened_stage")
        if opened and opened != self.candidate.stage:
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "The stage changed to %(stage)s since this page was opened (in another "
                        "tab or by someone else). Check that your change still applies, then "
                        "record it again."
                    ),
                    code="stale",
                    params={"stage": self.candidate.get_stage_display()},
                ),
            )
        decisive = {Stage.REJECTED, Stage.HIRED, Stage.OFFER}
        if data.get("stage") in decisive and not data.get("reason_code"):
            self.add_error("reason_code", _("A decision needs a reason."))
        if data.get("reason_code") == ReasonCode.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Explain the reason in the note."))
        return data


class ExtendForm(CleanTextMixin, forms.Form):
    form_id = "invitation-extend"
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=60, initial=7)


class JobCloseForm(forms.Form):
    """Close (archive) a job: the box must be ticked, as a confirmation."""

    form_id = "job-close"
    confirm = forms.BooleanField(
        label=_(
            "Close this job: it leaves the dashboard and no candidates can be added or invited "
            "until it is reopened."
        )
    )


class BulkForm(forms.Form):
    """Invite or remind several candidates of one job at once (from the shortlist)."""

    form_id = "shortlist-bulk"
    ACTIONS = (("invite", _("Send invitations")), ("remind", _("Send reminders")))

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    candidates: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=Candidate.objects.none(),
        error_messages={"required": _("Tick at least one candidate first.")},
    )

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidates"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101  (declared above)
        field.queryset = Candidate.objects.filter(job=job).select_related("job")
        self.job = job

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "invite" and self.job.archived_at is not None:
            raise forms.ValidationError(closed_job_message(self.job))
        return data


class ReplyRatingForm(CleanTextMixin, forms.Form):
    """A rater confirms or changes each suggested rating; a change needs a reason."""

    form_id = "reply-rating"
    DIMENSIONS = ("courtesy", "empathy", "ownership", "clarity", "overall")

    def __init__(self, *args: Any, suggested: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .labels import RATING_LABELS

        self.suggested = suggested
        for dimension in self.DIMENSIONS:
            label = RATING_LABELS[dimension]
            self.fields[dimension] = forms.TypedChoiceField(
                label=label,
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                initial=suggested.get(dimension),
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("%(rating)s: choose a rating from 1 to 5.") % {"rating": label}
                },
            )
            self.fields[f"{dimension}_reason"] = forms.CharField(
                label=_("Reason for a change"),
                required=False,
                max_length=500,
                widget=forms.TextInput,
            )

    def dimensions(self) -> list[dict[str, Any]]:
        """Per rating: its label, the suggestion, the radio field and the reason field."""
        return [
            {
                "name": d,
                "suggested": self.suggested.get(d),
                "field": self[d],
                "reason": self[f"{d}_reason"],
            }
            for d in self.DIMENSIONS
        ]

    def clean(self) -> dict[str, Any]:
        from .labels import RATING_LABELS

        data = super().clean() or {}
        for dimension in self.DIMENSIONS:
            changed = data.get(dimension) is not None and data.get(dimension) != self.suggested.get(
                dimension
            )
            if changed and not (data.get(f"{dimension}_reason") or "").strip():
                self.add_error(
                    f"{dimension}_reason",
                    _("%(rating)s: say why you changed the suggested rating.")
                    % {"rating": RATING_LABELS[dimension]},
                )
        return data
