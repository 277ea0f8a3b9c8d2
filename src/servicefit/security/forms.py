"""Forms that normalise every text field at the edge (see :mod:`servicefit.security.text`)."""

from __future__ import annotations

from typing import Any

from django import forms

from .text import EMAIL_MAX_LENGTH, clean_text


class EmailAddressField(forms.EmailField):
    """An e-mail address of at most ``EMAIL_MAX_LENGTH`` (254) characters, said, not cut.

    Django puts the field's ``max_length`` on the input as ``maxlength``, and the browser then
    cuts a longer pasted address at 254 characters without a word: "...@example.com" becomes
    "...@examp" and a wrong address is stored. This field leaves the attribute off, so the whole
    address reaches the server and the form answers with Django's translated "Ensure this value
    has at most 254 characters (it has 260)." at the field.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


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
