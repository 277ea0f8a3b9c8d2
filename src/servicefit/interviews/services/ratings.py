"""Interview ratings: per-competency aggregates and agreement between interviewers.

Only submitted scorecards count. A scorecard's competency rating is the mean of its ratings on
that competency's questions; the interview rating of a competency is the mean over scorecards
(:func:`servicefit.psychometrics.aggregate_ratings`, which also gives the SD and the number of
interviewers).

Agreement uses the questions as targets and the interviewers as raters: the ICC (Shrout &
Fleiss ICC2, two-way random, absolute agreement, for one rater and for the mean of the ``k``
raters) on the questions every interviewer rated, and Krippendorff's alpha at the ordinal level,
which allows missing ratings. With three or more interviewers, a rater whose mean absolute
deviation from the others exceeds one scale point is flagged
(:func:`servicefit.psychometrics.rater_deviation`); with any number, a question on which the
interviewers' ratings are two or more points apart is flagged for a calibration talk.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.candidates.models import Candidate
from servicefit.content import default_content
from servicefit.jobs.models import Job
from servicefit.psychometrics import (
    IccForm,
    PsychometricsError,
    aggregate_ratings,
    intraclass_correlations,
    krippendorff_alpha,
    rater_deviation,
)

from ..models import Interview, Scorecard, ScorecardRating
from .kit import InterviewKit

DISAGREEMENT_POINTS = 2
RATER_DEVIATION_THRESHOLD = 1.0

ICC_READINGS = ((0.9, "excellent"), (0.75, "good"), (0.5, "moderate"), (0.0, "poor"))
"""Koo & Li (2016): below 0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, above 0.9 excellent."""


@dataclass(frozen=True)
class Reading:
    """What an agreement coefficient means, for the page: ``code`` for styling, ``label``."""

    code: str
    label: str

    @property
    def below_zero(self) -> bool:
        return self.code == "below_zero"


def icc_reading(value: float) -> Reading:
    """The ICC in words (Koo & Li 2016). Below 0 the interviewers agree less than chance
    would (the between-question variance is smaller than the disagreement): no agreement,
    never a small amount of it."""
    if not value >= 0:  # also NaN
        return Reading("below_zero", below_zero_text())
    code = next(code for bound, code in ICC_READINGS if value >= bound)
    labels = {
        "excellent": _("excellent agreement"),
        "good": _("good agreement"),
        "moderate": _("moderate agreement"),
        "poor": _("poor agreement"),
    }
    return Reading(code, labels[code])


def alpha_reading(value: float) -> Reading | None:
    """Krippendorff's alpha below 0 gets the same words as a negative ICC; else ``None``
    (the page states 0.67 as the common lowest acceptable value)."""
    return Reading("below_zero", below_zero_text()) if not value >= 0 else None


def below_zero_text() -> str:
    """The note beside a negative agreement coefficient (in the reader's language)."""
    return _("Below 0: the interviewers agree less than chance would; treat it as no agreement.")


def _scorecard_means(
    rows: Iterable[tuple[int, str, int]], competencies: set[str]
) -> dict[int, dict[str, float]]:
    """``(scorecard id, competency, rating)`` rows → per scorecard, the mean per competency."""
    values: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for scorecard_id, competency, rating in rows:
        if competency in competencies:
            values[scorecard_id][competency].append(rating)
    return {
        sc: {c: float(np.mean(v)) for c, v in by_comp.items()} for sc, by_comp in values.items()
    }


def _mean_over_scorecards(means: dict[int, dict[str, float]]) -> dict[str, float]:
    if not means:
        return {}
    competencies = sorted({c for m in means.values() for c in m})
    cube = np.array(
        [[[m.get(c, np.nan) for c in competencies] for m in means.values()]], dtype=float
    )
    aggregated = aggregate_ratings(cube)
    return {
        c: round(float(aggregated.mean[0, j]), 4)
        for j, c in enumerate(competencies)
        if aggregated.n_raters[0, j] > 0
    }


def _submitted_rows(**filters: object) -> list[tuple[int, str, int]]:
    rows = ScorecardRating.objects.filter(
        scorecard__submitted_at__isnull=False, rating__isnull=False, **filters
    ).values_list("scorecard_id", "competency", "rating")
    return [(sc, c, int(r)) for sc, c, r in rows if r is not None]


def competency_ratings(candidate: Candidate) -> dict[str, float]:
    """Mean interview rating (1–5) per competency over the candidate's submitted scorecards."""
    known = {c.id for c in default_content().competencies}
    rows = _submitted_rows(scorecard__interview__candidate=candidate)
    return _mean_over_scorecards(_scorecard_means(rows, known))


def competency_ratings_for_job(job: Job) -> dict[int, dict[str, float]]:
    """:func:`competency_ratings` for every interviewed candidate of ``job``, in one query."""
    known = {c.id for c in default_content().competencies}
    by_candidate: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    rows = ScorecardRating.objects.filter(
        scorecard__submitted_at__isnull=False,
        rating__isnull=False,
        scorecard__interview__candidate__job=job,
    ).values_list("scorecard__interview__candidate_id", "scorecard_id", "competency", "rating")
    for candidate_id, scorecard_id, competency, rating in rows:
        if rating is not None:
            by_candidate[candidate_id].append((scorecard_id, competency, int(rating)))
    return {
        cid: _mean_over_scorecards(_scorecard_means(r, known)) for cid, r in by_candidate.items()
    }


@dataclass(frozen=True)
class CompetencyAggregate:
    competency: str
    name: str
    mean: float | None
    sd: float | None
    n_raters: int


@dataclass(frozen=True)
class QuestionRow:
    question_id: str
    competency: str
    group: str
    """The competency's name, or the general questions' title."""
    text: str
    ratings: tuple[int | None, ...]
    """One per rater, in the order of :attr:`InterviewSummary.raters`."""
    mean: float | None
    spread: int | None
    disagreement: bool


@dataclass(frozen=True)
class RaterRow:
    interviewer: User
    scorecard: Scorecard
    mean_abs_deviation: float | None
    flagged: bool


@dataclass(frozen=True)
class Agreement:
    n_questions: int
    """Questions every interviewer rated (the ICC's targets)."""
    icc_single: IccForm | None
    icc_average: IccForm | None
    icc_problem: str
    alpha: float | None
    alpha_problem: str
    ratings_matrix: tuple[tuple[float, ...], ...]
    """Questions × raters (NaN = not rated): the numbers the statistics were computed on."""

    @property
    def icc_single_reading(self) -> Reading | None:
        return None if self.icc_single is None else icc_reading(self.icc_single.icc)

    @property
    def below_chance(self) -> bool:
        """ICC2 below 0: the interviewers agree less than chance would."""
        return self.icc_single is not None and _below_chance(self.icc_single)

    @property
    def icc_average_value(self) -> float | None:
        """ICC2k as it may be shown: ``None`` when ICC2 is below 0 but ICC2k's formula came
        out at 0 or above (a sign flip, see :func:`agreement_between`), else its value."""
        if self.icc_average is None:
            return None
        if self.below_chance and not self.icc_average.icc < 0:
            return None
        return float(self.icc_average.icc)

    @property
    def icc_average_lower_text(self) -> str:
        """ICC2k's lower bound as the page shows it: "−∞" when ICC2's lower bound lies past
        Spearman-Brown's pole, where the interval for the mean of the interviewers is
        unbounded below (:mod:`servicefit.psychometrics.icc`), else two decimals."""
        if self.icc_average is None:
            return ""
        lower = self.icc_average.lower
        return "−∞" if lower == -math.inf else str(floatformat(lower, 2))

    @property
    def icc_average_reading(self) -> Reading | None:
        if self.icc_average is None:
            return None
        if self.below_chance:
            return icc_reading(-1.0)
        return icc_reading(self.icc_average.icc)

    @property
    def alpha_reading(self) -> Reading | None:
        return None if self.alpha is None else alpha_reading(self.alpha)


@dataclass(frozen=True)
class InterviewSummary:
    raters: tuple[RaterRow, ...]
    competencies: tuple[CompetencyAggregate, ...]
    questions: tuple[QuestionRow, ...]
    agreement: Agreement | None
    """``None`` with fewer than two submitted scorecards."""
    deviation_checked: bool
    """Whether rater deviation was computed (it needs three or more interviewers)."""

    @property
    def flagged_questions(self) -> tuple[QuestionRow, ...]:
        return tuple(q for q in self.questions if q.disagreement)


def _plausible_icc(form: IccForm) -> bool:
    return bool(np.isfinite(form.icc)) and form.icc <= 1.0 + 1e-9


def _below_chance(single: IccForm) -> bool:
    """ICC2 below 0: the questions differ less than the interviewers disagree (MSB < MSE)."""
    return bool(np.isfinite(single.icc)) and single.icc < 0


def agreement_between(matrix: np.ndarray) -> Agreement:
    """ICC2/ICC2k on complete rows, ordinal alpha on all; a readable reason when undefined.

    ``matrix`` is questions × raters (NaN = not rated). An ICC outside its possible range
    (a near-zero denominator in degenerate data) is reported as undefined, not shown.

    Below 0 both forms share the numerator ``MSB − MSE``: when ICC2 is negative, ICC2k is
    no agreement too. Its formula can then come out positive, even above 1 (Spearman–Brown,
    ``k·r / (1 + (k − 1) r)``, flips sign once ``r < −1/(k − 1)``), so the page shows
    "below 0" for it, never that number (``icc_average_value``).
    """
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    icc_single = icc_average = None
    icc_problem = alpha_problem = ""
    alpha = None
    try:
        icc = intraclass_correlations(complete)
        icc_single, icc_average = icc.form("ICC2"), icc.form("ICC2k")
        if not _below_chance(icc_single) and not all(
            _plausible_icc(f) for f in (icc_single, icc_average)
        ):
            raise ZeroDivisionError("degenerate ICC denominator")
    except (PsychometricsError, ZeroDivisionError, FloatingPointError):
        icc_single = icc_average = None
        if complete.shape[0] < 2:
            icc_problem = _("fewer than two questions were rated by every interviewer.")
        else:
            icc_problem = _(
                "the ratings hardly vary (for example, all the same), so the ICC is undefined."
            )
    try:
        alpha = krippendorff_alpha(matrix.T, level="ordinal")
    except PsychometricsError:
        alpha_problem = _(
            "all ratings are the same, or no question was rated by two interviewers, "
            "so alpha is undefined."
        )
    return Agreement(
        n_questions=int(complete.shape[0]),
        icc_single=icc_single,
        icc_average=icc_average,
        icc_problem=icc_problem,
        alpha=alpha,
        alpha_problem=alpha_problem,
        ratings_matrix=tuple(tuple(float(v) for v in row) for row in matrix),
    )


def interview_summary(interview: Interview, kit: InterviewKit) -> InterviewSummary:
    """Aggregates, the per-question table and agreement over the submitted scorecards."""
    content = default_content()
    scorecards = list(interview.submitted_scorecards().order_by("submitted_at", "id"))
    ratings = {
        (r.scorecard_id, r.question_id): r.rating
        for r in ScorecardRating.objects.filter(scorecard__in=scorecards)
    }
    matrix = np.full((len(kit.questions), len(scorecards)), np.nan)
    for i, q in enumerate(kit.questions):
        for j, sc in enumerate(scorecards):
            value = ratings.get((sc.pk, q.id))
            if value is not None:
                matrix[i, j] = float(value)
    groups = {a.competency: a.name for a in kit.areas} | {
        q.competency: kit.general_title for q in kit.general
    }
    question_rows = []
    for i, q in enumerate(kit.questions):
        row = matrix[i]
        present = row[~np.isnan(row)]
        spread = int(present.max() - present.min()) if present.size else None
        question_rows.append(
            QuestionRow(
                question_id=q.id,
                competency=q.competency,
                group=groups.get(q.competency, q.competency),
                text=q.text,
                ratings=tuple(None if np.isnan(v) else int(v) for v in row),
                mean=float(present.mean()) if present.size else None,
                spread=spread,
                disagreement=present.size >= 2 and (spread or 0) >= DISAGREEMENT_POINTS,
            )
        )
    known = {c.id for c in content.competencies}
    question_competency = {q.id: q.competency for q in kit.questions}
    rows = [
        (sc_id, question_competency[qid], rating)
        for (sc_id, qid), rating in ratings.items()
        if rating is not None and qid in question_competency
    ]
    means = _scorecard_means(rows, known)
    order = [a.competency for a in kit.areas] + sorted({c for m in means.values() for c in m})
    order = list(dict.fromkeys(order))
    aggregates = []
    if scorecards:
        cube = np.array(
            [[[means.get(sc.pk, {}).get(c, np.nan) for c in order] for sc in scorecards]],
            dtype=float,
        )
        agg = aggregate_ratings(cube)
        for j, c in enumerate(order):
            n = int(agg.n_raters[0, j])
            aggregates.append(
                CompetencyAggregate(
                    competency=c,
                    name=content.competency(c).name.get(kit.language),
                    mean=float(agg.mean[0, j]) if n else None,
                    sd=float(agg.sd[0, j]) if n > 1 else None,
                    n_raters=n,
                )
            )
    mad: list[float | None] = [None] * len(scorecards)
    flagged = [False] * len(scorecards)
    deviation_checked = False
    if len(scorecards) >= 3:
        try:
            deviation = rater_deviation(matrix, threshold=RATER_DEVIATION_THRESHOLD)
        except PsychometricsError:
            pass
        else:
            deviation_checked = True
            mad = [None if np.isnan(v) else float(v) for v in deviation.mean_abs_deviation]
            flagged = [bool(f) for f in deviation.flagged]
    raters = tuple(
        RaterRow(sc.interviewer, sc, mad[j], flagged[j]) for j, sc in enumerate(scorecards)
    )
    return InterviewSummary(
        raters=raters,
        competencies=tuple(aggregates),
        questions=tuple(question_rows),
        agreement=agreement_between(matrix) if len(scorecards) >= 2 else None,
        deviation_checked=deviation_checked,
    )
