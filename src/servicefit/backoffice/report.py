"""Everything a candidate report shows, with where each number came from."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from servicefit.assessments.models import Result
from servicefit.assessments.ranking import (
    Norms,
    RankedCandidate,
    build_norms,
    competency_scores,
    rank_job,
)
from servicefit.candidates.models import Candidate
from servicefit.content import default_content
from servicefit.interviews.services import competency_ratings_for_job

Z_95 = 1.959964
CHART_ROW = 26
CHART_LABEL_MIN_WIDTH = 160
CHART_CHAR_WIDTH = 6.6
"""Average width of a 12 px label character: the label column fits the longest full name."""
CHART_BAR_WIDTH = 300


@dataclass(frozen=True)
class Segment:
    text: str
    labels: tuple[str, ...] = ()
    negative: bool = False


NEGATIVE_SIGNALS = {"blame", "condescension", "shouting"}


def evidence_segments(text: str, signals: list[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` into plain and highlighted pieces; overlapping evidence is merged."""
    spans = sorted(
        (int(s["start"]), int(s["end"]), s["label"])
        for s in signals
        if 0 <= s["start"] < s["end"] <= len(text)
    )
    segments: list[Segment] = []
    position = 0
    index = 0
    while index < len(spans):
        start, end, label = spans[index]
        labels = [label]
        index += 1
        while index < len(spans) and spans[index][0] < end:
            end = max(end, spans[index][1])
            labels.append(spans[index][2])
            index += 1
        start = max(start, position)
        if start > position:
            segments.append(Segment(text[position:start]))
        if end > start:
            unique = tuple(dict.fromkeys(labels))
            segments.append(
                Segment(
                    text[start:end], unique, negative=any(lb in NEGATIVE_SIGNALS for lb in unique)
                )
            )
        position = max(position, end)
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _ranked_row(
    candidate: Candidate, *, norms: Norms, interview_ratings: dict[int, dict[str, float]]
) -> RankedCandidate | None:
    for row in rank_job(candidate.job, interview_ratings=interview_ratings, norms=norms):
        if row.candidate.pk == candidate.pk:
            return row
    return None


def build_report(candidate: Candidate) -> dict[str, Any]:
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    session = getattr(candidate, "assessment", None)
    result: Result | None = getattr(session, "result", None)
    report: dict[str, Any] = {
        "candidate": candidate,
        "job": candidate.job,
        "session": session,
        "result": result,
    }
    if result is None:
        return report
    norms = build_norms(content)
    interview_ratings = competency_ratings_for_job(candidate.job)
    row = _ranked_row(candidate, norms=norms, interview_ratings=interview_ratings)
    contributions = {c.competency: c for c in row.contributions} if row else {}
    scores = competency_scores(result, interview_ratings.get(candidate.pk))
    competencies = []
    for competency in content.competencies:
        data = scores.get(competency.id, {"score": None, "sources": {}})
        sources, score = data["sources"], data["score"]
        reliability = (norms.reliabilities or {}).get(competency.id)
        half = (
            Z_95 * norms.sds.get(competency.id, 0) * math.sqrt(1 - reliability)
            if reliability is not None
            else None
        )
        contribution = contributions.get(competency.id)
        competencies.append(
            {
                "id": competency.id,
                "name": competency.name.get(language),
                "definition": competency.definition.get(language),
                "score": score,
                "lower": None if score is None or half is None else max(1.0, score - half),
                "upper": None if score is None or half is None else min(5.0, score + half),
                "percentile": norms.percentile(competency.id, score),
                "sources": sources,
                "weight": float(candidate.job.weights.get(competency.id, 0)),
                "minimum": candidate.job.minimums.get(competency.id),
                "below_minimum": bool(contribution and contribution.below_minimum),
                "contribution": contribution.contribution if contribution else None,
            }
        )
    report.update(
        {
            "ranked": row,
            "norm_n": norms.n,
            "competencies": competencies,
            "chart": chart_geometry(competencies),
            "sjt": _sjt_rows(result, language),
            "reply": _reply(result, language),
        }
    )
    return report


def chart_geometry(competencies: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinates for the SVG profile chart (scale 1–5 mapped onto the bar width)."""

    longest = max((len(c["name"]) for c in competencies), default=0)
    label_width = max(CHART_LABEL_MIN_WIDTH, math.ceil(longest * CHART_CHAR_WIDTH) + 16)

    def x(value: float) -> float:
        return label_width + (value - 1) / 4 * CHART_BAR_WIDTH

    rows = []
    for i, c in enumerate(competencies):
        y = 30 + i * CHART_ROW
        rows.append(
            {
                "name": c["name"],
                "label": c["name"],
                "y": y,
                "text_y": y + 13,
                "bar_width": 0 if c["score"] is None else round(x(c["score"]) - label_width, 1),
                "band_x1": None if c["lower"] is None else round(x(c["lower"]), 1),
                "band_x2": None if c["upper"] is None else round(x(c["upper"]), 1),
                "minimum_x": None if c["minimum"] is None else round(x(float(c["minimum"])), 1),
                "score": c["score"],
                "below": c["below_minimum"],
            }
        )
    ticks = [{"value": v, "x": round(x(v), 1)} for v in (1, 2, 3, 4, 5)]
    return {
        "rows": rows,
        "ticks": ticks,
        "width": label_width + CHART_BAR_WIDTH + 30,
        "height": 40 + len(rows) * CHART_ROW,
        "bar_x": label_width,
        "axis_y": 30 + len(rows) * CHART_ROW,
        "has_minimum": any(r["minimum_x"] is not None for r in rows),
        "has_below": any(r["below"] for r in rows),
    }


def _sjt_rows(result: Result, language: str) -> list[dict[str, Any]]:
    content = default_content()
    if content.sjt is None:
        return []
    rows = []
    for scenario in content.sjt.scenarios:
        data = result.sjt.get("scenarios", {}).get(scenario.id)
        if data is None:
            continue
        ratings = {o["option"]: o["rating"] for o in data["options"]}
        rows.append(
            {
                "situation": scenario.situation.get(language),
                "score": data["score"],
                "options": [
                    {
                        "letter": o.id.upper(),
                        "text": o.text.get(language),
                        "rating": ratings.get(o.id),
                        "key": o.key,
                        "gap": None if ratings.get(o.id) is None else abs(ratings[o.id] - o.key),
                        "rationale": o.rationale.get(language),
                    }
                    for o in scenario.options
                ],
            }
        )
    return rows


def _reply(result: Result, language: str) -> dict[str, Any] | None:
    reply = result.reply or {}
    text = reply.get("text") or ""
    analysis = reply.get("analysis")
    content = default_content()
    message = None
    # the message as the candidate saw it: in the language of the page, not the recruiter's
    shown = reply.get("shown_language") or reply.get("language") or language
    if content.written_reply is not None:
        message = next(
            (m for m in content.written_reply.messages if m.id == reply.get("message")), None
        )
    return {
        "text": text,
        "message": {
            "subject": message.subject.get(shown),
            "body": message.body.get(shown),
            "customer": message.customer_name.get(shown),
            "language": shown,
        }
        if message
        else None,
        "language": reply.get("language"),
        "analysis": analysis,
        "segments": evidence_segments(text, analysis["signals"]) if analysis else [],
        "error": reply.get("error"),
    }
