"""Adverse-impact monitoring of one job: selection rates per group at each stage transition.

Groups come only from voluntary self-identification and are shown only as aggregates: a
group with fewer than ``min_cell`` people at a transition, or with 1 to ``min_cell - 1`` of
them selected (who are the group's people at the next step), is suppressed (its numbers are
neither shown nor used in a comparison), and so are the further numbers (the "did not say"
count, the next smallest group) without which a suppressed one could be worked out from the
stage totals, the other steps or the crossed groups (:mod:`.disclosure`). The statistics are those of
:func:`servicefit.psychometrics.adverse_impact`: selection rate, impact ratio against the
group with the highest rate, the four-fifths flag, Fisher's exact test and the
two-proportion z-test.

"Scoring rate" follows NYC Local Law 144: the share of a group's scored candidates whose
composite is above the median composite of everyone scored in the job and period.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
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

from .disclosure import Problem, suppress
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
    not_said: int | None
    """People at the start who did not say; ``None`` when hidden to protect a small group."""
    warnings: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return any(g.four_fifths_flag for g in self.groups)

    @property
    def anyone(self) -> bool:
        """Someone is at this step (or might be, in a suppressed group)."""
        return any(g.suppressed or g.applicants for g in self.groups)

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


NOT_SAID = None
"""The group key of people who did not say (in a :mod:`.disclosure` count key)."""

SCORED, ABOVE = "scored", "above_median"
"""The two columns of the scoring rate: people scored, and of them above the median."""


def _columns() -> list[str]:
    """The stage columns of the transitions, in pipeline order (invited, completed, …)."""
    stages: list[str] = []
    for transition in TRANSITIONS:
        for stage in (transition.from_stage, transition.to_stage):
            if stage is not None and stage not in stages:
                stages.append(stage)
    return sorted(stages, key=PIPELINE.index)


@dataclass
class _Counts:
    """Every count the report can show, the relations between them, and what to hide."""

    problem: Problem
    hidden: set[Any]
    primary: set[Any]
    min_cell: int = 0

    def value(self, key: Any) -> int:
        return int(self.problem.values.get(key, 0))


def _counts(
    dims: Sequence[Dimension],
    people: Sequence[Candidate],
    furthest: dict[int, int],
    composites: dict[int, float],
    answers: dict[int, dict[str, str]],
    min_cell: int,
) -> _Counts:
    """People per group (and who did not say) at each stage and for the scoring rate, and the
    cells to hide so that no group smaller than ``min_cell`` at a step, or among those who
    went on from it, can be worked out from what is shown (see :mod:`.disclosure`)."""
    columns = _columns()
    median = statistics.median(composites.values()) if composites else None
    reached: dict[str, set[int]] = {
        k: {c.pk for c in people if furthest[c.pk] >= PIPELINE.index(k)} for k in columns
    }
    reached[SCORED] = set(composites)
    reached[ABOVE] = {pk for pk, v in composites.items() if median is not None and v > median}
    problem = Problem(values={}, shown=set(), groups=set(), column={})
    every = [*columns, SCORED, ABOVE]
    group_of: dict[str, dict[int, str | None]] = {}
    for dim in dims:
        group_of[dim.key] = {c.pk: dim.group_of(answers.get(c.pk, {})) for c in people}
        labels = sorted({g for g in group_of[dim.key].values() if g is not None})
        for column in every:
            ids = reached[column]
            keys = []
            for label in [*labels, NOT_SAID]:
                key = (dim.key, label, column)
                problem.values[key] = sum(1 for pk in ids if group_of[dim.key][pk] == label)
                problem.column[key] = (dim.key, column)
                problem.rank[key] = every.index(column)
                keys.append(key)
                if label is not NOT_SAID:
                    problem.groups.add(key)
                    problem.shown.add(key)
                elif column not in {columns[-1], ABOVE}:
                    problem.shown.add(key)  # "N people at this step did not say"
            problem.equal(keys, len(ids))
        for label in [*labels, NOT_SAID]:
            for earlier, later in itertools.pairwise(columns):
                problem.not_more_than((dim.key, label, later), (dim.key, label, earlier))
            problem.not_more_than((dim.key, label, ABOVE), (dim.key, label, SCORED))
        # everyone in a group answered the form, so at most that many people at the start
        problem.at_most([(dim.key, g, columns[0]) for g in labels], len(answers))
    for dim in dims:
        if len(dim.categories) != 2:
            continue
        parts = [d for d in dims if len(d.categories) == 1 and d.categories[0] in dim.categories]
        if len(parts) != 2:
            continue
        crossed: dict[str, tuple[str, str]] = {}
        for pk, label in group_of[dim.key].items():
            if label is not None:
                crossed[label] = (
                    group_of[parts[0].key][pk] or "",
                    group_of[parts[1].key][pk] or "",
                )
        for column in every:
            for index, part in enumerate(parts):
                sums = []
                for single in sorted({pair[index] for pair in crossed.values()}):
                    members = [
                        (dim.key, label, column)
                        for label, pair in crossed.items()
                        if pair[index] == single
                    ]
                    # the crossed groups of e.g. "Woman" add up to at most the women (some
                    # did not give their age); their sum, never shown, links the two tables
                    total = ("sum", dim.key, part.key, single, column)
                    problem.values[total] = sum(problem.values[m] for m in members)
                    problem.total(total, members)
                    problem.not_more_than(total, (part.key, single, column))
                    sums.append(total)
                problem.equal([*sums, (dim.key, NOT_SAID, column)], len(reached[column]))
                problem.not_more_than((part.key, NOT_SAID, column), (dim.key, NOT_SAID, column))
    hidden, primary = suppress(problem, min_cell)
    return _Counts(problem=problem, hidden=hidden, primary=primary, min_cell=min_cell)


def _compare(transition: Transition, dimension: Dimension, counts: _Counts) -> Comparison:
    start = transition.from_stage or SCORED
    end = transition.to_stage or ABOVE
    problem = counts.problem
    # every group of the period is listed at every step, also with nobody in it, so that a
    # suppressed row does not say "at least one" and a missing row does not say "nobody"
    cells: list[tuple[str, Any, str]] = [k for k in problem.values if len(k) == 3]  # type: ignore[arg-type,misc]
    labels = sorted(
        str(key[1])
        for key in cells
        if key[0] == dimension.key and key[2] == start and key[1] is not NOT_SAID
    )
    shown: dict[str, GroupCounts] = {}
    empty: list[str] = []
    suppressed: list[str] = []
    for label in labels:
        at_start, at_end = (dimension.key, label, start), (dimension.key, label, end)
        if at_start in counts.hidden or at_end in counts.hidden:
            suppressed.append(label)
        elif counts.value(at_start) == 0:
            empty.append(label)
        else:
            shown[label] = GroupCounts(counts.value(at_end), counts.value(at_start))
    not_said_key = (dimension.key, NOT_SAID, start)
    not_said = None if not_said_key in counts.hidden else counts.value(not_said_key)
    complementary = any(
        key in counts.hidden and key not in counts.primary
        for label in labels
        for key in ((dimension.key, label, start), (dimension.key, label, end))
    )
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
    rows.extend(GroupRow(label=g, suppressed=False, applicants=0, selected=0) for g in empty)
    rows.extend(GroupRow(label=g, suppressed=True) for g in suppressed)
    if any(r.small for r in rows if not r.suppressed) and stats:
        warnings.append(
            _(
                "Fewer than %(n)d people in a group: rates and tests are unstable; read the "
                "four-fifths flag with Fisher's exact p, not alone."
            )
            % {"n": SMALL_GROUP}
        )
    if transition.key == "invited_completed" and (shown or suppressed):
        warnings.append(
            _(
                "Self-identification is offered after submitting, so people who did not "
                "complete cannot be counted here: this step cannot show adverse impact yet."
            )
        )
    if suppressed:
        warnings.append(
            _(
                "Groups with fewer than %(n)d people at this step or among those who went on "
                "are not shown, to protect privacy."
            )
            % {"n": counts.min_cell}
        )
    if complementary or (suppressed and not_said is None):
        warnings.append(
            _(
                "Some larger numbers are hidden too, so that a hidden group cannot be worked "
                "out from the totals."
            )
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
    dims = dimensions()
    counts = _counts(dims, people, furthest, composites, answers, min_cell)
    comparisons = [
        _compare(transition, dimension, counts) for transition in TRANSITIONS for dimension in dims
    ]
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
