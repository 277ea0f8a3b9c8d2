"""Situational judgement test (SJT) scoring.

**Rate-the-effectiveness format.** Each option of each scenario is rated on a scale
``[minimum, maximum]`` and compared with an expert key. Distance scoring: the mean
absolute (``|r - k|``) or squared (``(r - k)^2``) deviation over answered options,
rescaled so that higher is better:

    score = 1 - D / D_max

with ``D_max = (max - min)`` or ``(max - min)^2``, so 1 is a perfect match and 0 the worst
possible. A candidate who moves any rating closer to the key never gets a lower score.
With ``min_rated`` a person who rated fewer of the options than that gets no score (NaN)
rather than a score from the few options they chose to rate.

*Within-person standardization* (McDaniel, Psotka, Legree, Yost & Weekley 2011, "Toward an
understanding of situational judgment item validity and group differences", J. Appl.
Psychol. 96(2)) removes elevation and scatter: each person's ratings and the key are turned
into z-scores over the items (population SD) before the distance is taken. Then
``D_max = 2`` (absolute) or ``4`` (squared; ``D = 2(1 - r)`` with ``r`` the Pearson
correlation of ratings and key). A person who gives every option the same rating has no
standardized profile and gets NaN.

**Most/least-effective format.** Per scenario the candidate picks the most and the least
effective option. Points: picking the keyed best as most (+1) or the keyed worst as least
(+1); picking the keyed worst as most (-1) or the keyed best as least (-1); otherwise 0.
A skipped pick (-1) scores 0.

**Consensus keys** come from a sample's mean rating or modal rating / modal pick (ties go to
the lowest value). **Item statistics** show weak keys: an option whose agreement with its
key correlates weakly with the rest of the test, or whose key lies far from the sample's
mean rating.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from servicefit.psychometrics._arrays import FloatArray
from servicefit.psychometrics.errors import (
    InsufficientDataError,
    InvalidResponseError,
    KeyMismatchError,
    PsychometricsError,
    ShapeError,
)

__all__ = [
    "Distance",
    "MostLeastScores",
    "SjtItemStatistics",
    "SjtScores",
    "consensus_choice_key",
    "consensus_key",
    "score_most_least",
    "score_ratings",
    "sjt_item_statistics",
]

Distance = Literal["absolute", "squared"]


@dataclass(frozen=True, slots=True, eq=False)
class SjtScores:
    """Rate-the-effectiveness scores: ``scores`` in [0, 1], higher = closer to the key."""

    scores: FloatArray
    distance: FloatArray
    n_answered: NDArray[np.int64]
    method: str
    standardized: bool


@dataclass(frozen=True, slots=True, eq=False)
class MostLeastScores:
    """Most/least scores: total per person and points per scenario (each in -2..2)."""

    scores: NDArray[np.int64]
    per_scenario: NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class SjtItemStatistics:
    """Per-option statistics; ``weak`` marks keys worth reviewing, ``reasons`` says why."""

    key: FloatArray
    sample_mean: FloatArray
    sample_sd: FloatArray
    item_rest_r: FloatArray
    key_gap: FloatArray
    weak: NDArray[np.bool_]
    reasons: tuple[tuple[str, ...], ...]


def _flatten(ratings: ArrayLike, key: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r = np.asarray(ratings, dtype=np.float64)
    k = np.asarray(key, dtype=np.float64)
    if r.ndim == 3:
        r = r.reshape(r.shape[0], -1)
    if r.ndim != 2:
        raise ShapeError("ratings must be (people, options) or (people, scenarios, options)")
    k = k.reshape(-1)
    if k.size != r.shape[1]:
        raise KeyMismatchError(f"key has {k.size} entries for {r.shape[1]} rated options")
    if np.isnan(k).any():
        raise KeyMismatchError("key has missing entries")
    return r, k


def _zscore_rows(x: FloatArray) -> FloatArray:
    mean = np.nanmean(x, axis=1, keepdims=True)
    sd = np.nanstd(x, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        z: FloatArray = (x - mean) / np.where(sd > 0, sd, np.nan)
    return z


def score_ratings(
    ratings: ArrayLike,
    key: ArrayLike,
    *,
    minimum: float,
    maximum: float,
    distance: Distance = "absolute",
    standardize: bool = False,
    min_rated: int = 1,
) -> SjtScores:
    """Distance scores of effectiveness ratings against ``key`` (see the module docstring).

    ``ratings`` is ``(people, options)`` or ``(people, scenarios, options)`` with NaN for an
    unrated option; ``key`` has the matching shape without the people axis. A row with fewer
    than ``min_rated`` rated options gets NaN (``n_answered`` still counts its ratings).
    """
    if min_rated < 1:
        raise PsychometricsError(f"min_rated must be at least 1, got {min_rated}")
    if distance not in ("absolute", "squared"):
        raise PsychometricsError(f"distance must be 'absolute' or 'squared', got {distance!r}")
    if not minimum < maximum:
        raise PsychometricsError(f"minimum {minimum} must be below maximum {maximum}")
    r, k = _flatten(ratings, key)
    if ((r < minimum) | (r > maximum)).any():
        raise InvalidResponseError(f"a rating lies outside {minimum:g}-{maximum:g}")
    if ((k < minimum) | (k > maximum)).any():
        raise KeyMismatchError(f"a key value lies outside {minimum:g}-{maximum:g}")
    answered = (~np.isnan(r)).sum(axis=1)
    if standardize:
        r = _zscore_rows(r)
        kz = (k - k.mean()) / k.std()
        if not np.isfinite(kz).all():
            raise KeyMismatchError("a key with equal values everywhere cannot be standardized")
        k = kz
        d_max = 2.0 if distance == "absolute" else 4.0
    else:
        span = maximum - minimum
        d_max = span if distance == "absolute" else span**2
    diff = r - k
    dev = np.abs(diff) if distance == "absolute" else diff * diff
    valid = ~np.isnan(dev)
    n_valid = valid.sum(axis=1)
    d = np.full(r.shape[0], np.nan)
    np.divide(np.where(valid, dev, 0.0).sum(axis=1), n_valid, out=d, where=n_valid >= min_rated)
    return SjtScores(
        scores=1.0 - d / d_max,
        distance=d,
        n_answered=answered.astype(np.int64),
        method=distance,
        standardized=standardize,
    )


def score_most_least(
    most: ArrayLike,
    least: ArrayLike,
    *,
    key_best: ArrayLike,
    key_worst: ArrayLike,
) -> MostLeastScores:
    """Score most/least picks (option indices, -1 = skipped) against the keyed best/worst."""
    m = np.asarray(most, dtype=np.int64)
    le = np.asarray(least, dtype=np.int64)
    best = np.asarray(key_best, dtype=np.int64).reshape(-1)
    worst = np.asarray(key_worst, dtype=np.int64).reshape(-1)
    if m.ndim != 2 or m.shape != le.shape:
        raise ShapeError("most and least must both be (people, scenarios)")
    if best.size != m.shape[1] or worst.size != m.shape[1]:
        raise KeyMismatchError(f"keys have {best.size}/{worst.size} entries for {m.shape[1]}")
    if (best == worst).any():
        raise KeyMismatchError("a scenario keys the same option as best and worst")
    both = (m == le) & (m >= 0)
    if both.any():
        row, col = np.argwhere(both)[0]
        raise InvalidResponseError(f"row {row}, scenario {col}: same option picked twice")
    points = (
        (m == best).astype(np.int64)
        - (m == worst).astype(np.int64)
        + (le == worst).astype(np.int64)
        - (le == best).astype(np.int64)
    )
    return MostLeastScores(scores=points.sum(axis=1), per_scenario=points)


def consensus_key(
    ratings: ArrayLike, *, method: Literal["mean", "mode"] = "mean", min_raters: int = 2
) -> FloatArray:
    """A key from a sample: each option's mean rating or modal rating (ties -> lowest)."""
    r = np.asarray(ratings, dtype=np.float64)
    shape = r.shape[1:]
    r = r.reshape(r.shape[0], -1)
    counts = (~np.isnan(r)).sum(axis=0)
    if (counts < min_raters).any():
        raise InsufficientDataError(f"an option has fewer than {min_raters} ratings")
    if method == "mean":
        return np.nanmean(r, axis=0).reshape(shape)
    if method != "mode":
        raise PsychometricsError(f"method must be 'mean' or 'mode', got {method!r}")
    values = np.unique(r[~np.isnan(r)])
    freq = (r[:, :, None] == values[None, None, :]).sum(axis=0)
    out: FloatArray = values[np.argmax(freq, axis=1)]
    return out.reshape(shape)


