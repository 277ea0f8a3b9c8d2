"""Job-profile composites: weighted standardized competency scores with a band and ranking.

For candidate ``i`` with competency scores ``x_ij``, reference means ``m_j`` and SDs ``s_j``
(from a norm table, or the candidates themselves), ``z_ij = (x_ij - m_j) / s_j`` and

    C_i = sum_j w_ij z_ij,   w_ij = w_j / sum_{l answered} w_l

i.e. the profile weights renormalised over the competencies the candidate has a score for.
With competency reliabilities ``r_j`` the error variance of ``z_j`` is ``1 - r_j``
(classical test theory); assuming independent errors the composite's standard error is

    SE_i = sqrt(sum_j w_ij^2 (1 - r_j))

(cf. Mosier 1943; Nunnally & Bernstein 1994, ch. 7) and its band ``C_i ± z SE_i``.

Minimum levels are *flags* on raw competency scores: a candidate below a minimum is
marked, with the competency named, but still scored and ranked — a person decides.
Ranking: 1 = highest composite, equal composites share the best rank ("min" method,
1, 2, 2, 4); candidates without a composite get rank 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from servicefit.psychometrics._arrays import FloatArray, as_vector
from servicefit.psychometrics.errors import (
    InsufficientDataError,
    KeyMismatchError,
    PsychometricsError,
)

__all__ = [
    "CompetencyContribution",
    "CompositeExplanation",
    "CompositeResult",
    "JobProfile",
    "ProfileComposite",
    "composite_scores",
    "profile_composite",
]


@dataclass(frozen=True, slots=True)
class JobProfile:
    """Weights (positive) and optional minimum levels per competency."""

    name: str
    weights: Mapping[str, float]
    minimums: Mapping[str, float] = field(default_factory=dict)
    version: str = "1"

    def __post_init__(self) -> None:
        if not self.weights:
            raise KeyMismatchError(f"job profile {self.name!r} has no weights")
        bad = [c for c, w in self.weights.items() if not (w > 0 and math.isfinite(w))]
        if bad:
            raise KeyMismatchError(
                f"job profile {self.name!r}: weights must be positive: {', '.join(bad)}"
            )
        extra = sorted(set(self.minimums) - set(self.weights))
        if extra:
            raise KeyMismatchError(
                f"job profile {self.name!r}: minimums for unweighted competencies: "
                f"{', '.join(extra)}"
            )


@dataclass(frozen=True, slots=True)
class CompetencyContribution:
    """One competency's part in a candidate's composite."""

    competency: str
    score: float
    z: float
    weight: float
    contribution: float
    minimum: float | None
    below_minimum: bool


@dataclass(frozen=True, slots=True)
class CompositeExplanation:
    """Why a candidate has the composite they have."""

    candidate: int
    composite: float
    lower: float
    upper: float
    rank: int
    contributions: tuple[CompetencyContribution, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class CompositeResult:
    """Composites of many candidates; call :meth:`explain` for one candidate's breakdown."""

    profile: JobProfile
    competencies: tuple[str, ...]
    raw: FloatArray
    z: FloatArray
    weights: FloatArray
    composite: FloatArray
    standard_error: FloatArray
    lower: FloatArray
    upper: FloatArray
    below_minimum: NDArray[np.bool_]
    rank: NDArray[np.int64]
    confidence: float

    @property
    def flagged(self) -> NDArray[np.bool_]:
        """True for candidates below at least one minimum level."""
        return np.asarray(self.below_minimum.any(axis=1), dtype=bool)

    def explain(self, candidate: int) -> CompositeExplanation:
        """Each competency's score, z, effective weight and contribution ``w * z``."""
        if not 0 <= candidate < self.composite.size:
            raise PsychometricsError(f"no candidate {candidate}")
        parts = []
        flags = []
        for j, name in enumerate(self.competencies):
            minimum = self.profile.minimums.get(name)
            below = bool(self.below_minimum[candidate, j])
            w = float(self.weights[candidate, j])
            z = float(self.z[candidate, j])
            parts.append(
                CompetencyContribution(
                    competency=name,
                    score=float(self.raw[candidate, j]),
                    z=z,
                    weight=w,
                    contribution=w * z if w > 0 else 0.0,
                    minimum=minimum,
                    below_minimum=below,
                )
            )
            if below:
                flags.append(f"{name} {self.raw[candidate, j]:g} below minimum {minimum:g}")
            elif math.isnan(z):
                flags.append(f"{name}: no score")
        return CompositeExplanation(
            candidate=candidate,
            composite=float(self.composite[candidate]),
            lower=float(self.lower[candidate]),
            upper=float(self.upper[candidate]),
            rank=int(self.rank[candidate]),
            contributions=tuple(parts),
            flags=tuple(flags),
        )


def _rank_descending(values: FloatArray) -> NDArray[np.int64]:
    rank = np.zeros(values.size, dtype=np.int64)
    ok = ~np.isnan(values)
    if ok.any():
        rank[ok] = stats.rankdata(-values[ok], method="min").astype(np.int64)
    return rank


