"""Norm groups: named, dated samples that percentiles and measurement-error bands refer to.

A norm group is every scored assessment on this instance with one content version, frozen
at the moment it is built (name, size and date are shown wherever it is used). It is built
by a background task after a result is stored, when there is none yet and at least
:data:`MIN_NORM_GROUP` results exist, or when the sample has doubled since the last group or
grown and the last group is older than :data:`NORM_MAX_AGE`. Requests never build norms:
they read the group a result points at (cached per process).

Per competency a group holds the mean, SD, distribution (for percentile ranks) and the
reliability (Cronbach's alpha of the competency's questionnaire items on the most recent
:data:`RELIABILITY_SAMPLE` results); the SEM ``SD · sqrt(1 − alpha)`` gives each newly scored
result its band.
"""

from __future__ import annotations

import contextlib
import math
from datetime import timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from servicefit.content import Content, default_content
from servicefit.psychometrics import Norm, PsychometricsError, build_norm, cronbach_alpha

from .models import NormGroup, Result
from .record import sem_of

MIN_NORM_GROUP = 30
"""Percentiles (and bands) only against a group of at least this many scored assessments."""
NORM_MAX_AGE = timedelta(days=1)
RELIABILITY_SAMPLE = 2000
CACHE_SECONDS = 300


def _cache_key(content_version: str) -> str:
    return f"servicefit:norm-group:{content_version}"


def current_norm_group(content_version: str) -> NormGroup | None:
    """The newest norm group for ``content_version`` (cached; ``None`` before the first)."""
    key = _cache_key(content_version)
    group: NormGroup | None = cache.get(key)
    if group is None:
        group = NormGroup.objects.filter(content_version=content_version).first()
        if group is not None:
            cache.set(key, group, CACHE_SECONDS)
    return group


def sems_of(group: NormGroup | None) -> dict[str, float | None]:
    """Each competency's standard error of measurement in ``group`` (empty without a group)."""
    if group is None:
        return {}
    return {
        competency: sem_of(data.get("sd"), data.get("reliability"))
        for competency, data in group.statistics.items()
    }


def percentile(group: NormGroup | None, competency: str, score: float | None) -> float | None:
    """Mid-point percentile rank of ``score`` in ``group`` (``None`` if too small or no score).

    "Too small" is counted per competency: the group's size counts results, and a result
    without a score for this competency (nothing answered that informs it) is not in its
    distribution, so a group of 30 results can hold far fewer scores of one competency.
    """
    if group is None or score is None or group.n < MIN_NORM_GROUP:
        return None
    data = group.statistics.get(competency, {}).get("norm")
    if not data or int(data.get("n", 0)) < MIN_NORM_GROUP:
        return None
    return float(Norm.from_dict(data).percentile_rank([score])[0])


def needs_refresh(content_version: str, *, now: Any = None) -> bool:
    """Whether a new norm group should be built (see the module docstring)."""
    count = Result.objects.filter(content_version=content_version).count()
    if count < MIN_NORM_GROUP:
        return False
    latest = current_norm_group(content_version)
    if latest is None:
        return True
    if count >= 2 * latest.n:
        return True
    now = now or timezone.now()
    return count > latest.n and now - latest.computed_at >= NORM_MAX_AGE


def build_norm_group(content: Content | None = None) -> NormGroup | None:
    """Build and store a new norm group from every scored assessment (``None`` below 30)."""
    from .scoring import SCORING_VERSION

    content = content or default_content()
    results = Result.objects.filter(content_version=content.version)
    rows = list(results.values_list("competencies", flat=True).iterator(chunk_size=2000))
    if len(rows) < MIN_NORM_GROUP:
        return None
    statistics: dict[str, Any] = {}
    recent = list(
        results.order_by("-computed_at", "-pk").values_list("questionnaire", flat=True)[
            :RELIABILITY_SAMPLE
        ]
    )
    for competency in content.competencies:
        values = np.array(
            [_score(row, competency.id) for row in rows], dtype=float
        )  # NaN where no score
        valid = values[~np.isnan(values)]
        if valid.size < 2:
            continue
        entry: dict[str, Any] = {
            "n": int(valid.size),
            "mean": round(float(valid.mean()), 4),
            "sd": round(float(valid.std(ddof=1)), 4),
            "reliability": _alpha(recent, competency.id),
        }
        with contextlib.suppress(PsychometricsError):
            entry["norm"] = build_norm(values, scale=competency.id).to_dict()
        statistics[competency.id] = entry
    now = timezone.now()
    group = NormGroup.objects.create(
        name=f"all-{content.version}-{now:%Y%m%d-%H%M%S}",
        content_version=content.version,
        scoring_version=SCORING_VERSION,
        n=len(rows),
        computed_at=now,
        statistics=statistics,
    )
    cache.delete(_cache_key(content.version))
    return group


def _score(row: Any, competency: str) -> float:
    value = ((row or {}).get(competency) or {}).get("score")
    return math.nan if value is None else float(value)


def _alpha(questionnaires: list[Any], competency: str) -> float | None:
    """Cronbach's alpha of the competency's questionnaire items, in [0, 1], or ``None``."""
    rows = []
    for questionnaire in questionnaires:
        answers = ((questionnaire or {}).get(competency) or {}).get("answers", [])
        rows.append([math.nan if a.get("keyed") is None else float(a["keyed"]) for a in answers])
    if not rows or len({len(r) for r in rows}) != 1 or len(rows[0]) < 2:
        return None
    try:
        alpha = cronbach_alpha(np.array(rows, dtype=float)).raw_alpha
    except PsychometricsError:
        return None
    return round(min(1.0, max(0.0, alpha)), 4) if math.isfinite(alpha) else None


@transaction.atomic
def refresh_norms(*, content: Content | None = None, force: bool = False) -> NormGroup | None:
    """Build a new norm group when one is due, and give unbanded results their band.

    Results scored before the first group existed have no band; they are re-scored with the
    new group (their scores do not change, they gain a band). Results that already have a band
    keep the group they were scored with.
    """
    from .results import store_result

    content = content or default_content()
    if not force and not needs_refresh(content.version):
        return None
    group = build_norm_group(content)
    if group is None:
        return None
    unbanded = Result.objects.filter(
        content_version=content.version, norm_group__isnull=True
    ).select_related("session__candidate__job")
    for result in unbanded.iterator(chunk_size=500):
        store_result(session=result.session, group=group, refresh=False)
    return group
