"""The branding form: validated at the boundary (image type and size, colour contrast)."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .contrast import AA_NORMAL_TEXT, DARK, WHITE, contrast_ratio, parse_hex

LOGO_MAX_BYTES = 300 * 1024
LOGO_MAX_PIXELS = 2000
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


class BrandingForm(forms.Form):
    form_id = "branding"

    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=120,
        required=False,
        help_text=_("Shown to candidates on their pages, in e-mails and on the PDF report."),
    )
    privacy_contact = forms.EmailField(
        label=_("Privacy contact (e-mail)"),
        max_length=254,
        required=False,
        help_text=_(
            "Where candidates write for a copy of their data, a correction or its deletion. "
            "Shown in the privacy notice on their pages; without it they are told to contact "
            "the recruiter."
        ),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_(
            "Used for the page header and the main buttons. The text colour on it is chosen "
            "for contrast; colours that give too little contrast are refused."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 300 KB and 2000 × 2000 pixels."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    def clean_accent_colour(self) -> str:
        colour = self.cleaned_data["accent_colour"].strip().lower()
        try:
            parse_hex(colour)
        except ValueError:
            raise forms.ValidationError(
                _("Give the colour as # and six hexadecimal digits, such as #0b5cad.")
            ) from None
        best = max(contrast_ratio(colour, WHITE), contrast_ratio(colour, DARK))
        if best < AA_NORMAL_TEXT:
            raise forms.ValidationError(
                _(
                    "Text on this colour would have a contrast of only %(ratio)s:1 (at least "
                    "4.5:1 is needed). Choose a darker or a lighter shade."
                )
                % {"ratio": f"{best:.1f}"}
            )
        return colour

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo is %(size)d KB; the limit is 300 KB.") % {"size": upload.size // 1024}
            )
        data = upload.read()
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                kind, size = image.format, image.size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError(
                _("This file is not an image ServiceFit can use (PNG, JPEG, GIF or WebP).")
            ) from None
        if kind not in LOGO_FORMATS:
            raise forms.ValidationError(
                _("This file is not an image ServiceFit can use (PNG, JPEG, GIF or WebP).")
            )
        if max(size) > LOGO_MAX_PIXELS:
            raise forms.ValidationError(
                _("The logo is %(w)d × %(h)d pixels; at most 2000 × 2000 are allowed.")
                % {"w": size[0], "h": size[1]}
            )
        return {"data": data, "content_type": LOGO_FORMATS[kind]}
