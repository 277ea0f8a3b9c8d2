"""Translate the written-reply analysis's explanation items (code + params) for display."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .labels import SIGNAL_LABELS

MESSAGES = {
    "empty_reply": _("The reply has no words to assess."),
    "signal_present": _("%(label_text)s: “%(evidence)s”."),
    "signal_missing": _("Not found: %(label_text)s."),
    "negative_signal": _("%(label_text)s lowers the rating: “%(evidence)s”."),
    "model_signal": _(
        "%(label_text)s: “%(evidence)s” (the sentence model is %(confidence)s%% sure)."
    ),
    "model_negative_signal": _(
        "%(label_text)s lowers the rating: “%(evidence)s” (the sentence model is %(confidence)s%% sure)."
    ),
    "courtesy_markers": _("Polite phrasing (%(markers)s)."),
    "discourtesy_markers": _("Brusque phrasing (%(markers)s)."),
    "readability": _("Readability LIX %(lix)s (%(band)s) for %(language)s."),
    "length": _("%(words)s words (%(length)s)."),
    "wrong_language": _("Written in %(detected)s, not the expected %(expected)s."),
    "combined": _(
        "Overall from courtesy %(courtesy)s, empathy %(empathy)s, ownership %(ownership)s and clarity %(clarity)s."
    ),
    "capped_by_negative": _("Capped at %(cap)s because of %(labels)s."),
}


def points_text(points: Any) -> str:
    """A contribution to a rating, signed and localised: "+0.40", "-1,25"."""
    try:
        value = float(points)
    except (TypeError, ValueError):
        return ""
    sign = "+" if value >= 0 else "-"
    return sign + str(number_format(abs(value), decimal_pos=2, use_l10n=True))


def explain(item: dict[str, Any]) -> str:
    """One explanation item in the current language (falls back to the analyser's English).

    An item that moved the rating ends with its contribution in points: "... (+0.40)"."""
    template = MESSAGES.get(item.get("code", ""))
    params = dict(item.get("params", {}))
    if "label" in params and params["label"] in SIGNAL_LABELS:
        params["label_text"] = SIGNAL_LABELS[params["label"]]
    if template is None:
        return str(item.get("text", ""))
    try:
        text = str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(item.get("text", ""))
    points = points_text(params["points"]) if "points" in params else ""
    if not points:
        return text
    # before the final full stop, as the analyser's English text does
    return f"{text[:-1]} ({points})." if text.endswith(".") else f"{text} ({points})"
