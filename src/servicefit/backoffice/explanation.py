"""A per-candidate explanation: what was measured, the scores and bands, the evidence used,
and who decided what and why (GDPR Art. 15/22, EU AI Act Art. 86).

Built from the candidate report, the stage history and the review requests. It never
contains self-identification data. While the job's scoring is suspended the scores are left
out and the explanation says so.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.candidates.models import Candidate, Stage
from servicefit.content import default_content
from servicefit.oversight.services import is_scoring_suspended

from .labels import reason_text
from .report import build_report
from .shortlist import FLAG_LABELS


def _signals(reply: dict[str, Any] | None) -> list[dict[str, Any]]:
    analysis = (reply or {}).get("analysis") or {}
    return [
        {"signal": s.get("label"), "evidence": s.get("text", "")}
        for s in analysis.get("signals", [])
    ]


def build_explanation(candidate: Candidate) -> dict[str, Any]:
    """JSON-ready explanation of one candidate's assessment and the decisions about them."""
    job = candidate.job
    suspended = is_scoring_suspended(job)
    content = default_content()
    weights = {c: float(w) for c, w in job.weights.items() if float(w) > 0}
    data: dict[str, Any] = {
        "candidate": {"name": candidate.name, "email": candidate.email},
        "job": job.title,
        "generated_at": timezone.now().isoformat(),
        "what_was_measured": {
            "competencies": [
                {
                    "id": c.id,
                    "name": c.name.get("en"),
                    "weight": weights.get(c.id, 0.0),
                    "minimum": job.minimums.get(c.id),
                }
                for c in content.competencies
            ],
            "instruments": [
                _("Work-style questionnaire: statements rated 1–5, scored against a key"),
                _("Situations at work: each option rated 1–5, compared with an expert key"),
                _("Written reply to a customer: text signals; a person confirms the rating"),
                _("Structured interview: ratings on anchored scales, once scorecards exist"),
            ],
        },
        "scoring_suspended": suspended,
        "scores": None,
        "evidence": None,
        "decisions": [
            {
                "from": change.from_stage,
                "to": change.to_stage,
                "from_label": str(Stage(change.from_stage).label) if change.from_stage else "",
                "to_label": _("Candidate added")
                if not change.from_stage and change.to_stage == Stage.INVITED
                else str(Stage(change.to_stage).label),
                "reason": change.reason_code,
                "reason_label": reason_text(change.reason_code, change.params)
                if change.reason_code
                else "",
                "note": change.note,
                "decided_by": change.changed_by.get_username() if change.changed_by else "system",
                "at": change.changed_at.isoformat(),
            }
            for change in candidate.stage_changes.select_related("changed_by")
        ],
        "review_requests": [
            {
                "kind": r.kind,
                "kind_label": r.get_kind_display(),
                "message": r.message,
                "requested_at": r.created_at.isoformat(),
                "due_at": r.due_at.isoformat(),
                "answered_by": r.resolved_by.get_username() if r.resolved_by else None,
                "answered_at": r.resolved_at.isoformat() if r.resolved_at else None,
                "answer": r.response,
            }
            for r in candidate.review_requests.select_related("resolved_by")
        ],
    }
    if suspended:
        return data
    report = build_report(candidate)
    result = report.get("result")
    if result is None:
        return data
    ranked = report.get("ranked")
    data["scores"] = {
        "content_version": result.content_version,
        "scoring_version": result.scoring_version,
        "composite": getattr(ranked, "composite", None),
        "composite_band": [getattr(ranked, "lower", None), getattr(ranked, "upper", None)],
        "rank": getattr(ranked, "rank", None),
        "competencies": [
            {
                "id": c["id"],
                "name": c["name"],
                "score": c["score"],
                "band": [c["lower"], c["upper"]],
                "percentile": c["percentile"],
                "sources": c["sources"],
                "below_minimum": c["below_minimum"],
            }
            for c in report.get("competencies", [])
        ],
        "flags": list(result.flags),
        "flag_labels": [
            str(FLAG_LABELS.get(f, f)) for f in getattr(ranked, "flags", None) or result.flags
        ],
        "notes": report.get("notes", []),
    }
    data["evidence"] = {
        "scenarios": [
            {
                "situation": row["situation"],
                "score": row["score"],
                "ratings_vs_key": [
                    {"option": o["letter"], "rating": o["rating"], "key": o["key"]}
                    for o in row["options"]
                ],
            }
            for row in report.get("sjt", [])
        ],
        "written_reply_status": result.record.reply.status,
        "written_reply_signals": _signals(result.reply),
        "person_ratings_of_the_reply": [
            {
                "dimension": r.dimension,
                "suggested": r.suggested,
                "rating": r.rating,
                "reason": r.reason,
                "rated_by": r.rated_by.get_username() if r.rated_by else None,
            }
            for r in result.reply_ratings.select_related("rated_by")
        ],
    }
    return data
