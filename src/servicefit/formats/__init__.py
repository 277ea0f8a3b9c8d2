"""Locale formats that differ from Django's defaults (English as en-GB unless configured), and
the one Django has no format setting for: the percent sign."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import get_language

#: What follows the number in a percentage, per interface language. Danish, Swedish and
#: Norwegian write a space before the sign ("100 %", non-breaking so the sign never starts a
#: line); English and Polish write none ("100%"). Languages not listed write none.
PERCENT_SIGN = {"da": "\u00a0%", "sv": "\u00a0%", "nb": "\u00a0%"}


def format_percent(value: float | int, decimal_pos: int = 0) -> str:
    """``value`` (already in percent) as the active language writes a percentage, with its
    decimal separator: "12,5 %" in Danish, "12.5%" in English."""
    language = (get_language() or "en").split("-")[0]
    number = round(float(value), decimal_pos) if decimal_pos else round(float(value))
    return number_format(number, decimal_pos) + PERCENT_SIGN.get(language, "%")
