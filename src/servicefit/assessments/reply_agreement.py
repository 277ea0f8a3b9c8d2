"""How often people agree with the written-reply analysis's suggested ratings, per job."""

from __future__ import annotations

import math
from dataclasses import dataclass

from servicefit.jobs.models import Job
from servicefit.psychometrics import PsychometricsError, weighted_kappa

from .models import ReplyRating

DIMENSIONS = ("courtesy", "empathy", "ownership", "clarity", "overall")


@dataclass(frozen=True)
class Agreement:
    dimension: str
    n: int
    exact: float | None
    """Share of ratings where the rater kept the suggestion."""
    kappa: float | None
    """Quadratic weighted kappa between suggestion and rater (Cohen 1968)."""


def reply_agreement(job: Job) -> list[Agreement]:
    rows = ReplyRating.objects.filter(result__session__candidate__job=job).values_list(
        "dimension", "suggested", "rating"
    )
    pairs: dict[str, list[tuple[int, int]]] = {d: [] for d in DIMENSIONS}
    for dimension, suggested, rating in rows:
        pairs.setdefault(dimension, []).append((suggested, rating))
    out = []
    for dimension in DIMENSIONS:
        data = pairs.get(dimension, [])
        exact = sum(s == r for s, r in data) / len(data) if data else None
        kappa = None
        if len(data) >= 2:
            try:
                value = weighted_kappa(
                    [s for s, _ in data], [r for _, r in data], categories=range(1, 6)
                )
                kappa = None if math.isnan(value) else value
            except PsychometricsError:
                kappa = None
        out.append(Agreement(dimension=dimension, n=len(data), exact=exact, kappa=kappa))
    return out
