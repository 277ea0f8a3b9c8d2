"""Small display filters for the back office (formatting only, no decisions)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicefit.backoffice.explain import explain, in_sentence, language_label
from servicefit.backoffice.labels import (
    AUDIT_LABELS,
    MEASUREMENT_FLAG_LABELS,
    RATING_LABELS,
    SIGNAL_LABELS,
    SOURCE_LABELS,
    reason_text,
)
from servicefit.backoffice.shortlist import FLAG_LABELS
from servicefit.content import default_content
from servicefit.formats import format_percent

register = template.Library()


@register.filter
def impact_ratio(value: float | None) -> str:
    """An impact ratio cut (not rounded) to two decimals, "" for ``None``.

    The four-fifths flag is decided on the exact ratio; rounding would show a flagged 0.796 as
    "0.80 · below 0.8". Cut, a flagged ratio always reads 0.79 or less and an unflagged one
    0.80 or more. (The tiny tolerance keeps 0.58 stored as 0.5799999999999999 at 0.58.)
    """
    if value is None:
        return ""
    return str(floatformat(math.floor(float(value) * 100 + 1e-9) / 100, 2))


@register.filter
def percentile_rank(value: float | None) -> str:
    """A mid-point percentile rank as a whole number from 1 to 99, "" for ``None``.

    The mid-point rank never reaches 0 or 100 (half of the person's own score counts), but
    rounded it would read "100" for the best score of a group of 300 (99.8), as if the person
    were above everyone including themselves; 1–99 is the usual way to report it.
    """
    if value is None:
        return ""
    return str(min(99, max(1, round(float(value)))))


@register.filter
def p_value(value: float | None) -> str:
    """A p-value to three decimals, "< 0.001" below that (never "0.000"), "" for ``None``."""
    if value is None:
        return ""
    if float(value) < 0.001:
        return f"< {floatformat(0.001, 3)}"
    return str(floatformat(value, 3))


@register.filter
def competency_name(competency_id: str) -> str:
    try:
        return (
            default_content()
            .competency(competency_id)
            .name.get((get_language() or "en").split("-")[0])
        )
    except KeyError:
        return competency_id


@register.filter
def bar_width(score: float | None, scale: int = 60) -> int:
    """Pixels for a 1–5 score on a ``scale``-pixel bar."""
    if score is None:
        return 0
    return max(2, round((float(score) - 1) / 4 * scale))


@register.filter
def percent(value: Any, decimal_pos: int = 0) -> str:
    """A number already in percent as the reader's language writes it ("12 %" in Danish, "12%"
    in English); "–" for no value."""
    if value is None or value == "":
        return "–"
    return format_percent(value, int(decimal_pos))


@register.filter
def share_percent(value: Any, decimal_pos: int = 0) -> str:
    """A share between 0 and 1 as a percentage in the reader's language (0.5 → "50 %" in
    Danish); "–" for no value."""
    if value is None or value == "":
        return "–"
    return format_percent(100 * float(value), int(decimal_pos))


@register.filter
def top_weighted(contributions: Any, n: int = 4) -> list[Any]:
    return sorted(contributions, key=lambda c: -c.weight)[: int(n)]


def _label_filter(labels: Mapping[str, Any]) -> Any:
    def label(key: str) -> str:
        return str(labels.get(key, key))

    return label


register.filter("flag_label", _label_filter(FLAG_LABELS))
register.filter("signal_label", _label_filter(SIGNAL_LABELS))
register.filter("source_label", _label_filter(SOURCE_LABELS))
register.filter("rating_label", _label_filter(RATING_LABELS))
register.filter("measurement_flag", _label_filter(MEASUREMENT_FLAG_LABELS))


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


register.filter("language_label", language_label)


@register.filter
def language_word(code: Any) -> str:
    """A language's name inside a sentence ("expected Swedish", "förväntat svenska")."""
    return in_sentence(language_label(code))


@register.filter
def explain_item(item: dict[str, Any]) -> str:
    return explain(item)


audit_label = _label_filter(AUDIT_LABELS)
register.filter("audit_label", audit_label)


@register.filter
def reason_label(change: Any) -> str:
    """A stage change's reason in the reader's language, with its values filled in."""
    return reason_text(change.reason_code, change.params)


@register.filter
def iso_datetime(value: str | None) -> str:
    """An ISO 8601 timestamp (as stored in JSON) in the reader's short date and time format."""
    when = parse_datetime(value) if value else None
    if when is None:
        return value or ""
    return date_format(localtime(when), "SHORT_DATETIME_FORMAT")


@register.filter
def stage_label(candidate: Any, status: Any = None) -> str:
    """The stage, except that a candidate still at "invited" without a working link shows where
    the invitation stands (never invited, expired, revoked …) instead of a misleading "Invited"."""
    from servicefit.assessments.invitation_status import FunnelStep, funnel_step
    from servicefit.candidates.models import Stage

    lapsed = hasattr(status, "label") and funnel_step(status) != FunnelStep.INVITED
    if candidate.stage == Stage.INVITED and lapsed:
        return str(status.label)
    return str(candidate.get_stage_display())


def _not_delivered(status: Any) -> bool:
    """An e-mail counted as sent while the configured backend delivers nothing (the console
    backend of a trial install): the recruiter must not read it as having reached anyone."""
    from servicefit.assessments.invitation_status import InvitationStatus
    from servicefit.security.mail import email_is_delivered

    return status in {InvitationStatus.SENT, InvitationStatus.DELIVERED} and not (
        email_is_delivered()
    )


@register.filter
def status_label(status: Any) -> str:
    """The words for an invitation status (see :func:`_not_delivered`)."""
    if _not_delivered(status):
        return str(_("E-mail not delivered: no e-mail server is set up"))
    return str(getattr(status, "label", status))


@register.filter
def status_badge(status: Any) -> str:
    """The badge style for an invitation status."""
    from servicefit.assessments.invitation_status import InvitationStatus

    if _not_delivered(status):
        return "warn"
    if status in {InvitationStatus.FAILED, InvitationStatus.REVOKED}:
        return "bad"
    if status in {InvitationStatus.EXPIRED, InvitationStatus.NOT_INVITED}:
        return "warn"
    if status in {InvitationStatus.SUBMITTED, InvitationStatus.DELIVERED}:
        return "ok"
    return ""
