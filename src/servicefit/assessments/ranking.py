"""The ranked, explained shortlist of a job.

Competency scores (1–5, the mean of questionnaire, judgement scenarios, written reply and — once
scorecards are in — interview ratings) are standardized against the norm sample: every scored
assessment on this instance with the same content version. The composite is the job profile's
weighted mean of those z scores (:func:`servicefit.psychometrics.composite_scores`), with a band
from the questionnaire scales' reliabilities. Below-minimum levels are flagged, never rejected.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from servicefit.candidates.models import Candidate
from servicefit.content import Content, default_content
from servicefit.jobs.models import Job
from servicefit.psychometrics import JobProfile as Profile
from servicefit.psychometrics import (
    PsychometricsError,
    build_norm,
    composite_scores,
    cronbach_alpha,
)

from .models import Result

MIN_NORM_SAMPLE = 20
"""Below this many scored assessments, z scores use the sample at hand and bands are withheld."""


@dataclass(frozen=True)
class Contribution:
    competency: str
    score: float | None
    z: float | None
    weight: float
    contribution: float
    percentile: float | None
    minimum: float | None
    below_minimum: bool
    sources: dict[str, float]


@dataclass(frozen=True)
class RankedCandidate:
    candidate: Candidate
    result: Result | None
    composite: float | None
    lower: float | None
    upper: float | None
    rank: int | None
    contributions: tuple[Contribution, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def below_minimum(self) -> list[Contribution]:
        return [c for c in self.contributions if c.below_minimum]


@dataclass(frozen=True)
class Norms:
    n: int
    means: dict[str, float]
    sds: dict[str, float]
    reliabilities: dict[str, float] | None
    norms: dict[str, Any] = field(default_factory=dict)

    def percentile(self, competency: str, score: float | None) -> float | None:
        norm = self.norms.get(competency)
        if norm is None or score is None:
            return None
        return float(norm.percentile_rank([score])[0])


def competency_scores(
    result: Result, interview: dict[str, float] | None = None
) -> dict[str, dict[str, Any]]:
    """The result's competency scores with interview ratings joined in as a further source."""
    out: dict[str, dict[str, Any]] = {}
    for competency, data in result.competencies.items():
        sources = dict(data.get("sources", {}))
        if interview and competency in interview:
            sources["interview"] = round(interview[competency], 4)
        score = round(float(np.mean(list(sources.values()))), 4) if sources else None
        out[competency] = {"score": score, "sources": sources}
    return out


def build_norms(content: Content) -> Norms:
    """Norm sample: all scored assessments with this content version (see module docstring)."""
    results = list(
        Result.objects.filter(content_version=content.version).only("competencies", "questionnaire")
    )
    ids = [c.id for c in content.competencies]
    columns = {c: np.array([_score(r.competencies, c) for r in results], dtype=float) for c in ids}
    means, sds, norms = {}, {}, {}
    for c, values in columns.items():
        valid = values[~np.isnan(values)]
        means[c] = float(valid.mean()) if valid.size else 3.0
        sd = float(valid.std(ddof=1)) if valid.size > 1 else 0.0
        sds[c] = sd if sd > 0 else 1.0
        with contextlib.suppress(PsychometricsError):
            norms[c] = build_norm(values, scale=c)
    reliabilities = (
        _questionnaire_reliabilities(content, results) if len(results) >= MIN_NORM_SAMPLE else None
    )
    return Norms(n=len(results), means=means, sds=sds, reliabilities=reliabilities, norms=norms)


def _score(competencies: dict[str, Any], competency: str) -> float:
    value = competencies.get(competency, {}).get("score")
    return math.nan if value is None else float(value)


def _questionnaire_reliabilities(content: Content, results: list[Result]) -> dict[str, float]:
    """Cronbach's alpha of each competency's questionnaire items on the norm sample."""
    reliabilities: dict[str, float] = {}
    for competency in content.competencies:
        rows = []
        for result in results:
            answers = result.questionnaire.get(competency.id, {}).get("answers", [])
            rows.append([math.nan if a["keyed"] is None else float(a["keyed"]) for a in answers])
        if not rows or len({len(r) for r in rows}) != 1 or len(rows[0]) < 2:
            continue
        try:
            alpha = cronbach_alpha(np.array(rows, dtype=float)).raw_alpha
        except PsychometricsError:
            continue
        if math.isfinite(alpha):
            reliabilities[competency.id] = min(1.0, max(0.0, alpha))
    return reliabilities


def rank_job(
    job: Job,
    *,
    interview_ratings: dict[int, dict[str, float]] | None = None,
    norms: Norms | None = None,
) -> list[RankedCandidate]:
    """Every candidate of ``job``: scored ones ranked by composite (ties share a rank), then the rest.

    Pass ``norms`` when the caller already built them (see :func:`build_norms`).
    """
    content = default_content()
    candidates = list(job.candidates.select_related("assessment__result").order_by("name"))
    scored = [c for c in candidates if _result(c) is not None]
    unscored = [
        RankedCandidate(
            candidate=c,
            result=None,
            composite=None,
            lower=None,
            upper=None,
            rank=None,
            flags=("incomplete",) if _session(c) is not None else (),
        )
        for c in candidates
        if _result(c) is None
    ]
    if not scored:
        return unscored
    norms = norms or build_norms(content)
    interview_ratings = interview_ratings or {}
    weights = {c: float(w) for c, w in job.weights.items() if float(w) > 0}
    profile = Profile(
        name=job.title,
        weights=weights,
        minimums={c: float(m) for c, m in job.minimums.items() if c in weights},
    )
    per_candidate = [competency_scores(_result(c), interview_ratings.get(c.pk)) for c in scored]  # type: ignore[arg-type]
    matrix = {c: np.array([_score(s, c) for s in per_candidate], dtype=float) for c in weights}
    reliabilities = None
    if norms.reliabilities is not None:
        reliabilities = {c: norms.reliabilities.get(c, 0.7) for c in weights}
    composite = composite_scores(
        matrix,
        profile,
        means={c: norms.means.get(c, 3.0) for c in weights},
        sds={c: norms.sds.get(c, 1.0) for c in weights},
        reliabilities=reliabilities,
    )
    ranked: list[RankedCandidate] = []
    for i, candidate in enumerate(scored):
        explanation = composite.explain(i)
        scores = per_candidate[i]
        contributions = tuple(
            Contribution(
                competency=part.competency,
                score=None if math.isnan(part.score) else part.score,
                z=None if math.isnan(part.z) else part.z,
                weight=part.weight,
                contribution=part.contribution,
                percentile=norms.percentile(
                    part.competency, None if math.isnan(part.score) else part.score
                ),
                minimum=part.minimum,
                below_minimum=part.below_minimum,
                sources=scores.get(part.competency, {}).get("sources", {}),
            )
            for part in explanation.contributions
        )
        flags = list(_result(candidate).flags)  # type: ignore[union-attr]
        if any(c.below_minimum for c in contributions):
            flags.append("below_minimum")
        ranked.append(
            RankedCandidate(
                candidate=candidate,
                result=_result(candidate),
                composite=_finite(explanation.composite),
                lower=_finite(explanation.lower),
                upper=_finite(explanation.upper),
                rank=explanation.rank or None,
                contributions=contributions,
                flags=tuple(flags),
            )
        )
    ranked.sort(key=lambda r: (r.rank is None, r.rank or 0, r.candidate.name))
    return ranked + unscored


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _session(candidate: Candidate) -> Any:
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(candidate, "assessment", None)


def _result(candidate: Candidate) -> Result | None:
    return getattr(_session(candidate), "result", None)
