"""A short, plain-language feedback report for the candidate (if the job enables it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from servicefit.assessments.models import AssessmentSession, Result
from servicefit.content import default_content

TOP = 3


def feedback_for(session: AssessmentSession) -> dict[str, Any] | None:
    """Strengths and areas to develop from the questionnaire and scenarios, or None if not scored."""
    result = Result.objects.filter(session=session).first()
    if result is None:
        return None
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    scored = [
        (score, content.competency(cid))
        for cid, score in result.record.scores().items()
        if score is not None
    ]
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return {
        "strengths": [
            {"name": c.name.get(language), "definition": c.definition.get(language)}
            for _s, c in scored[:TOP]
        ],
        "develop": [
            {"name": c.name.get(language), "definition": c.definition.get(language)}
            for _s, c in scored[-TOP:][::-1]
        ],
    }
