"""Adverse-impact monitoring of one job: selection rates per group at each stage transition.

Groups come only from voluntary self-identification and are shown only as aggregates: a
group with fewer than ``min_cell`` people at a transition is suppressed (its numbers are
neither shown nor used in a comparison). The statistics are those of
:func:`servicefit.psychometrics.adverse_impact`: selection rate, impact ratio against the
group with the highest rate, the four-fifths flag, Fisher's exact test and the
two-proportion z-test.

"Scoring rate" follows NYC Local Law 144: the share of a group's scored candidates whose
composite is above the median composite of everyone scored in the job and period.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicefit.assessments.standings import ranked_standings
from servicefit.candidates.models import PIPELINE, Candidate, Stage
from servicefit.jobs.models import Job
from servicefit.psychometrics import GroupCounts, InsufficientDataError, adverse_impact

from .models import SelfIdentification
from .selfid import Category, categories

SMALL_GROUP = 30
"""Below this many people in a group, rates are unstable (a warning, not suppression)."""


def min_cell_size() -> int:
    """Groups smaller than this are suppressed (``SERVICEFIT_FAIRNESS_MIN_CELL``, default 5)."""
    return int(settings.FAIRNESS_MIN_CELL)


@dataclass(frozen=True)
class Transition:
    key: str
    label: Any
    from_stage: str | None
    to_stage: str | None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "invited_completed", gettext_lazy("Invited → completed"), Stage.INVITED, Stage.COMPLETED
    ),
    Transition(
        "completed_shortlisted",
        gettext_lazy("Completed → shortlisted"),
        Stage.COMPLETED,
        Stage.SHORTLISTED,
    ),
    Transition(
        "shortlisted_interviewed",
        gettext_lazy("Shortlisted → interviewed"),
        Stage.SHORTLISTED,
        Stage.INTERVIEW,
    ),
    Transition(
        "interviewed_offered", gettext_lazy("Interviewed → offered"), Stage.INTERVIEW, Stage.OFFER
    ),
    Transition("offered_hired", gettext_lazy("Offered → hired"), Stage.OFFER, Stage.HIRED),
    Transition("scoring", gettext_lazy("Scoring rate (above the median composite)"), None, None),
)


@dataclass(frozen=True)
class Dimension:
    """What people are grouped by: one category, or two crossed (intersectional)."""

    key: str
    label: str
    categories: tuple[Category, ...]

    def group_of(self, answers: dict[str, str]) -> str | None:
        parts = []
        for category in self.categories:
            value = answers.get(category.key)
            if value is None or value not in dict(category.options):
                return None  # not answered, "prefer not to say", or an option since removed
            parts.append(category.option_label(value))
        return " · ".join(parts)


@dataclass(frozen=True)
class GroupRow:
    """One group at one transition; numbers are ``None`` when the group is suppressed."""

    label: str
    suppressed: bool
    applicants: int | None = None
    selected: int | None = None
    rate: float | None = None
    impact_ratio: float | None = None
    four_fifths_flag: bool = False
    fisher_p: float | None = None
    z: float | None = None
    z_p: float | None = None
    reference: bool = False
    small: bool = False


@dataclass(frozen=True)
class Comparison:
    """All groups of one dimension at one transition."""

    transition: Transition
    dimension: Dimension
    groups: tuple[GroupRow, ...]
    not_said: int
    warnings: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return any(g.four_fifths_flag for g in self.groups)

    @property
    def compared(self) -> bool:
        return any(g.impact_ratio is not None for g in self.groups)


@dataclass(frozen=True)
class FairnessReport:
    job: Job
    start: date | None
    end: date | None
    min_cell: int
    candidates: int
    self_identified: int
    comparisons: tuple[Comparison, ...] = field(default=())

    @property
    def flags(self) -> list[tuple[Comparison, GroupRow]]:
        return [(c, g) for c in self.comparisons for g in c.groups if g.four_fifths_flag]

    def for_dimension(self, key: str) -> list[Comparison]:
        return [c for c in self.comparisons if c.dimension.key == key]


def dimensions(asked: Sequence[Category] | None = None) -> list[Dimension]:
    """Each category alone, then the first two crossed (e.g. sex/gender × age band)."""
    asked = list(asked if asked is not None else categories())
    dims = [Dimension(c.key, str(c.label), (c,)) for c in asked]
    if len(asked) >= 2:
        a, b = asked[0], asked[1]
        dims.append(Dimension(f"{a.key}__{b.key}", f"{a.label} × {b.label}", (a, b)))
    return dims


def _furthest_stage(candidate: Candidate, reached: dict[int, set[str]]) -> int:
    stages = reached.get(candidate.pk, set()) | {candidate.stage}
    return max((PIPELINE.index(s) for s in stages if s in PIPELINE), default=0)


def _composites(job: Job, ids: set[int]) -> dict[int, float]:
    """Composite of every scored candidate of ``job`` among ``ids``."""
    return {
        row.candidate.pk: row.composite
        for row in ranked_standings(job)
        if row.composite is not None and row.candidate.pk in ids
    }


def _outcomes(
    transition: Transition,
    people: Iterable[Candidate],
    furthest: dict[int, int],
    composites: dict[int, float],
) -> dict[int, bool]:
    """Who was at the start of ``transition`` (the keys) and who made it (True)."""
    if transition.from_stage is None:
        if not composites:
            return {}
        median = statistics.median(composites.values())
        return {pk: value > median for pk, value in composites.items()}
    start = PIPELINE.index(transition.from_stage)
    end = PIPELINE.index(transition.to_stage)
    return {c.pk: furthest[c.pk] >= end for c in people if furthest[c.pk] >= start}


def _compare(
    transition: Transition,
    dimension: Dimension,
    outcome: dict[int, bool],
    answers: dict[int, dict[str, str]],
    min_cell: int,
) -> Comparison:
    counts: dict[str, list[int]] = {}
    not_said = 0
    for pk, selected in outcome.items():
        group = dimension.group_of(answers.get(pk, {}))
        if group is None:
            not_said += 1
            continue
        tally = counts.setdefault(group, [0, 0])
        tally[0] += int(selected)
        tally[1] += 1
    shown = {g: GroupCounts(s, n) for g, (s, n) in counts.items() if n >= min_cell}
    suppressed = sorted(g for g, (_s, n) in counts.items() if n < min_cell)
    warnings: list[str] = []
    rows: list[GroupRow] = []
    stats: dict[str, Any] = {}
    reference = None
    if len(shown) >= 2:
        try:
            report = adverse_impact(shown)
        except InsufficientDataError:
            warnings.append(_("No group had anyone selected; impact ratios are not defined."))
        else:
            reference = report.reference_group
            stats = dict(report.comparisons)
    elif shown:
        warnings.append(_("Only one group is large enough to show; nothing to compare."))
    for group in sorted(shown):
        counts_ = shown[group]
        comp = stats.get(group)
        small = counts_.applicants < SMALL_GROUP
        rows.append(
            GroupRow(
                label=group,
                suppressed=False,
                applicants=counts_.applicants,
                selected=counts_.selected,
                rate=counts_.rate,
                impact_ratio=_finite(comp.impact_ratio) if comp else None,
                four_fifths_flag=bool(comp and comp.four_fifths_flag),
                fisher_p=_finite(comp.fisher_p) if comp and group != reference else None,
                z=_finite(comp.z_d) if comp and group != reference else None,
                z_p=_finite(comp.p_z_d) if comp and group != reference else None,
                reference=group == reference,
                small=small,
            )
        )
    rows.extend(GroupRow(label=g, suppressed=True) for g in suppressed)
    if any(r.small for r in rows if not r.suppressed) and stats:
        warnings.append(
            _(
                "Fewer than %(n)d people in a group: rates and tests are unstable; read the "
                "four-fifths flag with Fisher's exact p, not alone."
            )
            % {"n": SMALL_GROUP}
        )
    if transition.key == "invited_completed" and outcome:
        warnings.append(
            _(
                "Self-identification is offered after submitting, so people who did not "
                "complete cannot be counted here: this step cannot show adverse impact yet."
            )
        )
    if suppressed:
        warnings.append(
            _("Groups with fewer than %(n)d people are not shown, to protect privacy.")
            % {"n": min_cell}
        )
    return Comparison(
        transition=transition,
        dimension=dimension,
        groups=tuple(rows),
        not_said=not_said,
        warnings=tuple(warnings),
    )


def fairness_report(
    job: Job,
    *,
    start: date | None = None,
    end: date | None = None,
    min_cell: int | None = None,
) -> FairnessReport:
    """Selection and scoring rates by group for candidates added to ``job`` in the period."""
    min_cell = min_cell if min_cell is not None else min_cell_size()
    queryset = job.candidates.all()
    if start is not None:
        queryset = queryset.filter(created_at__date__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__date__lte=end)
    people = list(queryset.prefetch_related("stage_changes"))
    reached: dict[int, set[str]] = {
        c.pk: {s.to_stage for s in c.stage_changes.all()} for c in people
    }
    furthest = {c.pk: _furthest_stage(c, reached) for c in people}
    ids = {c.pk for c in people}
    answers = {
        s.candidate_id: s.answers for s in SelfIdentification.objects.filter(candidate_id__in=ids)
    }
    composites = _composites(job, ids) if ids else {}
    comparisons = []
    for transition in TRANSITIONS:
        outcome = _outcomes(transition, people, furthest, composites)
        for dimension in dimensions():
            comparisons.append(_compare(transition, dimension, outcome, answers, min_cell))
    return FairnessReport(
        job=job,
        start=start,
        end=end,
        min_cell=min_cell,
        candidates=len(people),
        self_identified=len(answers),
        comparisons=tuple(comparisons),
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
