"""A scored candidate's standing in the job: the composite and competency scores, stored.

The composite is the job profile's weighted mean of the candidate's own 1–5 competency scores
(:func:`servicefit.psychometrics.profile_composite`) with a band from the competencies' SEMs,
so it does not move when others are scored. It is written when the result is stored (or when
interview ratings join), and rewritten by :func:`recompute_job` — a background task, after
commit — when the job's weights or minimums change. ``profile_key`` tells which weights and
minimums a standing was computed with; the shortlist says it is recomputing while any
standing of the job has an older key.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, F
from django.utils import timezone

from servicefit.psychometrics import JobProfile, ProfileComposite, profile_composite

from .models import CompetencyStanding, Result, Standing

if TYPE_CHECKING:
    from servicefit.candidates.models import Candidate
    from servicefit.jobs.models import Job

    from .record import ResultRecord

CHUNK = 1000


def profile_of(job: Job) -> JobProfile | None:
    """The job's weights (positive ones) and minimums, or ``None`` if nothing is weighted."""
    weights = {c: float(w) for c, w in (job.weights or {}).items() if float(w) > 0}
    if not weights:
        return None
    minimums = {
        c: float(m) for c, m in (job.minimums or {}).items() if c in weights and m is not None
    }
    return JobProfile(name=job.title or str(job.pk), weights=weights, minimums=minimums)


def profile_key(job: Job) -> str:
    """A fingerprint of the job's weights and minimums (what a standing depends on)."""
    data = json.dumps(
        {"w": job.weights or {}, "m": job.minimums or {}}, sort_keys=True, default=str
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class StandingValues:
    composite: ProfileComposite | None
    flags: tuple[str, ...]


def standing_values(
    *,
    scores: Mapping[str, float | None],
    sems: Mapping[str, float | None],
    result_flags: Iterable[str],
    profile: JobProfile | None,
) -> StandingValues:
    """Composite, band and flags of one candidate (pure: the same code at store and recompute).

    An incomplete assessment whose answers leave a competency with a job minimum unscored is
    flagged ``minimum_not_measured``: the composite, re-weighted over the scored competencies,
    would otherwise rank such a candidate as if every minimum had been met.
    """
    derived = {"below_minimum", "minimum_not_measured"}
    flags = [f for f in result_flags if f not in derived]
    if profile is None:
        return StandingValues(None, tuple(flags))
    composite = profile_composite(scores, profile, sems=sems)
    if composite.below_minimum:
        flags.append("below_minimum")
    if composite.unmeasured_minimum and "incomplete" in flags:
        flags.append("minimum_not_measured")
    return StandingValues(composite, tuple(flags))


def _apply(standing: Standing, values: StandingValues, key: str) -> None:
    c = values.composite
    standing.composite = None if c is None or c.composite is None else round(c.composite, 4)
    standing.lower = None if c is None or c.lower is None else round(c.lower, 4)
    standing.upper = None if c is None or c.upper is None else round(c.upper, 4)
    standing.flags = list(values.flags)
    standing.flagged = bool(values.flags)
    standing.profile_key = key
    standing.computed_at = timezone.now()


@transaction.atomic
def store_standing(
    *,
    result: Result,
    candidate: Candidate,
    interview: Mapping[str, float] | None = None,
) -> Standing:
    """Write ``candidate``'s standing from ``result`` (plus interview ratings, if any)."""
    from servicefit.interviews.services import competency_ratings

    job = candidate.job
    if interview is None:
        interview = competency_ratings(candidate)
    record: ResultRecord = result.record.with_interview(interview)
    values = standing_values(
        scores=record.scores(),
        sems={c: s.sem for c, s in record.competencies.items()},
        result_flags=record.flags,
        profile=profile_of(job),
    )
    standing = Standing.objects.filter(candidate=candidate).first() or Standing(
        candidate=candidate, job=job, result=result
    )
    standing.job, standing.result = job, result
    _apply(standing, values, profile_key(job))
    standing.save()
    CompetencyStanding.objects.filter(standing=standing).delete()
    CompetencyStanding.objects.bulk_create(
        CompetencyStanding(standing=standing, job=job, competency=c, score=s.score, sem=s.sem)
        for c, s in record.competencies.items()
    )
    return standing


def store_standings(*, entries: list[tuple[Candidate, Result, ResultRecord]]) -> list[Standing]:
    """Insert the standings of newly scored candidates in bulk (see :func:`store_standing`)."""
    standings: list[Standing] = []
    scores: list[CompetencyStanding] = []
    for candidate, result, record in entries:
        job = candidate.job
        values = standing_values(
            scores=record.scores(),
            sems={c: s.sem for c, s in record.competencies.items()},
            result_flags=record.flags,
            profile=profile_of(job),
        )
        standing = Standing(candidate=candidate, job=job, result=result)
        _apply(standing, values, profile_key(job))
        standings.append(standing)
    created = Standing.objects.bulk_create(standings)
    if created and created[0].pk is None:
        by_candidate = dict(
            Standing.objects.filter(candidate__in=[c for c, _r, _s in entries]).values_list(
                "candidate_id", "pk"
            )
        )
        for standing in created:
            standing.pk = by_candidate[standing.candidate_id]
    for standing, (candidate, _result, record) in zip(created, entries, strict=True):
        scores.extend(
            CompetencyStanding(
                standing=standing, job=candidate.job, competency=c, score=s.score, sem=s.sem
            )
            for c, s in record.competencies.items()
        )
    CompetencyStanding.objects.bulk_create(scores, batch_size=2000)
    return created


def restore_standing(*, candidate: Candidate) -> Standing | None:
    """Recompute one candidate's standing from the stored result (after interview ratings)."""
    result = Result.objects.filter(session__candidate=candidate).first()
    if result is None:
        return None
    return store_standing(result=result, candidate=candidate)


def recompute_job(*, job: Job) -> int:
    """Rewrite every standing of ``job`` computed with other weights or minimums.

    Reads the stored competency scores (not the results' JSON), in chunks; idempotent, so a
    second run — or one enqueued twice — changes nothing. Returns how many were rewritten.
    """
    key = profile_key(job)
    profile = profile_of(job)
    changed = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Standing.objects.select_for_update()
                .filter(job=job)
                .exclude(profile_key=key)
                .order_by("pk")
                .only("pk", "result_id")[:CHUNK]
            )
            if not chunk:
                return changed
            ids = [s.pk for s in chunk]
            scores: dict[int, dict[str, float | None]] = defaultdict(dict)
            sems: dict[int, dict[str, float | None]] = defaultdict(dict)
            for standing_id, competency, score, sem in CompetencyStanding.objects.filter(
                standing_id__in=ids
            ).values_list("standing_id", "competency", "score", "sem"):
                scores[standing_id][competency] = score
                sems[standing_id][competency] = sem
            flags = dict(
                Result.objects.filter(pk__in=[s.result_id for s in chunk]).values_list(
                    "pk", "flags"
                )
            )
            for standing in chunk:
                values = standing_values(
                    scores=scores[standing.pk],
                    sems=sems[standing.pk],
                    result_flags=flags.get(standing.result_id) or [],
                    profile=profile,
                )
                _apply(standing, values, key)
            Standing.objects.bulk_update(
                chunk,
                ["composite", "lower", "upper", "flags", "flagged", "profile_key", "computed_at"],
            )
            changed += len(chunk)


