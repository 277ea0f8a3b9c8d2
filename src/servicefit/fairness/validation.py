"""Local validation: each competency's and the composite's correlation with job outcomes.

Predictors are the scores of the job's hired candidates (the weighted competencies and the
composite, as on the shortlist); criteria are the imported outcomes. Each cell is
:func:`servicefit.psychometrics.criterion_validity`: Pearson r with a Fisher-z interval,
corrected for range restriction (Thorndike case II) with the predictor's SD among everyone
scored for the job as the applicant SD. Hired people are few and pre-selected, so under
:data:`~servicefit.psychometrics.SMALL_SAMPLE` hires the page says the numbers are not yet
trustworthy. Suggested weights are only shown; a job's weights change only when a person
edits them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicefit.assessments.standings import ranked_standings
from servicefit.candidates.models import Stage
from servicefit.content import default_content
from servicefit.jobs.models import Job
from servicefit.psychometrics import (
    SMALL_SAMPLE,
    InsufficientDataError,
    PsychometricsError,
    ValidityResult,
    criterion_validity,
)

from .models import Outcome

COMPOSITE = "composite"


@dataclass(frozen=True)
class Cell:
    """One predictor against one outcome; ``problem`` says why there is no result."""

    result: ValidityResult | None
    n: int
    problem: str = ""


@dataclass(frozen=True)
class PredictorRow:
    key: str
    label: str
    weight: float | None
    applicant_sd: float | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ValidityTable:
    outcomes: tuple[str, ...]
    rows: tuple[PredictorRow, ...]
    hired: int
    hired_with_outcomes: int
    applicants: int
    suggested: dict[str, dict[str, int]]

    @property
    def small_sample(self) -> bool:
        return self.hired_with_outcomes < SMALL_SAMPLE


def _sd(values: list[float]) -> float | None:
    clean = np.array([v for v in values if v is not None], dtype=float)
    return float(np.std(clean, ddof=1)) if clean.size > 1 else None


def validity_table(job: Job, *, confidence: float = 0.95) -> ValidityTable:
    """Correlations of every predictor with every outcome of the job's hired people."""
    language = (get_language() or "en").split("-")[0]
    content = default_content()
    ranked = [r for r in ranked_standings(job) if r.composite is not None]
    weights = {c: float(w) for c, w in job.weights.items() if float(w) > 0}
    scores: dict[str, dict[int, float]] = {COMPOSITE: {}}
    for row in ranked:
        scores[COMPOSITE][row.candidate.pk] = row.composite  # type: ignore[assignment]
        for part in row.contributions:
            if part.score is not None:
                scores.setdefault(part.competency, {})[row.candidate.pk] = part.score
    hired_ids = [r.candidate.pk for r in ranked if r.candidate.stage == Stage.HIRED]
    outcome_values: dict[str, dict[int, float]] = {}
    for stored in Outcome.objects.filter(candidate__job=job, candidate__stage=Stage.HIRED):
        outcome_values.setdefault(stored.name, {})[stored.candidate_id] = stored.value
    outcomes = tuple(sorted(outcome_values))
    with_outcomes = {pk for values in outcome_values.values() for pk in values}
    predictors = [(COMPOSITE, None)] + [(c, w) for c, w in weights.items()]
    rows = []
    for key, weight in predictors:
        applicant_scores = scores.get(key, {})
        applicant_sd = _sd(list(applicant_scores.values()))
        label = _("Composite") if key == COMPOSITE else content.competency(key).name.get(language)
        cells = []
        for outcome in outcomes:
            x = [applicant_scores.get(pk, np.nan) for pk in hired_ids]
            y = [outcome_values[outcome].get(pk, np.nan) for pk in hired_ids]
            n = sum(1 for a, b in zip(x, y, strict=True) if not (np.isnan(a) or np.isnan(b)))
            problem = ""
            try:
                result = criterion_validity(x, y, applicant_sd=applicant_sd, confidence=confidence)
            except InsufficientDataError:
                result = None
                problem = _("too few") if n < 4 else _("no variation")
            except PsychometricsError:
                result, problem = None, _("not computable")
            cells.append(Cell(result=result, n=n, problem=problem))
        rows.append(
            PredictorRow(
                key=key, label=label, weight=weight, applicant_sd=applicant_sd, cells=tuple(cells)
            )
        )
    return ValidityTable(
        outcomes=outcomes,
        rows=tuple(rows),
        hired=len(hired_ids),
        hired_with_outcomes=len(with_outcomes & set(hired_ids)),
        applicants=len(ranked),
        suggested=_suggest_weights(rows, outcomes),
    )


def _suggest_weights(
    rows: list[PredictorRow], outcomes: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """Per outcome: weights (in % of the total) proportional to each competency's positive
    corrected r.

    Only a suggestion for a person to consider; it is never applied to the job.
    """
    suggested: dict[str, dict[str, int]] = {}
    for i, outcome in enumerate(outcomes):
        positive = {}
        for row in rows:
            result = row.cells[i].result
            if row.key == COMPOSITE or result is None:
                continue
            r = result.r_corrected if result.r_corrected is not None else result.r
            if r > 0:
                positive[row.key] = r
        if positive:
            scale = sum(positive.values())
            shares = {k: round(100 * v / scale) for k, v in positive.items()}
            suggested[outcome] = dict(sorted(shares.items(), key=lambda kv: -kv[1]))
    return suggested
