"""The shortlist of a job as a database query: filtered, sorted and paginated in the database.

Rows come from the stored standings (:mod:`servicefit.assessments.standings`); a page costs
the same handful of queries whatever the size of the job: the page itself, its count, the
ranks of its rows (one indexed count each, in one query), and their competency bars. Exports
stream the same query in chunks.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicefit.assessments.models import AssessmentSession, CompetencyStanding, Standing
from servicefit.assessments.standings import counts, is_recomputing
from servicefit.candidates.models import Candidate, Stage
from servicefit.content import default_content
from servicefit.jobs.models import Job
from servicefit.security.text import printable

FLAG_LABELS = {
    "below_minimum": _("Below a minimum"),
    "wrong_language": _("Reply in another language"),
    "incomplete": _("Incomplete"),
}
FILTERS = {
    "all": _("All candidates"),
    "scored": _("Scored"),
    "flagged": _("Flagged"),
    "shortlisted": _("Shortlisted and later"),
    "not_started": _("Not started"),
}
SORTS = {"rank": _("Rank"), "name": _("Name"), "stage": _("Stage")}
LATER_STAGES = {Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED}
PAGE_SIZE = 50
BARS = 4
EXPORT_CHUNK = 1000


@dataclass(frozen=True)
class ShortlistQuery:
    filter: str = "all"
    sort: str = "rank"
    page: int = 1

    @classmethod
    def from_params(cls, params: QueryDict) -> ShortlistQuery:
        chosen = params.get("filter", "all")
        sort = params.get("sort", "rank")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            filter=chosen if chosen in FILTERS else "all",
            sort=sort if sort in SORTS else "rank",
            page=page,
        )


@dataclass(frozen=True)
class Bar:
    """One competency of a row, as the shortlist's bars show it."""

    competency: str
    score: float | None
    weight: float
    below_minimum: bool


@dataclass(frozen=True)
class ShortlistRow:
    candidate: Candidate
    rank: int | None
    composite: float | None
    lower: float | None
    upper: float | None
    flags: tuple[str, ...]
    contributions: tuple[Bar, ...] = ()


@dataclass(frozen=True)
class Shortlist:
    job: Job
    rows: list[ShortlistRow]
    competencies: list[dict[str, Any]]
    total: int
    scored: int
    matching: int
    page: Page[Candidate] | None
    recomputing: bool


def _weighted(job: Job) -> list[tuple[str, float]]:
    return sorted(
        ((c, float(w)) for c, w in (job.weights or {}).items() if float(w) > 0),
        key=lambda kv: -kv[1],
    )


def candidates_query(job: Job, query: ShortlistQuery) -> QuerySet[Candidate]:
    """The job's candidates with their standing, filtered and ordered in the database."""
    qs = (
        Candidate.objects.filter(job=job)
        .select_related("standing")
        .annotate(
            has_session=Exists(AssessmentSession.objects.filter(candidate=OuterRef("pk"))),
        )
    )
    if query.filter == "scored":
        qs = qs.filter(standing__composite__isnull=False)
    elif query.filter == "flagged":
        qs = qs.filter(
            Q(standing__flagged=True)
            | Q(
                standing__isnull=True,
                pk__in=AssessmentSession.objects.values("candidate_id"),
            )
        )
    elif query.filter == "shortlisted":
        qs = qs.filter(stage__in=LATER_STAGES)
    elif query.filter == "not_started":
        qs = qs.filter(stage=Stage.INVITED)
    by_composite = F("standing__composite").desc(nulls_last=True)
    if query.sort == "name":
        return qs.order_by(Lower("name"), "pk")
    if query.sort == "stage":
        order = Case(
            *(When(stage=value, then=Value(i)) for i, value in enumerate(Stage.values)),
            output_field=IntegerField(),
        )
        return qs.order_by(order, by_composite, "name", "pk")
    return qs.order_by(by_composite, "name", "pk")


def _ranks(job: Job, standing_ids: list[int]) -> dict[int, int]:
    """Rank of each standing: 1 + how many of the job's composites are higher (one query)."""
    if not standing_ids:
        return {}
    higher = (
        Standing.objects.filter(job=job, composite__gt=OuterRef("composite"))
        .values("job")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Standing.objects.filter(pk__in=standing_ids, composite__isnull=False)
        .annotate(higher=Coalesce(Subquery(higher, output_field=IntegerField()), 0))
        .values_list("pk", "higher")
    )
    return {pk: higher + 1 for pk, higher in rows}


def _bars(job: Job, standing_ids: list[int], competencies: list[str]) -> dict[int, list[Bar]]:
    """The given competencies' scores for these standings (one query)."""
    weights = dict(_weighted(job))
    minimums = {c: float(m) for c, m in (job.minimums or {}).items() if m is not None}
    found: dict[int, dict[str, float | None]] = defaultdict(dict)
    if standing_ids and competencies:
        for standing_id, competency, score in CompetencyStanding.objects.filter(
            standing_id__in=standing_ids, competency__in=competencies
        ).values_list("standing_id", "competency", "score"):
            found[standing_id][competency] = score
    bars: dict[int, list[Bar]] = {}
    for standing_id in standing_ids:
        scores = found.get(standing_id, {})
        bars[standing_id] = [
            Bar(
                competency=c,
                score=scores.get(c),
                weight=weights.get(c, 0.0),
                below_minimum=c in minimums
                and scores.get(c) is not None
                and float(scores[c]) < minimums[c],  # type: ignore[arg-type]
            )
            for c in competencies
        ]
    return bars


