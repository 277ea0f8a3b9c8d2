"""Small display filters for the back office (formatting only, no decisions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language

from servicefit.backoffice.explain import explain
from servicefit.backoffice.labels import (
    MEASUREMENT_FLAG_LABELS,
    RATING_LABELS,
    SIGNAL_LABELS,
    SOURCE_LABELS,
)
from servicefit.backoffice.shortlist import FLAG_LABELS
from servicefit.content import default_content

register = template.Library()


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


@register.filter
def explain_item(item: dict[str, Any]) -> str:
    return explain(item)
