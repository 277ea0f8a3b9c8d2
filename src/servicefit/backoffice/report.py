"""Everything a candidate report shows, with where each number came from."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from servicefit.assessments.models import Result, Standing
from servicefit.assessments.norms import MIN_NORM_GROUP, percentile
from servicefit.assessments.record import CompetencyScore, ResultRecord
from servicefit.assessments.standings import profile_key, profile_of, rank_of, scored_count
from servicefit.backoffice.labels import SIGNAL_LABELS
from servicefit.candidates.models import Candidate
from servicefit.content import default_content
from servicefit.interviews.services import competency_ratings
from servicefit.psychometrics import profile_composite

CHART_ROW = 26
CHART_LABEL_MIN_WIDTH = 160
CHART_FONT_SIZE = 11
"""Font size (px) of the chart's labels, set on each ``<text>``: the PDF renderer does not apply
the stylesheet's font size to SVG text, and its 16 px default cut long names off."""
CHART_CHAR_WIDTH = 6.6
"""Average width of a label character (generous for 11 px DejaVu Sans, the PDF's font): the
label column fits the longest full name."""
CHART_BAR_WIDTH = 300


@dataclass(frozen=True)
class Segment:
    text: str
    labels: tuple[str, ...] = ()
    negative: bool = False
    #: why each piece of evidence was found, in the reader's language ("Blame: the sentence
    #: model is 87% sure"); empty for analyses stored without their explanation (before 1.4.5)
    reasons: tuple[str, ...] = ()


NEGATIVE_SIGNALS = {"blame", "condescension", "shouting"}


#: The signals found by a rule, not by a phrase of a list (``why.pattern`` names the rule).
RULE_REASONS = {
    "capitals": gettext_lazy("%(signal)s: words written in capitals"),
    "repeated_exclamation": gettext_lazy("%(signal)s: repeated exclamation marks"),
    "customer_name": gettext_lazy("%(signal)s: the customer's name or a form of it"),
    "name_as_greeting": gettext_lazy("%(signal)s: the customer's name opens the reply"),
}


def evidence_reason(signal: dict[str, Any]) -> str | None:
    """Why one piece of evidence was found, in the reader's language, from the signal's stored
    ``why``: a phrase of the signal's list (patterns), a rule (:data:`RULE_REASONS`: capitals,
    exclamation marks, the customer's name) or a sentence the model flagged, with its
    confidence. ``None`` when the analysis was stored without it."""
    why = signal.get("why")
    if not isinstance(why, dict):
        return None
    label = SIGNAL_LABELS.get(signal["label"], signal["label"])
    if why.get("source") == "model" and why.get("confidence") is not None:
        return _("%(signal)s: the sentence model flagged this sentence (%(percent)s%% sure)") % {
            "signal": label,
            "percent": round(100 * float(why["confidence"])),
        }
    rule = RULE_REASONS.get(str(why.get("pattern")))
    if rule is not None:
        return str(rule) % {"signal": label}
    return _("%(signal)s: a phrase from its list") % {"signal": label}


