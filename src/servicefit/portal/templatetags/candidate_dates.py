"""Dates as candidates read them: with the time zone named, since a candidate may live in
another one than the server (``TIME_ZONE``)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.timezone import localtime

register = template.Library()


@register.filter
def datetime_with_zone(value: datetime | None) -> str:
    """``value`` in the active language's ``DATETIME_FORMAT`` and the zone, e.g. "21. december
    2026 kl. 01:24 CET"; empty for no value."""
    if value is None:
        return ""
    local = localtime(value)
    return f"{date_format(local, 'DATETIME_FORMAT')} {dateformat.format(local, 'T')}"
