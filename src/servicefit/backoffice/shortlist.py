"""The shortlist of a job as a database query: filtered, sorted and paginated in the database.

Rows come from the stored standings (:mod:`servicefit.assessments.standings`). A page costs the
same handful of queries whatever the size of the job, and — for the default ranking and the
name sort — the same time: the page's candidate ids are read first, in index order
(:func:`page_ids`: the ranked page walks ``standing_job_composite`` from the top and stops after
the page; names walk ``candidate_job_lower_name``), then only those rows are loaded with their
standing and the "has started" flag (:func:`load_rows`). The counts are index counts (the
"all" and "scored" filters reuse the job's totals), the ranks are counted over disjoint ranges
of the composite index (one query), and the competency bars are one query. Exports stream the
same ordering in chunks.
"""

from __future__ import annotations

import csv
import math
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicefit.assessments.models import AssessmentSession, CompetencyStanding, Standing
from servicefit.assessments.standings import is_recomputing, scored_count
from servicefit.candidates.models import Candidate, Stage
from servicefit.content import default_content
from servicefit.jobs.models import Job
from servicefit.security.text import printable

FLAG_LABELS = {
    "below_minimum": _("Below a minimum"),
    "minimum_not_measured": _("A minimum not measured"),
    "wrong_language": _("Reply in another language"),
    "incomplete": _("Incomplete"),
    "reply_empty": _("No written reply was submitted: rated lowest"),
    "reply_not_reached": _("Written reply never opened: not rated"),
    "sjt_partial": _("Situations rated in part: not counted"),
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


def _filtered(job: Job, chosen: str) -> QuerySet[Candidate]:
    """The job's candidates that the filter ``chosen`` keeps (no ordering, no annotations)."""
    qs = Candidate.objects.filter(job=job)
    if chosen == "scored":
        return qs.filter(standing__composite__isnull=False)
    if chosen == "flagged":
        return qs.filter(
            Q(standing__flagged=True)
            | Q(
                standing__isnull=True,
                pk__in=AssessmentSession.objects.values("candidate_id"),
            )
        )
    if chosen == "shortlisted":
        return qs.filter(stage__in=LATER_STAGES)
    if chosen == "not_started":
        return qs.filter(stage=Stage.INVITED)
    return qs


def _ordered(qs: QuerySet[Candidate], sort: str) -> QuerySet[Candidate]:
    """The shortlist's order: composite (highest first, unscored last), name, id; or by the
    lower-cased name; or by stage in pipeline order, then as ranked."""
    by_composite = F("standing__composite").desc(nulls_last=True)
    if sort == "name":
        return qs.order_by(Lower("name"), "pk")
    if sort == "stage":
        order = Case(
            *(When(stage=value, then=Value(i)) for i, value in enumerate(Stage.values)),
            output_field=IntegerField(),
        )
        return qs.order_by(order, by_composite, "name", "pk")
    return qs.order_by(by_composite, "name", "pk")


def _with_details(qs: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Candidates with their standing and whether they have started the assessment."""
    return qs.select_related("standing").annotate(
        has_session=Exists(AssessmentSession.objects.filter(candidate=OuterRef("pk"))),
    )


def candidates_query(job: Job, query: ShortlistQuery) -> QuerySet[Candidate]:
    """The job's candidates with their standing, filtered and ordered in the database (the
    exports stream this; a page reads its ids first, see :func:`page_ids`)."""
    return _with_details(_ordered(_filtered(job, query.filter), query.sort))


def _scored_in_rank_order(job: Job, chosen: str) -> QuerySet[Standing]:
    """The filter's scored candidates as standings, highest composite first.

    Driven by the index ``standing_job_composite``: the database walks it from the top and
    sorts only the ties (by name and id) of the rows it reads, so the first page stops after
    about a page of index entries.
    """
    qs = Standing.objects.filter(job=job, composite__isnull=False)
    if chosen == "flagged":
        qs = qs.filter(flagged=True)
    elif chosen == "shortlisted":
        qs = qs.filter(candidate__stage__in=LATER_STAGES)
    elif chosen == "not_started":
        qs = qs.filter(candidate__stage=Stage.INVITED)
    return qs.order_by("-composite", "candidate__name", "candidate_id")


def _ranked_ids(job: Job, chosen: str, start: int, stop: int) -> list[int]:
    """Candidate ids at positions ``start:stop`` of the ranking under a filter.

    The ranking is the scored candidates by composite, then everyone else by name; the two
    parts are read separately so neither sorts the whole job: the scored part from the composite
    index, and the unscored part only on the pages that reach it.
    """
    ids = list(
        _scored_in_rank_order(job, chosen).values_list("candidate_id", flat=True)[start:stop]
    )
    if len(ids) == stop - start or chosen == "scored":
        return ids
    if ids:
        scored = start + len(ids)  # this page holds the last scored ones
    elif start == 0:
        scored = 0
    else:
        scored = _scored_in_rank_order(job, chosen).count()
    unscored = (
        _filtered(job, chosen)
        .filter(Q(standing__isnull=True) | Q(standing__composite__isnull=True))
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    first = max(0, start - scored)
    return ids + list(unscored[first : first + (stop - start - len(ids))])


def page_ids(job: Job, query: ShortlistQuery, start: int, stop: int) -> list[int]:
    """The ids of the candidates at positions ``start:stop`` of the filtered, sorted shortlist
    (only ids: the page's rows are loaded afterwards, see :func:`load_rows`)."""
    if query.sort == "rank":
        return _ranked_ids(job, query.filter, start, stop)
    ordered = _ordered(_filtered(job, query.filter), query.sort)
    return list(ordered.values_list("pk", flat=True)[start:stop])


def load_rows(ids: list[int]) -> list[Candidate]:
    """These candidates, in this order, with their standing and the "has started" flag."""
    found = {c.pk: c for c in _with_details(Candidate.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


class _Pages:
    """What the paginator pages through: the filter's count and its slices, each slice read
    as ids first (:func:`page_ids`) and then as rows (:func:`load_rows`)."""

    def __init__(self, job: Job, query: ShortlistQuery, *, total: int, scored: int) -> None:
        self.job, self.query, self.total, self.scored = job, query, total, scored

    def count(self) -> int:
        if self.query.filter == "all":
            return self.total
        if self.query.filter == "scored":
            return self.scored
        return _filtered(self.job, self.query.filter).count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self[0 : len(self)])

    @overload
    def __getitem__(self, key: int) -> Candidate: ...

    @overload
    def __getitem__(self, key: slice) -> list[Candidate]: ...

    def __getitem__(self, key: int | slice) -> Candidate | list[Candidate]:
        if isinstance(key, int):
            if key < 0:
                raise IndexError("the shortlist has no negative positions")
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        if key.step is not None:
            raise ValueError("the shortlist is read a page (a slice without a step) at a time")
        start, stop = key.start or 0, key.stop
        if stop is None or start < 0 or stop < start:
            raise ValueError("a page needs a start and a stop, start <= stop")
        return load_rows(page_ids(self.job, self.query, start, stop))


def _ranks(job: Job, composites: list[float]) -> dict[float, int]:
    """Rank of each of these composites in the job: 1 + how many of its composites are higher.

    One query of disjoint range counts over ``standing_job_composite`` — above the page's
    highest composite, then between each composite and the next higher one — summed here: the
    index entries above the lowest composite are stepped over once, not once per row. Written
    as SQL over a ``VALUES`` list of ranges: the same counting subquery, planned once and run
    per range (fifty ORM subqueries took longer to build than to run, and PostgreSQL took
    longer to plan fifty scalar subqueries than to run them).
    """
    values = sorted(set(composites), reverse=True)
    if not values:
        return {}
    quote = connection.ops.quote_name
    table, job_id, composite = (quote(n) for n in (Standing._meta.db_table, "job_id", "composite"))
    params: list[Any] = [job.pk]
    for i, (value, higher) in enumerate(zip(values, [math.inf, *values[:-1]], strict=True)):
        params += [i, value, higher]
    # Quoted identifiers only; every value is a parameter. VALUES columns are named column1,
    # column2, … on SQLite and PostgreSQL alike.
    sql = (
        f"SELECT v.column1, (SELECT COUNT(*) FROM {table} WHERE {job_id} = %s"  # noqa: S608
        f" AND {composite} > v.column2 AND {composite} <= v.column3)"
        f" FROM (VALUES {', '.join(['(%s, %s, %s)'] * len(values))}) AS v"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = dict(cursor.fetchall())
    ranks, above = {}, 0
    for i, value in enumerate(values):
        above += counted[i]
        ranks[value] = above + 1
    return ranks


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
    ranks: dict[float, int],
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
                rank=None if standing.composite is None else ranks.get(standing.composite),
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
    total = job.candidates.count()
    scored = scored_count(job)
    paginator: Paginator[Candidate] = Paginator(
        _Pages(job, query, total=total, scored=scored), PAGE_SIZE
    )
    page = paginator.get_page(query.page)
    candidates = list(page.object_list)
    standings = [s for c in candidates if (s := _standing(c)) is not None]
    rows = _rows(
        job,
        candidates,
        _ranks(job, [s.composite for s in standings if s.composite is not None]),
        _bars(job, [s.pk for s in standings], [c for c, _w in weighted[:BARS]]),
    )
    return Shortlist(
        job=job,
        rows=rows,
        competencies=competencies,
        total=total,
        scored=scored,
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


#: The export's first columns, in the reader's language like the page they come from.
EXPORT_COLUMNS = (
    _("Rank"),
    _("Name"),
    _("E-mail"),
    _("Stage"),
    _("Composite"),
    _("Composite: lower bound"),
    _("Composite: upper bound"),
    _("Flags"),
)


def export_header(job: Job) -> list[str]:
    """Column names in the active language: the fixed columns, then each weighted competency's
    name (the scores' scale is 1–5 like the composite's)."""
    language = (get_language() or "en").split("-")[0]
    content = default_content()
    names = [content.competency(c).name.get(language) for c, _w in _weighted(job)]
    return [str(label) for label in EXPORT_COLUMNS] + names


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
            s.composite: int(composites.size - np.searchsorted(composites, s.composite, "right"))
            + 1
            for c in chunk
            if (s := _standing(c)) is not None and s.composite is not None
        }
        for row in _rows(job, chunk, ranks, _bars(job, standing_ids, names)):
            scores = {b.competency: b.score for b in row.contributions}
            yield [
                row.rank or "",
                _safe(row.candidate.name),
                _safe(row.candidate.email),
                str(Stage(row.candidate.stage).label),
                "" if row.composite is None else round(row.composite, 3),
                "" if row.lower is None else round(row.lower, 3),
                "" if row.upper is None else round(row.upper, 3),
                "; ".join(str(FLAG_LABELS.get(f, f)) for f in row.flags),
                *("" if scores.get(n) is None else round(scores[n], 2) for n in names),  # type: ignore[arg-type]
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(job: Job, query: ShortlistQuery) -> Iterator[str]:
    """The CSV export, line by line (UTF-8 with BOM so spreadsheets pick the encoding), in the
    language active now: the rows are written while the response streams, after the view (and
    the request's language) may be gone."""
    language = get_language()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        with translation.override(language):
            yield "\ufeff" + writer.writerow(export_header(job))
            for row in export_rows(job, query):
                yield writer.writerow(row)

    return lines()


def write_xlsx(job: Job, query: ShortlistQuery) -> Any:
    """The XLSX export in openpyxl's write-only mode, into a temporary file (rewound)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Candidates"))[:31])  # Excel allows 31 characters
    sheet.append(export_header(job))
    for row in export_rows(job, query):
        sheet.append(row)
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to FileResponse, which closes it)
    workbook.save(out)
    out.seek(0)
    return out
