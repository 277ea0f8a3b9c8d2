"""Norm tables: percentile rank, z, T and stanine against a reference sample.

A :class:`Norm` keeps, for one scale (and optionally one group), the sample size, mean, SD
and the frequency of every distinct score, so percentile ranks are exact and the table is
small and serializable. A :class:`NormTable` bundles the norms of several scales and groups
with a name, a version label and the date the sample was normed.

* percentile rank (mid-point definition, e.g. Crocker & Algina 1986):
  ``PR(x) = 100 * (count(score < x) + count(score == x) / 2) / n``
* ``z = (x - mean) / sd`` (sample SD, ddof = 1); ``T = 50 + 10 z``
* stanine from the percentile rank with the standard 4-7-12-17-20-17-12-7-4 % bands, cut at
  percentile ranks 4, 11, 23, 40, 60, 77, 89 and 96.

Serialization: :meth:`NormTable.to_dict` / :meth:`NormTable.from_dict` (and the JSON
variants) carry ``format_version`` so stored tables can be read back by later releases.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from servicefit.psychometrics._arrays import FloatArray, as_vector
from servicefit.psychometrics.errors import (
    InsufficientDataError,
    KeyMismatchError,
    PsychometricsError,
)

__all__ = [
    "NORMS_FORMAT_VERSION",
    "STANINE_CUTS",
    "Norm",
    "NormScores",
    "NormTable",
    "build_norm",
    "build_norm_table",
]

NORMS_FORMAT_VERSION = 1
STANINE_CUTS: tuple[float, ...] = (4.0, 11.0, 23.0, 40.0, 60.0, 77.0, 89.0, 96.0)


@dataclass(frozen=True, slots=True, eq=False)
class NormScores:
    """Normed scores of many people (NaN / 0 stanine where the raw score is NaN)."""

    percentile_rank: FloatArray
    z: FloatArray
    t: FloatArray
    stanine: NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Norm:
    """The norm of one scale in one group (``group=None`` for the whole sample)."""

    scale: str
    group: str | None
    n: int
    mean: float
    sd: float
    values: tuple[float, ...]
    counts: tuple[int, ...]

    def percentile_rank(self, scores: ArrayLike) -> FloatArray:
        """Mid-point percentile rank of each score (0-100; NaN stays NaN)."""
        x = np.asarray(scores, dtype=np.float64)
        values = np.asarray(self.values)
        cum = np.concatenate([[0], np.cumsum(self.counts)])
        counts = np.asarray(self.counts, dtype=np.float64)
        below_idx = np.searchsorted(values, x, side="left")
        below = cum[below_idx].astype(np.float64)
        pos = np.minimum(below_idx, values.size - 1)
        equal = np.where(values[pos] == x, counts[pos], 0.0)
        pr: FloatArray = 100.0 * (below + equal / 2.0) / self.n
        return np.where(np.isnan(x), np.nan, pr)

    def z(self, scores: ArrayLike) -> FloatArray:
        """``(x - mean) / sd``."""
        z: FloatArray = (np.asarray(scores, dtype=np.float64) - self.mean) / self.sd
        return z

    def t_score(self, scores: ArrayLike) -> FloatArray:
        """``50 + 10 z``."""
        return 50.0 + 10.0 * self.z(scores)

    def stanine(self, scores: ArrayLike) -> NDArray[np.int64]:
        """Stanine 1-9 from the percentile rank (0 where the score is NaN)."""
        pr = self.percentile_rank(scores)
        st = (np.searchsorted(STANINE_CUTS, pr, side="right") + 1).astype(np.int64)
        return np.where(np.isnan(pr), 0, st)

    def apply(self, scores: ArrayLike) -> NormScores:
        """Percentile rank, z, T and stanine in one call."""
        z = self.z(scores)
        return NormScores(
            percentile_rank=self.percentile_rank(scores),
            z=z,
            t=50.0 + 10.0 * z,
            stanine=self.stanine(scores),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "group": self.group,
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "values": list(self.values),
            "counts": list(self.counts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Norm:
        try:
            values = tuple(float(v) for v in data["values"])
            counts = tuple(int(c) for c in data["counts"])
            norm = cls(
                scale=str(data["scale"]),
                group=None if data.get("group") is None else str(data["group"]),
                n=int(data["n"]),
                mean=float(data["mean"]),
                sd=float(data["sd"]),
                values=values,
                counts=counts,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PsychometricsError(f"invalid norm entry: {exc!r}") from None
        if len(values) != len(counts) or sum(counts) != norm.n:
            raise PsychometricsError(f"norm {norm.scale!r}: counts do not add up to n")
        return norm


def build_norm(scores: ArrayLike, *, scale: str, group: str | None = None) -> Norm:
    """Build the norm of one scale from sample scores (NaN scores are left out)."""
    x = as_vector(scores, name="scores")
    x = x[~np.isnan(x)]
    if x.size < 2:
        raise InsufficientDataError(f"norm {scale!r} needs at least 2 scores, got {x.size}")
    sd = float(np.std(x, ddof=1))
    if sd == 0:
        raise InsufficientDataError(f"norm {scale!r}: all scores are equal")
    values, counts = np.unique(x, return_counts=True)
    return Norm(
        scale=scale,
        group=group,
        n=int(x.size),
        mean=float(x.mean()),
        sd=sd,
        values=tuple(float(v) for v in values),
        counts=tuple(int(c) for c in counts),
    )


@dataclass(frozen=True, slots=True)
class NormTable:
    """Norms of several scales (and groups) with name, version and norming date."""

    name: str
    version: str
    created: dt.date
    norms: tuple[Norm, ...]
    format_version: int = NORMS_FORMAT_VERSION

    @property
    def scales(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.scale for n in self.norms))

    @property
    def groups(self) -> tuple[str | None, ...]:
        return tuple(dict.fromkeys(n.group for n in self.norms))

    def get(self, scale: str, group: str | None = None) -> Norm:
        """The norm for ``scale`` in ``group`` (``None`` = whole sample)."""
        for norm in self.norms:
            if norm.scale == scale and norm.group == group:
                return norm
        where = "the whole sample" if group is None else f"group {group!r}"
        raise KeyMismatchError(f"norm table {self.name!r} has no norm for {scale!r} in {where}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "name": self.name,
            "version": self.version,
            "created": self.created.isoformat(),
            "norms": [n.to_dict() for n in self.norms],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NormTable:
        version = data.get("format_version")
        if version != NORMS_FORMAT_VERSION:
            raise PsychometricsError(
                f"unsupported norm table format_version {version!r} "
                f"(this release reads {NORMS_FORMAT_VERSION})"
            )
        try:
            created = dt.date.fromisoformat(str(data["created"]))
            return cls(
                name=str(data["name"]),
                version=str(data["version"]),
                created=created,
                norms=tuple(Norm.from_dict(n) for n in data["norms"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, PsychometricsError):
                raise
            raise PsychometricsError(f"invalid norm table: {exc!r}") from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> NormTable:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PsychometricsError(f"norm table is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise PsychometricsError("norm table JSON must be an object")
        return cls.from_dict(data)


def build_norm_table(
    scores: Mapping[str, ArrayLike],
    *,
    name: str,
    version: str,
    created: dt.date,
    groups: ArrayLike | None = None,
    min_group_size: int = 2,
) -> NormTable:
    """Build norms for every scale in ``scores`` (scale name -> per-person scores).

    With ``groups`` (one label per person) a norm is also built per group; groups with fewer
    than ``min_group_size`` scores are skipped. The whole-sample norm is always included.
    """
    norms: list[Norm] = []
    labels = None if groups is None else np.asarray(groups).astype(str)
    for scale, values in scores.items():
        x = as_vector(values, name=f"scores[{scale!r}]")
        norms.append(build_norm(x, scale=scale))
        if labels is None:
            continue
        if labels.shape != x.shape:
            raise KeyMismatchError(f"{labels.size} group labels for {x.size} scores")
        for label in dict.fromkeys(labels.tolist()):
            sub = x[labels == label]
            if np.count_nonzero(~np.isnan(sub)) >= max(2, min_group_size):
                norms.append(build_norm(sub, scale=scale, group=label))
    return NormTable(name=name, version=version, created=created, norms=tuple(norms))
