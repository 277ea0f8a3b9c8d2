"""How often people agree with the written-reply analysis's suggested ratings, per job.

The ratings are counted in the database — one GROUP BY over the index
``replyrating_job_agreement`` (job, dimension, suggested, rating) — so the job page reads at most
5 × 5 × 5 counts, whatever the number of candidates or ratings, and the kappa is computed from
the table of counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.db.models import Count

from servicefit.jobs.models import Job
from servicefit.psychometrics import PsychometricsError, weighted_kappa_from_counts

from .models import ReplyRating

DIMENSIONS = ("courtesy", "empathy", "ownership", "clarity", "overall")
SCALE = range(1, 6)


@dataclass(frozen=True)
class Agreement:
    dimension: str
    n: int
    exact: float | None
    """Share of ratings where the rater kept the suggestion."""
    kappa: float | None
    """Quadratic weighted kappa between suggestion and rater (Cohen 1968)."""


def _agreement(dimension: str, table: np.ndarray, kept: int, n: int, off_scale: bool) -> Agreement:
    kappa = None
    if n >= 2 and not off_scale:
        try:
            value = weighted_kappa_from_counts(table)
            kappa = None if math.isnan(value) else value
        except PsychometricsError:
            kappa = None
    return Agreement(dimension=dimension, n=n, exact=kept / n if n else None, kappa=kappa)


def reply_agreement(job: Job) -> list[Agreement]:
    """Per dimension: how many ratings, the share kept as suggested, and the weighted kappa."""
    size = len(SCALE)
    tables = {d: np.zeros((size, size)) for d in DIMENSIONS}
    kept = dict.fromkeys(DIMENSIONS, 0)
    total = dict.fromkeys(DIMENSIONS, 0)
    off_scale: set[str] = set()
    rows = (
        ReplyRating.objects.filter(job=job, dimension__in=DIMENSIONS)
        .values_list("dimension", "suggested", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for dimension, suggested, rating, n in rows:
        total[dimension] += n
        kept[dimension] += n if suggested == rating else 0
        if suggested in SCALE and rating in SCALE:
            tables[dimension][suggested - SCALE.start, rating - SCALE.start] += n
        else:
            off_scale.add(dimension)  # no kappa on a scale it does not fit (as before)
    return [_agreement(d, tables[d], kept[d], total[d], d in off_scale) for d in DIMENSIONS]
