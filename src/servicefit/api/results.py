"""One candidate's result as the API shows it (the single place that reads stored results)."""

from __future__ import annotations

from typing import Any

from servicefit.assessments.ranking import competency_scores
from servicefit.candidates.models import Candidate


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
    if result is None:
        return {**base, "status": "submitted"}
    scores = competency_scores(result)
    competencies = []
    for competency, data in sorted(scores.items()):
        stored = result.competencies.get(competency, {})
        competencies.append(
            {
                "competency": competency,
                "score": data["score"],
                "lower": stored.get("lower"),
                "upper": stored.get("upper"),
                "sources": data["sources"],
            }
        )
    weights = {c: float(w) for c, w in candidate.job.weights.items() if float(w) > 0}
    weighted = [
        (weights[c["competency"]], c["score"])
        for c in competencies
        if c["competency"] in weights and c["score"] is not None
    ]
    total = sum(w for w, _s in weighted)
    composite = (
        {"score": round(sum(w * s for w, s in weighted) / total, 3), "lower": None, "upper": None}
        if total
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
        "flags": list(result.flags),
    }
