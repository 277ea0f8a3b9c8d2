"""Keyed scale scoring with a missing-data policy, SEM and a confidence band.

A scale score is the mean of a person's *answered* items after reverse keying. Reverse-keyed
items are rescored as ``(min + max) - x`` so that, on a 1-5 Likert item, 1 becomes 5 and 5
becomes 1 (the same rule as ``psych::reverse.code`` and ``psych::scoreItems``).

Missing-data policy: a score is reported only when the person answered at least
``min_answered_share`` of the scale's items (default one half, and never fewer than one);
otherwise it is NaN. The number of answered items is always returned alongside the score, so
a recruiter can see how much a score rests on.

Standard error of measurement (classical test theory, e.g. Lord & Novick 1968):

    SEM = SD * sqrt(1 - r_xx)

and the band is ``score ± z_(1 - (1 - confidence)/2) * SEM`` (an observed-score band).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from servicefit.psychometrics._arrays import FloatArray, as_matrix
from servicefit.psychometrics.errors import (
    InsufficientDataError,
    InvalidResponseError,
    KeyMismatchError,
    PsychometricsError,
)

__all__ = [
    "ScaleDefinition",
    "ScaleScores",
    "check_range",
    "reverse_score",
    "score_scale",
    "score_scales",
    "standard_error_of_measurement",
]


@dataclass(frozen=True, slots=True)
class ScaleDefinition:
    """One scale: its items (column names), reverse-keyed items and response range."""

    name: str
    items: tuple[str, ...]
    reverse: frozenset[str] = frozenset()
    minimum: float = 1.0
    maximum: float = 5.0
    min_answered_share: float = 0.5
    reliability: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "reverse", frozenset(self.reverse))
        if not self.items:
            raise KeyMismatchError(f"scale {self.name!r} has no items")
        if len(set(self.items)) != len(self.items):
            raise KeyMismatchError(f"scale {self.name!r} lists an item twice")
        unknown = sorted(self.reverse - set(self.items))
        if unknown:
            raise KeyMismatchError(
                f"scale {self.name!r}: reverse-keyed items not in the scale: {', '.join(unknown)}"
            )
        if not self.minimum < self.maximum:
            raise PsychometricsError(
                f"scale {self.name!r}: minimum {self.minimum} must be below maximum {self.maximum}"
            )
        _check_share(self.min_answered_share)
        if self.reliability is not None and not 0.0 <= self.reliability <= 1.0:
            raise PsychometricsError(
                f"scale {self.name!r}: reliability must be in [0, 1], got {self.reliability}"
            )

    @property
    def reverse_mask(self) -> NDArray[np.bool_]:
        """Boolean mask over :attr:`items`, True where the item is reverse-keyed."""
        return np.array([item in self.reverse for item in self.items], dtype=bool)


@dataclass(frozen=True, slots=True, eq=False)
class ScaleScores:
    """Scores for one scale over many people (arrays of length ``n_people``).

    ``scores`` is NaN where the missing-data policy withheld a score; ``lower``/``upper`` are
    NaN-filled when no reliability was given.
    """

    name: str
    scores: FloatArray
    n_answered: NDArray[np.int64]
    n_items: int
    sem: float | None
    lower: FloatArray
    upper: FloatArray
    confidence: float

    @property
    def scored(self) -> NDArray[np.bool_]:
        """True where a score was reported (enough items answered)."""
        return ~np.isnan(self.scores)


def _check_share(share: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise PsychometricsError(f"min_answered_share must be in [0, 1], got {share}")


def reverse_score(responses: ArrayLike, *, minimum: float, maximum: float) -> FloatArray:
    """Reverse-key responses: ``(minimum + maximum) - x`` (NaN stays NaN).

    Applying it twice returns the original responses.
    """
    if not minimum < maximum:
        raise PsychometricsError(f"minimum {minimum} must be below maximum {maximum}")
    return (minimum + maximum) - np.asarray(responses, dtype=np.float64)


def check_range(
    responses: FloatArray,
    *,
    minimum: float,
    maximum: float,
    labels: Sequence[str] | None = None,
) -> None:
    """Raise :class:`InvalidResponseError` naming the first response outside [min, max]."""
    bad = (responses < minimum) | (responses > maximum)
    if bad.any():
        flat = int(np.flatnonzero(bad)[0])
        row, col = divmod(flat, responses.shape[1]) if responses.ndim == 2 else (flat, 0)
        label = labels[col] if labels is not None else f"column {col}"
        raise InvalidResponseError(
            f"row {row}, {label}: value {responses.flat[flat]:g} outside {minimum:g}-{maximum:g}"
        )


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """SEM = SD * sqrt(1 - reliability) (classical test theory)."""
    if not 0.0 <= reliability <= 1.0:
        raise PsychometricsError(f"reliability must be in [0, 1], got {reliability}")
    if sd < 0 or math.isnan(sd):
        raise PsychometricsError(f"sd must be a non-negative number, got {sd}")
    return float(sd) * math.sqrt(1.0 - float(reliability))


def score_scale(
    responses: ArrayLike,
    *,
    minimum: float,
    maximum: float,
    reverse: ArrayLike | None = None,
    min_answered_share: float = 0.5,
    reliability: float | None = None,
    score_sd: float | None = None,
    confidence: float = 0.95,
    name: str = "scale",
    check: bool = True,
) -> ScaleScores:
    """Score one scale: mean of answered, reverse-keyed items.

    Parameters
    ----------
    responses:
        ``(n_people, n_items)`` responses, NaN = not answered.
    reverse:
        Boolean mask of length ``n_items`` (True = reverse-keyed), or None.
    min_answered_share:
        Minimum share of items answered for a score (at least one item is always needed).
    reliability:
        The scale's reliability (e.g. Cronbach's alpha) for the SEM and band.
    score_sd:
        SD of scale scores in the reference population (e.g. from a norm table); defaults to
        the SD of the scores being computed (ddof = 1).
    """
    x = as_matrix(responses, name="responses")
    _check_share(min_answered_share)
    n, k = x.shape
    if k < 1:
        raise InsufficientDataError(f"scale {name!r} needs at least one item")
    if check:
        check_range(x, minimum=minimum, maximum=maximum)
    if reverse is not None:
        mask = np.asarray(reverse, dtype=bool)
        if mask.shape != (k,):
            raise KeyMismatchError(f"reverse mask has {mask.size} entries for {k} items")
        if mask.any():
            x = x.copy()
            x[:, mask] = (minimum + maximum) - x[:, mask]
    missing = np.isnan(x)
    answered = k - missing.sum(axis=1)
    sums = np.where(missing, 0.0, x).sum(axis=1)
    needed = max(1, math.ceil(min_answered_share * k - 1e-12))
    ok = answered >= needed
    scores = np.full(n, np.nan)
    np.divide(sums, answered, out=scores, where=ok)
    sem: float | None = None
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    if reliability is not None:
        sd = score_sd
        if sd is None:
            valid = scores[ok]
            sd = float(np.std(valid, ddof=1)) if valid.size > 1 else float("nan")
        if not math.isnan(sd):
            sem = standard_error_of_measurement(sd, reliability)
            half = float(stats.norm.ppf(0.5 + confidence / 2.0)) * sem
            lower = scores - half
            upper = scores + half
    return ScaleScores(
        name=name,
        scores=scores,
        n_answered=answered.astype(np.int64),
        n_items=k,
        sem=sem,
        lower=lower,
        upper=upper,
        confidence=confidence,
    )


def score_scales(
    responses: ArrayLike,
    columns: Sequence[str],
    scales: Sequence[ScaleDefinition],
    *,
    score_sds: Mapping[str, float] | None = None,
    confidence: float = 0.95,
    check: bool = True,
) -> dict[str, ScaleScores]:
    """Score several scales on one response matrix whose columns are named by ``columns``.

    Returns a dict from scale name to :class:`ScaleScores`, in the order of ``scales``. All
    scales are scored in one pass: reverse keying on the whole matrix, then sums and answered
    counts per scale as a product with a 0/1 item-by-scale matrix.
    """
    x = as_matrix(responses, name="responses")
    if x.shape[1] != len(columns):
        raise KeyMismatchError(f"{len(columns)} column names for {x.shape[1]} columns")
    index = {c: i for i, c in enumerate(columns)}
    membership = np.zeros((x.shape[1], len(scales)))
    lo = np.full(x.shape[1], -np.inf)
    hi = np.full(x.shape[1], np.inf)
    flip = np.zeros(x.shape[1], dtype=bool)
    pivot = np.zeros(x.shape[1])
    for j, scale in enumerate(scales):
        missing = [item for item in scale.items if item not in index]
        if missing:
            raise KeyMismatchError(
                f"scale {scale.name!r}: unknown item column(s): {', '.join(missing)}"
            )
        for item in scale.items:
            col = index[item]
            if membership[col].any() and (
                lo[col] != scale.minimum
                or hi[col] != scale.maximum
                or flip[col] != (item in scale.reverse)
            ):
                # The item is keyed differently in two scales: score them one by one.
                return _score_scales_one_by_one(
                    x, index, scales, score_sds=score_sds, confidence=confidence, check=check
                )
            membership[col, j] = 1.0
            lo[col], hi[col] = scale.minimum, scale.maximum
            flip[col] = item in scale.reverse
            pivot[col] = scale.minimum + scale.maximum
    if check:
        bad = (x < lo) | (x > hi)
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise InvalidResponseError(
                f"row {row}, {columns[col]}: value {x[row, col]:g} outside {lo[col]:g}-{hi[col]:g}"
            )
    # Reverse keying folded into the sums: a reversed item adds (min + max) - x, so
    # sum = filled @ (sign * M) + present @ (pivot * flip * M).
    absent = np.isnan(x)
    filled = np.where(absent, 0.0, x)
    present = 1.0 - absent
    signed = np.where(flip, -1.0, 1.0)[:, None] * membership
    offsets = (np.where(flip, pivot, 0.0)[:, None]) * membership
    counts_and_offsets = present @ np.hstack([membership, offsets])
    n_scales = len(scales)
    answered = counts_and_offsets[:, :n_scales]
    sums = filled @ signed + counts_and_offsets[:, n_scales:]
    n_items = membership.sum(axis=0)
    needed = np.array(
        [max(1, math.ceil(s.min_answered_share * len(s.items) - 1e-12)) for s in scales]
    )
    ok = answered >= needed
    scores = np.full(sums.shape, np.nan)
    np.divide(sums, answered, out=scores, where=ok)
    scores_t = scores.T.copy()  # one contiguous row per scale
    answered_t = answered.T.astype(np.int64)
    ok_t = ok.T
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    no_band = np.full(x.shape[0], np.nan)
    no_band.flags.writeable = False
    out: dict[str, ScaleScores] = {}
    for j, scale in enumerate(scales):
        col = scores_t[j]
        sem: float | None = None
        lower = upper = no_band
        if scale.reliability is not None:
            sd = None if score_sds is None else score_sds.get(scale.name)
            if sd is None:
                valid = col[ok_t[j]]
                sd = float(np.std(valid, ddof=1)) if valid.size > 1 else math.nan
            if not math.isnan(sd):
                sem = standard_error_of_measurement(sd, scale.reliability)
                lower, upper = col - z * sem, col + z * sem
        out[scale.name] = ScaleScores(
            name=scale.name,
            scores=col,
            n_answered=answered_t[j],
            n_items=int(n_items[j]),
            sem=sem,
            lower=lower,
            upper=upper,
            confidence=confidence,
        )
    return out


def _score_scales_one_by_one(
    x: FloatArray,
    index: Mapping[str, int],
    scales: Sequence[ScaleDefinition],
    *,
    score_sds: Mapping[str, float] | None,
    confidence: float,
    check: bool,
) -> dict[str, ScaleScores]:
    out: dict[str, ScaleScores] = {}
    for scale in scales:
        sub = x[:, [index[item] for item in scale.items]]
        if check:
            check_range(sub, minimum=scale.minimum, maximum=scale.maximum, labels=list(scale.items))
        out[scale.name] = score_scale(
            sub,
            minimum=scale.minimum,
            maximum=scale.maximum,
            reverse=scale.reverse_mask,
            min_answered_share=scale.min_answered_share,
            reliability=scale.reliability,
            score_sd=None if score_sds is None else score_sds.get(scale.name),
            confidence=confidence,
            name=scale.name,
            check=False,
        )
    return out
