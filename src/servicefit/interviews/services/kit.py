"""The interview kit: questions aimed at a candidate's weak spots, weighted by the job.

:func:`build_kit` is pure (content, scores and weights in, a frozen :class:`InterviewKit` out).
For every competency the job weighs it computes

    priority = weight × (5 − score)

so a low score on a competency the job cares about comes first; a competency without a score
(not measured, or not yet assessed) counts as ``UNKNOWN_SCORE`` — not knowing is a reason to
ask. The top ``areas`` competencies are the areas to probe; each brings all its behavioural
and situational questions with their behaviourally anchored 1–5 scales and its observable
behaviours. The strengths are the highest measured scores. The general strengths-and-weaknesses
questions are asked in every interview.

While a job's scoring is suspended (``suspended=True``) the scores are not used at all: the
areas are the competencies the job weighs most, in the job's fixed order (weight, then id),
the same for every candidate of the job; a focus fixed earlier keeps its areas (the scorecards
rate their questions) but in that order, and there are no strengths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from servicefit.content import Content, default_content

if TYPE_CHECKING:
    from servicefit.candidates.models import Candidate

SCALE_MAX = 5.0
UNKNOWN_SCORE = 2.5
"""Score assumed for an unmeasured competency: just below the midpoint, so it gets probed."""
DEFAULT_AREAS = 3
DEFAULT_STRENGTHS = 3


@dataclass(frozen=True)
class Anchor:
    level: int
    text: str


@dataclass(frozen=True)
class KitQuestion:
    id: str
    competency: str
    """Competency id, or the question set id for the general strengths-and-weaknesses questions."""
    kind: str
    """``behavioural``, ``situational`` or ``general``."""
    text: str
    anchors: tuple[Anchor, ...]
    guidance: str = ""


@dataclass(frozen=True)
class ProbeArea:
    competency: str
    name: str
    definition: str
    score: float | None
    weight: float
    priority: float
    questions: tuple[KitQuestion, ...]
    positive_indicators: tuple[str, ...]
    negative_indicators: tuple[str, ...]

    @property
    def is_measured(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class Strength:
    competency: str
    name: str
    score: float
    weight: float


@dataclass(frozen=True)
class ObservationItem:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class InterviewKit:
    language: str
    content_version: str
    strengths: tuple[Strength, ...]
    areas: tuple[ProbeArea, ...]
    observations: tuple[ObservationItem, ...]
    general_title: str
    general: tuple[KitQuestion, ...]
    scoring_suspended: bool = False
    """The job's scoring is suspended: no scores, strengths or score-based order in this kit."""

    @property
    def focus(self) -> list[str]:
        """The probed competency ids, in priority order (stored on a scheduled interview)."""
        return [area.competency for area in self.areas]

    @property
    def questions(self) -> tuple[KitQuestion, ...]:
        """Every question the scorecard rates: the probe areas' first, then the general ones."""
        return tuple(q for area in self.areas for q in area.questions) + self.general

    def question(self, question_id: str) -> KitQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def _anchors(anchors: Mapping[int, Any], language: str) -> tuple[Anchor, ...]:
    return tuple(Anchor(level, anchors[level].get(language)) for level in sorted(anchors))


def priorities(
    scores: Mapping[str, float | None], weights: Mapping[str, float]
) -> dict[str, float]:
    """``weight × (5 − score)`` per weighted competency (unknown score → ``UNKNOWN_SCORE``)."""
    out: dict[str, float] = {}
    for competency, weight in weights.items():
        if weight <= 0:
            continue
        score = scores.get(competency)
        level = UNKNOWN_SCORE if score is None else float(score)
        out[competency] = float(weight) * (SCALE_MAX - level)
    return out


