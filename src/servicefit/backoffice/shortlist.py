"""Shortlist rows for a job: ranking from the scoring engine, filters, sorting and exports."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from servicefit.assessments.ranking import RankedCandidate, rank_job
from servicefit.candidates.models import Stage
from servicefit.content import default_content
from servicefit.interviews.services import competency_ratings_for_job
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


@dataclass(frozen=True)
class ShortlistQuery:
    filter: str = "all"
    sort: str = "rank"

    @classmethod
    def from_params(cls, params: QueryDict) -> ShortlistQuery:
        chosen = params.get("filter", "all")
        sort = params.get("sort", "rank")
        return cls(
            filter=chosen if chosen in FILTERS else "all", sort=sort if sort in SORTS else "rank"
        )


@dataclass(frozen=True)
class Shortlist:
    job: Job
    rows: list[RankedCandidate]
    competencies: list[dict[str, Any]]
    total: int
    scored: int


def _keep(row: RankedCandidate, chosen: str) -> bool:
    if chosen == "scored":
        return row.composite is not None
    if chosen == "flagged":
        return bool(row.flags)
    if chosen == "shortlisted":
        return row.candidate.stage in LATER_STAGES
    if chosen == "not_started":
        return row.candidate.stage == Stage.INVITED
    return True


def build_shortlist(job: Job, query: ShortlistQuery) -> Shortlist:
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    ranked = rank_job(job, interview_ratings=competency_ratings_for_job(job))
    rows = [row for row in ranked if _keep(row, query.filter)]
    if query.sort == "name":
        rows.sort(key=lambda r: r.candidate.name.lower())
    elif query.sort == "stage":
        order = {value: i for i, value in enumerate(Stage.values)}
        rows.sort(key=lambda r: (order[r.candidate.stage], r.rank or 10**9))
    weighted = sorted(job.weights.items(), key=lambda kv: -float(kv[1]))
    competencies = [
        {"id": cid, "name": content.competency(cid).name.get(language), "weight": float(w)}
        for cid, w in weighted
        if float(w) > 0
    ]
    return Shortlist(
        job=job,
        rows=rows,
        competencies=competencies,
        total=len(ranked),
        scored=sum(1 for r in ranked if r.composite is not None),
    )


def _safe(value: Any) -> Any:
    """Exported text: no control characters (Excel refuses them, even ones stored long ago),
    and spreadsheet formulas neutralised (CSV/formula injection)."""
    if isinstance(value, str):
        value = printable(value)
        if value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
            return "'" + value
    return value


def _table(shortlist: Shortlist) -> list[list[Any]]:
    names = [c["id"] for c in shortlist.competencies]
    header = [
        "rank",
        "name",
        "email",
        "stage",
        "composite",
        "band_low",
        "band_high",
        "flags",
        *names,
    ]
    table: list[list[Any]] = [header]
    for row in shortlist.rows:
        scores = {c.competency: c.score for c in row.contributions}
        table.append(
            [
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
        )
    return table


def export_csv(shortlist: Shortlist) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_table(shortlist))
    return "\ufeff" + out.getvalue()


def export_xlsx(shortlist: Shortlist) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Shortlist"
    for row in _table(shortlist):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
