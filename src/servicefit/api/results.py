"""One candidate's result as the API shows it (the single place the API reads stored results).

Competency scores and their bands come from the typed result record; the composite and its
band from the stored standing (the job's weighted mean on the 1–5 scale), so the API shows the
same numbers as the shortlist and the report. While a job's scoring is suspended, no score is
given out.
"""

from __future__ import annotations

from typing import Any

from servicefit.candidates.models import Candidate
from servicefit.oversight.services import current_suspension


def result_payload(candidate: Candidate) -> dict[str, Any]:
    session = getattr(candidate, "assessment", None)
    base: dict[str, Any] = {"candidate_id": candidate.pk}
    if session is None:
        return {**base, "status": "not_started"}
    if session.withdrawn_at:
        return {**base, "status": "withdrawn"}
    if not session.is_submitted:
        return {**base, "status": "in_progress"}
    result = getattr(session, "result", None)
    if result is None or current_suspension(candidate.job) is not None:
        return {**base, "status": "submitted"}
    record = result.record
    competencies = [
        {
            "competency": competency,
            "score": score.score,
            "lower": score.lower,
            "upper": score.upper,
            "sources": dict(score.sources),
        }
        for competency, score in sorted(record.competencies.items())
    ]
    standing = getattr(candidate, "standing", None)
    composite = (
        {"score": standing.composite, "lower": standing.lower, "upper": standing.upper}
        if standing is not None and standing.composite is not None
        else None
    )
    return {
        **base,
        "status": "scored",
        "content_version": result.content_version,
        "scoring_version": result.scoring_version,
        "computed_at": result.computed_at,
        "composite": composite,
        "competencies": competencies,
        "flags": list(standing.flags if standing is not None else record.flags),
    }