def build_kit(
    content: Content,
    *,
    scores: Mapping[str, float | None],
    weights: Mapping[str, float],
    language: str,
    areas: int = DEFAULT_AREAS,
    strengths: int = DEFAULT_STRENGTHS,
    focus: Sequence[str] | None = None,
    suspended: bool = False,
) -> InterviewKit:
    """Build the kit; ``focus`` (competency ids) overrides the choice of areas to probe.

    ``suspended``: the job's scoring is suspended, so ``scores`` are ignored and the areas
    (chosen or given by ``focus``) follow the job's fixed order instead of a priority.
    """
    known = {c.id for c in content.competencies}
    weights = {c: w for c, w in weights.items() if c in known}
    if not weights:  # a job without weights: every competency counts the same
        weights = dict.fromkeys(known, 1.0 / max(len(known), 1))
    if suspended:
        scores = {}
    ranked = priorities(scores, weights)
    if focus is None:
        order = sorted(ranked, key=lambda c: (-ranked[c], -weights[c], c))
        chosen = order[:areas]
    else:
        chosen = [c for c in focus if c in known]
        if suspended:
            chosen.sort(key=lambda c: (-weights.get(c, 0.0), c))
    probe_areas = []
    for competency_id in chosen:
        competency = content.competency(competency_id)
        questions = tuple(
            KitQuestion(
                id=q.id,
                competency=competency.id,
                kind=q.kind,
                text=q.text.get(language),
                anchors=_anchors(q.anchors, language),
            )
            for q in sorted(competency.questions, key=lambda q: (q.kind != "behavioural", q.id))
        )
        score = scores.get(competency_id)
        probe_areas.append(
            ProbeArea(
                competency=competency.id,
                name=competency.name.get(language),
                definition=competency.definition.get(language),
                score=None if score is None else float(score),
                weight=float(weights.get(competency_id, 0.0)),
                priority=ranked.get(competency_id, 0.0),
                questions=questions,
                positive_indicators=tuple(competency.positive_indicators.get(language)),
                negative_indicators=tuple(competency.negative_indicators.get(language)),
            )
        )
    measured = [
        (c, float(s)) for c, s in scores.items() if s is not None and c in known and c not in chosen
    ]
    measured.sort(key=lambda cs: (-cs[1], -weights.get(cs[0], 0.0), cs[0]))
    top = tuple(
        Strength(c, content.competency(c).name.get(language), s, float(weights.get(c, 0.0)))
        for c, s in measured[:strengths]
    )
    observation_ids: list[str] = []
    for competency_id in chosen:
        for obs in content.competency(competency_id).observations:
            if obs not in observation_ids:
                observation_ids.append(obs)
    observations = tuple(
        ObservationItem(
            id=o.id, label=o.label.get(language), description=o.description.get(language)
        )
        for o in (content.observation(i) for i in observation_ids)
    )
    question_set = content.strengths_weaknesses
    general = tuple(
        KitQuestion(
            id=q.id,
            competency=question_set.id,
            kind="general",
            text=q.text.get(language),
            anchors=_anchors(q.anchors, language),
            guidance=q.guidance.get(language),
        )
        for q in question_set.questions
    )
    return InterviewKit(
        language=language,
        content_version=content.version,
        strengths=top,
        areas=tuple(probe_areas),
        observations=observations,
        general_title=question_set.name.get(language),
        general=general,
        scoring_suspended=suspended,
    )


def candidate_scores(candidate: Candidate) -> dict[str, float | None]:
    """The assessment's competency scores (1–5 or ``None``), or ``{}`` before a result exists."""
    from servicefit.assessments.models import Result

    result = Result.objects.filter(session__candidate=candidate).first()
    if result is None:
        return {}
    return result.record.scores()


def kit_for_candidate(
    candidate: Candidate, *, language: str, focus: Sequence[str] | None = None
) -> InterviewKit:
    """The kit for ``candidate`` from their result and their job's weights.

    While the job's scoring is suspended the result is not read: the kit is built as
    :func:`build_kit` describes for ``suspended``.
    """
    from servicefit.oversight.services import is_scoring_suspended

    suspended = is_scoring_suspended(candidate.job)
    return build_kit(
        default_content(),
        scores={} if suspended else candidate_scores(candidate),
        weights=candidate.job.weights or {},
        language=language,
        focus=focus,
        suspended=suspended,
    )