def schedule_recompute(*, job: Job) -> None:
    """After the current transaction commits, recompute the job's standings in the worker."""
    from .tasks import recompute_standings

    job_id = job.pk
    transaction.on_commit(lambda: recompute_standings.enqueue(job_id))


def is_recomputing(job: Job) -> bool:
    """True while some standing of ``job`` was computed with other weights or minimums.

    Asked as "a key below the current one, or above it" (one query, two seeks in the index
    ``standing_job_profile``): a "not equal" would step over every up-to-date standing.
    """
    from servicefit.jobs.models import Job

    key = profile_key(job)
    older = Standing.objects.filter(job=job)
    found = (
        Job.objects.filter(pk=job.pk)
        .annotate(
            below=Exists(older.filter(profile_key__lt=key)),
            above=Exists(older.filter(profile_key__gt=key)),
        )
        .values_list("below", "above")
        .first()
    )
    return found is not None and any(found)


def rank_of(standing: Standing | None) -> int | None:
    """1 + the number of the job's candidates with a higher composite (ties share a rank)."""
    if standing is None or standing.composite is None:
        return None
    return (
        1
        + Standing.objects.filter(job_id=standing.job_id, composite__gt=standing.composite).count()
    )


def scored_count(job: Job) -> int:
    """How many of the job's candidates have a composite (counted in the index
    ``standing_job_composite``, without reading the standings)."""
    return Standing.objects.filter(job=job, composite__isnull=False).count()


@dataclass(frozen=True)
class ScorePart:
    competency: str
    score: float | None


@dataclass(frozen=True)
class StoredStanding:
    """One scored candidate with the stored composite and competency scores (whole-job views)."""

    candidate: Candidate
    composite: float | None
    contributions: tuple[ScorePart, ...]


def ranked_standings(job: Job) -> list[StoredStanding]:
    """Every scored candidate of ``job`` by stored composite, best first, in two queries.

    For aggregate views that need the whole job (fairness monitoring, local validation); the
    shortlist pages through the database instead.
    """
    standings = list(
        Standing.objects.filter(job=job)
        .select_related("candidate")
        .prefetch_related("scores")
        .order_by(F("composite").desc(nulls_last=True), "candidate__name")
    )
    return [
        StoredStanding(
            candidate=s.candidate,
            composite=s.composite,
            contributions=tuple(ScorePart(p.competency, p.score) for p in s.scores.all()),
        )
        for s in standings
    ]