def evidence_segments(text: str, signals: list[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` into plain and highlighted pieces; overlapping evidence is merged, and
    each piece keeps why its evidence was found (:func:`evidence_reason`)."""
    spans = sorted(
        (int(s["start"]), int(s["end"]), s["label"], evidence_reason(s) or "")
        for s in signals
        if 0 <= s["start"] < s["end"] <= len(text)
    )
    segments: list[Segment] = []
    position = 0
    index = 0
    while index < len(spans):
        start, end, label, reason = spans[index]
        labels = [label]
        reasons = [reason]
        index += 1
        while index < len(spans) and spans[index][0] < end:
            end = max(end, spans[index][1])
            labels.append(spans[index][2])
            reasons.append(spans[index][3])
            index += 1
        start = max(start, position)
        if start > position:
            segments.append(Segment(text[position:start]))
        if end > start:
            unique = tuple(dict.fromkeys(labels))
            segments.append(
                Segment(
                    text[start:end],
                    unique,
                    negative=any(lb in NEGATIVE_SIGNALS for lb in unique),
                    reasons=tuple(r for r in dict.fromkeys(reasons) if r),
                )
            )
        position = max(position, end)
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


@dataclass(frozen=True)
class Contribution:
    """One competency's part in the composite: ``weight`` (renormalised) × ``score``."""

    competency: str
    score: float | None
    weight: float
    contribution: float | None
    below_minimum: bool


@dataclass(frozen=True)
class Ranked:
    """The candidate's stored standing as the report shows it; the rank is one count query."""

    rank: int | None
    scored: int
    composite: float | None
    lower: float | None
    upper: float | None
    flags: tuple[str, ...]
    contributions: tuple[Contribution, ...]
    recomputing: bool


def _ranked(candidate: Candidate, record: ResultRecord) -> Ranked | None:
    standing = Standing.objects.filter(candidate=candidate).first()
    if standing is None:
        return None
    job = candidate.job
    profile = profile_of(job)
    composite = (
        profile_composite(
            record.scores(),
            profile,
            sems={c: s.sem for c, s in record.competencies.items()},
        )
        if profile is not None
        else None
    )
    weights = composite.weights if composite is not None else {}
    below = set(composite.below_minimum) if composite is not None else set()
    contributions = tuple(
        Contribution(
            competency=c,
            score=record.competencies[c].score if c in record.competencies else None,
            weight=weights.get(c, 0.0),
            contribution=None
            if c not in weights
            else weights[c] * float(record.competencies[c].score or 0),
            below_minimum=c in below,
        )
        for c in (profile.weights if profile is not None else {})
    )
    return Ranked(
        rank=rank_of(standing),
        scored=scored_count(job),
        composite=standing.composite,
        lower=standing.lower,
        upper=standing.upper,
        flags=tuple(standing.flags or ()),
        contributions=contributions,
        recomputing=standing.profile_key != profile_key(job),
    )


def build_report(candidate: Candidate) -> dict[str, Any]:
    """Everything the report (page and PDF) shows about one candidate, from their own data.

    Nothing here reads another candidate's result: the composite and band are the stored
    standing, the rank is one count, percentiles come from the norm group the result was
    scored with (its name, size and date are shown).
    """
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    session = getattr(candidate, "assessment", None)
    result: Result | None = (
        Result.objects.select_related("norm_group").filter(session=session).first()
        if session is not None
        else None
    )
    report: dict[str, Any] = {
        "candidate": candidate,
        "job": candidate.job,
        "session": session,
        "result": result,
    }
    if result is None:
        return report
    record = result.record.with_interview(competency_ratings(candidate))
    ranked = _ranked(candidate, record)
    contributions = {c.competency: c for c in ranked.contributions} if ranked else {}
    group = result.norm_group
    competencies = []
    for competency in content.competencies:
        data = record.competencies.get(competency.id) or CompetencyScore(score=None)
        contribution = contributions.get(competency.id)
        competencies.append(
            {
                "id": competency.id,
                "name": competency.name.get(language),
                "definition": competency.definition.get(language),
                "score": data.score,
                "lower": data.lower,
                "upper": data.upper,
                "percentile": percentile(group, competency.id, data.score),
                "sources": data.sources,
                "weight": float(candidate.job.weights.get(competency.id, 0)),
                "minimum": candidate.job.minimums.get(competency.id),
                "below_minimum": bool(contribution and contribution.below_minimum),
                "contribution": contribution.contribution if contribution else None,
                "sjt_not_counted": record.sjt.not_counted.get(competency.id, 0),
            }
        )
    report.update(
        {
            "record": record,
            "ranked": ranked,
            "norm_group": group if group is not None and group.n >= MIN_NORM_GROUP else None,
            "min_norm_group": MIN_NORM_GROUP,
            "competencies": competencies,
            "chart": chart_geometry(competencies),
            "chart_stacked": chart_geometry(competencies, stacked=True),
            "sjt": _sjt_rows(record, language),
            "reply": _reply(record, language),
            "notes": scoring_notes(record),
        }
    )
    return report


def reply_note(record: ResultRecord) -> str | None:
    """What a blank written reply meant for the scores, in the reader's language."""
    if record.reply.submitted_empty:
        return _("No written reply was submitted: rated lowest (1) on every reply rating.")
    if record.reply.not_reached:
        return _(
            "The written reply was never opened: it is not rated, and its competencies rest "
            "on the other parts."
        )
    return None


def scoring_notes(record: ResultRecord) -> list[str]:
    """Plain sentences on the parts that were empty, never opened or answered in part."""
    notes = [note] if (note := reply_note(record)) else []
    partial = sum(1 for s in record.sjt.scenarios.values() if 0 < s.answered < len(s.options))
    if partial:
        notes.append(
            ngettext(
                "%(n)d situation had only some of its options rated: it is not counted.",
                "%(n)d situations had only some of their options rated: they are not counted.",
                partial,
            )
            % {"n": partial}
        )
    return notes


#: The phone's chart (``stacked``): each label above its bar, the whole 1–5 scale in a
#: viewBox this wide, so it fits a 390 px screen at about its own size.
CHART_STACKED_WIDTH = 340
CHART_STACKED_ROW = 40


def chart_geometry(competencies: list[dict[str, Any]], *, stacked: bool = False) -> dict[str, Any]:
    """Coordinates for the SVG profile chart (scale 1–5 mapped onto the bar width).

    ``stacked`` is the narrow layout for phones: labels above the bars instead of beside
    them, so the bars get the whole width and the scale is seen at once.
    """

    longest = max((len(c["name"]) for c in competencies), default=0)
    label_width = max(CHART_LABEL_MIN_WIDTH, math.ceil(longest * CHART_CHAR_WIDTH) + 16)
    bar_width = CHART_BAR_WIDTH
    row_height, first = CHART_ROW, 30
    if stacked:
        label_width, bar_width = 12, CHART_STACKED_WIDTH - 30
        row_height, first = CHART_STACKED_ROW, 44

    def x(value: float) -> float:
        return label_width + (value - 1) / 4 * bar_width

    rows = []
    for i, c in enumerate(competencies):
        y = first + i * row_height
        rows.append(
            {
                "name": c["name"],
                "label": c["name"],
                "y": y,
                "text_y": y + 13,
                "label_x": label_width if stacked else label_width - 8,
                "label_y": y - 5 if stacked else y + 13,
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
        "id": "chart-stacked" if stacked else "chart",
        "rows": rows,
        "ticks": ticks,
        "width": CHART_STACKED_WIDTH if stacked else label_width + CHART_BAR_WIDTH + 30,
        "height": first + 10 + len(rows) * row_height,
        "bar_x": label_width,
        "label_anchor": "start" if stacked else "end",
        "font_size": CHART_FONT_SIZE,
        "axis_y": first + len(rows) * row_height,
        "has_minimum": any(r["minimum_x"] is not None for r in rows),
        "has_below": any(r["below"] for r in rows),
    }


def _sjt_rows(record: ResultRecord, language: str) -> list[dict[str, Any]]:
    content = default_content()
    if content.sjt is None:
        return []
    rows = []
    for scenario in content.sjt.scenarios:
        data = record.sjt.scenarios.get(scenario.id)
        if data is None:
            continue
        ratings = {o.option: o.rating for o in data.options}
        rows.append(
            {
                "situation": scenario.situation.get(language),
                "score": data.score,
                "answered": data.answered,
                "not_counted": 0 < data.answered < len(data.options),
                "options": [
                    {
                        "letter": o.id.upper(),
                        "text": o.text.get(language),
                        "rating": ratings.get(o.id),
                        "key": o.key,
                        "gap": None if ratings.get(o.id) is None else abs(ratings[o.id] - o.key),  # type: ignore[operator]
                        "rationale": o.rationale.get(language),
                    }
                    for o in scenario.options
                ],
            }
        )
    return rows


def _reply(record: ResultRecord, language: str) -> dict[str, Any] | None:
    reply = record.reply
    text = reply.text
    analysis = reply.analysis
    content = default_content()
    message = None
    # the message as the candidate saw it: in the language of the page, not the recruiter's
    shown = reply.shown_language or reply.language or language
    if content.written_reply is not None:
        message = next((m for m in content.written_reply.messages if m.id == reply.message), None)
    detected = analysis["language"] if analysis else {}
    return {
        "text": text,
        # a reply in another language is analysed again in its own language, so the analysis's
        # own "expected" is then that language: the page the candidate saw is what was expected
        "expected_language": shown,
        "other_language": bool(
            detected.get("detected")
            and detected["detected"] != shown
            and not detected.get("uncertain")
        ),
        "message": {
            "subject": message.subject.get(shown),
            "body": message.body.get(shown),
            "customer": message.customer_name.get(shown),
            "language": shown,
        }
        if message
        else None,
        "language": reply.language,
        "analysis": analysis,
        "segments": evidence_segments(text, analysis["signals"]) if analysis else [],
        "error": reply.error,
        "status": reply.status,
        "note": reply_note(record),
    }
