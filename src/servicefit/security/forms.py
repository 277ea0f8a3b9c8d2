"""Forms that normalise every text field at the edge (see :mod:`servicefit.security.text`)."""

from __future__ import annotations

from typing import Any

from django import forms

from .text import clean_text


class CleanTextMixin:
    """Mix into a ``Form``/``ModelForm``: every ``CharField`` value is cleaned before validation.

    Control characters (NUL included) are removed, line breaks kept only in ``Textarea`` fields,
    and the field's own ``max_length`` then applies to the cleaned text, with Django's
    translated "at most N characters" message.
    """

    fields: dict[str, forms.Field]
    data: Any
    is_bound: bool

    def full_clean(self) -> None:
        if self.is_bound and hasattr(self.data, "copy"):
            data = self.data.copy()
            for name, field in self.fields.items():
                if not isinstance(field, forms.CharField) or field.disabled:
                    continue
                key = self.add_prefix(name)  # type: ignore[attr-defined]
                if key not in data:
                    continue
                multiline = isinstance(field.widget, forms.Textarea)
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                cleaned = [clean_text(v, multiline=multiline) for v in values]
                if hasattr(data, "setlist"):
                    data.setlist(key, cleaned)
                else:
                    data[key] = cleaned[0]
            self.data = data
        super().full_clean()  # type: ignore[misc]
