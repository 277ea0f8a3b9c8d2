"""Small display filters for the back office (formatting only, no decisions)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

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


@register.filter
def flag_label(flag: str) -> str:
    from servicefit.backoffice.shortlist import FLAG_LABELS

    return str(FLAG_LABELS.get(flag, flag))


@register.filter
def signal_label(label: str) -> str:
    from servicefit.backoffice.labels import SIGNAL_LABELS

    return str(SIGNAL_LABELS.get(label, label))


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def source_label(source: str) -> str:
    from servicefit.backoffice.labels import SOURCE_LABELS

    return str(SOURCE_LABELS.get(source, source))


@register.filter
def rating_label(name: str) -> str:
    from servicefit.backoffice.labels import RATING_LABELS

    return str(RATING_LABELS.get(name, name))


@register.filter
def explain_item(item: dict[str, Any]) -> str:
    from servicefit.backoffice.explain import explain

    return explain(item)