def _standing(candidate: Candidate) -> Standing | None:
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(candidate, "standing", None)


def _rows(
    job: Job,
    candidates: list[Candidate],
    ranks: dict[int, int],
    bars: dict[int, list[Bar]],
) -> list[ShortlistRow]:
    rows = []
    for candidate in candidates:
        standing = _standing(candidate)
        if standing is None:
            rows.append(
                ShortlistRow(
                    candidate=candidate,
                    rank=None,
                    composite=None,
                    lower=None,
                    upper=None,
                    flags=("incomplete",) if getattr(candidate, "has_session", False) else (),
                )
            )
            continue
        rows.append(
            ShortlistRow(
                candidate=candidate,
                rank=ranks.get(standing.pk),
                composite=standing.composite,
                lower=standing.lower,
                upper=standing.upper,
                flags=tuple(standing.flags or ()),
                contributions=tuple(bars.get(standing.pk, ())),
            )
        )
    return rows


def build_shortlist(job: Job, query: ShortlistQuery) -> Shortlist:
    """One page of the shortlist, with the job's totals (a constant number of queries)."""
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    weighted = _weighted(job)
    competencies = [
        {"id": cid, "name": content.competency(cid).name.get(language), "weight": w}
        for cid, w in weighted
    ]
    paginator = Paginator(candidates_query(job, query), PAGE_SIZE)
    page = paginator.get_page(query.page)
    candidates = list(page.object_list)
    standing_ids = [s.pk for c in candidates if (s := _standing(c)) is not None]
    rows = _rows(
        job,
        candidates,
        _ranks(job, standing_ids),
        _bars(job, standing_ids, [c for c, _w in weighted[:BARS]]),
    )
    totals = counts(job)
    return Shortlist(
        job=job,
        rows=rows,
        competencies=competencies,
        total=job.candidates.count(),
        scored=totals["scored"],
        matching=paginator.count,
        page=page,
        recomputing=is_recomputing(job),
    )


def _safe(value: Any) -> Any:
    """Exported text: no control characters (Excel refuses them, even ones stored long ago),
    and spreadsheet formulas neutralised (CSV/formula injection)."""
    if isinstance(value, str):
        value = printable(value)
        if value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
            return "'" + value
    return value


def export_header(job: Job) -> list[str]:
    names = [c for c, _w in _weighted(job)]
    return ["rank", "name", "email", "stage", "composite", "band_low", "band_high", "flags", *names]


def export_rows(job: Job, query: ShortlistQuery) -> Iterator[list[Any]]:
    """Every row of the filtered, sorted shortlist, read from the database in chunks.

    Ranks come from the job's sorted composites (one column of floats), so no row of another
    candidate is held in memory.
    """
    names = [c for c, _w in _weighted(job)]
    composites = np.sort(
        np.fromiter(
            Standing.objects.filter(job=job, composite__isnull=False).values_list(
                "composite", flat=True
            ),
            dtype=float,
        )
    )
    qs = candidates_query(job, query).iterator(chunk_size=EXPORT_CHUNK)
    while True:
        chunk = [c for _i, c in zip(range(EXPORT_CHUNK), qs, strict=False)]
        if not chunk:
            return
        standing_ids = [s.pk for c in chunk if (s := _standing(c)) is not None]
        ranks = {
            s.pk: int(composites.size - np.searchsorted(composites, s.composite, side="right")) + 1
            for c in chunk
            if (s := _standing(c)) is not None and s.composite is not None
        }
        for row in _rows(job, chunk, ranks, _bars(job, standing_ids, names)):
            scores = {b.competency: b.score for b in row.contributions}
            yield [
                row.rank or "",
                _safe(row.candidate.name),
                _safe(row.candidate.email),
                row.candidate.stage,
                "" if row.composite is None else round(row.composite, 3),
                "" if row.lower is None else round(row.lower, 3),
                "" if row.upper is None else round(row.upper, 3),
                " ".join(row.flags),
                *("" if scores.get(n) is None else round(scores[n], 2) for n in names),  # type: ignore[arg-type]
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(job: Job, query: ShortlistQuery) -> Iterator[str]:
    """The CSV export, line by line (UTF-8 with BOM so spreadsheets pick the encoding)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export_header(job))
    for row in export_rows(job, query):
        yield writer.writerow(row)


def write_xlsx(job: Job, query: ShortlistQuery) -> Any:
    """The XLSX export in openpyxl's write-only mode, into a temporary file (rewound)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Shortlist")
    sheet.append(export_header(job))
    for row in export_rows(job, query):
        sheet.append(row)
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to FileResponse, which closes it)
    workbook.save(out)
    out.seek(0)
    return out
