"""One candidate's result as the API shows it (the single place the API reads stored results).

Competency scores and their bands come from the typed result record with the submitted
interview ratings joined in, exactly as the candidate report shows them; the composite and its
band from the stored standing (the job's weighted mean on the 1–5 scale), so the API shows the
same numbers as the shortlist and the report. While a job's scoring is suspended, no score is
given out.

:func:`result_status` is the one rule for where a candidate's result stands; the candidate
summary (``candidate_out``), the result endpoint and the Greenhouse status all read it.
"""

from __future__ import annotations

from typing import Any

from servicefit.candidates.models import Candidate
from servicefit.interviews.services import competency_ratings
from servicefit.oversight.services import current_suspension

from .schemas import ResultStatus


def result_status(candidate: Candidate, *, suspended: bool | None = None) -> ResultStatus:
    """``not_started``, ``in_progress``, ``withdrawn``, ``submitted`` or ``scored``.

    A candidate counts as scored once their standing is stored (it is written in the same
    transaction as the result, and points to it), and only while the job's scoring is not
    suspended. ``suspended`` saves the suspension look-up when the caller already knows it.
    """
    session = getattr(candidate, "assessment", None)
    if session is None:
        return "not_started"
    if session.withdrawn_at:
        return "withdrawn"
    if not session.is_submitted:
        return "in_progress"
    if getattr(candidate, "standing", None) is None:
        return "submitted"
    if suspended is None:
        suspended = current_suspension(candidate.job) is not None
    return "submitted" if suspended else "scored"


def result_payload(candidate: Candidate) -> dict[str, Any]:
    status = result_status(candidate)
    base: dict[str, Any] = {"candidate_id": candidate.pk, "status": status}
    if status != "scored":
        return base
    standing = candidate.standing
    result = standing.result
    # The same record the report shows: interview ratings are a source of each competency
    # (the stored composite already counts them).
    record = result.record.with_interview(competency_ratings(candidate))
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
    composite = (
        {"score": standing.composite, "lower": standing.lower, "upper": standing.upper}
        if standing.composite is not None
        else None
    )
    return {
        **base,
        "content_version": result.content_version,
        "scoring_version": result.scoring_version,
        "computed_at": result.computed_at,
        "composite": composite,
        "competencies": competencies,
        "flags": list(standing.flags),
    }
