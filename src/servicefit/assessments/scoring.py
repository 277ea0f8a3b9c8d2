"""Score one submitted assessment from its answers (pure: content in, plain dict out).

Each competency score is on the 1–5 scale and keeps the sources it came from, so the report can
explain every number:

- **questionnaire**: the keyed mean of the competency's items (reverse keys as 6 − x; at least
  half the items answered), via :func:`servicefit.psychometrics.score_scale`;
- **sjt**: each scenario's distance score against the expert key (mean absolute deviation,
  rescaled to 0–1, :func:`servicefit.psychometrics.score_ratings`), mapped to 1–5 as
  ``1 + 4 * score`` and averaged over the scenarios that inform the competency. A scenario
  counts only when every one of its options is rated: one rated in part is not counted, and
  the competencies it informs are listed in ``sjt.not_counted`` (flag ``sjt_partial``);
- **reply**: the written-reply analysis's suggested ratings (courtesy → courtesy and
  valuing_customer, empathy → empathy, ownership → helpfulness and problem_solving,
  clarity → clear_communication). A reply the candidate was shown and submitted empty is
  rated 1, the lowest rating, on every dimension (``reply.status == "empty"``, flag
  ``reply_empty``); one never opened stays missing (``"not_reached"``, ``reply_not_reached``).

The competency score is the mean of the available sources, made in one place
(:func:`servicefit.assessments.record.combine_sources`), with a 95 % band from the standard error
of measurement of the norm group in force (``sems``). Interview ratings join later, once
scorecards are in (:meth:`~servicefit.assessments.record.ResultRecord.with_interview`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from servicefit.content import Content
from servicefit.language import (
    ANALYSIS_VERSION,
    SUPPORTED_LANGUAGES,
    ReplyAnalysisError,
    analyze_reply,
)
from servicefit.psychometrics import score_ratings, score_scale

from .plan import SCALE_MAX, SCALE_MIN, sjt_key
from .record import CompetencyScore, ResultRecord, combine_sources

SCORING_VERSION = f"2.1.0+reply-{ANALYSIS_VERSION}"
"""2.0.0: record version 2 (bands from the SEM) and the 1–5 weighted-mean composite.
2.1.0: a written reply shown and submitted empty is rated lowest (it was missing); a judgement
scenario counts only when all its options are rated (one rated in part counted fully)."""

REPLY_LOWEST = 1
"""The rating of every written-reply dimension when the candidate was shown the customer's
message and submitted no reply: a non-response to a work sample is evidence, not a gap."""

REPLY_RATING_COMPETENCIES: dict[str, tuple[str, ...]] = {
    "courtesy": ("courtesy", "valuing_customer"),
    "empathy": ("empathy",),
    "ownership": ("helpfulness", "problem_solving"),
    "clarity": ("clear_communication",),
}


def _value(values: Mapping[str, int | None], key: str) -> float:
    value = values.get(key)
    return np.nan if value is None else float(value)


def score_questionnaire(content: Content, values: Mapping[str, int | None]) -> dict[str, Any]:
    """Per competency: keyed mean, items answered, and each item's raw and keyed value."""
    if content.questionnaire is None:
        return {}
    by_competency: dict[str, list[Any]] = defaultdict(list)
    for item in content.questionnaire.items:
        by_competency[item.competency].append(item)
    scales: dict[str, Any] = {}
    for competency, items in by_competency.items():
        row = np.array([[_value(values, i.id) for i in items]], dtype=float)
        reverse = np.array([i.reverse for i in items])
        scored = score_scale(
            row, minimum=SCALE_MIN, maximum=SCALE_MAX, reverse=reverse, name=competency
        )
        score = float(scored.scores[0])
        scales[competency] = {
            "score": None if np.isnan(score) else round(score, 4),
            "answered": int(scored.n_answered[0]),
            "items": len(items),
            "answers": [
                {
                    "item": i.id,
                    "reverse": i.reverse,
                    "value": values.get(i.id),
                    "keyed": None
                    if values.get(i.id) is None
                    else (SCALE_MIN + SCALE_MAX - values[i.id] if i.reverse else values[i.id]),  # type: ignore[operator]
                }
                for i in items
            ],
        }
    return scales


