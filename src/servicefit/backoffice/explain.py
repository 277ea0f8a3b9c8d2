"""Translate the written-reply analysis's explanation items (code + params) for display."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language, get_language_info, ngettext
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


#: The codes the analysis puts in an item's values, as a reader reads them.
BAND_LABELS = {
    "very_easy": _("very easy"),
    "easy": _("easy"),
    "medium": _("medium"),
    "hard": _("hard"),
    "very_hard": _("very hard"),
}
LENGTH_LABELS = {
    "empty": _("empty"),
    "very_short": _("very short"),
    "short": _("short"),
    "adequate": _("adequate length"),
    "long": _("long"),
}
#: The reasons the analysis names (in English) when it caps the overall rating.
CAP_REASONS = {
    "blaming or arguing": SIGNAL_LABELS["blame"],
    "condescension": SIGNAL_LABELS["condescension"],
    "shouting": SIGNAL_LABELS["shouting"],
    "wrong language": _("reply in another language"),
    "a very short reply": _("a very short reply"),
}


def language_label(code: Any) -> str:
    """A language code (``sv``) as the language's name in the reader's language."""
    if not code:
        return "?"
    ours = dict(settings.LANGUAGES).get(str(code))
    if ours is not None:
        return str(ours)
    try:
        return str(get_language_info(str(code))["name_translated"])
    except KeyError:
        return str(code)


def in_sentence(name: str) -> str:
    """Language names inside a sentence: capitalised in English only ("in Swedish", "på svenska")."""
    if (get_language() or "en").startswith("en"):
        return name
    return name[:1].lower() + name[1:]


def _readable(params: dict[str, Any]) -> dict[str, Any]:
    readable = {k: number_format(v) if isinstance(v, float) else v for k, v in params.items()}
    for key in ("language", "detected", "expected"):
        if key in readable:
            readable[key] = in_sentence(language_label(readable[key]))
    if readable.get("band") in BAND_LABELS:
        readable["band"] = BAND_LABELS[readable["band"]]
    if readable.get("length") in LENGTH_LABELS:
        readable["length"] = LENGTH_LABELS[readable["length"]]
    if isinstance(readable.get("labels"), str):
        readable["labels"] = ", ".join(
            str(CAP_REASONS.get(part.strip().lower(), part.strip()))
            for part in readable["labels"].split(",")
        )
    return readable


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
    template: Any = MESSAGES.get(item.get("code", ""))
    raw = dict(item.get("params", {}))
    if item.get("code") == "length" and isinstance(raw.get("words"), int):
        # "1 word", not "1 words": a very short reply ("Sorry!") is one word
        template = ngettext(
            "%(words)s word (%(length)s).", "%(words)s words (%(length)s).", raw["words"]
        )
    params = _readable(raw)
    if "label" in params and params["label"] in SIGNAL_LABELS:
        params["label_text"] = SIGNAL_LABELS[params["label"]]
    if template is None:
        return str(item.get("text", ""))
    try:
        text = str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(item.get("text", ""))
    points = points_text(raw["points"]) if "points" in raw else ""
    if not points:
        return text
    # before the final full stop, as the analyser's English text does
    return f"{text[:-1]} ({points})." if text.endswith(".") else f"{text} ({points})"