def consensus_choice_key(choices: ArrayLike, *, n_options: int) -> NDArray[np.int64]:
    """Modal pick per scenario (``choices``: people x scenarios, -1 = skipped)."""
    c = np.asarray(choices, dtype=np.int64)
    if c.ndim != 2:
        raise ShapeError("choices must be (people, scenarios)")
    freq = (c[:, :, None] == np.arange(n_options)[None, None, :]).sum(axis=0)
    if (freq.sum(axis=1) == 0).any():
        raise InsufficientDataError("a scenario has no picks")
    return np.argmax(freq, axis=1).astype(np.int64)


def sjt_item_statistics(
    ratings: ArrayLike,
    key: ArrayLike,
    *,
    minimum: float,
    maximum: float,
    weak_r: float = 0.1,
    weak_gap: float = 1.0,
) -> SjtItemStatistics:
    """Option statistics for reviewing a key.

    For each option: the sample's mean and SD rating, the gap ``|key - sample mean|`` and
    the correlation of the option's agreement ``-|r - k|`` with the distance score on the
    other options (an item-rest correlation). Flags ``weak`` when that correlation is below
    ``weak_r`` or the gap exceeds ``weak_gap`` scale points.
    """
    r, k = _flatten(ratings, key)
    if r.shape[0] < 3:
        raise InsufficientDataError("item statistics need at least 3 people")
    agree = -np.abs(r - k)
    mean = np.nanmean(r, axis=0)
    sd = np.nanstd(r, axis=0, ddof=1)
    gap = np.abs(k - mean)
    filled = np.where(np.isnan(agree), np.nanmean(agree, axis=0), agree)
    total = filled.sum(axis=1, keepdims=True)
    rest = total - filled
    a = filled - filled.mean(axis=0)
    b = rest - rest.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        item_rest = (a * b).sum(axis=0) / np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    reasons: list[tuple[str, ...]] = []
    for i in range(k.size):
        why: list[str] = []
        if np.isnan(item_rest[i]):
            why.append("no variance in agreement with the key")
        elif item_rest[i] < weak_r:
            why.append(f"item-rest r {item_rest[i]:.2f} below {weak_r:g}")
        if gap[i] > weak_gap:
            why.append(f"key {k[i]:g} is {gap[i]:.2f} from the sample mean {mean[i]:.2f}")
        reasons.append(tuple(why))
    return SjtItemStatistics(
        key=k,
        sample_mean=mean,
        sample_sd=sd,
        item_rest_r=item_rest,
        key_gap=gap,
        weak=np.array([bool(w) for w in reasons]),
        reasons=tuple(reasons),
    )