def composite_scores(
    scores: Mapping[str, ArrayLike],
    profile: JobProfile,
    *,
    means: Mapping[str, float] | None = None,
    sds: Mapping[str, float] | None = None,
    reliabilities: Mapping[str, float] | None = None,
    confidence: float = 0.95,
) -> CompositeResult:
    """Composite scores of candidates for a job profile (see the module docstring).

    ``scores`` maps competency -> per-candidate raw scores (NaN = no score). ``means``/``sds``
    standardize them (default: the candidates' own mean and SD). Without ``reliabilities``
    the band is NaN.
    """
    names = tuple(profile.weights)
    missing = [c for c in names if c not in scores]
    if missing:
        raise KeyMismatchError(f"no scores for competencies: {', '.join(missing)}")
    cols = [as_vector(scores[c], name=f"scores[{c!r}]") for c in names]
    if len({c.size for c in cols}) != 1:
        raise KeyMismatchError("competency score arrays differ in length")
    raw = np.column_stack(cols)
    if (means is None or sds is None) and raw.shape[0] < 2:
        raise InsufficientDataError("standardizing on the sample needs 2+ candidates")
    mu = np.array(
        [means[c] if means is not None else np.nanmean(raw[:, j]) for j, c in enumerate(names)]
    )
    sd = np.array(
        [sds[c] if sds is not None else np.nanstd(raw[:, j], ddof=1) for j, c in enumerate(names)]
    )
    if not (sd > 0).all():
        raise InsufficientDataError("every competency needs a positive SD to standardize")
    z = (raw - mu) / sd
    present = ~np.isnan(z)
    base = np.array([profile.weights[c] for c in names], dtype=np.float64)
    w_raw = np.where(present, base, 0.0)
    w_sum = w_raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = w_raw / w_sum
    composite = np.where(w_sum[:, 0] > 0, np.where(present, weights * z, 0.0).sum(axis=1), np.nan)
    if reliabilities is not None:
        rel = np.array([reliabilities[c] for c in names], dtype=np.float64)
        if ((rel < 0) | (rel > 1)).any():
            raise PsychometricsError("reliabilities must lie in [0, 1]")
        se = np.sqrt(np.where(present, weights**2 * (1.0 - rel), 0.0).sum(axis=1))
        se = np.where(np.isnan(composite), np.nan, se)
    else:
        se = np.full(composite.size, np.nan)
    half = float(stats.norm.ppf(0.5 + confidence / 2.0)) * se
    mins = np.array([profile.minimums.get(c, -np.inf) for c in names])
    below = present & (raw < mins)
    return CompositeResult(
        profile=profile,
        competencies=names,
        raw=raw,
        z=z,
        weights=np.nan_to_num(weights, nan=0.0),
        composite=composite,
        standard_error=se,
        lower=composite - half,
        upper=composite + half,
        below_minimum=below,
        rank=_rank_descending(composite),
        confidence=confidence,
    )


@dataclass(frozen=True, slots=True)
class ProfileComposite:
    """One candidate's composite on the competencies' own 1–5 scale (see :func:`profile_composite`)."""

    composite: float | None
    standard_error: float | None
    lower: float | None
    upper: float | None
    weights: Mapping[str, float]
    below_minimum: tuple[str, ...]
    unmeasured_minimum: tuple[str, ...] = ()  # competencies with a minimum but no score


def profile_composite(
    scores: Mapping[str, float | None],
    profile: JobProfile,
    *,
    sems: Mapping[str, float | None] | None = None,
    confidence: float = 0.95,
    scale: tuple[float, float] = (1.0, 5.0),
) -> ProfileComposite:
    """The job profile's weighted mean of one candidate's raw competency scores, with a band.

    With weights ``w_j`` renormalised over the competencies that have a score,
    ``w~_j = w_j / sum_{l scored} w_l``::

        C = sum_j w~_j x_j,    SE = sqrt(sum_j w~_j^2 SEM_j^2)

    (independent measurement errors; Nunnally & Bernstein 1994, ch. 7) and the band
    ``C ± z SE`` clipped to ``scale``. ``C`` depends on this candidate's scores and the profile
    only, so it does not move when other candidates are scored. Without an SEM for every
    scored, weighted competency the band is ``None``. Minimums flag, they never reject; a
    competency with a minimum but no score is listed in ``unmeasured_minimum`` (the composite
    cannot say whether that minimum is met).
    """
    low, high = scale
    present: dict[str, float] = {}
    for c in profile.weights:
        value = scores.get(c)
        if value is not None and math.isfinite(float(value)):
            present[c] = float(value)
    below = tuple(
        c for c, minimum in profile.minimums.items() if c in present and present[c] < minimum
    )
    unmeasured = tuple(c for c in profile.minimums if c not in present)
    total = math.fsum(profile.weights[c] for c in present)
    if not present or total <= 0:
        return ProfileComposite(None, None, None, None, {}, below, unmeasured)
    weights = {c: profile.weights[c] / total for c in present}
    composite = math.fsum(weights[c] * present[c] for c in present)
    se: float | None = None
    if sems is not None and all(sems.get(c) is not None for c in present):
        se = math.sqrt(math.fsum(weights[c] ** 2 * float(sems[c]) ** 2 for c in present))  # type: ignore[arg-type]
    if se is None:
        return ProfileComposite(composite, None, None, None, weights, below, unmeasured)
    half = float(stats.norm.ppf(0.5 + confidence / 2.0)) * se
    return ProfileComposite(
        composite,
        se,
        max(low, composite - half),
        min(high, composite + half),
        weights,
        below,
        unmeasured,
    )