def score_sjt(content: Content, values: Mapping[str, int | None]) -> dict[str, Any]:
    """Per scenario: distance score (0–1) against the expert key, with each rating beside its key."""
    if content.sjt is None:
        return {"scenarios": {}, "competencies": {}, "not_counted": {}}
    scenarios: dict[str, Any] = {}
    per_competency: dict[str, list[float]] = defaultdict(list)
    not_counted: dict[str, int] = defaultdict(int)
    for scenario in content.sjt.scenarios:
        ratings = np.array(
            [
                [
                    np.nan
                    if values.get(sjt_key(scenario.id, o.id)) is None
                    else values[sjt_key(scenario.id, o.id)]
                    for o in scenario.options
                ]
            ],
            dtype=float,
        )
        key = np.array([o.key for o in scenario.options])
        # A scenario counts only when every option is rated: a distance over the options a
        # candidate chose to rate is not comparable with one over all of them.
        result = score_ratings(
            ratings,
            key,
            minimum=SCALE_MIN,
            maximum=SCALE_MAX,
            distance="absolute",
            min_rated=len(scenario.options),
        )
        score = float(result.scores[0])
        answered = int(result.n_answered[0])
        if 0 < answered < len(scenario.options):
            for competency in scenario.competencies:
                not_counted[competency] += 1
        scenarios[scenario.id] = {
            "score": None if np.isnan(score) else round(score, 4),
            "answered": answered,
            "competencies": list(scenario.competencies),
            "options": [
                {"option": o.id, "rating": values.get(sjt_key(scenario.id, o.id)), "key": o.key}
                for o in scenario.options
            ],
        }
        if not np.isnan(score):
            for competency in scenario.competencies:
                per_competency[competency].append(SCALE_MIN + (SCALE_MAX - SCALE_MIN) * score)
    competencies = {c: round(float(np.mean(v)), 4) for c, v in per_competency.items()}
    return {
        "scenarios": scenarios,
        "competencies": competencies,
        "not_counted": dict(not_counted),
    }


def score_reply(
    content: Content,
    *,
    message_id: str,
    text: str,
    language: str,
    reply_model: str = "lemma",
    shown: bool = True,
) -> dict[str, Any]:
    """The written-reply analysis (signals with evidence, suggested ratings) as a dict.

    A blank reply is not analysed. Its ``status`` says what it means: ``"empty"`` when the
    candidate was ``shown`` the customer's message (rated lowest, see
    :func:`reply_competency_scores`), ``"not_reached"`` when they never opened it (missing).

    ``reply_model`` is the sentence model that adds evidence for the semantic signals and
    whose rating model suggests the ratings: ``"lemma"`` (the default) or ``"e5"`` (needs
    the ``embeddings`` extra; operators choose it with ``SERVICEFIT_REPLY_MODEL``).

    ``language`` is the language the candidate saw the customer's message in. The reply is
    analysed in the language it is written in: when the detection is confident that it is
    another supported language, the analysis runs again in that language. The customer's name
    is always the one the candidate saw. ``shown_language`` keeps which message was shown.
    """
    base = {"message": message_id, "text": text, "language": language, "shown_language": language}
    if content.written_reply is None:
        return {**base, "analysis": None}
    if not text.strip():
        return {**base, "analysis": None, "status": "empty" if shown else "not_reached"}
    message = next(m for m in content.written_reply.messages if m.id == message_id)
    customer = message.customer_name.get(language)
    try:
        analysis = _analysis(text, language, customer, reply_model)
        detected = analysis["language"]["detected"]
        analysed = language
        if (
            detected
            and detected != language
            and not analysis["language"]["uncertain"]
            and detected in SUPPORTED_LANGUAGES
        ):
            analysis = _analysis(text, detected, customer, reply_model)
            analysed = detected
    except ReplyAnalysisError as exc:
        return {**base, "analysis": None, "error": str(exc), "status": "answered"}
    return {**base, "analysis": analysis, "language": analysed, "status": "answered"}


@functools.lru_cache(maxsize=512)
def _analysis(
    text: str, language: str, customer_name: str | None, reply_model: str
) -> dict[str, Any]:
    """The analysis is a pure function of its inputs: re-scoring the same text reuses it.
    Stored with its explanation: each signal's ``why`` (the pattern, or the sentence model and
    its confidence) and the ``sentence_model`` that ran ("lemma", "e5"), so the report can say
    why every highlighted span was found."""
    return analyze_reply(
        text, expected_language=language, customer_name=customer_name, sentence_model=reply_model
    ).to_dict(explain=True)


