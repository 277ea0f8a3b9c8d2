"""Optimistic locking for the back office's edit forms (no lost updates).

Two recruiters open the same job (or candidate) in two tabs; the first saves; the second's form
still carries the values the page showed before, and saving it would silently put them back
over the first one's change. So an edit form carries the version of the stored record its page
showed (``opened_version``, a hidden field: a hash of the editable values, so it changes
whoever changed them: this form, the API, the admin). A save whose version is no longer the
stored one is refused: the form comes back with what the recruiter typed, a message naming who
saved last, when and which fields, and the current version, so saving again (after checking)
applies it on purpose. The view validates and saves under a row lock (``select_for_update``;
SQLite's immediate transactions serialise writers), so two saves at the same instant cannot
both pass the check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicefit.audit.models import AuditEvent

OPENED_VERSION = "opened_version"
#: The error code of a refused save from a page opened before the record last changed.
STALE = "stale"


def version_of(values: Mapping[str, Any]) -> str:
    """A short, stable hash of a record's editable values (the version a page showed)."""
    blob = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def add_version_field(form: forms.BaseForm, stored: str) -> None:
    """Give ``form`` the hidden ``opened_version``, set to the ``stored`` version.

    Not required by the field itself: a form sent without it (a page from before, a hand-made
    request) cannot show that nothing changed since, so :func:`refuse_stale` refuses it like a
    stale one, with the error at the top of the form where it is seen.
    """
    form.fields[OPENED_VERSION] = forms.CharField(
        widget=forms.HiddenInput, max_length=64, required=False, initial=stored
    )
    form.stored_version = stored  # type: ignore[attr-defined]


def refuse_stale(form: forms.BaseForm, *, kind: str, events: Iterable[AuditEvent] = ()) -> None:
    """In ``clean()``: a non-field error (code :data:`STALE`) if the page's version is old.

    ``kind`` is "job" or "candidate" (the message names the record); ``events`` are the
    record's saves, newest first: the first names who saved, when and which fields.
    """
    opened = form.cleaned_data.get(OPENED_VERSION)
    stored = form.stored_version  # type: ignore[attr-defined]
    if opened == stored:
        return
    last = next(iter(events), None)
    form.stale_fields = last.detail.get("fields", []) if last else []  # type: ignore[attr-defined]
    form.add_error(None, forms.ValidationError(_stale_message(form, kind, last), code=STALE))


def _shown(field: forms.Field, value: Any) -> str:
    """A stored value as the form's field names it (choice labels, yes or no)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, "", [], {}):
        return "–"
    labels = dict(getattr(field, "choices", ()) or ())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(labels.get(value, value))


def is_stale(form: forms.BaseForm) -> bool:
    return form.has_error(NON_FIELD_ERRORS, STALE)


def refresh_version(form: forms.BaseForm) -> None:
    """After a refused save (the form validated): the form now carries the current version,
    so saving it again (after the recruiter has checked it) applies it over the other change,
    on purpose; beside each field the other save changed, what it holds now."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[OPENED_VERSION] = form.stored_version  # type: ignore[attr-defined]
    form.data = data
    for name in getattr(form, "stale_fields", []):
        if name in form.fields and not form.fields[name].widget.is_hidden:
            value = _shown(form.fields[name], form[name].initial)
            form.add_error(name, _("Saved meanwhile: %(value)s") % {"value": value})


def _stale_message(form: forms.BaseForm, kind: str, last: AuditEvent | None) -> str:
    if last is None:
        if kind == "job":
            return _(
                "This job was changed after you opened this page (in another tab or by someone "
                "else). Nothing was saved: check your changes below against the current job, "
                "then save again."
            )
        return _(
            "This candidate's details were changed after you opened this page (in another tab "
            "or by someone else). Nothing was saved: check your changes below against the "
            "current details, then save again."
        )
    who = (last.actor.get_full_name() or last.actor_label) if last.actor else last.actor_label
    labels = [
        str(form.fields[name].label)
        for name in last.detail.get("fields", [])
        if name in form.fields and form.fields[name].label
    ]
    params = {
        "who": who,
        "when": formats.date_format(timezone.localtime(last.at), "DATETIME_FORMAT"),
        "fields": ", ".join(labels) or "–",
    }
    if kind == "job":
        return (
            _(
                "%(who)s saved this job at %(when)s, after you opened this page (changed: "
                "%(fields)s). Nothing was saved: check your changes below against theirs, then "
                "save again."
            )
            % params
        )
    return (
        _(
            "%(who)s saved this candidate's details at %(when)s, after you opened this page "
            "(changed: %(fields)s). Nothing was saved: check your changes below against theirs, "
            "then save again."
        )
        % params
    )