def reply_competency_scores(
    reply: Mapping[str, Any], overrides: Mapping[str, int] | None = None
) -> dict[str, float]:
    """Competency scores (1–5) from the reply's ratings; rater ``overrides`` win over suggestions.

    A reply submitted empty (``status == "empty"``) is rated :data:`REPLY_LOWEST` on every
    dimension; a reply never reached, or one whose analysis failed, informs nothing.
    """
    analysis = reply.get("analysis")
    if reply.get("status") == "empty":
        ratings = dict.fromkeys(REPLY_RATING_COMPETENCIES, REPLY_LOWEST)
    elif not analysis:
        return {}
    else:
        ratings = {name: int(value) for name, value in analysis["ratings"].items()}
    ratings.update(overrides or {})
    out: dict[str, list[float]] = defaultdict(list)
    for rating, competencies in REPLY_RATING_COMPETENCIES.items():
        if rating in ratings:
            for competency in competencies:
                out[competency].append(float(ratings[rating]))
    return {c: float(np.mean(v)) for c, v in out.items()}


def combine(
    content: Content,
    *,
    questionnaire: Mapping[str, Any],
    sjt: Mapping[str, Any],
    reply_scores: Mapping[str, float],
    interviews: Mapping[str, float] | None = None,
    sems: Mapping[str, float | None] | None = None,
) -> dict[str, CompetencyScore]:
    """Each competency's 1–5 score as the mean of its available sources, with its band."""
    combined: dict[str, CompetencyScore] = {}
    for competency in content.competencies:
        sources: dict[str, float] = {}
        q = questionnaire.get(competency.id, {}).get("score")
        if q is not None:
            sources["questionnaire"] = q
        if competency.id in sjt.get("competencies", {}):
            sources["sjt"] = sjt["competencies"][competency.id]
        if competency.id in reply_scores:
            sources["reply"] = reply_scores[competency.id]
        if interviews and competency.id in interviews:
            sources["interview"] = interviews[competency.id]
        combined[competency.id] = combine_sources(sources, sem=(sems or {}).get(competency.id))
    return combined


def score_assessment(
    content: Content,
    *,
    values: Mapping[str, int | None],
    reply_message: str,
    reply_text: str,
    reply_language: str,
    sems: Mapping[str, float | None] | None = None,
    questionnaire_items: Sequence[str] | None = None,
    reply_model: str = "lemma",
    reply_shown: bool = True,
) -> ResultRecord:
    """Everything stored in a :class:`~servicefit.assessments.models.Result`, as a typed record.

    ``sems`` are the competencies' standard errors of measurement from the norm group in
    force (:func:`servicefit.assessments.norms.sems_of`); without them the bands stay empty.
    ``questionnaire_items`` are the items the candidate was given (an adaptive questionnaire
    gives a subset); by default all of them. ``reply_model``: see :func:`score_reply`.
    ``reply_shown``: whether the candidate opened the written reply (saw the customer's
    message); a blank reply is then rated lowest, else it is missing (:func:`score_reply`).
    """
    questionnaire = score_questionnaire(content, values)
    sjt = score_sjt(content, values)
    reply = score_reply(
        content,
        message_id=reply_message,
        text=reply_text,
        language=reply_language,
        reply_model=reply_model,
        shown=reply_shown,
    )
    competencies = combine(
        content,
        questionnaire=questionnaire,
        sjt=sjt,
        reply_scores=reply_competency_scores(reply),
        sems=sems,
    )
    flags = []
    answered_keys = {k for k, v in values.items() if v is not None}
    if questionnaire_items is not None:
        expected = list(questionnaire_items)
    else:
        expected = [i.id for i in content.questionnaire.items] if content.questionnaire else []
    expected += [
        sjt_key(s.id, o.id)
        for s in (content.sjt.scenarios if content.sjt else [])
        for o in s.options
    ]
    if any(key not in answered_keys for key in expected) or (
        content.written_reply is not None and not reply_text.strip()
    ):
        flags.append("incomplete")
    if reply.get("status") == "empty":
        flags.append("reply_empty")
    elif reply.get("status") == "not_reached":
        flags.append("reply_not_reached")
    if sjt["not_counted"]:
        flags.append("sjt_partial")
    analysis = reply.get("analysis") or {}
    if analysis and (
        analysis.get("language", {}).get("matches_expected") is False
        or reply["language"] != reply["shown_language"]
    ):
        flags.append("wrong_language")
    return ResultRecord.model_validate(
        {
            "content_version": content.version,
            "scoring_version": SCORING_VERSION,
            "questionnaire": questionnaire,
            "sjt": sjt,
            "reply": {k: v for k, v in reply.items() if v is not None or k == "analysis"},
            "competencies": competencies,
            "flags": tuple(flags),
        }
    )
